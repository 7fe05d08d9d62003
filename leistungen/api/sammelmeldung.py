"""Sammelmeldung: many Umsetzungsstände in one request, all or nothing.

The API adapter over ``leistungen.statusblatt`` (the same reader, checker and writer as
the page's status-sheet upload): parsers that cap the body size, the reading of the
three body forms (JSON, CSV, XLSX) into raw rows, and the error and result shapes.
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.reverse import reverse

from leistungen import statusblatt
from ozgplattform.filtersets import JaNeinFeld

#: API keys of the changes (``statusblatt`` carries the German display words).
AENDERUNG = {
    statusblatt.NEU: "neu",
    statusblatt.GEAENDERT: "geaendert",
    statusblatt.UNVERAENDERT: "unveraendert",
}
JSON_SCHLUESSEL = frozenset({"zeilen", "nur_pruefen"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Sammelfehler(APIException):
    """400 ``{"detail": "…", "fehler": [{"zeile", "feld", "meldung"}, …]}``.

    The view answers with :attr:`daten` (row numbers stay numbers); should the exception
    reach DRF's handler instead (raised by a parser outside the view), the same shape
    arrives with every value as text.
    """

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "sammelmeldung_fehlerhaft"

    def __init__(self, detail: str, fehler: list[dict[str, Any]] | None = None):
        self.daten = {"detail": detail, "fehler": fehler or []}
        super().__init__(self.daten)


class ZuGross(Sammelfehler):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "zu_gross"


def _begrenzt(stream) -> bytes:
    inhalt = stream.read(statusblatt.MAX_BYTES + 1) if stream is not None else b""
    if len(inhalt) > statusblatt.MAX_BYTES:
        raise ZuGross(
            f"Die Anfrage ist größer als {statusblatt.MAX_BYTES // (1024 * 1024)} MB; "
            f"bitte in mehrere Sammelmeldungen aufteilen."
        )
    return inhalt


class BegrenzterJsonParser(JSONParser):
    """JSON of at most ``statusblatt.MAX_BYTES`` bytes (else 413)."""

    def parse(self, stream, media_type=None, parser_context=None):
        return super().parse(io.BytesIO(_begrenzt(stream)), media_type, parser_context)


class CsvParser(BaseParser):
    """``text/csv``: the body as bytes (decoded by ``statusblatt``)."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        return _begrenzt(stream)


class XlsxParser(CsvParser):
    media_type = XLSX


def ja_nein(wert: Any, name: str) -> bool:
    """A boolean query or JSON value (``1``/``0``, ``true``/``false``, ``ja``/``nein``)."""
    try:
        return bool(JaNeinFeld().to_python(wert))
    except forms.ValidationError as e:
        raise Sammelfehler(
            f"„{name}“: {' '.join(e.messages)}",
            [{"zeile": None, "feld": name, "meldung": " ".join(e.messages)}],
        ) from e


def rohzeilen_lesen(request) -> tuple[list[dict[str, Any]], bool]:
    """Raw rows of the body and whether this is only a dry run."""
    nur_pruefen = ja_nein(request.query_params.get("pruefen", ""), "pruefen")
    daten = request.data
    try:
        if not isinstance(daten, bytes) and request.content_type.startswith(("text/csv", XLSX)):
            raise Sammelfehler("Die Anfrage enthält keine Daten.")
        if isinstance(daten, bytes):
            if request.content_type.startswith(XLSX):
                return statusblatt.lesen(daten, "sammelmeldung.xlsx"), nur_pruefen
            return statusblatt.csv_lesen(daten), nur_pruefen
        if not isinstance(daten, dict):
            raise Sammelfehler('Erwartet wird ein JSON-Objekt {"zeilen": […]}.')
        unbekannt = sorted(set(daten) - JSON_SCHLUESSEL)
        if unbekannt:
            raise Sammelfehler(
                f"Unbekannte Felder: {', '.join(unbekannt)} (erlaubt: zeilen, nur_pruefen).",
                [{"zeile": None, "feld": n, "meldung": "Unbekanntes Feld."} for n in unbekannt],
            )
        if "zeilen" not in daten:
            raise Sammelfehler(
                "„zeilen“ fehlt.",
                [{"zeile": None, "feld": "zeilen", "meldung": "Dieses Feld ist erforderlich."}],
            )
        if "nur_pruefen" in daten:
            nur_pruefen = nur_pruefen or ja_nein(daten["nur_pruefen"], "nur_pruefen")
        return statusblatt.json_lesen(daten["zeilen"]), nur_pruefen
    except statusblatt.BlattZuGross as e:
        raise ZuGross(str(e)) from e
    except statusblatt.BlattFehler as e:
        raise Sammelfehler(str(e)) from e


def zeilenfehler(blatt: statusblatt.Blatt) -> Sammelfehler:
    fehler = [
        {"zeile": zeile.nummer, "feld": p.feld, "meldung": p.meldung}
        for zeile in blatt.fehlerhaft
        for p in zeile.probleme
    ]
    anzahl = len(blatt.fehlerhaft)
    return Sammelfehler(
        f"{anzahl} von {len(blatt.zeilen)} Zeilen {'ist' if anzahl == 1 else 'sind'} "
        "fehlerhaft; nichts wurde gespeichert.",
        fehler,
    )


def uebernahmefehler(e: statusblatt.UebernahmeFehler) -> Sammelfehler:
    return Sammelfehler(
        f"Zeile {e.zeile.nummer} ließ sich nicht speichern; nichts wurde gespeichert.",
        [{"zeile": e.zeile.nummer, "feld": e.feld, "meldung": e.meldung}],
    )


def antwort(blatt: statusblatt.Blatt, *, nur_pruefen: bool, request) -> dict[str, Any]:
    zeilen = []
    for zeile in blatt.zeilen:
        stand = zeile.gespeichert or zeile.vorher
        zeilen.append(
            {
                "zeile": zeile.nummer,
                "ozg_id": zeile.ozg_id,
                "ars": zeile.ars,
                "gebiet_name": zeile.gebiet.name,
                "reifegrad": zeile.reifegrad,
                "reifegrad_vorher": zeile.reifegrad_vorher,
                "aenderung": AENDERUNG[zeile.aenderung],
                "umsetzungsstand": stand.pk if stand is not None else None,
                "url": (
                    reverse("api:umsetzungsstand-detail", args=[stand.pk], request=request)
                    if stand is not None
                    else None
                ),
            }
        )
    return {
        "nur_pruefen": nur_pruefen,
        "gespeichert": not nur_pruefen,
        "anzahl": {
            "zeilen": len(blatt.zeilen),
            "neu": blatt.anzahl(statusblatt.NEU),
            "geaendert": blatt.anzahl(statusblatt.GEAENDERT),
            "unveraendert": blatt.anzahl(statusblatt.UNVERAENDERT),
        },
        "zeilen": zeilen,
    }
