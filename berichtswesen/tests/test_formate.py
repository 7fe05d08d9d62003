"""Every report type in every format, read back and checked against the data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from berichtswesen.berichte import ARTEN, Format, berichtsart
from berichtswesen.berichte.ausgabe import blattnamen, csv_dateiname
from berichtswesen.kennzahlen import kennzahlen_festhalten
from leistungen.selectors import gesamtfortschritt

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def _parameter(welt, schluessel):
    return {
        "gesamtfortschritt": {},
        "themenfeld": {"themenfeld": welt.tf1.pk},
        "land": {"land": "20"},
        "steuerungsindikatoren": {},
        "steckbrief": {"leistung": welt.l1.pk},
    }[schluessel]


def _flach(text: str) -> str:
    """PDF text on one line, for phrase checks: a line ending in "-" is either a
    hyphenation break or a real hyphen, so both readings are kept (joined by a tab)."""
    getrennt = re.sub(r"\s+", " ", text.replace("-\n", ""))
    mit_strich = re.sub(r"\s+", " ", text.replace("-\n", "-"))
    return f"{getrennt}\t{mit_strich}"


def _erzeugen(welt, schluessel, format, user=None):
    art = berichtsart(schluessel)
    parameter = art.parameter_pruefen(_parameter(welt, schluessel), user)
    schritte = []
    ergebnis = art.erzeugen(
        parameter, format, user=user, fortschritt=lambda p, s: schritte.append((p, s))
    )
    assert schritte[0][0] < schritte[-1][0] == 100
    assert [p for p, _ in schritte] == sorted(p for p, _ in schritte)
    return art, ergebnis


def test_alle_fuenf_arten_registriert():
    assert list(ARTEN) == [
        "gesamtfortschritt",
        "themenfeld",
        "land",
        "steuerungsindikatoren",
        "steckbrief",
    ]


#: Phrases each PDF must contain (besides cover, TOC and page numbers).
PDF_INHALT = {
    "gesamtfortschritt": [
        "Gesamtfortschritt des Programms",
        "Leistungen ab Stufe 3 (bundesweit) 2 50,0 %",
        "Stufe 4 – Online-Transaktion 1 25,0 %",
        "Familie & Kind",
        "Nordland",
        "Klick-Prototyp abgenommen",
        "FIM-Stamminformationen 1",
    ],
    "themenfeld": [
        "Themenfeld-Bericht Familie & Kind",
        "Elterngeld",
        "Kindergeld",
        "Lena Verantwortlich",
        "kein Leistungsverantwortlicher benannt",
        "Schriftformerfordernis streichen",
        "Klick-Prototyp abgenommen",
    ],
    "land": [
        "Länderbericht Nordland",
        "Gemeinde Nordhausen",
        "Kreis Nordheim",
        "Elterngeld digital",
        "Südland",
    ],
    "steuerungsindikatoren": [
        "Steuerungsindikatoren und Verzögerungen",
        "Feinplanung fertig",
        "Klick-Prototyp abgenommen",
        "Referenz live",
    ],
    "steckbrief": [
        "Leistungssteckbrief: Elterngeld",
        "OZG-ID 101",
        "Stufe 4 – Online-Transaktion",
        "FIM-Stamminformationen",
        "Klick-Prototyp abgenommen",
    ],
}

#: TOC entries (section titles) per type.
INHALTSVERZEICHNIS = {
    "gesamtfortschritt": [
        "Überblick",
        "Reifegrad bundesweit",
        "Fortschritt je Land",
        "Entwicklung seit",
    ],
    "themenfeld": ["Leistungen", "Reifegrad je Land", "Risiken", "Offene Anforderungen"],
    "land": ["Status je Leistung", "Status je Gebiet", "Nachnutzungen"],
    "steuerungsindikatoren": ["Überblick je Themenfeld", "Verzögerungen"],
    "steckbrief": ["Stammdaten", "Ergebnistypen", "Umsetzungsstand je Land", "Verlauf"],
}


@pytest.mark.parametrize("schluessel", list(PDF_INHALT))
def test_pdf_text(welt, schluessel):
    _art, ergebnis = _erzeugen(welt, schluessel, Format.PDF)
    assert ergebnis.content_type == "application/pdf"
    assert ergebnis.dateiname.endswith(f"-{timezone.localdate().isoformat()}.pdf")
    assert re.fullmatch(r"[a-z0-9-]+\.pdf", ergebnis.dateiname)
    text, seiten = pdf_text(ergebnis.inhalt)
    n = len(seiten)
    assert n >= 3
    for nr, seite in enumerate(seiten, start=1):
        assert f"Seite {nr} von {n}" in seite
    assert f"Datenstand: {timezone.localdate():%d.%m.%Y}" in seiten[0]
    flach = _flach(text)
    for phrase in PDF_INHALT[schluessel]:
        assert phrase in flach, phrase
    # Table of contents on page 2 with the page number each section starts on.
    for titel in INHALTSVERZEICHNIS[schluessel]:
        zeile = re.search(rf"{re.escape(titel)}[^\n]*?\.{{3,}}\s*(\d+)", seiten[1])
        assert zeile, titel
        seite = int(zeile.group(1))
        assert titel in _flach(seiten[seite - 1]), (titel, seite)


def test_dateinamen_ascii(welt):
    assert _erzeugen(welt, "themenfeld", Format.PDF)[1].dateiname == (
        f"themenfeld-1-familie-kind-{timezone.localdate().isoformat()}.pdf"
    )
    assert _erzeugen(welt, "land", Format.XLSX)[1].dateiname == (
        f"land-20-nordland-{timezone.localdate().isoformat()}.xlsx"
    )


def _mappe(inhalt: bytes):
    return load_workbook(io.BytesIO(inhalt))


def _zeilen(blatt) -> list[tuple]:
    return list(blatt.iter_rows(values_only=True))


@pytest.mark.parametrize("schluessel", list(PDF_INHALT))
def test_xlsx_ein_blatt_je_tabelle(welt, schluessel):
    art, ergebnis = _erzeugen(welt, schluessel, Format.XLSX)
    assert ergebnis.content_type.endswith("spreadsheetml.sheet")
    bericht = art.bericht_bauen(art.parameter_pruefen(_parameter(welt, schluessel), None), None)
    mappe = _mappe(ergebnis.inhalt)
    assert mappe.sheetnames == blattnamen(bericht.tabellen)
    for blatt, tabelle in zip(mappe.worksheets, bericht.tabellen, strict=True):
        assert [c.value for c in blatt[1]] == [s.titel for s in tabelle.spalten]
        assert all(c.font.bold for c in blatt[1])
        assert blatt.freeze_panes == "A2"
        assert blatt.auto_filter.ref.startswith("A1:")
        assert blatt.max_row == len(tabelle.zeilen) + 1


def test_xlsx_typisierte_zellen_gesamtfortschritt(welt):
    _art, ergebnis = _erzeugen(welt, "gesamtfortschritt", Format.XLSX)
    mappe = _mappe(ergebnis.inhalt)
    ueberblick = _zeilen(mappe["Überblick"])
    online = next(z for z in ueberblick if z[0] == "Leistungen ab Stufe 3 (bundesweit)")
    assert online[1] == 2 and isinstance(online[1], int)
    assert online[2] == pytest.approx(0.5)
    zelle = mappe["Überblick"]["C3"]
    assert zelle.number_format == "0.0%"
    laender = {z[1]: z for z in _zeilen(mappe["Länder"])[1:]}
    k = gesamtfortschritt(stichtag=timezone.localdate())
    assert laender["Nordland"][2] == k.online_je_land["20"] == 2  # Land and Kreis
    assert laender["Südland"][3] == pytest.approx(k.anteil_online_land("21"))
    verzug = _zeilen(mappe["Verzögerungen"])
    assert verzug[1][4] == "Klick-Prototyp abgenommen"
    assert isinstance(verzug[1][5], dt.datetime) and verzug[1][5].date() == dt.date(2021, 3, 31)
    assert mappe["Verzögerungen"]["F2"].number_format == "DD.MM.YYYY"


def test_xlsx_themenfeld_reifegrad_je_land(welt):
    _art, ergebnis = _erzeugen(welt, "themenfeld", Format.XLSX)
    blatt = _mappe(ergebnis.inhalt)["Reifegrad je Land"]
    zeilen = _zeilen(blatt)
    assert zeilen[0] == ("OZG-ID", "Leistung", "Nordland", "Südland", "Westland")
    assert zeilen[1] == (101, "Elterngeld", 3, 4, None)
    assert zeilen[2] == (102, "Kindergeld", 3, None, None)
    # Only the Themenfeld's Leistungen: the Baugenehmigung belongs to another one.
    assert all(z[1] != "Baugenehmigung" for z in zeilen)


def _csv(inhalt: bytes) -> list[list[str]]:
    assert inhalt.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(inhalt.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize("schluessel", list(PDF_INHALT))
def test_csv_zip_nichts_fehlt(welt, schluessel):
    art, ergebnis = _erzeugen(welt, schluessel, Format.CSV)
    bericht = art.bericht_bauen(art.parameter_pruefen(_parameter(welt, schluessel), None), None)
    tabellen = bericht.tabellen
    assert len(tabellen) > 1  # every type has several tables → ZIP
    assert ergebnis.content_type == "application/zip"
    assert ergebnis.dateiname.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(ergebnis.inhalt)) as archiv:
        assert archiv.namelist() == [
            csv_dateiname(nr, t.blatt) for nr, t in enumerate(tabellen, start=1)
        ]
        for name, tabelle in zip(archiv.namelist(), tabellen, strict=True):
            zeilen = _csv(archiv.read(name))
            assert zeilen[0] == [s.titel for s in tabelle.spalten]
            assert len(zeilen) == len(tabelle.zeilen) + 1


def test_csv_werte_land(welt):
    _art, ergebnis = _erzeugen(welt, "land", Format.CSV)
    with zipfile.ZipFile(io.BytesIO(ergebnis.inhalt)) as archiv:
        gebiete = _csv(archiv.read("03-gebiete.csv"))
        ueberblick = _csv(archiv.read("01-ueberblick.csv"))
    assert (next(z for z in gebiete if z[3] == "Gemeinde Nordhausen")[:6]) == [
        "102",
        "Kindergeld",
        "200010000001",
        "Gemeinde Nordhausen",
        "Gemeinde",
        "2",
    ]
    assert next(z for z in gebiete if z[3] == "Gemeinde Nordhausen")[6] == (
        timezone.localdate().isoformat()
    )
    assert next(z for z in ueberblick if z[0].startswith("ab Stufe 3")) == [
        "ab Stufe 3 im Land (einschl. Kreise und Gemeinden)",
        "2",
        "50,0",
    ]


def test_csv_eine_tabelle_ergibt_csv(welt):
    from berichtswesen.berichte.ausgabe import Abschnitt, Bericht, Spalte, Tabelle, als_csv

    bericht = Bericht(
        "T",
        "k",
        dt.date(2026, 1, 2),
        [],
        [Abschnitt("A", "a", tabellen=[Tabelle("X", "X", [Spalte("Name")], [["=1+1"]])])],
    )
    inhalt, typ, endung = als_csv(bericht)
    assert (typ, endung) == ("text/csv; charset=utf-8", "csv")
    assert _csv(inhalt) == [["Name"], ["'=1+1"]]


def test_formelinjektion_entschaerft(welt):
    welt.l3.name = '=HYPERLINK("http://evil.example")'
    welt.l3.save()
    _art, ergebnis = _erzeugen(welt, "themenfeld", Format.XLSX)
    zeilen = _zeilen(_mappe(ergebnis.inhalt)["Leistungen"])
    assert '\'=HYPERLINK("http://evil.example")' in [z[1] for z in zeilen]
    _art, ergebnis = _erzeugen(welt, "themenfeld", Format.CSV)
    with zipfile.ZipFile(io.BytesIO(ergebnis.inhalt)) as archiv:
        zeilen = _csv(archiv.read("02-leistungen.csv"))
    assert '\'=HYPERLINK("http://evil.example")' in [z[1] for z in zeilen]


def test_gesamtfortschritt_trend_aus_kennzahlenstaenden(welt):
    heute = timezone.localdate()
    kennzahlen_festhalten(heute - dt.timedelta(days=10))
    kennzahlen_festhalten(heute)
    art = berichtsart("gesamtfortschritt")
    parameter = art.parameter_pruefen(
        {"trend_seit": (heute - dt.timedelta(days=30)).isoformat()}, None
    )
    mappe = _mappe(art.erzeugen(parameter, Format.XLSX).inhalt)
    zeilen = _zeilen(mappe["Entwicklung"])[1:]
    assert [z[0].date() for z in zeilen] == [heute - dt.timedelta(days=10), heute]
    # Ten days ago no Umsetzungsstand was reported yet (their "Stand vom" is today).
    assert [z[2] for z in zeilen] == [0, 2]
    text, _ = pdf_text(art.erzeugen(parameter, Format.PDF).inhalt)
    assert f"Entwicklung seit {heute - dt.timedelta(days=30):%d.%m.%Y}" in text


def test_gesamtfortschritt_mit_katalogfilter(welt):
    art = berichtsart("gesamtfortschritt")
    parameter = art.parameter_pruefen({"themenfeld": [str(welt.tf2.pk)]}, None)
    assert parameter["filter"] == {"themenfeld": [str(welt.tf2.pk)]}
    ergebnis = art.erzeugen(parameter, Format.XLSX)
    assert ergebnis.dateiname.startswith("gesamtfortschritt-gefiltert-")
    ueberblick = _zeilen(_mappe(ergebnis.inhalt)["Überblick"])
    assert ueberblick[1] == ("Leistungen", 1, None)
    _text, seiten = pdf_text(art.erzeugen(parameter, Format.PDF).inhalt)
    assert "Filter: Themenfeld Bauen & Wohnen" in seiten[0]


def test_pdf_tabellenkopf_auf_jeder_seite_und_querformat(welt):
    from pypdf import PdfReader

    from ozgplattform.testing.factories import MeilensteinFactory

    for i in range(90):
        MeilensteinFactory(
            leistung=welt.l2, name=f"Zusatzindikator {i:03d}", geplant=dt.date(2022, 1, 1)
        )
    _art, ergebnis = _erzeugen(welt, "steuerungsindikatoren", Format.PDF)
    _text, seiten = pdf_text(ergebnis.inhalt)
    mit_zeilen = [s for s in seiten if "Zusatzindikator" in s]
    assert len(mit_zeilen) >= 3
    for seite in mit_zeilen:
        assert "Steuerungsindikator geplant erreicht" in seite.replace("\n", " ")

    _art, ergebnis = _erzeugen(welt, "gesamtfortschritt", Format.PDF)
    reader = PdfReader(io.BytesIO(ergebnis.inhalt))
    formate = {}
    for seite in reader.pages:
        text = seite.extract_text()
        breit = seite.mediabox.width > seite.mediabox.height
        for merkmal in ("Anteil landesweit", "Leistungen ab Stufe 3 (bundesweit)"):
            if merkmal in text:
                formate.setdefault(merkmal, set()).add(breit)
    # The Länder table (12 columns) is set in landscape, the overview in portrait.
    assert formate == {"Anteil landesweit": {True}, "Leistungen ab Stufe 3 (bundesweit)": {False}}


def test_xlsx_steuerungsindikatoren_gegen_daten(welt):
    from leistungen.models import Meilenstein

    heute = timezone.localdate()
    _art, ergebnis = _erzeugen(welt, "steuerungsindikatoren", Format.XLSX)
    mappe = _mappe(ergebnis.inhalt)
    ueberblick = {z[1]: z for z in _zeilen(mappe["Überblick"])[1:]}
    # Nr, Themenfeld, Phase, Meilensteine, erreicht, verzögert, Anteil, offen+überfällig, max
    assert ueberblick["Familie & Kind"][3:6] == (1, 0, 1)
    assert ueberblick["Bauen & Wohnen"][3:6] == (2, 1, 1)
    verzoegert = _zeilen(mappe["Verzögerungen"])[1:]
    assert len(verzoegert) == Meilenstein.objects.verzoegert(heute).count() == 2
    # Largest delay first: the Themenfeld milestone planned for January 2020.
    assert verzoegert[0][4] == "Feinplanung fertig"
    assert verzoegert[0][7] == (heute - dt.date(2020, 1, 31)).days
    assert len(_zeilen(mappe["Meilensteine"])) == 1 + Meilenstein.objects.count()


def test_xlsx_laenderbericht_gegen_daten(welt):
    _art, ergebnis = _erzeugen(welt, "land", Format.XLSX)
    mappe = _mappe(ergebnis.inhalt)
    leistungen = {z[1]: z for z in _zeilen(mappe["Leistungen"])[1:]}
    # OZG-ID, Leistung, Themenfeld, Reifegrad Land, höchster, Kreise ≥3, Kreise, Gem. ≥3, Gem.
    assert leistungen["Elterngeld"][3:9] == (3, 3, 0, 1, 0, 1)
    assert leistungen["Kindergeld"][3:9] == (None, 3, 1, 1, 0, 1)
    assert leistungen["Kindergeld"][9] == "kreisweit flächendeckend"
    nachnutzungen = _zeilen(mappe["Nachnutzungen"])[1:]
    assert [(z[1], z[2], z[3], z[5]) for z in nachnutzungen] == [
        ("Elterngeld", "Elterngeld digital", "Südland", "live")
    ]
    gebiete = _zeilen(mappe["Gebiete"])[1:]
    # Only the Gebiete of Nordland (ARS 20…), none of Südland or Westland.
    assert sorted(z[2] for z in gebiete) == ["20", "20", "20001", "200010000001"]
