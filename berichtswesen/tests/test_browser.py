"""Report pages in the browser (Playwright on Debian's Chromium, fixtures of
``tests/browser/conftest.py``): request a report, follow its progress via htmx polling,
no axe-core violations (WCAG 2.1 A/AA) on overview, form (with errors) and job page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from berichtswesen.models import Berichtsauftrag, Status
from tests.browser.conftest import (  # noqa: F401
    anmelden,
    axe,
    chromium_sitzung,
    page,
    person,
    server,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    """Chromium for this module only, closed before ``tests/browser`` starts its own
    (two Playwright sync sessions at once are not possible)."""
    with chromium_sitzung() as chromium:
        yield chromium


def test_bericht_anfordern_und_fortschritt_verfolgen(
    testarten,
    eager,
    page,  # noqa: F811
    axe,  # noqa: F811
    anmelden,  # noqa: F811
    person,  # noqa: F811
):
    anmelden(person)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Berichte"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Berichte")
    axe.pruefen("Übersicht ohne Berichte")

    page.get_by_role("link", name="Langsamer Testbericht").click()
    page.get_by_label("Schritte").fill("0")
    page.get_by_role("button", name="Bericht anfordern").click()
    expect(page.get_by_text("Bitte prüfen Sie Ihre Angaben.")).to_be_visible()
    axe.pruefen("Anforderung mit Fehlern")
    assert not Berichtsauftrag.objects.exists()

    page.get_by_role("link", name="Alle Berichte").click()
    page.get_by_role("link", name="Schneller Testbericht").click()

    page.get_by_label("Text").fill("Aus dem Browser")
    page.get_by_label("Excel (XLSX)").check()
    page.get_by_role("button", name="Bericht anfordern").click()
    expect(page.locator("#auftrag-statustext")).to_have_text(
        "Der Bericht ist fertig und kann heruntergeladen werden."
    )
    auftrag = Berichtsauftrag.objects.get()
    assert auftrag.format == "xlsx" and auftrag.parameter["text"] == "Aus dem Browser"
    expect(page.get_by_role("link", name="schnell.xlsx herunterladen")).to_be_visible()
    axe.pruefen("Auftrag fertig")

    # A running job: the page polls and switches to the download when it is done.
    laufend = Berichtsauftrag.objects.create(
        art="test_langsam",
        format="csv",
        parameter={"schritte": 2},
        angefordert_von=person,
        status=Status.LAEUFT,
        fortschritt=30,
        schritt="Schritt 1 von 2",
    )
    page.goto(f"/berichte/{laufend.pk}/")
    expect(page.locator("progress#auftrag-fortschritt")).to_have_attribute("value", "30")
    axe.pruefen("Auftrag läuft")
    Berichtsauftrag.objects.filter(pk=laufend.pk).update(fortschritt=60, schritt="Schritt 2 von 2")
    expect(page.locator("progress#auftrag-fortschritt")).to_have_attribute("value", "60")
    Berichtsauftrag.objects.filter(pk=laufend.pk).update(
        status=Status.FERTIG, fortschritt=100, dateiname="langsam.csv", groesse=1000
    )
    expect(page.locator("#auftrag-statustext")).to_have_text(
        "Der Bericht ist fertig und kann heruntergeladen werden."
    )
    expect(page.get_by_role("link", name="langsam.csv herunterladen")).to_be_visible()
    expect(page.locator("#auftrag-status[hx-trigger]")).to_have_count(0)

    page.goto("/berichte/")
    axe.pruefen("Übersicht mit Berichten")
