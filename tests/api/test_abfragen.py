"""Query budgets of every resource under ``/api/v1/``.

* A list costs the same number of queries for 5 and for 30 units of rows, for anonymous
  visitors, the Programmmanagement, a Themenfeld-Federführer (scope role with internal
  reading) and an OZG-Ressortansprechpartner (scope role *without* internal reading: the
  grant subqueries of ``rechte.restrict`` apply).
* A detail costs the same whether the object has few or many related rows.
* Fewer fields (``?fields=``/``?kurz=1``) never cost more.
* :func:`test_jede_ressource_hat_ein_budget` fails for a resource in the router without
  a budget here: a new endpoint cannot be forgotten.

The requester is loaded afresh for every request (as a real request would), so cached
permissions of one request do not flatter the next. Budgets are the measured minimum,
not ceilings: each comment says what every query is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from berichtswesen.berichte import ARTEN
from berichtswesen.models import Berichtsauftrag, Berichtsplan, Status
from berichtswesen.tests.berichtsarten import TESTARTEN
from leistungen.choices import Ergebnistyp
from ozgplattform.api.urls import router
from ozgplattform.choices import Rolle
from ozgplattform.testing import factories as f
from ozgplattform.testing.api import api, detail_url, liste_url, mit_rolle

pytestmark = pytest.mark.django_db

#: The requesters: anonymous, programme-wide, two scope roles (see the module docstring).
ANONYM = "anonym"
ANGEMELDET = (Rolle.PROGRAMMMANAGEMENT, Rolle.FEDERFUEHRER, Rolle.RESSORTANSPRECHPARTNER)
ROLLEN = (ANONYM, *ANGEMELDET)
#: The permission queries of ``rechte._globale_aktionen`` for a logged-in requester
#: (``get_all_permissions``: user permissions, group permissions).
RECHTE = 2


@dataclass(frozen=True)
class Budget:
    """Queries of one GET. ``anonym`` None: not public (401), budgets for accounts only.
    A logged-in requester costs ``anonym + RECHTE`` unless ``angemeldet`` says otherwise
    (per role where the roles differ)."""

    anonym: int | None
    angemeldet: dict[str, int] | None = None

    def fuer(self, rolle: str) -> int:
        if self.angemeldet is not None and rolle in self.angemeldet:
            return self.angemeldet[rolle]
        if rolle == ANONYM:
            assert self.anonym is not None
            return self.anonym
        assert self.anonym is not None, "Nicht öffentlich: Budget je Rolle angeben."
        return self.anonym + RECHTE


#: Berichtsaufträge: visibility is the report type's rule (``berichtswesen.selectors``).
#: Internal readers cost one query more: the Berichtsarchiv candidates (pk, Art,
#: Parameter), checked in Python once per distinct (Art, Parameter) pair.
_AUFTRAG_LISTE = {
    # rights, own jobs and archive candidates with their parameters (permission re-check
    # in bulk), count, rows with Plan
    Rolle.PROGRAMMMANAGEMENT: RECHTE + 3,
    Rolle.FEDERFUEHRER: RECHTE + 3,
    # rights, own jobs with their parameters, count, rows with Plan (not an internal
    # reader: no archive)
    Rolle.RESSORTANSPRECHPARTNER: RECHTE + 3,
}
_AUFTRAG_DETAIL = {
    # rights, own jobs and archive candidates, the row with Plan
    Rolle.PROGRAMMMANAGEMENT: RECHTE + 2,
    Rolle.FEDERFUEHRER: RECHTE + 2,
    # rights, own jobs, the row with Plan
    Rolle.RESSORTANSPRECHPARTNER: RECHTE + 2,
}

#: List budgets per router basename (the anonymous count; comments: what each query is).
LISTEN: dict[str, Budget] = {
    "organisation": Budget(2),  # count, rows
    "rollenzuweisung": Budget(2),  # count, rows with the person
    "themenfeld": Budget(3),  # count, rows, Steuerungskreis
    "lebenslage": Budget(2),  # count, rows
    "leistung": Budget(4),  # count, rows, LeiKa rows (Typ), Ergebnisse (Vollständigkeit)
    "leikaleistung": Budget(2),  # count, rows
    "umsetzungsprojekt": Budget(3),  # count, rows, Leistungen
    "ergebnis": Budget(2),  # count, rows with Leistung (Anforderung of Abbildung 2)
    "umsetzungsstand": Budget(2),  # count, rows with Gebiet
    "meilenstein": Budget(2),  # count, rows
    "nachnutzungsangebot": Budget(2),  # count, rows
    "nachnutzung": Budget(2),  # count, rows
    "anforderung": Budget(None, dict.fromkeys(ANGEMELDET, RECHTE + 2)),  # count, rows with person
    "berichtsauftrag": Budget(None, _AUFTRAG_LISTE),
    # Länder, region, LeiKa keys, online Umsetzungsstände, rows (one cursor); the export
    # reads as the public whoever asks, so a login costs nothing more.
    "opendata-umsetzungsstand": Budget(5, dict.fromkeys(ANGEMELDET, 5)),
}

#: Further list variants: (basename, query string, budget).
LISTEN_VARIANTEN = [
    ("leistung", "?expand=ergebnisse,umsetzungsstaende", Budget(5)),  # + Umsetzungsstände
]

#: Detail budgets (GET …/{id}/), same rules.
DETAILS: dict[str, Budget] = {
    "organisation": Budget(1),  # the row
    "rollenzuweisung": Budget(1),  # the row with the person
    "themenfeld": Budget(2),  # the row, Steuerungskreis
    "lebenslage": Budget(1),  # the row
    # the row, LeiKa rows (Typ), Ergebnisse, Umsetzungsstände with Gebiet
    "leistung": Budget(4),
    "leikaleistung": Budget(1),  # the row
    "umsetzungsprojekt": Budget(2),  # the row, Leistungen
    "ergebnis": Budget(1),  # the row with Leistung
    "umsetzungsstand": Budget(1),  # the row with Gebiet
    "meilenstein": Budget(1),  # the row
    "nachnutzungsangebot": Budget(1),  # the row
    "nachnutzung": Budget(1),  # the row
    "anforderung": Budget(None, dict.fromkeys(ANGEMELDET, RECHTE + 1)),  # the row with person
    "berichtsauftrag": Budget(None, _AUFTRAG_DETAIL),
}

#: ``?fields=``/``?kurz=1``, list and detail: never more than the full response
#: (``tests/api/test_felder.py`` covers Leistungen, Umsetzungsprojekte, Umsetzungsstände
#: and Organisationen). (basename, selection, list budget, detail budget), anonymous.
AUSWAHL = [
    ("themenfeld", "fields=id,name", 2, 1),  # no Steuerungskreis: count, rows / the row
    ("themenfeld", "kurz=1", 2, 1),
    ("themenfeld", "fields=id,steuerungskreis", 3, 2),  # + Steuerungskreis
    ("rollenzuweisung", "kurz=1", 2, 1),  # person (with the row): count, rows / the row
    ("rollenzuweisung", "fields=id,rolle", 2, 1),
]


# --------------------------------------------------------------------------------------
# Data: one "unit" of visible rows per call
# --------------------------------------------------------------------------------------


@pytest.fixture
def kontext(monkeypatch):
    """A Land, a Bundesressort and its Themenfeld; the test report types registered."""
    for schluessel, art in TESTARTEN.items():
        monkeypatch.setitem(ARTEN, schluessel, art)
    ressort = f.RessortFactory()
    return {
        "land": f.LandFactory(),
        "ressort": ressort,
        "themenfeld": f.ThemenfeldFactory(federfuehrendes_ressort=ressort),
        "requester": None,
    }


def leistung_mit_allem(themenfeld, land):
    leistung = f.LeistungFactory(themenfeld=themenfeld, labor=True)
    f.LeikaLeistungFactory(leistung=leistung, typ="1")
    f.LeikaLeistungFactory(leistung=leistung, typ="2/3")
    f.ErgebnisFactory(leistung=leistung, geliefert=True)
    f.UmsetzungsstandFactory(leistung=leistung, gebiet=land)
    return leistung


def _auftrag(person, **extra) -> Berichtsauftrag:
    return Berichtsauftrag.objects.create(
        art="test_schnell",
        format="csv",
        parameter={"bereich": "offen"},
        angefordert_von=person,
        status=Status.FERTIG,
        **extra,
    )


def einheit(basename: str, kontext: dict) -> models.Model:
    """Rows of one unit for ``basename``, visible to every requester of :data:`ROLLEN`
    that may list the resource; returns the unit's object of that resource."""
    tf, land = kontext["themenfeld"], kontext["land"]

    def leistung():
        return f.LeistungFactory(themenfeld=tf, labor=True)

    match basename:
        case "organisation":
            return f.KreisFactory(parent=land)
        case "rollenzuweisung":
            return f.RollenzuweisungFactory(kontakt_veroeffentlichen=True, leistung=leistung())
        case "themenfeld":
            return f.ThemenfeldFactory(
                steuerungskreis=[land, kontext["ressort"]],
                federfuehrendes_ressort=kontext["ressort"],
            )
        case "lebenslage":
            return f.LebenslageFactory(themenfeld=tf)
        case "leistung":
            return leistung_mit_allem(tf, land)
        case "leikaleistung":
            return f.LeikaLeistungFactory(leistung=leistung())
        case "umsetzungsprojekt":
            return f.UmsetzungsprojektFactory(
                themenfeld=tf, federfuehrendes_land=land, leistungen=[leistung(), leistung()]
            )
        case "ergebnis":
            return f.ErgebnisFactory(leistung=leistung(), geliefert=True)
        case "umsetzungsstand":
            return f.UmsetzungsstandFactory(gebiet=f.KreisFactory(parent=land), leistung=leistung())
        case "meilenstein":
            return f.MeilensteinFactory(leistung=leistung())
        case "nachnutzungsangebot":
            return f.NachnutzungsangebotFactory(
                leistung=leistung(), anbieter=land, veroeffentlicht=True
            )
        case "nachnutzung":
            angebot = f.NachnutzungsangebotFactory(
                leistung=leistung(), anbieter=land, veroeffentlicht=True
            )
            return f.NachnutzungFactory(angebot=angebot, land=f.LandFactory())
        case "anforderung":
            # Someone else's: visible through internal reading or the Ressort's grant.
            return f.AnforderungFactory(leistung=leistung())
        case "berichtsauftrag":
            # The requester's own job and a scheduled one of the Berichtsarchiv (for
            # internal readers), each of its own Berichtsplan.
            plan = Berichtsplan.objects.create(
                bezeichnung="Monatsbericht",
                art="test_schnell",
                format="csv",
                parameter={"bereich": "offen"},
                naechste_ausfuehrung=timezone.now(),
            )
            _auftrag(None, plan=plan, periode="2026-11")
            return _auftrag(kontext["requester"])
        case "opendata-umsetzungsstand":
            kreis = f.KreisFactory(parent=land)
            stand = f.UmsetzungsstandFactory(gebiet=kreis, leistung=leistung(), reifegrad=3)
            f.LeikaLeistungFactory(leistung=stand.leistung)
            return stand
    raise AssertionError(f"Keine Testdaten für {basename}")


