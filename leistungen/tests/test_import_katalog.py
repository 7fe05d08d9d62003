"""``manage.py import_katalog``: real 2019 catalogue, every quirk, updates, formats, errors."""

from __future__ import annotations

import codecs
import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from leistungen import katalog_import, services
from leistungen.katalog_import import SPALTEN
from leistungen.models import LeikaLeistung, Leistung
from leistungen.rules import Typkategorie
from leistungen.services import leika_leistungen_anlegen, leistungen_anlegen
from ozgplattform.history import SYSTEM_USERNAME
from ozgplattform.testing.factories import ProgrammmanagementFactory
from themenfelder.models import Lebenslage, Themenfeld

pytestmark = pytest.mark.django_db

PROJEKT = Path(__file__).resolve().parents[2]

# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------

#: A small catalogue in the 2019 column format, without quirks.
MINI = {
    "themenfelder": [["1", "Familie & Kind"], ["2", "Bauen & Wohnen"]],
    "lebenslagen": [
        ["Geburt", "Familie & Kind"],
        ["Eheschließung", "Familie & Kind"],
        ["Wohnen & Umzug", "Bauen & Wohnen"],
    ],
    "ozg_leistungen": [
        ["100", "Elterngeld", "Geburt", "Familie & Kind"],
        ["101", "Kindergeld", "Geburt", "Familie & Kind"],
        ["102", "Wohngeld", "Wohnen & Umzug", "Bauen & Wohnen"],
    ],
    "leika_leistungen": [
        [
            "99041006000000",
            "Elterngeld",
            "2/3",
            "100",
            "§ 1 BEEG [http://www.gesetze-im-internet.de/beeg/__1.html]",
            "Bundeselterngeld- und Elternzeitgesetz",
            "BEEG",
        ],
        ["99041006151000", "Elterngeld Bewilligung", "2/3", "100", "", "", ""],
        ["nicht im LeiKa", "Kindergeld online beantragen", "1", "101", "", "", ""],
        ["99102001000000", "Wohngeld", "4", "102", "§ 1 WoGG", "Wohngeldgesetz", "WoGG"],
    ],
}


def katalog_schreiben(
    ordner: Path,
    daten: dict[str, list[list[str]]] | None = None,
    *,
    trenner: str = ",",
    bom: bool = False,
) -> Path:
    """Write the four CSV files (header + rows) into ``ordner``; returns the folder."""
    ordner.mkdir(parents=True, exist_ok=True)
    for art, zeilen in (daten or MINI).items():
        datei_schreiben(ordner / f"{art}.csv", art, zeilen, trenner=trenner, bom=bom)
    return ordner


def datei_schreiben(
    pfad: Path, art: str, zeilen: list[list[str]], *, trenner: str = ",", bom: bool = False
) -> Path:
    puffer = io.StringIO()
    writer = csv.writer(puffer, delimiter=trenner, lineterminator="\r\n")
    writer.writerow(SPALTEN[art])
    writer.writerows(zeilen)
    pfad.write_bytes((codecs.BOM_UTF8 if bom else b"") + puffer.getvalue().encode("utf-8"))
    return pfad


def mit(art: str, *zeilen: list[str], basis=None) -> dict[str, list[list[str]]]:
    """MINI (or ``basis``) with extra rows appended to one file."""
    daten = {k: [list(z) for z in v] for k, v in (basis or MINI).items()}
    daten[art] += [list(z) for z in zeilen]
    return daten


def importieren(*pfade, **optionen) -> str:
    stdout, stderr = io.StringIO(), io.StringIO()
    optionen.setdefault("no_progress", True)
    call_command("import_katalog", *map(str, pfade), stdout=stdout, stderr=stderr, **optionen)
    return stdout.getvalue()


def bericht(ausgabe: str) -> str:
    """The report without the lines that differ between runs (duration, dry-run note)."""
    return "\n".join(z for z in ausgabe.splitlines() if not z.startswith(("Dauer:", "Trockenlauf")))


def zeile_mit(ausgabe: str, anfang: str) -> str:
    treffer = [z.strip() for z in ausgabe.splitlines() if z.strip().startswith(anfang)]
    assert len(treffer) == 1, f"{anfang!r} nicht genau einmal in:\n{ausgabe}"
    return treffer[0]


def anzahl_meldungen(ausgabe: str, art: str) -> int:
    """Count in the "Meldungen je Art" summary (0 when the kind is absent)."""
    beschreibung = katalog_import.MELDUNGSARTEN[art][1]
    for z in ausgabe.splitlines():
        if z.startswith("    ") and z.strip().startswith(beschreibung + ":"):
            return int(z.rsplit(":", 1)[1].strip().replace(".", ""))
    return 0


def historie() -> int:
    return sum(m.history.count() for m in (Themenfeld, Lebenslage, Leistung, LeikaLeistung))


