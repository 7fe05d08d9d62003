"""Non-trivial reads: the key figures of the programme (Gesamtfortschritt).

One pass over a few flat queries, independent of how many Leistungen there are (no
query per Leistung). The pages, the API and the reports use the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from ozgplattform.models import Organisation

from . import rules
from .choices import REIFEGRAD_OZG_KONFORM, Ergebnistyp, Flaechendeckung, Reifegrad
from .models import Ergebnis, Leistung, Meilenstein, Umsetzungsstand


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
    for leistung_id, ars, reifegrad in Umsetzungsstand.objects.filter(
        leistung_id__in=ids, stichtag__lte=stichtag
    ).values_list("leistung_id", "gebiet__ars", "reifegrad"):
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