def mehr_verknuepfte(basename: str, obj: models.Model, kontext: dict) -> None:
    """More related rows for a detail that nests or lists them (else nothing to add)."""
    match basename:
        case "leistung":
            for typ in list(Ergebnistyp)[1:6]:
                f.ErgebnisFactory(leistung=obj, ergebnistyp=typ)
            for _ in range(5):
                f.LeikaLeistungFactory(leistung=obj)
                f.UmsetzungsstandFactory(
                    leistung=obj, gebiet=f.KreisFactory(parent=kontext["land"])
                )
        case "themenfeld":
            obj.steuerungskreis.add(*[f.LandFactory() for _ in range(5)])
        case "umsetzungsprojekt":
            obj.leistungen.add(
                *[f.LeistungFactory(themenfeld=kontext["themenfeld"]) for _ in range(5)]
            )


def anfragender(rolle: str, kontext: dict) -> int | None:
    """The requester's pk (None: anonymous), stored in ``kontext["requester"]``."""
    match rolle:
        case "anonym":
            person = None
        case Rolle.FEDERFUEHRER:
            person = mit_rolle(rolle, themenfeld=kontext["themenfeld"])
        case Rolle.RESSORTANSPRECHPARTNER:
            person = mit_rolle(rolle, organisation=kontext["ressort"])
        case _:
            person = mit_rolle(rolle)
    kontext["requester"] = person
    return person.pk if person is not None else None


