"""The API docs (/api/docs/ Swagger UI, /api/redoc/ Redoc) in a real browser under
their own Content-Security-Policy: they render, Swagger UI can call the API, and no
request leaves for another host (what the Redoc bundle hard-codes is blocked)."""

from __future__ import annotations

import re

import pytest


def _beobachten(seite, server: str) -> tuple[list[str], list[str]]:
    konsole: list[str] = []
    fremd: list[str] = []
    seite.on("console", lambda m: konsole.append(m.text) if m.type == "error" else None)
    seite.on(
        "request",
        lambda r: fremd.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None,
    )
    return konsole, fremd


@pytest.mark.django_db(transaction=True)
def test_swagger_ui_rendert_und_ruft_die_api(page, server):
    konsole, fremd = _beobachten(page, server)
    page.goto("/api/docs/")
    page.wait_for_selector(".opblock")
    schema = page.request.get("/api/schema/?format=json").json()
    operationen = sum(
        1 for eintrag in schema["paths"].values() for methode in eintrag if methode != "parameters"
    )
    assert page.locator(".opblock").count() == operationen
    # "Try it out" on the Themenfelder list: a same-origin fetch the CSP allows.
    block = page.locator(".opblock", has=page.locator("[data-path='/api/v1/themenfelder/']"))
    block.first.locator(".opblock-summary").click()
    block.first.locator("button.try-out__btn").click()
    block.first.locator("button.execute").click()
    status = block.first.locator(".live-responses-table .response .response-col_status")
    status.first.wait_for()
    assert status.first.inner_text().strip() == "200"
    assert fremd == []
    assert konsole == []


@pytest.mark.django_db(transaction=True)
def test_redoc_rendert_ohne_fremde_hosts(page, server):
    konsole, fremd = _beobachten(page, server)
    page.goto("/api/redoc/")
    page.wait_for_selector("[data-section-id]")
    assert page.get_by_text("OZG-Plattform – REST-API").first.is_visible()
    # Redoc's bundle hard-codes a logo on cdn.redoc.ly: the page's CSP blocks it, so
    # nothing is loaded from there; every other error would be a real problem.
    blockiert = [m for m in konsole if "Content Security Policy" in m]
    assert [m for m in konsole if m not in blockiert] == []
    for url in fremd:
        assert any(url in m for m in blockiert), url
    assert all(re.search(r"img-src 'self' data:", m) for m in blockiert)
