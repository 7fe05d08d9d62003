"""Query budgets: a list endpoint costs the same number of queries for 5 and for 30 rows.

The requester is loaded afresh for every request (as a real request would), so cached
permissions of one request do not flatter the next.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ozgplattform.choices import Rolle
from ozgplattform.testing import factories as f
from ozgplattform.testing.api import api, liste_url, mit_rolle

pytestmark = pytest.mark.django_db


def leistung_mit_allem(themenfeld, land):
    leistung = f.LeistungFactory(themenfeld=themenfeld, labor=True)
    f.LeikaLeistungFactory(leistung=leistung, typ="1")
    f.LeikaLeistungFactory(leistung=leistung, typ="2/3")
    f.ErgebnisFactory(leistung=leistung, geliefert=True)
    f.UmsetzungsstandFactory(leistung=leistung, gebiet=land)
    return leistung


def anlegen(basename: str, anzahl: int, kontext: dict) -> None:
    tf, land = kontext["themenfeld"], kontext["land"]
    for _ in range(anzahl):
        if basename == "leistung":
            leistung_mit_allem(tf, land)
        elif basename == "ergebnis":
            f.ErgebnisFactory(leistung=f.LeistungFactory(themenfeld=tf, labor=True))
        elif basename == "umsetzungsstand":
            f.UmsetzungsstandFactory(gebiet=land, leistung=f.LeistungFactory(themenfeld=tf))
        elif basename == "rollenzuweisung":
            f.RollenzuweisungFactory(
                kontakt_veroeffentlichen=True, leistung=f.LeistungFactory(themenfeld=tf)
            )
        elif basename == "umsetzungsprojekt":
            f.UmsetzungsprojektFactory(
                themenfeld=tf, leistungen=[f.LeistungFactory(themenfeld=tf) for _ in range(2)]
            )
        elif basename == "themenfeld":
            f.ThemenfeldFactory(steuerungskreis=[land])
        else:  # pragma: no cover
            raise AssertionError(basename)


def abfragen(url: str, user_pk: int | None) -> tuple[int, int]:
    """(queries, rows) of one GET, as a fresh request of the user."""
    user = get_user_model().objects.get(pk=user_pk) if user_pk else None
    client = api(user)
    with CaptureQueriesContext(connection) as erfasst:
        antwort = client.get(url, format="json")
    assert antwort.status_code == 200, antwort.content
    return len(erfasst), len(antwort.json()["results"])


#: (endpoint, query string, budget anonymous). Authenticated requests add the two
#: permission queries of ``rechte._globale_aktionen`` (user and group permissions).
BUDGETS = [
    ("leistung", "", 4),  # count, rows, LeiKa rows (Typ), Ergebnisse (Vollständigkeit)
    ("leistung", "?expand=ergebnisse,umsetzungsstaende", 5),  # + Umsetzungsstände
    ("ergebnis", "", 2),  # count, rows with Leistung (Anforderung of Abbildung 2)
    ("umsetzungsstand", "", 2),  # count, rows with Gebiet
    ("rollenzuweisung", "", 2),  # count, rows with the person
    ("umsetzungsprojekt", "", 3),  # count, rows, Leistungen
    ("themenfeld", "", 3),  # count, rows, Steuerungskreis
]


@pytest.mark.parametrize("rolle", [None, Rolle.PROGRAMMMANAGEMENT, Rolle.FEDERFUEHRER])
@pytest.mark.parametrize(("basename", "query", "budget"), BUDGETS)
def test_liste_konstant_in_der_zeilenzahl(basename, query, budget, rolle):
    kontext = {"themenfeld": f.ThemenfeldFactory(), "land": f.LandFactory()}
    if rolle is None:
        user_pk = None
    elif rolle == Rolle.FEDERFUEHRER:
        user_pk = mit_rolle(rolle, themenfeld=kontext["themenfeld"]).pk
    else:
        user_pk = mit_rolle(rolle).pk
    url = liste_url(basename) + query

    anlegen(basename, 5, kontext)
    wenige, zeilen_wenige = abfragen(url, user_pk)
    anlegen(basename, 25, kontext)
    viele, zeilen_viele = abfragen(url, user_pk)

    assert zeilen_viele - zeilen_wenige == 25
    assert wenige == viele, f"{basename}{query}: {wenige} Abfragen bei 5, {viele} bei 30 Zeilen"
    erlaubt = budget + (0 if rolle is None else 2)
    assert viele <= erlaubt, f"{basename}{query}: {viele} Abfragen, Budget {erlaubt}"
