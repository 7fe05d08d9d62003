"""Non-trivial reads: the key figures of the programme (Gesamtfortschritt).

One pass over a few flat queries, independent of how many Leistungen there are (no
query per Leistung). The pages, the API and the reports use the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ozgplattform.charts import FARBE_KEINE_DATEN, FARBEN_REIFEGRAD
from ozgplattform.choices import Aktion, OrganisationsArt
from ozgplattform.history import aenderungen
from ozgplattform.models import Organisation, Rollenzuweisung
from ozgplattform.rechte import darf, restrict

from . import rules
from .choices import (
    REIFEGRAD_OZG_KONFORM,
    Ergebnisstatus,
    Ergebnistyp,
    Flaechendeckung,
    Prioritaet,
    Reifegrad,
)
from .models import (
    Ergebnis,
    LeikaLeistung,
    Leistung,
    Meilenstein,
    Referenzimplementierung,
    Umsetzungsstand,
)


@dataclass(frozen=True)
class Land:
    ars: str
    name: str


@dataclass
class Gesamtfortschritt:
    """Key figures for a set of Leistungen (all, a Themenfeld, a filtered list)."""

    stichtag: dt.date
    anzahl_leistungen: int
    laender: list[Land]
    #: Reifegrad (0–4, or None = nothing reported) → number of Leistungen, nationwide
    #: (a Leistung counts with the highest Stufe reached in any Land, Kreis or Gemeinde).
    reifegrad_bund: dict[int | None, int]
    #: Land ARS → Reifegrad → number of Leistungen (highest Stufe in the Land's Gebiete).
    reifegrad_land: dict[str, dict[int | None, int]]
    #: Land ARS → number of Leistungen at Stufe ≥ 3 in that Land.
    online_je_land: dict[str, int]
    #: Flächendeckung category → number of Leistungen.
    flaechendeckung: dict[str, int]
    #: Land ARS → number of Leistungen available landesweit at Stufe ≥ 3.
    landesweit_je_land: dict[str, int]
    #: Leistungen whose required Ergebnistypen are all done / that have requirements.
    ergebnisse_vollstaendig: int
    ergebnisse_mit_anforderungen: int
    #: Ergebnistyp → (erfüllt, erforderlich)
    ergebnistypen: dict[str, tuple[int, int]]
    meilensteine: int
    meilensteine_verzoegert: int
    verzoegert_je_themenfeld: dict[str, int] = field(default_factory=dict)

    @property
    def online_bund(self) -> int:
        return sum(n for stufe, n in self.reifegrad_bund.items() if _online(stufe))

    @property
    def anteil_online_bund(self) -> float:
        return self.online_bund / self.anzahl_leistungen if self.anzahl_leistungen else 0.0

    def anteil_online_land(self, ars: str) -> float:
        if not self.anzahl_leistungen:
            return 0.0
        return self.online_je_land.get(ars, 0) / self.anzahl_leistungen


def _online(stufe: int | None) -> bool:
    return stufe is not None and stufe >= REIFEGRAD_OZG_KONFORM


def umsetzungsstaende_am(stichtag: dt.date, leistung_ids) -> list[tuple[int, str, int]]:
    """(Leistung, Gebiet-ARS, Reifegrad) of every Umsetzungsstand valid on ``stichtag``.

    A Stand is valid from its own "Stand vom" (``stichtag``). When it was reported again
    later with a newer "Stand vom", the current row lies after ``stichtag``; its previous
    version from the history (the newest one with a "Stand vom" up to ``stichtag``) then
    counts, so a re-report does not erase the past. One query, plus one for those
    re-reported rows when ``stichtag`` lies in the past.
    """
    zeilen = list(
        Umsetzungsstand.objects.filter(
            leistung_id__in=leistung_ids, stichtag__lte=stichtag
        ).values_list("leistung_id", "gebiet__ars", "reifegrad")
    )
    if stichtag >= timezone.localdate():
        return zeilen
    spaeter = Umsetzungsstand.objects.filter(leistung_id__in=leistung_ids, stichtag__gt=stichtag)
    fruehere = Umsetzungsstand.history.filter(stichtag__lte=stichtag)
    letzte = fruehere.filter(id=OuterRef("id")).order_by("-stichtag", "-history_id")
    zeilen += fruehere.filter(
        id__in=spaeter.values("pk"), history_id=Subquery(letzte.values("history_id")[:1])
    ).values_list("leistung_id", "gebiet__ars", "reifegrad")
    return zeilen


def gesamtfortschritt(
    leistungen: QuerySet[Leistung] | None = None, stichtag: dt.date | None = None
) -> Gesamtfortschritt:
    """Compute the key figures for ``leistungen`` (default: the current catalogue).

    Queries: Länder, Leistungen, Umsetzungsstände, Ergebnisse, Meilensteine — five,
    whatever the number of rows.
    """
    stichtag = stichtag or timezone.localdate()
    if leistungen is None:
        leistungen = Leistung.objects.im_katalog()
    laender = [
        Land(ars, name) for ars, name in Organisation.objects.laender().values_list("ars", "name")
    ]
    laender_ars = [land.ars for land in laender]
    daten = list(leistungen.values_list("pk", "prioritaet", "vorgehensmodell", "themenfeld_id"))
    ids = [pk for pk, *_ in daten]
    themenfeld_ids = {tf for *_, tf in daten}

    staende: dict[int, list[rules.Stand]] = defaultdict(list)
    for leistung_id, ars, reifegrad in umsetzungsstaende_am(stichtag, ids):
        staende[leistung_id].append(rules.Stand(ars, reifegrad))

    ergebnisse: dict[int, dict[str, tuple[str, bool | None]]] = defaultdict(dict)
    for leistung_id, typ, status, ff in Ergebnis.objects.filter(leistung_id__in=ids).values_list(
        "leistung_id", "ergebnistyp", "status", "ff_erforderlich"
    ):
        ergebnisse[leistung_id][typ] = (status, ff)

    reifegrad_bund: Counter = Counter()
    reifegrad_land: dict[str, Counter] = {ars: Counter() for ars in laender_ars}
    flaeche: Counter = Counter()
    landesweit: Counter = Counter()
    vollstaendig = mit_anforderungen = 0
    typen: dict[str, list[int]] = {t: [0, 0] for t in Ergebnistyp.values}

    for pk, prioritaet, vorgehensmodell, _themenfeld in daten:
        eigene = staende.get(pk, [])
        reifegrad_bund[max((s.reifegrad for s in eigene), default=None)] += 1
        for ars in laender_ars:
            im_land = [s.reifegrad for s in eigene if s.ars.startswith(ars)]
            reifegrad_land[ars][max(im_land, default=None)] += 1
        bund = rules.flaechendeckung_bund(laender_ars, eigene)
        flaeche[bund.kategorie] += 1
        for ars, kategorie in bund.je_land.items():
            if kategorie == Flaechendeckung.LANDESWEIT:
                landesweit[ars] += 1

        v = rules.ergebnis_vollstaendigkeit(prioritaet, vorgehensmodell, ergebnisse.get(pk, {}))
        if v.erforderlich:
            mit_anforderungen += 1
            vollstaendig += v.vollstaendig
        for typ in Ergebnistyp.values:
            status, ff = ergebnisse.get(pk, {}).get(typ, ("offen", None))
            anforderung = rules.ergebnis_anforderung(typ, prioritaet, vorgehensmodell)
            if rules.ergebnis_ist_erforderlich(anforderung, ff):
                typen[typ][1] += 1
                typen[typ][0] += rules.ergebnis_ist_erfuellt(anforderung, ff, status)

    # Steuerungsindikatoren of these Leistungen and of their Themenfelder as a whole.
    meilensteine = Meilenstein.objects.filter(
        Q(leistung_id__in=ids) | Q(leistung__isnull=True, themenfeld_id__in=themenfeld_ids)
    )
    verzoegert = Counter(
        meilensteine.verzoegert(stichtag).values_list("themenfeld__name", flat=True)
    )
    stufen: list[int | None] = [*Reifegrad.values, None]
    return Gesamtfortschritt(
        stichtag=stichtag,
        anzahl_leistungen=len(daten),
        laender=laender,
        reifegrad_bund={s: reifegrad_bund.get(s, 0) for s in stufen},
        reifegrad_land={
            ars: {s: zaehler.get(s, 0) for s in stufen} for ars, zaehler in reifegrad_land.items()
        },
        online_je_land={
            ars: sum(n for s, n in zaehler.items() if _online(s))
            for ars, zaehler in reifegrad_land.items()
        },
        flaechendeckung={k: flaeche.get(k, 0) for k in Flaechendeckung.values},
        landesweit_je_land={ars: landesweit.get(ars, 0) for ars in laender_ars},
        ergebnisse_vollstaendig=vollstaendig,
        ergebnisse_mit_anforderungen=mit_anforderungen,
        ergebnistypen={t: (e, n) for t, (e, n) in typen.items()},
        meilensteine=meilensteine.count(),
        meilensteine_verzoegert=sum(verzoegert.values()),
        verzoegert_je_themenfeld=dict(sorted(verzoegert.items())),
    )


# --------------------------------------------------------------------------------------
# Pages: Leistungskatalog, Umsetzungsstand-Matrix, Steckbrief
# --------------------------------------------------------------------------------------

#: Colour and text of a Reifegrad cell (None = nichts gemeldet).
REIFEGRAD_KURZ = {
    0: "Offline",
    1: "Informationen",
    2: "Formular-Assistent",
    3: "Online-Leistung",
    4: "Online-Transaktion",
}


def reifegrad_label(stufe: int | None) -> str:
    return str(_("nicht gemeldet")) if stufe is None else str(Reifegrad(stufe).label)


def leistungen_sichtbar(user) -> QuerySet[Leistung]:
    """The Leistungen ``user`` may read, with what every list row shows (one query)."""
    return restrict(Leistung.objects.select_related("themenfeld", "lebenslage"), user)


def laender() -> list[Land]:
    return [
        Land(ars, name)
        for ars, name in Organisation.objects.laender().order_by("ars").values_list("ars", "name")
    ]


@dataclass
class Katalogzeile:
    """One Leistung with its derived values (list page, matrix, export)."""

    leistung: Leistung
    typ: rules.Leistungstyp
    #: Highest Reifegrad in any Gebiet (None: nothing reported).
    reifegrad_bund: int | None
    flaechendeckung: Flaechendeckung
    #: Land ARS → highest Reifegrad in the Land, its Kreise and Gemeinden.
    reifegrad_land: dict[str, int | None]

    @property
    def reifegrad_bund_label(self) -> str:
        return reifegrad_label(self.reifegrad_bund)


def katalogzeilen(leistungen, user, laender_ars: list[str]) -> list[Katalogzeile]:
    """Derived values for the given Leistungen (a page or a whole export): two queries,
    whatever the number of rows (LeiKa-Typen, Umsetzungsstände)."""
    leistungen = list(leistungen)
    ids = [leistung.pk for leistung in leistungen]
    typen: dict[int, list[str]] = defaultdict(list)
    for leistung_id, typ in restrict(
        LeikaLeistung.objects.filter(leistung_id__in=ids), user
    ).values_list("leistung_id", "typ"):
        typen[leistung_id].append(typ)
    staende: dict[int, list[rules.Stand]] = defaultdict(list)
    for leistung_id, ars, reifegrad in restrict(
        Umsetzungsstand.objects.filter(leistung_id__in=ids), user
    ).values_list("leistung_id", "gebiet__ars", "reifegrad"):
        staende[leistung_id].append(rules.Stand(ars, reifegrad))
    zeilen = []
    for leistung in leistungen:
        eigene = staende.get(leistung.pk, [])
        zeilen.append(
            Katalogzeile(
                leistung=leistung,
                typ=rules.leistungstyp(typen.get(leistung.pk, [])),
                reifegrad_bund=max((s.reifegrad for s in eigene), default=None),
                flaechendeckung=rules.flaechendeckung_bund(laender_ars, eigene).kategorie,
                reifegrad_land={
                    ars: max((s.reifegrad for s in eigene if s.ars.startswith(ars)), default=None)
                    for ars in laender_ars
                },
            )
        )
    return zeilen


# --- Steckbrief ------------------------------------------------------------------------


@dataclass
class Ergebnispunkt:
    """One Ergebnistyp of the checklist: requirement (Abbildung 2) and delivery."""

    ergebnistyp: Ergebnistyp
    anforderung: rules.Anforderung | None
    ergebnis: Ergebnis | None
    erforderlich: bool
    erfuellt: bool

    @property
    def anforderung_label(self) -> str:
        if self.anforderung is None:
            return str(_("noch nicht festgelegt (Leistung nicht priorisiert)"))
        return str(self.anforderung.stufe.label)


@dataclass
class Landeszeile:
    land: Land
    stand: Umsetzungsstand | None
    kreise_online: int
    kreise_gesamt: int
    gemeinden_online: int
    gemeinden_gesamt: int
    flaechendeckung: Flaechendeckung

    @property
    def reifegrad_label(self) -> str:
        return reifegrad_label(self.stand.reifegrad if self.stand else None)

    @property
    def farbe(self) -> str:
        return FARBE_KEINE_DATEN if self.stand is None else FARBEN_REIFEGRAD[self.stand.reifegrad]


@dataclass
class Aenderung:
    feld: str
    vorher: str
    nachher: str


@dataclass
class Verlaufseintrag:
    datum: dt.datetime
    wer: str
    objekt: str
    art: str
    aenderungen: list[Aenderung]


@dataclass
class Steckbrief:
    leistung: Leistung
    typ: rules.Leistungstyp
    leika: list[LeikaLeistung]
    ergebnisse: list[Ergebnispunkt]
    vollstaendigkeit: rules.Vollstaendigkeit
    laender: list[Landeszeile]
    flaechendeckung: Flaechendeckung
    meilensteine: list[Meilenstein]
    referenzimplementierung: Referenzimplementierung | None
    referenz_kriterien: list[tuple[str, bool, str]]
    verantwortliche: list[Rollenzuweisung]
    verlauf: list[Verlaufseintrag]
    intern: bool
    neubewertung_ab: dt.date | None
    stichtag: dt.date


#: The four criteria of a complete Referenzimplementierung (§5.1): key → (name, text).
REFERENZ_KRITERIEN = {
    "territorial": (
        _("territorial"),
        _("im umsetzenden Land live, andere Länder können nachnutzen"),
    ),
    "funktional": (_("funktional"), _("Reifegrad mindestens Stufe 3 im umsetzenden Land")),
    "leistungsbreite": (
        _("Leistungsbreite"),
        _("deckt die relevanten LeiKa-Leistungen und Verrichtungen ab"),
    ),
    "nachnutzbarkeit": (
        _("Nachnutzbarkeit"),
        _(
            "FIM- und OZG-Referenzinformationen veröffentlicht, fehlende Schnittstellen "
            "und Standards initiiert"
        ),
    ),
}

#: Number of Verlauf entries shown (newest first).
VERLAUF_MAX = 100


def steckbrief(leistung: Leistung, user, stichtag: dt.date | None = None) -> Steckbrief:
    """Everything the Steckbrief page shows, in a fixed number of queries (independent of
    the number of Ergebnisse, Umsetzungsstände, Meilensteine and history rows)."""
    stichtag = stichtag or timezone.localdate()
    intern = darf(user, Aktion.LESEN_INTERN, leistung)
    leika = list(restrict(leistung.leika_leistungen.all(), user).order_by("schluessel", "name"))
    ergebnisse = {
        e.ergebnistyp: e for e in restrict(Ergebnis.objects.filter(leistung=leistung), user)
    }
    for e in ergebnisse.values():
        e.leistung = leistung
    punkte = []
    for typ in Ergebnistyp:
        e = ergebnisse.get(typ.value)
        anforderung = rules.ergebnis_anforderung(
            typ.value, leistung.prioritaet, leistung.vorgehensmodell
        )
        ff = e.ff_erforderlich if e else None
        status = e.status if e else Ergebnisstatus.OFFEN
        punkte.append(
            Ergebnispunkt(
                ergebnistyp=typ,
                anforderung=anforderung,
                ergebnis=e,
                erforderlich=rules.ergebnis_ist_erforderlich(anforderung, ff),
                erfuellt=rules.ergebnis_ist_erfuellt(anforderung, ff, status),
            )
        )
    vollstaendigkeit = rules.ergebnis_vollstaendigkeit(
        leistung.prioritaet,
        leistung.vorgehensmodell,
        {t: (e.status, e.ff_erforderlich) for t, e in ergebnisse.items()},
    )

    laender_liste = laender()
    laender_ars = [land.ars for land in laender_liste]
    staende = list(
        restrict(Umsetzungsstand.objects.filter(leistung=leistung).select_related("gebiet"), user)
    )
    regeln = [rules.Stand(s.gebiet.ars, s.reifegrad) for s in staende]
    gesamt: Counter = Counter()
    for ars, art in (
        Organisation.objects.gebiete().exclude(art=OrganisationsArt.LAND).values_list("ars", "art")
    ):
        gesamt[(ars[:2], art)] += 1
    landeszeilen = []
    for land in laender_liste:
        im_land = [s for s in staende if s.gebiet.ars.startswith(land.ars)]
        online = [s for s in im_land if s.reifegrad >= REIFEGRAD_OZG_KONFORM]
        landeszeilen.append(
            Landeszeile(
                land=land,
                stand=next((s for s in im_land if s.gebiet.ars == land.ars), None),
                kreise_online=sum(1 for s in online if s.gebiet.art == OrganisationsArt.KREIS),
                kreise_gesamt=gesamt[(land.ars, OrganisationsArt.KREIS)],
                gemeinden_online=sum(
                    1 for s in online if s.gebiet.art == OrganisationsArt.GEMEINDE
                ),
                gemeinden_gesamt=gesamt[(land.ars, OrganisationsArt.GEMEINDE)],
                flaechendeckung=rules.flaechendeckung_land(land.ars, regeln),
            )
        )

    meilensteine = list(
        restrict(Meilenstein.objects.filter(leistung=leistung), user).order_by("geplant", "name")
    )
    for m in meilensteine:
        m.tage_verzug = m.verzug_tage(stichtag)

    referenz = (
        restrict(Referenzimplementierung.objects.filter(leistung=leistung), user)
        .select_related("land")
        .first()
    )
    kriterien = []
    if referenz is not None:
        stand_land = next((s for s in staende if s.gebiet_id == referenz.land_id), None)
        referenz_erfuellt = all(
            (e := ergebnisse.get(t)) is not None
            and e.status in (Ergebnisstatus.GELIEFERT, Ergebnisstatus.VERZICHTET)
            and rules.ergebnis_ist_erfuellt(e.anforderung, e.ff_erforderlich, e.status)
            for t in (Ergebnistyp.FIM_STAMMINFORMATIONEN, Ergebnistyp.OZG_REFERENZINFORMATIONEN)
        )
        # Same criteria as Referenzimplementierung.kriterien(), from the rows loaded here.
        werte = {
            "territorial": referenz.live_im_land and referenz.nachnutzbar_fuer_andere,
            "funktional": bool(stand_land and stand_land.reifegrad >= REIFEGRAD_OZG_KONFORM),
            "leistungsbreite": referenz.deckt_leistungsbreite_ab,
            "nachnutzbarkeit": referenz_erfuellt and referenz.standards_initiiert,
        }
        kriterien = [(name, werte[key], text) for key, (name, text) in REFERENZ_KRITERIEN.items()]

    verantwortliche = list(
        restrict(
            Rollenzuweisung.objects.gueltig(stichtag).filter(
                Q(leistung=leistung)
                | Q(umsetzungsprojekt__in=leistung.umsetzungsprojekte.values("pk"))
            ),
            user,
        )
        .select_related("user", "organisation", "umsetzungsprojekt")
        .order_by("rolle", "user__last_name")
    )

    return Steckbrief(
        leistung=leistung,
        typ=rules.leistungstyp(lk.typ for lk in leika),
        leika=leika,
        ergebnisse=punkte,
        vollstaendigkeit=vollstaendigkeit,
        laender=landeszeilen,
        flaechendeckung=rules.flaechendeckung_bund(laender_ars, regeln).kategorie,
        meilensteine=meilensteine,
        referenzimplementierung=referenz,
        referenz_kriterien=kriterien,
        verantwortliche=verantwortliche,
        verlauf=verlauf(leistung, intern=intern),
        intern=intern,
        neubewertung_ab=(
            rules.depriorisierung_neubewertung_ab(leistung.depriorisierungsgrund)
            if leistung.prioritaet == Prioritaet.DEPRIORISIERT
            else None
        ),
        stichtag=stichtag,
    )


def _anzeige(feld, wert) -> str:
    if wert is None or wert == "":
        return "–"
    if isinstance(wert, bool):
        return str(_("ja") if wert else _("nein"))
    if feld is not None and getattr(feld, "flatchoices", None):
        return str(dict(feld.flatchoices).get(wert, wert))
    if isinstance(wert, dt.date):
        return wert.strftime("%d.%m.%Y")
    return str(wert)


_ART = {"+": _("angelegt"), "~": _("geändert"), "-": _("gelöscht")}


def verlauf(leistung: Leistung, *, intern: bool) -> list[Verlaufseintrag]:
    """History of the Leistung, its Ergebnisse and Umsetzungsstände, newest first.

    Four queries: the three history tables (with their users) and the Gebiete named.
    Records are paired with their predecessor here, not one query per record. Who made a
    change is shown by name only to internal readers; the public reads "Redaktion".
    """
    quellen = [
        (Leistung, Leistung.history.filter(id=leistung.pk)),
        (Ergebnis, Ergebnis.history.filter(leistung_id=leistung.pk)),
        (Umsetzungsstand, Umsetzungsstand.history.filter(leistung_id=leistung.pk)),
    ]
    datensaetze = []
    for model, qs in quellen:
        zeilen = list(qs.select_related("history_user").order_by("history_date", "history_id"))
        vorige: dict[int, object] = {}
        for record in zeilen:
            datensaetze.append((model, record, vorige.get(record.id)))
            vorige[record.id] = record
    datensaetze.sort(key=lambda t: (t[1].history_date, t[1].history_id), reverse=True)
    datensaetze = datensaetze[:VERLAUF_MAX]
    gebiet_ids = {r.gebiet_id for m, r, _vorher in datensaetze if m is Umsetzungsstand}
    gebiete = dict(Organisation.objects.filter(pk__in=gebiet_ids).values_list("pk", "name"))

    eintraege = []
    for model, record, vorher in datensaetze:
        felder = {str(f.verbose_name): f for f in model._meta.fields}
        if model is Leistung:
            objekt = str(_("Leistung"))
        elif model is Ergebnis:
            objekt = f"{_('Ergebnis')} {Ergebnistyp(record.ergebnistyp).label}"
        else:
            objekt = f"{_('Umsetzungsstand')} {gebiete.get(record.gebiet_id, '')}".strip()
        aenderungen_ = [
            Aenderung(name, _anzeige(felder.get(name), alt), _anzeige(felder.get(name), neu))
            for name, alt, neu in aenderungen(record, vorher)
            if name not in ("geändert", "geaendert")
        ]
        if intern:
            person = record.history_user
            wer = (person.get_full_name() or person.get_username()) if person else _("System")
        else:
            wer = _("Redaktion")
        eintraege.append(
            Verlaufseintrag(
                datum=record.history_date,
                wer=wer,
                objekt=objekt,
                art=_ART.get(record.history_type, record.history_type),
                aenderungen=aenderungen_,
            )
        )
    return eintraege
