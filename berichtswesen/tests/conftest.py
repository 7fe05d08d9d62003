"""A small world for the report tests: two Themenfelder, three Länder (one with a Kreis
and a Gemeinde), Leistungen with Umsetzungsstände, Ergebnisse, Meilensteine,
Anforderungen, a Leistungsverantwortlicher and a Marktplatz offer."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from anforderungen.choices import Anforderungsstatus
from berichtswesen.berichte import ARTEN
from leistungen.choices import Ergebnistyp
from ozgplattform.celery import app
from ozgplattform.choices import Rolle
from ozgplattform.services import rollenzuweisung_anlegen
from ozgplattform.testing.factories import (
    AnforderungFactory,
    ErgebnisFactory,
    GemeindeFactory,
    KreisFactory,
    LandFactory,
    LeistungFactory,
    MeilensteinFactory,
    NachnutzungFactory,
    NachnutzungsangebotFactory,
    RessortFactory,
    ThemenfeldFactory,
    UmsetzungsstandFactory,
    UserFactory,
)

from .berichtsarten import TESTARTEN


@dataclass
class Welt:
    laender: list
    kreis: object
    gemeinde: object
    tf1: object
    tf2: object
    l1: object
    l2: object
    l3: object
    l4: object
    meilenstein: object
    anforderung: object
    erledigt: object
    lv: object
    angebot: object
    nachnutzung: object
    ressort: object


@pytest.fixture
def welt(db) -> Welt:
    laender = [
        LandFactory(name="Nordland", ars="20"),
        LandFactory(name="Südland", ars="21"),
        LandFactory(name="Westland", ars="22"),
    ]
    kreis = KreisFactory(name="Kreis Nordheim", parent=laender[0], ars="20001")
    gemeinde = GemeindeFactory(name="Gemeinde Nordhausen", parent=kreis, ars="200010000001")
    ressort = RessortFactory(name="Bundesministerium für Berichte")
    tf1 = ThemenfeldFactory(name="Familie & Kind", nummer=1, federfuehrendes_ressort=ressort)
    tf2 = ThemenfeldFactory(name="Bauen & Wohnen", nummer=2)
    l1 = LeistungFactory(name="Elterngeld", ozg_id=101, themenfeld=tf1, labor=True)
    l2 = LeistungFactory(name="Kindergeld", ozg_id=102, themenfeld=tf1, werkbank=True)
    l3 = LeistungFactory(name="Unterhaltsvorschuss", ozg_id=103, themenfeld=tf1)
    l4 = LeistungFactory(name="Baugenehmigung", ozg_id=201, themenfeld=tf2, labor=True)
    UmsetzungsstandFactory(leistung=l1, gebiet=laender[0], reifegrad=3)
    UmsetzungsstandFactory(leistung=l1, gebiet=laender[1], reifegrad=4)
    UmsetzungsstandFactory(leistung=l2, gebiet=kreis, reifegrad=3)
    UmsetzungsstandFactory(leistung=l2, gebiet=gemeinde, reifegrad=2)
    UmsetzungsstandFactory(leistung=l3, gebiet=laender[0], reifegrad=1)
    UmsetzungsstandFactory(leistung=l4, gebiet=laender[2], reifegrad=2)
    ErgebnisFactory(leistung=l1, ergebnistyp=Ergebnistyp.FIM_STAMMINFORMATIONEN, geliefert=True)
    meilenstein = MeilensteinFactory(
        leistung=l1, name="Klick-Prototyp abgenommen", geplant=dt.date(2021, 3, 31)
    )
    MeilensteinFactory(
        leistung=l4,
        name="Referenz live",
        geplant=dt.date(2021, 6, 30),
        erreicht=dt.date(2021, 6, 1),
    )
    MeilensteinFactory(themenfeld=tf2, name="Feinplanung fertig", geplant=dt.date(2020, 1, 31))
    anforderung = AnforderungFactory(
        leistung=l1, titel="Schriftformerfordernis streichen", status=Anforderungsstatus.EINGEREICHT
    )
    erledigt = AnforderungFactory(
        leistung=l2, titel="Erledigte Anfrage", status=Anforderungsstatus.ERLEDIGT
    )
    lv = UserFactory(first_name="Lena", last_name="Verantwortlich")
    rollenzuweisung_anlegen(benutzer=lv, rolle=Rolle.LEISTUNGSVERANTWORTLICHER, leistung=l2)
    angebot = NachnutzungsangebotFactory(
        leistung=l1, anbieter=laender[1], titel="Elterngeld digital", veroeffentlicht=True
    )
    nachnutzung = NachnutzungFactory(angebot=angebot, land=laender[0], status="live")
    return Welt(
        laender,
        kreis,
        gemeinde,
        tf1,
        tf2,
        l1,
        l2,
        l3,
        l4,
        meilenstein,
        anforderung,
        erledigt,
        lv,
        angebot,
        nachnutzung,
        ressort,
    )


def pdf_text(inhalt: bytes) -> tuple[str, list[str]]:
    """Whole text and per-page text of a PDF (pypdf)."""
    seiten = [seite.extract_text() for seite in PdfReader(io.BytesIO(inhalt)).pages]
    return "\n".join(seiten), seiten


def rolle(user, rolle_, **bereich):
    rollenzuweisung_anlegen(benutzer=user, rolle=rolle_, **bereich)
    return user


@pytest.fixture(autouse=True)
def _berichte_root(settings, tmp_path):
    settings.BERICHTE_ROOT = tmp_path / "berichte"
    settings.BERICHT_QUEUE = ""
    settings.BERICHT_WIEDERHOLUNG_SEKUNDEN = 0


@pytest.fixture
def testarten():
    """The test report types registered in ARTEN for one test."""
    vorher = dict(ARTEN)
    ARTEN.update(TESTARTEN)
    yield TESTARTEN
    ARTEN.clear()
    ARTEN.update(vorher)


@pytest.fixture
def eager():
    """Reports run in-process (the embedded default without broker), whatever
    CELERY_BROKER_URL the test run has (``scripts/test`` sets one)."""
    vorher = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = vorher
