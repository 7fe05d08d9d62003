"""Server-rendered SVG charts: one chart serves the page and the PDF report.

Every chart is an ``<svg role="img">`` with ``<title>`` and ``<desc>`` (text
alternative); pages show the same numbers in a data table next to it. No JavaScript,
no external assets; colours meet 3:1 contrast against white (WCAG 1.4.11).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

#: Reifegrad 0–4 and "nicht gemeldet": a sequential palette (dark = further).
FARBEN_REIFEGRAD = ("#9a3412", "#b45309", "#4d7c0f", "#15803d", "#14532d")
FARBE_KEINE_DATEN = "#6b7280"
FARBE_BALKEN = "#1d4ed8"

_ids = itertools.count(1)


def _n(wert: float) -> str:
    """A coordinate: one decimal, as SVG wants it."""
    return f"{wert:.1f}"


def _zahl(wert: float) -> str:
    text = f"{wert:,.1f}" if isinstance(wert, float) and not wert.is_integer() else f"{wert:,.0f}"
    return text.replace(",", "\u202f").replace(".", ",")


@dataclass(frozen=True)
class Segment:
    label: str
    wert: float
    farbe: str


def balkendiagramm(
    titel: str,
    beschreibung: str,
    daten: Sequence[tuple[str, float]],
    *,
    max_wert: float | None = None,
    einheit: str = "",
    breite: int = 640,
    farbe: str = FARBE_BALKEN,
) -> SafeString:
    """Horizontal bar chart: one labelled bar per (label, value)."""
    zeile, links, rechts = 28, 220, 70
    hoehe = zeile * len(daten) + 10
    maximum = max_wert if max_wert is not None else max((w for _, w in daten), default=0) or 1
    nr = next(_ids)
    teile = []
    for i, (label, wert) in enumerate(daten):
        y = 5 + i * zeile
        laenge = 0 if maximum == 0 else (breite - links - rechts) * wert / maximum
        teile.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="diagramm-label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                "<title>{}: {}{}</title></rect>"
                '<text x="{}" y="{}" class="diagramm-wert">{}{}</text>',
                links - 8,
                y + zeile * 0.62,
                label,
                links,
                y + 4,
                _n(laenge),
                zeile - 8,
                farbe,
                label,
                _zahl(wert),
                einheit,
                _n(links + laenge + 6),
                y + zeile * 0.62,
                _zahl(wert),
                einheit,
            )
        )
    return _svg(nr, titel, beschreibung, breite, hoehe, mark_safe("".join(teile)))  # noqa: S308


def gestapelte_balken(
    titel: str,
    beschreibung: str,
    zeilen: Sequence[tuple[str, Sequence[Segment]]],
    *,
    breite: int = 640,
) -> SafeString:
    """One 100 % bar per row, split into coloured segments, with a legend below."""
    zeile, links, rechts = 24, 220, 10
    nr = next(_ids)
    teile = []
    for i, (label, segmente) in enumerate(zeilen):
        y = 5 + i * zeile
        summe = sum(s.wert for s in segmente) or 1
        x = float(links)
        teile.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="diagramm-label">{}</text>',
                links - 8,
                y + zeile * 0.62,
                label,
            )
        )
        for segment in segmente:
            laenge = (breite - links - rechts) * segment.wert / summe
            if laenge > 0:
                teile.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                        "<title>{}: {} – {}</title></rect>",
                        _n(x),
                        y + 3,
                        _n(laenge),
                        zeile - 6,
                        segment.farbe,
                        label,
                        segment.label,
                        _zahl(segment.wert),
                    )
                )
            x += laenge
    legende_y = 5 + len(zeilen) * zeile + 8
    segmente = zeilen[0][1] if zeilen else []
    x = float(links)
    for segment in segmente:
        teile.append(
            format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
                '<text x="{}" y="{}" class="diagramm-legende">{}</text>',
                _n(x),
                legende_y,
                segment.farbe,
                _n(x + 16),
                legende_y + 10,
                segment.label,
            )
        )
        x += 16 + 7.2 * len(segment.label) + 14
    hoehe = legende_y + 20
    return _svg(nr, titel, beschreibung, breite, hoehe, mark_safe("".join(teile)))  # noqa: S308


def _svg(nr: int, titel: str, beschreibung: str, breite: int, hoehe: int, inhalt) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="diagramm" '
        'viewBox="0 0 {} {}" width="100%" aria-labelledby="diagramm-{}-titel diagramm-{}-text">'
        '<title id="diagramm-{}-titel">{}</title><desc id="diagramm-{}-text">{}</desc>'
        "<style>.diagramm-label,.diagramm-wert,.diagramm-legende{{font:13px sans-serif;"
        "fill:#1f2937}}</style>{}</svg>",
        breite,
        hoehe,
        nr,
        nr,
        nr,
        escape(titel),
        nr,
        escape(beschreibung),
        inhalt,
    )
