"""Page frame (templates/base.html), navigation context processor, the project form
renderer (KERN markup) and the English catalogue. The browser checks (axe-core,
keyboard, focus) are in tests/browser/."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import include, path

from ozgplattform import context_processors as cp
from ozgplattform.forms import KernBoundField
from ozgplattform.konto.forms import ApiTokenForm
from ozgplattform.testing import factories as f

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"

#: Only the account pages and the language switch: the page frame is tested on its own,
#: independent of which pages of the main navigation exist already.
urlpatterns = [
    path("konto/", include("ozgplattform.konto.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
pytestmark = pytest.mark.urls(__name__)


# --------------------------------------------------------------------------------------
# Navigation: entries whose URL name does not resolve are left out
# --------------------------------------------------------------------------------------


def _anfrage(pfad="/", user=None):
    anfrage = RequestFactory().get(pfad)
    anfrage.user = user or AnonymousUser()
    return anfrage


@pytest.mark.django_db
def test_navigation_zeigt_nur_aufloesbare_eintraege():
    eintraege = (
        cp.Eintrag("Profil", "konto:profil"),
        cp.Eintrag("Gibt es noch nicht", "gibt_es_nicht:liste"),
        cp.Eintrag("Auch nicht", "nirgends"),
    )
    person = f.UserFactory()
    links = cp.links(eintraege, _anfrage("/konto/", person))
    assert links == [cp.Link("Profil", "/konto/", aktiv=True)]


@pytest.mark.django_db
def test_navigation_fuer_anonyme_nur_oeffentliche_eintraege():
    eintraege = (
        cp.Eintrag("Profil", "konto:profil", nur_angemeldet=True),
        cp.Eintrag("Anmelden", "konto:anmelden", nur_angemeldet=False),
    )
    links = cp.links(eintraege, _anfrage("/"))
    assert links == [cp.Link("Anmelden", "/konto/anmelden/", aktiv=False)]


def test_kontext_ohne_seiten_verweist_auf_anmeldung_und_sprachwahl():
    kontext = cp.navigation(_anfrage("/konto/anmelden/"))
    # None of the main pages is routed here: no main navigation, no empty <nav>.
    assert kontext["navigation"] == []
    assert kontext["fussnavigation"] == []
    assert kontext["startseite_url"] == "/konto/anmelden/"
    assert kontext["sprachwahl_url"] == "/i18n/setlang/"


# --------------------------------------------------------------------------------------
# Page frame
# --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seitengeruest_mit_kern(client):
    html = client.get("/konto/anmelden/").content.decode()
    assert "vendor/kern-ux/dist/kern.min.css" in html
    assert "vendor/kern-ux/dist/fonts/fira-sans.css" in html
    assert "css/ozg.css" in html
    assert "django_htmx/htmx-2.min.js" in html
    assert re.search(r'<body hx-headers=\'\{"X-CSRFToken": "[^"]+"\}\'>', html)
    # skip link first, main focusable, live region for messages, language switch by POST
    assert html.index('class="skip-link"') < html.index("<header")
    assert '<main id="inhalt" tabindex="-1"' in html
    assert 'id="meldungen" class="ozg-meldungen" role="status"' in html
    assert re.search(r'<form class="ozg-sprachwahl" method="post" action="/i18n/setlang/">', html)
    assert 'name="language" value="en" lang="en"' in html
    assert "Hauptnavigation" not in html  # no page of the main navigation is routed here


@pytest.mark.django_db
def test_meldungen_als_kern_alert(client):
    client.force_login(f.UserFactory())
    html = client.post("/konto/abmelden/", follow=True).content.decode()
    meldungen = html[html.index('id="meldungen"') : html.index('id="warnungen"')]
    assert "kern-alert kern-alert--success" in meldungen
    assert "Sie sind abgemeldet." in meldungen


@pytest.mark.django_db
def test_englisch_ueber_das_sprach_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/konto/anmelden/").content.decode()
    assert '<html lang="en">' in html
    assert '<a class="skip-link" href="#inhalt">Skip to main content</a>' in html
    assert "<h1>Sign in</h1>" in html
    assert "Open source under the EUPL-1.2." in html
    assert 'name="language" value="de" lang="de"' in html


@pytest.mark.django_db
def test_sprachwahl_setzt_cookie_und_leitet_zurueck(client):
    antwort = client.post("/i18n/setlang/", {"language": "en", "next": "/konto/anmelden/"})
    assert antwort.status_code == 302
    assert antwort.url == "/konto/anmelden/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


# --------------------------------------------------------------------------------------
# Project form renderer
# --------------------------------------------------------------------------------------


def test_formular_mit_fehlern_kern_markup():
    form = ApiTokenForm(data={"name": "", "schreibrecht": "0", "gueltig_tage": "999"})
    assert not form.is_valid()
    assert isinstance(form["name"], KernBoundField)
    html = str(form)

    # error summary on top, linking to the fields, focused on page load
    zusammenfassung = html[: html.index('class="ozg-feld')]
    assert 'class="kern-alert kern-alert--danger ozg-fehleruebersicht" role="alert"' in html
    assert "autofocus" in zusammenfassung
    assert '<a class="kern-link" href="#id_name">Bezeichnung: ' in zusammenfassung
    assert '<a class="kern-link" href="#id_gueltig_tage">Gültigkeit in Tagen: ' in zusammenfassung

    # label, hint, invalid input described by hint and message, message next to it
    assert '<label class="kern-label" for="id_name">Bezeichnung</label>' in html
    assert '<div class="kern-hint" id="id_name_helptext">' in html
    eingabe = re.search(r'<input type="text" name="name"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in eingabe
    assert 'aria-describedby="id_name_helptext id_name_error"' in eingabe
    assert 'class="kern-form-input__input kern-form-input__input--error"' in eingabe
    assert '<p class="kern-error" id="id_name_error">' in html

    # radio buttons: fieldset with legend, KERN radios with their own labels
    assert '<legend class="kern-label">Berechtigung</legend>' in html
    radios = re.findall(r'<input type="radio" name="schreibrecht"[^>]*>', html)
    assert len(radios) == 2
    assert all('class="kern-form-check__radio"' in radio for radio in radios)
    assert '<label class="kern-label" for="id_schreibrecht_1">' in html


def test_ohne_fehler_keine_zusammenfassung_und_kein_autofocus():
    html = str(AuthenticationForm())  # Django sets autofocus on the username
    assert "ozg-fehleruebersicht" not in html
    assert "autofocus" not in html
    assert 'class="kern-form-input__input"' in html


def test_klasse_des_widgets_bleibt_erhalten():
    class Formular(forms.Form):
        feld = forms.CharField(widget=forms.TextInput(attrs={"class": "eigene"}))
        auswahl = forms.ChoiceField(choices=[("a", "A")], required=False)
        haken = forms.BooleanField(required=False)

    html = str(Formular())
    assert 'class="eigene kern-form-input__input"' in html
    assert '<div class="kern-form-input__select-wrapper"><select name="auswahl"' in html
    assert 'class="kern-form-input__select"' in html
    assert 'class="kern-form-check__checkbox"' in html
    assert '<span class="kern-label__optional">– optional</span>' in html


# --------------------------------------------------------------------------------------
# English catalogue: the committed .mo matches the .po (no gettext needed at run time)
# --------------------------------------------------------------------------------------


def _po_eintraege(text: str) -> dict[str, str]:
    def zusammen(teile: str) -> str:
        roh = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', teile))
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), roh)

    eintraege = {}
    for block in text.split("\n\n"):
        msgid = re.search(r"^msgid ((?:\".*\"\n?)+)", block, re.M)
        msgstr = re.search(r"^msgstr ((?:\".*\"\n?)+)", block, re.M)
        if msgid and msgstr and zusammen(msgid.group(1)):
            eintraege[zusammen(msgid.group(1))] = zusammen(msgstr.group(1))
    return eintraege


def test_englischer_katalog_ist_kompiliert_und_vollstaendig():
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in po
    eintraege = _po_eintraege(po)
    with (LOCALE / "django.mo").open("rb") as mo:
        katalog = gettext.GNUTranslations(mo)
    fehlend = [msgid for msgid, msgstr in eintraege.items() if not msgstr]
    assert not fehlend, f"ohne Übersetzung: {fehlend}"
    veraltet = [m for m, s in eintraege.items() if katalog.gettext(m) != s]
    assert not veraltet, f"django.mo veraltet – compilemessages -l en ausführen: {veraltet}"
