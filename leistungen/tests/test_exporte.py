"""CSV/XLSX export of the Leistungskatalog: exactly the filtered rows, all pages, escaped."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leistungen.choices import Reifegrad
from leistungen.exporte import SPALTEN, entschaerfen
from ozgplattform.testing import factories as f

pytestmark = pytest.mark.django_db

EXPORT = reverse("leistungen:export")


@pytest.fixture
def leistungen():
    tf = f.ThemenfeldFactory(name="Familie")
    anderes = f.ThemenfeldFactory(name="Mobilität")
    land = f.LandFactory()
    f.LandFactory()  # a second Land without a Stand: landesweit, not bundesweit
    elterngeld = f.LeistungFactory(name="Elterngeld", themenfeld=tf, labor=True, ozg_id=101)
    f.LeikaLeistungFactory(leistung=elterngeld, typ="2/3")
    f.UmsetzungsstandFactory(leistung=elterngeld, gebiet=land, reifegrad=Reifegrad.ONLINE_LEISTUNG)
    boese = f.LeistungFactory(
        name='=HYPERLINK("http://evil.example","klick")', themenfeld=tf, ozg_id=102
    )
    f.LeistungFactory(name="Kfz-Zulassung", themenfeld=anderes, ozg_id=103)
    return {"tf": tf, "elterngeld": elterngeld, "boese": boese}


def _csv(response) -> list[list[str]]:
    inhalt = response.content
    assert inhalt.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    return list(csv.reader(io.StringIO(inhalt.decode("utf-8-sig")), delimiter=";"))


def _xlsx(response) -> list[tuple]:
    mappe = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(mappe.active.iter_rows(values_only=True))


def test_csv_enthaelt_genau_die_gefilterten_zeilen(client, leistungen):
    response = client.get(f"{EXPORT}?format=csv&themenfeld={leistungen['tf'].pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    zeilen = _csv(response)
    assert zeilen[0] == list(SPALTEN)
    assert [z[0] for z in zeilen[1:]] == ["101", "102"]
    elterngeld = zeilen[1]
    assert elterngeld[1] == "Elterngeld"
    assert elterngeld[2] == "Familie"
    assert elterngeld[4].startswith("Typ 2/3")
    assert elterngeld[5] == "Prio 1 (Laborkandidat)"
    assert elterngeld[8] == "3"
    assert elterngeld[9] == "landesweit flächendeckend"


def test_csv_entschaerft_formeln(client, leistungen):
    zeilen = _csv(client.get(f"{EXPORT}?format=csv&q=HYPERLINK"))
    assert len(zeilen) == 2
    assert zeilen[1][1] == '\'=HYPERLINK("http://evil.example","klick")'


def test_xlsx_enthaelt_genau_die_gefilterten_zeilen_typisiert(client, leistungen):
    response = client.get(f"{EXPORT}?format=xlsx&themenfeld={leistungen['tf'].pk}")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    zeilen = _xlsx(response)
    assert zeilen[0] == SPALTEN
    assert [z[0] for z in zeilen[1:]] == [101, 102]  # numbers, not text
    assert zeilen[1][8] == 3
    assert zeilen[2][8] is None  # nothing reported
    assert zeilen[2][1] == '\'=HYPERLINK("http://evil.example","klick")'


def test_xlsx_schreibt_keine_formel(client, leistungen):
    mappe = openpyxl.load_workbook(io.BytesIO(client.get(f"{EXPORT}?format=xlsx").content))
    for zeile in mappe.active.iter_rows():
        for zelle in zeile:
            assert zelle.data_type != "f"


def test_export_umfasst_alle_seiten(client):
    tf = f.ThemenfeldFactory()
    for i in range(55):
        f.LeistungFactory(themenfeld=tf, ozg_id=5000 + i)
    assert len(_csv(client.get(f"{EXPORT}?format=csv&seite=1"))) == 56
    assert len(_xlsx(client.get(f"{EXPORT}?format=xlsx"))) == 56


def test_export_sortiert_wie_die_liste(client, leistungen):
    zeilen = _csv(client.get(f"{EXPORT}?format=csv&sortierung=-ozg_id"))
    assert [z[0] for z in zeilen[1:]] == ["103", "102", "101"]


@pytest.mark.parametrize("abfrage", ["format=pdf", "format=csv&welle=viele"])
def test_ungueltige_anfrage_400(client, leistungen, abfrage):
    assert client.get(f"{EXPORT}?{abfrage}").status_code == 400


@pytest.mark.parametrize(
    ("wert", "erwartet"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30", "'+49 30"),
        ("-5", "'-5"),
        ("@SUMME(A1)", "'@SUMME(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Elterngeld", "Elterngeld"),
        ("", ""),
        (42, 42),
        (None, None),
    ],
)
def test_entschaerfen(wert, erwartet):
    assert entschaerfen(wert) == erwartet


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_export_abfragen_konstant(client, format_):
    def anlegen(n):
        tf = f.ThemenfeldFactory()
        for _ in range(n):
            leistung = f.LeistungFactory(themenfeld=tf)
            f.LeikaLeistungFactory(leistung=leistung)
            f.UmsetzungsstandFactory(leistung=leistung)

    def zaehlen():
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"{EXPORT}?format={format_}")
        return len(ctx.captured_queries)

    anlegen(3)
    wenige = zaehlen()
    anlegen(15)
    assert zaehlen() == wenige
