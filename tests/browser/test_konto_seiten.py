"""Konto pages in the browser: accessibility (axe-core, WCAG 2.1 AA), keyboard-only use,
visible focus, the language switch, and the login without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORT

pytestmark = pytest.mark.browser

ANMELDEN = "/konto/anmelden/"
PROFIL = "/konto/"
PASSWORT_VERGESSEN = "/konto/passwort-vergessen/"

AKTIVES_ELEMENT = """() => {
    const el = document.activeElement;
    return el ? {tag: el.tagName.toLowerCase(), id: el.id, klasse: el.className,
                 text: (el.innerText || el.value || "").trim()} : null;
}"""


def _aktiv(page) -> dict:
    return page.evaluate(AKTIVES_ELEMENT)


def _tab_bis(page, pruefen, hoechstens: int = 20) -> dict:
    """Press Tab until ``pruefen(active element)`` holds; fail after ``hoechstens``."""
    besucht = []
    for _ in range(hoechstens):
        page.keyboard.press("Tab")
        aktiv = _aktiv(page)
        if pruefen(aktiv):
            return aktiv
        besucht.append(aktiv)
    pytest.fail(f"Mit Tab nicht erreicht; besucht: {besucht}")


# --------------------------------------------------------------------------------------
# axe-core: no violations on every page and state
# --------------------------------------------------------------------------------------


def test_anmeldeseite_ohne_axe_verstoesse(page, axe):
    page.goto(ANMELDEN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden")
    axe.pruefen("Anmeldeseite")
    # KERN follows the system's dark scheme; its contrasts are checked too.
    page.emulate_media(color_scheme="dark")
    axe.pruefen("Anmeldeseite, dunkles Farbschema")


def test_fehlgeschlagene_anmeldung_zeigt_fehler_zugaenglich(page, axe, person):
    page.goto(ANMELDEN)
    page.get_by_label("Benutzername").fill("erika")
    page.get_by_label("Passwort", exact=True).fill("falsches-Passwort-1")
    page.get_by_role("button", name="Anmelden").click()

    zusammenfassung = page.locator(".ozg-fehleruebersicht")
    expect(zusammenfassung).to_have_attribute("role", "alert")
    expect(zusammenfassung).to_contain_text("Benutzername oder Passwort ist falsch.")
    expect(zusammenfassung).to_be_focused()  # keyboard users start at the summary
    axe.pruefen("Anmeldeseite nach falschem Passwort")

    # A field error: message next to the field, aria-invalid, described by the message.
    page.get_by_label("Passwort", exact=True).fill("")
    page.get_by_role("button", name="Anmelden").click()
    feld = page.get_by_label("Passwort", exact=True)
    expect(feld).to_have_attribute("aria-invalid", "true")
    expect(feld).to_have_attribute("aria-describedby", "id_password_error")
    expect(page.locator("#id_password_error")).to_contain_text("Dieses Feld ist zwingend")
    link = zusammenfassung.get_by_role("link")
    expect(link).to_have_attribute("href", "#id_password")
    link.click()
    expect(feld).to_be_focused()
    axe.pruefen("Anmeldeseite mit Feldfehler")


def test_passwort_vergessen_ohne_axe_verstoesse(page, axe):
    page.goto(PASSWORT_VERGESSEN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Passwort vergessen")
    axe.pruefen("Passwort vergessen")


def test_profil_mit_neuem_token_ohne_axe_verstoesse(page, axe, person, anmelden):
    anmelden(person)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Profil")
    axe.pruefen("Profil ohne Token")

    page.get_by_label("Bezeichnung").fill("Export-Skript")
    page.get_by_label("Lesen und schreiben – im Rahmen Ihrer Rollen").check()
    page.get_by_role("button", name="Token erstellen").click()

    token = page.get_by_label("Token", exact=True)
    expect(token).to_have_attribute("readonly", "")
    assert len(token.input_value()) >= 40
    expect(page.get_by_role("region", name="Ihre API-Tokens")).to_contain_text("Export-Skript")
    axe.pruefen("Profil mit einmalig angezeigtem Token")


# --------------------------------------------------------------------------------------
# Keyboard only, visible focus
# --------------------------------------------------------------------------------------


def test_skip_link_ist_erstes_ziel_und_springt_zum_inhalt(page):
    page.goto(ANMELDEN)
    page.keyboard.press("Tab")
    aktiv = _aktiv(page)
    assert aktiv["klasse"] == "skip-link", aktiv
    assert aktiv["text"] == "Zum Inhalt springen"
    skip_link = page.locator(".skip-link")
    box = skip_link.bounding_box()
    assert box and box["y"] >= 0 and box["width"] > 0, "Skip-Link ist fokussiert nicht sichtbar"

    page.keyboard.press("Enter")
    expect(page.locator("main#inhalt")).to_be_focused()
    # The next Tab continues inside the main content, not in the header.
    aktiv = _tab_bis(page, lambda a: a["tag"] in ("input", "a", "button"))
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert aktiv["id"] == "id_username"


def test_anmeldung_nur_mit_tastatur(page, person):
    page.goto(ANMELDEN)
    _tab_bis(page, lambda a: a["id"] == "id_username")
    page.keyboard.type("erika")
    page.keyboard.press("Tab")
    assert _aktiv(page)["id"] == "id_password"
    page.keyboard.type(PASSWORT)
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/konto/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Profil")
    expect(page.get_by_role("navigation", name="Konto")).to_contain_text("Mein Profil (erika)")


def test_fokus_ist_sichtbar(page):
    page.goto(ANMELDEN)
    aktiv = _tab_bis(page, lambda a: a["tag"] == "button" and a["text"] == "Anmelden")
    assert aktiv["tag"] == "button"
    stil = page.evaluate(
        """() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            return {outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
                    boxShadow: s.boxShadow, fokusSichtbar: el.matches(':focus-visible')};
        }"""
    )
    assert stil["fokusSichtbar"], stil
    umriss = stil["outlineStyle"] != "none" and stil["outlineWidth"] >= 2
    schatten = stil["boxShadow"] not in ("", "none")
    assert umriss or schatten, f"Kein sichtbarer Fokus auf der Anmelde-Schaltfläche: {stil}"


# --------------------------------------------------------------------------------------
# Language switch (English as second locale), no JavaScript needed
# --------------------------------------------------------------------------------------


def test_sprachwahl_schaltet_das_seitengeruest_auf_englisch(page, axe):
    page.goto(ANMELDEN)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith(ANMELDEN)
    expect(page.locator(".skip-link")).to_have_text("Skip to main content")
    konto = page.get_by_role("navigation", name="Account")
    expect(konto.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.locator("footer")).to_contain_text("Open source under the EUPL-1.2")
    axe.pruefen("Anmeldeseite auf Englisch")

    page.get_by_role("button", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator(".skip-link")).to_have_text("Zum Inhalt springen")


def test_anmeldung_ohne_javascript(browser, server, person):
    context = browser.new_context(base_url=server, locale="de-DE", java_script_enabled=False)
    try:
        seite = context.new_page()
        seite.goto(ANMELDEN)
        seite.get_by_label("Benutzername").fill("erika")
        seite.get_by_label("Passwort", exact=True).fill(PASSWORT)
        seite.get_by_role("button", name="Anmelden").click()
        seite.wait_for_url(re.compile(r"/konto/$"))
        expect(seite.get_by_role("heading", level=1)).to_have_text("Mein Profil")

        seite.get_by_role("button", name="Abmelden").click()
        expect(seite.get_by_role("status")).to_contain_text("Sie sind abgemeldet.")
    finally:
        context.close()
