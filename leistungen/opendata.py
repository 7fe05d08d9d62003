"""Open-data export of the Umsetzungsstand by region (selector and formats).

For a region (a Land, Kreis or Gemeinde, given by its ARS): its own Umsetzungsstände,
optionally those of the levels above (the Land of a Kreis; the Land and Kreis of a
Gemeinde) and below (the Kreise and Gemeinden inside), one row per reported
Umsetzungsstand, ordered by ARS and OZG-ID — so the data can be compared with the
federal dashboard's export. Bund-level Umsetzungsstände are not modelled (a Gebiet is a
Land, Kreis or Gemeinde); the nationwide view is the category ``bundesweit`` of the
Flächendeckung.

Only public data, whoever asks: rows pass ``restrict`` as for an anonymous visitor, and
the online service's URL follows the public rule (shown from Reifegrad 2 on, §5.6).

Queries: five, whatever the number of rows (Länder, region, LeiKa keys, the online
Umsetzungsstände for the Flächendeckung, the rows — the rows streamed from one cursor).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from ozgplattform.choices import ARS_LAENGE, GEBIETS_ARTEN, OrganisationsArt
from ozgplattform.models import Organisation
from ozgplattform.rechte import restrict

from . import rules
from .choices import REIFEGRAD_OZG_KONFORM, REIFEGRAD_URL_SICHTBAR, Flaechendeckung, Reifegrad
from .exporte import entschaerfen
from .models import LeikaLeistung, Leistung, Umsetzungsstand

#: Levels that can be added to the region's own rows (``?ebenen=darueber,darunter``).
DARUEBER = "darueber"
DARUNTER = "darunter"
EBENEN = (DARUEBER, DARUNTER)
FORMATE = ("json", "csv", "xlsx")

#: Columns of every format, in this order (JSON keys, CSV/XLSX header row).
SPALTEN = (
    "ozg_id",
    "leistung",
    "leika_schluessel",
    "ars",
    "region",
    "ebene",
    "land_ars",
    "land",
    "online_url",
    "reifegrad",
    "reifegrad_label",
    "flaechendeckung",
    "flaechendeckung_label",
    "stichtag",
    "geaendert",
)

_ARS = re.compile(r"^\d+$")
#: Every requester reads the export as the public does.
_OEFFENTLICH = AnonymousUser()


class UngueltigeAnfrage(ValueError):
    """A parameter of the export is unusable; ``feld`` names it, the message is German."""

    def __init__(self, feld: str, meldung: str):
        self.feld = feld
        super().__init__(meldung)


@dataclass(frozen=True)
class Region:
    ars: str
    name: str
    ebene: str
    land_ars: str
    land_name: str

    def als_dict(self) -> dict[str, str]:
        return {
            "ars": self.ars,
            "name": self.name,
            "ebene": self.ebene,
            "land_ars": self.land_ars,
            "land": self.land_name,
        }


@dataclass
class Export:
    """The export of one region: metadata and the rows, produced lazily."""

    region: Region
    ebenen: tuple[str, ...]
    erstellt: dt.datetime
    zeilen: Iterator[dict[str, Any]]

    def kopf(self) -> dict[str, Any]:
        return {
            "region": self.region.als_dict(),
            "ebenen": list(self.ebenen),
            "erstellt": self.erstellt.isoformat(),
        }


# --------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------


def ebenen_lesen(werte: Iterable[str]) -> tuple[str, ...]:
    """``darueber``/``darunter`` from ``?ebenen=`` (comma-separated or repeated)."""
    gewaehlt = {t.strip().lower() for wert in werte for t in wert.split(",")}
    gewaehlt.discard("")
    unbekannt = sorted(gewaehlt - set(EBENEN))
    if unbekannt:
        raise UngueltigeAnfrage(
            "ebenen",
            f"Unbekannte Ebene {', '.join(unbekannt)}; erlaubt sind {', '.join(EBENEN)}.",
        )
    return tuple(e for e in EBENEN if e in gewaehlt)


def format_lesen(wert: str | None) -> str:
    wert = (wert or "json").strip().lower()
    if wert not in FORMATE:
        raise UngueltigeAnfrage(
            "format", f"Unbekanntes Format „{wert}“; erlaubt sind {', '.join(FORMATE)}."
        )
    return wert


def _laender() -> dict[str, str]:
    return dict(
        restrict(Organisation.objects.laender(), _OEFFENTLICH)
        .filter(ars__isnull=False)
        .values_list("ars", "name")
    )


def region_finden(ars: str | None, laender: dict[str, str]) -> Region:
    """The Gebiet with this ARS, or :class:`UngueltigeAnfrage` (missing, malformed,
    unknown)."""
    ars = (ars or "").strip()
    laengen = sorted(ARS_LAENGE.values())
    if not ars:
        raise UngueltigeAnfrage("ars", "Bitte einen Amtlichen Regionalschlüssel angeben (ars).")
    if not _ARS.fullmatch(ars) or not ars.isascii() or len(ars) not in laengen:
        raise UngueltigeAnfrage(
            "ars",
            f"„{ars}“ ist kein Amtlicher Regionalschlüssel: ein Land hat 2, ein Kreis 5, "
            "eine Gemeinde 12 Ziffern.",
        )
    gebiet = (
        restrict(Organisation.objects.gebiete(), _OEFFENTLICH)
        .filter(ars=ars)
        .values_list("ars", "name", "art")
        .first()
    )
    if gebiet is None or ars[:2] not in laender:
        raise UngueltigeAnfrage(
            "ars", f"Zum ARS {ars} gibt es kein Land, keinen Kreis, keine Gemeinde."
        )
    return Region(gebiet[0], gebiet[1], gebiet[2], ars[:2], laender[ars[:2]])


# --------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------


def staende(region: Region, ebenen: Iterable[str]) -> Any:
    """The public Umsetzungsstände of the region and the chosen levels (a queryset)."""
    q = Q(gebiet__ars=region.ars)
    if DARUEBER in ebenen:
        oben = [region.ars[:n] for n in sorted(ARS_LAENGE.values()) if n < len(region.ars)]
        q |= Q(gebiet__ars__in=oben)
    if DARUNTER in ebenen:
        q |= Q(gebiet__ars__startswith=region.ars) & ~Q(gebiet__ars=region.ars)
    return restrict(
        Umsetzungsstand.objects.filter(q, gebiet__art__in=GEBIETS_ARTEN).filter(
            leistung__in=restrict(Leistung.objects.all(), _OEFFENTLICH)
        ),
        _OEFFENTLICH,
    )


def _leika(leistung_ids) -> dict[int, list[str]]:
    schluessel: dict[int, list[str]] = defaultdict(list)
    for leistung_id, wert in (
        restrict(LeikaLeistung.objects.all(), _OEFFENTLICH)
        .filter(leistung_id__in=leistung_ids, schluessel__isnull=False)
        .order_by("schluessel")
        .values_list("leistung_id", "schluessel")
    ):
        schluessel[leistung_id].append(wert)
    return schluessel


def _flaechendeckung(leistung_ids, land_ars: str, laender_ars: list[str]) -> dict[int, str]:
    """Category per Leistung in the region's Land (``rules``): bundesweit when every
    Land offers it landesweit, else landesweit / kreisweit / in mindestens einer
    Kommune / nicht verfügbar in this Land. Leistungen not listed: nicht verfügbar."""
    online: dict[int, list[rules.Stand]] = defaultdict(list)
    for leistung_id, ars, reifegrad in (
        restrict(Umsetzungsstand.objects.all(), _OEFFENTLICH)
        .filter(leistung_id__in=leistung_ids, reifegrad__gte=REIFEGRAD_OZG_KONFORM)
        .filter(Q(gebiet__art=OrganisationsArt.LAND) | Q(gebiet__ars__startswith=land_ars))
        .values_list("leistung_id", "gebiet__ars", "reifegrad")
    ):
        online[leistung_id].append(rules.Stand(ars, reifegrad))
    kategorien = {}
    for leistung_id, eigene in online.items():
        bund = rules.flaechendeckung_bund(laender_ars, eigene)
        if bund.kategorie == Flaechendeckung.BUNDESWEIT:
            kategorien[leistung_id] = Flaechendeckung.BUNDESWEIT
        else:
            kategorien[leistung_id] = rules.flaechendeckung_land(land_ars, eigene)
    return kategorien


def export(ars: str | None, ebenen: Iterable[str] = ()) -> Export:
    """The export of the region ``ars``; raises :class:`UngueltigeAnfrage` before any
    row is produced. The rows are read lazily (stream them)."""
    laender = _laender()
    region = region_finden(ars, laender)
    ebenen = tuple(e for e in EBENEN if e in set(ebenen))
    auswahl = staende(region, ebenen)
    leistung_ids = auswahl.values("leistung_id")
    leika = _leika(leistung_ids)
    flaeche = _flaechendeckung(leistung_ids, region.land_ars, sorted(laender))

    def zeilen() -> Iterator[dict[str, Any]]:
        for (
            ozg_id,
            name,
            leistung_id,
            gebiet_ars,
            gebiet_name,
            art,
            online_url,
            reifegrad,
            stichtag,
            geaendert,
        ) in (
            auswahl.order_by("gebiet__ars", "leistung__ozg_id")
            .values_list(
                "leistung__ozg_id",
                "leistung__name",
                "leistung_id",
                "gebiet__ars",
                "gebiet__name",
                "gebiet__art",
                "online_url",
                "reifegrad",
                "stichtag",
                "geaendert",
            )
            .iterator(chunk_size=2000)
        ):
            kategorie = Flaechendeckung(flaeche.get(leistung_id, Flaechendeckung.KEINE))
            yield {
                "ozg_id": ozg_id,
                "leistung": name,
                "leika_schluessel": leika.get(leistung_id, []),
                "ars": gebiet_ars,
                "region": gebiet_name,
                "ebene": art,
                "land_ars": region.land_ars,
                "land": region.land_name,
                "online_url": online_url if reifegrad >= REIFEGRAD_URL_SICHTBAR else "",
                "reifegrad": reifegrad,
                "reifegrad_label": str(Reifegrad(reifegrad).label),
                "flaechendeckung": kategorie.value,
                "flaechendeckung_label": str(kategorie.label),
                "stichtag": stichtag,
                "geaendert": geaendert,
            }

    return Export(region=region, ebenen=ebenen, erstellt=timezone.now(), zeilen=zeilen())


# --------------------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------------------


def als_json(daten: Export) -> Iterator[str]:
    """``{"region": …, "ebenen": […], "erstellt": …, "zeilen": [ … ]}`` in pieces."""
    kopf = json.dumps(daten.kopf(), ensure_ascii=False)
    yield kopf[:-1] + ', "zeilen": ['
    erste = True
    for zeile in daten.zeilen:
        yield (
            ("" if erste else ",")
            + "\n"
            + json.dumps(zeile, cls=DjangoJSONEncoder, ensure_ascii=False)
        )
        erste = False
    yield "\n]}\n"


def _text(zeile: dict[str, Any]) -> list:
    """Cells of one row for CSV/XLSX: LeiKa keys joined, text escaped against formulas."""
    werte = []
    for spalte in SPALTEN:
        wert = zeile[spalte]
        if spalte == "leika_schluessel":
            wert = ", ".join(wert)
        werte.append(entschaerfen(wert) if isinstance(wert, str) else wert)
    return werte


def als_csv(daten: Export) -> Iterator[str]:
    """UTF-8 with BOM, ``;``-separated, CRLF (as German Excel opens it directly, like
    the Leistungen export); dates ISO 8601; one header row with :data:`SPALTEN`."""
    puffer = io.StringIO()
    schreiber = csv.writer(puffer, delimiter=";", lineterminator="\r\n")
    schreiber.writerow(SPALTEN)
    yield "\ufeff" + puffer.getvalue()
    for zeile in daten.zeilen:
        puffer.seek(0)
        puffer.truncate()
        werte = _text(zeile)
        werte[SPALTEN.index("geaendert")] = zeile["geaendert"].isoformat()
        schreiber.writerow(["" if w is None else w for w in werte])
        yield puffer.getvalue()


def als_xlsx(daten: Export) -> bytes:
    """One sheet, header row, typed cells: OZG-ID, Reifegrad numbers; Stichtag a date,
    last change a date-time (local time); ARS as text (leading zeros)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    mappe = Workbook(write_only=True)
    blatt = mappe.create_sheet("Umsetzungsstand")
    blatt.append(list(SPALTEN))
    for zeile in daten.zeilen:
        werte = []
        for spalte, wert in zip(SPALTEN, _text(zeile), strict=True):
            if isinstance(wert, str):
                wert = ILLEGAL_CHARACTERS_RE.sub("", wert)
            elif spalte == "geaendert":
                wert = timezone.localtime(wert).replace(tzinfo=None)
            werte.append(wert)
        blatt.append(werte)
    puffer = io.BytesIO()
    mappe.save(puffer)
    return puffer.getvalue()
