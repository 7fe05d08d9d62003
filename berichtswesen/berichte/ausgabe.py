"""The content model of a report and its three output formats.

A report type computes a :class:`Bericht` — cover data plus :class:`Abschnitt`\\ s, each
with optional SVG charts and typed :class:`Tabelle`\\ s — and this module renders it:

* **PDF** with WeasyPrint from ``templates/berichtswesen/pdf/<schluessel>.html`` and the
  print stylesheet ``static/berichtswesen/bericht.css``. The :class:`StatischerFetcher`
  resolves only the project's own static files; everything else (``file://``,
  ``http(s)://``, ``data:``) is refused, so neither the template nor user text in it can
  make WeasyPrint read a local file or reach the network.
* **XLSX** (openpyxl): one sheet per table, typed cells, bold frozen header, autofilter.
* **CSV**: one table → one ``.csv``; several → a ``.zip`` with one CSV per table, named
  like the XLSX sheets. UTF-8 with BOM and ``;`` like ``leistungen/exporte.py``.

Text cells that a spreadsheet would read as a formula are escaped with
:func:`leistungen.exporte.entschaerfen` in both XLSX and CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from weasyprint.urls import URLFetcher, URLFetcherResponse

from leistungen.exporte import entschaerfen

# --------------------------------------------------------------------------------------
# Content model
# --------------------------------------------------------------------------------------

#: Column types: how a value is written to XLSX (number format) and CSV.
TEXT, ZAHL, PROZENT, DATUM = "text", "zahl", "prozent", "datum"


@dataclass(frozen=True)
class Spalte:
    titel: str
    typ: str = TEXT
    #: Column width in XLSX (characters).
    breite: int = 14


@dataclass
class Tabelle:
    """One table: a PDF table, an XLSX sheet, a CSV file.

    Values are typed: ``int``/``float`` for numbers, a fraction (0.5 = 50 %) for
    ``PROZENT`` columns, ``datetime.date`` for dates, ``None`` for empty cells.
    """

    titel: str
    #: Sheet name (≤ 31 characters, unique within the report).
    blatt: str
    spalten: list[Spalte]
    zeilen: list[list] = field(default_factory=list)
    #: Shown instead of an empty table in the PDF.
    leer_text: str = "Keine Einträge."


@dataclass
class Abschnitt:
    titel: str
    anker: str
    text: str = ""
    diagramme: list[SafeString] = field(default_factory=list)
    tabellen: list[Tabelle] = field(default_factory=list)

    @property
    def breit(self) -> bool:
        """Set in landscape: a table with many columns."""
        return any(len(t.spalten) > 9 for t in self.tabellen)


@dataclass
class Bericht:
    titel: str
    #: The report's subject in the file name (ASCII after :func:`dateiteil`).
    kontext: str
    stichtag: dt.date
    #: (label, value) pairs shown on the cover.
    parameter: list[tuple[str, str]]
    abschnitte: list[Abschnitt]
    untertitel: str = ""
    erstellt: dt.datetime = field(default_factory=timezone.localtime)

    @property
    def tabellen(self) -> list[Tabelle]:
        return [t for a in self.abschnitte for t in a.tabellen]


# --------------------------------------------------------------------------------------
# Cell formatting
# --------------------------------------------------------------------------------------


def zahl_de(wert: float, stellen: int = 1) -> str:
    """German number text: decimal comma."""
    if isinstance(wert, int):
        return str(wert)
    return f"{wert:.{stellen}f}".replace(".", ",")


def anzeige(wert, typ: str) -> str:
    """The text of a cell in the PDF (and CSV)."""
    if wert is None or wert == "":
        return "–" if typ != TEXT else ""
    if typ == PROZENT:
        return f"{zahl_de(float(wert) * 100)} %"
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    if isinstance(wert, dt.date):
        return wert.strftime("%d.%m.%Y")
    if isinstance(wert, float):
        return zahl_de(wert)
    return str(wert)


def _csv_wert(wert, typ: str):
    if wert is None:
        return ""
    if typ == PROZENT:
        return zahl_de(float(wert) * 100)
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    if isinstance(wert, dt.date):
        return wert.isoformat()
    if isinstance(wert, float):
        return zahl_de(wert, 4).rstrip("0").rstrip(",")
    if isinstance(wert, str):
        return entschaerfen(wert)
    return wert


_UMLAUTE = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def dateiteil(text: str) -> str:
    """ASCII-safe part of a file name: umlauts transliterated, other characters dropped."""
    text = unicodedata.normalize("NFKD", str(text).translate(_UMLAUTE))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "bericht"


def dateiname(schluessel: str, bericht: Bericht, endung: str) -> str:
    return (
        f"{dateiteil(schluessel)}-{dateiteil(bericht.kontext)}-"
        f"{bericht.stichtag.isoformat()}.{endung}"
    )


def csv_dateiname(nr: int, blatt: str) -> str:
    """Name of a table's CSV inside the ZIP: order number and the sheet name (ASCII)."""
    return f"{nr:02d}-{dateiteil(blatt)}.csv"


