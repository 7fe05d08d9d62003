"""Small building blocks shared by the report types (labels, shares, common tables)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.utils.safestring import SafeString

from leistungen import rules
from leistungen.choices import Flaechendeckung
from leistungen.models import Meilenstein
from leistungen.selectors import Gesamtfortschritt, Land
from ozgplattform import charts

from .ausgabe import DATUM, PROZENT, TEXT, ZAHL, Spalte


def anteil(teil: int, ganzes: int) -> float | None:
    return teil / ganzes if ganzes else None


def datum_de(tag: dt.date | None) -> str:
    return tag.strftime("%d.%m.%Y") if tag else "–"


def stufe_label(stufe: int | None, *, kurz: bool = False) -> str:
    if stufe is None:
        return "nicht gemeldet"
    if kurz:
        return f"Stufe {stufe}"
    from leistungen.choices import Reifegrad

    return str(Reifegrad(stufe).label)


def beschreibung(einleitung: str, daten: Sequence[tuple[str, float]], einheit: str = "") -> str:
    """Text alternative of a chart: every value in words (as the pages do)."""
    teile = "; ".join(f"{label}: {charts._zahl(wert)}{einheit}" for label, wert in daten)
    return f"{einleitung} {teile}." if teile else f"{einleitung} keine Daten."


def reifegrad_je_land_diagramm(k: Gesamtfortschritt, laender: list[Land], stand: str) -> SafeString:
    """The stacked bars of the start page: Reifegrad distribution per Land."""
    stufen = list(k.reifegrad_bund)
    kurz = [stufe_label(s, kurz=True) for s in stufen]
    farben = [*charts.FARBEN_REIFEGRAD, charts.FARBE_KEINE_DATEN]
    zeilen = [(land.name, [k.reifegrad_land[land.ars][s] for s in stufen]) for land in laender]
    return charts.gestapelte_balken(
        f"Leistungen nach Reifegrad je Land (Stand {stand})",
        "Anzahl der Leistungen je höchstem Reifegrad im Land und seinen Gebieten: "
        + "; ".join(
            f"{name}: " + ", ".join(f"{s} {n}" for s, n in zip(kurz, werte, strict=True))
            for name, werte in zeilen
        )
        + ".",
        [
            (
                name,
                [
                    charts.Segment(s, n, farbe)
                    for s, n, farbe in zip(kurz, werte, farben, strict=True)
                ],
            )
            for name, werte in zeilen
        ],
        breite=900,
    )


#: Columns of the "Überblick" table (Gesamtfortschritt, Themenfeld-Bericht).
UEBERBLICK_SPALTEN = [Spalte("Kennzahl", TEXT, 50), Spalte("Wert", ZAHL), Spalte("Anteil", PROZENT)]


def ueberblick_zeilen(k: Gesamtfortschritt) -> list[list]:
    """The key figures of a set of Leistungen as rows (Kennzahl, Wert, Anteil)."""
    n = k.anzahl_leistungen
    bundesweit = k.flaechendeckung[Flaechendeckung.BUNDESWEIT]
    return [
        ["Leistungen", n, None],
        ["Leistungen ab Stufe 3 (bundesweit)", k.online_bund, k.anteil_online_bund],
        ["bundesweit flächendeckend ab Stufe 3", bundesweit, anteil(bundesweit, n)],
        [
            "Leistungen mit vollständigen Ergebnistypen",
            k.ergebnisse_vollstaendig,
            anteil(k.ergebnisse_vollstaendig, k.ergebnisse_mit_anforderungen),
        ],
        ["Steuerungsindikatoren (Meilensteine)", k.meilensteine, None],
        [
            "davon verzögert",
            k.meilensteine_verzoegert,
            anteil(k.meilensteine_verzoegert, k.meilensteine),
        ],
    ]


def meilenstein_spalten() -> list[Spalte]:
    return [
        Spalte("Themenfeld", TEXT, 28),
        Spalte("OZG-ID", ZAHL, 8),
        Spalte("Leistung", TEXT, 40),
        Spalte("Phase", TEXT, 22),
        Spalte("Steuerungsindikator", TEXT, 40),
        Spalte("geplant", DATUM, 12),
        Spalte("erreicht", DATUM, 12),
        Spalte("Verzug (Tage)", ZAHL, 10),
    ]


def meilenstein_zeilen(meilensteine: Iterable[Meilenstein], stichtag: dt.date) -> list[list]:
    """Rows for :func:`meilenstein_spalten` (Meilensteine with ``themenfeld`` and
    ``leistung`` selected). Delay as ``rules.meilenstein_verzug_tage`` and
    ``Meilenstein.objects.verzoegert`` count it: the recorded dates against the Stichtag."""
    zeilen = []
    for m in meilensteine:
        erreicht = m.erreicht
        zeilen.append(
            [
                m.themenfeld.name,
                m.leistung.ozg_id if m.leistung_id else None,
                m.leistung.name if m.leistung_id else "(ganzes Themenfeld)",
                m.get_phase_display(),
                m.name,
                m.geplant,
                erreicht,
                rules.meilenstein_verzug_tage(m.geplant, erreicht, stichtag),
            ]
        )
    return zeilen
