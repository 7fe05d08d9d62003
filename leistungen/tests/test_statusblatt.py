"""Status sheets (leistungen/statusblatt.py) and the upload → preview → apply pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from leistungen import statusblatt
from leistungen.models import Umsetzungsstand
from ozgplattform.choices import Rolle
from ozgplattform.models import Rollenzuweisung
from ozgplattform.services import rollenzuweisung_beenden
from ozgplattform.testing import factories as f

pytestmark = pytest.mark.django_db

KOPF = "ozg_id;ars;reifegrad;online_url;stichtag;bemerkung"


@pytest.fixture
def welt():
    land = f.LandFactory(name="Musterland")
    kreis = f.KreisFactory(parent=land, name="Musterkreis")
    fremd = f.LandFactory(name="Nachbarland")
    a = f.LeistungFactory(ozg_id=20501, name="Elterngeld")
    b = f.LeistungFactory(ozg_id=20502, name="Kindergeld")
    koordinator = f.UserFactory(first_name="Olaf", last_name="Koordinator")
    from ozgplattform.services import rollenzuweisung_anlegen

    rollenzuweisung_anlegen(benutzer=koordinator, rolle=Rolle.OZG_KOORDINATOR, organisation=land)
    f.UmsetzungsstandFactory(leistung=a, gebiet=land, reifegrad=2, online_url="", bemerkung="")
    return {"land": land, "kreis": kreis, "fremd": fremd, "a": a, "b": b, "k": koordinator}


def _csv(*zeilen: str, bom: bool = True, trenner: str = ";") -> bytes:
    text = "\n".join([KOPF.replace(";", trenner), *zeilen]) + "\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def _xlsx(zeilen: list[list]) -> bytes:
    mappe = Workbook()
    blatt = mappe.active
    blatt.append(KOPF.split(";"))
    for zeile in zeilen:
        blatt.append(zeile)
    puffer = io.BytesIO()
    mappe.save(puffer)
    return puffer.getvalue()


# --------------------------------------------------------------------------------------
# Reading and checking (pure functions)
# --------------------------------------------------------------------------------------


def test_csv_mit_bom_und_semikolon(welt):
    land = welt["land"].ars
    inhalt = _csv(
        f"20501;{land};3;https://musterland.de/elterngeld;01.03.2021;jetzt online",
        f"20502;{welt['kreis'].ars};1;;;",
    )
    zeilen = statusblatt.lesen(inhalt, "status.csv")
    assert [z["nummer"] for z in zeilen] == [2, 3]
    blatt = statusblatt.pruefen(zeilen, welt["k"])
    assert blatt.gueltig, [z.fehler for z in blatt.zeilen]
    erste, zweite = blatt.zeilen
    assert (erste.leistung, erste.gebiet, erste.reifegrad) == (welt["a"], welt["land"], 3)
    assert erste.stichtag == dt.date(2021, 3, 1)
    assert (erste.reifegrad_vorher, erste.aenderung) == (2, statusblatt.GEAENDERT)
    assert (zweite.reifegrad_vorher, zweite.aenderung) == (None, statusblatt.NEU)


def test_csv_mit_komma_ohne_bom(welt):
    inhalt = _csv(f"20501,{welt['land'].ars},2,,,", bom=False, trenner=",")
    blatt = statusblatt.pruefen(statusblatt.lesen(inhalt, "s.csv"), welt["k"])
    assert blatt.gueltig
    assert blatt.zeilen[0].aenderung == statusblatt.UNVERAENDERT


def test_xlsx(welt):
    # Spreadsheet numbers: the ARS "0x…" loses its leading zero only for real Länder;
    # dates arrive as datetime.
    inhalt = _xlsx(
        [
            [20501, int(welt["land"].ars), 4, "https://musterland.de/e", dt.datetime(2021, 5, 1)],
            [20502, welt["kreis"].ars, 3.0, None, None, "Landkreis"],
        ]
    )
    blatt = statusblatt.pruefen(statusblatt.lesen(inhalt, "Status.XLSX"), welt["k"])
    assert blatt.gueltig, [z.fehler for z in blatt.zeilen]
    assert [z.reifegrad for z in blatt.zeilen] == [4, 3]
    assert blatt.zeilen[0].stichtag == dt.date(2021, 5, 1)
    assert blatt.zeilen[1].bemerkung == "Landkreis"


def test_ars_aus_zahl_bekommt_fuehrende_null():
    assert statusblatt._zelle("ars", 1) == "01"
    assert statusblatt._zelle("ars", 1001) == "01001"
    assert statusblatt._zelle("ars", 10010000000) == "010010000000"
    assert statusblatt._zelle("reifegrad", 3.0) == "3"


@pytest.mark.parametrize(
    ("zeile", "meldung"),
    [
        ("99999;{land};3;;;", "Unbekannte OZG-ID 99999."),
        ("abc;{land};3;;;", "OZG-ID „abc“ ist keine Zahl."),
        (";{land};3;;;", "OZG-ID fehlt."),
        ("20501;77;3;;;", "Unbekannter ARS 77"),
        ("20501;{fremd};3;;;", "dürfen Sie keinen Umsetzungsstand melden"),
        ("20501;{land};5;;;", "Reifegrad 5 liegt nicht zwischen 0 und 4."),
        ("20501;{land};drei;;;", "Reifegrad „drei“ ist keine Zahl von 0 bis 4."),
        ("20501;{land};;;;", "Reifegrad fehlt."),
        ("20501;{land};3;kein-link;;", "„kein-link“ ist keine gültige URL"),
        ("20501;{land};3;;31.02.2021;", "Stichtag „31.02.2021“ ist kein Datum"),
        ("20501;{land};3;;01.01.2099;", "Der Stichtag darf nicht in der Zukunft liegen."),
        ("20501;12a;3;;;", "besteht nicht nur aus Ziffern"),
    ],
)
def test_jedes_zeilenproblem(welt, zeile, meldung):
    text = zeile.format(land=welt["land"].ars, fremd=welt["fremd"].ars)
    blatt = statusblatt.pruefen(statusblatt.lesen(_csv(text), "s.csv"), welt["k"])
    assert not blatt.gueltig
    assert any(meldung in fehler for fehler in blatt.zeilen[0].fehler), blatt.zeilen[0].fehler


def test_doppelte_zeile(welt):
    land = welt["land"].ars
    blatt = statusblatt.pruefen(
        statusblatt.lesen(_csv(f"20501;{land};3;;;", f"20501;{land};4;;;"), "s.csv"), welt["k"]
    )
    assert not blatt.zeilen[0].fehler
    assert blatt.zeilen[1].fehler == [f"OZG-ID 20501 mit ARS {land} steht schon in Zeile 2."]


@pytest.mark.parametrize(
    ("inhalt", "name", "meldung"),
    [
        (b"ozg_id;ars\n1;01\n", "s.csv", "Es fehlen die Spalten reifegrad"),
        (KOPF.encode() + b"\n", "s.csv", "keine Datenzeilen"),
        ("ozg_id;ars;reifegrad\n1;ä;3\n".encode("latin-1"), "s.csv", "nicht in UTF-8"),
        (b"irgendwas", "s.pdf", "CSV- oder XLSX-Datei"),
        (b"kein zip", "s.xlsx", "XLSX-Datei lässt sich nicht lesen"),
    ],
)
def test_unbrauchbare_datei(inhalt, name, meldung):
    with pytest.raises(statusblatt.BlattFehler, match=meldung):
        statusblatt.lesen(inhalt, name)


def test_uebernehmen_atomar_wenn_recht_unterwegs_entzogen(welt):
    """Preview fine, then the Koordinator loses the role: the service refuses the first
    row and nothing of the sheet is written."""
    land, kreis = welt["land"], welt["kreis"]
    blatt = statusblatt.pruefen(
        statusblatt.lesen(_csv(f"20502;{kreis.ars};3;;;", f"20501;{land.ars};4;;;"), "s.csv"),
        welt["k"],
    )
    assert blatt.gueltig
    zuweisung = Rollenzuweisung.objects.get(user=welt["k"])
    rollenzuweisung_beenden(zuweisung=zuweisung)
    welt["k"].refresh_from_db()
    with pytest.raises(statusblatt.UebernahmeFehler, match="Zeile 2"):
        statusblatt.uebernehmen(blatt, user=welt["k"])
    assert not Umsetzungsstand.objects.filter(gebiet=kreis).exists()
    assert Umsetzungsstand.objects.get(gebiet=land).reifegrad == 2


def test_uebernehmen_atomar_wenn_spaete_zeile_scheitert(welt, monkeypatch):
    land, kreis = welt["land"], welt["kreis"]
    blatt = statusblatt.pruefen(
        statusblatt.lesen(_csv(f"20502;{kreis.ars};3;;;", f"20501;{land.ars};4;;;"), "s.csv"),
        welt["k"],
    )
    # Second row breaks at apply time (e.g. a rule that changed since the preview).
    blatt.zeilen[1].reifegrad = 9
    with pytest.raises(statusblatt.UebernahmeFehler, match="Zeile 3"):
        statusblatt.uebernehmen(blatt, user=welt["k"])
    assert not Umsetzungsstand.objects.filter(gebiet=kreis).exists()
    assert Umsetzungsstand.objects.get(gebiet=land).reifegrad == 2


# --------------------------------------------------------------------------------------
# Pages: upload → preview → apply
# --------------------------------------------------------------------------------------


def _hochladen(client, inhalt: bytes, name: str = "status.csv"):
    return client.post(
        reverse("bearbeiten:statusblatt_hochladen"),
        {"datei": SimpleUploadedFile(name, inhalt, content_type="text/csv")},
    )


def test_seiten_vorschau_fehler_korrigieren_uebernehmen(client, welt):
    client.force_login(welt["k"])
    land, kreis, fremd = welt["land"], welt["kreis"], welt["fremd"]
    antwort = _hochladen(
        client, _csv(f"20501;{land.ars};3;;;", f"20502;{fremd.ars};3;;;", f"20502;{kreis.ars};1;;;")
    )
    assert antwort.status_code == 302
    vorschau = antwort["Location"]
    antwort = client.get(vorschau)
    html = antwort.content.decode()
    assert "Stufe 2 – Formular-Assistent" in html  # before
    assert "Stufe 3 – Online-Leistung" in html  # after
    assert "dürfen Sie keinen Umsetzungsstand melden" in html
    assert "1 Zeile hat Fehler" in html
    assert "Übernehmen" not in html.split("</table>")[1]
    # Applying is refused while there are errors.
    client.post(vorschau)
    assert Umsetzungsstand.objects.get(gebiet=land).reifegrad == 2
    assert not Umsetzungsstand.objects.filter(gebiet__in=[fremd, kreis]).exists()

    # The fixed sheet, uploaded again.
    antwort = _hochladen(client, _csv(f"20501;{land.ars};3;;;", f"20502;{kreis.ars};1;;;"))
    vorschau = antwort["Location"]
    antwort = client.get(vorschau)
    assert antwort.context["blatt"].gueltig
    assert (antwort.context["anzahl_neu"], antwort.context["anzahl_geaendert"]) == (1, 1)
    antwort = client.post(vorschau)
    assert antwort.status_code == 302
    assert Umsetzungsstand.objects.get(gebiet=land).reifegrad == 3
    stand = Umsetzungsstand.objects.get(gebiet=kreis)
    assert stand.reifegrad == 1
    letzte = stand.history.latest()
    assert letzte.history_user == welt["k"]
    assert letzte.history_change_reason == "Statusblatt status.csv"
    # The stored sheet is gone after applying: no second apply.
    assert client.post(vorschau).status_code == 302
    assert Umsetzungsstand.objects.get(gebiet=land).history.count() == 2


def test_seite_recht_zwischen_vorschau_und_uebernahme_entzogen(client, welt):
    client.force_login(welt["k"])
    antwort = _hochladen(client, _csv(f"20502;{welt['kreis'].ars};3;;;"))
    vorschau = antwort["Location"]
    assert client.get(vorschau).context["blatt"].gueltig
    rollenzuweisung_beenden(zuweisung=Rollenzuweisung.objects.get(user=welt["k"]))
    antwort = client.post(vorschau)
    assert antwort.status_code == 403
    assert not Umsetzungsstand.objects.filter(gebiet=welt["kreis"]).exists()


def test_seite_xlsx_hochladen(client, welt):
    client.force_login(welt["k"])
    antwort = _hochladen(client, _xlsx([[20502, welt["kreis"].ars, 2]]), name="status.xlsx")
    antwort = client.post(antwort["Location"])
    assert antwort.status_code == 302
    assert Umsetzungsstand.objects.get(gebiet=welt["kreis"]).reifegrad == 2


def test_seite_unbrauchbare_datei_fehler_am_feld(client, welt):
    client.force_login(welt["k"])
    antwort = _hochladen(client, b"ozg_id;ars\n1;2\n")
    assert antwort.status_code == 200
    assert "Es fehlen die Spalten reifegrad" in antwort.content.decode()
    assert 'id="id_datei_error"' in antwort.content.decode()


def test_fremdes_blatt_token_unbekannt(client, welt):
    client.force_login(welt["k"])
    antwort = client.get(reverse("bearbeiten:statusblatt_vorschau", args=["unbekannt"]))
    assert antwort.status_code == 302
    assert antwort["Location"] == reverse("bearbeiten:statusblatt_hochladen")


def test_anonym_und_ohne_recht(client, welt):
    url = reverse("bearbeiten:statusblatt_hochladen")
    assert client.get(url)["Location"].startswith(reverse("konto:anmelden"))
    client.force_login(f.UserFactory())
    assert client.get(url).status_code == 403
