"""Konto: login and logout, throttling (django-axes), password reset and change,
deactivation, personal API tokens (scope, expiry, revocation)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from ozgplattform.konto.services import api_token_erstellen, api_token_widerrufen
from ozgplattform.konto.sperre import client_ip
from ozgplattform.models import ApiToken
from ozgplattform.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.urls("ozgplattform.tests.konto_test_urls")]

PASSWORT = f.PASSWORT
ANMELDEN = "/konto/anmelden/"
PROFIL = "/konto/"
ECHO = "/test-api/echo/"
FALSCHE_ANMELDUNG = "Benutzername oder Passwort ist falsch."
GESPERRT = "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in 15 Minuten erneut."
STARKES_PASSWORT = "Ein-sehr-sicheres-Passwort-2026"


@pytest.fixture(autouse=True)
def _axes(settings):
    """Overrides conftest's fixture: login throttling is on, as in production."""
    settings.AXES_ENABLED = True


@pytest.fixture(autouse=True)
def _schnelle_hasher(settings):
    # Many logins per test: MD5 first keeps them fast (PBKDF2 stays for other hashes).
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def _person(**kwargs):
    return f.UserFactory(password=make_password(PASSWORT), **kwargs)


@pytest.fixture
def person():
    return _person(username="erika", email="erika.mustermann@example.org")


def _anmelden(client, username, passwort=PASSWORT, ip="192.0.2.10", **extra):
    return client.post(
        ANMELDEN, {"username": username, "password": passwort}, REMOTE_ADDR=ip, **extra
    )


def _angemeldet(client) -> bool:
    return "_auth_user_id" in client.session


def _token(user, *, schreibrecht=False, tage=30, name="Skript") -> tuple[ApiToken, str]:
    return api_token_erstellen(
        user=user,
        name=name,
        schreibrecht=schreibrecht,
        gueltig_bis=timezone.now() + dt.timedelta(days=tage),
    )


def _api(klartext: str | None = None, schema: str = "Token") -> APIClient:
    api = APIClient()
    if klartext is not None:
        api.credentials(HTTP_AUTHORIZATION=f"{schema} {klartext}")
    return api


# --------------------------------------------------------------------------------------
# Anmelden, Abmelden
# --------------------------------------------------------------------------------------


def test_anmeldeseite_ist_deutsch_und_zugaenglich(client):
    antwort = client.get(ANMELDEN)
    assert antwort.status_code == 200
    html = antwort.content.decode()
    assert '<html lang="de">' in html
    assert '<a class="skip-link" href="#inhalt">Zum Inhalt springen</a>' in html
    assert '<main id="inhalt"' in html
    assert 'role="status"' in html
    assert "<h1>Anmelden</h1>" in html
    assert "Benutzername" in html
    assert "Passwort vergessen?" in html
    assert "Login" not in html


def test_anmeldung_rotiert_den_sitzungsschluessel(client, person):
    sitzung = client.session  # an anonymous session exists before the login
    sitzung["vorher"] = True
    sitzung.save()
    alter_schluessel = client.cookies["sessionid"].value

    antwort = _anmelden(client, "erika")

    assert antwort.status_code == 302
    assert antwort.url == reverse("konto:profil")
    neuer_schluessel = client.cookies["sessionid"].value
    assert neuer_schluessel != alter_schluessel
    assert not SessionStore().exists(alter_schluessel)
    assert client.session["_auth_user_id"] == str(person.pk)
    assert client.get(PROFIL).status_code == 200


def test_falsches_passwort_deutsche_meldung(client, person):
    antwort = _anmelden(client, "erika", "falsches-Passwort-1")
    assert antwort.status_code == 200
    assert FALSCHE_ANMELDUNG in antwort.content.decode()
    assert not _angemeldet(client)


def test_deaktiviertes_konto_kann_sich_nicht_anmelden(client):
    _person(username="inaktiv", is_active=False)
    antwort = _anmelden(client, "inaktiv")
    assert antwort.status_code == 200
    assert FALSCHE_ANMELDUNG in antwort.content.decode()  # same message: nothing revealed
    assert not _angemeldet(client)


