"""Key figures (Gesamtfortschritt) computed from real rows, in a constant number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leistungen.choices import Ergebnisstatus, Ergebnistyp, Flaechendeckung
from leistungen.models import Leistung
from leistungen.selectors import gesamtfortschritt
from ozgplattform.testing import factories as f

pytestmark = pytest.mark.django_db

HEUTE = dt.date(2026, 6, 1)


@pytest.fixture
def welt():
    hessen, bayern = f.LandFactory(name="Hessen"), f.LandFactory(name="Bayern")
    kreis = f.KreisFactory(parent=bayern)
    tf = f.ThemenfeldFactory()
    # a: Stufe 4 landesweit in Hessen, 2 in Bayern → nationwide 4, Hessen landesweit
    a = f.LeistungFactory(themenfeld=tf, labor=True)
    f.UmsetzungsstandFactory(leistung=a, gebiet=hessen, reifegrad=4, stichtag=HEUTE)
    f.UmsetzungsstandFactory(leistung=a, gebiet=bayern, reifegrad=2, stichtag=HEUTE)
    # b: Stufe 3 in a Bavarian Kreis only → kreisweit
    b = f.LeistungFactory(themenfeld=tf, werkbank=True)
    f.UmsetzungsstandFactory(leistung=b, gebiet=kreis, reifegrad=3, stichtag=HEUTE)
    # c: landesweit in both → bundesweit (only two Länder exist)
    c = f.LeistungFactory(themenfeld=tf)
    for land in (hessen, bayern):
        f.UmsetzungsstandFactory(leistung=c, gebiet=land, reifegrad=3, stichtag=HEUTE)
    # d: nothing reported
    d = f.LeistungFactory(themenfeld=tf, depriorisiert=True)
    # Ergebnisse: a (Labor) has everything but Antragsprozess (FF decides, undecided)
    for typ in Ergebnistyp.values[:-1]:
        f.ErgebnisFactory(leistung=a, ergebnistyp=typ, geliefert=True)
    f.ErgebnisFactory(leistung=b, ergebnistyp=Ergebnistyp.FIM_STAMMINFORMATIONEN, geliefert=True)
    # Meilensteine: one late, one on time, one Themenfeld-wide late
    f.MeilensteinFactory(leistung=a, geplant=dt.date(2026, 1, 1), erreicht=dt.date(2026, 2, 1))
    f.MeilensteinFactory(leistung=b, geplant=dt.date(2026, 1, 1), erreicht=dt.date(2025, 12, 1))
    f.MeilensteinFactory(themenfeld=tf, geplant=dt.date(2026, 5, 1))
    return {"hessen": hessen, "bayern": bayern, "a": a, "b": b, "c": c, "d": d, "tf": tf}


def test_kennzahlen(welt):
    g = gesamtfortschritt(stichtag=HEUTE)
    assert g.anzahl_leistungen == 4
    assert g.reifegrad_bund == {0: 0, 1: 0, 2: 0, 3: 2, 4: 1, None: 1}
    assert g.online_bund == 3
    assert g.anteil_online_bund == pytest.approx(0.75)
    hessen, bayern = welt["hessen"].ars, welt["bayern"].ars
    assert g.reifegrad_land[hessen] == {0: 0, 1: 0, 2: 0, 3: 1, 4: 1, None: 2}
    # Bayern: a at 2, b at 3 via the Kreis, c at 3
    assert g.reifegrad_land[bayern] == {0: 0, 1: 0, 2: 1, 3: 2, 4: 0, None: 1}
    assert g.online_je_land == {hessen: 2, bayern: 2}
    assert g.anteil_online_land(bayern) == pytest.approx(0.5)
    assert g.flaechendeckung == {
        Flaechendeckung.BUNDESWEIT: 1,
        Flaechendeckung.LANDESWEIT: 1,
        Flaechendeckung.KREISWEIT: 1,
        Flaechendeckung.KOMMUNE: 0,
        Flaechendeckung.KEINE: 1,
    }
    assert g.landesweit_je_land == {hessen: 2, bayern: 1}
    # a complete (Antragsprozess undecided → not required), b not, c unprioritised, d depriorised
    assert (g.ergebnisse_vollstaendig, g.ergebnisse_mit_anforderungen) == (1, 2)
    assert g.ergebnistypen[Ergebnistyp.FIM_STAMMINFORMATIONEN] == (2, 2)
    assert g.ergebnistypen[Ergebnistyp.REFERENZIMPLEMENTIERUNG] == (1, 2)
    assert (g.meilensteine, g.meilensteine_verzoegert) == (3, 2)
    assert g.verzoegert_je_themenfeld == {welt["tf"].name: 2}


def test_stichtag_laesst_spaetere_staende_weg(welt):
    g = gesamtfortschritt(stichtag=HEUTE - dt.timedelta(days=1))
    assert g.reifegrad_bund[None] == 4
    assert g.meilensteine_verzoegert == 2
    # On 1 April the Themenfeld milestone (due 1 May) is not late yet; a's (reached late) is.
    assert gesamtfortschritt(stichtag=dt.date(2026, 4, 1)).meilensteine_verzoegert == 1


def test_auswahl_von_leistungen(welt):
    g = gesamtfortschritt(Leistung.objects.filter(pk=welt["b"].pk), stichtag=HEUTE)
    assert g.anzahl_leistungen == 1
    assert g.flaechendeckung[Flaechendeckung.KREISWEIT] == 1
    assert g.ergebnistypen[Ergebnistyp.FIM_STAMMINFORMATIONEN] == (1, 1)


def _abfragen(n: int) -> int:
    land = f.LandFactory()
    tf = f.ThemenfeldFactory()
    for _ in range(n):
        leistung = f.LeistungFactory(themenfeld=tf, labor=True)
        f.UmsetzungsstandFactory(leistung=leistung, gebiet=land, stichtag=HEUTE)
        f.ErgebnisFactory(leistung=leistung, status=Ergebnisstatus.IN_ARBEIT)
        f.MeilensteinFactory(leistung=leistung)
    with CaptureQueriesContext(connection) as ctx:
        gesamtfortschritt(Leistung.objects.filter(themenfeld=tf), stichtag=HEUTE)
    return len(ctx.captured_queries)


def test_abfragen_konstant():
    # Länder, Leistungen, Stände (+ re-reported ones, Stichtag in the past), Ergebnisse,
    # Meilensteine (2).
    assert _abfragen(3) == _abfragen(30) <= 7


def test_neue_meldung_loescht_die_vergangenheit_nicht(welt):
    """Re-reported later (a new "Stand vom"), a Stand still counts with its previous
    Reifegrad on the days before – not as "nicht gemeldet"."""
    from leistungen.services import umsetzungsstand_melden

    vorher = gesamtfortschritt(stichtag=HEUTE)
    spaeter = HEUTE + dt.timedelta(days=30)
    umsetzungsstand_melden(
        leistung=welt["b"], gebiet=welt["b"].umsetzungsstaende.get().gebiet, reifegrad=1,
        stichtag=spaeter, user=None,
    )  # fmt: skip
    assert gesamtfortschritt(stichtag=HEUTE) == vorher
    danach = gesamtfortschritt(stichtag=spaeter)
    assert (
        danach.reifegrad_bund[1] == 1 and danach.reifegrad_bund[3] == vorher.reifegrad_bund[3] - 1
    )
    # Before its first "Stand vom" it never counted.
    assert gesamtfortschritt(stichtag=HEUTE - dt.timedelta(days=1)).reifegrad_bund[None] == 4