def bestand() -> tuple[int, int, int, int]:
    return (
        Themenfeld.objects.count(),
        Lebenslage.objects.count(),
        Leistung.objects.count(),
        LeikaLeistung.objects.count(),
    )


# --------------------------------------------------------------------------------------
# the real 2019 catalogue (imported three times in total: dry run, import, re-import)
# --------------------------------------------------------------------------------------


def test_echter_katalog_2019(katalog_2019):
    trocken = importieren(katalog_2019, dry_run=True)
    assert bestand() == (0, 0, 0, 0), "Trockenlauf hat geschrieben"
    assert historie() == 0
    assert not get_user_model().objects.filter(username=SYSTEM_USERNAME).exists()
    assert "Trockenlauf (--dry-run): keine Änderungen gespeichert." in trocken

    ausgabe = importieren(katalog_2019)
    assert bericht(ausgabe) == bericht(trocken), "Trockenlauf berichtet anders als der Import"
    assert "Trockenlauf" not in ausgabe

    # counts: every LeiKa row is handled, imported + skipped = 5,251
    assert bestand() == (14, 55, 557, 5248)
    assert zeile_mit(ausgabe, "Themenfelder:") == (
        "Themenfelder: 14 Zeilen verarbeitet = 14 übernommen "
        "(14 neu, 0 geändert, 0 unverändert) + 0 übersprungen"
    )
    assert zeile_mit(ausgabe, "Lebenslagen:").startswith(
        "Lebenslagen: 55 Zeilen verarbeitet = 55 übernommen (55 neu"
    )
    assert zeile_mit(ausgabe, "OZG-Leistungen:").startswith(
        "OZG-Leistungen: 557 Zeilen verarbeitet = 557 übernommen (557 neu, 0 geändert, "
        "0 unverändert) + 0 übersprungen"
    )
    assert zeile_mit(ausgabe, "LeiKa-Leistungen:").startswith(
        "LeiKa-Leistungen: 5.251 Zeilen verarbeitet = 5.248 übernommen (5.248 neu, "
        "0 geändert, 0 unverändert) + 3 übersprungen"
    )

    # every README quirk, counted
    erwartet = {
        "nicht_im_leika": 436,
        "schluessel_ungueltig": 2,  # "Test 124" (8 digits), "Test 4" (4 digits)
        "doppelt": 1,
        "ohne_ozg_id": 26,
        "ozg_id_unbekannt": 0,
        "leika_typ_unbekannt": 5,  # "6"; "44" is the skipped "Test 4" row
        "leika_typ_fehlt": 8,
        "leika_typ_kombiniert": 21,  # "1, 2/3" x20, "1, 2" x1
        "leika_typ_2_3": 18,  # "2"; the 19th is the skipped "Test 124" row
        "rechtsgrundlage_leer": 1351,  # 1,352 minus the skipped duplicate
        "ungueltig": 0,
    }
    assert {art: anzahl_meldungen(ausgabe, art) for art in erwartet} == erwartet
    assert (
        "leika_leistungen.csv, Zeile 5251, Spalte leika_schluessel = „25323525“: "
        "LeiKa-Schlüssel hat 8 statt 14 Ziffern; Zeile nicht übernommen." in ausgabe
    )
    assert "leika_leistungen.csv, Zeile 5252, Spalte leika_schluessel = „3233“" in ausgabe
    assert "Zeile 4548" in ausgabe and "(erstes Vorkommen: Zeile 4547)" in ausgabe

    # spot checks of real values
    elterngeld = Leistung.objects.get(ozg_id=10000)
    assert elterngeld.name == "Elterngeld"
    assert elterngeld.themenfeld.name == "Familie & Kind"
    assert elterngeld.themenfeld.nummer == 6
    assert elterngeld.lebenslage.name == "Geburt"
    assert elterngeld.im_katalog
    assert elterngeld.typ.kategorie == Typkategorie.FOEDERAL
    assert elterngeld.typ.typen == ("2/3",)
    assert elterngeld.leika_leistungen.count() == 4
    assert Leistung.objects.get(ozg_id=10478).typ.kategorie == Typkategorie.MISCH
    assert LeikaLeistung.objects.filter(schluessel__isnull=True).count() == 435
    assert LeikaLeistung.objects.filter(leistung__isnull=True).count() == 26
    assert not LeikaLeistung.objects.filter(name__startswith="Test ").exists()
    nutzerkonto = LeikaLeistung.objects.get(schluessel="99146004000000")
    assert (nutzerkonto.typ, nutzerkonto.typ_original) == ("", "6")
    assert LeikaLeistung.objects.filter(typ_original="1, 2").get().typ == "1, 2/3"
    zpo = LeikaLeistung.objects.get(schluessel="99046029000000")
    assert zpo.gesetz_kuerzel == "ZPO" and zpo.rechtsgrundlage.startswith("§ 882g")

    # history: one "+" record per object, system account, change reason
    assert historie() == 14 + 55 + 557 + 5248
    h = LeikaLeistung.history.order_by("?").first()
    assert h.history_user.username == SYSTEM_USERNAME
    assert h.history_change_reason == f"Katalogimport {katalog_2019.name}"
    assert Leistung.history.filter(history_user__username=SYSTEM_USERNAME).count() == 557

    # idempotent: second import changes nothing and adds no history
    zweite = importieren(katalog_2019)
    assert historie() == 14 + 55 + 557 + 5248
    assert bestand() == (14, 55, 557, 5248)
    assert zeile_mit(zweite, "LeiKa-Leistungen:").startswith(
        "LeiKa-Leistungen: 5.251 Zeilen verarbeitet = 5.248 übernommen (0 neu, 0 geändert, "
        "5.248 unverändert) + 3 übersprungen; 0 wieder im Katalog, 0 nicht mehr im Katalog"
    )
    assert "(0 neu, 0 geändert, 557 unverändert)" in zeile_mit(zweite, "OZG-Leistungen:")
    assert " geändert:" not in zweite and " neu:" not in zweite