def url_liste(basename: str, kontext: dict) -> str:
    if basename == "opendata-umsetzungsstand":
        return f"{liste_url(basename)}?ars={kontext['land'].ars}&ebenen=darunter"
    return f"{liste_url(basename)}?page_size=500"


def abfragen(url: str, user_pk: int | None) -> tuple[int, dict, list[str]]:
    """(queries, JSON body, SQL) of one GET, as a fresh request of the user."""
    user = get_user_model().objects.get(pk=user_pk) if user_pk else None
    client = api(user)
    with CaptureQueriesContext(connection) as erfasst:
        antwort = client.get(url, format="json")
        inhalt = (
            b"".join(antwort.streaming_content) if antwort.streaming else antwort.content
        )  # a streamed response reads its rows while being consumed
    assert antwort.status_code == 200, inhalt
    return len(erfasst), json.loads(inhalt), [q["sql"] for q in erfasst.captured_queries]


def zeilen(daten: dict) -> int:
    return len(daten["results"] if "results" in daten else daten["zeilen"])


def _faelle(budgets: dict[str, Budget], varianten=()) -> list:
    """(basename, query, budget, role) for every role that may read the resource."""
    eintraege = [(b, "", budget) for b, budget in budgets.items()] + list(varianten)
    return [
        pytest.param(basename, query, budget.fuer(rolle), rolle, id=f"{basename}{query}-{rolle}")
        for basename, query, budget in eintraege
        for rolle in ROLLEN
        if rolle != ANONYM or budget.anonym is not None
    ]


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------