# --------------------------------------------------------------------------------------
# CSV / ZIP
# --------------------------------------------------------------------------------------


def tabelle_als_csv(tabelle: Tabelle) -> bytes:
    """UTF-8 with BOM, ``;`` separator, CRLF — as ``leistungen.exporte.als_csv``."""
    puffer = io.StringIO()
    schreiber = csv.writer(puffer, delimiter=";", lineterminator="\r\n")
    schreiber.writerow([entschaerfen(s.titel) for s in tabelle.spalten])
    for zeile in tabelle.zeilen:
        schreiber.writerow(
            [_csv_wert(w, s.typ) for w, s in zip(zeile, tabelle.spalten, strict=True)]
        )
    return ("\ufeff" + puffer.getvalue()).encode("utf-8")


def als_csv(bericht: Bericht) -> tuple[bytes, str, str]:
    """(content, content type, extension): a CSV for one table, else a ZIP of CSVs."""
    tabellen = bericht.tabellen
    if len(tabellen) == 1:
        return tabelle_als_csv(tabellen[0]), "text/csv; charset=utf-8", "csv"
    puffer = io.BytesIO()
    with zipfile.ZipFile(puffer, "w", zipfile.ZIP_DEFLATED) as archiv:
        for nr, tabelle in enumerate(tabellen, start=1):
            archiv.writestr(csv_dateiname(nr, tabelle.blatt), tabelle_als_csv(tabelle))
    return puffer.getvalue(), "application/zip", "zip"


# --------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------

_ZAHLENFORMAT = {PROZENT: "0.0%", DATUM: "DD.MM.YYYY"}
_BLATT_VERBOTEN = re.compile(r"[\[\]:*?/\\]")


def blattnamen(tabellen: list[Tabelle]) -> list[str]:
    """Valid, unique sheet names (≤ 31 characters, no ``[]:*?/\\``)."""
    namen: list[str] = []
    for tabelle in tabellen:
        basis = _BLATT_VERBOTEN.sub("-", tabelle.blatt)[:31] or "Tabelle"
        name, n = basis, 2
        while name.lower() in (x.lower() for x in namen):
            endung = f" ({n})"
            name, n = basis[: 31 - len(endung)] + endung, n + 1
        namen.append(name)
    return namen


def als_xlsx(bericht: Bericht) -> bytes:
    mappe = Workbook()
    mappe.remove(mappe.active)
    for tabelle, name in zip(bericht.tabellen, blattnamen(bericht.tabellen), strict=True):
        blatt = mappe.create_sheet(name)
        blatt.append([s.titel for s in tabelle.spalten])
        for zeile in tabelle.zeilen:
            werte = []
            for wert in zeile:
                if isinstance(wert, str):
                    wert = entschaerfen(ILLEGAL_CHARACTERS_RE.sub("", wert))
                elif isinstance(wert, dt.datetime):
                    wert = timezone.localtime(wert).replace(tzinfo=None)
                werte.append(wert)
            blatt.append(werte)
        for zelle in blatt[1]:
            zelle.font = Font(bold=True)
        blatt.freeze_panes = "A2"
        letzte = get_column_letter(max(len(tabelle.spalten), 1))
        blatt.auto_filter.ref = f"A1:{letzte}{len(tabelle.zeilen) + 1}"
        for nr, spalte in enumerate(tabelle.spalten, start=1):
            buchstabe = get_column_letter(nr)
            blatt.column_dimensions[buchstabe].width = spalte.breite
            if spalte.typ in _ZAHLENFORMAT:
                for (zelle,) in blatt.iter_rows(min_row=2, min_col=nr, max_col=nr):
                    zelle.number_format = _ZAHLENFORMAT[spalte.typ]
    puffer = io.BytesIO()
    mappe.save(puffer)
    return puffer.getvalue()


# --------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------

#: Base URL of the report HTML. ``.invalid`` never resolves (RFC 2606); only the
#: :class:`StatischerFetcher` answers for it, and only for static files.
BASIS_URL = "https://bericht.ozg-plattform.invalid/"


