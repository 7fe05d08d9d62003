"""Schedules (Berichtspläne) and clean-up of expired reports."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from berichtswesen import ablage, services
from berichtswesen.models import Berichtsauftrag, Berichtsplan, Rhythmus, Status
from ozgplattform.testing.factories import ThemenfeldFactory, UserFactory

pytestmark = pytest.mark.django_db


def _zeit(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


@pytest.mark.parametrize(
    ("rhythmus", "nach", "termin", "zeitraum"),
    [
        (Rhythmus.MONATLICH, "2026-11-29 10:00", "2026-12-01 06:00", "2026-11"),
        (Rhythmus.MONATLICH, "2026-12-31 23:00", "2027-01-01 06:00", "2026-12"),
        (Rhythmus.MONATLICH, "2027-01-01 06:00", "2027-02-01 06:00", "2027-01"),
        (Rhythmus.WOECHENTLICH, "2026-11-29 10:00", "2026-11-30 06:00", "2026-W48"),
        (Rhythmus.WOECHENTLICH, "2026-11-30 06:00", "2026-12-07 06:00", "2026-W49"),
    ],
)
def test_termine_und_zeitraeume(rhythmus, nach, termin, zeitraum):
    assert services.naechster_termin(rhythmus, _zeit(nach)) == _zeit(termin)
    assert services.zeitraum(rhythmus, _zeit(nach)) == zeitraum


def _plan(**extra) -> Berichtsplan:
    daten = {
        "bezeichnung": "Monatsbericht offen",
        "art": "test_schnell",
        "format": "csv",
        "parameter": {"bereich": "offen"},
        "rhythmus": Rhythmus.MONATLICH,
        "naechste_ausfuehrung": _zeit("2026-11-01 06:00"),
    }
    daten.update(extra)
    return Berichtsplan.objects.create(**daten)


def test_plan_laeuft_einmal_je_zeitraum(testarten, eager, django_capture_on_commit_callbacks):
    plan = _plan()
    jetzt = _zeit("2026-11-01 07:15")
    neue = services.berichtsplaene_ausfuehren(jetzt=jetzt)
    assert len(neue) == 1
    auftrag = Berichtsauftrag.objects.get()
    assert auftrag.plan == plan and auftrag.periode == "2026-11"
    assert auftrag.angefordert_von is None
    assert auftrag.status == Status.FERTIG  # eager: rendered in-process
    assert auftrag.laeuft_ab - auftrag.beendet == dt.timedelta(days=400)
    plan.refresh_from_db()
    assert plan.naechste_ausfuehrung == _zeit("2026-12-01 06:00")

    # The hourly task again (and again) in the same period: nothing new.
    assert services.berichtsplaene_ausfuehren(jetzt=_zeit("2026-11-01 08:15")) == []
    # Even if the plan were due again for the same period (reset by hand).
    Berichtsplan.objects.filter(pk=plan.pk).update(naechste_ausfuehrung=_zeit("2026-11-01 06:00"))
    assert services.berichtsplaene_ausfuehren(jetzt=_zeit("2026-11-01 09:15")) == []
    assert Berichtsauftrag.objects.count() == 1

    # Next month: the next report.
    neue = services.berichtsplaene_ausfuehren(jetzt=_zeit("2026-12-01 06:15"))
    assert [a.periode for a in neue] == ["2026-12"]
    assert Berichtsauftrag.objects.count() == 2


def test_inaktive_und_nicht_faellige_plaene_laufen_nicht(testarten, eager):
    _plan(aktiv=False)
    _plan(naechste_ausfuehrung=_zeit("2026-12-01 06:00"))
    assert services.berichtsplaene_ausfuehren(jetzt=_zeit("2026-11-15 12:00")) == []
    assert not Berichtsauftrag.objects.exists()


def test_ungueltiger_plan_wird_uebersprungen_und_protokolliert(testarten, eager, caplog):
    plan = _plan(parameter={"bereich": "gibt es nicht"})
    assert services.berichtsplaene_ausfuehren(jetzt=_zeit("2026-11-01 07:00")) == []
    assert not Berichtsauftrag.objects.exists()
    assert any("übersprungen" in r.getMessage() for r in caplog.records)
    plan.refresh_from_db()
    assert plan.naechste_ausfuehrung == _zeit("2026-12-01 06:00")


def test_broker_weg_plan_bleibt_faellig(testarten, monkeypatch):
    plan = _plan()

    def weg(auftrag_id):
        Berichtsauftrag.objects.filter(pk=auftrag_id).delete()
        raise services.BerichtsdienstNichtErreichbar()

    monkeypatch.setattr(services, "einreihen", weg)
    assert services.berichtsplaene_ausfuehren(jetzt=_zeit("2026-11-01 07:00")) == []
    plan.refresh_from_db()
    assert plan.naechste_ausfuehrung == _zeit("2026-11-01 06:00")
    assert not Berichtsauftrag.objects.exists()


def test_berichtsplan_hat_verlauf():
    plan = _plan()
    plan.aktiv = False
    plan.save()
    assert [h.aktiv for h in plan.history.order_by("history_date")] == [True, False]


def test_themenfeld_plaene_einrichten_einmal_je_themenfeld():
    eins, zwei = ThemenfeldFactory(), ThemenfeldFactory()
    call_command("berichtsplaene_einrichten", verbosity=0)
    plaene = Berichtsplan.objects.order_by("parameter__themenfeld")
    assert [(p.art, p.parameter, p.rhythmus) for p in plaene] == [
        ("themenfeld", {"themenfeld": eins.pk}, Rhythmus.MONATLICH),
        ("themenfeld", {"themenfeld": zwei.pk}, Rhythmus.MONATLICH),
    ]
    assert all(p.naechste_ausfuehrung > timezone.now() for p in plaene)
    ThemenfeldFactory()
    assert services.themenfeld_berichtsplaene_einrichten() == 1
    assert services.themenfeld_berichtsplaene_einrichten() == 0
    assert Berichtsplan.objects.count() == 3


# --------------------------------------------------------------------------------------
# Clean-up
# --------------------------------------------------------------------------------------


def _alt(pfad, stunden=2):
    zeit = (timezone.now() - dt.timedelta(hours=stunden)).timestamp()
    os.utime(pfad, (zeit, zeit))


def test_aufraeumen_loescht_abgelaufene_waisen_und_temporaere_dateien():
    person = UserFactory()
    jetzt = timezone.now()
    abgelaufen = Berichtsauftrag.objects.create(
        art="x",
        format="csv",
        angefordert_von=person,
        status=Status.FERTIG,
        laeuft_ab=jetzt - dt.timedelta(minutes=1),
    )
    gueltig = Berichtsauftrag.objects.create(
        art="x",
        format="csv",
        angefordert_von=person,
        status=Status.FERTIG,
        laeuft_ab=jetzt + dt.timedelta(days=1),
    )
    laeuft = Berichtsauftrag.objects.create(
        art="x", format="csv", angefordert_von=person, status=Status.LAEUFT
    )
    haengt = Berichtsauftrag.objects.create(art="x", format="csv", angefordert_von=person)
    Berichtsauftrag.objects.filter(pk=haengt.pk).update(erstellt=jetzt - dt.timedelta(days=2))
    fehlgeschlagen = Berichtsauftrag.objects.create(
        art="x", format="csv", angefordert_von=person, status=Status.FEHLGESCHLAGEN
    )
    for auftrag in (abgelaufen, gueltig, laeuft, fehlgeschlagen):
        ablage.schreiben(auftrag, b"inhalt")
        _alt(ablage.pfad(auftrag))
    wurzel = ablage.wurzel()
    waise = wurzel / "unbekannt.pdf"
    waise.write_bytes(b"?")
    _alt(waise)
    frische_waise = wurzel / "gerade-geschrieben.pdf"
    frische_waise.write_bytes(b"?")
    temp_alt = wurzel / f"{laeuft.datei}.abc.tmp"
    temp_alt.write_bytes(b"?")
    _alt(temp_alt)
    temp_neu = wurzel / f"{laeuft.datei}.def.tmp"
    temp_neu.write_bytes(b"?")

    ergebnis = services.berichte_aufraeumen(jetzt=jetzt)

    assert ergebnis == {"abgelaufen": 1, "verloren": 1, "waisen": 2, "temporaer": 1}
    abgelaufen.refresh_from_db()
    assert abgelaufen.status == Status.ABGELAUFEN
    assert not ablage.vorhanden(abgelaufen)
    assert ablage.vorhanden(gueltig) and ablage.vorhanden(laeuft)
    assert not ablage.vorhanden(fehlgeschlagen)
    haengt.refresh_from_db()
    assert haengt.status == Status.FEHLGESCHLAGEN and "erneut an" in haengt.fehlermeldung
    assert not waise.exists() and frische_waise.exists()
    assert not temp_alt.exists() and temp_neu.exists()

    # Idempotent.
    assert services.berichte_aufraeumen(jetzt=jetzt) == {
        "abgelaufen": 0,
        "verloren": 0,
        "waisen": 0,
        "temporaer": 0,
    }


def test_nach_ablauf_ist_der_download_410(testarten, client):
    person = UserFactory()
    client.force_login(person)
    auftrag = Berichtsauftrag.objects.create(
        art="test_schnell",
        format="csv",
        parameter={"bereich": "offen"},
        angefordert_von=person,
        status=Status.FERTIG,
        dateiname="a.csv",
        laeuft_ab=timezone.now() - dt.timedelta(seconds=1),
    )
    ablage.schreiben(auftrag, b"a")
    url = f"/berichte/{auftrag.pk}/datei"
    # Past its retention: gone even before the clean-up ran.
    assert client.get(url).status_code == 410
    Berichtsauftrag.objects.filter(pk=auftrag.pk).update(
        laeuft_ab=timezone.now() + dt.timedelta(days=1)
    )
    assert client.get(url).status_code == 200
    Berichtsauftrag.objects.filter(pk=auftrag.pk).update(
        laeuft_ab=timezone.now() - dt.timedelta(seconds=1)
    )
    services.berichte_aufraeumen()
    antwort = client.get(url)
    assert antwort.status_code == 410
    assert "Aufbewahrungsfrist" in antwort.content.decode()


def test_beat_plan_enthaelt_die_aufgaben(settings):
    aufgaben = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "berichtswesen.berichtsplaene_ausfuehren",
        "berichtswesen.berichte_aufraeumen",
    } <= aufgaben
    from ozgplattform.celery import app

    # As a worker does on start: autodiscovery imports the tasks modules (otherwise the
    # result depends on whether an earlier test in this process imported them).
    app.loader.import_default_modules()
    assert "berichtswesen.berichtsplaene_ausfuehren" in app.tasks
    assert "berichtswesen.berichte_aufraeumen" in app.tasks


def test_demo_daten_legen_themenfeld_plaene_an():
    from ozgplattform import demo
    from themenfelder.models import Themenfeld

    demo.demo_daten_anlegen()
    anzahl = Themenfeld.objects.count()
    assert anzahl > 0
    plaene = Berichtsplan.objects.filter(art="themenfeld", rhythmus=Rhythmus.MONATLICH)
    assert sorted(p.parameter["themenfeld"] for p in plaene) == sorted(
        Themenfeld.objects.values_list("pk", flat=True)
    )
    demo.demo_daten_anlegen()
    assert Berichtsplan.objects.count() == anzahl


def test_neues_themenfeld_bekommt_seinen_monatsplan():
    from themenfelder.services import themenfeld_anlegen

    vorhanden = ThemenfeldFactory()  # created without the service: no plan
    themenfeld = themenfeld_anlegen(nummer=77, name="Neues Themenfeld")
    plaene = list(Berichtsplan.objects.all())
    assert [(p.art, p.parameter, p.rhythmus, p.format) for p in plaene] == [
        ("themenfeld", {"themenfeld": themenfeld.pk}, Rhythmus.MONATLICH, "pdf")
    ]
    assert plaene[0].naechste_ausfuehrung > timezone.now()
    assert "Neues Themenfeld" in plaene[0].bezeichnung
    # The command adds the missing one and leaves the new one alone.
    assert services.themenfeld_berichtsplaene_einrichten() == 1
    assert {p.parameter["themenfeld"] for p in Berichtsplan.objects.all()} == {
        vorhanden.pk,
        themenfeld.pk,
    }


def test_themenfeld_ohne_recht_legt_auch_keinen_plan_an():
    from django.core.exceptions import PermissionDenied

    from themenfelder.services import themenfeld_anlegen

    with pytest.raises(PermissionDenied):
        themenfeld_anlegen(user=UserFactory(), nummer=78, name="Verboten")
    assert not Berichtsplan.objects.exists()