def test_abmelden_nur_per_post(client, person):
    client.force_login(person)
    assert client.get("/konto/abmelden/").status_code == 405
    assert _angemeldet(client)

    antwort = client.post("/konto/abmelden/", follow=True)

    assert antwort.redirect_chain[0] == (reverse("konto:anmelden"), 302)
    assert "Sie sind abgemeldet." in antwort.content.decode()
    assert not _angemeldet(client)
    assert client.get(PROFIL).status_code == 302


def test_profil_verlangt_anmeldung(client):
    antwort = client.get(PROFIL)
    assert antwort.status_code == 302
    assert antwort.url == f"{ANMELDEN}?next={PROFIL}"


def test_profil_zeigt_gueltige_rollen(client, person):
    gueltig = f.RollenzuweisungFactory(user=person)
    abgelaufen = f.RollenzuweisungFactory(
        user=person, gueltig_bis=timezone.localdate() - dt.timedelta(days=1)
    )
    client.force_login(person)
    antwort = client.get(PROFIL)
    html = antwort.content.decode()
    assert list(antwort.context["rollen"]) == [gueltig]
    assert str(gueltig.leistung) in html
    assert str(abgelaufen.leistung) not in html
    assert "Leistungsverantwortlicher" in html


# --------------------------------------------------------------------------------------
# Sperre nach Fehlversuchen (django-axes)
# --------------------------------------------------------------------------------------


def test_sechster_versuch_fuer_benutzernamen_gesperrt_auch_von_anderer_ip(client, person):
    andere = _person(username="max")
    for versuch in range(1, 5):
        antwort = _anmelden(client, "erika", f"falsch-{versuch}", ip="192.0.2.1")
        assert antwort.status_code == 200, versuch
    # The fifth failure reaches the limit: already this answer is the lockout page.
    antwort = _anmelden(client, "erika", "falsch-5", ip="192.0.2.1")
    assert antwort.status_code == 429

    # Sixth attempt, from another IP, with the CORRECT password: refused.
    antwort = _anmelden(client, "erika", PASSWORT, ip="198.51.100.7")
    assert antwort.status_code == 429
    html = antwort.content.decode()
    assert GESPERRT in html
    assert '<html lang="de">' in html
    assert not _angemeldet(client)

    # Another person from that second IP is not affected (one failure there so far).
    antwort = _anmelden(client, andere.username, PASSWORT, ip="198.51.100.7")
    assert antwort.status_code == 302
    assert client.session["_auth_user_id"] == str(andere.pk)


def test_sperre_pro_ip_ueber_alle_benutzernamen(client):
    zielperson = _person(username="ziel")
    for nummer in range(5):
        _anmelden(client, f"unbekannt{nummer}", "falsch", ip="203.0.113.5")
    antwort = _anmelden(client, "ziel", PASSWORT, ip="203.0.113.5")
    assert antwort.status_code == 429
    assert not _angemeldet(client)
    # the username itself is not locked: from another IP the login works
    antwort = _anmelden(client, "ziel", PASSWORT, ip="203.0.113.6")
    assert antwort.status_code == 302
    assert client.session["_auth_user_id"] == str(zielperson.pk)


def test_sperre_gilt_auch_fuer_die_admin_anmeldung(client):
    _person(username="verwaltung", is_staff=True)
    for _ in range(5):
        _anmelden(client, "verwaltung", "falsch", ip="192.0.2.1")
    antwort = client.post(
        "/admin/login/",
        {"username": "verwaltung", "password": PASSWORT},
        REMOTE_ADDR="198.51.100.8",
    )
    assert antwort.status_code == 429
    assert not _angemeldet(client)


def _versuche_verschieben(minuten: int) -> None:
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=minuten))


def test_nach_der_abkuehlzeit_ist_die_anmeldung_wieder_moeglich(client, person):
    for _ in range(5):
        _anmelden(client, "erika", "falsch", ip="192.0.2.1")

    _versuche_verschieben(14)  # still within the 15 minutes
    antwort = _anmelden(client, "erika", ip="192.0.2.1")
    assert antwort.status_code == 429
    assert not _angemeldet(client)

    _versuche_verschieben(16)
    antwort = _anmelden(client, "erika", ip="192.0.2.1")
    assert antwort.status_code == 302
    assert _angemeldet(client)


def test_abkuehlzeit_ist_konfigurierbar(client, person, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=2)
    for _ in range(5):
        _anmelden(client, "erika", "falsch", ip="192.0.2.1")
    antwort = _anmelden(client, "erika", ip="192.0.2.1")
    assert "Bitte versuchen Sie es in 2 Minuten erneut." in antwort.content.decode()
    _versuche_verschieben(3)
    assert _anmelden(client, "erika", ip="192.0.2.1").status_code == 302


