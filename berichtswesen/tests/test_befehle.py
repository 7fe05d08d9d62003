"""Management commands for installations without Celery beat (cron): they run the same
tasks as beat, in-process."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from berichtswesen import ablage
from berichtswesen.models import Berichtsauftrag, Berichtsplan, Kennzahlenstand, Rhythmus, Status
from ozgplattform.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _befehl(*args) -> str:
    ausgabe = io.StringIO()
    call_command(*args, stdout=ausgabe)
    return ausgabe.getvalue()


def test_kennzahlen_festhalten_heute_und_stichtag(welt):
    ausgabe = _befehl("kennzahlen_festhalten")
    heute = timezone.localdate()
    # gesamt + 2 Themenfelder + 3 Länder
    assert Kennzahlenstand.objects.filter(stichtag=heute).count() == 6
    assert f"Kennzahlen vom {heute.isoformat()} festgehalten: 6 Zeilen." in ausgabe
    gesamt = Kennzahlenstand.objects.get(stichtag=heute, ebene="gesamt")
    assert gesamt.anzahl_leistungen == 4

    _befehl("kennzahlen_festhalten", "--stichtag", "2024-03-01")
    assert Kennzahlenstand.objects.filter(stichtag=dt.date(2024, 3, 1)).count() == 6
    _befehl("kennzahlen_festhalten")  # idempotent: the same day is overwritten
    assert Kennzahlenstand.objects.count() == 12


@pytest.mark.parametrize(
    ("wert", "meldung"), [("gestern", "kein Datum"), ("2999-01-01", "Zukunft")]
)
def test_kennzahlen_festhalten_falsches_datum(db, wert, meldung):
    with pytest.raises(CommandError, match=meldung):
        call_command("kennzahlen_festhalten", "--stichtag", wert)
    assert not Kennzahlenstand.objects.exists()


def test_berichtsplaene_ausfuehren(testarten, eager, django_capture_on_commit_callbacks):
    plan = Berichtsplan.objects.create(
        bezeichnung="Monatsbericht",
        art="test_schnell",
        format="csv",
        parameter={"bereich": "offen"},
        rhythmus=Rhythmus.MONATLICH,
        naechste_ausfuehrung=timezone.now() - dt.timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        ausgabe = _befehl("berichtsplaene_ausfuehren")
    assert "1 Berichtsauftrag/-aufträge aus Plänen angelegt." in ausgabe
    auftrag = Berichtsauftrag.objects.get()
    assert auftrag.plan == plan and auftrag.status == Status.FERTIG
    assert "0 Berichtsauftrag" in _befehl("berichtsplaene_ausfuehren")
    assert Berichtsauftrag.objects.count() == 1


def test_berichte_aufraeumen(testarten):
    auftrag = Berichtsauftrag.objects.create(
        art="test_schnell",
        format="csv",
        parameter={},
        angefordert_von=UserFactory(),
        status=Status.FERTIG,
        laeuft_ab=timezone.now() - dt.timedelta(minutes=1),
    )
    ablage.schreiben(auftrag, b"alt")
    ausgabe = _befehl("berichte_aufraeumen")
    assert "abgelaufen 1" in ausgabe
    auftrag.refresh_from_db()
    assert auftrag.status == Status.ABGELAUFEN
    assert not ablage.vorhanden(auftrag)
