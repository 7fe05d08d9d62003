"""Daily snapshots of the programme's key figures (``Kennzahlenstand``) and their rebuild
from history.

* :func:`kennzahlen_festhalten` (daily Celery task ``berichtswesen.kennzahlen_festhalten``)
  stores the figures of one Stichtag for the programme, every Themenfeld and every Land.
  Idempotent: one upsert per (stichtag, ebene, bezug).
* :func:`kennzahlen_nachbilden` (``manage.py kennzahlen_nachbilden``) reconstructs past
  days from the django-simple-history tables.

Both compute with :func:`kennzahlen_berechnen`, a pure function over flat rows using the
rules of ``leistungen.rules`` — the same as ``leistungen.selectors.gesamtfortschritt``
(a test holds them equal).

Rebuild method: the four history tables (Leistung, Umsetzungsstand, Ergebnis,
Meilenstein) are read **once each**, ordered by ``history_date``, up to the end of the
last day. Walking forward day by day, the records of each day are applied to an
in-memory state (``+``/``~`` replace the row, ``-`` removes it); the per-Leistung
figures are recomputed only for Leistungen whose row, Umsetzungsstände or Ergebnisse
changed that day (or one of whose Stände reaches its own "Stand vom"), then summed up;
the Meilenstein figures, which depend on the date itself, every day. Queries: a
constant handful plus one upsert per 1000 rows, independent of the number of days and
Leistungen.

Limits: Organisationen (Länder, Kreise, Gemeinden) and Themenfelder are taken as they
are today; rows written without a history record (raw SQL, ``bulk_create`` outside the
services) are unknown to the rebuild; history older than the first record of a row
does not exist, so a day before the import yields empty figures.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from leistungen import rules
from leistungen.choices import REIFEGRAD_OZG_KONFORM, Ergebnisstatus, Flaechendeckung, Reifegrad
from leistungen.models import Ergebnis, Leistung, Meilenstein, Umsetzungsstand
from ozgplattform.models import Organisation
from themenfelder.models import Themenfeld

from .models import Ebene, Kennzahlenstand


@dataclass(frozen=True)
class LeistungZeile:
    pk: int
    prioritaet: str
    vorgehensmodell: str
    themenfeld_id: int


@dataclass(frozen=True)
class MeilensteinZeile:
    themenfeld_id: int
    leistung_id: int | None
    geplant: dt.date
    erreicht: dt.date | None


@dataclass
class _Abgeleitet:
    """Figures of one Leistung on one day."""

    themenfeld_id: int
    reifegrad_bund: int | None
    reifegrad_land: dict[str, int | None]
    flaeche: str
    je_land: dict[str, str]
    erforderlich: bool
    vollstaendig: bool


def _stufe(stufe: int | None) -> str:
    return "keine" if stufe is None else str(stufe)


def _leer_reifegrad() -> dict[str, int]:
    return {**{str(s): 0 for s in Reifegrad.values}, "keine": 0}


def _ableiten(
    leistung: LeistungZeile,
    staende: list[rules.Stand],
    ergebnisse: dict[str, tuple[str, bool | None]],
    laender_ars: list[str],
) -> _Abgeleitet:
    bund = rules.flaechendeckung_bund(laender_ars, staende)
    v = rules.ergebnis_vollstaendigkeit(leistung.prioritaet, leistung.vorgehensmodell, ergebnisse)
    return _Abgeleitet(
        themenfeld_id=leistung.themenfeld_id,
        reifegrad_bund=max((s.reifegrad for s in staende), default=None),
        reifegrad_land={
            ars: max((s.reifegrad for s in staende if s.ars.startswith(ars)), default=None)
            for ars in laender_ars
        },
        flaeche=bund.kategorie,
        je_land=dict(bund.je_land),
        erforderlich=bool(v.erforderlich),
        vollstaendig=bool(v.erforderlich) and v.vollstaendig,
    )


def _summe(zeilen: Iterable[_Abgeleitet]) -> dict:
    reifegrad = _leer_reifegrad()
    flaeche = dict.fromkeys(Flaechendeckung.values, 0)
    n = online = vollstaendig = mit = 0
    for z in zeilen:
        n += 1
        reifegrad[_stufe(z.reifegrad_bund)] += 1
        online += z.reifegrad_bund is not None and z.reifegrad_bund >= REIFEGRAD_OZG_KONFORM
        flaeche[z.flaeche] += 1
        mit += z.erforderlich
        vollstaendig += z.vollstaendig
    return {
        "anzahl_leistungen": n,
        "online": online,
        "flaechendeckend": flaeche[Flaechendeckung.BUNDESWEIT],
        "ergebnisse_vollstaendig": vollstaendig,
        "ergebnisse_mit_anforderungen": mit,
        "verteilung": {"reifegrad": reifegrad, "flaechendeckung": flaeche},
    }


def _land_summe(ars: str, zeilen: list[_Abgeleitet]) -> dict:
    reifegrad = _leer_reifegrad()
    flaeche = {k: 0 for k in Flaechendeckung.values if k != Flaechendeckung.BUNDESWEIT}
    online = vollstaendig = mit = 0
    for z in zeilen:
        stufe = z.reifegrad_land[ars]
        reifegrad[_stufe(stufe)] += 1
        online += stufe is not None and stufe >= REIFEGRAD_OZG_KONFORM
        flaeche[z.je_land[ars]] += 1
        mit += z.erforderlich
        vollstaendig += z.vollstaendig
    return {
        "anzahl_leistungen": len(zeilen),
        "online": online,
        "flaechendeckend": flaeche[Flaechendeckung.LANDESWEIT],
        "ergebnisse_vollstaendig": vollstaendig,
        "ergebnisse_mit_anforderungen": mit,
        "meilensteine": None,
        "meilensteine_verzoegert": None,
        "verteilung": {"reifegrad": reifegrad, "flaechendeckung": flaeche},
    }


def _meilensteine(
    meilensteine: Iterable[MeilensteinZeile],
    leistung_tf: dict[int, int],
    stichtag: dt.date,
) -> tuple[Counter, Counter]:
    """Meilensteine and delayed ones per Themenfeld, counted like ``gesamtfortschritt``:
    those of the Leistungen in the set, and the Themenfeld-wide ones of Themenfelder
    with at least one Leistung in the set."""
    mit_leistungen = set(leistung_tf.values())
    alle: Counter = Counter()
    verzoegert: Counter = Counter()
    for m in meilensteine:
        if m.leistung_id is not None:
            if m.leistung_id not in leistung_tf:
                continue
            tf = leistung_tf[m.leistung_id]
        elif m.themenfeld_id in mit_leistungen:
            tf = m.themenfeld_id
        else:
            continue
        alle[tf] += 1
        verzoegert[tf] += rules.meilenstein_ist_verzoegert(m.geplant, m.erreicht, stichtag)
    return alle, verzoegert


def kennzahlen_berechnen(
    stichtag: dt.date,
    *,
    laender_ars: list[str],
    themenfeld_ids: list[int],
    leistungen: list[LeistungZeile],
    staende: dict[int, list[rules.Stand]],
    ergebnisse: dict[int, dict[str, tuple[str, bool | None]]],
    meilensteine: list[MeilensteinZeile],
    abgeleitet: dict[int, _Abgeleitet] | None = None,
) -> list[dict]:
    """Figures for the programme, each Themenfeld and each Land (one dict per row with
    ``ebene``, ``bezug`` and the ``Kennzahlenstand`` fields). ``abgeleitet`` lets the
    rebuild reuse unchanged per-Leistung figures."""
    if abgeleitet is None:
        abgeleitet = {
            le.pk: _ableiten(le, staende.get(le.pk, []), ergebnisse.get(le.pk, {}), laender_ars)
            for le in leistungen
        }
    zeilen = list(abgeleitet.values())
    leistung_tf = {pk: a.themenfeld_id for pk, a in abgeleitet.items()}
    m_alle, m_verzoegert = _meilensteine(meilensteine, leistung_tf, stichtag)

    ergebnis = [
        {
            "ebene": Ebene.GESAMT,
            "bezug": "",
            **_summe(zeilen),
            "meilensteine": sum(m_alle.values()),
            "meilensteine_verzoegert": sum(m_verzoegert.values()),
        }
    ]
    je_tf: dict[int, list[_Abgeleitet]] = defaultdict(list)
    for z in zeilen:
        je_tf[z.themenfeld_id].append(z)
    for tf in themenfeld_ids:
        ergebnis.append(
            {
                "ebene": Ebene.THEMENFELD,
                "bezug": str(tf),
                **_summe(je_tf.get(tf, [])),
                "meilensteine": m_alle.get(tf, 0),
                "meilensteine_verzoegert": m_verzoegert.get(tf, 0),
            }
        )
    for ars in laender_ars:
        ergebnis.append({"ebene": Ebene.LAND, "bezug": ars, **_land_summe(ars, zeilen)})
    return ergebnis


_FELDER = [
    "anzahl_leistungen",
    "online",
    "flaechendeckend",
    "ergebnisse_vollstaendig",
    "ergebnisse_mit_anforderungen",
    "meilensteine",
    "meilensteine_verzoegert",
    "verteilung",
    "nachgebildet",
]


def _speichern(stichtag: dt.date, zeilen: list[dict], *, nachgebildet: bool) -> list:
    return [
        Kennzahlenstand(stichtag=stichtag, nachgebildet=nachgebildet, **zeile) for zeile in zeilen
    ]


def _upsert(objekte: list[Kennzahlenstand]) -> int:
    """Insert or overwrite by (stichtag, ebene, bezug): idempotent."""
    jetzt = timezone.now()
    for o in objekte:
        o.erstellt = o.geaendert = jetzt
    Kennzahlenstand.objects.bulk_create(
        objekte,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["stichtag", "ebene", "bezug"],
        update_fields=[*_FELDER, "geaendert"],
    )
    return len(objekte)


def _laender_ars() -> list[str]:
    return list(Organisation.objects.laender().order_by("ars").values_list("ars", flat=True))


@transaction.atomic
def kennzahlen_festhalten(stichtag: dt.date | None = None) -> int:
    """Store the figures of ``stichtag`` (default today) from the current data: what
    ``gesamtfortschritt(stichtag=…)`` shows that day. Returns the number of rows written.

    Queries: Länder, Themenfelder, Leistungen, Umsetzungsstände, Ergebnisse,
    Meilensteine, one upsert.
    """
    stichtag = stichtag or timezone.localdate()
    laender_ars = _laender_ars()
    themenfeld_ids = list(Themenfeld.objects.order_by("nummer").values_list("pk", flat=True))
    leistungen = [
        LeistungZeile(*t)
        for t in Leistung.objects.im_katalog().values_list(
            "pk", "prioritaet", "vorgehensmodell", "themenfeld_id"
        )
    ]
    ids = [le.pk for le in leistungen]
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
    meilensteine = [
        MeilensteinZeile(*t)
        for t in Meilenstein.objects.filter(
            Q(leistung_id__in=ids) | Q(leistung__isnull=True)
        ).values_list("themenfeld_id", "leistung_id", "geplant", "erreicht")
    ]
    zeilen = kennzahlen_berechnen(
        stichtag,
        laender_ars=laender_ars,
        themenfeld_ids=themenfeld_ids,
        leistungen=leistungen,
        staende=staende,
        ergebnisse=ergebnisse,
        meilensteine=meilensteine,
    )
    return _upsert(_speichern(stichtag, zeilen, nachgebildet=False))


# --------------------------------------------------------------------------------------
# Rebuild from history
# --------------------------------------------------------------------------------------


def _tagesende(tag: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(tag + dt.timedelta(days=1), dt.time.min))


def _verlauf(model, felder: list[str], bis: dt.datetime) -> list[tuple]:
    """History rows (history_date, history_type, id, *felder) up to ``bis``, oldest first."""
    return list(
        model.history.filter(history_date__lt=bis)
        .order_by("history_date", "history_id")
        .values_list("history_date", "history_type", "id", *felder)
    )


@transaction.atomic
def kennzahlen_nachbilden(von: dt.date, bis: dt.date | None = None) -> int:
    """Rebuild the snapshots of every day from ``von`` to ``bis`` (default: yesterday)
    from the history tables, overwriting existing rows of those days. Returns the number
    of rows written. See the module docstring for method and limits."""
    bis = bis or timezone.localdate() - dt.timedelta(days=1)
    if von > bis:
        raise ValueError("„von“ liegt nach „bis“.")
    ende = _tagesende(bis)
    laender_ars = _laender_ars()
    themenfeld_ids = list(Themenfeld.objects.order_by("nummer").values_list("pk", flat=True))
    ars_von = dict(Organisation.objects.gebiete().values_list("pk", "ars"))

    quellen = {
        "leistung": _verlauf(
            Leistung, ["im_katalog", "prioritaet", "vorgehensmodell", "themenfeld_id"], ende
        ),
        "stand": _verlauf(
            Umsetzungsstand, ["leistung_id", "gebiet_id", "reifegrad", "stichtag"], ende
        ),
        "ergebnis": _verlauf(
            Ergebnis, ["leistung_id", "ergebnistyp", "status", "ff_erforderlich"], ende
        ),
        "meilenstein": _verlauf(
            Meilenstein, ["themenfeld_id", "leistung_id", "geplant", "erreicht"], ende
        ),
    }
    zustand: dict[str, dict[int, tuple]] = {k: {} for k in quellen}
    position = dict.fromkeys(quellen, 0)
    #: Leistung id → ids of its Umsetzungsstände / Ergebnisse in the current state.
    kinder: dict[str, dict[int, set[int]]] = {
        "stand": defaultdict(set),
        "ergebnis": defaultdict(set),
    }

    def neu_ableiten(pk: int) -> _Abgeleitet | None:
        zeile = zustand["leistung"].get(pk)
        if zeile is None or not zeile[0]:  # unknown, deleted or not in the catalogue
            return None
        staende = []
        for sid in kinder["stand"].get(pk, ()):
            _lid, gebiet_id, reifegrad, stand_tag = zustand["stand"][sid]
            if stand_tag <= tag and gebiet_id in ars_von:
                staende.append(rules.Stand(ars_von[gebiet_id], reifegrad))
        ergebnisse = {}
        for eid in kinder["ergebnis"].get(pk, ()):
            _lid, typ, status, ff = zustand["ergebnis"][eid]
            ergebnisse[typ] = (status or Ergebnisstatus.OFFEN, ff)
        return _ableiten(
            LeistungZeile(pk, zeile[1], zeile[2], zeile[3]), staende, ergebnisse, laender_ars
        )

    objekte: list[Kennzahlenstand] = []
    abgeleitet: dict[int, _Abgeleitet] = {}
    tag = von
    erster = True
    while tag <= bis:
        grenze = _tagesende(tag)
        betroffen: set[int] = set()
        for name, zeilen in quellen.items():
            i = position[name]
            while i < len(zeilen) and zeilen[i][0] < grenze:
                _datum, art, pk, *werte = zeilen[i]
                alt = zustand[name].get(pk)
                if art == "-":
                    zustand[name].pop(pk, None)
                else:
                    zustand[name][pk] = tuple(werte)
                if name == "leistung":
                    betroffen.add(pk)
                elif name in kinder:
                    if alt is not None:
                        kinder[name][alt[0]].discard(pk)
                        betroffen.add(alt[0])
                    if art != "-":
                        kinder[name][werte[0]].add(pk)
                        betroffen.add(werte[0])
                i += 1
            position[name] = i
        # A Stand counts from its own "Stand vom" on.
        betroffen |= {w[0] for w in zustand["stand"].values() if w[3] == tag}
        if erster:
            betroffen = set(zustand["leistung"])
            erster = False
        for pk in betroffen:
            zeile = neu_ableiten(pk)
            if zeile is None:
                abgeleitet.pop(pk, None)
            else:
                abgeleitet[pk] = zeile
        zeilen = kennzahlen_berechnen(
            tag,
            laender_ars=laender_ars,
            themenfeld_ids=themenfeld_ids,
            leistungen=[],
            staende={},
            ergebnisse={},
            meilensteine=[MeilensteinZeile(*w) for w in zustand["meilenstein"].values()],
            abgeleitet=abgeleitet,
        )
        objekte.extend(_speichern(tag, zeilen, nachgebildet=True))
        tag += dt.timedelta(days=1)
    return _upsert(objekte)


#: A trend over more days than this is shown with one row per month (the last day).
TREND_TAEGLICH_BIS = 62


def verlauf(
    seit: dt.date, bis: dt.date, *, ebene: str = Ebene.GESAMT, bezug: str = ""
) -> tuple[list[Kennzahlenstand], bool]:
    """The snapshots between ``seit`` and ``bis`` for a trend (one query): daily for
    short ranges, else the last snapshot of each month. Returns (rows, thinned out)."""
    alle = list(
        Kennzahlenstand.objects.filter(
            ebene=ebene, bezug=bezug, stichtag__gte=seit, stichtag__lte=bis
        ).order_by("stichtag")
    )
    if len(alle) <= TREND_TAEGLICH_BIS:
        return alle, False
    je_monat: dict[tuple[int, int], Kennzahlenstand] = {}
    for stand in alle:
        je_monat[(stand.stichtag.year, stand.stichtag.month)] = stand
    return list(je_monat.values()), True