def test_erfolgreiche_anmeldung_setzt_eigene_fehlversuche_zurueck(client, person):
    for _ in range(4):
        _anmelden(client, "erika", "falsch", ip="192.0.2.1")
    assert _anmelden(client, "erika", ip="192.0.2.2").status_code == 302
    assert not AccessAttempt.objects.filter(username="erika").exists()
    client.post("/konto/abmelden/")
    # four more failures would have locked the account without the reset
    antwort = _anmelden(client, "erika", "falsch", ip="192.0.2.3")
    assert antwort.status_code == 200


def test_eigene_anmeldung_loescht_nicht_die_fehlversuche_gegen_andere(client, person):
    """Guessing another person's password must not be reset by logging in oneself."""
    _person(username="angreifer")
    for _ in range(4):
        _anmelden(client, "erika", "geraten", ip="192.0.2.66")
    assert _anmelden(client, "angreifer", ip="192.0.2.66").status_code == 302
    client.post("/konto/abmelden/")

    antwort = _anmelden(client, "erika", "geraten", ip="198.51.100.66")
    assert antwort.status_code == 429  # 5th failure for "erika" in the window


@pytest.mark.parametrize(
    ("proxies", "weitergeleitet", "erwartet"),
    [
        (0, "203.0.113.9", "192.0.2.50"),  # no proxy: the header is the client's
        (0, "", "192.0.2.50"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # left part forged by the client
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "192.0.2.50"),  # fewer hops than proxies: REMOTE_ADDR
        (1, "kein-ip", "192.0.2.50"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_vertraut_x_forwarded_for_nur_hinter_proxies(
    settings, proxies, weitergeleitet, erwartet
):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": "192.0.2.50"}
    if weitergeleitet:
        meta["HTTP_X_FORWARDED_FOR"] = weitergeleitet
    assert client_ip(RequestFactory().get("/", **meta)) == erwartet


def test_gefaelschtes_x_forwarded_for_umgeht_die_ip_sperre_nicht(client):
    _person(username="ziel")
    for nummer in range(5):
        _anmelden(
            client,
            f"unbekannt{nummer}",
            "falsch",
            ip="192.0.2.77",
            HTTP_X_FORWARDED_FOR=f"10.9.8.{nummer}",
        )
    antwort = _anmelden(client, "ziel", PASSWORT, ip="192.0.2.77", HTTP_X_FORWARDED_FOR="10.9.8.99")
    assert antwort.status_code == 429


# --------------------------------------------------------------------------------------
# Passwort vergessen, Passwort ändern
# --------------------------------------------------------------------------------------


def test_passwort_zuruecksetzen_per_email(client, person):
    antwort = client.post("/konto/passwort-vergessen/", {"email": person.email})
    assert antwort.status_code == 302
    assert antwort.url == reverse("konto:passwort_vergessen_gesendet")

    assert len(mail.outbox) == 1
    nachricht = mail.outbox[0]
    assert nachricht.to == [person.email]
    assert nachricht.subject == "OZG-Plattform: Passwort zurücksetzen"
    assert "Guten Tag" in nachricht.body
    assert "Wenn Sie das nicht angefordert haben" in nachricht.body
    link = re.search(r"http://testserver(/konto/passwort-neu/\S+/)", nachricht.body).group(1)

    antwort = client.get(link, follow=True)
    assert antwort.status_code == 200
    assert antwort.context["validlink"] is True
    formular_url = antwort.redirect_chain[-1][0]

    antwort = client.post(formular_url, {"new_password1": "kurz123", "new_password2": "kurz123"})
    assert antwort.status_code == 200
    assert "Dieses Passwort ist zu kurz. Es muss mindestens 12 Zeichen enthalten." in (
        antwort.content.decode()
    )

    antwort = client.post(
        formular_url, {"new_password1": STARKES_PASSWORT, "new_password2": STARKES_PASSWORT}
    )
    assert antwort.status_code == 302
    assert antwort.url == reverse("konto:passwort_neu_fertig")
    person.refresh_from_db()
    assert person.check_password(STARKES_PASSWORT)

    # the link works only once
    antwort = client.get(link, follow=True)
    assert antwort.context["validlink"] is False
    assert "Dieser Link ist ungültig oder abgelaufen" in antwort.content.decode()


def test_passwort_vergessen_mit_unbekannter_adresse_verraet_nichts(client, person):
    antwort = client.post("/konto/passwort-vergessen/", {"email": "niemand@example.org"})
    assert antwort.status_code == 302
    assert antwort.url == reverse("konto:passwort_vergessen_gesendet")
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("passwort", "meldung"),
    [
        ("kurz123", "Dieses Passwort ist zu kurz. Es muss mindestens 12 Zeichen enthalten."),
        ("password1234", "Dieses Passwort ist zu üblich."),
        ("123456789012", "Dieses Passwort ist komplett numerisch."),
        ("erika.mustermann", "Das Passwort ist zu ähnlich"),
    ],
)
def test_schwaches_passwort_wird_abgelehnt(client, person, passwort, meldung):
    client.force_login(person)
    antwort = client.post(
        "/konto/passwort-aendern/",
        {"old_password": PASSWORT, "new_password1": passwort, "new_password2": passwort},
    )
    assert antwort.status_code == 200
    assert meldung in antwort.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORT)


def test_passwort_aendern_behaelt_die_eigene_sitzung(client, person):
    client.force_login(person)
    andere_sitzung = type(client)()
    andere_sitzung.force_login(person)
    antwort = client.post(
        "/konto/passwort-aendern/",
        {
            "old_password": PASSWORT,
            "new_password1": STARKES_PASSWORT,
            "new_password2": STARKES_PASSWORT,
        },
        follow=True,
    )
    assert antwort.redirect_chain == [(reverse("konto:profil"), 302)]
    assert "Ihr Passwort wurde geändert." in antwort.content.decode()
    person.refresh_from_db()
    assert person.check_password(STARKES_PASSWORT)
    assert client.get(PROFIL).status_code == 200
    assert andere_sitzung.get(PROFIL).status_code == 302  # other sessions end


# --------------------------------------------------------------------------------------
# Deaktivierung
# --------------------------------------------------------------------------------------


def test_deaktivierung_beendet_die_sitzung_sofort(client, person):
    assert _anmelden(client, "erika").status_code == 302
    assert client.get(PROFIL).status_code == 200

    person.is_active = False
    person.save(update_fields=["is_active"])

    antwort = client.get(PROFIL)
    assert antwort.status_code == 302
    assert antwort.url.startswith(ANMELDEN)
    assert client.get(ECHO).json()["user"] is None  # the API sees an anonymous request


def test_deaktivierung_sperrt_das_token_sofort(person):
    _, klartext = _token(person, schreibrecht=True)
    api = _api(klartext)
    assert api.get(ECHO).json()["user"] == "erika"

    person.is_active = False
    person.save(update_fields=["is_active"])

    antwort = api.get(ECHO)
    assert antwort.status_code == 401
    assert antwort.json()["detail"] == "Das Benutzerkonto dieses Tokens ist deaktiviert."
    assert antwort["WWW-Authenticate"] == "Token"
    assert not ApiToken.objects.gueltig().exists()


# --------------------------------------------------------------------------------------
# API-Tokens: erstellen, einmal anzeigen, nur Hash speichern
# --------------------------------------------------------------------------------------


def _token_formular(client, **daten):
    return client.post(
        PROFIL, {"name": "Export-Skript", "schreibrecht": "0", "gueltig_tage": "30", **daten}
    )


def test_token_wird_genau_einmal_angezeigt_und_nur_als_hash_gespeichert(client, person):
    client.force_login(person)
    antwort = _token_formular(client, schreibrecht="1", gueltig_tage="90")

    assert antwort.status_code == 200
    assert "no-store" in antwort["Cache-Control"]
    klartext = antwort.context["klartext"]
    assert len(klartext) >= 40
    html = antwort.content.decode()
    assert f'value="{klartext}"' in html
    assert "Es wird nur dieses eine Mal angezeigt" in html

    token = ApiToken.objects.get(user=person)
    assert token.name == "Export-Skript"
    assert token.schreibrecht is True
    assert token.schluessel_hash == hashlib.sha256(klartext.encode()).hexdigest()
    assert token.praefix == klartext[:8]
    assert dt.timedelta(days=89) < token.gueltig_bis - timezone.now() <= dt.timedelta(days=90)
    # the plaintext is in no column, not in the session, not in a cookie
    for wert in ApiToken.objects.filter(pk=token.pk).values().get().values():
        assert klartext not in str(wert)
    assert klartext not in str(dict(client.session))
    assert all(klartext not in morsel.value for morsel in client.cookies.values())

    # ... and shown never again: a later GET lists only the prefix
    html = client.get(PROFIL).content.decode()
    assert klartext not in html
    assert f"{token.praefix}…" in html
    assert "Export-Skript" in html

    assert _api(klartext).get(ECHO).json() == {"user": "erika", "token": token.pk}


@pytest.mark.parametrize("tage", ["0", "366", "-1", "zehn"])
def test_token_gueltigkeit_1_bis_365_tage(client, person, tage):
    client.force_login(person)
    antwort = _token_formular(client, gueltig_tage=tage)
    assert antwort.status_code == 200
    assert antwort.context["form"].errors["gueltig_tage"]
    assert antwort.context["klartext"] is None
    assert not ApiToken.objects.exists()


def test_token_fuer_365_tage_ist_erlaubt(client, person):
    client.force_login(person)
    _token_formular(client, gueltig_tage="365")
    assert ApiToken.objects.filter(user=person).count() == 1


def test_modell_erlaubt_hoechstens_ein_jahr(person):
    with pytest.raises(ValidationError) as fehler:
        _token(person, tage=366)
    assert "höchstens ein Jahr" in str(fehler.value)
    with pytest.raises(ValidationError):
        _token(person, tage=0)
    assert not ApiToken.objects.exists()


def test_erstellen_und_widerrufen_werden_protokolliert(person, caplog):
    with caplog.at_level(logging.INFO, logger="ozgplattform.sicherheit"):
        token, klartext = _token(person)
        api_token_widerrufen(token=token, user=person)
    meldungen = [r.getMessage() for r in caplog.records if r.name == "ozgplattform.sicherheit"]
    assert len(meldungen) == 2
    assert "erstellt" in meldungen[0] and token.praefix in meldungen[0]
    assert "widerrufen" in meldungen[1] and "erika" in meldungen[1]
    assert all(klartext not in m for m in meldungen)


# --------------------------------------------------------------------------------------
# API-Tokens: Berechtigung, Ablauf, Widerruf
# --------------------------------------------------------------------------------------


def test_lesetoken_darf_lesen_aber_nicht_schreiben(person):
    _, klartext = _token(person, schreibrecht=False)
    api = _api(klartext)
    antwort = api.get(ECHO)
    assert antwort.status_code == 200
    assert antwort.json()["user"] == "erika"
    assert api.head(ECHO).status_code == 200
    for methode in (api.post, api.patch, api.delete):
        antwort = methode(ECHO, {"x": 1}, format="json")
        assert antwort.status_code == 403, methode
        assert antwort.json()["detail"] == "Dieses Token erlaubt nur lesenden Zugriff."


def test_schreibtoken_besteht_die_pruefung_des_umfangs(person):
    _, klartext = _token(person, schreibrecht=True)
    api = _api(klartext)
    antwort = api.post(ECHO, {"x": 1}, format="json")
    assert antwort.status_code == 201
    assert antwort.json()["user"] == "erika"
    assert api.patch(ECHO, {"x": 2}, format="json").status_code == 200


def test_sitzung_ist_vom_token_umfang_nicht_betroffen(person):
    api = APIClient()
    api.force_login(person)
    antwort = api.post(ECHO, {"x": 1}, format="json")
    assert antwort.status_code == 201
    assert antwort.json() == {"user": "erika", "token": None}


def test_bearer_wird_ebenfalls_akzeptiert(person):
    _, klartext = _token(person)
    assert _api(klartext, schema="Bearer").get(ECHO).json()["user"] == "erika"


def test_abgelaufenes_token_401(person):
    token, klartext = _token(person)
    ApiToken.objects.filter(pk=token.pk).update(gueltig_bis=timezone.now() - dt.timedelta(1))
    antwort = _api(klartext).get(ECHO)
    assert antwort.status_code == 401
    assert antwort.json()["detail"] == "Dieses Token ist abgelaufen."
    assert not ApiToken.objects.gueltig().exists()


@pytest.mark.parametrize(
    ("header", "meldung"),
    [
        ("Token falsch-geraten-1234567890", "Ungültiges Token."),
        ("Token", "Ungültiger Authorization-Header: Das Token fehlt."),
        (
            "Token a b",
            "Ungültiger Authorization-Header: Das Token darf keine Leerzeichen enthalten.",
        ),
        ("Bearer " + "x" * 500, "Ungültiges Token."),
    ],
)
def test_ungueltiges_token_401(person, header, meldung):
    _token(person)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header)
    antwort = api.get(ECHO)
    assert antwort.status_code == 401
    assert antwort.json()["detail"] == meldung


