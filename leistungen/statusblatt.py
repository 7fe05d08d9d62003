"""Status sheets: many Umsetzungsstände at once from a CSV or XLSX file.

Three steps, each usable on its own (page, API bulk endpoint, command):

1. :func:`lesen` turns the file into raw rows (strings), or sheet-level errors.
2. :func:`pruefen` checks every row against the database and the user's rights and
   works out the change it would make (new / changed / unchanged, Reifegrad before →
   after). It writes nothing.
3. :func:`uebernehmen` applies a checked sheet in ONE transaction through
   ``services.umsetzungsstaende_melden`` (which re-checks every permission, set-based:
   a constant number of queries): all rows or none.

Columns: ``ozg_id, ars, reifegrad, online_url, stichtag, bemerkung`` (header row, any
order, case-insensitive; ``online_url``, ``stichtag`` and ``bemerkung`` may be missing).
CSV: UTF-8 (with or without BOM), separated by ``;`` or ``,``. The API's JSON form
(:func:`json_lesen`: a list of objects with the same keys) enters the same
:func:`pruefen`, so page and API accept and refuse exactly the same rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from ozgplattform.choices import ARS_LAENGE, Aktion
from ozgplattform.models import Organisation
from ozgplattform.rechte import restrict

from .choices import Reifegrad
from .models import Leistung, Umsetzungsstand

SPALTEN = ("ozg_id", "ars", "reifegrad", "online_url", "stichtag", "bemerkung")
PFLICHTSPALTEN = ("ozg_id", "ars", "reifegrad")
#: Upper bound for one sheet (rows), so a stray file cannot fill the session.
MAX_ZEILEN = 5000
MAX_BYTES = 5 * 1024 * 1024

ZU_VIELE_ZEILEN = f"Ein Statusblatt darf höchstens {MAX_ZEILEN} Zeilen haben."
ZU_GROSS = "Die Datei ist größer als 5 MB."

NEU = "neu"
GEAENDERT = "geändert"
UNVERAENDERT = "unverändert"


class BlattFehler(Exception):
    """The file as a whole cannot be read (format, encoding, missing columns)."""


class BlattZuGross(BlattFehler):
    """The sheet exceeds :data:`MAX_ZEILEN` rows or :data:`MAX_BYTES` bytes."""


@dataclass(frozen=True)
class Problem:
    """One problem of a row: the column it concerns (``None``: the row as a whole)."""

    feld: str | None
    meldung: str

    def __str__(self) -> str:
        return self.meldung


@dataclass
class Zeile:
    """One checked row: the values, the change it would make and its problems."""

    nummer: int
    roh: dict[str, str]
    ozg_id: int | None = None
    ars: str = ""
    reifegrad: int | None = None
    online_url: str = ""
    stichtag: dt.date | None = None
    bemerkung: str = ""
    leistung: Leistung | None = None
    gebiet: Organisation | None = None
    vorher: Umsetzungsstand | None = None
    aenderung: str = ""
    probleme: list[Problem] = field(default_factory=list)
    #: The Umsetzungsstand as saved by :func:`uebernehmen`.
    gespeichert: Umsetzungsstand | None = None

    @property
    def fehler(self) -> list[str]:
        """The messages of :attr:`probleme` (what the page lists per row)."""
        return [p.meldung for p in self.probleme]

    def problem(self, feld: str | None, meldung: str) -> None:
        self.probleme.append(Problem(feld, meldung))

    @property
    def reifegrad_vorher(self) -> int | None:
        return self.vorher.reifegrad if self.vorher is not None else None

    @property
    def reifegrad_label(self) -> str:
        return Reifegrad(self.reifegrad).label if self.reifegrad is not None else ""

    @property
    def reifegrad_vorher_label(self) -> str:
        wert = self.reifegrad_vorher
        return Reifegrad(wert).label if wert is not None else ""


@dataclass
class Blatt:
    zeilen: list[Zeile]

    @property
    def fehlerhaft(self) -> list[Zeile]:
        return [z for z in self.zeilen if z.probleme]

    @property
    def gueltig(self) -> bool:
        return bool(self.zeilen) and not self.fehlerhaft

    def anzahl(self, aenderung: str) -> int:
        return sum(1 for z in self.zeilen if not z.probleme and z.aenderung == aenderung)


# --------------------------------------------------------------------------------------
# 1. Reading
# --------------------------------------------------------------------------------------


def _ars_text(wert: Any) -> str:
    """An ARS from a spreadsheet number lost its leading zero: pad to the next ARS length."""
    text = str(int(wert))
    for laenge in sorted(ARS_LAENGE.values()):
        if len(text) <= laenge:
            return text.zfill(laenge)
    return text


def _zelle(spalte: str, wert: Any) -> str:
    if wert is None:
        return ""
    if isinstance(wert, dt.datetime):
        return wert.date().isoformat()
    if isinstance(wert, dt.date):
        return wert.isoformat()
    if isinstance(wert, bool):
        return str(wert)
    if isinstance(wert, float) and wert.is_integer():
        wert = int(wert)
    if isinstance(wert, int) and spalte == "ars":
        return _ars_text(wert)
    return str(wert).strip()


def _kopf(werte: list[Any]) -> list[str]:
    kopf = [str(w or "").strip().lower().lstrip("\ufeff") for w in werte]
    fehlend = [s for s in PFLICHTSPALTEN if s not in kopf]
    if fehlend:
        raise BlattFehler(
            "Es fehlen die Spalten "
            + ", ".join(fehlend)
            + f". Erwartet wird eine Kopfzeile mit {', '.join(SPALTEN)}."
        )
    return kopf


def _zeilen(kopf: list[str], daten) -> list[dict[str, Any]]:
    ergebnis = []
    for nummer, werte in enumerate(daten, start=2):
        werte = list(werte)
        if all(_zelle("", w) == "" for w in werte):
            continue  # empty row
        roh = dict.fromkeys(SPALTEN, "")
        for spalte, wert in zip(kopf, werte, strict=False):
            if spalte in SPALTEN:
                roh[spalte] = _zelle(spalte, wert)
        ergebnis.append({"nummer": nummer, "roh": roh})
        if len(ergebnis) > MAX_ZEILEN:
            raise BlattZuGross(ZU_VIELE_ZEILEN)
    if not ergebnis:
        raise BlattFehler("Die Datei enthält keine Datenzeilen.")
    return ergebnis


def _csv(inhalt: bytes) -> list[dict[str, Any]]:
    try:
        text = inhalt.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise BlattFehler("Die CSV-Datei ist nicht in UTF-8 gespeichert.") from e
    erste = text.split("\n", 1)[0]
    trenner = ";" if erste.count(";") >= erste.count(",") else ","
    leser = csv.reader(io.StringIO(text), delimiter=trenner)
    try:
        kopf = _kopf(next(leser, []))
        return _zeilen(kopf, leser)
    except csv.Error as e:
        raise BlattFehler(f"Die CSV-Datei ist fehlerhaft: {e}") from e


def _xlsx(inhalt: bytes) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    try:
        mappe = load_workbook(io.BytesIO(inhalt), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for damaged files
        raise BlattFehler("Die XLSX-Datei lässt sich nicht lesen.") from e
    try:
        zeilen = mappe.worksheets[0].iter_rows(values_only=True)
        kopf = _kopf(list(next(zeilen, [])))
        return _zeilen(kopf, zeilen)
    finally:
        mappe.close()


def lesen(inhalt: bytes, dateiname: str) -> list[dict[str, Any]]:
    """Raw rows ``{"nummer": sheet row, "roh": {spalte: text}}`` of a CSV or XLSX file.

    Raises :class:`BlattFehler` when the file as a whole is unusable.
    """
    if len(inhalt) > MAX_BYTES:
        raise BlattZuGross(ZU_GROSS)
    name = dateiname.lower()
    if name.endswith(".xlsx"):
        return _xlsx(inhalt)
    if name.endswith(".csv") or name.endswith(".txt"):
        return _csv(inhalt)
    raise BlattFehler("Bitte eine CSV- oder XLSX-Datei hochladen.")


def csv_lesen(inhalt: bytes) -> list[dict[str, Any]]:
    """Raw rows of a CSV body (the API's ``text/csv`` form of a status sheet)."""
    if len(inhalt) > MAX_BYTES:
        raise BlattZuGross(ZU_GROSS)
    return _csv(inhalt)


def json_lesen(zeilen: Any) -> list[dict[str, Any]]:
    """Raw rows from the API's JSON form: a list of objects keyed like the columns.

    Row numbers count from 1 (position in the list). Numbers are taken as their text
    (``"reifegrad": 3`` like ``"3"``); an ARS must be text (a number has lost its
    leading zero). Unknown keys and values that are no text or number become problems
    of the row (reported by :func:`pruefen` with the others), so a typo never passes
    silently. Raises :class:`BlattFehler` when ``zeilen`` is not a non-empty list.
    """
    if not isinstance(zeilen, list):
        raise BlattFehler("„zeilen“ muss eine Liste von Objekten sein.")
    if not zeilen:
        raise BlattFehler("„zeilen“ enthält keine Zeilen.")
    if len(zeilen) > MAX_ZEILEN:
        raise BlattZuGross(ZU_VIELE_ZEILEN)
    ergebnis = []
    for nummer, daten in enumerate(zeilen, start=1):
        roh = dict.fromkeys(SPALTEN, "")
        probleme: list[tuple[str | None, str]] = []
        if not isinstance(daten, dict):
            probleme.append((None, "Die Zeile ist kein Objekt."))
            daten = {}
        for schluessel, wert in daten.items():
            spalte = str(schluessel).strip().lower()
            if spalte not in SPALTEN:
                probleme.append(
                    (
                        str(schluessel),
                        f"Unbekanntes Feld „{schluessel}“ (erlaubt: {', '.join(SPALTEN)}).",
                    )
                )
            elif wert is None:
                continue
            elif isinstance(wert, bool) or not isinstance(wert, (str, int, float)):
                probleme.append((spalte, "Der Wert muss Text oder eine Zahl sein."))
            elif spalte == "ars" and not isinstance(wert, str):
                probleme.append(
                    (spalte, 'Den ARS bitte als Text angeben (z. B. "01001"), nicht als Zahl.')
                )
            else:
                roh[spalte] = _zelle("", wert)
        ergebnis.append({"nummer": nummer, "roh": roh, "probleme": probleme})
    return ergebnis


# --------------------------------------------------------------------------------------
# 2. Checking
# --------------------------------------------------------------------------------------


def _datum(text: str) -> dt.date:
    for format_ in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, format_).date()
        except ValueError:
            continue
    raise ValueError(text)


