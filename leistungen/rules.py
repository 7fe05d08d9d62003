"""Domain rules as plain functions (each has a table-driven test in ``tests/test_rules.py``).

Nothing here touches the database: callers pass in plain values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .choices import (
    REIFEGRAD_OZG_KONFORM,
    Anforderungsstufe,
    Depriorisierungsgrund,
    Ergebnisstatus,
    Ergebnistyp,
    Flaechendeckung,
    Prioritaet,
    Vorgehensmodell,
)

# --------------------------------------------------------------------------------------
# Priorität ↔ Vorgehensmodell (§5.1, §5.2)
# --------------------------------------------------------------------------------------

#: Which Vorgehensmodelle fit a Priorität.
ERLAUBTE_VORGEHENSMODELLE: dict[str, tuple[str, ...]] = {
    Prioritaet.PRIO_1: (Vorgehensmodell.DIGITALISIERUNGSLABOR,),
    Prioritaet.PRIO_2: (Vorgehensmodell.DIGITALISIERUNGSLABOR,),
    Prioritaet.PRIO_3: (
        Vorgehensmodell.DIGITALISIERUNGSWERKBANK,
        Vorgehensmodell.DIREKT_DIGITALISIERUNG,
        Vorgehensmodell.VORHANDENE_LOESUNG,
    ),
    Prioritaet.DEPRIORISIERT: (Vorgehensmodell.KEINE_UMSETZUNG,),
}


def vorgehensmodell_passt(prioritaet: str, vorgehensmodell: str) -> bool:
    """True when the Vorgehensmodell is allowed for the Priorität (or either is unset)."""
    if not prioritaet or not vorgehensmodell:
        return True
    return vorgehensmodell in ERLAUBTE_VORGEHENSMODELLE[prioritaet]


# --------------------------------------------------------------------------------------
# Ergebnistypen-Matrix (Abbildung 2)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anforderung:
    """One cell of Abbildung 2."""

    stufe: Anforderungsstufe
    #: "erforderlich, kann mit Begründung entfallen" (Prio 3: OZG-Referenzinformationen,
    #: Klick-Prototyp with an expert assessment).
    verzicht_mit_begruendung: bool = False


_ERF = Anforderung(Anforderungsstufe.ERFORDERLICH)
_ERF_VERZICHTBAR = Anforderung(Anforderungsstufe.ERFORDERLICH, verzicht_mit_begruendung=True)
_FF = Anforderung(Anforderungsstufe.ENTSCHEIDUNG_FF)
_NICHT = Anforderung(Anforderungsstufe.NICHT_ERFORDERLICH)

#: Column of Abbildung 2 → requirement per Ergebnistyp.
_MATRIX: dict[str, dict[str, Anforderung]] = {
    "labor": {
        Ergebnistyp.FIM_STAMMINFORMATIONEN: _ERF,
        Ergebnistyp.OZG_REFERENZINFORMATIONEN: _ERF,
        Ergebnistyp.KLICK_PROTOTYP: _ERF,
        Ergebnistyp.REFERENZIMPLEMENTIERUNG: _ERF,
        Ergebnistyp.KONZEPT_NACHNUTZUNG: _ERF,
        Ergebnistyp.ANTRAGSPROZESS: _FF,
    },
    "mittel": {
        Ergebnistyp.FIM_STAMMINFORMATIONEN: _ERF,
        Ergebnistyp.OZG_REFERENZINFORMATIONEN: _ERF_VERZICHTBAR,
        Ergebnistyp.KLICK_PROTOTYP: _ERF_VERZICHTBAR,
        Ergebnistyp.REFERENZIMPLEMENTIERUNG: _ERF,
        Ergebnistyp.KONZEPT_NACHNUTZUNG: _ERF,
        Ergebnistyp.ANTRAGSPROZESS: _FF,
    },
    "depriorisiert": dict.fromkeys(Ergebnistyp.values, _NICHT),
}

_SPALTE_NACH_VORGEHENSMODELL = {
    Vorgehensmodell.DIGITALISIERUNGSLABOR: "labor",
    Vorgehensmodell.DIGITALISIERUNGSWERKBANK: "mittel",
    Vorgehensmodell.DIREKT_DIGITALISIERUNG: "mittel",
    Vorgehensmodell.VORHANDENE_LOESUNG: "mittel",
    Vorgehensmodell.KEINE_UMSETZUNG: "depriorisiert",
}
_SPALTE_NACH_PRIORITAET = {
    Prioritaet.PRIO_1: "labor",
    Prioritaet.PRIO_2: "labor",
    Prioritaet.PRIO_3: "mittel",
    Prioritaet.DEPRIORISIERT: "depriorisiert",
}


def ergebnis_anforderung(
    ergebnistyp: str, prioritaet: str, vorgehensmodell: str = ""
) -> Anforderung | None:
    """Requirement of an Ergebnistyp for a Leistung (Abbildung 2).

    The Priorität selects the column; the Vorgehensmodell decides where the Priorität is
    not yet set. "Vorerst keine Umsetzung" always means nothing is required. ``None``
    when neither is set (the Leistung is not yet prioritised).
    """
    if vorgehensmodell == Vorgehensmodell.KEINE_UMSETZUNG:
        spalte = "depriorisiert"
    elif prioritaet:
        spalte = _SPALTE_NACH_PRIORITAET[prioritaet]
    elif vorgehensmodell:
        spalte = _SPALTE_NACH_VORGEHENSMODELL[vorgehensmodell]
    else:
        return None
    return _MATRIX[spalte][ergebnistyp]


def ergebnis_ist_erforderlich(
    anforderung: Anforderung | None, ff_erforderlich: bool | None
) -> bool:
    """Whether a Leistung must deliver this Ergebnistyp (FF decision resolves the middle cell)."""
    if anforderung is None:
        return False
    if anforderung.stufe == Anforderungsstufe.ENTSCHEIDUNG_FF:
        return bool(ff_erforderlich)
    return anforderung.stufe == Anforderungsstufe.ERFORDERLICH


def ergebnis_ist_erfuellt(
    anforderung: Anforderung | None, ff_erforderlich: bool | None, status: str
) -> bool:
    """An Ergebnistyp counts as done when delivered, not required, or waived where allowed."""
    if not ergebnis_ist_erforderlich(anforderung, ff_erforderlich):
        return True
    if status == Ergebnisstatus.GELIEFERT:
        return True
    return status == Ergebnisstatus.VERZICHTET and anforderung.verzicht_mit_begruendung


def verzicht_zulaessig(anforderung: Anforderung | None, ff_erforderlich: bool | None) -> bool:
    """A waiver (with reason) is allowed where the cell says so or nothing is required."""
    if anforderung is None:
        return True
    return anforderung.verzicht_mit_begruendung or not ergebnis_ist_erforderlich(
        anforderung, ff_erforderlich
    )


@dataclass(frozen=True)
class Vollstaendigkeit:
    erforderlich: int
    erfuellt: int
    offen: tuple[str, ...]

    @property
    def anteil(self) -> float | None:
        return None if self.erforderlich == 0 else self.erfuellt / self.erforderlich

    @property
    def vollstaendig(self) -> bool:
        return not self.offen


def ergebnis_vollstaendigkeit(
    prioritaet: str, vorgehensmodell: str, ergebnisse: dict[str, tuple[str, bool | None]]
) -> Vollstaendigkeit:
    """Completeness of a Leistung's Ergebnistypen.

    ``ergebnisse`` maps Ergebnistyp → (status, ff_erforderlich); missing types count as
    "offen" with no FF decision.
    """
    erforderlich = erfuellt = 0
    offen = []
    for typ in Ergebnistyp.values:
        status, ff = ergebnisse.get(typ, (Ergebnisstatus.OFFEN, None))
        anforderung = ergebnis_anforderung(typ, prioritaet, vorgehensmodell)
        if not ergebnis_ist_erforderlich(anforderung, ff):
            continue
        erforderlich += 1
        if ergebnis_ist_erfuellt(anforderung, ff, status):
            erfuellt += 1
        else:
            offen.append(typ)
    return Vollstaendigkeit(erforderlich, erfuellt, tuple(offen))


# --------------------------------------------------------------------------------------
# Leistungstyp from LeiKa-Typen (§3)
# --------------------------------------------------------------------------------------

#: LeiKa-Typen accepted in the catalogue, normalised. Typ 2 and 3 are carried as "2/3".
LEIKA_TYPEN = ("1", "2/3", "4", "5")
_TYP_ALIAS = {"2": "2/3", "3": "2/3", "2/3": "2/3", "1": "1", "4": "4", "5": "5"}


@dataclass(frozen=True)
class LeikaTypParse:
    typen: tuple[str, ...]
    hinweis: str = ""  # what was done with an unusual value (empty when clean)
    ungueltig: tuple[str, ...] = ()


def leika_typ_parsen(wert: str) -> LeikaTypParse:
    """Normalise a LeiKa-Typ cell ("1", "2/3", "1, 2/3", "2", "44", "").

    Returns the normalised Typen and a German note for every unusual value.
    """
    roh = (wert or "").strip()
    if not roh:
        return LeikaTypParse((), "LeiKa-Typ fehlt; ohne Typ übernommen.")
    teile = [t.strip() for t in re.split(r"[,;]", roh) if t.strip()]
    typen: list[str] = []
    ungueltig: list[str] = []
    hinweise: list[str] = []
    for teil in teile:
        norm = _TYP_ALIAS.get(teil.replace(" ", ""))
        if norm is None:
            ungueltig.append(teil)
        elif norm not in typen:
            typen.append(norm)
            if teil.replace(" ", "") in ("2", "3"):
                hinweise.append(f"Typ „{teil}“ als Typ 2/3 geführt.")
    if ungueltig:
        hinweise.append(
            "Unbekannter LeiKa-Typ "
            + ", ".join(f"„{u}“" for u in ungueltig)
            + " (erlaubt: 1, 2/3, 4, 5); nicht übernommen."
        )
    if len(typen) > 1:
        hinweise.append(f"Mehrere Typen ({', '.join(typen)}): Mischleistung.")
    typen.sort(key=LEIKA_TYPEN.index)
    return LeikaTypParse(tuple(typen), " ".join(hinweise), tuple(ungueltig))


class Typkategorie:
    BUND = "bund"
    FOEDERAL = "foederal"
    MISCH = "misch"
    UNBEKANNT = "unbekannt"


_KATEGORIE_LABEL = {
    Typkategorie.BUND: "Typ 1 (Bundesprogramm)",
    Typkategorie.FOEDERAL: "Typ 2–5 (Digitalisierungsprogramm Föderal)",
    Typkategorie.MISCH: "Mischleistung (Typ 1 und 2–5)",
    Typkategorie.UNBEKANNT: "Typ unbekannt",
}

#: (value, label) of the Typ categories, e.g. for filter choices.
TYPKATEGORIEN: tuple[tuple[str, str], ...] = tuple(_KATEGORIE_LABEL.items())


@dataclass(frozen=True)
class Leistungstyp:
    typen: tuple[str, ...]
    kategorie: str

    @property
    def kategorie_label(self) -> str:
        return _KATEGORIE_LABEL[self.kategorie]

    @property
    def label(self) -> str:
        if not self.typen:
            return _KATEGORIE_LABEL[self.kategorie]
        return f"Typ {', '.join(self.typen)} – {_KATEGORIE_LABEL[self.kategorie]}"

    def __str__(self) -> str:
        return self.label


def leistungstyp(leika_typen: Iterable[str]) -> Leistungstyp:
    """Typ of an OZG-Leistung from the (normalised) Typ strings of its LeiKa rows.

    Each element may itself be combined ("1, 2/3"). Typ 1 only → Bund; only 2–5 →
    föderal; both → Mischleistung; none → unbekannt.
    """
    gesamt: set[str] = set()
    for wert in leika_typen:
        gesamt.update(leika_typ_parsen(wert).typen)
    typen = tuple(t for t in LEIKA_TYPEN if t in gesamt)
    bund = "1" in gesamt
    foederal = bool(gesamt - {"1"})
    if bund and foederal:
        kategorie = Typkategorie.MISCH
    elif bund:
        kategorie = Typkategorie.BUND
    elif foederal:
        kategorie = Typkategorie.FOEDERAL
    else:
        kategorie = Typkategorie.UNBEKANNT
    return Leistungstyp(typen, kategorie)


# --------------------------------------------------------------------------------------
# Depriorisierung (§5.1): re-evaluation rule
# --------------------------------------------------------------------------------------

#: Rechtliche and wirtschaftliche Unmöglichkeit are re-evaluated after 2022.
NEUBEWERTUNG_AB = dt.date(2023, 1, 1)


def depriorisierung_neubewertung_ab(grund: str) -> dt.date | None:
    """Date from which a depriorisation must be re-evaluated; None = never (faktisch)."""
    if grund in (Depriorisierungsgrund.RECHTLICH, Depriorisierungsgrund.WIRTSCHAFTLICH):
        return NEUBEWERTUNG_AB
    return None


def depriorisierung_neubewertung_faellig(grund: str, stichtag: dt.date) -> bool:
    ab = depriorisierung_neubewertung_ab(grund)
    return ab is not None and stichtag >= ab


# --------------------------------------------------------------------------------------
# Steuerungsindikatoren / Meilensteine (§5.5)
# --------------------------------------------------------------------------------------


def meilenstein_verzug_tage(
    geplant: dt.date | None, erreicht: dt.date | None, stichtag: dt.date
) -> int:
    """Days of delay against the planned date (0 when on time or not planned)."""
    if geplant is None:
        return 0
    ende = erreicht if erreicht is not None else stichtag
    return max(0, (ende - geplant).days)


def meilenstein_ist_verzoegert(
    geplant: dt.date | None, erreicht: dt.date | None, stichtag: dt.date
) -> bool:
    """Reached after the plan, or not reached and the planned date has passed."""
    return meilenstein_verzug_tage(geplant, erreicht, stichtag) > 0


# --------------------------------------------------------------------------------------
# Referenzimplementierung (§5.1): complete only when all four criteria hold
# --------------------------------------------------------------------------------------


def referenzimplementierung_abgeschlossen(
    *, territorial: bool, funktional: bool, leistungsbreite: bool, nachnutzbarkeit: bool
) -> bool:
    return territorial and funktional and leistungsbreite and nachnutzbarkeit


# --------------------------------------------------------------------------------------
# Flächendeckung (§3): availability at Stufe ≥ 3 per Land and nationwide
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stand:
    """One Umsetzungsstand, reduced to what the rule needs."""

    ars: str
    reifegrad: int


def _online(stand: Stand) -> bool:
    return stand.reifegrad >= REIFEGRAD_OZG_KONFORM


def flaechendeckung_land(land_ars: str, staende: Iterable[Stand]) -> Flaechendeckung:
    """Category for one Land from the Umsetzungsstände of the Land, its Kreise and Gemeinden.

    - landesweit: the Land-level Stand is ≥ 3 (a Land-wide solution);
    - kreisweit: at least one Kreis-level Stand in the Land is ≥ 3;
    - in mindestens einer Kommune: at least one Gemeinde is ≥ 3;
    - otherwise nicht verfügbar.
    """
    beste = Flaechendeckung.KEINE
    for stand in staende:
        if not stand.ars.startswith(land_ars) or not _online(stand):
            continue
        laenge = len(stand.ars)
        if laenge == 2:
            return Flaechendeckung.LANDESWEIT
        if laenge == 5:
            beste = Flaechendeckung.KREISWEIT
        elif laenge == 12 and beste == Flaechendeckung.KEINE:
            beste = Flaechendeckung.KOMMUNE
    return beste


_RANG = [
    Flaechendeckung.KEINE,
    Flaechendeckung.KOMMUNE,
    Flaechendeckung.KREISWEIT,
    Flaechendeckung.LANDESWEIT,
    Flaechendeckung.BUNDESWEIT,
]


@dataclass(frozen=True)
class FlaechendeckungBund:
    kategorie: Flaechendeckung
    je_land: dict[str, Flaechendeckung]

    @property
    def laender_flaechendeckend(self) -> int:
        return sum(1 for k in self.je_land.values() if k == Flaechendeckung.LANDESWEIT)

    @property
    def anteil_laender(self) -> float:
        return self.laender_flaechendeckend / len(self.je_land) if self.je_land else 0.0


def flaechendeckung_bund(
    laender_ars: Iterable[str], staende: Iterable[Stand]
) -> FlaechendeckungBund:
    """Nationwide: bundesweit when every Land is landesweit; else the best Land category."""
    staende = list(staende)
    je_land = {ars: flaechendeckung_land(ars, staende) for ars in laender_ars}
    if je_land and all(k == Flaechendeckung.LANDESWEIT for k in je_land.values()):
        kategorie = Flaechendeckung.BUNDESWEIT
    else:
        kategorie = max(je_land.values(), key=_RANG.index, default=Flaechendeckung.KEINE)
    return FlaechendeckungBund(kategorie, je_land)
