"""Edit pages (leistungen/bearbeiten/) and the optimistic concurrency of the services."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from leistungen import services
from leistungen.choices import Ergebnisstatus, Ergebnistyp, Prioritaet, Vorgehensmodell
from leistungen.models import Ergebnis, Leistung, Meilenstein
from ozgplattform.choices import Rolle
from ozgplattform.services import Konflikt, rollenzuweisung_anlegen
from ozgplattform.testing import factories as f

pytestmark = pytest.mark.django_db


def _rolle(rolle, **bereich):
    user = f.UserFactory()
    rollenzuweisung_anlegen(benutzer=user, rolle=rolle, **bereich)
    return user


@pytest.fixture
def themenfeld():
    return f.ThemenfeldFactory(name="Familie & Kind")


@pytest.fixture
def leistung(themenfeld):
    return f.LeistungFactory(themenfeld=themenfeld, name="Elterngeld", labor=True)


@pytest.fixture
def ff(themenfeld):
    return _rolle(Rolle.FEDERFUEHRER, themenfeld=themenfeld)


def _url(leistung):
    return reverse("bearbeiten:leistung", args=[leistung.ozg_id])


def _formulardaten(antwort) -> dict[str, str]:
    """The values of the inputs, selects and textareas of the rendered edit form."""
    html = antwort.content.decode()
    daten: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        typ = re.search(r'type="([^"]+)"', tag)
        if not name or (typ and typ.group(1) in ("file", "checkbox", "submit")):
            continue
        wert = re.search(r'value="([^"]*)"', tag)
        daten[name.group(1)] = wert.group(1) if wert else ""
    for name, inhalt in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        gewaehlt = re.search(r'<option value="([^"]*)"[^>]*selected', inhalt)
        daten[name] = gewaehlt.group(1) if gewaehlt else ""
    for name, inhalt in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        daten[name] = inhalt.strip()
    daten.pop("csrfmiddlewaretoken", None)
    daten.pop("language", None)
    daten.pop("next", None)
    return daten


# --------------------------------------------------------------------------------------
# Access
# --------------------------------------------------------------------------------------


def test_anonym_wird_zur_anmeldung_geleitet(client, leistung):
    antwort = client.get(_url(leistung))
    assert antwort.status_code == 302
    assert antwort["Location"].startswith(reverse("konto:anmelden"))


def test_leser_bekommt_403(client, leistung):
    client.force_login(_rolle(Rolle.LESER))
    assert client.get(_url(leistung)).status_code == 403
    antwort = client.post(_url(leistung), {"name": "Gekapert"})
    assert antwort.status_code == 403
    leistung.refresh_from_db()
    assert leistung.name == "Elterngeld"


def test_federfuehrer_anderes_themenfeld_403(client, leistung):
    client.force_login(_rolle(Rolle.FEDERFUEHRER, themenfeld=f.ThemenfeldFactory()))
    assert client.get(_url(leistung)).status_code == 403


def test_unbekannt_ist_404(client, ff, leistung):
    client.force_login(ff)
    assert client.get(reverse("bearbeiten:leistung", args=[999999])).status_code == 404
    assert client.get(reverse("bearbeiten:ergebnis", args=[leistung.ozg_id, "x"])).status_code == (
        404
    )
    assert client.get(reverse("bearbeiten:meilenstein", args=[999999])).status_code == 404
    assert client.get(reverse("bearbeiten:umsetzungsprojekt", args=[999999])).status_code == 404


# --------------------------------------------------------------------------------------
# Leistung
# --------------------------------------------------------------------------------------


def test_federfuehrer_bearbeitet_leistung_mit_verlauf(client, ff, leistung):
    client.force_login(ff)
    daten = _formulardaten(client.get(_url(leistung)))
    assert "themenfeld" not in daten  # Federführer do not move Leistungen
    daten["name"] = "Elterngeld digital"
    daten["archetyp"] = "einfacher_antrag"
    antwort = client.post(_url(leistung), daten)
    assert antwort.status_code == 302, antwort.content.decode()[:3000]
    leistung.refresh_from_db()
    assert leistung.name == "Elterngeld digital"
    assert leistung.archetyp == "einfacher_antrag"
    letzte = leistung.history.latest()
    assert letzte.history_user == ff
    assert letzte.prev_record.name == "Elterngeld"


def test_leistungsverantwortlicher_sieht_nur_seine_felder(client, leistung):
    lv = _rolle(Rolle.LEISTUNGSVERANTWORTLICHER, leistung=leistung)
    client.force_login(lv)
    antwort = client.get(_url(leistung))
    assert antwort.status_code == 200
    form = antwort.context["form"]
    assert "themenfeld" not in form.fields
    assert "prioritaet" not in form.fields
    assert "name" not in form.fields
    assert {"archetyp", "phase", "steckbrief"} <= set(form.fields)
    # Shown read-only instead.
    assert "Priorität" in [str(label) for label, _ in form.nur_lesen]

    anderes = f.ThemenfeldFactory()
    daten = _formulardaten(antwort)
    daten.update(
        themenfeld=str(anderes.pk),
        prioritaet=Prioritaet.PRIO_3,
        name="Gekapert",
        steckbrief="Antrag online mit Nachweisupload.",
    )
    antwort = client.post(_url(leistung), daten)
    assert antwort.status_code == 302
    leistung.refresh_from_db()
    assert leistung.themenfeld_id != anderes.pk
    assert leistung.prioritaet == Prioritaet.PRIO_1
    assert leistung.name == "Elterngeld"
    assert leistung.steckbrief == "Antrag online mit Nachweisupload."


def test_lebenslage_nur_aus_dem_themenfeld(client, ff, leistung, themenfeld):
    eigene = f.LebenslageFactory(themenfeld=themenfeld)
    fremde = f.LebenslageFactory()
    client.force_login(ff)
    form = client.get(_url(leistung)).context["form"]
    angeboten = set(form.fields["lebenslage"].queryset)
    assert eigene in angeboten
    assert fremde not in angeboten


def test_validierungsfehler_am_feld_auf_deutsch_eingabe_bleibt(client, ff, leistung):
    client.force_login(ff)
    daten = _formulardaten(client.get(_url(leistung)))
    daten.update(
        name="Elterngeld Plus",
        prioritaet=Prioritaet.DEPRIORISIERT,
        vorgehensmodell=Vorgehensmodell.KEINE_UMSETZUNG,
        depriorisierungsgrund="rechtlich",
        depriorisierung_begruendung="",
        welle="keine Zahl",
    )
    antwort = client.post(_url(leistung), daten)
    assert antwort.status_code == 200
    html = antwort.content.decode()
    assert re.search(r'id="id_welle_error".*?ganze Zahl', html, re.S), html
    assert 'aria-invalid="true"' in html
    assert "Bitte prüfen Sie Ihre Angaben." in html
    assert 'value="Elterngeld Plus"' in html
    leistung.refresh_from_db()
    assert leistung.name == "Elterngeld"

    # The model's rule, next to its field.
    daten["welle"] = "2"
    antwort = client.post(_url(leistung), daten)
    html = antwort.content.decode()
    assert re.search(
        r'id="id_depriorisierung_begruendung_error".*?Bitte die Depriorisierung begründen',
        html,
        re.S,
    )
    leistung.refresh_from_db()
    assert leistung.name == "Elterngeld"


def test_konflikt_zweites_speichern_wird_abgelehnt(client, ff, leistung, themenfeld):
    kollegin = _rolle(Rolle.FEDERFUEHRER, themenfeld=themenfeld)
    kollegin.first_name, kollegin.last_name = "Erika", "Mustermann"
    kollegin.save()
    andere = client.__class__()
    andere.force_login(kollegin)
    client.force_login(ff)
    meine = _formulardaten(client.get(_url(leistung)))
    ihre = _formulardaten(andere.get(_url(leistung)))

    ihre["name"] = "Elterngeld (Erika)"
    assert andere.post(_url(leistung), ihre).status_code == 302

    meine["name"] = "Elterngeld (ich)"
    meine["steckbrief"] = "Mein langer Text"
    antwort = client.post(_url(leistung), meine)
    assert antwort.status_code == 200
    html = antwort.content.decode()
    assert "Diese Leistung wurde inzwischen von Erika Mustermann am" in html
    assert "Elterngeld (Erika)" in html  # what changed: name before → after
    assert re.search(r"<th[^>]*>Name</th>\s*<td[^>]*>Elterngeld</td>", html)
    assert 'value="Elterngeld (ich)"' in html  # my input is kept
    assert "Mein langer Text" in html
    leistung.refresh_from_db()
    assert leistung.name == "Elterngeld (Erika)"
    assert leistung.steckbrief == ""

    # Having seen the conflict, saving again deliberately applies my values.
    form = antwort.context["form"]
    assert form.data["version"] == leistung.geaendert.isoformat()
    meine["version"] = form.data["version"]
    assert client.post(_url(leistung), meine).status_code == 302
    leistung.refresh_from_db()
    assert leistung.name == "Elterngeld (ich)"


def test_service_version_konflikt_und_ohne_version_unveraendert(ff, leistung):
    version = leistung.geaendert
    services.leistung_aendern(leistung=leistung, user=ff, name="Erste Änderung", version=version)
    leistung.refresh_from_db()
    with pytest.raises(Konflikt) as info:
        services.leistung_aendern(leistung=leistung, user=ff, name="Zweite", version=version)
    aenderung = info.value.aenderungen[0]
    assert (aenderung.feld, aenderung.vorher, aenderung.nachher) == (
        "Name",
        "Elterngeld",
        "Erste Änderung",
    )
    assert aenderung.wer == ff.get_full_name()
    leistung.refresh_from_db()
    assert leistung.name == "Erste Änderung"
    # Without a version: last write wins, as before.
    services.leistung_aendern(leistung=leistung, user=ff, name="Ohne Version")
    leistung.refresh_from_db()
    assert leistung.name == "Ohne Version"


def test_konflikt_auch_bei_meilenstein_und_ergebnis(ff, leistung):
    m = services.meilenstein_anlegen(
        user=ff, leistung=leistung, phase="konzeption", name="Konzept", geplant=dt.date(2021, 1, 1)
    )
    version = m.geaendert
    services.meilenstein_aendern(meilenstein=m, user=ff, name="Konzept fertig")
    with pytest.raises(Konflikt):
        services.meilenstein_aendern(meilenstein=m, user=ff, name="Anders", version=version)
    e = services.ergebnis_setzen(
        leistung=leistung, ergebnistyp=Ergebnistyp.KLICK_PROTOTYP, user=ff, status="in_arbeit"
    )
    version = e.geaendert
    services.ergebnis_setzen(
        leistung=leistung, ergebnistyp=Ergebnistyp.KLICK_PROTOTYP, user=ff, status="offen"
    )
    with pytest.raises(Konflikt):
        services.ergebnis_setzen(
            leistung=leistung,
            ergebnistyp=Ergebnistyp.KLICK_PROTOTYP,
            user=ff,
            status="in_arbeit",
            version=version,
        )


# --------------------------------------------------------------------------------------
# Ergebnis, Meilenstein, Umsetzungsprojekt
# --------------------------------------------------------------------------------------


def test_ergebnis_verzicht_ohne_begruendung(client, ff, leistung):
    client.force_login(ff)
    url = reverse("bearbeiten:ergebnis", args=[leistung.ozg_id, Ergebnistyp.KLICK_PROTOTYP])
    antwort = client.get(url)
    assert antwort.status_code == 200
    assert "Anforderung nach der Ergebnismatrix" in antwort.content.decode()
    antwort = client.post(url, {"status": Ergebnisstatus.VERZICHTET, "verzicht_begruendung": ""})
    assert antwort.status_code == 200
    assert re.search(
        r'id="id_verzicht_begruendung_error".*?Ein Verzicht braucht eine Begründung',
        antwort.content.decode(),
        re.S,
    )
    assert not Ergebnis.objects.filter(leistung=leistung).exists()

    antwort = client.post(
        url, {"status": Ergebnisstatus.IN_ARBEIT, "nachweis_url": "https://example.org/p"}
    )
    assert antwort.status_code == 302
    ergebnis = Ergebnis.objects.get(leistung=leistung, ergebnistyp=Ergebnistyp.KLICK_PROTOTYP)
    assert ergebnis.status == Ergebnisstatus.IN_ARBEIT
    assert ergebnis.history.latest().history_user == ff


def test_ergebnis_inzwischen_angelegt_ist_konflikt(client, ff, leistung):
    client.force_login(ff)
    url = reverse("bearbeiten:ergebnis", args=[leistung.ozg_id, Ergebnistyp.KLICK_PROTOTYP])
    daten = _formulardaten(client.get(url))
    assert daten["version"] == ""
    services.ergebnis_setzen(
        leistung=leistung, ergebnistyp=Ergebnistyp.KLICK_PROTOTYP, user=ff, status="in_arbeit"
    )
    daten["status"] = Ergebnisstatus.OFFEN
    antwort = client.post(url, daten)
    assert antwort.status_code == 200
    assert "Dieses Ergebnis wurde inzwischen" in antwort.content.decode()
    assert Ergebnis.objects.get(leistung=leistung).status == Ergebnisstatus.IN_ARBEIT


def test_ergebnis_leser_403(client, leistung):
    client.force_login(_rolle(Rolle.LESER))
    url = reverse("bearbeiten:ergebnis", args=[leistung.ozg_id, Ergebnistyp.KLICK_PROTOTYP])
    assert client.get(url).status_code == 403


def test_meilenstein_anlegen_verspaetet_und_zukunft(client, ff, leistung):
    client.force_login(ff)
    url = reverse("bearbeiten:meilenstein_neu", args=[leistung.ozg_id])
    assert client.get(url).status_code == 200
    antwort = client.post(
        url,
        {
            "phase": "konzeption",
            "name": "Konzept abgenommen",
            "geplant": "2021-03-31",
            "erreicht": "2021-05-10",
        },
    )
    assert antwort.status_code == 302
    m = Meilenstein.objects.get(leistung=leistung)
    assert m.themenfeld_id == leistung.themenfeld_id
    assert m.ist_verzoegert()
    assert m.verzug_tage() == 40

    url = reverse("bearbeiten:meilenstein", args=[m.pk])
    antwort = client.get(url)
    assert "40 Tage verzögert" in antwort.content.decode()
    daten = _formulardaten(antwort)
    daten["erreicht"] = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    antwort = client.post(url, daten)
    assert antwort.status_code == 200
    assert re.search(
        r'id="id_erreicht_error".*?Ein Datum in der Zukunft kann nicht erreicht sein',
        antwort.content.decode(),
        re.S,
    )
    m.refresh_from_db()
    assert m.erreicht == dt.date(2021, 5, 10)


def test_umsetzungsprojekt_bietet_nur_eigene_leistungen(client, ff, leistung, themenfeld):
    fremd = f.LeistungFactory()
    projekt = f.UmsetzungsprojektFactory(themenfeld=themenfeld)
    client.force_login(ff)
    url = reverse("bearbeiten:umsetzungsprojekt", args=[projekt.pk])
    antwort = client.get(url)
    angeboten = set(antwort.context["form"].fields["leistungen"].queryset)
    assert leistung in angeboten
    assert fremd not in angeboten

    daten = _formulardaten(antwort)
    daten["beschreibung"] = "Gemeinsame Plattform"
    antwort = client.post(url, {**daten, "leistungen": [leistung.pk, fremd.pk]})
    assert antwort.status_code == 200  # not a valid choice
    assert not projekt.leistungen.exists()
    antwort = client.post(url, {**daten, "leistungen": [leistung.pk]})
    assert antwort.status_code == 302
    assert list(projekt.leistungen.all()) == [leistung]


def test_umsetzungsprojekt_leistungsverantwortlicher_403(client, leistung, themenfeld):
    projekt = f.UmsetzungsprojektFactory(themenfeld=themenfeld, leistungen=[leistung])
    client.force_login(_rolle(Rolle.LEISTUNGSVERANTWORTLICHER, leistung=leistung))
    url = reverse("bearbeiten:umsetzungsprojekt", args=[projekt.pk])
    assert client.get(url).status_code == 403


# --------------------------------------------------------------------------------------
# Umsetzungsstand, one by one
# --------------------------------------------------------------------------------------


def test_umsetzungsstand_einzeln(client, leistung):
    land = f.LandFactory()
    kreis = f.KreisFactory(parent=land)
    fremd = f.LandFactory()
    koordinator = _rolle(Rolle.OZG_KOORDINATOR, organisation=land)
    client.force_login(koordinator)
    url = reverse("bearbeiten:umsetzungsstand")
    antwort = client.get(url)
    assert antwort.status_code == 200
    gebiete = set(antwort.context["form"].fields["gebiet"].queryset)
    assert gebiete == {land, kreis}
    assert fremd not in gebiete

    antwort = client.post(url, {"leistung": leistung.ozg_id, "gebiet": fremd.ars, "reifegrad": "3"})
    assert antwort.status_code == 200
    assert not leistung.umsetzungsstaende.exists()

    antwort = client.post(
        url,
        {
            "leistung": leistung.ozg_id,
            "gebiet": kreis.ars,
            "reifegrad": "3",
            "online_url": "https://kreis.example.org/elterngeld",
        },
    )
    assert antwort.status_code == 302
    stand = leistung.umsetzungsstaende.get()
    assert (stand.gebiet, stand.reifegrad) == (kreis, 3)
    assert stand.history.latest().history_user == koordinator


def test_umsetzungsstand_ohne_land_403(client):
    client.force_login(_rolle(Rolle.FEDERFUEHRER, themenfeld=f.ThemenfeldFactory()))
    assert client.get(reverse("bearbeiten:umsetzungsstand")).status_code == 403
    assert client.get(reverse("bearbeiten:statusblatt_hochladen")).status_code == 403


def test_nach_speichern_zum_steckbrief(client, ff, leistung):
    client.force_login(ff)
    daten = _formulardaten(client.get(_url(leistung)))
    antwort = client.post(_url(leistung), daten)
    assert antwort.status_code == 302
    assert antwort["Location"] == reverse("leistungen:detail", kwargs={"ozg_id": leistung.ozg_id})
    assert Leistung.objects.get(pk=leistung.pk).name == "Elterngeld"
