"""Accessibility journeys in the browser: a registered reader sees no edit controls and
gets the 403 page on the edit URL; a Federführer edits a Steckbrief with the keyboard
only (visible focus on every control passed); focus survives the catalogue's htmx swap."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from .conftest import PASSWORT

pytestmark = pytest.mark.browser

#: Tag, id, name, text and focus style of document.activeElement.
AKTIVES_ELEMENT_JS = """() => {
  const el = document.activeElement;
  if (!el) return null;
  const stil = getComputedStyle(el);
  const breite = parseFloat(stil.outlineWidth) || 0;
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id || "",
    name: el.getAttribute("name") || "",
    text: (el.innerText || el.value || "").trim().slice(0, 80),
    fokus_sichtbar: (stil.outlineStyle !== "none" && breite > 0) || stil.boxShadow !== "none",
    fokus_stil: `outline: ${stil.outlineStyle} ${stil.outlineWidth}; box-shadow: ${stil.boxShadow}`,
  };
}"""


def _benutzer(username, rolle, **bereich):
    from ozgplattform.services import rollenzuweisung_anlegen
    from ozgplattform.testing import factories as f

    user = f.UserFactory(
        username=username,
        first_name=username.capitalize(),
        last_name="Muster",
        password=make_password(PASSWORT),
    )
    rollenzuweisung_anlegen(benutzer=user, rolle=rolle, **bereich)
    return user


class Tastatur:
    """Tab through the page and remember every element that received focus."""

    def __init__(self, seite):
        self.seite = seite
        self.besucht: list[dict] = []

    def aktiv(self) -> dict | None:
        return self.seite.evaluate(AKTIVES_ELEMENT_JS)

    def tab_bis(self, passt, hoechstens: int = 60) -> dict:
        """Press Tab until ``passt(aktives_element)`` holds; assert visible focus on the way."""
        for _ in range(hoechstens):
            self.seite.keyboard.press("Tab")
            el = self.aktiv()
            assert el and el["tag"] != "body", "Tab führte den Fokus auf <body>"
            assert el["fokus_sichtbar"], f"Fokus nicht sichtbar auf {el}"
            self.besucht.append(el)
            if passt(el):
                return el
        raise AssertionError(f"Ziel nach {hoechstens}× Tab nicht erreicht: {self.besucht[-5:]}")


def test_leser_sieht_keine_bearbeiten_links_und_bekommt_403(page, axe, anmelden):
    from ozgplattform.choices import Rolle
    from ozgplattform.testing import factories as f

    themenfeld = f.ThemenfeldFactory(name="Familie & Kind")
    leistung = f.LeistungFactory(themenfeld=themenfeld, name="Elterngeld", ozg_id=20881)
    leser = _benutzer("lena", Rolle.LESER)

    anmelden(leser)
    page.goto(f"/leistungen/{leistung.ozg_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Elterngeld")
    bearbeiten_url = f"/leistungen/{leistung.ozg_id}/bearbeiten/"
    expect(page.locator(f'a[href="{bearbeiten_url}"]')).to_have_count(0)
    expect(page.get_by_role("link", name="bearbeiten")).to_have_count(0)
    expect(page.get_by_role("button", name="bearbeiten")).to_have_count(0)

    antwort = page.goto(bearbeiten_url)
    assert antwort is not None and antwort.status == 403
    expect(page.locator("h1")).to_contain_text("Keine Berechtigung")
    axe.pruefen("403-Seite für Leser")


def test_federfuehrer_bearbeitet_steckbrief_nur_mit_tastatur(page, axe):
    from leistungen.models import Leistung
    from ozgplattform.choices import Rolle
    from ozgplattform.testing import factories as f

    themenfeld = f.ThemenfeldFactory(name="Familie & Kind")
    leistung = f.LeistungFactory(
        themenfeld=themenfeld, name="Elterngeld", ozg_id=20882, steckbrief="Alter Text"
    )
    ff = _benutzer("fritz", Rolle.FEDERFUEHRER, themenfeld=themenfeld)
    tastatur = Tastatur(page)

    # Login form: Tab to the fields, type, Enter submits.
    page.goto("/konto/anmelden/")
    tastatur.tab_bis(lambda el: el["name"] == "username")
    page.keyboard.type(ff.get_username())
    tastatur.tab_bis(lambda el: el["name"] == "password")
    page.keyboard.type(PASSWORT)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/konto/")

    # Steckbrief → "Leistung bearbeiten" link, followed with Enter.
    page.goto(f"/leistungen/{leistung.ozg_id}/")
    tastatur.tab_bis(lambda el: el["tag"] == "a" and "Leistung bearbeiten" in el["text"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Elterngeld")

    # Steckbrief textarea: replace the text, Tab on to "Speichern", Enter.
    tastatur.tab_bis(lambda el: el["name"] == "steckbrief")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("Delete")
    page.keyboard.type("Neuer Steckbrief, nur per Tastatur geschrieben.")
    tastatur.tab_bis(lambda el: el["tag"] == "button" and el["text"] == "Speichern")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(f"**/leistungen/{leistung.ozg_id}/")
    expect(page.get_by_text("Die Leistung wurde gespeichert.")).to_be_visible()

    leistung = Leistung.objects.get(pk=leistung.pk)
    assert leistung.steckbrief == "Neuer Steckbrief, nur per Tastatur geschrieben."
    assert len(tastatur.besucht) >= 4
    axe.pruefen("Steckbrief nach Tastatur-Bearbeitung")


@pytest.fixture
def katalog(server):
    from ozgplattform.testing import factories as f

    tf = f.ThemenfeldFactory(name="Familie & Kind")
    bund = f.LeistungFactory(name="Bundesleistung Elterngeld", themenfeld=tf)
    f.LeikaLeistungFactory(leistung=bund, typ="1")
    foederal = f.LeistungFactory(name="Kita-Platz", themenfeld=tf)
    f.LeikaLeistungFactory(leistung=foederal, typ="2/3")
    return {"bund": bund, "foederal": foederal}


def _fokus_nach_tausch(page) -> dict:
    el = page.evaluate(AKTIVES_ELEMENT_JS)
    assert el and el["tag"] != "body", "Fokus ging nach dem htmx-Tausch an <body> verloren"
    assert el["fokus_sichtbar"], f"Fokus nach dem htmx-Tausch nicht sichtbar: {el}"
    return el


def test_fokus_bleibt_nach_htmx_filter_mit_leertaste(page, axe, katalog):
    page.goto("/leistungen/")
    expect(page.locator("#trefferzahl")).to_have_text("2 Leistungen gefunden")
    tastatur = Tastatur(page)
    checkbox = page.get_by_role("checkbox", name="Typ 2–5 (Digitalisierungsprogramm Föderal)")
    checkbox_id = checkbox.get_attribute("id")
    # After the swap a "remove filter" link shares the checkbox's name.
    checkbox = page.locator(f"#{checkbox_id}")
    tastatur.tab_bis(lambda el: el["id"] == checkbox_id)

    with page.expect_response(lambda r: "typ=foederal" in r.url):
        page.keyboard.press("Space")
    expect(page.locator("#trefferzahl")).to_have_text("1 Leistung gefunden")
    expect(page.locator("#trefferzahl")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#ergebnisse")).not_to_contain_text("Bundesleistung Elterngeld")
    el = _fokus_nach_tausch(page)
    assert el["id"] in (checkbox_id, "trefferzahl", "ergebnisse-titel"), el
    expect(checkbox).to_be_checked()
    axe.pruefen("Katalog nach htmx-Filter per Leertaste")


def test_fokus_bleibt_nach_volltextsuche_mit_enter(page, axe, katalog):
    page.goto("/leistungen/")
    tastatur = Tastatur(page)
    tastatur.tab_bis(lambda el: el["name"] == "q")
    page.keyboard.type("Kita")

    with page.expect_response(lambda r: "q=Kita" in r.url):
        page.keyboard.press("Enter")
    expect(page.locator("#trefferzahl")).to_have_text("1 Leistung gefunden")
    expect(page.locator("#ergebnisse")).to_contain_text("Kita-Platz")
    el = _fokus_nach_tausch(page)
    assert el["name"] == "q" or el["id"] in ("trefferzahl", "ergebnisse-titel"), el
    axe.pruefen("Katalog nach Volltextsuche per Enter")
