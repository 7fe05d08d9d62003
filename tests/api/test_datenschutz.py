"""Personal data and internal data: what the public sees and what it does not."""

from __future__ import annotations

import pytest
from django.urls import reverse
from guardian.models import UserObjectPermission

from anforderungen.choices import Anforderungsstatus
from leistungen.choices import Reifegrad
from ozgplattform.choices import Rolle
from ozgplattform.testing import factories as f
from ozgplattform.testing.api import api, detail_url, letzter_verlauf, liste_url, mit_rolle

pytestmark = pytest.mark.django_db


@pytest.fixture
def kontakte():
    oeffentlich = f.RollenzuweisungFactory(
        kontakt_veroeffentlichen=True,
        funktion="Referat DV 1",
        user__first_name="Erika",
        user__last_name="Mustermann",
        user__email="erika@example.org",
    )
    intern = f.RollenzuweisungFactory(kontakt_veroeffentlichen=False, user__email="max@example.org")
    return oeffentlich, intern


@pytest.mark.parametrize("angemeldet", [False, True], ids=["anonym", "ohne-rolle"])
def test_oeffentlich_nur_veroeffentlichte_kontakte(kontakte, angemeldet):
    oeffentlich, intern = kontakte
    client = api(f.UserFactory()) if angemeldet else api()
    liste = client.get(liste_url("rollenzuweisung"), format="json")
    assert liste.status_code == 200
    [zeile] = liste.json()["results"]
    assert zeile["id"] == oeffentlich.pk
    assert zeile["person"] == {"name": "Erika Mustermann", "email": "erika@example.org"}
    assert zeile["funktion"] == "Referat DV 1"
    assert "user" not in zeile  # the account id is internal
    assert "max@example.org" not in liste.content.decode()
    assert client.get(detail_url("rollenzuweisung", intern.pk), format="json").status_code == 404
    # Filtering by a hidden person's id reveals nothing either.
    gefiltert = client.get(f"{liste_url('rollenzuweisung')}?user={intern.user_id}", format="json")
    assert gefiltert.json()["results"] == []


def test_interne_leser_sehen_alle_kontakte(kontakte):
    oeffentlich, intern = kontakte
    leser = mit_rolle(Rolle.LESER)
    antwort = api(leser).get(
        f"{liste_url('rollenzuweisung')}?rolle=leistungsverantwortlicher", format="json"
    )
    zeilen = {z["id"]: z for z in antwort.json()["results"]}
    assert set(zeilen) == {oeffentlich.pk, intern.pk}
    assert zeilen[intern.pk]["person"]["email"] == "max@example.org"
    assert zeilen[intern.pk]["user"] == intern.user_id


def test_rollenzuweisung_loeschen_entzieht_die_rechte():
    themenfeld = f.ThemenfeldFactory()
    ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=themenfeld)
    zuweisung = ff.rollenzuweisungen.get()
    assert UserObjectPermission.objects.filter(user=ff).exists()
    pm = f.ProgrammmanagementFactory()
    antwort = api(pm).delete(detail_url("rollenzuweisung", zuweisung.pk), format="json")
    assert antwort.status_code == 204
    assert not UserObjectPermission.objects.filter(user=ff).exists()
    leistung = f.LeistungFactory(themenfeld=themenfeld)
    versuch = api(ff).patch(
        detail_url("leistung", leistung.pk), {"phase": "konzeption"}, format="json"
    )
    assert versuch.status_code == 403


def test_online_url_oeffentlich_erst_ab_stufe_2():
    niedrig = f.UmsetzungsstandFactory(
        reifegrad=Reifegrad.INFORMATIONEN, online_url="https://entwurf.example.org/"
    )
    hoch = f.UmsetzungsstandFactory(
        reifegrad=Reifegrad.FORMULAR_ASSISTENT, online_url="https://live.example.org/"
    )
    oeffentlich = {
        z["id"]: z["online_url"]
        for z in api().get(liste_url("umsetzungsstand"), format="json").json()["results"]
    }
    assert oeffentlich == {niedrig.pk: "", hoch.pk: "https://live.example.org/"}
    leser = mit_rolle(Rolle.LESER)
    intern = {
        z["id"]: z["online_url"]
        for z in api(leser).get(liste_url("umsetzungsstand"), format="json").json()["results"]
    }
    assert intern[niedrig.pk] == "https://entwurf.example.org/"