# --------------------------------------------------------------------------------------
# quirks: one small fixture with each of them
# --------------------------------------------------------------------------------------

ZU_LANG = "X" * 501


def test_jede_besonderheit_hat_eine_zeilenmeldung(tmp_path):
    daten = mit(
        "leika_leistungen",
        ["12345678", "Test 124", "2", "100", "asdqw", "", ""],  # line 6
        ["3233", "Test 4", "44", "100", "wqfwe", "", ""],  # line 7
        ["99000000000044", "Typ 44", "44", "100", "§ 1", "", ""],  # line 8
        ["99000000000000", "Ohne Typ", "", "100", "§ 1", "", ""],  # line 9
        ["99000000000012", "Misch", "1, 2/3", "100", "§ 1", "", ""],  # line 10
        ["99000000000002", "Typ zwei", "2", "100", "§ 1", "", ""],  # line 11
        ["99000000000099", "Ohne OZG-ID", "1", "", "§ 1", "", ""],  # line 12
        ["99000000000098", "Unbekannte OZG-ID", "1", "99999", "§ 1", "", ""],  # line 13
        ["nicht im LeiKa", "Kindergeld online beantragen", "1", "101", "", "", ""],  # line 14
        ["99000000000097", ZU_LANG, "1", "100", "§ 1", "", ""],  # line 15
        ["99000000000096", "Zu Nr. 103", "1", "103", "§ 1", "", ""],  # line 16
    )
    daten = mit(
        "ozg_leistungen",
        ["103", "Ohne Lebenslage bekannt", "Gibt es nicht", "Familie & Kind"],  # line 5
        ["104", "Falsches Themenfeld", "Geburt", "Gibt es auch nicht"],  # line 6
        ["105", "N" * 301, "Geburt", "Familie & Kind"],  # line 7
        ["100", "Elterngeld doppelt", "Geburt", "Familie & Kind"],  # line 8
        basis=daten,
    )
    ausgabe = importieren(katalog_schreiben(tmp_path / "katalog", daten), verbosity=2)

    def meldung(text: str) -> None:
        assert text in ausgabe, f"fehlt: {text}\n---\n{ausgabe}"

    datei = "leika_leistungen.csv"
    meldung(
        f"{datei}, Zeile 4, Spalte leika_schluessel = „nicht im LeiKa“: "
        "ohne LeiKa-Schlüssel übernommen."
    )
    meldung(
        f"{datei}, Zeile 6, Spalte leika_schluessel = „12345678“: "
        "LeiKa-Schlüssel hat 8 statt 14 Ziffern; Zeile nicht übernommen."
    )
    meldung(f"{datei}, Zeile 7, Spalte leika_schluessel = „3233“: LeiKa-Schlüssel hat 4 statt")
    meldung(f"{datei}, Zeile 8, Spalte leika_typ = „44“: Unbekannter LeiKa-Typ „44“")
    meldung(f"{datei}, Zeile 9, Spalte leika_typ = „“: LeiKa-Typ fehlt")
    meldung(f"{datei}, Zeile 10, Spalte leika_typ = „1, 2/3“: Mehrere Typen (1, 2/3)")
    meldung(f"{datei}, Zeile 11, Spalte leika_typ = „2“: Typ „2“ als Typ 2/3 geführt.")
    meldung(f"{datei}, Zeile 12, Spalte ozg_id = „“: keine OZG-ID: ohne Zuordnung übernommen.")
    meldung(
        f"{datei}, Zeile 13, Spalte ozg_id = „99999“: OZG-ID 99999 unbekannt "
        "(weder in ozg_leistungen noch in der Datenbank): ohne Zuordnung übernommen."
    )
    meldung(
        f"{datei}, Zeile 14, Spalte leika_leistung = „Kindergeld online beantragen“: "
        "doppelte Zeile, nicht erneut übernommen (erstes Vorkommen: Zeile 4)."
    )
    meldung(f"{datei}, Zeile 15, Spalte leika_leistung = „XXXX")
    assert "höchstens 500 Zeichen" in ausgabe or "at most 500 characters" in ausgabe
    meldung(f"{datei}, Zeile 3, Spalte rechtsgrundlage = „“: ohne Rechtsgrundlage übernommen.")
    meldung(
        "ozg_leistungen.csv, Zeile 5, Spalte lebenslage_geschaeftslage = „Gibt es nicht“: "
        "Lebenslage „Gibt es nicht“ im Themenfeld „Familie & Kind“ unbekannt; "
        "ohne Lebenslage übernommen."
    )
    meldung(
        "ozg_leistungen.csv, Zeile 6, Spalte themenfeld = „Gibt es auch nicht“: "
        "Themenfeld „Gibt es auch nicht“ unbekannt; Zeile übersprungen."
    )
    meldung("ozg_leistungen.csv, Zeile 7, Spalte ozg_leistung = „NNNN")
    meldung(
        "ozg_leistungen.csv, Zeile 8, Spalte ozg_id = „100“: doppelte Zeile, nicht erneut "
        "übernommen (erstes Vorkommen: Zeile 2); abweichend in ozg_leistung."
    )
    assert f"{datei}, Zeile 16" not in ausgabe  # 103 was imported (without Lebenslage)

    # summary per kind and the handled-rows equation
    assert anzahl_meldungen(ausgabe, "schluessel_ungueltig") == 2
    assert anzahl_meldungen(ausgabe, "doppelt") == 2
    assert anzahl_meldungen(ausgabe, "ungueltig") == 2
    assert anzahl_meldungen(ausgabe, "nicht_im_leika") == 2
    assert anzahl_meldungen(ausgabe, "rechtsgrundlage_leer") == 2
    assert zeile_mit(ausgabe, "LeiKa-Leistungen:").startswith(
        "LeiKa-Leistungen: 15 Zeilen verarbeitet = 11 übernommen (11 neu, 0 geändert, "
        "0 unverändert) + 4 übersprungen"
    )
    assert zeile_mit(ausgabe, "OZG-Leistungen:").startswith(
        "OZG-Leistungen: 7 Zeilen verarbeitet = 4 übernommen (4 neu, 0 geändert, "
        "0 unverändert) + 3 übersprungen"
    )

    # what was stored
    assert not LeikaLeistung.objects.filter(name__in=["Test 124", "Test 4", ZU_LANG]).exists()
    typ44 = LeikaLeistung.objects.get(schluessel="99000000000044")
    assert (typ44.typ, typ44.typ_original) == ("", "44")
    assert LeikaLeistung.objects.get(schluessel="99000000000002").typ == "2/3"
    assert LeikaLeistung.objects.get(schluessel="99000000000012").typ == "1, 2/3"
    assert LeikaLeistung.objects.get(schluessel="99000000000099").leistung is None
    assert LeikaLeistung.objects.get(schluessel="99000000000098").leistung is None
    ohne = LeikaLeistung.objects.get(name="Kindergeld online beantragen")
    assert ohne.schluessel is None and ohne.leistung.ozg_id == 101
    assert Leistung.objects.get(ozg_id=103).lebenslage is None
    assert Leistung.objects.get(ozg_id=100).name == "Elterngeld"
    assert not Leistung.objects.filter(ozg_id__in=[104, 105]).exists()
    assert LeikaLeistung.objects.get(schluessel="99000000000096").leistung.ozg_id == 103


