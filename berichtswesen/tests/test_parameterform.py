"""Malformed parameters are 400 with German field errors, never a 500 — checked in the
base (``basis.eingabe_pruefen``) for every report type, via the API and the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from berichtswesen.berichte import berichtsart
from berichtswesen.models import Berichtsauftrag
from ozgplattform.choices import Rolle
from ozgplattform.models import ApiToken
from ozgplattform.testing.api import api
from ozgplattform.testing.factories import UserFactory

from .conftest import rolle

pytestmark = pytest.mark.django_db

URL = "/api/v1/berichtsauftraege/"


@pytest.fixture
def pm(welt):
    return rolle(UserFactory(), Rolle.PROGRAMMMANAGEMENT)


def _post(person, art, parameter):
    client = api(person, token=ApiToken(user=person, name="t", schreibrecht=True))
    return client.post(URL, {"art": art, "format": "pdf", "parameter": parameter}, format="json")


@pytest.mark.parametrize(
    ("art", "parameter", "feld", "meldung"),
    [
        ("gesamtfortschritt", {"stichtag": "0001-01-01"}, "stichtag", "18.08.2017"),
        ("gesamtfortschritt", {"stichtag": "2017-08-17"}, "stichtag", "Inkrafttreten des OZG"),
        ("gesamtfortschritt", {"stichtag": ["2020-01-01"]}, "stichtag", "keine Liste"),
        ("gesamtfortschritt", {"trend_seit": "0001-01-01"}, "trend_seit", "18.08.2017"),
        ("gesamtfortschritt", {"trend_seit": "2099-01-01"}, "trend_seit", "Zukunft"),
        ("gesamtfortschritt", {"filter": "x"}, "filter", "müssen ein Objekt sein"),
        ("gesamtfortschritt", {"filter": {"farbe": "rot"}}, "filter", "Unbekannte Parameter"),
        ("gesamtfortschritt", {"filter": {"q": ["a", "b"]}}, "q", "keine Liste"),
        ("gesamtfortschritt", {"filter": {"prioritaet": [{"a": 1}]}}, "prioritaet", "Ungültig"),
        ("gesamtfortschritt", {"themenfeld": {"a": 1}}, "themenfeld", "Ungültiger Wert"),
        ("gesamtfortschritt", [], "parameter", "müssen ein Objekt sein"),
        ("gesamtfortschritt", "heute", "parameter", "müssen ein Objekt sein"),
        ("land", {"land": "20", "stichtag": {"a": 1}}, "stichtag", "Ungültiger Wert"),
        ("land", {"land": "20", "filter": {}}, "parameter", "Erlaubt sind: stichtag, land"),
        ("themenfeld", {"themenfeld": [1, 2]}, "themenfeld", "keine Liste"),
        ("steckbrief", {"leistung": True, "x": 1}, "parameter", "Unbekannte Parameter: x"),
    ],
)
def test_api_400_statt_500(pm, art, parameter, feld, meldung):
    antwort = _post(pm, art, parameter)
    assert antwort.status_code == 400, antwort.content
    fehler = antwort.json()
    assert feld in fehler, fehler
    assert any(meldung in m for m in fehler[feld]), fehler
    assert not Berichtsauftrag.objects.exists()


def test_datumsgrenzen_und_trendbeginn(welt):
    art = berichtsart("gesamtfortschritt")
    assert art.parameter_pruefen({"stichtag": "2017-08-18"}, None)["trend_seit"] == "2017-08-18"
    assert art.parameter_pruefen({"stichtag": "01.02.2018"}, None)["trend_seit"] == "2017-08-18"
    heute = timezone.localdate()
    assert (
        art.parameter_pruefen({}, None)["trend_seit"]
        == (heute - dt.timedelta(days=365)).isoformat()
    )


def test_json_werte_werden_als_text_geprueft(welt):
    """Numbers and booleans are scalars: accepted and validated like the page's text."""
    assert berichtsart("themenfeld").parameter_pruefen({"themenfeld": welt.tf1.pk}, None)[
        "themenfeld"
    ] == (welt.tf1.pk)
    parameter = berichtsart("gesamtfortschritt").parameter_pruefen(
        {"filter": {"verzoegert": True, "prioritaet": ["prio1"]}}, None
    )
    assert parameter["filter"] == {"verzoegert": "True", "prioritaet": ["prio1"]}


@pytest.mark.parametrize(
    ("daten", "meldung"),
    [
        ({"parameter-stichtag": "01.01.0001"}, "18.08.2017"),
        ({"parameter-stichtag": "17.08.2017"}, "Inkrafttreten des OZG"),
        ({"parameter-trend_seit": "01.01.0001"}, "18.08.2017"),
        ({"parameter-stichtag": ["01.01.2020", "02.01.2020"]}, "keine Liste"),
        ({"parameter-farbe": "rot"}, "Unbekannte Parameter: farbe"),
    ],
)
def test_seite_400_statt_500(pm, client, daten, meldung):
    client.force_login(pm)
    antwort = client.post(
        reverse("berichtswesen:anfordern", args=["gesamtfortschritt"]),
        {**daten, "format": "pdf"},
    )
    assert antwort.status_code == 400
    assert meldung in antwort.content.decode()
    assert not Berichtsauftrag.objects.exists()
