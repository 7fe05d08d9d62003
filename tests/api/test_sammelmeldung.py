"""POST /api/v1/umsetzungsstaende/sammelmeldung/: many rows, checked first, all or nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from rest_framework.test import APIClient

from leistungen import statusblatt
from leistungen.models import Umsetzungsstand
from ozgplattform.choices import Rolle
from ozgplattform.konto.services import api_token_erstellen
from ozgplattform.testing import factories as f
from ozgplattform.testing.api import api, mit_rolle

pytestmark = pytest.mark.django_db

URL = "/api/v1/umsetzungsstaende/sammelmeldung/"
KOPF = "ozg_id;ars;reifegrad;online_url;stichtag;bemerkung"


@pytest.fixture
def welt():
    land = f.LandFactory(name="Musterland")
    kreis = f.KreisFactory(parent=land, name="Musterkreis")
    gemeinde = f.GemeindeFactory(parent=kreis, name="Musterdorf")
    fremd = f.LandFactory(name="Nachbarland")
    leistungen = [f.LeistungFactory(ozg_id=30000 + i) for i in range(120)]
    koordinator = mit_rolle(Rolle.OZG_KOORDINATOR, organisation=land)
    f.UmsetzungsstandFactory(
        leistung=leistungen[0], gebiet=land, reifegrad=2, online_url="", bemerkung=""
    )
    return {
        "land": land,
        "kreis": kreis,
        "gemeinde": gemeinde,
        "fremd": fremd,
        "leistungen": leistungen,
        "k": koordinator,
    }


def zeilen(welt, anzahl: int, reifegrad: int = 3) -> list[dict]:
    """``anzahl`` good rows over the Land, its Kreis and its Gemeinde."""
    gebiete = [welt["land"], welt["kreis"], welt["gemeinde"]]
    return [
        {
            "ozg_id": welt["leistungen"][i // 3].ozg_id,
            "ars": gebiete[i % 3].ars,
            "reifegrad": reifegrad,
            "online_url": "https://dienst.example.org/a",
            "stichtag": "2021-06-30",
        }
        for i in range(anzahl)
    ]


def als_csv(daten: list[dict], trenner: str = ";") -> bytes:
    spalten = KOPF.split(";")
    text = [trenner.join(spalten)]
    for zeile in daten:
        text.append(trenner.join(str(zeile.get(s, "")) for s in spalten))
    return ("\ufeff" + "\n".join(text) + "\n").encode("utf-8")


def stand(welt) -> tuple[int, int]:
    """(Umsetzungsstände, history rows) — what a refused report must leave alone."""
    return Umsetzungsstand.objects.count(), Umsetzungsstand.history.count()


def frisch(user):
    """The user loaded afresh (no permission cache from an earlier request)."""
    return api(get_user_model().objects.get(pk=user.pk))


# --------------------------------------------------------------------------------------
# Success
# --------------------------------------------------------------------------------------


def test_json_alles_gespeichert_mit_zaehlung_und_verlauf(welt):
    daten = zeilen(welt, 3)
    daten[0]["reifegrad"] = 2  # row 1: Land, leistungen[0], already reported at 2
    daten[0]["online_url"] = ""
    daten[0].pop("stichtag")
    daten.append({"ozg_id": welt["leistungen"][1].ozg_id, "ars": welt["land"].ars, "reifegrad": 4})
    antwort = api(welt["k"]).post(URL, {"zeilen": daten}, format="json")
    assert antwort.status_code == 200, antwort.content
    inhalt = antwort.json()
    assert inhalt["gespeichert"] is True and inhalt["nur_pruefen"] is False
    assert inhalt["anzahl"] == {"zeilen": 4, "neu": 3, "geaendert": 0, "unveraendert": 1}
    assert [z["zeile"] for z in inhalt["zeilen"]] == [1, 2, 3, 4]
    assert [z["aenderung"] for z in inhalt["zeilen"]] == ["unveraendert", "neu", "neu", "neu"]
    kreiszeile = inhalt["zeilen"][1]
    gespeichert = Umsetzungsstand.objects.get(pk=kreiszeile["umsetzungsstand"])
    assert (gespeichert.gebiet, gespeichert.leistung) == (welt["kreis"], welt["leistungen"][0])
    assert gespeichert.reifegrad == 3
    assert gespeichert.stichtag == dt.date(2021, 6, 30)
    assert kreiszeile["url"].endswith(f"/api/v1/umsetzungsstaende/{gespeichert.pk}/")
    assert kreiszeile["gebiet_name"] == "Musterkreis"
    # History of every new row names the API user and the reason.
    verlauf = Umsetzungsstand.history.filter(id=gespeichert.pk).get()
    assert verlauf.history_user_id == welt["k"].pk
    assert verlauf.history_change_reason == "Sammelmeldung (API)"
    # The unchanged row wrote no history row.
    land_stand = Umsetzungsstand.objects.get(leistung=welt["leistungen"][0], gebiet=welt["land"])
    assert land_stand.history.count() == 1


def test_csv_wie_statusblatt_mit_geaendert(welt):
    daten = [
        {"ozg_id": welt["leistungen"][0].ozg_id, "ars": welt["land"].ars, "reifegrad": 4},
        {"ozg_id": welt["leistungen"][2].ozg_id, "ars": welt["gemeinde"].ars, "reifegrad": 3},
    ]
    antwort = api(welt["k"]).post(URL, als_csv(daten, trenner=","), content_type="text/csv")
    assert antwort.status_code == 200, antwort.content
    inhalt = antwort.json()
    assert inhalt["anzahl"] == {"zeilen": 2, "neu": 1, "geaendert": 1, "unveraendert": 0}
    # CSV rows are numbered as in the file: the header is line 1.
    assert [(z["zeile"], z["reifegrad_vorher"]) for z in inhalt["zeilen"]] == [(2, 2), (3, None)]
    assert (
        Umsetzungsstand.objects.get(leistung=welt["leistungen"][0], gebiet=welt["land"]).reifegrad
        == 4
    )


def test_xlsx(welt):
    mappe = Workbook()
    blatt = mappe.active
    blatt.append(KOPF.split(";"))
    blatt.append([welt["leistungen"][5].ozg_id, welt["kreis"].ars, 1, None, None, "per Excel"])
    puffer = io.BytesIO()
    mappe.save(puffer)
    antwort = api(welt["k"]).post(
        URL,
        puffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert antwort.status_code == 200, antwort.content
    neu = Umsetzungsstand.objects.get(leistung=welt["leistungen"][5], gebiet=welt["kreis"])
    assert (neu.reifegrad, neu.bemerkung) == (1, "per Excel")


def test_schreibtoken_genuegt_lesetoken_nicht(welt):
    daten = {"zeilen": zeilen(welt, 2)}
    _, lesend = api_token_erstellen(
        user=welt["k"],
        name="Lesen",
        schreibrecht=False,
        gueltig_bis=timezone.now() + dt.timedelta(days=5),
    )
    _, schreibend = api_token_erstellen(
        user=welt["k"],
        name="Schreiben",
        schreibrecht=True,
        gueltig_bis=timezone.now() + dt.timedelta(days=5),
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {lesend}")
    vorher = stand(welt)
    antwort = client.post(URL, daten, format="json")
    assert antwort.status_code == 403, antwort.content
    assert stand(welt) == vorher
    client.credentials(HTTP_AUTHORIZATION=f"Token {schreibend}")
    antwort = client.post(URL, daten, format="json")
    assert antwort.status_code == 200, antwort.content
    # Row 1 (Land, first Leistung) was reported at Stufe 2 before.
    assert antwort.json()["anzahl"] == {"zeilen": 2, "neu": 1, "geaendert": 1, "unveraendert": 0}
    assert Umsetzungsstand.history.order_by("-history_id").first().history_user_id == welt["k"].pk


# --------------------------------------------------------------------------------------
# All or nothing, every problem listed
# --------------------------------------------------------------------------------------


def test_eine_fehlerhafte_zeile_unter_vielen_nichts_gespeichert(welt):
    daten = zeilen(welt, 200)
    daten[137]["reifegrad"] = 7
    vorher = stand(welt)
    antwort = api(welt["k"]).post(URL, {"zeilen": daten}, format="json")
    assert antwort.status_code == 400, antwort.content
    assert antwort.json() == {
        "detail": "1 von 200 Zeilen ist fehlerhaft; nichts wurde gespeichert.",
        "fehler": [
            {
                "zeile": 138,
                "feld": "reifegrad",
                "meldung": "Reifegrad 7 liegt nicht zwischen 0 und 4.",
            }
        ],
    }
    assert stand(welt) == vorher


def test_jede_fehlerhafte_zeile_gelistet(welt):
    land, fremd = welt["land"].ars, welt["fremd"].ars
    gut = welt["leistungen"][3].ozg_id
    daten = [
        {"ozg_id": gut, "ars": land, "reifegrad": 3},
        {"ozg_id": 99999, "ars": land, "reifegrad": 3},
        {"ozg_id": gut, "ars": fremd, "reifegrad": 3},
        {"ozg_id": gut, "ars": "0100", "reifegrad": 3},
        {"ozg_id": gut, "ars": 1001, "reifegrad": 3},
        {"ozg_id": gut, "ars": land, "reifegrad": 3, "farbe": "grün"},
        {"ozg_id": gut, "ars": land, "reifegrad": 3},
        {"ozg_id": "abc", "ars": land, "reifegrad": "", "stichtag": "2099-01-01"},
        {"ozg_id": gut, "ars": welt["kreis"].ars, "reifegrad": [3], "online_url": "kein-link"},
        "keine Zeile",
    ]
    vorher = stand(welt)
    antwort = api(welt["k"]).post(URL, {"zeilen": daten}, format="json")
    assert antwort.status_code == 400, antwort.content
    inhalt = antwort.json()
    assert inhalt["detail"] == "9 von 10 Zeilen sind fehlerhaft; nichts wurde gespeichert."
    fehler = {(e["zeile"], e["feld"]) for e in inhalt["fehler"]}
    assert fehler == {
        (2, "ozg_id"),
        (3, "ars"),
        (4, "ars"),
        (5, "ars"),
        (6, "farbe"),
        (6, None),  # duplicate of row 1 (the unknown key does not make it another row)
        (7, None),  # duplicate of row 1
        (8, "ozg_id"),
        (8, "reifegrad"),
        (8, "stichtag"),
        (9, "reifegrad"),
        (9, "online_url"),
        (10, None),  # not an object: no value either
        (10, "ozg_id"),
        (10, "ars"),
        (10, "reifegrad"),
    }
    meldungen = {(e["zeile"], e["feld"]): e["meldung"] for e in inhalt["fehler"]}
    assert meldungen[(2, "ozg_id")] == "Unbekannte OZG-ID 99999."
    assert "dürfen Sie keinen Umsetzungsstand melden" in meldungen[(3, "ars")]
    assert meldungen[(4, "ars")].startswith("ARS „0100“ hat 4 Ziffern")
    assert "als Text" in meldungen[(5, "ars")]
    assert meldungen[(7, None)] == f"OZG-ID {gut} mit ARS {land} steht schon in Zeile 1."
    assert stand(welt) == vorher


def test_steuerzeichen_sind_zeilenfehler_kein_serverfehler(welt):
    gut = welt["leistungen"][4].ozg_id
    daten = [
        {"ozg_id": gut, "ars": "01\x00", "reifegrad": 3},
        {"ozg_id": gut, "ars": welt["kreis"].ars, "reifegrad": 3, "bemerkung": "a\x00b"},
        {"ozg_id": gut, "ars": welt["land"].ars, "reifegrad": 3, "online_url": "https://x.de/\x00"},
    ]
    vorher = stand(welt)
    antwort = api(welt["k"]).post(URL, {"zeilen": daten}, format="json")
    assert antwort.status_code == 400, antwort.content
    assert [(e["zeile"], e["feld"]) for e in antwort.json()["fehler"]] == [
        (1, "ars"),
        (2, "bemerkung"),
        (3, "online_url"),
    ]
    assert stand(welt) == vorher


def test_csv_fehler_mit_dateizeilen(welt):
    daten = [
        {"ozg_id": welt["leistungen"][0].ozg_id, "ars": welt["land"].ars, "reifegrad": 4},
        {"ozg_id": welt["leistungen"][1].ozg_id, "ars": welt["fremd"].ars, "reifegrad": 4},
    ]
    vorher = stand(welt)
    antwort = api(welt["k"]).post(URL, als_csv(daten), content_type="text/csv; charset=utf-8")
    assert antwort.status_code == 400
    [fehler] = antwort.json()["fehler"]
    assert (fehler["zeile"], fehler["feld"]) == (3, "ars")
    assert stand(welt) == vorher


def test_zeile_ausserhalb_des_bereichs_ist_fehler_nicht_uebersprungen(welt):
    """A Koordinator of another Land: the rows of this Land are per-row errors."""
    anderer = mit_rolle(Rolle.OZG_KOORDINATOR, organisation=welt["fremd"])
    daten = zeilen(welt, 3)
    daten.append({"ozg_id": welt["leistungen"][9].ozg_id, "ars": welt["fremd"].ars, "reifegrad": 1})
    vorher = stand(welt)
    antwort = api(anderer).post(URL, {"zeilen": daten}, format="json")
    assert antwort.status_code == 400
    assert sorted(e["zeile"] for e in antwort.json()["fehler"]) == [1, 2, 3]
    assert stand(welt) == vorher
    antwort = api(anderer).post(URL, {"zeilen": daten[3:]}, format="json")
    assert antwort.status_code == 200, antwort.content


def test_ohne_melderecht_403_anonym_401(welt):
    daten = {"zeilen": zeilen(welt, 1)}
    vorher = stand(welt)
    ohne = api(f.UserFactory()).post(URL, daten, format="json")
    assert ohne.status_code == 403
    assert ohne.json()["detail"].startswith("Keine Berechtigung")
    federfuehrer = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=welt["leistungen"][0].themenfeld)
    assert api(federfuehrer).post(URL, daten, format="json").status_code == 403
    assert api().post(URL, daten, format="json").status_code == 401
    assert stand(welt) == vorher


def test_probelauf_schreibt_nichts(welt):
    daten = zeilen(welt, 6)
    vorher = stand(welt)
    json_lauf = api(welt["k"]).post(URL, {"zeilen": daten, "nur_pruefen": True}, format="json")
    csv_lauf = api(welt["k"]).post(f"{URL}?pruefen=1", als_csv(daten), content_type="text/csv")
    for antwort in (json_lauf, csv_lauf):
        assert antwort.status_code == 200, antwort.content
        inhalt = antwort.json()
        assert inhalt["nur_pruefen"] is True and inhalt["gespeichert"] is False
        assert inhalt["anzahl"] == {"zeilen": 6, "neu": 5, "geaendert": 1, "unveraendert": 0}
        # New rows have no Umsetzungsstand yet; the changed one names the existing.
        assert [z["umsetzungsstand"] is None for z in inhalt["zeilen"]] == [False] + [True] * 5
    assert stand(welt) == vorher
    # A dry run reports errors the same way.
    daten[2]["ars"] = "12x"
    antwort = api(welt["k"]).post(f"{URL}?pruefen=ja", {"zeilen": daten}, format="json")
    assert antwort.status_code == 400
    assert antwort.json()["fehler"][0]["zeile"] == 3


def test_uebernahmefehler_rollt_alles_zurueck(welt, monkeypatch):
    """A row refused while writing (e.g. the right to report for its Gebiet revoked
    between the check and the write): the error names that row, nothing stays."""
    from leistungen import services

    echt = services.restrict

    def ohne_gemeinde(queryset, user, aktion=None):
        return echt(queryset, user, aktion).exclude(pk=welt["gemeinde"].pk)

    monkeypatch.setattr(services, "restrict", ohne_gemeinde)
    vorher = stand(welt)
    antwort = api(welt["k"]).post(URL, {"zeilen": zeilen(welt, 9)}, format="json")
    assert antwort.status_code == 400, antwort.content
    # Rows go Land, Kreis, Gemeinde, …: the first Gemeinde row is row 3.
    assert antwort.json()["fehler"] == [
        {
            "zeile": 3,
            "feld": "ars",
            "meldung": "Keine Berechtigung: Umsetzungsstand melden (Organisation „Musterdorf“).",
        }
    ]
    assert stand(welt) == vorher


def test_uebernahme_validierungsfehler_nennt_zeile_und_feld(welt, monkeypatch):
    """A rule of the model that fails only at write time is reported for its row."""
    from django.core.exceptions import ValidationError

    echt = Umsetzungsstand.clean

    def clean(self):
        echt(self)
        if self.leistung_id == welt["leistungen"][2].pk and self.gebiet_id == welt["kreis"].pk:
            raise ValidationError({"bemerkung": "Neue Regel."})

    monkeypatch.setattr(Umsetzungsstand, "clean", clean)
    vorher = stand(welt)
    antwort = api(welt["k"]).post(URL, {"zeilen": zeilen(welt, 9)}, format="json")
    assert antwort.status_code == 400, antwort.content
    assert antwort.json()["fehler"] == [{"zeile": 8, "feld": "bemerkung", "meldung": "Neue Regel."}]
    assert stand(welt) == vorher


# --------------------------------------------------------------------------------------
# Shape and size
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("koerper", "art", "teil"),
    [
        ({"zeilen": []}, "json", "keine Zeilen"),
        ({"zeilen": "x"}, "json", "Liste"),
        ({}, "json", "„zeilen“ fehlt"),
        ({"zeilen": [], "los": 1}, "json", "Unbekannte Felder: los"),
        ({"zeilen": [{"ozg_id": 1}], "nur_pruefen": "vielleicht"}, "json", "nur_pruefen"),
        (b"ozg_id;reifegrad\n1;3\n", "csv", "Es fehlen die Spalten ars"),
        (b"\xff\xfeo", "csv", "UTF-8"),
        (b"", "csv", "keine Daten"),
    ],
)
def test_unbrauchbarer_koerper_400(welt, koerper, art, teil):
    client = api(welt["k"])
    if art == "json":
        antwort = client.post(URL, koerper, format="json")
    else:
        antwort = client.post(URL, koerper, content_type="text/csv")
    assert antwort.status_code == 400, antwort.content
    assert teil in antwort.json()["detail"]
    assert "fehler" in antwort.json()


def test_pruefen_parameter_ungueltig(welt):
    antwort = api(welt["k"]).post(f"{URL}?pruefen=vielleicht", {"zeilen": []}, format="json")
    assert antwort.status_code == 400
    assert antwort.json()["fehler"][0]["feld"] == "pruefen"


def test_zu_viele_zeilen_413(welt):
    daten = [{"ozg_id": 1, "ars": "01", "reifegrad": 1}] * (statusblatt.MAX_ZEILEN + 1)
    antwort = api(welt["k"]).post(URL, {"zeilen": daten}, format="json")
    assert antwort.status_code == 413, antwort.content
    assert "5000" in antwort.json()["detail"]
    csv_daten = als_csv([{"ozg_id": 1, "ars": "01", "reifegrad": 1}] * (statusblatt.MAX_ZEILEN + 1))
    antwort = api(welt["k"]).post(URL, csv_daten, content_type="text/csv")
    assert antwort.status_code == 413, antwort.content


def test_zu_grosser_koerper_413(welt, monkeypatch):
    monkeypatch.setattr(statusblatt, "MAX_BYTES", 1000)
    daten = zeilen(welt, 30)
    vorher = stand(welt)
    antwort = api(welt["k"]).post(URL, {"zeilen": daten}, format="json")
    assert antwort.status_code == 413, antwort.content
    assert "MB" in antwort.json()["detail"]
    antwort = api(welt["k"]).post(URL, als_csv(daten), content_type="text/csv")
    assert antwort.status_code == 413, antwort.content
    assert stand(welt) == vorher


def test_anderer_content_type_415(welt):
    antwort = api(welt["k"]).post(URL, "a=b", content_type="application/x-www-form-urlencoded")
    assert antwort.status_code == 415


def test_url_heisst_wie_dokumentiert():
    assert reverse("api:umsetzungsstand-sammelmeldung") == URL


# --------------------------------------------------------------------------------------
# Query budget: checking is constant in the rows, writing a small constant per row
# --------------------------------------------------------------------------------------


def abfragen(welt, daten, query: str = "") -> int:
    client = frisch(welt["k"])
    with CaptureQueriesContext(connection) as erfasst:
        antwort = client.post(f"{URL}{query}", {"zeilen": daten}, format="json")
    assert antwort.status_code == 200, antwort.content
    return len(erfasst)


def test_pruefen_konstant_in_der_zeilenzahl(welt):
    zehn = abfragen(welt, zeilen(welt, 10), "?pruefen=1")
    hundert = abfragen(welt, zeilen(welt, 100), "?pruefen=1")
    assert hundert == zehn
    # permissions (2), right to report (1), Leistungen, Gebiete, permitted Gebiete,
    # existing Umsetzungsstände, savepoint in and out
    assert zehn <= 10


def test_speichern_konstant_in_der_zeilenzahl(welt):
    """Writing 100 new rows costs as many queries as writing 10 (bulk service)."""
    # Without row 1 (Leistung 0 in the Land): reported already, it would be "changed".
    zehn = abfragen(welt, zeilen(welt, 11)[1:])
    Umsetzungsstand.objects.exclude(pk__in=Umsetzungsstand.objects.order_by("pk")[:1]).delete()
    hundert = abfragen(welt, zeilen(welt, 101)[1:])
    assert hundert == zehn, (zehn, hundert)
    # Changing them again: also the same for 10 and 100 rows.
    zehn = abfragen(welt, zeilen(welt, 10, reifegrad=4))
    hundert = abfragen(welt, zeilen(welt, 100, reifegrad=1))
    assert hundert == zehn, (zehn, hundert)
    assert Umsetzungsstand.history.filter(reifegrad=1).count() == 100


def test_unveraenderte_zeilen_kosten_nichts_je_zeile(welt):
    """A repeated report (every row unchanged) costs as much for 100 rows as for 10."""
    abfragen(welt, zeilen(welt, 100))
    verlauf = Umsetzungsstand.history.count()
    zehn = abfragen(welt, zeilen(welt, 10))
    hundert = abfragen(welt, zeilen(welt, 100))
    assert hundert == zehn, (zehn, hundert)
    assert Umsetzungsstand.history.count() == verlauf


def test_programmmanagement_meldet_fuer_jedes_land(welt):
    pm = f.ProgrammmanagementFactory()
    daten = [
        {"ozg_id": welt["leistungen"][7].ozg_id, "ars": welt["fremd"].ars, "reifegrad": 2},
        {"ozg_id": welt["leistungen"][7].ozg_id, "ars": welt["gemeinde"].ars, "reifegrad": 4},
    ]
    antwort = api(pm).post(URL, {"zeilen": daten}, format="json")
    assert antwort.status_code == 200, antwort.content
    assert antwort.json()["anzahl"]["neu"] == 2
    assert set(
        Umsetzungsstand.history.filter(leistung_id=welt["leistungen"][7].pk).values_list(
            "history_user_id", flat=True
        )
    ) == {pm.pk}
