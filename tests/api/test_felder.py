"""``?fields=`` and ``?kurz=1`` on every resource (OzgModelViewSet / OzgModelSerializer)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ozgplattform.choices import Rolle
from ozgplattform.testing import factories as f
from ozgplattform.testing.api import api, detail_url, liste_url, mit_rolle

pytestmark = pytest.mark.django_db


def erste(antwort) -> dict:
    assert antwort.status_code == 200, antwort.content
    return antwort.json()["results"][0]


@pytest.fixture
def daten():
    land = f.LandFactory(name="Musterland")
    leistung = f.LeistungFactory(ozg_id=50001, name="Elterngeld", labor=True)
    f.LeikaLeistungFactory(leistung=leistung, typ="1")
    f.ErgebnisFactory(leistung=leistung, geliefert=True)
    stand = f.UmsetzungsstandFactory(leistung=leistung, gebiet=land, reifegrad=3)
    zuweisung = f.RollenzuweisungFactory(kontakt_veroeffentlichen=True, leistung=leistung)
    return {"land": land, "leistung": leistung, "stand": stand, "zuweisung": zuweisung}


# --------------------------------------------------------------------------------------
# ?fields=
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basename", "felder"),
    [
        ("leistung", ["id", "name", "typ"]),
        ("umsetzungsstand", ["id", "reifegrad", "gebiet_ars", "online_url"]),
        ("organisation", ["ars", "name"]),
        ("themenfeld", ["nummer", "url"]),
        ("ergebnis", ["status", "leistung"]),
        ("rollenzuweisung", ["rolle", "person"]),
    ],
)
def test_nur_die_gewaehlten_felder_in_liste_und_detail(daten, basename, felder):
    zeile = erste(api().get(f"{liste_url(basename)}?fields={','.join(felder)}"))
    assert set(zeile) == set(felder)
    alle = erste(api().get(liste_url(basename)))
    assert set(alle) > set(felder)
    pk = api().get(f"{liste_url(basename)}?fields=id").json()["results"][0]["id"]
    detail = api().get(f"{detail_url(basename, pk)}?fields={','.join(felder)}")
    assert detail.status_code == 200, detail.content
    assert set(detail.json()) == set(felder)


def test_werte_wie_ohne_auswahl(daten):
    url = liste_url("leistung")
    gewaehlt = erste(api().get(f"{url}?fields=ozg_id,typ, vollstaendigkeit"))
    alle = erste(api().get(url))
    assert gewaehlt == {k: alle[k] for k in ("ozg_id", "typ", "vollstaendigkeit")}
    assert gewaehlt["typ"]["typen"] == ["1"]
    assert gewaehlt["vollstaendigkeit"]["erfuellt"] == 1


def test_verschachtelte_objekte_bleiben_vollstaendig(daten):
    detail = api().get(
        f"{detail_url('leistung', daten['leistung'].pk)}?fields=id,umsetzungsstaende"
    )
    assert detail.status_code == 200, detail.content
    inhalt = detail.json()
    assert set(inhalt) == {"id", "umsetzungsstaende"}
    [stand] = inhalt["umsetzungsstaende"]
    assert {"id", "url", "gebiet", "gebiet_ars", "reifegrad", "online_url"} <= set(stand)


def test_oeffentliche_regel_gilt_auch_mit_auswahl(daten):
    """A chosen field still follows the public rules (online URL from Stufe 2,
    account id only for internal readers)."""
    daten["stand"].reifegrad = 1
    daten["stand"].save()
    zeile = erste(api().get(f"{liste_url('umsetzungsstand')}?fields=id,online_url"))
    assert zeile == {"id": daten["stand"].pk, "online_url": ""}
    zeile = erste(api().get(f"{liste_url('rollenzuweisung')}?fields=id,user"))
    assert zeile == {"id": daten["zuweisung"].pk}


def test_unbekanntes_feld_400_mit_den_gueltigen(daten):
    antwort = api().get(f"{liste_url('organisation')}?fields=id,farbe,groesse")
    assert antwort.status_code == 400
    [meldung] = antwort.json()["fields"]
    assert meldung.startswith("Unbekannte Felder: farbe, groesse. Verfügbar: id, url, name,")
    antwort = api().get(f"{detail_url('leistung', daten['leistung'].pk)}?fields=nix")
    assert antwort.status_code == 400
    assert "ozg_id" in antwort.json()["fields"][0]


def test_listenfeld_nur_mit_expand(daten):
    """In lists the nested collections exist only with ?expand= (so only then choosable)."""
    url = liste_url("leistung")
    ohne = api().get(f"{url}?fields=id,ergebnisse")
    assert ohne.status_code == 400
    mit = erste(api().get(f"{url}?expand=ergebnisse&fields=id,ergebnisse"))
    assert set(mit) == {"id", "ergebnisse"} and len(mit["ergebnisse"]) == 1


# --------------------------------------------------------------------------------------
# ?kurz=1
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basename", "felder"),
    [
        ("leistung", ["id", "url", "ozg_id", "name"]),
        ("umsetzungsstand", ["id", "url", "leistung", "gebiet_ars", "reifegrad"]),
        ("organisation", ["id", "url", "name"]),
        ("themenfeld", ["id", "url", "name"]),
        ("ergebnis", ["id", "url", "leistung", "ergebnistyp", "status"]),
        ("rollenzuweisung", ["id", "url", "person", "rolle"]),
        ("leikaleistung", ["id", "url", "schluessel", "name"]),
    ],
)
def test_kurzform(daten, basename, felder):
    zeile = erste(api().get(f"{liste_url(basename)}?kurz=1"))
    assert list(zeile) == felder
    detail = api().get(f"{detail_url(basename, zeile['id'])}?kurz=ja")
    assert list(detail.json()) == felder
    assert zeile["url"].endswith(detail_url(basename, zeile["id"]))


def test_kurzform_werte(daten):
    zeile = erste(api().get(f"{liste_url('leistung')}?kurz=true"))
    assert (zeile["ozg_id"], zeile["name"]) == (50001, "Elterngeld")
    assert erste(api().get(f"{liste_url('leistung')}?kurz=0")).keys() > zeile.keys()


@pytest.mark.parametrize(
    ("query", "feld"), [("kurz=vielleicht", "kurz"), ("kurz=1&fields=id", "fields")]
)
def test_kurz_ungueltig_400(daten, query, feld):
    antwort = api().get(f"{liste_url('leistung')}?{query}")
    assert antwort.status_code == 400
    assert list(antwort.json()) == [feld]


def test_schreibantwort_bleibt_vollstaendig(daten):
    koordinator = mit_rolle(Rolle.OZG_KOORDINATOR, organisation=daten["land"])
    antwort = api(koordinator).patch(
        f"{detail_url('umsetzungsstand', daten['stand'].pk)}?fields=id",
        {"reifegrad": 4},
        format="json",
    )
    assert antwort.status_code == 200, antwort.content
    assert {"id", "reifegrad", "gebiet", "leistung"} <= set(antwort.json())


# --------------------------------------------------------------------------------------
# Queries: fewer fields never cost more, and stay constant in the page size
# --------------------------------------------------------------------------------------


def abfragen(url: str, user_pk: int | None = None) -> int:
    user = get_user_model().objects.get(pk=user_pk) if user_pk else None
    client = api(user)
    with CaptureQueriesContext(connection) as erfasst:
        antwort = client.get(url)
    assert antwort.status_code == 200, antwort.content
    return len(erfasst)


def leistungen(anzahl: int, land) -> None:
    for _ in range(anzahl):
        leistung = f.LeistungFactory(labor=True)
        f.LeikaLeistungFactory(leistung=leistung, typ="2/3")
        f.ErgebnisFactory(leistung=leistung)
        f.UmsetzungsstandFactory(leistung=leistung, gebiet=land)
        f.UmsetzungsprojektFactory(themenfeld=leistung.themenfeld, leistungen=[leistung])


@pytest.mark.parametrize(
    ("basename", "auswahl", "budget"),
    [
        ("leistung", "fields=id,name", 2),  # count, rows: no LeiKa, no Ergebnisse
        ("leistung", "kurz=1", 2),
        ("leistung", "fields=id,typ", 3),  # + LeiKa rows
        ("leistung", "expand=umsetzungsstaende&fields=id,umsetzungsstaende", 3),
        ("umsetzungsprojekt", "fields=id,name", 2),  # no Leistungen
        ("umsetzungsprojekt", "kurz=1", 2),
        ("umsetzungsstand", "fields=id,reifegrad", 2),
        ("organisation", "kurz=1", 2),
    ],
)
def test_weniger_felder_nicht_mehr_abfragen(basename, auswahl, budget):
    land = f.LandFactory()
    leistungen(5, land)
    url = liste_url(basename)
    klein_mit, klein_ohne = abfragen(f"{url}?{auswahl}"), abfragen(url)
    leistungen(25, land)
    gross_mit = abfragen(f"{url}?{auswahl}&page_size=100")
    assert klein_mit == gross_mit == budget
    assert klein_mit <= klein_ohne


def test_mit_anmeldung_gleiches_budget_plus_rechte():
    land = f.LandFactory()
    leistungen(3, land)
    leser = mit_rolle(Rolle.LESER)
    url = liste_url("leistung")
    # + the two permission queries of the requester (user and group permissions).
    assert abfragen(f"{url}?fields=id,name", leser.pk) == 2 + 2
