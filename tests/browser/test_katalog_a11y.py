"""Leistungskatalog, Umsetzungsstand-Matrix and Steckbrief in the browser: axe-core
(WCAG 2.1 AA) in every state, the htmx filter swap, and the journey "anonymous visitor
filters the catalogue and downloads the XLSX"."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LISTE = "/leistungen/"
MATRIX = "/leistungen/matrix/"


@pytest.fixture
def katalog(server):
    from leistungen.choices import Reifegrad
    from ozgplattform.testing import factories as f

    tf = f.ThemenfeldFactory(name="Familie & Kind")
    laender = [f.LandFactory(name=f"Land {n}") for n in ("Nord", "Süd", "Ost")]
    bund = f.LeistungFactory(name="Bundesleistung Elterngeld", themenfeld=tf, labor=True)
    f.LeikaLeistungFactory(leistung=bund, typ="1")
    foederal = f.LeistungFactory(name="Kita-Platz", themenfeld=tf, werkbank=True)
    f.LeikaLeistungFactory(leistung=foederal, typ="2/3")
    for stufe, land in zip(Reifegrad, laender, strict=False):
        f.UmsetzungsstandFactory(leistung=bund, gebiet=land, reifegrad=stufe)
    f.UmsetzungsstandFactory(leistung=foederal, gebiet=laender[0], reifegrad=4)
    f.ErgebnisFactory(leistung=bund, geliefert=True)
    f.MeilensteinFactory(leistung=bund, geplant=dt.date(2021, 1, 1))
    return {"bund": bund, "foederal": foederal}


def test_katalog_ohne_axe_verstoesse(page, axe, katalog):
    page.goto(LISTE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Leistungskatalog")
    expect(page.locator("#trefferzahl")).to_contain_text("2 Leistungen gefunden")
    axe.pruefen("Katalog mit Ergebnissen")
    page.emulate_media(color_scheme="dark")
    axe.pruefen("Katalog, dunkles Farbschema")


def test_katalog_leer_und_mit_fehler_ohne_axe_verstoesse(page, axe, katalog):
    page.goto(f"{LISTE}?q=gibt-es-nicht")
    expect(page.get_by_text("Keine Leistung passt zu diesen Filtern.")).to_be_visible()
    axe.pruefen("Katalog ohne Ergebnis")
    page.goto(f"{LISTE}?welle=viele")
    expect(page.get_by_text("Bitte prüfen Sie die Filter.")).to_be_visible()
    axe.pruefen("Katalog mit Formularfehler")


def test_htmx_filter_tauscht_nur_die_ergebnisse(page, axe, katalog):
    page.goto(LISTE)
    formular = page.locator("form.ozg-filter")
    with page.expect_response(lambda r: "typ=foederal" in r.url):
        page.get_by_label("Typ 2–5 (Digitalisierungsprogramm Föderal)").check()
    expect(page.locator("#trefferzahl")).to_have_text("1 Leistung gefunden")
    expect(page.locator("#ergebnisse")).to_contain_text("Kita-Platz")
    expect(page.locator("#ergebnisse")).not_to_contain_text("Bundesleistung Elterngeld")
    expect(page).to_have_url(f"{page.url.split('?')[0]}?typ=foederal", timeout=5000)
    expect(formular).to_be_visible()  # the form itself was not replaced
    assert page.locator("#trefferzahl").count() == 1
    axe.pruefen("Katalog nach htmx-Filter")


def test_steckbrief_und_matrix_ohne_axe_verstoesse(page, axe, katalog):
    page.goto(f"/leistungen/{katalog['bund'].ozg_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bundesleistung Elterngeld")
    expect(page.get_by_text("verzögert um", exact=False).first).to_be_visible()
    axe.pruefen("Steckbrief")
    page.goto(MATRIX)
    expect(page.get_by_role("table")).to_be_visible()
    axe.pruefen("Umsetzungsstand-Matrix")
    page.emulate_media(color_scheme="dark")
    axe.pruefen("Umsetzungsstand-Matrix, dunkles Farbschema")


def test_besucher_filtert_und_laedt_xlsx_herunter(page, katalog):
    page.goto(LISTE)
    page.get_by_label("Typ 1 (Bundesprogramm)").check()
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page.locator("#trefferzahl")).to_have_text("1 Leistung gefunden")
    # The plain submit lands on a short, shareable URL (empty fields dropped).
    expect(page).to_have_url(f"{page.url.split('?')[0]}?typ=bund")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    mappe = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()))
    zeilen = list(mappe.active.iter_rows(values_only=True))
    assert [z[1] for z in zeilen[1:]] == ["Bundesleistung Elterngeld"]
    assert zeilen[1][0] == katalog["bund"].ozg_id