def test_widerrufenes_token_401(client, person):
    token, klartext = _token(person, schreibrecht=True)
    assert _api(klartext).get(ECHO).status_code == 200
    client.force_login(person)

    antwort = client.post(f"/konto/tokens/{token.pk}/widerrufen/", follow=True)

    assert antwort.redirect_chain == [(reverse("konto:profil"), 302)]
    assert "Das API-Token „Skript“ wurde widerrufen." in antwort.content.decode()
    token.refresh_from_db()
    assert token.widerrufen_am is not None
    antwort = _api(klartext).get(ECHO)
    assert antwort.status_code == 401
    assert antwort.json()["detail"] == "Dieses Token wurde widerrufen."


def test_fremdes_token_kann_nicht_widerrufen_werden(client, person):
    token, klartext = _token(person)
    andere = _person(username="max")
    client.force_login(andere)

    assert client.get(f"/konto/tokens/{token.pk}/widerrufen/").status_code == 405
    assert client.post(f"/konto/tokens/{token.pk}/widerrufen/").status_code == 404
    with pytest.raises(PermissionDenied):
        api_token_widerrufen(token=token, user=andere)

    token.refresh_from_db()
    assert token.widerrufen_am is None
    assert _api(klartext).get(ECHO).status_code == 200
    antwort = client.get(PROFIL)  # not even listed
    assert list(antwort.context["tokens"]) == []
    assert token.praefix not in antwort.content.decode()


