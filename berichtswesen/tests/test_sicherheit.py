"""WeasyPrint fetches nothing outside the project's static files; user text is escaped."""

from __future__ import annotations

import pytest

from berichtswesen.berichte import Format, ausgabe, berichtsart
from berichtswesen.berichte.ausgabe import (
    BASIS_URL,
    StatischerFetcher,
    ZugriffVerweigert,
    als_pdf,
)

from .conftest import pdf_text

STATISCH = BASIS_URL + "static/berichtswesen/bericht.css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/static/berichtswesen/bericht.css",
        "data:text/css,body{color:red}",
        BASIS_URL + "media/ergebnisse/geheim.pdf",
        BASIS_URL + "static/../../etc/passwd",
        BASIS_URL + "static/%2e%2e/%2e%2e/etc/passwd",
        BASIS_URL + "static/gibt-es-nicht.css",
        "http://bericht.ozg-plattform.invalid/static/berichtswesen/bericht.css",
    ],
)
def test_fetcher_verweigert(url):
    with pytest.raises(ZugriffVerweigert):
        StatischerFetcher().fetch(url)


def test_fetcher_liefert_statische_dateien():
    antwort = StatischerFetcher().fetch(STATISCH)
    assert b"@font-face" in antwort.read()
    assert antwort.content_type == "text/css"
    schrift = StatischerFetcher().fetch(
        BASIS_URL + "static/vendor/kern-ux/dist/fonts/fira-sans/FiraSans-Regular.woff2"
    )
    # Served decompressed (OpenType/TrueType), so WeasyPrint need not unpack it per report.
    assert schrift.read(4) in (b"\x00\x01\x00\x00", b"OTTO")


def test_pdf_laedt_keine_fremden_ressourcen(monkeypatch):
    """A template that asks for local files or the network gets nothing; only the
    stylesheet and its fonts are fetched."""
    abgerufen: list[str] = []
    original = StatischerFetcher.fetch

    def protokollieren(self, url, headers=None):
        abgerufen.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StatischerFetcher, "fetch", protokollieren)
    html = (
        '<html lang="de"><head><link rel="stylesheet" href="/static/berichtswesen/bericht.css">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head><body>'
        '<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/hostname">'
        '<p style="background: url(https://example.org/track.png)">Hallo</p></body></html>'
    )
    text, _ = pdf_text(als_pdf(html))
    assert "Hallo" in text
    assert "root:" not in text
    erlaubt = [u for u in abgerufen if u.startswith(BASIS_URL + "static/")]
    assert STATISCH in erlaubt
    assert any(u.endswith(".woff2") for u in erlaubt)
    # Every other request reached the fetcher and was refused there (none got through).
    assert {"file:///etc/passwd", "http://127.0.0.1:9/x.png"} <= set(abgerufen)
    for url in set(abgerufen) - set(erlaubt):
        with pytest.raises(ZugriffVerweigert):
            original(StatischerFetcher(), url)


@pytest.mark.django_db
def test_nutzertext_wird_escaped_und_nicht_abgerufen(welt, monkeypatch):
    abgerufen: list[str] = []
    original = StatischerFetcher.fetch

    def protokollieren(self, url, headers=None):
        abgerufen.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StatischerFetcher, "fetch", protokollieren)
    boese = '<img src="http://evil.example/x.png"><a href="file:///etc/passwd">Link</a>'
    welt.l1.name = boese
    welt.l1.save()
    welt.anforderung.titel = (
        '<script>alert(1)</script><link rel="stylesheet" href="file:///etc/passwd">'
    )
    welt.anforderung.save()
    art = berichtsart("themenfeld")
    parameter = art.parameter_pruefen({"themenfeld": welt.tf1.pk}, None)
    html = ausgabe.als_html(art.bericht_bauen(parameter, None), art.template())
    assert "&lt;img src=&quot;http://evil.example/x.png&quot;&gt;" in html
    assert '<img src="http://evil.example' not in html
    assert "&lt;script&gt;" in html
    text, _ = pdf_text(art.erzeugen(parameter, Format.PDF).inhalt)
    flach = " ".join(text.replace("-\n", "-").split())
    assert "file:///etc/passwd" in flach.replace(" ", "")  # shown as text
    assert all(u.startswith(BASIS_URL + "static/") for u in abgerufen), abgerufen
