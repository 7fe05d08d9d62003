"""GET /api/v1/opendata/umsetzungsstand/: the public Umsetzungsstand of a region."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from leistungen import opendata
from ozgplattform import rechte
from ozgplattform.choices import Rolle
from ozgplattform.testing import factories as f
from ozgplattform.testing.api import api, mit_rolle

pytestmark = pytest.mark.django_db

URL = "/api/v1/opendata/umsetzungsstand/"


def inhalt(antwort) -> bytes:
    assert antwort.status_code == 200, antwort.content if hasattr(antwort, "content") else ""
    if antwort.streaming:
        return b"".join(antwort.streaming_content)
    return antwort.content


def als_json(antwort) -> dict:
    return json.loads(inhalt(antwort).decode("utf-8"))


def als_csv(antwort) -> list[dict[str, str]]:
    text = inhalt(antwort).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def als_xlsx(antwort) -> list[dict]:
    mappe = load_workbook(io.BytesIO(inhalt(antwort)))
    zeilen = list(mappe.active.iter_rows(values_only=True))
    return [dict(zip(zeilen[0], z, strict=True)) for z in zeilen[1:]]


@pytest.fixture
def welt():
    """Two Länder; in Musterland a Kreis with two Gemeinden and another Kreis."""
    land = f.LandFactory(name="Musterland")
    kreis = f.KreisFactory(parent=land, name="Musterkreis")
    gemeinde = f.GemeindeFactory(parent=kreis, name="Musterdorf")
    gemeinde2 = f.GemeindeFactory(parent=kreis, name="Nebendorf")
    kreis2 = f.KreisFactory(parent=land, name="Andererkreis")
    nachbar = f.LandFactory(name="Nachbarland")
    nachbarkreis = f.KreisFactory(parent=nachbar)

    # Elterngeld: landesweit in Musterland and in Nachbarland → bundesweit (2 Länder).
    eltern = f.LeistungFactory(ozg_id=40001, name="Elterngeld")
    f.LeikaLeistungFactory(leistung=eltern, schluessel="99123001000000")
    f.LeikaLeistungFactory(leistung=eltern, schluessel="99123002000000")
    f.UmsetzungsstandFactory(leistung=eltern, gebiet=land, reifegrad=4)
    f.UmsetzungsstandFactory(leistung=eltern, gebiet=nachbar, reifegrad=3)
    # Wohngeld: online in one Kreis of Musterland → kreisweit; Gemeinde at Stufe 1.
    wohn = f.LeistungFactory(ozg_id=40002, name="=Wohngeld")  # formula-like name
    f.UmsetzungsstandFactory(leistung=wohn, gebiet=kreis, reifegrad=3, stichtag=dt.date(2021, 5, 1))
    f.UmsetzungsstandFactory(
        leistung=wohn,
        gebiet=gemeinde,
        reifegrad=1,
        online_url="https://geheim.example.org/vorab",
    )
    # Hundesteuer: online in one Gemeinde only → in mindestens einer Kommune.
    hund = f.LeistungFactory(ozg_id=40003, name="Hundesteuer")
    f.UmsetzungsstandFactory(leistung=hund, gebiet=gemeinde2, reifegrad=3)
    f.UmsetzungsstandFactory(leistung=hund, gebiet=land, reifegrad=2, online_url="")
    # Elsewhere only: never in a Musterland export.
    f.UmsetzungsstandFactory(leistung=hund, gebiet=nachbarkreis, reifegrad=4)
    return {
        "land": land,
        "kreis": kreis,
        "kreis2": kreis2,
        "gemeinde": gemeinde,
        "gemeinde2": gemeinde2,
        "nachbar": nachbar,
        "nachbarkreis": nachbarkreis,
    }


def schluessel(zeilen) -> list[tuple[str, int]]:
    return [(z["ars"], int(z["ozg_id"])) for z in zeilen]


def get(query: str, user=None):
    return api(user).get(f"{URL}?{query}")


# --------------------------------------------------------------------------------------
# Content and levels
# --------------------------------------------------------------------------------------


def test_json_land_mit_ebenen_darunter(welt):
    land, kreis, gemeinde, gemeinde2 = (
        welt["land"],
        welt["kreis"],
        welt["gemeinde"],
        welt["gemeinde2"],
    )
    daten = als_json(get(f"ars={land.ars}&ebenen=darunter"))
    assert daten["region"] == {
        "ars": land.ars,
        "name": "Musterland",
        "ebene": "land",
        "land_ars": land.ars,
        "land": "Musterland",
    }
    assert daten["ebenen"] == ["darunter"]
    # Ordered by ARS (Land, Kreis, its Gemeinden), then OZG-ID.
    assert schluessel(daten["zeilen"]) == [
        (land.ars, 40001),
        (land.ars, 40003),
        (kreis.ars, 40002),
        (gemeinde.ars, 40002),
        (gemeinde2.ars, 40003),
    ]
    assert list(daten["zeilen"][0]) == list(opendata.SPALTEN)
    eltern = daten["zeilen"][0]
    assert eltern == {
        "ozg_id": 40001,
        "leistung": "Elterngeld",
        "leika_schluessel": ["99123001000000", "99123002000000"],
        "ars": land.ars,
        "region": "Musterland",
        "ebene": "land",
        "land_ars": land.ars,
        "land": "Musterland",
        "online_url": "https://service.example.org/antrag",
        "reifegrad": 4,
        "reifegrad_label": "Stufe 4 – Online-Transaktion",
        "flaechendeckung": "bundesweit",
        "flaechendeckung_label": "bundesweit flächendeckend",
        "stichtag": eltern["stichtag"],
        "geaendert": eltern["geaendert"],
    }
    dt.date.fromisoformat(eltern["stichtag"])
    dt.datetime.fromisoformat(eltern["geaendert"])


def test_flaechendeckung_je_kategorie(welt):
    zeilen = als_json(get(f"ars={welt['land'].ars}&ebenen=darunter"))["zeilen"]
    kategorie = {int(z["ozg_id"]): z["flaechendeckung"] for z in zeilen}
    assert kategorie == {40001: "bundesweit", 40002: "kreisweit", 40003: "kommune"}
    labels = {z["flaechendeckung"]: z["flaechendeckung_label"] for z in zeilen}
    assert labels["kreisweit"] == "kreisweit flächendeckend"
    assert labels["kommune"] == "in mindestens einer Kommune"


def test_flaechendeckung_landesweit_und_keine(welt):
    """Nachbarland: Elterngeld landesweit but not bundesweit once Musterland drops to
    Stufe 2; a Leistung online nowhere is "keine"."""
    from leistungen.models import Umsetzungsstand

    Umsetzungsstand.objects.filter(gebiet=welt["land"], leistung__ozg_id=40001).update(reifegrad=2)
    offline = f.LeistungFactory(ozg_id=40004)
    f.UmsetzungsstandFactory(leistung=offline, gebiet=welt["nachbar"], reifegrad=1)
    zeilen = als_json(get(f"ars={welt['nachbar'].ars}"))["zeilen"]
    assert {int(z["ozg_id"]): z["flaechendeckung"] for z in zeilen} == {
        40001: "landesweit",
        40004: "keine",
    }


def test_kreis_mit_ebenen_darueber_und_darunter(welt):
    land, kreis = welt["land"], welt["kreis"]
    nur = als_json(get(f"ars={kreis.ars}"))["zeilen"]
    assert schluessel(nur) == [(kreis.ars, 40002)]
    oben = als_json(get(f"ars={kreis.ars}&ebenen=darueber"))["zeilen"]
    assert schluessel(oben) == [(land.ars, 40001), (land.ars, 40003), (kreis.ars, 40002)]
    beide = als_json(get(f"ars={kreis.ars}&ebenen=darueber&ebenen=darunter"))["zeilen"]
    assert schluessel(beide) == [
        (land.ars, 40001),
        (land.ars, 40003),
        (kreis.ars, 40002),
        (welt["gemeinde"].ars, 40002),
        (welt["gemeinde2"].ars, 40003),
    ]
    # The other Kreis of the Land has nothing: an empty list, not an error.
    assert als_json(get(f"ars={welt['kreis2'].ars}"))["zeilen"] == []


def test_gemeinde_mit_ebenen_darueber(welt):
    land, kreis, gemeinde = welt["land"], welt["kreis"], welt["gemeinde"]
    zeilen = als_json(get(f"ars={gemeinde.ars}&ebenen=darueber,darunter"))["zeilen"]
    assert schluessel(zeilen) == [
        (land.ars, 40001),
        (land.ars, 40003),
        (kreis.ars, 40002),
        (gemeinde.ars, 40002),
    ]
    assert {z["land"] for z in zeilen} == {"Musterland"}


def test_csv_gegen_die_daten(welt):
    land = welt["land"]
    antwort = get(f"ars={land.ars}&ebenen=darunter&format=csv")
    assert antwort["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="umsetzungsstand-{land.ars}.csv"' in antwort["Content-Disposition"]
    zeilen = als_csv(antwort)
    assert list(zeilen[0]) == list(opendata.SPALTEN)
    json_zeilen = als_json(get(f"ars={land.ars}&ebenen=darunter"))["zeilen"]
    assert schluessel(zeilen) == schluessel(json_zeilen)
    for aus_csv, aus_json in zip(zeilen, json_zeilen, strict=True):
        assert aus_csv["reifegrad"] == str(aus_json["reifegrad"])
        assert aus_csv["flaechendeckung"] == aus_json["flaechendeckung"]
        assert aus_csv["stichtag"] == aus_json["stichtag"]
        assert aus_csv["ars"] == aus_json["ars"]  # leading zeros kept
        assert aus_csv["online_url"] == aus_json["online_url"]
    assert zeilen[0]["leika_schluessel"] == "99123001000000, 99123002000000"
    # Formula injection: the name "=Wohngeld" is escaped.
    wohngeld = next(z for z in zeilen if z["ozg_id"] == "40002")
    assert wohngeld["leistung"] == "'=Wohngeld"
    assert wohngeld["stichtag"] == "2021-05-01"


def test_xlsx_typisierte_zellen(welt):
    land = welt["land"]
    antwort = get(f"ars={land.ars}&ebenen=darunter&format=xlsx")
    assert antwort["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    zeilen = als_xlsx(antwort)
    json_zeilen = als_json(get(f"ars={land.ars}&ebenen=darunter"))["zeilen"]
    assert schluessel(zeilen) == schluessel(json_zeilen)
    erste = zeilen[0]
    assert isinstance(erste["ozg_id"], int) and isinstance(erste["reifegrad"], int)
    assert erste["ars"] == land.ars and isinstance(erste["ars"], str)
    assert isinstance(erste["stichtag"], dt.datetime)  # openpyxl reads dates as datetime
    assert erste["stichtag"].date().isoformat() == json_zeilen[0]["stichtag"]
    assert isinstance(erste["geaendert"], dt.datetime)
    assert erste["flaechendeckung_label"] == "bundesweit flächendeckend"
    assert next(z for z in zeilen if z["ozg_id"] == 40002)["leistung"] == "'=Wohngeld"


# --------------------------------------------------------------------------------------
# Public data only
# --------------------------------------------------------------------------------------


def test_online_url_erst_ab_stufe_2_auch_fuer_interne(welt):
    gemeinde = welt["gemeinde"]
    leser = mit_rolle(Rolle.LESER)
    for user in (None, leser):
        [zeile] = als_json(get(f"ars={gemeinde.ars}", user))["zeilen"]
        assert zeile["reifegrad"] == 1
        assert zeile["online_url"] == ""  # reported, but not public below Stufe 2
    # The regular (internal) API shows the reported URL to internal readers.
    intern = api(leser).get(f"/api/v1/umsetzungsstaende/?gebiet={gemeinde.pk}").json()
    assert intern["results"][0]["online_url"] == "https://geheim.example.org/vorab"


def test_nur_oeffentliche_zeilen(welt, monkeypatch):
    """Rows the public may not see (``rechte.OEFFENTLICH``) are missing for everyone,
    also for internal readers and the Programmmanagement: the export is open data."""
    monkeypatch.setitem(
        rechte.OEFFENTLICH, "leistungen.umsetzungsstand", models.Q(reifegrad__gte=2)
    )
    land = welt["land"]
    for user in (None, mit_rolle(Rolle.LESER), f.ProgrammmanagementFactory()):
        zeilen = als_json(get(f"ars={land.ars}&ebenen=darunter", user))["zeilen"]
        assert schluessel(zeilen) == [
            (land.ars, 40001),
            (land.ars, 40003),
            (welt["kreis"].ars, 40002),
            (welt["gemeinde2"].ars, 40003),
        ]
    monkeypatch.setitem(rechte.OEFFENTLICH, "leistungen.leistung", models.Q(ozg_id=40001))
    zeilen = als_json(get(f"ars={land.ars}&ebenen=darunter"))["zeilen"]
    assert schluessel(zeilen) == [(land.ars, 40001)]


# --------------------------------------------------------------------------------------
# 400 cases
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "feld", "teil"),
    [
        ("", "ars", "Bitte einen Amtlichen Regionalschlüssel angeben"),
        ("ars=", "ars", "Bitte einen Amtlichen Regionalschlüssel angeben"),
        ("ars=1234", "ars", "ist kein Amtlicher Regionalschlüssel"),
        ("ars=12a", "ars", "ist kein Amtlicher Regionalschlüssel"),
        ("ars=０１", "ars", "ist kein Amtlicher Regionalschlüssel"),  # full-width digits
        ("ars=1234567890123", "ars", "ist kein Amtlicher Regionalschlüssel"),
        ("ars=01%00", "ars", "ist kein Amtlicher Regionalschlüssel"),
        ("ars=0%0A", "ars", "ist kein Amtlicher Regionalschlüssel"),
        ("ars=98", "ars", "Zum ARS 98 gibt es kein Land"),
        ("ars=98765", "ars", "Zum ARS 98765 gibt es kein Land"),
        ("ars={land}&ebenen=oben", "ebenen", "Unbekannte Ebene oben"),
        ("ars={land}&format=pdf", "format", "Unbekanntes Format „pdf“"),
    ],
)
def test_ungueltige_anfrage_400(welt, query, feld, teil):
    antwort = get(query.format(land=welt["land"].ars))
    assert antwort.status_code == 400, antwort.content
    assert antwort["Content-Type"] == "application/json"
    fehler = antwort.json()
    assert list(fehler) == [feld]
    assert teil in fehler[feld][0]


def test_accept_header_egal(welt):
    antwort = api().get(f"{URL}?ars={welt['land'].ars}&format=csv", HTTP_ACCEPT="text/html")
    assert als_csv(antwort)


def test_url_heisst_wie_dokumentiert():
    assert reverse("api:opendata-umsetzungsstand-list") == URL


# --------------------------------------------------------------------------------------
# Query budget: constant in the number of Kreise and Gemeinden
# --------------------------------------------------------------------------------------


def land_mit_kreisen(anzahl: int):
    land = f.LandFactory()
    leistungen = [f.LeistungFactory() for _ in range(3)]
    for leistung in leistungen:
        f.LeikaLeistungFactory(leistung=leistung, schluessel=None)
        f.UmsetzungsstandFactory(leistung=leistung, gebiet=land, reifegrad=2)
    for _ in range(anzahl):
        kreis = f.KreisFactory(parent=land)
        gemeinde = f.GemeindeFactory(parent=kreis)
        for leistung in leistungen:
            f.UmsetzungsstandFactory(leistung=leistung, gebiet=kreis, reifegrad=3)
            f.UmsetzungsstandFactory(leistung=leistung, gebiet=gemeinde, reifegrad=4)
    return land


@pytest.mark.parametrize("format_", ["json", "csv", "xlsx"])
def test_abfragen_konstant(format_):
    klein, gross = land_mit_kreisen(2), land_mit_kreisen(10)
    gezaehlt = {}
    for land in (klein, gross):
        with CaptureQueriesContext(connection) as erfasst:
            antwort = get(f"ars={land.ars}&ebenen=darunter&format={format_}")
            daten = inhalt(antwort)
        gezaehlt[land.ars] = (len(erfasst), len(daten))
    (q_klein, n_klein), (q_gross, n_gross) = gezaehlt[klein.ars], gezaehlt[gross.ars]
    assert n_gross > n_klein  # the big Land really exported more
    assert q_klein == q_gross, gezaehlt
    # Länder, region, LeiKa keys, online Umsetzungsstände, rows (one cursor).
    assert q_gross == 5, gezaehlt