def test_programmmanagement_widerruft_im_admin(client, person):
    token, klartext = _token(person)
    admin = f.SuperuserFactory()
    client.force_login(admin)
    url = reverse("admin:ozgplattform_apitoken_changelist")

    html = client.get(url).content.decode()
    assert token.praefix in html
    assert token.schluessel_hash not in html
    aenderung = client.get(reverse("admin:ozgplattform_apitoken_change", args=[token.pk]))
    assert token.schluessel_hash not in aenderung.content.decode()
    assert client.get(reverse("admin:ozgplattform_apitoken_add")).status_code == 403

    antwort = client.post(
        url, {"action": "widerrufen", "_selected_action": [token.pk]}, follow=True
    )

    assert "1 API-Token(s) widerrufen." in antwort.content.decode()
    token.refresh_from_db()
    assert token.widerrufen_am is not None
    assert _api(klartext).get(ECHO).status_code == 401


def test_zuletzt_benutzt_hoechstens_einmal_pro_minute(person):
    token, klartext = _token(person)
    assert token.zuletzt_benutzt is None
    api = _api(klartext)

    api.get(ECHO)
    token.refresh_from_db()
    erste_nutzung = token.zuletzt_benutzt
    assert erste_nutzung is not None
    assert timezone.now() - erste_nutzung < dt.timedelta(seconds=30)

    api.get(ECHO)
    token.refresh_from_db()
    assert token.zuletzt_benutzt == erste_nutzung

    vor_zwei_minuten = timezone.now() - dt.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(zuletzt_benutzt=vor_zwei_minuten)
    api.get(ECHO)
    token.refresh_from_db()
    assert token.zuletzt_benutzt > vor_zwei_minuten + dt.timedelta(minutes=1)


def test_gueltig_queryset(person):
    gueltig, _ = _token(person, name="gültig")
    abgelaufen, _ = _token(person, name="abgelaufen")
    ApiToken.objects.filter(pk=abgelaufen.pk).update(gueltig_bis=timezone.now())
    widerrufen, _ = _token(person, name="widerrufen")
    api_token_widerrufen(token=widerrufen, user=person)
    inaktiv = _person(username="inaktiv")
    _token(inaktiv, name="inaktiv")
    type(inaktiv).objects.filter(pk=inaktiv.pk).update(is_active=False)

    assert list(ApiToken.objects.gueltig()) == [gueltig]
