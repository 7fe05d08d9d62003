"""CSV and XLSX export of a (filtered) Leistungen list: exactly the rows of the list page,
all pages, with the same columns in both formats.

Text cells that a spreadsheet would read as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) get a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .selectors import Katalogzeile

SPALTEN = (
    "OZG-ID",
    "Name",
    "Themenfeld",
    "Lebenslage",
    "Typ",
    "Priorität",
    "Vorgehensmodell",
    "Phase",
    "Reifegrad bundesweit",
    "Flächendeckung",
)

_FORMELZEICHEN = ("=", "+", "-", "@", "\t", "\r")


def entschaerfen(wert):
    """A text cell that cannot start a formula; numbers and empty cells stay as they are."""
    if isinstance(wert, str) and wert.startswith(_FORMELZEICHEN):
        return "'" + wert
    return wert


def zeilenwerte(zeile: Katalogzeile) -> list:
    """The cells of one row, typed (numbers stay numbers), before escaping."""
    leistung = zeile.leistung
    return [
        leistung.ozg_id,
        leistung.name,
        leistung.themenfeld.name,
        leistung.lebenslage.name if leistung.lebenslage_id else "",
        zeile.typ.label,
        leistung.get_prioritaet_display(),
        leistung.get_vorgehensmodell_display(),
        leistung.get_phase_display(),
        zeile.reifegrad_bund,
        str(zeile.flaechendeckung.label),
    ]


def als_csv(zeilen: Iterable[Katalogzeile]) -> bytes:
    """UTF-8 with BOM and ``;`` as delimiter, as German Excel opens it directly."""
    puffer = io.StringIO()
    schreiber = csv.writer(puffer, delimiter=";", lineterminator="\r\n")
    schreiber.writerow(SPALTEN)
    for zeile in zeilen:
        schreiber.writerow(["" if w is None else entschaerfen(w) for w in zeilenwerte(zeile)])
    return ("\ufeff" + puffer.getvalue()).encode("utf-8")


def als_xlsx(zeilen: Iterable[Katalogzeile]) -> bytes:
    """One sheet with a header row, typed cells (OZG-ID and Reifegrad as numbers)."""
    mappe = Workbook()
    blatt = mappe.active
    blatt.title = "Leistungen"
    blatt.append(SPALTEN)
    for zeile in zeilen:
        werte = []
        for wert in zeilenwerte(zeile):
            if isinstance(wert, str):
                wert = entschaerfen(ILLEGAL_CHARACTERS_RE.sub("", wert))
            werte.append(wert)
        blatt.append(werte)
    for zelle in blatt[1]:
        zelle.font = Font(bold=True)
    blatt.freeze_panes = "A2"
    for nr, breite in enumerate((10, 60, 30, 30, 40, 26, 26, 26, 12, 28), start=1):
        blatt.column_dimensions[get_column_letter(nr)].width = breite
    puffer = io.BytesIO()
    mappe.save(puffer)
    return puffer.getvalue()
