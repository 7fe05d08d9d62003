"""At most BERICHT_MAX_OFFEN_JE_BENUTZER open (waiting/running) jobs per user."""

from __future__ import annotations

import pytest
from django.urls import reverse

from berichtswesen import services
from berichtswesen.models import Berichtsauftrag, Status
from ozgplattform.models import ApiToken
from ozgplattform.testing.api import api
from ozgplattform.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(settings):
    settings.BERICHT_MAX_OFFEN_JE_BENUTZER = 2
    return UserFactory()


def _anfordern(person):
    return services.bericht_anfordern(
        art="test_schnell", format="csv", parameter={"bereich": "offen"}, user=person
    )


def _offen(person, status):
    return Berichtsauftrag.objects.create(
        art="test_schnell", format="csv", parameter={}, angefordert_von=person, status=status
    )


def test_service_zaehlt_nur_offene_eigene_auftraege(testarten, person):
    for status in (Status.FERTIG, Status.FEHLGESCHLAGEN, Status.ABGELAUFEN):
        _offen(person, status)
    _offen(UserFactory(), Status.WARTET)
    Berichtsauftrag.objects.create(art="test_schnell", format="csv", status=Status.WARTET)
    erster = _anfordern(person)  # on_commit does not run in the test: stays "wartet"
    assert erster.status == Status.WARTET
    _anfordern(person)
    with pytest.raises(services.ZuVieleOffeneAuftraege) as fehler:
        _anfordern(person)
    assert "bereits 2 Berichte in Arbeit" in fehler.value.message
    assert Berichtsauftrag.objects.filter(angefordert_von=person, status=Status.WARTET).count() == 2
    # A finished job frees a place.
    Berichtsauftrag.objects.filter(pk=erster.pk).update(status=Status.FERTIG)
    _anfordern(person)


def test_api_429_mit_retry_after(testarten, person):
    _offen(person, Status.WARTET)
    _offen(person, Status.LAEUFT)
    client = api(person, token=ApiToken(user=person, name="t", schreibrecht=True))
    antwort = client.post(
        "/api/v1/berichtsauftraege/",
        {"art": "test_schnell", "format": "csv", "parameter": {"bereich": "offen"}},
        format="json",
    )
    assert antwort.status_code == 429
    assert antwort["Retry-After"] == str(services.RETRY_AFTER)
    assert "bereits 2 Berichte in Arbeit" in antwort.json()["detail"]
    assert Berichtsauftrag.objects.count() == 2


def test_seite_zeigt_meldung(testarten, person, client):
    _offen(person, Status.WARTET)
    _offen(person, Status.LAEUFT)
    client.force_login(person)
    antwort = client.post(
        reverse("berichtswesen:anfordern", args=["test_schnell"]),
        {"parameter-bereich": "offen", "format": "csv"},
    )
    assert antwort.status_code == 429
    assert "bereits 2 Berichte in Arbeit" in antwort.content.decode()
    assert Berichtsauftrag.objects.count() == 2