def _werte_pruefen(zeile: Zeile, heute: dt.date) -> None:
    roh = zeile.roh
    for spalte in SPALTEN:
        if "\x00" in roh[spalte]:
            zeile.problem(spalte, "Der Wert enthält ein unzulässiges Steuerzeichen (NUL).")
            roh[spalte] = ""
    # A column already refused (while reading, or NUL above) is not checked again.
    gemeldet = {p.feld for p in zeile.probleme}
    if "ozg_id" in gemeldet:
        pass
    elif not roh["ozg_id"]:
        zeile.problem("ozg_id", "OZG-ID fehlt.")
    else:
        try:
            zeile.ozg_id = int(roh["ozg_id"])
        except ValueError:
            zeile.problem("ozg_id", f"OZG-ID „{roh['ozg_id']}“ ist keine Zahl.")
        else:
            if not 0 < zeile.ozg_id < 2**31:
                zeile.problem("ozg_id", f"OZG-ID {zeile.ozg_id} gibt es nicht.")
                zeile.ozg_id = None
    zeile.ars = roh["ars"]
    if "ars" in gemeldet:
        pass
    elif not zeile.ars:
        zeile.problem("ars", "ARS fehlt.")
    elif not zeile.ars.isdigit() or not zeile.ars.isascii():
        zeile.problem("ars", f"ARS „{zeile.ars}“ besteht nicht nur aus Ziffern.")
    elif len(zeile.ars) not in ARS_LAENGE.values():
        zeile.problem(
            "ars",
            f"ARS „{zeile.ars}“ hat {len(zeile.ars)} Ziffern; ein Land hat 2, ein Kreis 5, "
            "eine Gemeinde 12.",
        )
    if "reifegrad" in gemeldet:
        pass
    elif not roh["reifegrad"]:
        zeile.problem("reifegrad", "Reifegrad fehlt.")
    else:
        try:
            zeile.reifegrad = int(roh["reifegrad"])
        except ValueError:
            zeile.problem(
                "reifegrad", f"Reifegrad „{roh['reifegrad']}“ ist keine Zahl von 0 bis 4."
            )
        else:
            if zeile.reifegrad not in Reifegrad.values:
                zeile.problem(
                    "reifegrad", f"Reifegrad {zeile.reifegrad} liegt nicht zwischen 0 und 4."
                )
                zeile.reifegrad = None
    zeile.online_url = roh["online_url"]
    if zeile.online_url:
        try:
            URLValidator(schemes=["http", "https"])(zeile.online_url)
            if len(zeile.online_url) > 500:
                raise ValidationError("zu lang")
        except ValidationError:
            zeile.problem("online_url", f"„{zeile.online_url}“ ist keine gültige URL (http/https).")
    if roh["stichtag"]:
        try:
            zeile.stichtag = _datum(roh["stichtag"])
        except ValueError:
            zeile.problem(
                "stichtag",
                f"Stichtag „{roh['stichtag']}“ ist kein Datum (TT.MM.JJJJ oder JJJJ-MM-TT).",
            )
        else:
            if zeile.stichtag > heute:
                zeile.problem("stichtag", "Der Stichtag darf nicht in der Zukunft liegen.")
    zeile.bemerkung = roh["bemerkung"]


