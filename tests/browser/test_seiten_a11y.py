"""Start, Themenfelder, Kontakte and the legal pages in the browser: no axe-core
violations (WCAG 2.1 A/AA) with demo-like data, also with an invalid Stichtag."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from leistungen.choices import Ergebnistyp

pytestmark = pytest.mark.browser


@pytest.fixture
def programm(server):
    from ozgplattform.testing import factories as f

    land = f.LandFactory(name="Freistaat Beispiel")
    anderes = f.LandFactory(name="Hansestadt Teststadt")
    kreis = f.KreisFactory(parent=anderes, name="Landkreis Muster")
    ressort = f.RessortFactory(name="Bundesministerium für Beispiele")
    tf = f.ThemenfeldFactory(
        nummer=6,
        name="Familie & Kind",
        federfuehrendes_land=land,
        federfuehrendes_ressort=ressort,
        steuerungskreis=[land, anderes, ressort],
        beschreibung="Leistungen rund um Geburt, Kinder und Familie.",
    )
    leistungen = []
    for i, (name, stufe, gebiet) in enumerate(
        [
            ("Elterngeld", 4, land),
            ("Kindergeld", 3, kreis),
            ("Unterhaltsvorschuss", 2, anderes),
            ("Kinderzuschlag", None, None),
        ]
    ):
        leistung = f.LeistungFactory(themenfeld=tf, name=name, labor=i % 2 == 0, werkbank=i % 2)
        leistungen.append(leistung)
        if stufe is not None:
            f.UmsetzungsstandFactory(leistung=leistung, gebiet=gebiet, reifegrad=stufe)
        f.ErgebnisFactory(
            leistung=leistung, ergebnistyp=Ergebnistyp.FIM_STAMMINFORMATIONEN, geliefert=True
        )
    f.UmsetzungsprojektFactory(
        themenfeld=tf, name="Familie digital", federfuehrendes_land=land, leistungen=leistungen[:2]
    )
    f.MeilensteinFactory(themenfeld=tf, name="Konzept abgenommen", geplant=dt.date(2021, 3, 31))
    f.MeilensteinFactory(
        leistung=leistungen[0],
        name="Referenz live",
        geplant=dt.date(2021, 6, 30),
        erreicht=dt.date(2021, 6, 1),
    )
    f.RollenzuweisungFactory(
        federfuehrer=True,
        themenfeld=tf,
        organisation=land,
        user=f.UserFactory(first_name="Jana", last_name="Wiegand"),
        funktion="Themenfeldmanagement Familie",
        kontakt_veroeffentlichen=True,
    )
    f.RollenzuweisungFactory(
        ozg_koordinator=True,
        organisation=anderes,
        user=f.UserFactory(first_name="Markus", last_name="Schäfer"),
        kontakt_veroeffentlichen=True,
    )
    f.RollenzuweisungFactory(
        leistung=leistungen[0],
        user=f.UserFactory(first_name="Mehmet", last_name="Yılmaz"),
        funktion="Product Owner Elterngeld",
        kontakt_veroeffentlichen=True,
    )
    return tf


@pytest.mark.parametrize(
    ("pfad", "ueberschrift"),
    [
        ("/", "Gesamtfortschritt der OZG-Umsetzung"),
        ("/themenfelder/", "Themenfelder"),
        ("/themenfelder/6/", "Themenfeld 6: Familie & Kind"),
        ("/kontakte/", "Kontakte"),
        ("/barrierefreiheit/", "Erklärung zur Barrierefreiheit"),
        ("/impressum/", "Impressum"),
        ("/datenschutz/", "Datenschutzerklärung"),
    ],
)
def test_seite_ohne_axe_verstoesse(page, axe, programm, pfad, ueberschrift):
    page.goto(pfad)
    expect(page.get_by_role("heading", level=1)).to_have_text(ueberschrift)
    axe.pruefen(pfad)


def test_start_mit_ungueltigem_stichtag_ohne_axe_verstoesse(page, axe, programm):
    page.goto("/?stichtag=31.02.2021")
    zusammenfassung = page.locator(".ozg-fehleruebersicht")
    expect(zusammenfassung).to_contain_text("Bitte geben Sie ein gültiges Datum an")
    axe.pruefen("Start mit ungültigem Stichtag")


def test_start_stichtag_ohne_javascript(browser, server, programm):
    context = browser.new_context(base_url=server, java_script_enabled=False, locale="de-DE")
    try:
        seite = context.new_page()
        seite.goto("/")
        seite.locator("#id_stichtag").fill("2021-01-01")
        seite.get_by_role("button", name="Anzeigen").click()
        expect(seite.locator("main")).to_contain_text(
            "Stand der gemeldeten Umsetzung am 01.01.2021"
        )
    finally:
        context.close()