def _registriert() -> dict[str, type]:
    return {basename: viewset for _prefix, viewset, basename in router.registry}


def test_jede_ressource_hat_ein_budget():
    """Every router entry has a list budget, every one with a detail a detail budget;
    no budget names a resource that is gone."""
    registriert = _registriert()
    assert set(LISTEN) == set(registriert), "Listenbudget fehlt oder ist verwaist"
    mit_detail = {b for b, viewset in registriert.items() if hasattr(viewset, "retrieve")}
    assert set(DETAILS) == mit_detail, "Detailbudget fehlt oder ist verwaist"
    assert {b for b, *_ in LISTEN_VARIANTEN} <= set(registriert)
    assert {b for b, *_ in AUSWAHL} <= mit_detail


@pytest.mark.parametrize(
    ("basename", "query", "budget", "rolle"), _faelle(LISTEN, LISTEN_VARIANTEN)
)
def test_liste_konstant_in_der_zeilenzahl(kontext, basename, query, budget, rolle):
    user_pk = anfragender(rolle, kontext)
    url = url_liste(basename, kontext) + (query.replace("?", "&") if query else "")

    for _ in range(5):
        einheit(basename, kontext)
    wenige, daten, _sql = abfragen(url, user_pk)
    for _ in range(25):
        einheit(basename, kontext)
    viele, daten_viele, sql = abfragen(url, user_pk)

    # Each unit adds the same (positive) number of visible rows.
    zuwachs = zeilen(daten_viele) - zeilen(daten)
    assert zuwachs >= 25 and zuwachs % 25 == 0, (zeilen(daten), zeilen(daten_viele))
    assert wenige == viele, f"{basename}{query}: {wenige} Abfragen bei 5, {viele} bei 30 Einheiten"
    assert viele == budget, f"{basename}{query} ({rolle}): {viele} Abfragen, Budget {budget}\n" + (
        "\n".join(sql)
    )


@pytest.mark.parametrize(("basename", "query", "budget", "rolle"), _faelle(DETAILS))
def test_detail_konstant(kontext, basename, query, budget, rolle):
    user_pk = anfragender(rolle, kontext)
    obj = einheit(basename, kontext)
    url = detail_url(basename, obj.pk)
    wenige, daten, _sql = abfragen(url, user_pk)
    assert daten["id"] == (str(obj.pk) if isinstance(daten["id"], str) else obj.pk)

    mehr_verknuepfte(basename, obj, kontext)
    for _ in range(5):
        einheit(basename, kontext)
    viele, daten_viele, sql = abfragen(url, user_pk)

    assert wenige == viele, f"{basename}: {wenige} Abfragen, mit mehr Verknüpften {viele}"
    assert viele == budget, f"{basename} ({rolle}): {viele} Abfragen, Budget {budget}\n" + (
        "\n".join(sql)
    )
    if basename in ("leistung", "themenfeld", "umsetzungsprojekt"):
        assert daten_viele != daten  # the related rows were really added


@pytest.mark.parametrize(("basename", "auswahl", "liste", "detail"), AUSWAHL)
def test_weniger_felder_nie_mehr_abfragen(kontext, basename, auswahl, liste, detail):
    for _ in range(5):
        obj = einheit(basename, kontext)
    url = url_liste(basename, kontext)
    voll, volle_daten, _sql = abfragen(url, None)
    gewaehlt, daten, sql = abfragen(f"{url}&{auswahl}", None)
    assert gewaehlt == liste, "\n".join(sql)
    assert gewaehlt <= voll
    assert set(daten["results"][0]) < set(volle_daten["results"][0])
    for _ in range(25):
        einheit(basename, kontext)
    assert abfragen(f"{url}&{auswahl}", None)[0] == liste  # constant in the rows, too

    url = detail_url(basename, obj.pk)
    voll, volle_daten, _sql = abfragen(url, None)
    gewaehlt, daten, sql = abfragen(f"{url}?{auswahl}", None)
    assert gewaehlt == detail, "\n".join(sql)
    assert gewaehlt <= voll
    assert set(daten) < set(volle_daten)
