"""Edit journeys in the browser: a Federführer edits a Leistung and finds the change in
the Verlauf; an OZG-Koordinator uploads a status sheet, fixes a bad row and applies it.
axe-core on the form, the form with errors, the conflict and the preview."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from .conftest import PASSWORT

pytestmark = pytest.mark.browser


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


def test_federfuehrer_bearbeitet_leistung_und_sieht_verlauf(page, axe, anmelden):
    from leistungen.models import Leistung
    from ozgplattform.choices import Rolle
    from ozgplattform.testing import factories as f

    themenfeld = f.ThemenfeldFactory(name="Familie & Kind")
    leistung = f.LeistungFactory(themenfeld=themenfeld, name="Elterngeld", ozg_id=20777)
    ff = _benutzer("fritz", Rolle.FEDERFUEHRER, themenfeld=themenfeld)

    anmelden(ff)
    page.goto(f"/leistungen/{leistung.ozg_id}/bearbeiten/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Elterngeld")
    axe.pruefen("Leistung bearbeiten")

    # An invalid value: error next to the field and in the summary, input kept.
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_label("Welle").fill("-3")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Bitte prüfen Sie Ihre Angaben.")).to_be_visible()
    expect(page.get_by_label("Welle")).to_have_value("-3")
    axe.pruefen("Leistung bearbeiten mit Fehlern")

    page.get_by_label("Name", exact=True).fill("Elterngeld digital")
    page.get_by_label("Welle").fill("2")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(f"**/leistungen/{leistung.ozg_id}/")
    expect(page.get_by_text("Die Leistung wurde gespeichert.")).to_be_visible()
    verlauf = page.locator("section[aria-labelledby=verlauf]")
    expect(verlauf).to_contain_text("Fritz Muster")
    expect(verlauf).to_contain_text("Elterngeld digital")
    assert Leistung.objects.get(pk=leistung.pk).name == "Elterngeld digital"


def test_konflikt_im_browser(page, axe, anmelden):
    from leistungen import services
    from ozgplattform.choices import Rolle
    from ozgplattform.testing import factories as f

    themenfeld = f.ThemenfeldFactory()
    leistung = f.LeistungFactory(themenfeld=themenfeld, name="Wohngeld", ozg_id=20778)
    ff = _benutzer("frieda", Rolle.FEDERFUEHRER, themenfeld=themenfeld)
    kollege = _benutzer("karl", Rolle.FEDERFUEHRER, themenfeld=themenfeld)

    anmelden(ff)
    page.goto(f"/leistungen/{leistung.ozg_id}/bearbeiten/")
    services.leistung_aendern(leistung=leistung, user=kollege, name="Wohngeld (Karl)")
    page.get_by_label("Name", exact=True).fill("Wohngeld (Frieda)")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Diese Leistung wurde inzwischen von Karl Muster am")).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Wohngeld (Frieda)")
    axe.pruefen("Leistung bearbeiten mit Konflikt")


def test_koordinator_laedt_statusblatt_korrigiert_und_uebernimmt(page, axe, anmelden, tmp_path):
    from leistungen.models import Umsetzungsstand
    from ozgplattform.choices import Rolle
    from ozgplattform.testing import factories as f

    land = f.LandFactory(name="Musterland")
    kreis = f.KreisFactory(parent=land, name="Musterkreis")
    f.LeistungFactory(ozg_id=20601, name="Elterngeld")
    f.LeistungFactory(ozg_id=20602, name="Kindergeld")
    koordinator = _benutzer("olga", Rolle.OZG_KOORDINATOR, organisation=land)

    kopf = "ozg_id;ars;reifegrad;online_url;stichtag;bemerkung\n"
    falsch = tmp_path / "status.csv"
    falsch.write_text(f"\ufeff{kopf}20601;{land.ars};3;;;\n20602;{kreis.ars};7;;;\n")
    richtig = tmp_path / "status-korrigiert.csv"
    richtig.write_text(f"\ufeff{kopf}20601;{land.ars};3;;;\n20602;{kreis.ars};2;;;\n")

    anmelden(koordinator)
    page.goto("/leistungen/umsetzungsstand/hochladen/")
    axe.pruefen("Statusblatt hochladen")
    page.get_by_label("Statusblatt (CSV oder XLSX)").set_input_files(str(falsch))
    page.get_by_role("button", name="Prüfen").click()
    expect(page.get_by_text("Reifegrad 7 liegt nicht zwischen 0 und 4.")).to_be_visible()
    expect(page.get_by_role("button", name="Übernehmen")).to_have_count(0)
    axe.pruefen("Vorschau mit Fehlern")

    page.get_by_role("link", name="Korrigierte Datei hochladen").click()
    page.get_by_label("Statusblatt (CSV oder XLSX)").set_input_files(str(richtig))
    page.get_by_role("button", name="Prüfen").click()
    expect(page.get_by_text("2 Zeilen ohne Fehler")).to_be_visible()
    axe.pruefen("Vorschau ohne Fehler")
    page.get_by_role("button", name="Übernehmen").click()
    expect(page.get_by_text("Statusblatt übernommen")).to_be_visible()
    assert {(s.gebiet_id, s.reifegrad) for s in Umsetzungsstand.objects.all()} == {
        (land.pk, 3),
        (kreis.pk, 2),
    }
    axe.pruefen("Umsetzungsstand melden")
