import re

from ozgplattform.charts import Segment, balkendiagramm, gestapelte_balken


def _breiten(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)"', svg)]


def test_balkendiagramm_textalternative_und_verhaeltnis():
    svg = balkendiagramm("Reifegrad", "Leistungen je Stufe", [("Stufe 3", 10), ("Stufe 4", 5)])
    assert svg.startswith("<svg") and 'role="img"' in svg
    titel_id = re.search(r'<title id="([^"]+)">Reifegrad</title>', svg).group(1)
    text_id = re.search(r'<desc id="([^"]+)">Leistungen je Stufe</desc>', svg).group(1)
    assert f'aria-labelledby="{titel_id} {text_id}"' in svg
    a, b = _breiten(svg)
    assert a == 2 * b > 0
    assert ">10</text>" in svg and ">5</text>" in svg


def test_balkendiagramm_escaped_labels_und_leere_daten():
    svg = balkendiagramm("<b>", "x", [("<script>", 1)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg
    assert "<rect" not in balkendiagramm("leer", "keine Daten", [])


def test_gestapelte_balken_anteile():
    svg = gestapelte_balken(
        "Reifegrad je Land",
        "Anteile",
        [("Hessen", [Segment("Stufe 0", 1, "#000"), Segment("Stufe 3", 3, "#111")])],
    )
    breiten = _breiten(svg)
    assert breiten[1] == 3 * breiten[0]
    assert "Hessen: Stufe 3 – 3" in svg
    assert "Stufe 0</text>" in svg  # legend
