"""Public pages: Start (Gesamtfortschritt), Kontakte, Barrierefreiheit, Impressum,
Datenschutz. Numbers are checked against factory-built data; charts against their data
tables; query counts against a budget that does not grow with the data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leistungen.choices import Ergebnistyp
from ozgplattform.testing import factories as f
from ozgplattform.testing.html import (
    balken,
    svgs,
    tabelle,
    tabelle_als_dict,
    text,
    ueberschriften_in_ordnung,
)

pytestmark = pytest.mark.django_db

HEUTE = timezone.localdate()


@pytest.fixture
def programm():
    """Two Länder, three catalogue Leistungen and one Leistung no longer in the catalogue.

    - L1 (Labor): Stufe 3 in Land A since 2020-06-30 → online in A, landesweit
    - L2 (Werkbank): Stufe 1 in Land A, Stufe 4 in a Kreis of Land B → online in B, kreisweit
    - L3: nothing reported
    - alt: Stufe 4 in Land B, but not in the catalogue → never counted
    """
    # Explicit ARS: the page orders Länder by ARS (factory sequences differ per xdist process).
    land_a = f.LandFactory(name="Hansestadt Teststadt", ars="02")
    land_b = f.LandFactory(name="Freistaat Beispiel", ars="09")
    kreis_b = f.KreisFactory(parent=land_b)
    tf = f.ThemenfeldFactory(name="Familie & Kind")
    l1 = f.LeistungFactory(themenfeld=tf, labor=True, name="Elterngeld")
    l2 = f.LeistungFactory(themenfeld=tf, werkbank=True, name="Kindergeld")
    l3 = f.LeistungFactory(themenfeld=tf, name="Unterhaltsvorschuss")
    alt = f.LeistungFactory(themenfeld=tf, im_katalog=False, name="Abgeschaffte Leistung")
    f.UmsetzungsstandFactory(leistung=l1, gebiet=land_a, reifegrad=3, stichtag=dt.date(2020, 6, 30))
    f.UmsetzungsstandFactory(leistung=l2, gebiet=land_a, reifegrad=1)
    f.UmsetzungsstandFactory(leistung=l2, gebiet=kreis_b, reifegrad=4)
    f.UmsetzungsstandFactory(leistung=alt, gebiet=land_b, reifegrad=4)
    f.ErgebnisFactory(leistung=l1, ergebnistyp=Ergebnistyp.FIM_STAMMINFORMATIONEN, geliefert=True)
    f.MeilensteinFactory(themenfeld=tf, name="Konzept fertig", geplant=dt.date(2021, 3, 31))
    f.MeilensteinFactory(
        themenfeld=tf,
        name="Planung fertig",
        geplant=dt.date(2021, 3, 31),
        erreicht=dt.date(2021, 3, 1),
    )
    return {"land_a": land_a, "land_b": land_b, "tf": tf, "leistungen": [l1, l2, l3]}


def _seite(client, url: str = "/", **params) -> str:
    antwort = client.get(url, params)
    assert antwort.status_code == 200
    return antwort.content.decode()


# --------------------------------------------------------------------------------------
# Start / Gesamtfortschritt
# --------------------------------------------------------------------------------------


def test_start_ist_die_startseite():
    assert reverse("start") == "/"


def test_start_zeigt_kennzahlen(client, programm):
    seite = _seite(client)
    kennzahlen = text(seite[seite.index('id="kennzahlen-titel"') : seite.index("</dl>")])
    assert "OZG-Leistungen im Umsetzungskatalog 3" in kennzahlen
    assert "davon online verfügbar (ab Stufe 3) 2 66,7 %" in kennzahlen
    assert "verzögerte Steuerungsindikatoren 1 von 2 Steuerungsindikatoren" in kennzahlen
    assert "Abgeschaffte Leistung" not in seite


def test_start_reifegrad_bundesweit(client, programm):
    zeilen = tabelle_als_dict(_seite(client), "tabelle-reifegrad")
    assert zeilen == {
        "Stufe 0 – Offline": ["0"],
        "Stufe 1 – Informationen": ["0"],
        "Stufe 2 – Formular-Assistent": ["0"],
        "Stufe 3 – Online-Leistung": ["1"],
        "Stufe 4 – Online-Transaktion": ["1"],
        "nicht gemeldet": ["1"],
    }


def test_start_online_je_land(client, programm):
    seite = _seite(client)
    assert tabelle(seite, "tabelle-laender")[0] == ["Land", "Anzahl online", "Anteil"]
    assert tabelle_als_dict(seite, "tabelle-laender") == {
        "Hansestadt Teststadt": ["1", "33,3 %"],
        "Freistaat Beispiel": ["1", "33,3 %"],
    }


def test_start_flaechendeckung(client, programm):
    zeilen = tabelle_als_dict(_seite(client), "tabelle-flaeche")
    assert zeilen == {
        "bundesweit flächendeckend": ["0"],
        "landesweit flächendeckend": ["1"],
        "kreisweit flächendeckend": ["1"],
        "in mindestens einer Kommune": ["0"],
        "nicht verfügbar": ["1"],
    }


def test_start_ergebnistypen(client, programm):
    zeilen = tabelle_als_dict(_seite(client), "tabelle-ergebnisse")
    # L1 (Labor) and L2 (Prio 3) need FIM, OZG-Referenz, Klick-Prototyp,
    # Referenzimplementierung and Nachnutzungskonzept; L3 is not prioritised.
    assert zeilen["FIM-Stamminformationen"] == ["1", "2", "50 %"]
    assert zeilen["Klick-Prototyp"] == ["0", "2", "0 %"]
    assert zeilen["Antragsprozess"] == ["0", "0", "–"]


def test_start_verzoegerte_steuerungsindikatoren_mit_link(client, programm):
    seite = _seite(client)
    assert "1 von 2 Steuerungsindikatoren ist gegenüber der Feinplanung verzögert." in text(seite)
    assert tabelle_als_dict(seite, "tabelle-verzoegert") == {"Familie & Kind": ["1"]}
    url = reverse("themenfelder:detail", kwargs={"nummer": programm["tf"].nummer})
    assert f'href="{url}#meilensteine-titel">Familie &amp; Kind</a>' in seite


def test_start_diagramme_mit_titel_beschreibung_und_gleichen_zahlen(client, programm):
    seite = _seite(client)
    diagramme = svgs(seite)
    assert len(diagramme) == 5
    for svg in diagramme:
        assert re.search(r'role="img"', svg)
        assert re.search(r"<title id=\"diagramm-\d+-titel\">[^<]+</title>", svg)
        assert re.search(r"<desc id=\"diagramm-\d+-text\">[^<]+</desc>", svg)
    reifegrad, laender, _, flaeche, ergebnisse = (balken(svg) for svg in diagramme)
    assert reifegrad == {k: v[0] for k, v in tabelle_als_dict(seite, "tabelle-reifegrad").items()}
    assert laender == {k: v[1] for k, v in tabelle_als_dict(seite, "tabelle-laender").items()}
    assert flaeche == {k: v[0] for k, v in tabelle_als_dict(seite, "tabelle-flaeche").items()}
    tabelle_ergebnisse = tabelle_als_dict(seite, "tabelle-ergebnisse")
    for label, wert in ergebnisse.items():
        erwartet = tabelle_ergebnisse[label][2]
        assert wert == ("0 %" if erwartet == "–" else erwartet)
    # The text alternative names every value, too.
    assert "Hansestadt Teststadt: 33,3" in text(diagramme[1])


def test_start_reifegrad_je_land_gestapelt(client, programm):
    seite = _seite(client)
    kopf, *zeilen = tabelle(seite, "tabelle-reifegrad-laender")
    assert kopf == [
        "Land",
        "Stufe 0",
        "Stufe 1",
        "Stufe 2",
        "Stufe 3",
        "Stufe 4",
        "nicht gemeldet",
    ]
    # Land A: L1 Stufe 3, L2 Stufe 1, L3 nothing; Land B: L2 Stufe 4 (Kreis), rest nothing.
    assert zeilen == [
        ["Hansestadt Teststadt", "0", "1", "0", "1", "0", "1"],
        ["Freistaat Beispiel", "0", "0", "0", "0", "1", "2"],
    ]
    gestapelt = svgs(seite)[2]
    segmente = re.findall(r"<rect[^>]*><title>(.*?)</title></rect>", gestapelt)
    assert sorted(text(t) for t in segmente) == sorted(
        f"{land}: {kopf[i]} – {wert}"
        for land, *werte in zeilen
        for i, wert in enumerate(werte, start=1)
        if wert != "0"
    )
    assert "Hansestadt Teststadt: Stufe 0 0, Stufe 1 1" in text(gestapelt)


def test_start_mit_stichtag(client, programm):
    seite = _seite(client, stichtag="2021-01-01")
    assert "Stand der gemeldeten Umsetzung am 01.01.2021" in text(seite)
    zeilen = tabelle_als_dict(seite, "tabelle-reifegrad")
    assert zeilen["Stufe 3 – Online-Leistung"] == ["1"]  # L1, reported 2020-06-30
    assert zeilen["Stufe 4 – Online-Transaktion"] == ["0"]  # L2, reported today
    assert zeilen["nicht gemeldet"] == ["2"]
    assert 'value="2021-01-01"' in seite


@pytest.mark.parametrize(
    ("wert", "meldung"),
    [
        ("kaputt", "Bitte geben Sie ein gültiges Datum an"),
        ("2021-02-30", "Bitte geben Sie ein gültiges Datum an"),
        ("2999-01-01", "Der Stichtag darf nicht in der Zukunft liegen."),
    ],
)
def test_start_ungueltiger_stichtag_zeigt_fehler(client, programm, wert, meldung):
    antwort = client.get("/", {"stichtag": wert})
    assert antwort.status_code == 200
    seite = antwort.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben." in seite
    assert meldung in seite
    assert 'aria-invalid="true"' in seite
    # The figures of today are still shown.
    assert tabelle_als_dict(seite, "tabelle-reifegrad")["nicht gemeldet"] == ["1"]


def test_start_ohne_daten(client):
    seite = _seite(client)
    assert "Es sind noch keine Länder erfasst." in seite
    assert tabelle_als_dict(seite, "tabelle-reifegrad")["nicht gemeldet"] == ["0"]


def _programm_mit(anzahl: int) -> None:
    laender = [f.LandFactory() for _ in range(3)]
    themenfelder = [f.ThemenfeldFactory() for _ in range(3)]
    for i in range(anzahl):
        tf = themenfelder[i % 3]
        leistung = f.LeistungFactory(themenfeld=tf, labor=True)
        f.UmsetzungsstandFactory(leistung=leistung, gebiet=laender[i % 3], reifegrad=i % 5)
        f.ErgebnisFactory(leistung=leistung, geliefert=True)
        f.MeilensteinFactory(leistung=leistung)


def _anzahl_abfragen(client, url: str) -> int:
    with CaptureQueriesContext(connection) as abfragen:
        assert client.get(url).status_code == 200
    return len(abfragen.captured_queries)


@pytest.mark.parametrize("angemeldet", [False, True])
def test_start_abfragen_unabhaengig_von_der_datenmenge(client, angemeldet):
    if angemeldet:
        client.force_login(f.UserFactory())
    _programm_mit(3)
    wenige = _anzahl_abfragen(client, "/")
    _programm_mit(12)
    viele = _anzahl_abfragen(client, "/")
    assert wenige == viele
    # Länder, Leistungen, Stände, Ergebnisse, Meilensteine (2), Themenfelder, the
    # snapshots of the trend; logged in: session, user and the permission check of restrict.
    assert viele <= (13 if angemeldet else 8)


def _entwicklung(client, url: str = "/"):
    html = client.get(url).content.decode()
    teil = html.split('id="entwicklung-titel"', 1)[1].split("</section>", 1)[0]
    return teil


def test_start_entwicklung_aus_kennzahlenstaenden(client, programm):
    """The trend of the last twelve months comes from the daily snapshots, chart and data
    table with the same numbers; older snapshots and other levels are not shown."""
    from berichtswesen.kennzahlen import kennzahlen_festhalten
    from berichtswesen.models import Ebene, Kennzahlenstand

    assert "noch keine Kennzahlenstände" in _entwicklung(client)

    kennzahlen_festhalten(HEUTE)
    heute = Kennzahlenstand.objects.get(ebene=Ebene.GESAMT, stichtag=HEUTE)
    vor_monat = HEUTE - dt.timedelta(days=30)
    werte = {
        feld.name: getattr(heute, feld.name)
        for feld in Kennzahlenstand._meta.concrete_fields
        if feld.name not in ("id", "erstellt", "geaendert")
    }
    Kennzahlenstand.objects.create(**{**werte, "stichtag": vor_monat, "online": 0})
    alt = HEUTE - dt.timedelta(days=400)
    Kennzahlenstand.objects.create(**{**werte, "stichtag": alt, "online": 3})

    teil = _entwicklung(client)
    zeilen = tabelle(teil, "tabelle-entwicklung")[1:]
    assert [z[1:] for z in zeilen] == [["0", "3", "0 %"], ["2", "3", "66,7 %"]]
    assert list(balken(teil).values()) == ["0 %", "66,7 %"]
    assert "Je Monat" not in teil  # two days: daily rows

    # A Stichtag in the past shows the trend up to that day.
    frueher = _entwicklung(client, f"/?stichtag={vor_monat:%Y-%m-%d}")
    assert len(tabelle(frueher, "tabelle-entwicklung")[1:]) == 1


# --------------------------------------------------------------------------------------
# Kontakte
# --------------------------------------------------------------------------------------


@pytest.fixture
def kontakte(programm):
    gestern = HEUTE - dt.timedelta(days=1)

    def person(vorname, nachname, **kwargs):
        return f.UserFactory(first_name=vorname, last_name=nachname, **kwargs)

    f.RollenzuweisungFactory(
        federfuehrer=True,
        themenfeld=programm["tf"],
        user=person("Frida", "Federführerin", email="frida@land.example"),
        funktion="Referat DV 1",
        kontakt_veroeffentlichen=True,
    )
    f.RollenzuweisungFactory(
        ozg_koordinator=True,
        organisation=programm["land_a"],
        user=person("Kurt", "Koordinator"),
        kontakt_veroeffentlichen=True,
    )
    f.RollenzuweisungFactory(
        leistung=programm["leistungen"][0],
        user=person("Lena", "Leistung"),
        kontakt_veroeffentlichen=True,
    )
    # Not on the page: unpublished, expired, inactive person, role not listed.
    f.RollenzuweisungFactory(
        leistung=programm["leistungen"][1], user=person("Uwe", "Unveröffentlicht")
    )
    f.RollenzuweisungFactory(
        leistung=programm["leistungen"][1],
        user=person("Erna", "Abgelaufen"),
        kontakt_veroeffentlichen=True,
        gueltig_bis=gestern,
    )
    f.RollenzuweisungFactory(
        leistung=programm["leistungen"][2],
        user=person("Ines", "Inaktiv", is_active=False),
        kontakt_veroeffentlichen=True,
    )
    f.RollenzuweisungFactory(
        programmmanagement=True,
        user=person("Paula", "Programm"),
        kontakt_veroeffentlichen=True,
    )


VERBORGEN = ("Unveröffentlicht", "Abgelaufen", "Inaktiv", "Paula Programm")


@pytest.mark.parametrize("leser", ["anonym", "programmmanagement"])
def test_kontakte_zeigt_nur_veroeffentlichte(client, kontakte, programm, leser):
    if leser == "programmmanagement":
        client.force_login(f.ProgrammmanagementFactory())
    seite = _seite(client, reverse("kontakte"))
    ff = tabelle(seite, "tabelle-federfuehrer")
    assert ff[0] == ["Name", "Zuständig für", "Funktion / Dienststelle", "E-Mail"]
    assert ff[1] == [
        "Frida Federführerin",
        f"Themenfeld {programm['tf'].nummer}: Familie & Kind",
        "Referat DV 1",
        "frida@land.example",
    ]
    assert 'href="mailto:frida@land.example"' in seite
    koordinatoren = tabelle_als_dict(seite, "tabelle-ozg_koordinator")
    assert koordinatoren["Kurt Koordinator"][0] == "Hansestadt Teststadt"
    lv = tabelle_als_dict(seite, "tabelle-leistungsverantwortlicher")
    l1 = programm["leistungen"][0]
    assert lv == {"Lena Leistung": [f"{l1.ozg_id} Elterngeld", "–", lv["Lena Leistung"][2]]}
    for name in VERBORGEN:
        assert name not in seite


def test_kontakte_ohne_veroeffentlichte(client):
    seite = _seite(client, reverse("kontakte"))
    assert seite.count("Derzeit sind hier keine Kontakte veröffentlicht.") == 3


def test_kontakte_eine_abfrage(client, kontakte):
    assert _anzahl_abfragen(client, reverse("kontakte")) == 1


# --------------------------------------------------------------------------------------
# Barrierefreiheit, Impressum, Datenschutz
# --------------------------------------------------------------------------------------


def test_barrierefreiheit_nach_bitv(client, settings):
    settings.OZG_KONTAKT_EMAIL = "a11y@behoerde.example"
    settings.OZG_BARRIEREFREIHEIT_STAND = "2026-11-02"
    settings.OZG_BETREIBER_NAME = "Bundesamt für Beispiele"
    seite = text(_seite(client, reverse("barrierefreiheit")))
    for abschnitt in (
        "Stand der Vereinbarkeit mit den Anforderungen",
        "Nicht barrierefreie Inhalte",
        "Erstellung dieser Erklärung zur Barrierefreiheit",
        "Kontakt zu den Feedback-Ansprechpartnern",
        "Schlichtungsverfahren",
    ):
        assert abschnitt in seite
    assert "teilweise mit den Anforderungen der BITV 2.0 vereinbar" in seite
    assert "Datentabelle" in seite
    assert "Diese Erklärung wurde am 2. November 2026 erstellt." in seite
    assert "a11y@behoerde.example" in seite
    assert "Schlichtungsstelle nach § 16 BGG" in seite
    assert "Mauerstraße 53" in seite
    assert "www.schlichtungsstelle-bgg.de" in seite
    assert "Bundesamt für Beispiele" in seite


def test_barrierefreiheit_standard_kontakt(client):
    seite = _seite(client, reverse("barrierefreiheit"))
    assert 'href="mailto:barrierefreiheit@example.org"' in seite


def test_impressum_mit_betreiberangaben(client, settings):
    settings.OZG_BETREIBER_NAME = "Bundesamt für Beispiele"
    settings.OZG_BETREIBER_ANSCHRIFT = "Beispielweg 7\n53111 Bonn"
    settings.OZG_BETREIBER_VERTRETEN_DURCH = "Dr. Beate Beispiel, Präsidentin"
    settings.OZG_BETREIBER_EMAIL = "poststelle@amt.example"
    settings.OZG_BETREIBER_TELEFON = "0228 123-0"
    settings.OZG_QUELLCODE_URL = "https://gitlab.opencode.de/beispiel/ozg-plattform"
    seite = _seite(client, reverse("impressum"))
    assert "Bundesamt für Beispiele" in seite
    assert "Beispielweg 7<br>53111 Bonn" in seite
    assert "Vertreten durch: Dr. Beate Beispiel, Präsidentin" in seite
    assert 'href="mailto:poststelle@amt.example"' in seite
    assert "0228 123-0" in seite
    assert "EUPL" in seite
    assert 'href="https://gitlab.opencode.de/beispiel/ozg-plattform"' in seite


def test_datenschutz_beschreibt_die_verarbeitung(client, settings):
    settings.OZG_ANMELDEPROTOKOLL_TAGE = 14
    settings.OZG_DATENSCHUTZ_EMAIL = "dsb@amt.example"
    seite = text(_seite(client, reverse("datenschutz")))
    for inhalt in (
        "Benutzerkonten und Rollen",
        "Rollenzuweisungen",
        "Anmeldeversuche",
        "spätestens nach 14 Tagen gelöscht",
        "sessionid",
        "spätestens nach 8 Stunden",
        "keine Analyse- oder Tracking-Werkzeuge",
        "keine Inhalte Dritter",
        "dsb@amt.example",
        "Art. 77 DSGVO",
    ):
        assert inhalt in seite


# --------------------------------------------------------------------------------------
# All pages: structure and navigation
# --------------------------------------------------------------------------------------

SEITEN = ["start", "kontakte", "barrierefreiheit", "impressum", "datenschutz"]


@pytest.mark.parametrize("name", SEITEN)
def test_seiten_ueberschriften_in_ordnung(client, programm, kontakte, name):
    assert ueberschriften_in_ordnung(_seite(client, reverse(name)))


@pytest.mark.parametrize("name", SEITEN)
def test_tabellen_mit_caption_und_scope(client, programm, kontakte, name):
    seite = _seite(client, reverse(name))
    for tabelle_html in re.findall(r"<table.*?</table>", seite, re.S):
        assert "<caption" in tabelle_html
        assert "<th" in tabelle_html
        assert all("scope=" in th for th in re.findall(r"<th\b[^>]*>", tabelle_html))


def test_navigation_fuer_alle(client):
    seite = _seite(client)
    navigation = seite[seite.index('aria-label="Hauptnavigation"') :]
    assert 'href="/" aria-current="page">Übersicht</a>' in navigation
    assert 'href="/themenfelder/"' in navigation
    assert 'href="/kontakte/"' in navigation
    fuss = seite[seite.index("<footer") :]
    for url in ("/barrierefreiheit/", "/impressum/", "/datenschutz/"):
        assert f'href="{url}"' in fuss


def test_seiten_auf_englisch(client):
    client.cookies["django_language"] = "en"
    antwort = client.get(reverse("start"))
    assert antwort.status_code == 200
    assert '<html lang="en">' in antwort.content.decode()


@pytest.mark.django_db
def test_fehlerseiten_auf_deutsch(client):
    antwort = client.get("/gibt-es-nicht/")
    assert antwort.status_code == 404
    assert "Seite nicht gefunden" in antwort.content.decode()
    from django.template.loader import render_to_string

    assert "Ein Fehler ist aufgetreten" in render_to_string("500.html")
    html = render_to_string("403.html", {"exception": "Sie dürfen das nicht."})
    assert "Keine Berechtigung" in html and "Sie dürfen das nicht." in html


@pytest.mark.django_db
def test_fehlerseiten_auf_englisch(client):
    from django.template.loader import render_to_string
    from django.utils import translation

    client.cookies["django_language"] = "en"
    html = client.get("/gibt-es-nicht/").content.decode()
    assert '<html lang="en">' in html and "<h1>Page not found</h1>" in html
    with translation.override("en"):
        html = render_to_string("500.html")
        assert '<html lang="en">' in html and "<h1>An error has occurred</h1>" in html
        assert "<title>Error – OZG-Plattform</title>" in html
        html = render_to_string("403.html")
        assert "<h1>Access denied</h1>" in html
        assert "You do not have permission for this action." in html
    with translation.override("de"):
        assert '<html lang="de">' in render_to_string("500.html")


@pytest.mark.parametrize(
    ("pfad", "aktiv"),
    [
        ("/leistungen/matrix/", "/leistungen/matrix/"),  # not also /leistungen/
        ("/leistungen/", "/leistungen/"),
        ("/", "/"),
        ("/kontakte/", "/kontakte/"),
    ],
)
def test_navigation_markiert_nur_den_genauesten_eintrag(client, pfad, aktiv):
    """Exactly one main navigation entry is the current page (aria-current)."""
    html = client.get(pfad).content.decode()
    nav = html.split('aria-label="Hauptnavigation"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', nav) == [aktiv]
