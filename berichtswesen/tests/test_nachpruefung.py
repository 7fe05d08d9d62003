"""Jobs are re-checked against the report type's rule whenever they are listed, shown or
downloaded, in bulk (constant number of queries however many archived jobs exist)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from berichtswesen import ablage
from berichtswesen.models import Berichtsauftrag, Status
from ozgplattform.choices import Rolle
from ozgplattform.models import ApiToken
from ozgplattform.services import rollenzuweisung_anlegen, rollenzuweisung_beenden
from ozgplattform.testing.api import api
from ozgplattform.testing.factories import (
    LeistungFactory,
    ThemenfeldFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _api(person):
    return api(person, token=ApiToken(user=person, name="t", schreibrecht=True))


def _fertig(art, parameter, *, von=None, periode=""):
    auftrag = Berichtsauftrag.objects.create(
        art=art,
        format="csv",
        parameter=parameter,
        angefordert_von=von,
        status=Status.FERTIG,
        periode=periode,
        dateiname=f"{art}.csv",
    )
    ablage.schreiben(auftrag, b"inhalt")
    return auftrag


def test_eigener_bericht_nach_rollenentzug_nicht_mehr_abrufbar(welt, client):
    person = UserFactory()
    zuweisung = rollenzuweisung_anlegen(
        benutzer=person, rolle=Rolle.RESSORTANSPRECHPARTNER, organisation=welt.ressort
    )
    auftrag = _fertig("themenfeld", {"themenfeld": welt.tf1.pk}, von=person)
    seite = reverse("berichtswesen:datei", args=[auftrag.pk])
    api_datei = f"/api/v1/berichtsauftraege/{auftrag.pk}/datei/"

    client.force_login(person)
    assert client.get(seite).status_code == 200
    assert _api(person).get(api_datei).status_code == 200
    assert str(auftrag.pk) in client.get(reverse("berichtswesen:uebersicht")).content.decode()

    rollenzuweisung_beenden(zuweisung=zuweisung)
    person.refresh_from_db()

    client.force_login(person)
    for name in ("auftrag", "status", "datei"):
        assert client.get(reverse(f"berichtswesen:{name}", args=[auftrag.pk])).status_code == 404
    assert str(auftrag.pk) not in client.get(reverse("berichtswesen:uebersicht")).content.decode()
    person = type(person).objects.get(pk=person.pk)
    assert _api(person).get(api_datei).status_code == 404
    assert _api(person).get(f"/api/v1/berichtsauftraege/{auftrag.pk}/").status_code == 404
    assert _api(person).get("/api/v1/berichtsauftraege/").json()["results"] == []


def _zaehlen(aufruf):
    """Number of queries ``aufruf()`` runs, and its result."""
    anzahl = 0

    def zaehler(execute, sql, params, many, context):
        nonlocal anzahl
        anzahl += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(zaehler):
        ergebnis = aufruf()
    return anzahl, ergebnis


def _archiv_anlegen(welt, n: int) -> None:
    """``n`` archived jobs of each kind, each with its own Stichtag, Themenfeld and
    Leistung, plus one own job each."""
    for i in range(n):
        stichtag = (dt.date(2024, 1, 1) + dt.timedelta(days=i)).isoformat()
        tf = ThemenfeldFactory(nummer=100 + i + 10 * n)
        leistung = LeistungFactory(themenfeld=tf)
        _fertig("themenfeld", {"themenfeld": tf.pk, "stichtag": stichtag}, periode=f"t{n}-{i}")
        _fertig("steckbrief", {"leistung": leistung.pk, "stichtag": stichtag}, periode=f"s{n}-{i}")
        _fertig("land", {"land": "20", "stichtag": stichtag}, periode=f"l{n}-{i}")
        _fertig("gesamtfortschritt", {"stichtag": stichtag, "filter": {}}, periode=f"g{n}-{i}")


def test_archiv_abfragen_unabhaengig_von_der_zahl_der_auftraege(
    welt, client, django_assert_num_queries
):
    leser = UserFactory()
    rollenzuweisung_anlegen(benutzer=leser, rolle=Rolle.LESER)
    client.force_login(leser)
    _archiv_anlegen(welt, 2)

    client.get(reverse("berichtswesen:uebersicht"))  # the first request caches the session
    seite_wenig, antwort = _zaehlen(lambda: client.get(reverse("berichtswesen:uebersicht")))
    assert len(antwort.context["archiv"]) == 8
    client_api = _api(leser)
    client_api.get("/api/v1/berichtsauftraege/")  # first use of the token writes it
    api_wenig, antwort = _zaehlen(
        lambda: client_api.get("/api/v1/berichtsauftraege/?page_size=100")
    )
    assert len(antwort.json()["results"]) == 8
    assert seite_wenig > 5 and api_wenig > 3

    _archiv_anlegen(welt, 10)
    client.get(reverse("berichtswesen:uebersicht"))
    with django_assert_num_queries(seite_wenig):
        antwort = client.get(reverse("berichtswesen:uebersicht"))
    assert len(antwort.context["archiv"]) == 48
    with django_assert_num_queries(api_wenig):
        antwort = client_api.get("/api/v1/berichtsauftraege/?page_size=100")
    assert antwort.json()["count"] == 48


def test_archiv_pruefung_je_themenfeld_in_einer_abfrage(welt, django_assert_num_queries):
    """A Ressortansprechpartner sees only Themenfeld-Berichte of his Themenfeld — checked
    for all jobs of the type at once."""
    from berichtswesen.berichte import berichtsart

    person = UserFactory()
    rollenzuweisung_anlegen(
        benutzer=person, rolle=Rolle.RESSORTANSPRECHPARTNER, organisation=welt.ressort
    )
    person = type(person).objects.get(pk=person.pk)
    parameter = [{"themenfeld": welt.tf1.pk}, {"themenfeld": welt.tf2.pk}, {"themenfeld": "x"}]
    parameter += [{"themenfeld": ThemenfeldFactory(nummer=50 + i).pk} for i in range(10)]
    art = berichtsart("themenfeld")
    art.darf_anfordern_alle(person, parameter[:1])  # loads the user's global permissions
    with django_assert_num_queries(1):
        antworten = art.darf_anfordern_alle(person, parameter)
    assert antworten == [art.darf_anfordern(person, p) for p in parameter]
    assert antworten[:3] == [True, False, False]
