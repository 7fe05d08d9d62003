"""Import des OZG-Umsetzungskatalogs im Spaltenformat des Katalogs 2019.

Zwei Schritte:

1. :func:`katalog_lesen` liest und prüft alle Dateien vollständig (CSV als UTF-8 mit oder
   ohne BOM, Komma oder Semikolon; XLSX mit einem Blatt oder mit Blättern, die wie die
   vier Dateien heißen). Jeder Fehler im Aufbau einer Datei (Spalte fehlt, falsche
   Kodierung, leer, unlesbar) bricht mit :class:`KatalogFehler` ab, bevor irgendetwas
   geschrieben wird.
2. :func:`katalog_importieren` gleicht die Zeilen in einer Transaktion über die Services
   mit der Datenbank ab (Historie inklusive) und liefert einen :class:`Bericht`: was neu,
   geändert (Feld vorher → nachher) und nicht mehr im Katalog ist, dazu je Zeile eine
   Meldung für jede Besonderheit der Daten. Nichts wird gelöscht. Neue Leistungen und
   LeiKa-Zeilen werden blockweise über ``leistungen_anlegen``/``leika_leistungen_anlegen``
   angelegt (gleiche Prüfungen, eine Historienzeile je Objekt), Änderungen einzeln.

Identität: Themenfelder nach Name, Lebenslagen nach (Name, Themenfeld), OZG-Leistungen
nach OZG-ID, LeiKa-Leistungen nach Schlüssel bzw. bei „nicht im LeiKa“ nach
(OZG-ID, Name).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from ozgplattform.history import als_benutzer, system_user
from themenfelder.models import Lebenslage, Themenfeld
from themenfelder.services import lebenslage_anlegen, themenfeld_anlegen

from .models import LeikaLeistung, Leistung
from .rules import leika_typ_parsen
from .services import (
    leika_leistung_aendern,
    leika_leistung_anlegen,
    leika_leistungen_anlegen,
    leistung_aendern,
    leistung_anlegen,
    leistungen_anlegen,
)

# --------------------------------------------------------------------------------------
# Dateiformat
# --------------------------------------------------------------------------------------

THEMENFELDER = "themenfelder"
LEBENSLAGEN = "lebenslagen"
OZG_LEISTUNGEN = "ozg_leistungen"
LEIKA_LEISTUNGEN = "leika_leistungen"

#: Pflichtspalten je Dateiart, in der Reihenfolge des Imports.
SPALTEN: dict[str, tuple[str, ...]] = {
    THEMENFELDER: ("id", "themenfeld"),
    LEBENSLAGEN: ("lebenslage_geschaeftslage", "themenfeld"),
    OZG_LEISTUNGEN: ("ozg_id", "ozg_leistung", "lebenslage_geschaeftslage", "themenfeld"),
    LEIKA_LEISTUNGEN: (
        "leika_schluessel",
        "leika_leistung",
        "leika_typ",
        "ozg_id",
        "rechtsgrundlage",
        "gesetze",
        "gesetz_kuerzel",
    ),
}
_BEKANNTE_SPALTEN = frozenset(s for spalten in SPALTEN.values() for s in spalten)

BEZEICHNUNG = {
    THEMENFELDER: "Themenfelder",
    LEBENSLAGEN: "Lebenslagen",
    OZG_LEISTUNGEN: "OZG-Leistungen",
    LEIKA_LEISTUNGEN: "LeiKa-Leistungen",
}

NICHT_IM_LEIKA = "nicht im leika"


class KatalogFehler(Exception):
    """Eine Datei ist so fehlerhaft, dass nichts importiert wird (Text nennt Datei und Problem)."""


@dataclass
class Zeile:
    nummer: int  # Zeile in der Datei (Kopfzeile = 1) bzw. Zeilennummer im Blatt
    werte: dict[str, str]


@dataclass
class Tabelle:
    art: str
    quelle: str  # Anzeigename: "ozg_leistungen.csv" oder "katalog.xlsx [Blatt ozg_leistungen]"
    zeilen: list[Zeile]
    meldungen: list[Meldung] = field(default_factory=list)


@dataclass
class Katalog:
    tabellen: dict[str, Tabelle]
    name: str  # für den Änderungsgrund: Ordner- oder Dateiname(n)

    @property
    def vollstaendig(self) -> bool:
        """Alle vier Dateien: dann gilt, was fehlt, als nicht mehr im Katalog."""
        return all(art in self.tabellen for art in SPALTEN)


# --------------------------------------------------------------------------------------
# Meldungen und Bericht
# --------------------------------------------------------------------------------------

INFO, WARNUNG, FEHLER = "info", "warnung", "fehler"

#: Art → (Stufe, Beschreibung für die Zusammenfassung). FEHLER heißt: Zeile übersprungen.
MELDUNGSARTEN: dict[str, tuple[str, str]] = {
    "schluessel_ungueltig": (FEHLER, "ungültiger LeiKa-Schlüssel – Zeile übersprungen"),
    "doppelt": (FEHLER, "doppelte Zeile – nicht erneut übernommen"),
    "themenfeld_unbekannt": (FEHLER, "Themenfeld unbekannt – Zeile übersprungen"),
    "ungueltig": (FEHLER, "ungültiger Wert – Zeile übersprungen"),
    "ohne_ozg_id": (WARNUNG, "keine OZG-ID – ohne Zuordnung übernommen"),
    "ozg_id_unbekannt": (WARNUNG, "unbekannte OZG-ID – ohne Zuordnung übernommen"),
    "ozg_id_nicht_in_datei": (
        WARNUNG,
        "OZG-ID nicht in ozg_leistungen – vorhandener Leistung zugeordnet",
    ),
    "leika_typ_unbekannt": (
        WARNUNG,
        "unbekannter LeiKa-Typ – verworfen, Originalwert behalten",
    ),
    "leika_typ_fehlt": (WARNUNG, "LeiKa-Typ fehlt – ohne Typ übernommen"),
    "lebenslage_unbekannt": (WARNUNG, "Lebenslage unbekannt – ohne Lebenslage übernommen"),
    "nummer_abweichend": (WARNUNG, "Themenfeld-Nummer weicht ab – nicht geändert"),
    "spaltenzahl": (WARNUNG, "abweichende Spaltenzahl"),
    "nicht_im_leika": (INFO, "„nicht im LeiKa“ – ohne Schlüssel übernommen"),
    "leika_typ_kombiniert": (INFO, "kombinierter LeiKa-Typ (Mischleistung)"),
    "leika_typ_2_3": (INFO, "LeiKa-Typ 2 bzw. 3 als 2/3 geführt"),
    "rechtsgrundlage_leer": (INFO, "Rechtsgrundlage leer"),
    "lebenslage_leer": (INFO, "keine Lebenslage angegeben"),
}
_STUFEN = (
    (FEHLER, "Fehler (Zeile nicht übernommen)"),
    (WARNUNG, "Warnungen"),
    (INFO, "Hinweise"),
)

#: So viele Einträge je Liste bei Ausführlichkeit 1; alle mit -v 2.
LISTENLAENGE = 50


@dataclass(frozen=True)
class Meldung:
    art: str
    quelle: str
    zeile: int | None
    spalte: str
    wert: str
    text: str

    @property
    def stufe(self) -> str:
        return MELDUNGSARTEN[self.art][0]

    def __str__(self) -> str:
        ort = self.quelle + (f", Zeile {self.zeile}" if self.zeile else "")
        if self.spalte:
            ort += f", Spalte {self.spalte}"
            ort += f" = „{_kurz(self.wert)}“"
        return f"{ort}: {self.text}"


@dataclass
class Statistik:
    art: str
    gelesen: int = 0
    neu: list[str] = field(default_factory=list)
    geaendert: list[tuple[str, list[tuple[str, str, str]]]] = field(default_factory=list)
    unveraendert: int = 0
    uebersprungen: int = 0
    #: Leistungen/LeiKa: jetzt auf im_katalog=False gesetzt; Themenfelder/Lebenslagen:
    #: nur aufgeführt (sie haben kein solches Feld und bleiben unverändert).
    nicht_mehr: list[str] = field(default_factory=list)
    wieder: list[str] = field(default_factory=list)

    @property
    def uebernommen(self) -> int:
        return len(self.neu) + len(self.geaendert) + self.unveraendert


@dataclass
class Bericht:
    quellen: list[str]
    vollstaendig: bool
    statistik: dict[str, Statistik]
    meldungen: list[Meldung] = field(default_factory=list)

    def text(self, verbosity: int = 1) -> str:
        """The report; lists are capped at LISTENLAENGE at verbosity 1, hints need -v 2."""
        zeilen: list[str] = [
            f"Katalogimport aus {', '.join(self.quellen)}",
            "Vollständiger Katalog: nicht mehr aufgeführte Einträge werden als "
            "„nicht im Katalog“ markiert."
            if self.vollstaendig
            else "Teilimport (nicht alle vier Dateien): Verweise werden gegen die Datenbank "
            "aufgelöst; fehlende Einträge werden nicht markiert.",
            "",
        ]
        zeilen.extend(_statistikzeile(st, self.vollstaendig) for st in self.statistik.values())
        zeilen.append("")

        zaehler = Counter(m.art for m in self.meldungen)
        if zaehler:
            zeilen.append("Meldungen je Art:")
            for stufe, titel in _STUFEN:
                arten = [a for a, (s, _) in MELDUNGSARTEN.items() if s == stufe and zaehler[a]]
                if arten:
                    zeilen.append(f"  {titel}:")
                    zeilen.extend(f"    {MELDUNGSARTEN[a][1]}: {_zahl(zaehler[a])}" for a in arten)
        else:
            zeilen.append("Meldungen: keine.")
        if verbosity < 1:
            return "\n".join(zeilen)

        def begrenzt(liste: list) -> tuple[list, str | None]:
            if verbosity >= 2 or len(liste) <= LISTENLAENGE:
                return liste, None
            rest = _zahl(len(liste) - LISTENLAENGE)
            return liste[:LISTENLAENGE], f"  … und {rest} weitere (alle mit -v 2)"

        for st in self.statistik.values():
            name = BEZEICHNUNG[st.art]
            if st.nicht_mehr:
                titel = (
                    f"{name} nicht mehr im Katalog (auf „nicht im Katalog“ gesetzt)"
                    if st.art in (OZG_LEISTUNGEN, LEIKA_LEISTUNGEN)
                    else f"{name} nicht mehr aufgeführt (unverändert gelassen)"
                )
                # never capped: nothing leaves the catalogue unseen
                zeilen += ["", f"{titel}:", *(f"  {e}" for e in st.nicht_mehr)]
            if st.geaendert:
                zeilen += ["", f"{name} geändert:"]
                liste, rest = begrenzt(st.geaendert)
                for eintrag, diffs in liste:
                    zeilen.append(f"  {eintrag}")
                    zeilen.extend(f"    {f}: {vor} → {nach}" for f, vor, nach in diffs)
                zeilen += [rest] if rest else []
            if st.neu:
                liste, rest = begrenzt(st.neu)
                zeilen += ["", f"{name} neu:", *(f"  {e}" for e in liste)]
                zeilen += [rest] if rest else []
        reihenfolge = {quelle: i for i, quelle in enumerate(self.quellen)}
        for stufe, titel in _STUFEN:
            if stufe == INFO and verbosity < 2:
                continue
            for art, (s, beschreibung) in MELDUNGSARTEN.items():
                if s != stufe or not zaehler[art]:
                    continue
                liste, rest = begrenzt(
                    sorted(
                        (m for m in self.meldungen if m.art == art),
                        key=lambda m: (reihenfolge.get(m.quelle, 0), m.zeile or 0),
                    )
                )
                zeilen += ["", f"{titel} – {beschreibung}:", *(f"  {m}" for m in liste)]
                zeilen += [rest] if rest else []
        return "\n".join(zeilen)


def _statistikzeile(st: Statistik, vollstaendig: bool) -> str:
    text = (
        f"{BEZEICHNUNG[st.art]}: {_zahl(st.gelesen)} Zeilen verarbeitet = "
        f"{_zahl(st.uebernommen)} übernommen ({_zahl(len(st.neu))} neu, "
        f"{_zahl(len(st.geaendert))} geändert, {_zahl(st.unveraendert)} unverändert) + "
        f"{_zahl(st.uebersprungen)} übersprungen"
    )
    if st.art in (OZG_LEISTUNGEN, LEIKA_LEISTUNGEN):
        text += f"; {_zahl(len(st.wieder))} wieder im Katalog"
        if vollstaendig:
            text += f", {_zahl(len(st.nicht_mehr))} nicht mehr im Katalog"
    elif vollstaendig and st.nicht_mehr:
        text += f"; {_zahl(len(st.nicht_mehr))} nicht mehr aufgeführt"
    return text


def _zahl(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _kurz(wert: Any, laenge: int = 80) -> str:
    text = "" if wert is None else str(wert)
    text = text.replace("\n", " ")
    return text if len(text) <= laenge else text[: laenge - 1] + "…"


# --------------------------------------------------------------------------------------
# Lesen
# --------------------------------------------------------------------------------------


def katalog_lesen(pfade: Iterable[str | Path]) -> Katalog:
    """Read and check every file completely. Raises :class:`KatalogFehler`, writes nothing."""
    tabellen: dict[str, Tabelle] = {}
    namen: list[str] = []
    for roh in pfade:
        pfad = Path(roh)
        if pfad.is_dir():
            neue = _ordner_lesen(pfad)
        elif not pfad.exists():
            raise KatalogFehler(f"{pfad}: Datei oder Ordner nicht gefunden.")
        elif pfad.suffix.lower() in (".xlsx", ".xlsm"):
            neue = _xlsx_lesen(pfad)
        elif pfad.suffix.lower() == ".xls":
            raise KatalogFehler(
                f"{pfad.name}: Das alte Excel-Format .xls wird nicht unterstützt; "
                "bitte als .xlsx oder „CSV UTF-8“ speichern."
            )
        else:
            neue = [_csv_lesen(pfad, pfad.name, _art_aus_name(pfad.stem))]
        namen.append(pfad.name)
        for tabelle in neue:
            if tabelle.art in tabellen:
                raise KatalogFehler(
                    f"{tabelle.quelle}: {BEZEICHNUNG[tabelle.art]} sind bereits in "
                    f"{tabellen[tabelle.art].quelle} enthalten; bitte nur eine Quelle je Art."
                )
            tabellen[tabelle.art] = tabelle
    if not tabellen:
        raise KatalogFehler("Keine Datei angegeben.")
    reihenfolge = {art: tabellen[art] for art in SPALTEN if art in tabellen}
    return Katalog(reihenfolge, ", ".join(namen))


def _ordner_lesen(ordner: Path) -> list[Tabelle]:
    tabellen = []
    for art in SPALTEN:
        kandidaten = [ordner / f"{art}.{endung}" for endung in ("csv", "xlsx")]
        vorhanden = [p for p in kandidaten if p.is_file()]
        if not vorhanden:
            raise KatalogFehler(f"{ordner.name}: Datei {art}.csv (oder {art}.xlsx) fehlt.")
        if len(vorhanden) > 1:
            raise KatalogFehler(
                f"{ordner.name}: sowohl {art}.csv als auch {art}.xlsx vorhanden; "
                "bitte nur eine davon."
            )
        pfad = vorhanden[0]
        if pfad.suffix == ".xlsx":
            blaetter = _xlsx_lesen(pfad, art)
            tabellen.extend(blaetter)
        else:
            tabellen.append(_csv_lesen(pfad, pfad.name, art))
    return tabellen


def _art_aus_name(name: str) -> str | None:
    norm = name.strip().lower().removesuffix(".csv").replace("-", "_").replace(" ", "_")
    return norm if norm in SPALTEN else None


def _csv_lesen(pfad: Path, quelle: str, art_hinweis: str | None) -> Tabelle:
    try:
        daten = pfad.read_bytes()
    except OSError as e:
        raise KatalogFehler(f"{quelle}: Datei nicht lesbar ({e.strerror}).") from e
    if daten.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise KatalogFehler(
            f"{quelle} ist UTF-16 kodiert; bitte als UTF-8 („CSV UTF-8“) speichern."
        )
    daten = daten.removeprefix(codecs.BOM_UTF8)
    try:
        text = daten.decode("utf-8")
    except UnicodeDecodeError as e:
        zeile = daten.count(b"\n", 0, e.start) + 1
        raise KatalogFehler(
            f"{quelle} ist nicht UTF-8 kodiert (Byte 0x{daten[e.start]:02x} in Zeile {zeile}); "
            "bitte als UTF-8 („CSV UTF-8“) speichern."
        ) from e
    if not text.strip():
        raise KatalogFehler(f"{quelle}: Die Datei ist leer.")
    if "\x00" in text:
        raise KatalogFehler(f"{quelle}: enthält Nullbytes; keine CSV-Textdatei.")

    kopfzeile = text.lstrip("\r\n").splitlines()[0]
    trenner = _trenner_erkennen(kopfzeile)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=trenner, strict=True)
    zeilen: list[list[str]] = []
    nummern: list[int] = []
    try:
        vorher = 0
        for werte in reader:
            if any(w.strip() for w in werte):
                zeilen.append(werte)
                nummern.append(vorher + 1)
            vorher = reader.line_num
    except csv.Error as e:
        raise KatalogFehler(f"{quelle}: kein gültiges CSV in Zeile {reader.line_num} ({e}).") from e
    return _tabelle_bauen(quelle, art_hinweis, zeilen, nummern)


def _trenner_erkennen(kopfzeile: str) -> str:
    """The delimiter that splits the header into the most known columns (Excel: ';')."""

    def bewertung(trenner: str) -> tuple[int, int]:
        spalten = next(csv.reader([kopfzeile], delimiter=trenner), [])
        treffer = sum(1 for s in spalten if _spaltenname(s) in _BEKANNTE_SPALTEN)
        return treffer, kopfzeile.count(trenner)

    return max((",", ";", "\t"), key=bewertung)


def _spaltenname(wert: Any) -> str:
    return str(wert or "").replace("\ufeff", "").strip().strip('"').strip().lower()


def _tabelle_bauen(
    quelle: str, art_hinweis: str | None, zeilen: list[list[str]], nummern: list[int]
) -> Tabelle:
    if not zeilen:
        raise KatalogFehler(f"{quelle}: Die Datei ist leer.")
    kopf = [_spaltenname(s) for s in zeilen[0]]
    doppelt = sorted({s for s in kopf if s and kopf.count(s) > 1})
    if doppelt:
        raise KatalogFehler(f"{quelle}: Spalte '{doppelt[0]}' kommt mehrfach vor.")
    art = art_hinweis or _art_erkennen(quelle, kopf)
    fehlend = [s for s in SPALTEN[art] if s not in kopf]
    if fehlend:
        liste = ", ".join(f"'{s}'" for s in fehlend)
        was = f"Spalte {liste} fehlt" if len(fehlend) == 1 else f"Spalten {liste} fehlen"
        raise KatalogFehler(
            f"{quelle}: {was} (gefunden: {', '.join(s for s in kopf if s) or 'keine'})."
        )
    if len(zeilen) == 1:
        raise KatalogFehler(f"{quelle}: enthält nur die Kopfzeile, keine Datenzeilen.")
    index = {s: kopf.index(s) for s in SPALTEN[art]}
    tabelle = Tabelle(art, quelle, [])
    for werte, nummer in zip(zeilen[1:], nummern[1:], strict=True):
        ueberzaehlig = [w for w in werte[len(kopf) :] if w.strip()]
        if ueberzaehlig or len(werte) < len(kopf):
            tabelle.meldungen.append(
                Meldung(
                    "spaltenzahl",
                    quelle,
                    nummer,
                    "",
                    "",
                    f"Zeile hat {len(werte)} statt {len(kopf)} Felder; "
                    + ("überzählige Felder ignoriert." if ueberzaehlig else "fehlende leer."),
                )
            )
        tabelle.zeilen.append(
            Zeile(
                nummer,
                {s: (werte[i].strip() if i < len(werte) else "") for s, i in index.items()},
            )
        )
    return tabelle


def _art_erkennen(quelle: str, kopf: list[str]) -> str:
    vorhanden = set(kopf)
    voll = [art for art, spalten in SPALTEN.items() if set(spalten) <= vorhanden]
    if voll:
        return max(voll, key=lambda art: len(SPALTEN[art]))
    treffer = {art: len(set(spalten) & vorhanden) for art, spalten in SPALTEN.items()}
    beste = max(treffer.values())
    kandidaten = [art for art, t in treffer.items() if t == beste]
    if beste == 0 or len(kandidaten) > 1:
        raise KatalogFehler(
            f"{quelle}: Art der Datei nicht erkennbar; die Kopfzeile "
            f"({', '.join(s for s in kopf if s) or 'leer'}) passt zu keiner der Dateien "
            f"{', '.join(f'{a}.csv' for a in SPALTEN)}."
        )
    return kandidaten[0]


def _zelle(wert: Any) -> str:
    if wert is None:
        return ""
    if isinstance(wert, bool):
        return "1" if wert else "0"
    if isinstance(wert, float) and wert.is_integer():
        return str(int(wert))
    if isinstance(wert, dt.datetime | dt.date | dt.time):
        return wert.isoformat()
    return str(wert)


def _xlsx_lesen(pfad: Path, art_hinweis: str | None = None) -> list[Tabelle]:
    import openpyxl  # only needed for workbooks

    try:
        mappe = openpyxl.load_workbook(pfad, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises zipfile, XML, KeyError, ... on broken files
        raise KatalogFehler(
            f"{pfad.name} ist keine lesbare XLSX-Datei ({type(e).__name__}: {e})."
        ) from e
    try:
        blaetter = list(mappe.worksheets)
        benannt = [(b, _art_aus_name(b.title)) for b in blaetter]
        benannt = [(b, art) for b, art in benannt if art]
        if benannt:
            auswahl = benannt
        elif len(blaetter) == 1:
            auswahl = [(blaetter[0], art_hinweis or _art_aus_name(pfad.stem))]
        else:
            raise KatalogFehler(
                f"{pfad.name}: Arbeitsmappe mit {len(blaetter)} Blättern, aber keines heißt "
                f"wie eine Katalogdatei ({', '.join(SPALTEN)})."
            )
        tabellen = []
        for blatt, art in auswahl:
            quelle = f"{pfad.name} [Blatt {blatt.title}]" if len(blaetter) > 1 else pfad.name
            zeilen: list[list[str]] = []
            nummern: list[int] = []
            for nummer, werte in enumerate(blatt.iter_rows(values_only=True), start=1):
                texte = [_zelle(w) for w in werte]
                if any(t.strip() for t in texte):
                    zeilen.append(texte)
                    nummern.append(nummer)
            tabellen.append(_tabelle_bauen(quelle, art, zeilen, nummern))
        return tabellen
    except KatalogFehler:
        raise
    except Exception as e:  # broken sheet XML shows up only while iterating
        raise KatalogFehler(
            f"{pfad.name} ist keine lesbare XLSX-Datei ({type(e).__name__}: {e})."
        ) from e
    finally:
        mappe.close()


# --------------------------------------------------------------------------------------
# Abgleich mit der Datenbank
# --------------------------------------------------------------------------------------

#: Model field → catalogue column, for row messages from full_clean.
_FELD_SPALTE = {
    Themenfeld: {"nummer": "id", "name": "themenfeld"},
    Lebenslage: {"name": "lebenslage_geschaeftslage", "themenfeld": "themenfeld"},
    Leistung: {
        "ozg_id": "ozg_id",
        "name": "ozg_leistung",
        "themenfeld": "themenfeld",
        "lebenslage": "lebenslage_geschaeftslage",
    },
    LeikaLeistung: {
        "schluessel": "leika_schluessel",
        "name": "leika_leistung",
        "typ": "leika_typ",
        "typ_original": "leika_typ",
        "leistung": "ozg_id",
        "rechtsgrundlage": "rechtsgrundlage",
        "gesetze": "gesetze",
        "gesetz_kuerzel": "gesetz_kuerzel",
    },
}

#: simple_history's change reason column is a CharField(max_length=100).
GRUND_LAENGE = 100

#: New LeiKa rows are created in blocks of this size (bulk service).
BLOCKGROESSE = 1000

Fortschritt = Callable[[Iterable[Zeile], str], Iterable[Zeile]]


def katalog_importieren(
    katalog: Katalog,
    *,
    user=None,
    grund: str = "",
    trockenlauf: bool = False,
    fortschritt: Fortschritt | None = None,
) -> Bericht:
    """Apply the catalogue in one transaction; roll it back at the end for a dry run.

    Every write goes through the services (full_clean, history attributed to ``user`` or
    the system account, change reason ``grund``). Unchanged rows are not written at all,
    so a second import of the same files adds no history rows.
    """
    with transaction.atomic():
        benutzer = user or system_user()
        with als_benutzer(benutzer):
            grund = _kurz(grund or f"Katalogimport {katalog.name}", GRUND_LAENGE)
            # The services get user=None (trusted server-side caller, no permission
            # check); als_benutzer attributes every history record to ``benutzer``.
            abgleich = _Abgleich(katalog, None, grund)
            abgleich.ausfuehren(fortschritt or (lambda zeilen, _titel: zeilen))
        if trockenlauf:
            transaction.set_rollback(True)
    return abgleich.bericht


class _Abgleich:
    def __init__(self, katalog: Katalog, user, grund: str):
        self.katalog = katalog
        self.user = user
        self.grund = grund
        self.bericht = Bericht(
            quellen=[t.quelle for t in katalog.tabellen.values()],
            vollstaendig=katalog.vollstaendig,
            statistik={art: Statistik(art) for art in katalog.tabellen},
        )
        for tabelle in katalog.tabellen.values():
            self.bericht.meldungen.extend(tabelle.meldungen)
        # Prefetch everything once: no query per row for lookups.
        self.themenfelder = {tf.name: tf for tf in Themenfeld.objects.all()}
        self.tf_pk = {tf.pk: tf for tf in self.themenfelder.values()}
        self.lebenslagen = {(ll.name, ll.themenfeld_id): ll for ll in Lebenslage.objects.all()}
        self.ll_pk = {ll.pk: ll for ll in self.lebenslagen.values()}
        self.leistungen = {lst.ozg_id: lst for lst in Leistung.objects.all()}
        self.leistung_pk = {lst.pk: lst for lst in self.leistungen.values()}
        self.leika: dict[tuple, LeikaLeistung] = {}
        for lk in LeikaLeistung.objects.all():
            ozg_id = self.leistung_pk[lk.leistung_id].ozg_id if lk.leistung_id else None
            self.leika[self._leika_key(lk.schluessel, ozg_id, lk.name)] = lk
        #: OZG-ID → first ozg_leistungen row (also skipped ones: they are still listed).
        self.ozg_in_datei: dict[int, Zeile] = {}
        self.ozg_uebersprungen: dict[int, int] = {}

    # --- helpers ---

    def _melden(self, art: str, tabelle: Tabelle, zeile: Zeile | None, spalte: str, text: str):
        wert = zeile.werte.get(spalte, "") if zeile and spalte else ""
        self.bericht.meldungen.append(
            Meldung(art, tabelle.quelle, zeile.nummer if zeile else None, spalte, wert, text)
        )

    def _schreiben(
        self, service, model, tabelle: Tabelle, zeile: Zeile, st: Statistik, was: str, **daten
    ):
        """Call a service; a validation error becomes a row message and the row is skipped."""
        try:
            return service(user=self.user, grund=self.grund, **daten)
        except ValidationError as e:
            self._validierungsfehler(model, tabelle, zeile, e, was)
        except IntegrityError as e:
            self._melden(
                "ungueltig", tabelle, zeile, "", f"Datenbankfehler ({e}); {was} nicht übernommen."
            )
        st.uebersprungen += 1
        return None

    def _validierungsfehler(
        self, model, tabelle: Tabelle, zeile: Zeile, fehler: ValidationError, was: str
    ) -> None:
        """One row message per field of a full_clean error, naming the catalogue column."""
        texte = fehler.message_dict if hasattr(fehler, "error_dict") else None
        for feld, meldungen in (texte or {NON_FIELD_ERRORS: fehler.messages}).items():
            spalte = "" if feld == NON_FIELD_ERRORS else _FELD_SPALTE[model].get(feld, "")
            self._melden(
                "ungueltig",
                tabelle,
                zeile,
                spalte,
                f"{' '.join(meldungen)} {was} nicht übernommen.",
            )

    def _block_anlegen(
        self,
        massen_service,
        einzel_service,
        model,
        tabelle: Tabelle,
        st: Statistik,
        offen: list[tuple[Zeile, dict[str, Any]]],
    ) -> list:
        """Create new rows in one go (bulk service: same checks as the single-row one).

        Returns the created object or None (row skipped, message written) per entry.
        """
        if not offen:
            return []
        try:
            ergebnisse: list = massen_service(
                [daten for _zeile, daten in offen], user=self.user, grund=self.grund
            )
        except IntegrityError:
            # a concurrent write got in between: row by row, each conflict is a row message
            ergebnisse = [None] * len(offen)
        neue = []
        for (zeile, daten), ergebnis in zip(offen, ergebnisse, strict=True):
            if ergebnis is None:
                neu = self._schreiben(einzel_service, model, tabelle, zeile, st, "Zeile", **daten)
            elif isinstance(ergebnis, ValidationError):
                self._validierungsfehler(model, tabelle, zeile, ergebnis, "Zeile")
                st.uebersprungen += 1
                neu = None
            else:
                neu = ergebnis
            neue.append(neu)
        return neue

    def _doppelt(self, tabelle: Tabelle, zeile: Zeile, spalte: str, erste: Zeile, st: Statistik):
        abweichend = [s for s, w in zeile.werte.items() if erste.werte.get(s) != w]
        text = f"doppelte Zeile, nicht erneut übernommen (erstes Vorkommen: Zeile {erste.nummer})"
        if abweichend:
            text += f"; abweichend in {', '.join(abweichend)}"
        self._melden("doppelt", tabelle, zeile, spalte, text + ".")
        st.uebersprungen += 1

    @staticmethod
    def _leika_key(schluessel: str | None, ozg_id: int | None, name: str) -> tuple:
        return ("s", schluessel) if schluessel else ("n", ozg_id, name)

    # --- per file ---

    def ausfuehren(self, fortschritt: Fortschritt) -> None:
        schritte = {
            THEMENFELDER: self._themenfelder,
            LEBENSLAGEN: self._lebenslagen,
            OZG_LEISTUNGEN: self._leistungen,
            LEIKA_LEISTUNGEN: self._leika_leistungen,
        }
        for art, tabelle in self.katalog.tabellen.items():
            schritte[art](tabelle, fortschritt(tabelle.zeilen, BEZEICHNUNG[art]))

    def _themenfelder(self, tabelle: Tabelle, zeilen: Iterable[Zeile]) -> None:
        st = self.bericht.statistik[THEMENFELDER]
        gesehen: dict[str, Zeile] = {}
        nach_nummer = {tf.nummer: tf for tf in self.themenfelder.values()}
        for zeile in zeilen:
            st.gelesen += 1
            name, roh = zeile.werte["themenfeld"], zeile.werte["id"]
            if not name:
                self._melden(
                    "ungueltig", tabelle, zeile, "themenfeld", "Name fehlt; Zeile übersprungen."
                )
                st.uebersprungen += 1
                continue
            if name in gesehen:
                self._doppelt(tabelle, zeile, "themenfeld", gesehen[name], st)
                continue
            gesehen[name] = zeile
            nummer = int(roh) if roh.isdigit() else None
            tf = self.themenfelder.get(name)
            if tf is not None:
                if nummer != tf.nummer:
                    self._melden(
                        "nummer_abweichend",
                        tabelle,
                        zeile,
                        "id",
                        f"Themenfeld „{name}“ hat in der Datenbank die Nummer {tf.nummer}; "
                        "nicht geändert.",
                    )
                st.unveraendert += 1
                continue
            if nummer is None:
                self._melden(
                    "ungueltig",
                    tabelle,
                    zeile,
                    "id",
                    "Nummer ist keine ganze Zahl; Zeile übersprungen.",
                )
                st.uebersprungen += 1
                continue
            if nummer in nach_nummer:
                self._melden(
                    "ungueltig",
                    tabelle,
                    zeile,
                    "id",
                    f"Nummer {nummer} gehört bereits zum Themenfeld „{nach_nummer[nummer].name}“ "
                    "(umbenannt?); Zeile übersprungen.",
                )
                st.uebersprungen += 1
                continue
            tf = self._schreiben(
                themenfeld_anlegen,
                Themenfeld,
                tabelle,
                zeile,
                st,
                "Zeile",
                nummer=nummer,
                name=name,
            )
            if tf is not None:
                self.themenfelder[name] = self.tf_pk[tf.pk] = nach_nummer[nummer] = tf
                st.neu.append(f"{nummer} {name}")
        if self.katalog.vollstaendig:
            st.nicht_mehr = [
                f"{tf.nummer} {tf.name}"
                for tf in sorted(self.themenfelder.values(), key=lambda t: t.nummer)
                if tf.name not in gesehen
            ]

    def _themenfeld(self, tabelle: Tabelle, zeile: Zeile, st: Statistik) -> Themenfeld | None:
        name = zeile.werte["themenfeld"]
        tf = self.themenfelder.get(name)
        if tf is None:
            text = "Themenfeld fehlt" if not name else f"Themenfeld „{name}“ unbekannt"
            self._melden(
                "themenfeld_unbekannt", tabelle, zeile, "themenfeld", f"{text}; Zeile übersprungen."
            )
            st.uebersprungen += 1
        return tf

    def _lebenslagen(self, tabelle: Tabelle, zeilen: Iterable[Zeile]) -> None:
        st = self.bericht.statistik[LEBENSLAGEN]
        gesehen: dict[tuple[str, int], Zeile] = {}
        for zeile in zeilen:
            st.gelesen += 1
            name = zeile.werte["lebenslage_geschaeftslage"]
            if not name:
                self._melden(
                    "ungueltig",
                    tabelle,
                    zeile,
                    "lebenslage_geschaeftslage",
                    "Name fehlt; Zeile übersprungen.",
                )
                st.uebersprungen += 1
                continue
            tf = self._themenfeld(tabelle, zeile, st)
            if tf is None:
                continue
            key = (name, tf.pk)
            if key in gesehen:
                self._doppelt(tabelle, zeile, "lebenslage_geschaeftslage", gesehen[key], st)
                continue
            gesehen[key] = zeile
            if key in self.lebenslagen:
                st.unveraendert += 1
                continue
            ll = self._schreiben(
                lebenslage_anlegen,
                Lebenslage,
                tabelle,
                zeile,
                st,
                "Zeile",
                name=name,
                themenfeld=tf,
            )
            if ll is not None:
                self.lebenslagen[key] = self.ll_pk[ll.pk] = ll
                st.neu.append(f"{name} ({tf.name})")
        if self.katalog.vollstaendig:
            st.nicht_mehr = [
                f"{ll.name} ({self.tf_pk[ll.themenfeld_id].name})"
                for key, ll in sorted(self.lebenslagen.items())
                if key not in gesehen
            ]

    def _leistungen(self, tabelle: Tabelle, zeilen: Iterable[Zeile]) -> None:
        st = self.bericht.statistik[OZG_LEISTUNGEN]
        offen: list[tuple[Zeile, dict[str, Any]]] = []
        for zeile in zeilen:
            st.gelesen += 1
            roh = zeile.werte["ozg_id"]
            if not roh.isdigit():
                text = "OZG-ID fehlt" if not roh else "OZG-ID ist keine Zahl"
                self._melden("ungueltig", tabelle, zeile, "ozg_id", f"{text}; Zeile übersprungen.")
                st.uebersprungen += 1
                continue
            ozg_id = int(roh)
            if ozg_id in self.ozg_in_datei:
                self._doppelt(tabelle, zeile, "ozg_id", self.ozg_in_datei[ozg_id], st)
                continue
            self.ozg_in_datei[ozg_id] = zeile
            self._leistung(tabelle, zeile, ozg_id, st, offen)
            if len(offen) >= BLOCKGROESSE:
                self._leistungen_anlegen(tabelle, st, offen)
                offen = []
        self._leistungen_anlegen(tabelle, st, offen)
        if self.katalog.vollstaendig:
            for ozg_id, leistung in sorted(self.leistungen.items()):
                if ozg_id in self.ozg_in_datei or not leistung.im_katalog:
                    continue
                neu = self._schreiben_objekt(
                    leistung_aendern,
                    tabelle,
                    f"{leistung}",
                    leistung=leistung,
                    im_katalog=False,
                )
                if neu is not None:
                    self.leistungen[ozg_id] = self.leistung_pk[neu.pk] = neu
                    st.nicht_mehr.append(str(neu))

    def _leistungen_anlegen(
        self, tabelle: Tabelle, st: Statistik, offen: list[tuple[Zeile, dict[str, Any]]]
    ) -> None:
        neue = self._block_anlegen(
            leistungen_anlegen, leistung_anlegen, Leistung, tabelle, st, offen
        )
        for (zeile, daten), neu in zip(offen, neue, strict=True):
            if neu is None:
                self.ozg_uebersprungen[daten["ozg_id"]] = zeile.nummer
            else:
                self.leistungen[neu.ozg_id] = self.leistung_pk[neu.pk] = neu
                st.neu.append(str(neu))

    def _schreiben_objekt(self, service, tabelle: Tabelle, was: str, **daten):
        """Service call for an object without a file row (marking "nicht im Katalog")."""
        try:
            return service(user=self.user, grund=self.grund, **daten)
        except (ValidationError, IntegrityError) as e:
            texte = e.messages if isinstance(e, ValidationError) else [str(e)]
            self._melden(
                "ungueltig",
                tabelle,
                None,
                "",
                f"{was}: nicht als „nicht im Katalog“ markiert ({' '.join(texte)}).",
            )
            return None

    def _leistung(
        self, tabelle: Tabelle, zeile: Zeile, ozg_id: int, st: Statistik, offen: list
    ) -> None:
        name = zeile.werte["ozg_leistung"]
        if not name:
            self._melden(
                "ungueltig", tabelle, zeile, "ozg_leistung", "Name fehlt; Zeile übersprungen."
            )
            st.uebersprungen += 1
            self.ozg_uebersprungen[ozg_id] = zeile.nummer
            return
        tf = self._themenfeld(tabelle, zeile, st)
        if tf is None:
            self.ozg_uebersprungen[ozg_id] = zeile.nummer
            return
        ll_name = zeile.werte["lebenslage_geschaeftslage"]
        ll = self.lebenslagen.get((ll_name, tf.pk)) if ll_name else None
        if not ll_name:
            self._melden(
                "lebenslage_leer",
                tabelle,
                zeile,
                "lebenslage_geschaeftslage",
                "ohne Lebenslage übernommen.",
            )
        elif ll is None:
            self._melden(
                "lebenslage_unbekannt",
                tabelle,
                zeile,
                "lebenslage_geschaeftslage",
                f"Lebenslage „{ll_name}“ im Themenfeld „{tf.name}“ unbekannt; "
                "ohne Lebenslage übernommen.",
            )
        alt = self.leistungen.get(ozg_id)
        if alt is None:
            daten = {"ozg_id": ozg_id, "name": name, "themenfeld": tf, "lebenslage": ll}
            offen.append((zeile, daten | {"im_katalog": True}))
            return
        aenderung: dict[str, Any] = {}
        diffs: list[tuple[str, str, str]] = []
        if alt.name != name:
            aenderung["name"] = name
            diffs.append(("Name", f"„{alt.name}“", f"„{name}“"))
        if alt.themenfeld_id != tf.pk:
            aenderung["themenfeld"] = tf
            diffs.append(("Themenfeld", self.tf_pk[alt.themenfeld_id].name, tf.name))
        ll_pk = ll.pk if ll else None
        if alt.lebenslage_id != ll_pk:
            aenderung["lebenslage"] = ll
            vorher = self.ll_pk[alt.lebenslage_id].name if alt.lebenslage_id else "–"
            diffs.append(("Lebenslage", vorher, ll.name if ll else "–"))
        if not alt.im_katalog:
            aenderung["im_katalog"] = True
            diffs.append(("im Katalog", "nein", "ja"))
        if not aenderung:
            st.unveraendert += 1
            return
        neu = self._schreiben(
            leistung_aendern, Leistung, tabelle, zeile, st, "Änderung", leistung=alt, **aenderung
        )
        if neu is None:
            return
        self.leistungen[ozg_id] = self.leistung_pk[neu.pk] = neu
        st.geaendert.append((str(neu) if alt.name == name else f"{ozg_id} {alt.name}", diffs))
        if not alt.im_katalog:
            st.wieder.append(str(neu))

    def _leika_leistungen(self, tabelle: Tabelle, zeilen: Iterable[Zeile]) -> None:
        st = self.bericht.statistik[LEIKA_LEISTUNGEN]
        gesehen: dict[tuple, Zeile] = {}
        mit_ozg_datei = OZG_LEISTUNGEN in self.katalog.tabellen
        offen: list[tuple[Zeile, tuple, Leistung | None, dict[str, Any]]] = []
        for zeile in zeilen:
            st.gelesen += 1
            w = zeile.werte
            roh = w["leika_schluessel"]
            if roh.casefold() == NICHT_IM_LEIKA:
                schluessel = None
                self._melden(
                    "nicht_im_leika",
                    tabelle,
                    zeile,
                    "leika_schluessel",
                    "ohne LeiKa-Schlüssel übernommen.",
                )
            elif roh.isdigit() and len(roh) == 14:
                schluessel = roh
            else:
                if not roh:
                    text = "LeiKa-Schlüssel fehlt"
                elif roh.isdigit():
                    text = f"LeiKa-Schlüssel hat {len(roh)} statt 14 Ziffern"
                else:
                    text = "LeiKa-Schlüssel ist weder 14-stellig noch „nicht im LeiKa“"
                self._melden(
                    "schluessel_ungueltig",
                    tabelle,
                    zeile,
                    "leika_schluessel",
                    f"{text}; Zeile nicht übernommen.",
                )
                st.uebersprungen += 1
                continue
            name = w["leika_leistung"]
            if not name:
                self._melden(
                    "ungueltig", tabelle, zeile, "leika_leistung", "Name fehlt; Zeile übersprungen."
                )
                st.uebersprungen += 1
                continue

            # OZG-Leistung: resolved first, the identity of a "nicht im LeiKa" row needs it
            roh_ozg = w["ozg_id"]
            leistung = None
            ozg_meldung: tuple[str, str] | None = None
            if not roh_ozg:
                ozg_meldung = ("ohne_ozg_id", "keine OZG-ID: ohne Zuordnung übernommen.")
            elif not roh_ozg.isdigit():
                ozg_meldung = (
                    "ozg_id_unbekannt",
                    "OZG-ID ist keine Zahl: ohne Zuordnung übernommen.",
                )
            else:
                ozg_id = int(roh_ozg)
                leistung = self.leistungen.get(ozg_id)
                if leistung is None and ozg_id in self.ozg_uebersprungen:
                    ozg_meldung = (
                        "ozg_id_unbekannt",
                        f"OZG-ID {ozg_id} wurde nicht übernommen (ozg_leistungen Zeile "
                        f"{self.ozg_uebersprungen[ozg_id]}): ohne Zuordnung übernommen.",
                    )
                elif leistung is None:
                    wo = (
                        "weder in ozg_leistungen noch in der Datenbank"
                        if mit_ozg_datei
                        else "nicht in der Datenbank"
                    )
                    ozg_meldung = (
                        "ozg_id_unbekannt",
                        f"OZG-ID {ozg_id} unbekannt ({wo}): ohne Zuordnung übernommen.",
                    )
                elif mit_ozg_datei and ozg_id not in self.ozg_in_datei:
                    ozg_meldung = (
                        "ozg_id_nicht_in_datei",
                        f"OZG-ID {ozg_id} steht nicht in ozg_leistungen; der vorhandenen Leistung "
                        f"„{leistung.name}“ zugeordnet.",
                    )

            key = self._leika_key(schluessel, leistung.ozg_id if leistung else None, name)
            if key in gesehen:
                self._doppelt(
                    tabelle,
                    zeile,
                    "leika_schluessel" if schluessel else "leika_leistung",
                    gesehen[key],
                    st,
                )
                continue
            gesehen[key] = zeile
            if ozg_meldung:
                self._melden(ozg_meldung[0], tabelle, zeile, "ozg_id", ozg_meldung[1])

            typ = leika_typ_parsen(w["leika_typ"])
            if typ.hinweis:
                if not w["leika_typ"]:
                    art = "leika_typ_fehlt"
                elif typ.ungueltig:
                    art = "leika_typ_unbekannt"
                elif len(typ.typen) > 1:
                    art = "leika_typ_kombiniert"
                else:
                    art = "leika_typ_2_3"
                self._melden(art, tabelle, zeile, "leika_typ", typ.hinweis)
            if not w["rechtsgrundlage"]:
                self._melden(
                    "rechtsgrundlage_leer",
                    tabelle,
                    zeile,
                    "rechtsgrundlage",
                    "ohne Rechtsgrundlage übernommen.",
                )

            soll = {
                "name": name,
                "typ": ", ".join(typ.typen),
                "typ_original": w["leika_typ"],
                "rechtsgrundlage": w["rechtsgrundlage"],
                "gesetze": w["gesetze"],
                "gesetz_kuerzel": w["gesetz_kuerzel"],
            }
            alt = self.leika.get(key)
            if alt is None:
                daten = {"schluessel": schluessel, "leistung": leistung, "im_katalog": True}
                offen.append((zeile, key, leistung, daten | soll))
                if len(offen) >= BLOCKGROESSE:
                    self._leika_anlegen(tabelle, st, offen)
                    offen = []
                continue
            self._leika_aendern(tabelle, zeile, st, alt, key, leistung, soll)
        self._leika_anlegen(tabelle, st, offen)

        if self.katalog.vollstaendig:
            for key, lk in sorted(self.leika.items(), key=lambda kv: _sortierbar(kv[0])):
                if key in gesehen or not lk.im_katalog:
                    continue
                neu = self._schreiben_objekt(
                    leika_leistung_aendern,
                    tabelle,
                    str(lk),
                    leika_leistung=lk,
                    im_katalog=False,
                )
                if neu is not None:
                    leistung = self.leistung_pk.get(lk.leistung_id)
                    st.nicht_mehr.append(_leika_text(neu, leistung))

    def _leika_anlegen(
        self,
        tabelle: Tabelle,
        st: Statistik,
        offen: list[tuple[Zeile, tuple, Leistung | None, dict[str, Any]]],
    ) -> None:
        neue = self._block_anlegen(
            leika_leistungen_anlegen,
            leika_leistung_anlegen,
            LeikaLeistung,
            tabelle,
            st,
            [(zeile, daten) for zeile, _key, _leistung, daten in offen],
        )
        for (_zeile, key, leistung, _daten), neu in zip(offen, neue, strict=True):
            if neu is not None:
                self.leika[key] = neu
                st.neu.append(_leika_text(neu, leistung))

    def _leika_aendern(
        self,
        tabelle: Tabelle,
        zeile: Zeile,
        st: Statistik,
        alt: LeikaLeistung,
        key: tuple,
        leistung: Leistung | None,
        soll: dict[str, str],
    ) -> None:
        felder = {f.name: str(f.verbose_name) for f in LeikaLeistung._meta.fields}
        aenderung: dict[str, Any] = {}
        diffs: list[tuple[str, str, str]] = []
        for feld, wert in soll.items():
            if getattr(alt, feld) != wert:
                aenderung[feld] = wert
                diffs.append((felder[feld], f"„{_kurz(getattr(alt, feld))}“", f"„{_kurz(wert)}“"))
        leistung_pk = leistung.pk if leistung else None
        if alt.leistung_id != leistung_pk:
            aenderung["leistung"] = leistung
            vorher = self.leistung_pk.get(alt.leistung_id)
            diffs.append(
                (
                    "OZG-Leistung",
                    str(vorher.ozg_id) if vorher else "–",
                    str(leistung.ozg_id) if leistung else "–",
                )
            )
        wieder = not alt.im_katalog
        if wieder:
            aenderung["im_katalog"] = True
            diffs.append(("im Katalog", "nein", "ja"))
        if not aenderung:
            st.unveraendert += 1
            return
        vorher_text = _leika_text(alt, self.leistung_pk.get(alt.leistung_id))
        neu = self._schreiben(
            leika_leistung_aendern,
            LeikaLeistung,
            tabelle,
            zeile,
            st,
            "Änderung",
            leika_leistung=alt,
            **aenderung,
        )
        if neu is None:
            return
        self.leika[key] = neu
        st.geaendert.append((vorher_text, diffs))
        if wieder:
            st.wieder.append(_leika_text(neu, leistung))


def _leika_text(lk: LeikaLeistung, leistung: Leistung | None) -> str:
    zu = f" (OZG-ID {leistung.ozg_id})" if leistung else " (ohne OZG-Leistung)"
    return f"{lk.schluessel or 'nicht im LeiKa'} {lk.name}{zu}"


def _sortierbar(key: tuple) -> tuple:
    if key[0] == "s":
        return (0, key[1], 0, "")
    return (1, "", key[1] or 0, key[2])