def pruefen(rohzeilen: list[dict[str, Any]], user, heute: dt.date | None = None) -> Blatt:
    """Check every row (values, OZG-ID, ARS, right to report for the Gebiet, duplicates)
    and work out its change. A constant number of queries, whatever the number of rows.

    Leistungen and Gebiete the user may not see count as unknown. ``rohzeilen`` come
    from :func:`lesen` or :func:`json_lesen` (whose problems of form are taken over).
    """
    heute = heute or timezone.localdate()
    zeilen = []
    for r in rohzeilen:
        zeile = Zeile(nummer=r["nummer"], roh={**dict.fromkeys(SPALTEN, ""), **r["roh"]})
        for feld, meldung in r.get("probleme", ()):
            zeile.problem(feld, meldung)
        _werte_pruefen(zeile, heute)
        zeilen.append(zeile)

    ozg_ids = {z.ozg_id for z in zeilen if z.ozg_id is not None}
    leistungen = {
        le.ozg_id: le for le in restrict(Leistung.objects.filter(ozg_id__in=ozg_ids), user)
    }
    arse = {z.ars for z in zeilen if z.ars and not any(p.feld == "ars" for p in z.probleme)}
    gebiete = {
        g.ars: g for g in restrict(Organisation.objects.gebiete().filter(ars__in=arse), user)
    }
    erlaubt = set(
        restrict(
            Organisation.objects.gebiete().filter(ars__in=arse),
            user,
            Aktion.UMSETZUNGSSTAND_MELDEN,
        ).values_list("pk", flat=True)
    )

    gesehen: dict[tuple[int, str], int] = {}
    for zeile in zeilen:
        if zeile.ozg_id is not None:
            zeile.leistung = leistungen.get(zeile.ozg_id)
            if zeile.leistung is None:
                zeile.problem("ozg_id", f"Unbekannte OZG-ID {zeile.ozg_id}.")
        if zeile.ars and not any(p.feld == "ars" for p in zeile.probleme):
            zeile.gebiet = gebiete.get(zeile.ars)
            if zeile.gebiet is None:
                zeile.problem("ars", f"Unbekannter ARS {zeile.ars} (kein Land, Kreis, Gemeinde).")
            elif zeile.gebiet.pk not in erlaubt:
                zeile.problem(
                    "ars",
                    f"Für {zeile.gebiet.name} (ARS {zeile.ars}) dürfen Sie keinen "
                    "Umsetzungsstand melden.",
                )
        if zeile.ozg_id is not None and zeile.ars:
            schluessel = (zeile.ozg_id, zeile.ars)
            if schluessel in gesehen:
                zeile.problem(
                    None,
                    f"OZG-ID {zeile.ozg_id} mit ARS {zeile.ars} steht schon in Zeile "
                    f"{gesehen[schluessel]}.",
                )
            else:
                gesehen[schluessel] = zeile.nummer

    paare = [(z.leistung.pk, z.gebiet.pk) for z in zeilen if z.leistung and z.gebiet]
    vorhanden = {
        (s.leistung_id, s.gebiet_id): s
        for s in Umsetzungsstand.objects.filter(
            leistung_id__in={p[0] for p in paare}, gebiet_id__in={p[1] for p in paare}
        )
    }
    for zeile in zeilen:
        if zeile.leistung is None or zeile.gebiet is None:
            continue
        zeile.vorher = vorhanden.get((zeile.leistung.pk, zeile.gebiet.pk))
        if zeile.vorher is None:
            zeile.aenderung = NEU
        elif (
            zeile.vorher.reifegrad == zeile.reifegrad
            and zeile.vorher.online_url == zeile.online_url
            and zeile.vorher.bemerkung == zeile.bemerkung
            and (zeile.stichtag is None or zeile.vorher.stichtag == zeile.stichtag)
        ):
            zeile.aenderung = UNVERAENDERT
        else:
            zeile.aenderung = GEAENDERT
    return Blatt(zeilen)


