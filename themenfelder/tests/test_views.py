"""Themenfeld pages: list and detail with progress, projects, milestones and the
published contacts; constant query counts; the ``ozg_url`` template tag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from leistungen.choices import Ergebnistyp
from ozgplattform.choices import Rolle
from ozgplattform.testing import factories as f
from ozgplattform.testing.html import tabelle, tabelle_als_dict, text, ueberschriften_in_ordnung
from themenfelder.choices import Phase

pytestmark = pytest.mark.django_db

HEUTE = timezone.localdate()


@pytest.fixture
def themenfeld():
    """A Themenfeld with two catalogue Leistungen (one online), one old Leistung."""
    land = f.LandFactory(name="Freistaat Beispiel")
    anderes_land = f.LandFactory(name="Hansestadt Teststadt")
    ressort = f.RessortFactory(name="Bundesministerium für Beispiele")
    kommunen = f.OrganisationFactory(name="Deutscher Landkreistag")
    tf = f.ThemenfeldFactory(
        name="Familie & Kind",
        federfuehrendes_land=land,
        federfuehrendes_ressort=ressort,
        phase=Phase.KONZEPTION,
        beschreibung="Leistungen rund um Geburt und Familie.",
        steuerungskreis=[kommunen, anderes_land],
    )
    online = f.LeistungFactory(themenfeld=tf, labor=True, name="Elterngeld")
    offline = f.LeistungFactory(themenfeld=tf, werkbank=True, name="Kindergeld")
    f.LeistungFactory(themenfeld=tf, im_katalog=False, name="Abgeschaffte Leistung")
    f.UmsetzungsstandFactory(leistung=online, gebiet=land, reifegrad=4)
    f.UmsetzungsstandFactory(leistung=offline, gebiet=anderes_land, reifegrad=2)
    f.ErgebnisFactory(
        leistung=online, ergebnistyp=Ergebnistyp.FIM_STAMMINFORMATIONEN, geliefert=True
    )
    f.ErgebnisFactory(leistung=online, ergebnistyp=Ergebnistyp.KLICK_PROTOTYP, geliefert=True)
    f.UmsetzungsprojektFactory(
        themenfeld=tf,
        name="Digitale Familienleistungen",
        federfuehrendes_land=land,
        leistungen=[online, offline],
    )
    f.MeilensteinFactory(
        themenfeld=tf,
        name="Referenz live",
        leistung=online,
        geplant=dt.date(2021, 3, 1),
        erreicht=dt.date(2021, 3, 6),
    )
    f.MeilensteinFactory(
        themenfeld=tf, name="Konzept abgenommen", geplant=HEUTE - dt.timedelta(days=10)
    )
    f.MeilensteinFactory(
        themenfeld=tf,
        name="Planung fertig",
        geplant=dt.date(2020, 1, 31),
        erreicht=dt.date(2020, 1, 30),
    )
    f.MeilensteinFactory(themenfeld=tf, name="Nachnutzung", geplant=HEUTE + dt.timedelta(days=30))
    return {"tf": tf, "online": online, "offline": offline, "land": land, "ressort": ressort}


def _seite(client, url: str) -> str:
    antwort = client.get(url)
    assert antwort.status_code == 200
    return antwort.content.decode()


def _detail_url(tf) -> str:
    return reverse("themenfelder:detail", kwargs={"nummer": tf.nummer})


# --------------------------------------------------------------------------------------
# List
# --------------------------------------------------------------------------------------


def test_liste(client, themenfeld):
    leer = f.ThemenfeldFactory(name="Querschnitt")
    seite = _seite(client, reverse("themenfelder:liste"))
    zeilen = tabelle(seite, "tabelle-themenfelder")
    assert zeilen[0] == [
        "Nr.",
        "Themenfeld",
        "Federführung",
        "Phase",
        "Leistungen",
        "online (ab Stufe 3)",
    ]
    tf = themenfeld["tf"]
    assert zeilen[1] == [
        str(tf.nummer),
        "Familie & Kind",
        "Freistaat Beispiel und Bundesministerium für Beispiele",
        "Konzeption",
        "2",
        "1 (50 %)",
    ]
    assert zeilen[2] == [
        str(leer.nummer),
        "Querschnitt",
        "noch nicht festgelegt",
        "Themenfeldplanung",
        "0",
        "–",
    ]
    assert f'href="{_detail_url(tf)}"' in seite
    assert ueberschriften_in_ordnung(seite)


def test_liste_leer(client):
    assert "Es sind noch keine Themenfelder erfasst." in _seite(
        client, reverse("themenfelder:liste")
    )


def _abfragen(client, url: str) -> int:
    with CaptureQueriesContext(connection) as abfragen:
        assert client.get(url).status_code == 200
    return len(abfragen.captured_queries)


def _themenfelder(anzahl: int) -> None:
    land = f.LandFactory()
    for _ in range(anzahl):
        tf = f.ThemenfeldFactory(
            federfuehrendes_land=land, federfuehrendes_ressort=f.RessortFactory()
        )
        for stufe in (1, 3):
            f.UmsetzungsstandFactory(
                leistung=f.LeistungFactory(themenfeld=tf), gebiet=land, reifegrad=stufe
            )


@pytest.mark.parametrize("angemeldet", [False, True])
def test_liste_abfragen_konstant(client, angemeldet):
    if angemeldet:
        client.force_login(f.ProgrammmanagementFactory())
    _themenfelder(3)
    wenige = _abfragen(client, reverse("themenfelder:liste"))
    _themenfelder(12)
    viele = _abfragen(client, reverse("themenfelder:liste"))
    assert wenige == viele
    if not angemeldet:
        assert viele == 1


# --------------------------------------------------------------------------------------
# Detail
# --------------------------------------------------------------------------------------


def test_detail_kopf(client, themenfeld):
    tf = themenfeld["tf"]
    seite = _seite(client, _detail_url(tf))
    inhalt = text(seite)
    assert f"Themenfeld {tf.nummer}: Familie & Kind" in inhalt
    assert "Federführendes Land Freistaat Beispiel" in inhalt
    assert "Federführendes Bundesressort Bundesministerium für Beispiele" in inhalt
    assert "Phase Konzeption" in inhalt
    assert "2 Leistungen, davon 1 online (ab Stufe 3)" in inhalt
    assert "Leistungen rund um Geburt und Familie." in inhalt
    steuerungskreis = inhalt[inhalt.index("Steuerungskreis") : inhalt.index("Leistungen und")]
    assert "Deutscher Landkreistag" in steuerungskreis
    assert "Hansestadt Teststadt" in steuerungskreis
    assert ueberschriften_in_ordnung(seite)


def test_detail_leistungen_mit_fortschritt(client, themenfeld):
    seite = _seite(client, _detail_url(themenfeld["tf"]))
    online, offline = themenfeld["online"], themenfeld["offline"]
    zeilen = tabelle_als_dict(seite, "tabelle-leistungen")
    assert zeilen == {
        str(online.ozg_id): [
            "Elterngeld",
            "Stufe 4 – Online-Transaktion",
            "landesweit flächendeckend",
            "2 von 5 erfüllt",
        ],
        str(offline.ozg_id): [
            "Kindergeld",
            "Stufe 2 – Formular-Assistent",
            "nicht verfügbar",
            "0 von 5 erfüllt",
        ],
    }
    assert "Abgeschaffte Leistung" not in seite


def test_detail_verlinkt_steckbrief_wenn_vorhanden(client, themenfeld):
    seite = _seite(client, _detail_url(themenfeld["tf"]))
    ozg_id = themenfeld["online"].ozg_id
    try:
        url = reverse("leistungen:detail", kwargs={"ozg_id": ozg_id})
    except NoReverseMatch:
        assert ">Elterngeld</th>" in seite
    else:
        assert f'href="{url}">Elterngeld</a>' in seite


def test_detail_umsetzungsprojekte(client, themenfeld):
    seite = _seite(client, _detail_url(themenfeld["tf"]))
    online, offline = themenfeld["online"], themenfeld["offline"]
    assert tabelle_als_dict(seite, "tabelle-projekte") == {
        "Digitale Familienleistungen": [
            "Freistaat Beispiel",
            f"{online.ozg_id} Elterngeld, {offline.ozg_id} Kindergeld",
        ]
    }


def test_detail_meilensteine_plan_und_ist(client, themenfeld):
    seite = _seite(client, _detail_url(themenfeld["tf"]))
    zeilen = tabelle_als_dict(seite, "tabelle-meilensteine")
    assert zeilen["Referenz live"][2:] == ["01.03.2021", "06.03.2021", "verzögert um 5 Tage"]
    assert zeilen["Konzept abgenommen"][1] == "ganzes Themenfeld"
    assert zeilen["Konzept abgenommen"][3:] == ["noch nicht", "verzögert um 10 Tage"]
    assert zeilen["Planung fertig"][4] == "erreicht, im Plan"
    assert zeilen["Nachnutzung"][4] == "offen, im Plan"
    assert "2 von 4 Steuerungsindikatoren sind gegenüber der Feinplanung verzögert" in text(seite)


def _kontakte(themenfeld):
    tf, online = themenfeld["tf"], themenfeld["online"]
    f.RollenzuweisungFactory(
        federfuehrer=True,
        themenfeld=tf,
        organisation=themenfeld["land"],
        user=f.UserFactory(first_name="Frida", last_name="Federführerin", email="ff@land.example"),
        funktion="Referat DV 1",
        kontakt_veroeffentlichen=True,
    )
    f.RollenzuweisungFactory(
        leistung=online,
        user=f.UserFactory(first_name="Lena", last_name="Leistung", email="lv@land.example"),
        kontakt_veroeffentlichen=True,
    )
    f.RollenzuweisungFactory(
        leistung=online, user=f.UserFactory(first_name="Uwe", last_name="Unveröffentlicht")
    )
    f.RollenzuweisungFactory(
        leistung=online,
        user=f.UserFactory(first_name="Erna", last_name="Abgelaufen"),
        kontakt_veroeffentlichen=True,
        gueltig_bis=HEUTE - dt.timedelta(days=1),
    )
    f.RollenzuweisungFactory(
        federfuehrer=True,
        user=f.UserFactory(first_name="Anna", last_name="Anderes-Themenfeld"),
        kontakt_veroeffentlichen=True,
    )


@pytest.mark.parametrize("leser", ["anonym", "programmmanagement", "federfuehrer"])
def test_detail_nur_veroeffentlichte_kontakte(client, themenfeld, leser):
    _kontakte(themenfeld)
    if leser == "programmmanagement":
        client.force_login(f.ProgrammmanagementFactory())
    elif leser == "federfuehrer":
        from ozgplattform.services import rollenzuweisung_anlegen

        person = f.UserFactory()
        rollenzuweisung_anlegen(
            benutzer=person, rolle=Rolle.FEDERFUEHRER, themenfeld=themenfeld["tf"]
        )
        client.force_login(person)
    seite = _seite(client, _detail_url(themenfeld["tf"]))
    zeilen = tabelle_als_dict(seite, "tabelle-kontakte")
    online = themenfeld["online"]
    assert zeilen == {
        "Frida Federführerin": [
            "Themenfeld-Federführer",
            f"Themenfeld {themenfeld['tf'].nummer}: Familie & Kind (Freistaat Beispiel)",
            "Referat DV 1",
            "ff@land.example",
        ],
        "Lena Leistung": [
            "Leistungsverantwortlicher",
            f"{online.ozg_id} Elterngeld",
            "–",
            "lv@land.example",
        ],
    }
    assert 'href="mailto:ff@land.example"' in seite
    for name in ("Unveröffentlicht", "Abgelaufen", "Anderes-Themenfeld"):
        assert name not in seite


def test_detail_ohne_inhalte(client):
    tf = f.ThemenfeldFactory()
    inhalt = text(_seite(client, _detail_url(tf)))
    assert "Diesem Themenfeld sind keine Leistungen des aktuellen Umsetzungskatalogs" in inhalt
    assert "keine Umsetzungsprojekte erfasst" in inhalt
    assert "keine Steuerungsindikatoren erfasst" in inhalt
    assert "keine Ansprechpersonen veröffentlicht" in inhalt


def test_detail_unbekannt_ist_404(client):
    assert client.get(reverse("themenfelder:detail", kwargs={"nummer": 999})).status_code == 404


def _themenfeld_mit(tf, land, anzahl: int) -> None:
    projekt = f.UmsetzungsprojektFactory(themenfeld=tf)
    for _ in range(anzahl):
        leistung = f.LeistungFactory(themenfeld=tf, labor=True)
        projekt.leistungen.add(leistung)
        f.UmsetzungsstandFactory(leistung=leistung, gebiet=land, reifegrad=3)
        f.ErgebnisFactory(leistung=leistung, geliefert=True)
        f.MeilensteinFactory(leistung=leistung)
        f.RollenzuweisungFactory(leistung=leistung, kontakt_veroeffentlichen=True)


@pytest.mark.parametrize("angemeldet", [False, True])
def test_detail_abfragen_konstant(client, angemeldet):
    if angemeldet:
        client.force_login(f.ProgrammmanagementFactory())
    land = f.LandFactory()
    tf = f.ThemenfeldFactory(steuerungskreis=[land])
    _themenfeld_mit(tf, land, 3)
    wenige = _abfragen(client, _detail_url(tf))
    _themenfeld_mit(tf, land, 12)
    viele = _abfragen(client, _detail_url(tf))
    assert wenige == viele
    if not angemeldet:
        assert viele <= 10


# --------------------------------------------------------------------------------------
# {% ozg_url %}
# --------------------------------------------------------------------------------------


def _render(vorlage: str, **kontext) -> str:
    return Template("{% load ozg %}" + vorlage).render(Context(kontext))


def test_ozg_url_liefert_leer_fuer_unbekannte_namen():
    assert _render('{% ozg_url "gibt_es:nicht" ozg_id=1 %}') == ""
    vorlage = (
        '{% ozg_url "gibt_es:nicht" ozg_id=1 as url %}'
        '{% if url %}<a href="{{ url }}">X</a>{% else %}X{% endif %}'
    )
    assert _render(vorlage) == "X"


def test_ozg_url_loest_vorhandene_namen_auf():
    assert _render('{% ozg_url "themenfelder:detail" nummer=3 %}') == "/themenfelder/3/"
    assert _render('{% ozg_url "themenfelder:detail" nummer=None %}') == ""


def test_prozent_filter():
    assert _render("{{ w|prozent }}", w=1 / 3) == "33,3\u00a0%"
    assert _render("{{ w|prozent }}", w=0.5) == "50\u00a0%"
    assert _render("{{ w|prozent }}", w=None) == "–"