def test_umsetzungsstand_melden_ist_ein_upsert():
    stand = f.UmsetzungsstandFactory(reifegrad=Reifegrad.INFORMATIONEN, bemerkung="alt")
    koordinator = mit_rolle(Rolle.OZG_KOORDINATOR, organisation=stand.gebiet)
    antwort = api(koordinator).post(
        liste_url("umsetzungsstand"),
        {"leistung": stand.leistung_id, "gebiet": stand.gebiet_id, "reifegrad": 3},
        format="json",
    )
    assert antwort.status_code == 200, antwort.content
    assert antwort.json()["id"] == stand.pk
    stand.refresh_from_db()
    assert stand.reifegrad == 3
    # A report is complete: what it does not say is empty (the service's contract).
    assert stand.bemerkung == ""
    assert letzter_verlauf(stand).history_user_id == koordinator.pk
    anders = api(koordinator).patch(
        detail_url("umsetzungsstand", stand.pk), {"gebiet": f.LandFactory().pk}, format="json"
    )
    assert anders.status_code == 400
    assert list(anders.json()) == ["gebiet"]


# --------------------------------------------------------------------------------------
# Anforderungen: not public
# --------------------------------------------------------------------------------------


def test_anforderungen_nur_fuer_interne_leser():
    anforderung = f.AnforderungFactory()
    ohne_rolle = api(f.UserFactory()).get(liste_url("anforderung"), format="json")
    assert ohne_rolle.status_code == 200
    assert ohne_rolle.json()["results"] == []
    leser = api(mit_rolle(Rolle.LESER)).get(liste_url("anforderung"), format="json")
    assert [z["id"] for z in leser.json()["results"]] == [anforderung.pk]


def test_anforderung_entscheiden():
    anforderung = f.AnforderungFactory()
    url = reverse("api:anforderung-entscheiden", args=[anforderung.pk])
    leser = mit_rolle(Rolle.LESER)
    assert (
        api(leser).post(url, {"status": "abgelehnt", "begruendung": "x"}, format="json").status_code
        == 403
    )
    pm = f.ProgrammmanagementFactory()
    ohne_grund = api(pm).post(url, {"status": "abgelehnt"}, format="json")
    assert ohne_grund.status_code == 400
    assert ohne_grund.json() == {"begruendung": ["Eine Entscheidung braucht eine Begründung."]}
    zurueck = api(pm).post(url, {"status": "eingereicht"}, format="json")
    assert zurueck.status_code == 400
    assert zurueck.json() == {"status": ["Eine Entscheidung setzt einen neuen Status."]}
    antwort = api(pm).post(url, {"status": "angenommen", "begruendung": "sinnvoll"}, format="json")
    assert antwort.status_code == 200, antwort.content
    assert antwort.json()["status"] == "angenommen"
    anforderung.refresh_from_db()
    assert anforderung.status == Anforderungsstatus.ANGENOMMEN
    assert letzter_verlauf(anforderung).history_user_id == pm.pk


def test_anforderung_einreicher_ist_immer_der_anfragende():
    leistung = f.LeistungFactory()
    ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=leistung.themenfeld)
    anderer = f.UserFactory()
    antwort = api(ff).post(
        liste_url("anforderung"),
        {
            "art": "digitalisierungshemmnis",
            "hemmnisart": "technisch",
            "titel": "Register fehlt",
            "beschreibung": "Kein Zugriff auf das Melderegister.",
            "leistung": leistung.pk,
            "eingereicht_von": anderer.pk,  # read-only: ignored
        },
        format="json",
    )
    assert antwort.status_code == 201, antwort.content
    assert antwort.json()["eingereicht_von"] == ff.pk


def test_eigene_aenderungsanfrage_sichtbar_fremde_nicht():
    """A Ressortansprechpartner files an Änderungsanfrage and can read it afterwards
    (``rechte.EIGENE``); another account without role cannot."""
    ressort = f.RessortFactory()
    leistung = f.LeistungFactory(themenfeld=f.ThemenfeldFactory(federfuehrendes_ressort=ressort))
    ansprechpartner = mit_rolle(Rolle.RESSORTANSPRECHPARTNER, organisation=ressort)
    antwort = api(ansprechpartner).post(
        liste_url("anforderung"),
        {
            "art": "aenderungsanfrage",
            "titel": "Zuständigkeit korrigieren",
            "beschreibung": "Das Ressort hat gewechselt.",
            "leistung": leistung.pk,
        },
        format="json",
    )
    assert antwort.status_code == 201, antwort.content
    url = detail_url("anforderung", antwort.json()["id"])
    assert api(ansprechpartner).get(url, format="json").status_code == 200
    assert api(f.UserFactory()).get(url, format="json").status_code == 404