def test_zeilenmeldungen_verweisen_auf_uebersprungene_leistung(tmp_path):
    daten = mit("ozg_leistungen", ["105", "N" * 301, "Geburt", "Familie & Kind"])
    daten = mit(
        "leika_leistungen", ["99000000000095", "Zu 105", "1", "105", "", "", ""], basis=daten
    )
    ausgabe = importieren(katalog_schreiben(tmp_path / "k", daten))
    assert (
        "leika_leistungen.csv, Zeile 6, Spalte ozg_id = „105“: OZG-ID 105 wurde nicht "
        "übernommen (ozg_leistungen Zeile 5): ohne Zuordnung übernommen." in ausgabe
    )
    assert LeikaLeistung.objects.get(schluessel="99000000000095").leistung is None


def test_hinweise_nur_mit_v2_einzeln_aufgefuehrt(tmp_path):
    ordner = katalog_schreiben(tmp_path / "k")
    ausgabe = importieren(ordner, dry_run=True)
    assert anzahl_meldungen(ausgabe, "nicht_im_leika") == 1
    assert "Spalte leika_schluessel = „nicht im LeiKa“" not in ausgabe
    ausfuehrlich = importieren(ordner, dry_run=True, verbosity=2)
    assert (
        "leika_leistungen.csv, Zeile 4, Spalte leika_schluessel = „nicht im LeiKa“: "
        "ohne LeiKa-Schlüssel übernommen." in ausfuehrlich
    )


