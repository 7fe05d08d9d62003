"""Query budget of computing a report's data: constant in the number of Leistungen,
Umsetzungsstände, Ergebnisse, Meilensteine, Anforderungen and Nachnutzungen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from berichtswesen.berichte import berichtsart
from leistungen.choices import Ergebnistyp
from ozgplattform.choices import Rolle
from ozgplattform.testing.factories import (
    AnforderungFactory,
    ErgebnisFactory,
    LeistungFactory,
    MeilensteinFactory,
    NachnutzungFactory,
    NachnutzungsangebotFactory,
    UmsetzungsstandFactory,
    UserFactory,
)

from .conftest import rolle

pytestmark = pytest.mark.django_db

#: Upper bound per report type (user with internal read access, loaded fresh).
BUDGET = {
    "gesamtfortschritt": 15,
    "themenfeld": 20,
    "land": 8,
    "steuerungsindikatoren": 4,
    "steckbrief": 15,
}


def _mehr_daten(welt, n: int) -> None:
    for i in range(n):
        leistung = LeistungFactory(themenfeld=welt.tf1, labor=True, name=f"Zusatz {i}")
        for land in welt.laender:
            UmsetzungsstandFactory(leistung=leistung, gebiet=land, reifegrad=i % 5)
        UmsetzungsstandFactory(leistung=leistung, gebiet=welt.gemeinde, reifegrad=3)
        ErgebnisFactory(leistung=leistung, ergebnistyp=Ergebnistyp.KLICK_PROTOTYP, geliefert=True)
        MeilensteinFactory(leistung=leistung, geplant=dt.date(2021, 1, 1))
        AnforderungFactory(leistung=leistung)
        angebot = NachnutzungsangebotFactory(leistung=leistung, anbieter=welt.laender[1])
        NachnutzungFactory(angebot=angebot, land=welt.laender[0])
    # More for the Steckbrief's own Leistung, too.
    for typ in Ergebnistyp.values[1:]:
        ErgebnisFactory(leistung=welt.l1, ergebnistyp=typ)
    for i in range(n):
        MeilensteinFactory(leistung=welt.l1, name=f"Meilenstein {i}")


def _parameter(welt, schluessel):
    return {
        "themenfeld": {"themenfeld": welt.tf1.pk},
        "land": {"land": "20"},
        "steckbrief": {"leistung": welt.l1.pk},
    }.get(schluessel, {})


def _abfragen(welt, schluessel, user_pk) -> int:
    art = berichtsart(schluessel)
    parameter = art.parameter_pruefen(_parameter(welt, schluessel), None)
    user = get_user_model().objects.get(pk=user_pk)
    with CaptureQueriesContext(connection) as abfragen:
        bericht = art.bericht_bauen(parameter, user)
    assert bericht.tabellen
    return len(abfragen)


@pytest.mark.parametrize("schluessel", list(BUDGET))
def test_abfragen_konstant(welt, schluessel):
    leser = rolle(UserFactory(), Rolle.LESER)
    wenig = _abfragen(welt, schluessel, leser.pk)
    _mehr_daten(welt, 15)
    viel = _abfragen(welt, schluessel, leser.pk)
    assert viel == wenig
    assert viel <= BUDGET[schluessel]
