"""The bulk service ``umsetzungsstaende_melden``: the rules of ``umsetzungsstand_melden``
for every row, one transaction, a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leistungen.models import Umsetzungsstand
from leistungen.services import umsetzungsstaende_melden, umsetzungsstand_melden
from ozgplattform.choices import Rolle
from ozgplattform.history import SYSTEM_USERNAME
from ozgplattform.testing import factories as f
from ozgplattform.testing.api import mit_rolle

pytestmark = pytest.mark.django_db


@pytest.fixture
def welt():
    land = f.LandFactory(name="Musterland")
    kreis = f.KreisFactory(parent=land, name="Musterkreis")
    gemeinde = f.GemeindeFactory(parent=kreis, name="Musterdorf")
    fremd = f.LandFactory(name="Nachbarland")
    leistungen = [f.LeistungFactory(ozg_id=50000 + i) for i in range(40)]
    koordinator = mit_rolle(Rolle.OZG_KOORDINATOR, organisation=land)
    return {
        "land": land,
        "kreis": kreis,
        "gemeinde": gemeinde,
        "fremd": fremd,
        "leistungen": leistungen,
        "k": koordinator,
    }


def zeilen(welt, anzahl: int, reifegrad: int = 3, **mehr) -> list[dict]:
    gebiete = [welt["land"], welt["kreis"], welt["gemeinde"]]
    return [
        {
            "leistung": welt["leistungen"][i // 3],
            "gebiet": gebiete[i % 3],
            "reifegrad": reifegrad,
            "online_url": "https://dienst.example.org/a",
            "stichtag": dt.date(2021, 6, 30),
            **mehr,
        }
        for i in range(anzahl)
    ]


def bestand() -> tuple[list, int]:
    """Every Umsetzungsstand with all values, and the number of history rows."""
    return list(Umsetzungsstand.objects.order_by("pk").values()), Umsetzungsstand.history.count()


def test_neu_und_geaendert_mit_verlauf_wie_der_einzelservice(welt):
    k = welt["k"]
    vorher = f.UmsetzungsstandFactory(
        leistung=welt["leistungen"][0], gebiet=welt["land"], reifegrad=1, online_url=""
    )
    version = vorher.geaendert
    daten = zeilen(welt, 4, bemerkung="Quartal")
    ergebnis = umsetzungsstaende_melden(daten, user=k, grund="Statusblatt Q2")

    assert len(ergebnis) == 4
    assert ergebnis[0].pk == vorher.pk
    for stand, zeile in zip(ergebnis, daten, strict=True):
        stand.refresh_from_db()
        assert (stand.leistung, stand.gebiet) == (zeile["leistung"], zeile["gebiet"])
        assert (stand.reifegrad, stand.online_url, stand.bemerkung, stand.stichtag) == (
            3,
            "https://dienst.example.org/a",
            "Quartal",
            dt.date(2021, 6, 30),
        )
        assert stand.erstellt is not None and stand.geaendert is not None
        # One history row per new or changed row: the acting user and the reason.
        letzter = stand.history.order_by("-history_id").first()
        assert letzter.history_user_id == k.pk
        assert letzter.history_change_reason == "Statusblatt Q2"
        assert letzter.reifegrad == 3 and letzter.bemerkung == "Quartal"
    # The changed row: a new version (ETag), an update record after the creation.
    assert ergebnis[0].geaendert > version
    arten = ergebnis[0].history.order_by("history_id").values_list("history_type", flat=True)
    assert list(arten) == ["+", "~"]
    assert [s.history.get().history_type for s in ergebnis[1:]] == ["+", "+", "+"]

    # The single-row service writes the same row and the same kind of history record.
    einzeln = umsetzungsstand_melden(
        **{**daten[0], "leistung": welt["leistungen"][9], "bemerkung": "Quartal"},
        user=k,
        grund="Statusblatt Q2",
    )
    verlauf = einzeln.history.get()
    bulk = ergebnis[0].history.order_by("-history_id").first()
    felder = ("history_user_id", "history_change_reason", "reifegrad", "online_url", "stichtag")
    assert [getattr(verlauf, n) for n in felder] == [getattr(bulk, n) for n in felder]


def test_ohne_grund_und_ohne_benutzer_wie_der_einzelservice(welt):
    """user=None (command, task): the system account; no reason given: none stored."""
    ergebnis = umsetzungsstaende_melden(zeilen(welt, 2), user=None)
    einzeln = umsetzungsstand_melden(**zeilen(welt, 3)[2], user=None)
    system = get_user_model().objects.get(username=SYSTEM_USERNAME)
    for stand in [*ergebnis, einzeln]:
        verlauf = stand.history.get()
        assert (verlauf.history_user_id, verlauf.history_change_reason) == (system.pk, None)


def test_stichtag_leer_heute_bei_neu_unveraendert_bei_vorhandenem(welt):
    alt = f.UmsetzungsstandFactory(
        leistung=welt["leistungen"][0], gebiet=welt["land"], stichtag=dt.date(2020, 1, 1)
    )
    daten = zeilen(welt, 2, reifegrad=4, stichtag=None)
    vorhanden, neu = umsetzungsstaende_melden(daten, user=welt["k"])
    assert vorhanden.pk == alt.pk
    assert Umsetzungsstand.objects.get(pk=alt.pk).stichtag == dt.date(2020, 1, 1)
    assert Umsetzungsstand.objects.get(pk=neu.pk).stichtag == timezone.localdate()


def test_unveraenderte_zeilen_schreiben_nichts(welt):
    umsetzungsstaende_melden(zeilen(welt, 6), user=welt["k"], grund="erste Meldung")
    vorher = bestand()
    with CaptureQueriesContext(connection) as erfasst:
        ergebnis = umsetzungsstaende_melden(zeilen(welt, 6), user=welt["k"], grund="nochmal")
    assert bestand() == vorher
    assert [s.pk for s in ergebnis] == [z["id"] for z in vorher[0]]
    schreibend = [
        q["sql"] for q in erfasst.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))
    ]
    assert schreibend == []


def test_nur_wirklich_geaenderte_zeilen_bekommen_verlauf(welt):
    umsetzungsstaende_melden(zeilen(welt, 6), user=welt["k"])
    daten = zeilen(welt, 6)
    daten[4]["reifegrad"] = 4
    umsetzungsstaende_melden(daten, user=welt["k"], grund="nur eine")
    assert list(
        Umsetzungsstand.history.filter(history_change_reason="nur eine").values_list(
            "leistung_id", "gebiet_id", "reifegrad"
        )
    ) == [(daten[4]["leistung"].pk, daten[4]["gebiet"].pk, 4)]


def test_nicht_erlaubtes_gebiet_bricht_alles_ab(welt):
    f.UmsetzungsstandFactory(leistung=welt["leistungen"][0], gebiet=welt["land"], reifegrad=1)
    vorher = bestand()
    daten = zeilen(welt, 5)
    daten[3]["gebiet"] = welt["fremd"]
    daten[4]["gebiet"] = welt["fremd"]
    with pytest.raises(PermissionDenied) as fehler:
        umsetzungsstaende_melden(daten, user=welt["k"])
    assert fehler.value.index == 3
    assert bestand() == vorher
    # The same message as the single-row service's.
    with pytest.raises(PermissionDenied) as einzeln:
        umsetzungsstand_melden(**daten[3], user=welt["k"])
    assert str(fehler.value) == str(einzeln.value)


def test_ohne_jedes_melderecht(welt):
    with pytest.raises(PermissionDenied) as fehler:
        umsetzungsstaende_melden(zeilen(welt, 3), user=f.UserFactory())
    assert fehler.value.index == 0
    assert bestand() == ([], 0)


@pytest.mark.parametrize(
    ("aenderung", "feld"),
    [
        ({"stichtag": dt.date(2099, 1, 1)}, "stichtag"),
        ({"online_url": "kein-link"}, "online_url"),
        ({"reifegrad": 7}, "reifegrad"),
        ({"online_url": "https://x.example.org/" + "a" * 500}, "online_url"),
    ],
)
def test_ungueltige_zeile_bricht_alles_ab(welt, aenderung, feld):
    f.UmsetzungsstandFactory(leistung=welt["leistungen"][1], gebiet=welt["kreis"], reifegrad=1)
    vorher = bestand()
    daten = zeilen(welt, 6)
    daten[4].update(aenderung)  # the existing row (Leistung 1, Kreis)
    with pytest.raises(ValidationError) as fehler:
        umsetzungsstaende_melden(daten, user=welt["k"])
    assert fehler.value.index == 4
    assert list(fehler.value.error_dict) == [feld]
    assert bestand() == vorher
    # A new row is checked the same way.
    daten = zeilen(welt, 3)
    daten[2].update(aenderung)
    with pytest.raises(ValidationError) as fehler:
        umsetzungsstaende_melden(daten, user=welt["k"])
    assert (fehler.value.index, list(fehler.value.error_dict)) == (2, [feld])
    assert bestand() == vorher


def test_gebiet_muss_land_kreis_oder_gemeinde_sein(welt):
    dienstleister = f.OrganisationFactory(name="Dataport")
    daten = zeilen(welt, 2)
    daten[1]["gebiet"] = dienstleister
    with pytest.raises(ValidationError, match="Land, einen Kreis oder eine Gemeinde") as fehler:
        umsetzungsstaende_melden(daten, user=None)
    assert fehler.value.index == 1
    assert bestand() == ([], 0)


def test_doppeltes_paar_abgelehnt(welt):
    daten = zeilen(welt, 3)
    daten.append({**daten[1], "reifegrad": 4})
    with pytest.raises(ValidationError, match="steht schon in Zeile 2") as fehler:
        umsetzungsstaende_melden(daten, user=welt["k"])
    assert fehler.value.index == 3
    assert bestand() == ([], 0)


def _abfragen(daten, user) -> int:
    if user is not None:
        user = get_user_model().objects.get(pk=user.pk)  # no permission cache
    with CaptureQueriesContext(connection) as erfasst:
        umsetzungsstaende_melden(daten, user=user, grund="Messung")
    return len(erfasst)


@pytest.mark.parametrize("rolle", ["koordinator", "system"])
def test_abfragen_konstant_fuer_10_und_100_zeilen(welt, rolle):
    user = welt["k"] if rolle == "koordinator" else None
    if user is None:
        f.UserFactory(username=SYSTEM_USERNAME)  # as in production: the account exists
    # New rows.
    zehn = _abfragen(zeilen(welt, 10), user)
    Umsetzungsstand.objects.all().delete()
    hundert = _abfragen(zeilen(welt, 100), user)
    assert hundert == zehn, (zehn, hundert)
    # Changed rows (the 100 exist now).
    zehn_geaendert = _abfragen(zeilen(welt, 10, reifegrad=4), user)
    hundert_geaendert = _abfragen(zeilen(welt, 100, reifegrad=2), user)
    assert hundert_geaendert == zehn_geaendert, (zehn_geaendert, hundert_geaendert)
    # New and changed mixed: still a small constant (rights, Leistungen, lock, INSERT
    # with history, UPDATE with history, savepoint).
    Umsetzungsstand.objects.filter(gebiet=welt["gemeinde"]).delete()
    gemischt = _abfragen(zeilen(welt, 100, reifegrad=1), user)
    assert gemischt <= 12, gemischt
    verlauf = Umsetzungsstand.history.filter(history_change_reason="Messung", reifegrad=1)
    assert verlauf.count() == 100