# --------------------------------------------------------------------------------------
# idempotency, updates, dry run
# --------------------------------------------------------------------------------------


def test_zweiter_import_aendert_nichts(tmp_path):
    ordner = katalog_schreiben(tmp_path / "k")
    importieren(ordner)
    vorher, anzahl = historie(), bestand()
    assert anzahl == (2, 3, 3, 4) and vorher == 12
    ausgabe = importieren(ordner)
    assert historie() == vorher
    assert bestand() == anzahl
    assert "(0 neu, 0 geändert, 4 unverändert)" in zeile_mit(ausgabe, "LeiKa-Leistungen:")
    assert "(0 neu, 0 geändert, 3 unverändert)" in zeile_mit(ausgabe, "OZG-Leistungen:")


def test_neuer_katalog_aendert_ergaenzt_und_markiert(tmp_path):
    importieren(katalog_schreiben(tmp_path / "2019"))
    neu = {k: [list(z) for z in v] for k, v in MINI.items()}
    neu["ozg_leistungen"][0][1] = "Elterngeld Plus"  # renamed
    del neu["ozg_leistungen"][2]  # 102 Wohngeld removed
    neu["ozg_leistungen"].append(["106", "Ehenamensänderung", "Eheschließung", "Familie & Kind"])
    neu["leika_leistungen"][1][2] = "1"  # Typ 2/3 → 1
    del neu["leika_leistungen"][3]  # Wohngeld LeiKa removed
    neu["leika_leistungen"].append(["99000000000106", "Ehename", "2/3", "106", "", "", ""])
    ausgabe = importieren(katalog_schreiben(tmp_path / "2020", neu))

    assert Leistung.objects.get(ozg_id=100).name == "Elterngeld Plus"
    wohngeld = Leistung.objects.get(ozg_id=102)
    assert not wohngeld.im_katalog, "nicht mehr aufgeführte Leistung nicht markiert"
    assert not LeikaLeistung.objects.get(schluessel="99102001000000").im_katalog
    assert Leistung.objects.get(ozg_id=106).lebenslage.name == "Eheschließung"
    assert LeikaLeistung.objects.get(schluessel="99041006151000").typ == "1"

    assert (
        "OZG-Leistungen geändert:\n  100 Elterngeld\n    Name: „Elterngeld“ → „Elterngeld Plus“"
        in (ausgabe)
    )
    assert "LeiKa-Typ: „2/3“ → „1“" in ausgabe
    assert "LeiKa-Typ (wie geliefert): „2/3“ → „1“" in ausgabe
    assert (
        "OZG-Leistungen nicht mehr im Katalog (auf „nicht im Katalog“ gesetzt):\n  102 Wohngeld"
        in ausgabe
    )
    assert "LeiKa-Leistungen nicht mehr im Katalog (auf „nicht im Katalog“ gesetzt):\n" in ausgabe
    assert "  99102001000000 Wohngeld (OZG-ID 102)" in ausgabe
    assert "OZG-Leistungen neu:\n  106 Ehenamensänderung" in ausgabe
    assert zeile_mit(ausgabe, "OZG-Leistungen:") == (
        "OZG-Leistungen: 3 Zeilen verarbeitet = 3 übernommen (1 neu, 1 geändert, "
        "1 unverändert) + 0 übersprungen; 0 wieder im Katalog, 1 nicht mehr im Katalog"
    )
    # the marking is a normal change with history (user, reason), nothing is deleted
    letzte = wohngeld.history.first()
    assert letzte.history_type == "~" and letzte.im_katalog is False
    assert letzte.history_change_reason == "Katalogimport 2020"
    assert letzte.history_user.username == SYSTEM_USERNAME
    assert Leistung.objects.count() == 4

    # the old catalogue again: Wohngeld reappears, set back to im_katalog=True
    zurueck = importieren(tmp_path / "2019")
    assert Leistung.objects.get(ozg_id=102).im_katalog
    assert LeikaLeistung.objects.get(schluessel="99102001000000").im_katalog
    assert "1 wieder im Katalog" in zeile_mit(zurueck, "OZG-Leistungen:")
    assert "im Katalog: nein → ja" in zurueck
    assert "  106 Ehenamensänderung" in zurueck  # no longer listed in 2019
    assert Leistung.objects.get(ozg_id=106).im_katalog is False


