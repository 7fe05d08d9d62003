"""The report pages in English (language cookie, like the switch in the page header).

Report titles, descriptions, progress steps and failure messages are stored and
rendered in German (PDFs, API, database); the pages translate them for display only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from berichtswesen import services, tasks
from berichtswesen.models import Berichtsauftrag, Status
from ozgplattform.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return UserFactory()


@pytest.fixture
def englisch(client, person):
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_berichte_uebersicht_auf_englisch(englisch):
    html = englisch.get(reverse("berichtswesen:uebersicht")).content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Reports</h1>" in html
    assert "<h2>Request a report</h2>" in html
    assert '<h2 id="meine-berichte">My reports</h2>' in html
    assert '<h2 id="berichtsarchiv">Report archive</h2>' in html
    assert "You have not requested any reports yet." in html
    # The registered report types, translated for display.
    assert "Overall progress of the programme</a> – Maturity levels, share at Level 3" in html
    assert "Subject area report</a>" in html
    assert "Gesamtfortschritt des Programms" not in html


def test_berichte_uebersicht_ohne_cookie_deutsch(client, person):
    client.force_login(person)
    html = client.get(reverse("berichtswesen:uebersicht")).content.decode()
    assert '<html lang="de">' in html
    assert "<h1>Berichte</h1>" in html
    assert "Gesamtfortschritt des Programms</a> – Reifegrade" in html


def test_anfordern_auf_englisch_mit_feldfehler(englisch):
    url = reverse("berichtswesen:anfordern", args=["gesamtfortschritt"])
    html = englisch.get(url).content.decode()
    assert "<h1>Request: Overall progress of the programme</h1>" in html
    assert "Reference date" in html and "Trend since" in html
    assert "Date of the data in the report; leave empty for today." in html

    heute = timezone.localdate()
    antwort = englisch.post(
        url,
        {
            "parameter-stichtag": (heute - dt.timedelta(days=10)).isoformat(),
            "parameter-trend_seit": (heute - dt.timedelta(days=5)).isoformat(),
            "format": "pdf",
        },
    )
    assert antwort.status_code == 400
    assert "The start of the trend is after the reference date." in antwort.content.decode()
    assert not Berichtsauftrag.objects.exists()


def test_berichtsdienst_nicht_erreichbar_auf_englisch(englisch, monkeypatch):
    def weg(**kwargs):
        raise services.BerichtsdienstNichtErreichbar()

    monkeypatch.setattr(services, "bericht_anfordern", weg)
    antwort = englisch.post(
        reverse("berichtswesen:anfordern", args=["gesamtfortschritt"]), {"format": "csv"}
    )
    assert antwort.status_code == 503
    assert "The report service is currently unavailable." in antwort.content.decode()


def test_jobseite_uebersetzt_gespeicherten_schritt_und_fehler(englisch, person):
    wartet = Berichtsauftrag.objects.create(
        art="gesamtfortschritt",
        format="csv",
        parameter={},
        angefordert_von=person,
        status=Status.WARTET,
        schritt="Wartet auf den Berichtsdienst",
    )
    html = englisch.get(reverse("berichtswesen:auftrag", args=[wartet.pk])).content.decode()
    assert "<h1>Overall progress of the programme</h1>" in html
    assert "The report is waiting for the report service." in html
    assert "0 % – Waiting for the report service" in html
    assert '<span class="kern-label">waiting</span>' in html

    fehlgeschlagen = Berichtsauftrag.objects.create(
        art="gesamtfortschritt",
        format="csv",
        parameter={},
        angefordert_von=person,
        status=Status.FEHLGESCHLAGEN,
        fehlermeldung=tasks.FEHLER_ZEITLIMIT,
    )
    html = englisch.get(reverse("berichtswesen:auftrag", args=[fehlgeschlagen.pk])).content.decode()
    assert "The report exceeded the time limit and was cancelled." in html
    assert '<span class="kern-label">failed</span>' in html

    # A message without a translation (e.g. from a report type) is shown as stored, escaped.
    Berichtsauftrag.objects.filter(pk=fehlgeschlagen.pk).update(fehlermeldung="Kaputt <b>x</b>")
    html = englisch.get(reverse("berichtswesen:auftrag", args=[fehlgeschlagen.pk])).content.decode()
    assert "Kaputt &lt;b&gt;x&lt;/b&gt;" in html
