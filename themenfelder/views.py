"""Themenfeld pages: the list of the 14 Themenfelder and one Themenfeld with its
Leistungen, Umsetzungsprojekte, Meilensteine and published contacts.

Every read goes through :func:`ozgplattform.rechte.restrict`; query counts are constant
in the number of Themenfelder and Leistungen (``themenfelder/selectors.py``).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from leistungen.models import Leistung, Meilenstein, Umsetzungsprojekt
from ozgplattform.models import Rollenzuweisung
from ozgplattform.rechte import restrict
from ozgplattform.selectors import veroeffentlichte_kontakte

from .models import Themenfeld
from .selectors import leistungen_fortschritt, themenfelder_mit_kennzahlen


def liste(request):
    themenfelder = themenfelder_mit_kennzahlen(
        restrict(Themenfeld.objects.all(), request.user),
        restrict(Leistung.objects.im_katalog(), request.user),
    ).order_by("nummer")
    return render(request, "themenfelder/liste.html", {"themenfelder": themenfelder})


def detail(request, nummer: int):
    user = request.user
    themenfeld = get_object_or_404(
        restrict(Themenfeld.objects.all(), user).select_related(
            "federfuehrendes_land", "federfuehrendes_ressort"
        ),
        nummer=nummer,
    )
    heute = timezone.localdate()
    leistungen = restrict(Leistung.objects.im_katalog(), user).filter(themenfeld=themenfeld)
    fortschritt = leistungen_fortschritt(leistungen, heute)
    projekte = (
        restrict(Umsetzungsprojekt.objects.filter(themenfeld=themenfeld), user)
        .select_related("federfuehrendes_land")
        .prefetch_related(
            Prefetch(
                "leistungen",
                queryset=restrict(Leistung.objects.im_katalog(), user).order_by("ozg_id"),
            )
        )
        .order_by("name")
    )
    meilensteine = [
        (m, m.verzug_tage(heute))
        for m in restrict(Meilenstein.objects.filter(themenfeld=themenfeld), user)
        .select_related("leistung")
        .order_by("geplant", "name")
    ]
    kontakte = veroeffentlichte_kontakte(
        restrict(
            Rollenzuweisung.objects.filter(
                Q(themenfeld=themenfeld)
                | Q(leistung__themenfeld=themenfeld)
                | Q(umsetzungsprojekt__themenfeld=themenfeld)
            ),
            user,
        )
    )
    return render(
        request,
        "themenfelder/detail.html",
        {
            "themenfeld": themenfeld,
            "steuerungskreis": restrict(themenfeld.steuerungskreis.all(), user).order_by(
                "art", "name"
            ),
            "fortschritt": fortschritt,
            "anzahl_online": sum(1 for zeile in fortschritt if zeile.online),
            "projekte": projekte,
            "meilensteine": meilensteine,
            "anzahl_verzoegert": sum(1 for _, tage in meilensteine if tage > 0),
            "kontakte": kontakte,
            "heute": heute,
        },
    )