def test_trockenlauf_schreibt_nichts_und_berichtet_gleich(tmp_path):
    ordner = katalog_schreiben(
        tmp_path / "k", mit("leika_leistungen", ["1234", "Test", "1", "100", "", "", ""])
    )
    trocken = importieren(ordner, dry_run=True)
    assert bestand() == (0, 0, 0, 0) and historie() == 0
    echt = importieren(ordner)
    assert bestand() == (2, 3, 3, 4)
    assert bericht(trocken) == bericht(echt)
    assert "Trockenlauf (--dry-run): keine Änderungen gespeichert." in trocken

    # also on top of existing data: a dry-run update is rolled back completely
    geaendert = {k: [list(z) for z in v] for k, v in MINI.items()}
    geaendert["ozg_leistungen"][0][1] = "Elterngeld Plus"
    vorher = historie()
    importieren(katalog_schreiben(tmp_path / "neu", geaendert), dry_run=True)
    assert Leistung.objects.get(ozg_id=100).name == "Elterngeld"
    assert historie() == vorher


# --------------------------------------------------------------------------------------
# formats
# --------------------------------------------------------------------------------------


def test_bom_und_semikolon_wie_excel(tmp_path):
    ordner = katalog_schreiben(tmp_path / "excel", trenner=";", bom=True)
    assert (ordner / "themenfelder.csv").read_bytes().startswith(codecs.BOM_UTF8 + b"id;")
    ausgabe = importieren(ordner)
    assert bestand() == (2, 3, 3, 4)
    assert Themenfeld.objects.get(nummer=1).name == "Familie & Kind"
    lk = LeikaLeistung.objects.get(schluessel="99041006000000")
    assert lk.rechtsgrundlage == "§ 1 BEEG [http://www.gesetze-im-internet.de/beeg/__1.html]"
    assert lk.gesetze == "Bundeselterngeld- und Elternzeitgesetz"
    assert "Meldungen je Art" in ausgabe


def _blatt(mappe, titel: str, art: str, zeilen) -> None:
    blatt = mappe.create_sheet(titel)
    blatt.append(list(SPALTEN[art]))
    for zeile in zeilen:
        # numbers as Excel stores them: OZG-ID and LeiKa key as numeric cells
        blatt.append([int(w) if w.isdigit() and len(w) in (3, 14) else w for w in zeile])


def test_xlsx_arbeitsmappe_mit_vier_blaettern(tmp_path):
    mappe = openpyxl.Workbook()
    mappe.remove(mappe.active)
    for art, zeilen in MINI.items():
        _blatt(mappe, art, art, zeilen)
    pfad = tmp_path / "katalog.xlsx"
    mappe.save(pfad)
    ausgabe = importieren(pfad)
    assert bestand() == (2, 3, 3, 4)
    assert "Katalogimport aus katalog.xlsx [Blatt themenfelder]" in ausgabe
    assert LeikaLeistung.objects.get(schluessel="99041006000000").leistung.ozg_id == 100
    # idempotent from xlsx too
    assert "(0 neu, 0 geändert, 4 unverändert)" in zeile_mit(importieren(pfad), "LeiKa-Leistungen:")


def test_einzelne_dateien_werden_am_kopf_erkannt_und_gegen_db_aufgeloest(tmp_path):
    importieren(katalog_schreiben(tmp_path / "basis"))
    # a single-sheet workbook with an unrelated name and sheet title
    mappe = openpyxl.Workbook()
    mappe.active.title = "Tabelle1"
    mappe.active.append(list(SPALTEN["ozg_leistungen"]))
    mappe.active.append([107, "Mutterschaftsgeld", "Geburt", "Familie & Kind"])
    xlsx = tmp_path / "export.xlsx"
    mappe.save(xlsx)
    # a CSV with an unrelated name: recognised as leika_leistungen by its header
    csv_datei = datei_schreiben(
        tmp_path / "export.csv",
        "leika_leistungen",
        [["99000000000107", "Mutterschaftsgeld Gewährung", "1", "107", "", "", ""]],
        trenner=";",
    )
    ausgabe = importieren(xlsx, csv_datei)
    assert "Teilimport" in ausgabe
    neu = Leistung.objects.get(ozg_id=107)
    assert neu.themenfeld.name == "Familie & Kind" and neu.lebenslage.name == "Geburt"
    assert LeikaLeistung.objects.get(schluessel="99000000000107").leistung == neu
    # a partial import does not mark what it does not contain
    assert Leistung.objects.filter(im_katalog=False).count() == 0
    assert LeikaLeistung.objects.filter(im_katalog=False).count() == 0
    # a LeiKa file alone links against Leistungen in the database
    nur_leika = datei_schreiben(
        tmp_path / "leika_leistungen.csv",
        "leika_leistungen",
        [["99000000000108", "Kindergeld Festsetzung", "4", "101", "", "", ""]],
    )
    importieren(nur_leika)
    assert LeikaLeistung.objects.get(schluessel="99000000000108").leistung.ozg_id == 101


