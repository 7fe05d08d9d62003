"""Small helpers to read rendered pages in tests: tables by caption id, headings, SVGs."""

from __future__ import annotations

import html as html_lib
import itertools
import re


def text(fragment: str) -> str:
    """Visible text of an HTML fragment: tags removed, entities decoded, spaces collapsed."""
    ohne_tags = re.sub(r"<[^>]+>", " ", fragment)
    return " ".join(html_lib.unescape(ohne_tags).split())


def tabelle(seite: str, caption_id: str) -> list[list[str]]:
    """Rows (header row first) of the table whose ``<caption>`` has ``id=caption_id``."""
    treffer = re.search(
        rf'<table[^>]*>\s*<caption id="{re.escape(caption_id)}"[^>]*>.*?</table>', seite, re.S
    )
    assert treffer, f"Keine Tabelle mit Caption #{caption_id}"
    zeilen = []
    for zeile in re.findall(r"<tr[^>]*>(.*?)</tr>", treffer.group(0), re.S):
        zeilen.append([text(z) for z in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", zeile, re.S)])
    return zeilen


def tabelle_als_dict(seite: str, caption_id: str) -> dict[str, list[str]]:
    """Body rows keyed by their first cell (the row header)."""
    return {z[0]: z[1:] for z in tabelle(seite, caption_id)[1:]}


def ueberschriften(seite: str) -> list[int]:
    """Levels of the headings inside ``<main>``, in document order."""
    main = seite[seite.index("<main") : seite.index("</main>")]
    return [int(n) for n in re.findall(r"<h([1-6])[\s>]", main)]


def ueberschriften_in_ordnung(seite: str) -> bool:
    """One h1 first, and no level skipped on the way down."""
    ebenen = ueberschriften(seite)
    if not ebenen or ebenen[0] != 1 or ebenen.count(1) != 1:
        return False
    return all(b <= a + 1 for a, b in itertools.pairwise(ebenen))


def svgs(seite: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", seite, re.S)


def balken(svg: str) -> dict[str, str]:
    """Bar titles of a ``charts.balkendiagramm``: label → value text (unit included)."""
    ergebnis = {}
    for titel in re.findall(r"<rect[^>]*><title>(.*?)</title></rect>", svg, re.S):
        label, _, wert = html_lib.unescape(titel).rpartition(": ")
        ergebnis[label] = " ".join(wert.split())
    return ergebnis
