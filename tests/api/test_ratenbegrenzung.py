"""Rate limits of the API (``ozgplattform/api/drosselung.py``): per token, per session
user, per client IP; 429 with Retry-After and a German message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone

from ozgplattform.konto.services import api_token_erstellen
from ozgplattform.testing import factories as f
from ozgplattform.testing.api import api, liste_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def niedrige_raten(settings):
    """A fresh throttle cache and small rates (the real ones are per hour)."""
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/minute", "user": "4/minute", "anon": "2/minute"},
    }
    yield
    cache.clear()


def token(person) -> str:
    _, klartext = api_token_erstellen(
        user=person,
        name="Skript",
        schreibrecht=False,
        gueltig_bis=timezone.now() + dt.timedelta(days=30),
    )
    return klartext


def mit_token(klartext: str):
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {klartext}")
    return client


def pruefe_429(antwort) -> None:
    assert antwort.status_code == 429, antwort.content
    assert 1 <= int(antwort["Retry-After"]) <= 60
    detail = antwort.json()["detail"]
    assert detail.startswith("Zu viele Anfragen. Bitte in ")
    assert f"{antwort['Retry-After']} Sekunden" in detail


def test_je_token(niedrige_raten):
    person = f.UserFactory()
    erstes, zweites = mit_token(token(person)), mit_token(token(person))
    url = liste_url("leistung")
    assert [erstes.get(url).status_code for _ in range(3)] == [200, 200, 200]
    pruefe_429(erstes.get(url))
    # Another token of the same person has its own budget.
    assert zweites.get(url).status_code == 200
    # So does a session of the same person (counted per user) and anonymous readers.
    assert api(person).get(url).status_code == 200
    assert api().get(url).status_code == 200


def test_je_benutzer_in_der_sitzung(niedrige_raten):
    person, andere = f.UserFactory(), f.UserFactory()
    url = liste_url("leistung")
    assert [api(person).get(url).status_code for _ in range(4)] == [200] * 4
    pruefe_429(api(person).get(url))
    assert api(andere).get(url).status_code == 200


def test_anonym_je_ip(niedrige_raten):
    url = liste_url("leistung")
    assert [api().get(url).status_code for _ in range(2)] == [200, 200]
    pruefe_429(api().get(url))
    pruefe_429(api().get(url, HTTP_X_FORWARDED_FOR="10.9.9.9"))  # ignored without proxies
    assert api().get(url, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_anonym_hinter_vertrauenswuerdigem_proxy(niedrige_raten, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    url = liste_url("leistung")
    for _ in range(2):
        assert api().get(url, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 200
    pruefe_429(api().get(url, HTTP_X_FORWARDED_FOR="192.0.2.1"))
    assert api().get(url, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 200


def test_429_auch_bei_schreibanfragen_und_ohne_speichern(niedrige_raten):
    from ozgplattform.models import Organisation

    pm = f.ProgrammmanagementFactory()
    url = liste_url("organisation")
    for _ in range(4):
        assert api(pm).get(url).status_code == 200
    vorher = Organisation.objects.count()
    antwort = api(pm).post(url, {"name": "X", "art": "it_dienstleister"}, format="json")
    pruefe_429(antwort)
    assert Organisation.objects.count() == vorher


def test_voreinstellungen():
    raten = django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert raten == {
        "token": django_settings.API_RATE_TOKEN,
        "user": django_settings.API_RATE_USER,
        "anon": django_settings.API_RATE_ANON,
    }


def test_rate_aus_der_umgebung(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from ozgplattform import settings as einstellungen

    monkeypatch.setenv("API_RATE_TEST", "50/minute")
    assert einstellungen._api_rate("API_RATE_TEST", "1/day") == "50/minute"
    monkeypatch.setenv("API_RATE_TEST", "none")
    assert einstellungen._api_rate("API_RATE_TEST", "1/day") is None
    monkeypatch.setenv("API_RATE_TEST", "viele")
    with pytest.raises(ImproperlyConfigured, match="API_RATE_TEST"):
        einstellungen._api_rate("API_RATE_TEST", "1/day")