class ZugriffVerweigert(ValueError):
    """The fetcher refuses a URL (not one of the project's static files)."""


def statische_datei(url: str) -> Path:
    """The local path of a static file addressed by ``url`` (``BASIS_URL`` + static URL),
    found through the staticfiles finders. Anything else raises :class:`ZugriffVerweigert`."""
    teile = urlsplit(url)
    basis = urlsplit(BASIS_URL)
    if (teile.scheme, teile.netloc) != (basis.scheme, basis.netloc):
        raise ZugriffVerweigert(f"Externe Ressource nicht erlaubt: {url}")
    praefix = "/" + settings.STATIC_URL.strip("/") + "/"
    pfad = unquote(teile.path)
    if not pfad.startswith(praefix):
        raise ZugriffVerweigert(f"Nur statische Dateien des Projekts erlaubt: {url}")
    relativ = pfad[len(praefix) :]
    if not relativ or ".." in Path(relativ).parts or relativ.startswith("/"):
        raise ZugriffVerweigert(f"Ungültiger Pfad: {url}")
    gefunden = finders.find(relativ)
    if not gefunden and staticfiles_storage.exists(relativ):
        # Deployed without the sources: the collected (possibly hashed) files.
        gefunden = staticfiles_storage.path(relativ)
    if not gefunden:
        raise ZugriffVerweigert(f"Statische Datei nicht gefunden: {url}")
    return Path(gefunden)


_TYPEN = {
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


@functools.lru_cache(maxsize=32)
def _schrift_entpackt(pfad: Path, mtime: float) -> bytes:
    """A WOFF2 font decompressed to OpenType once per process: WeasyPrint would otherwise
    decompress every font of every report again (most of a short report's time)."""
    from fontTools.ttLib import woff2

    logging.getLogger("fontTools").setLevel(logging.WARNING)
    ausgabe = io.BytesIO()
    woff2.decompress(io.BytesIO(pfad.read_bytes()), ausgabe)
    return ausgabe.getvalue()


class StatischerFetcher(URLFetcher):
    """WeasyPrint URL fetcher that serves the project's static files and nothing else."""

    def __init__(self):
        super().__init__(allowed_protocols=("https",), allow_redirects=False)

    def fetch(self, url, headers=None):
        pfad = statische_datei(url)
        if pfad.suffix == ".woff2":
            inhalt = _schrift_entpackt(pfad, pfad.stat().st_mtime)
            return URLFetcherResponse(url, inhalt, {"Content-Type": "font/otf"})
        return URLFetcherResponse(
            url,
            pfad.read_bytes(),
            {"Content-Type": _TYPEN.get(pfad.suffix, "application/octet-stream")},
        )

    def open(self, url, data=None, timeout=None):  # never the urllib machinery
        return self.fetch(getattr(url, "full_url", url))


#: The print stylesheet, addressed by its source name (not the hashed name of the
#: manifest storage), so the fetcher finds it with the staticfiles finders.
STYLESHEET = "berichtswesen/bericht.css"


def statische_url(name: str) -> str:
    return "/" + settings.STATIC_URL.strip("/") + "/" + name


def als_html(bericht: Bericht, template: str) -> str:
    return render_to_string(
        template,
        {
            "stylesheet": statische_url(STYLESHEET),
            "bericht": bericht,
            "abschnitte": [
                (
                    a,
                    [_pdf_diagramm(d) for d in a.diagramme],
                    [(t, _pdf_zeilen(t)) for t in a.tabellen],
                )
                for a in bericht.abschnitte
            ],
        },
    )


def _pdf_diagramm(svg: SafeString) -> SafeString:
    """The page's chart with the report's typeface: WeasyPrint does not apply the
    document's stylesheet inside an inline SVG, whose own style says ``sans-serif``."""
    return mark_safe(  # noqa: S308 — the chart is already escaped SVG; only the font changes
        str(svg).replace("font:13px sans-serif", "font:13px 'Fira Sans',sans-serif")
    )


def _pdf_zeilen(tabelle: Tabelle) -> list[list[tuple[str, str]]]:
    """Cells as (text, type) for the template."""
    return [
        [(anzeige(w, s.typ), s.typ) for w, s in zip(zeile, tabelle.spalten, strict=True)]
        for zeile in tabelle.zeilen
    ]


def als_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=BASIS_URL, url_fetcher=StatischerFetcher()).write_pdf()
