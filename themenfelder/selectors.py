"""Non-trivial reads for the Themenfeld pages.

Constant query counts: the list is one annotated query; the progress of a Themenfeld's
Leistungen is four flat queries (Länder, Leistungen, Umsetzungsstände, Ergebnisse)
whatever the number of Leistungen. The rules are the ones ``gesamtfortschritt`` uses.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from leistungen import rules
from leistungen.choices import REIFEGRAD_OZG_KONFORM, Flaechendeckung, Reifegrad
from leistungen.models import Ergebnis, Leistung, Umsetzungsstand
from ozgplattform.models import Organisation

from .models import Themenfeld


def themenfelder_mit_kennzahlen(
    themenfelder: QuerySet[Themenfeld],
    leistungen: QuerySet[Leistung],
    stichtag: dt.date | None = None,
) -> QuerySet[Themenfeld]:
    """``themenfelder`` with ``anzahl_leistungen`` and ``anzahl_online`` (one query).

    Only Leistungen in ``leistungen`` count (the caller passes the restricted catalogue);
    a Leistung is online when some Gebiet reports Stufe ≥ 3 up to ``stichtag``.
    """
    stichtag = stichtag or timezone.localdate()
    in_menge = Q(leistungen__in=leistungen.values("pk"))
    return themenfelder.select_related("federfuehrendes_land", "federfuehrendes_ressort").annotate(
        anzahl_leistungen=Count("leistungen", filter=in_menge, distinct=True),
        anzahl_online=Count(
            "leistungen",
            filter=in_menge
            & Q(
                leistungen__umsetzungsstaende__reifegrad__gte=REIFEGRAD_OZG_KONFORM,
                leistungen__umsetzungsstaende__stichtag__lte=stichtag,
            ),
            distinct=True,
        ),
    )


@dataclass(frozen=True)
class LeistungFortschritt:
    """Progress of one Leistung: nationwide Reifegrad, Flächendeckung, Ergebnistypen."""

    leistung: Leistung
    #: Highest Stufe reported in any Gebiet (None = nothing reported).
    reifegrad: int | None
    flaechendeckung: str
    vollstaendigkeit: rules.Vollstaendigkeit

    @property
    def reifegrad_label(self) -> str:
        return Reifegrad(self.reifegrad).label if self.reifegrad is not None else ""

    @property
    def flaechendeckung_label(self) -> str:
        return Flaechendeckung(self.flaechendeckung).label

    @property
    def online(self) -> bool:
        return self.reifegrad is not None and self.reifegrad >= REIFEGRAD_OZG_KONFORM


def leistungen_fortschritt(
    leistungen: QuerySet[Leistung], stichtag: dt.date | None = None
) -> list[LeistungFortschritt]:
    """Progress per Leistung in ``leistungen`` (four queries, whatever their number)."""
    stichtag = stichtag or timezone.localdate()
    laender_ars = list(Organisation.objects.laender().values_list("ars", flat=True))
    liste = list(leistungen.order_by("ozg_id"))
    ids = [leistung.pk for leistung in liste]

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

    ergebnis = []
    for leistung in liste:
        eigene = staende.get(leistung.pk, [])
        ergebnis.append(
            LeistungFortschritt(
                leistung=leistung,
                reifegrad=max((s.reifegrad for s in eigene), default=None),
                flaechendeckung=rules.flaechendeckung_bund(laender_ars, eigene).kategorie,
                vollstaendigkeit=rules.ergebnis_vollstaendigkeit(
                    leistung.prioritaet,
                    leistung.vorgehensmodell,
                    ergebnisse.get(leistung.pk, {}),
                ),
            )
        )
    return ergebnis