# --------------------------------------------------------------------------------------
# malformed files: clear error, nothing written
# --------------------------------------------------------------------------------------


def test_fehlende_spalte_im_ordner_nichts_geschrieben(tmp_path):
    ordner = katalog_schreiben(tmp_path / "k")
    kaputt = "ozg_id,ozg_leistung,lebenslage_geschaeftslage\n100,Elterngeld,Geburt\n"
    (ordner / "ozg_leistungen.csv").write_text(kaputt, encoding="utf-8")
    with pytest.raises(CommandError, match=r"ozg_leistungen\.csv: Spalte 'themenfeld' fehlt"):
        importieren(ordner)
    assert bestand() == (0, 0, 0, 0) and historie() == 0


def test_latin1_klarer_kodierungsfehler(tmp_path):
    pfad = tmp_path / "lebenslagen.csv"
    pfad.write_bytes(
        "lebenslage_geschaeftslage,themenfeld\nGeburt,Familie & Kind\n"
        "Eheschließung,Familie & Kind\n".encode("latin-1")
    )
    with pytest.raises(CommandError) as fehler:
        importieren(katalog_schreiben(tmp_path / "ok") / "themenfelder.csv", pfad)
    assert "lebenslagen.csv ist nicht UTF-8 kodiert (Byte 0xdf in Zeile 3)" in str(fehler.value)
    assert "Nichts importiert" in str(fehler.value)
    assert bestand() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("inhalt", "meldung"),
    [
        (b"", "themenfelder.csv: Die Datei ist leer."),
        (b"\r\n\r\n", "themenfelder.csv: Die Datei ist leer."),
        (b"id,themenfeld\r\n", "themenfelder.csv: enthält nur die Kopfzeile"),
        (b'id,themenfeld\r\n1,"Familie\r\n', "themenfelder.csv: kein gültiges CSV"),
        (b"\xff\xfei\x00d\x00", "themenfelder.csv ist UTF-16 kodiert"),
    ],
)
def test_kaputte_csv(tmp_path, inhalt, meldung):
    ordner = katalog_schreiben(tmp_path / "k")
    (ordner / "themenfelder.csv").write_bytes(inhalt)
    with pytest.raises(CommandError, match=meldung.replace(".", r"\.")):
        importieren(ordner)
    assert bestand() == (0, 0, 0, 0)


def test_unlesbare_xlsx_und_unbekannter_kopf(tmp_path):
    kaputt = tmp_path / "katalog.xlsx"
    kaputt.write_bytes(b"PK\x03\x04 kein echtes zip")
    with pytest.raises(CommandError, match=r"katalog\.xlsx ist keine lesbare XLSX-Datei"):
        importieren(kaputt)
    fremd = tmp_path / "fremd.csv"
    fremd.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"fremd\.csv: Art der Datei nicht erkennbar"):
        importieren(fremd)
    with pytest.raises(CommandError, match="nicht gefunden"):
        importieren(tmp_path / "gibt-es-nicht")
    assert bestand() == (0, 0, 0, 0)


def test_unbekannter_benutzer_und_benutzer_in_historie(tmp_path):
    ordner = katalog_schreiben(tmp_path / "k")
    with pytest.raises(CommandError, match="Benutzer „niemand“ unbekannt"):
        importieren(ordner, benutzer="niemand")
    assert bestand() == (0, 0, 0, 0)
    redakteurin = get_user_model().objects.create_user("redakteurin")
    importieren(ordner, benutzer="redakteurin")
    assert {h.history_user_id for h in LeikaLeistung.history.all()} == {redakteurin.pk}
    assert {h.history_user_id for h in Leistung.history.all()} == {redakteurin.pk}
    assert set(Themenfeld.history.values_list("history_change_reason", flat=True)) == {
        "Katalogimport k"
    }


def test_exit_code_bei_fehler(tmp_path):
    pfad = tmp_path / "themenfelder.csv"
    pfad.write_bytes("id,themenfeld\n1,Bäume\n".encode("latin-1"))
    ergebnis = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "import_katalog", str(pfad), "--no-progress"],
        cwd=PROJEKT,
        capture_output=True,
        text=True,
        env={**os.environ, "SECURE_SSL_REDIRECT": "0"},
        check=False,
        timeout=120,
    )
    assert ergebnis.returncode != 0
    assert "themenfelder.csv ist nicht UTF-8 kodiert (Byte 0xe4 in Zeile 2)" in ergebnis.stderr