# --------------------------------------------------------------------------------------
# 3. Applying
# --------------------------------------------------------------------------------------


class UebernahmeFehler(Exception):
    """A row failed while applying; nothing of the sheet was written."""

    def __init__(self, zeile: Zeile, meldung: str, feld: str | None = None):
        self.zeile = zeile
        self.meldung = meldung
        self.feld = feld
        super().__init__(f"Zeile {zeile.nummer}: {meldung}")


@transaction.atomic
def uebernehmen(blatt: Blatt, *, user, grund: str = "Statusblatt") -> int:
    """Apply every row of a checked sheet through ``umsetzungsstaende_melden`` (the rules
    of ``umsetzungsstand_melden`` for every row, permissions re-checked), all in one
    transaction: a refused row undoes the whole sheet (:class:`UebernahmeFehler`).
    Returns the number of rows that changed something; each row's saved Umsetzungsstand
    is in ``zeile.gespeichert``.

    Rows :func:`pruefen` found unchanged are not sent to the service: they would write
    nothing (no history row either), and a periodic report repeats most rows. Should
    such a row have been changed by someone else since the check, their change stands —
    as if this sheet had been applied just before it. The cost is a constant number of
    queries, whatever the number of rows."""
    from .services import umsetzungsstaende_melden

    if not blatt.gueltig:
        raise ValueError("Ein Statusblatt mit Fehlern kann nicht übernommen werden.")
    zu_melden = []
    for zeile in blatt.zeilen:
        if zeile.aenderung == UNVERAENDERT:
            zeile.gespeichert = zeile.vorher
        else:
            zu_melden.append(zeile)
    try:
        gespeichert = umsetzungsstaende_melden(
            [
                {
                    "leistung": zeile.leistung,
                    "gebiet": zeile.gebiet,
                    "reifegrad": zeile.reifegrad,
                    "online_url": zeile.online_url,
                    "stichtag": zeile.stichtag,
                    "bemerkung": zeile.bemerkung,
                }
                for zeile in zu_melden
            ],
            user=user,
            grund=grund,
        )
    except PermissionDenied as e:
        zeile = zu_melden[e.index]
        raise UebernahmeFehler(zeile, str(e) or "Keine Berechtigung.", "ars") from e
    except ValidationError as e:
        zeile = zu_melden[e.index]
        felder = list(getattr(e, "error_dict", {}))
        feld = felder[0] if len(felder) == 1 and felder[0] in SPALTEN else None
        raise UebernahmeFehler(zeile, " ".join(e.messages), feld) from e
    for zeile, stand in zip(zu_melden, gespeichert, strict=True):
        zeile.gespeichert = stand
    return len(zu_melden)