# --------------------------------------------------------------------------------------
# progress bar, bulk service
# --------------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_fortschrittsbalken_nur_am_terminal(tmp_path):
    ordner = katalog_schreiben(tmp_path / "k")
    terminal = _Terminal()
    call_command("import_katalog", str(ordner), dry_run=True, stdout=io.StringIO(), stderr=terminal)
    assert "LeiKa-Leistungen" in terminal.getvalue()
    for optionen, stderr in (({"no_progress": True}, _Terminal()), ({}, io.StringIO())):
        call_command(
            "import_katalog",
            str(ordner),
            dry_run=True,
            stdout=io.StringIO(),
            stderr=stderr,
            **optionen,
        )
        assert stderr.getvalue() == ""


def test_massenanlage_verweigert_ungepruefte_constraints(monkeypatch):
    """The bulk services check constraints themselves: an unknown one must stop them."""
    monkeypatch.setitem(services._CONSTRAINT_PRUEFUNGEN, LeikaLeistung, {})
    with pytest.raises(ImproperlyConfigured, match="leika_ohne_schluessel_eindeutig"):
        leika_leistungen_anlegen([{"schluessel": None, "name": "x"}])
    assert LeikaLeistung.objects.count() == 0


def test_massenanlage_leistungen_prueft_wie_full_clean(tmp_path):
    importieren(katalog_schreiben(tmp_path / "k"))
    familie = Themenfeld.objects.get(name="Familie & Kind")
    wohnen = Lebenslage.objects.get(name="Wohnen & Umzug")
    vorher = historie()
    ergebnis = leistungen_anlegen(
        [
            {"ozg_id": 100, "name": "schon da", "themenfeld": familie},
            {"ozg_id": 200, "name": "neu", "themenfeld": familie},
            {"ozg_id": 200, "name": "doppelt im Block", "themenfeld": familie},
            {"ozg_id": 201, "name": "ohne Themenfeld"},
            {
                "ozg_id": 202,
                "name": "falsche Lebenslage",
                "themenfeld": familie,
                "lebenslage": wohnen,
            },
            {"ozg_id": 203, "name": "kein Themenfeld", "themenfeld_id": 2**40},
            {"ozg_id": 204, "name": "N" * 301, "themenfeld": familie},
        ],
        user=ProgrammmanagementFactory(username="massen"),
        grund="Massentest",
    )
    fehler = [e.message_dict if isinstance(e, ValidationError) else None for e in ergebnis]
    assert fehler[1] is None and ergebnis[1].pk is not None
    assert [set(f) if f else None for f in fehler] == [
        {"ozg_id"},
        None,
        {"ozg_id"},
        {"themenfeld"},
        {"lebenslage"},
        {"themenfeld"},
        {"name"},
    ]
    assert historie() == vorher + 1
    h = ergebnis[1].history.get()
    assert (h.history_change_reason, h.history_user.username) == ("Massentest", "massen")


def test_massenanlage_prueft_wie_full_clean(tmp_path):
    importieren(katalog_schreiben(tmp_path / "k"))
    elterngeld = Leistung.objects.get(ozg_id=100)
    vorher = historie()
    ergebnis = leika_leistungen_anlegen(
        [
            {"schluessel": "99041006000000", "name": "schon da", "leistung": elterngeld},
            {"schluessel": "99000000000001", "name": "neu", "typ": "1", "leistung": elterngeld},
            {"schluessel": "99000000000001", "name": "doppelt im Block"},
            {"schluessel": None, "name": "Kindergeld online beantragen", "leistung_id": 2**40},
            {
                "schluessel": None,
                "name": "Kindergeld online beantragen",
                "leistung": Leistung.objects.get(ozg_id=101),
            },
            {"schluessel": "123", "name": "kurz"},
            {"schluessel": "99000000000002", "name": "Typ", "typ": "44"},
        ],
        grund="Test",
    )
    fehler = [e.message_dict if isinstance(e, ValidationError) else None for e in ergebnis]
    assert fehler[1] is None and ergebnis[1].pk is not None
    assert set(fehler[0]) == {"schluessel"}
    assert set(fehler[2]) == {"schluessel"}
    assert set(fehler[3]) == {"leistung"}
    assert set(fehler[4]) == {"__all__"}
    assert set(fehler[5]) == {"schluessel"}
    assert set(fehler[6]) == {"typ"}
    assert historie() == vorher + 1
    h = ergebnis[1].history.get()
    assert h.history_change_reason == "Test" and h.history_user.username == SYSTEM_USERNAME


def test_bei_datenbankkonflikt_zeilenweise_weiter(tmp_path, monkeypatch):
    def konflikt(*args, **kwargs):
        raise IntegrityError("gleichzeitige Änderung")

    monkeypatch.setattr(katalog_import, "leika_leistungen_anlegen", konflikt)
    ausgabe = importieren(katalog_schreiben(tmp_path / "k"))
    assert bestand() == (2, 3, 3, 4)
    assert LeikaLeistung.history.count() == 4
    assert "(4 neu, 0 geändert, 0 unverändert)" in zeile_mit(ausgabe, "LeiKa-Leistungen:")
