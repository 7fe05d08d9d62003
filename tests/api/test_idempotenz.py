"""Idempotency-Key on API POSTs (``ozgplattform/api/idempotenz.py``)."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from leistungen.choices import Prioritaet
from leistungen.models import Leistung
from ozgplattform import services as ozg_services
from ozgplattform.api.views import OrganisationViewSet
from ozgplattform.choices import OrganisationsArt, Rolle
from ozgplattform.models import IdempotenzSchluessel, Organisation
from ozgplattform.tasks import idempotenzschluessel_aufraeumen
from ozgplattform.testing import factories as f
from ozgplattform.testing.api import api, liste_url, mit_rolle

pytestmark = pytest.mark.django_db


def leistung_neu(themenfeld, ozg_id=99101, name="Neue Leistung") -> dict:
    return {"ozg_id": ozg_id, "name": name, "themenfeld": themenfeld.pk}


def test_wiederholung_liefert_die_erste_antwort_und_legt_einmal_an():
    pm = f.ProgrammmanagementFactory()
    daten = leistung_neu(f.ThemenfeldFactory())
    vorher = Leistung.objects.count(), Leistung.history.count()

    erste = api(pm).post(liste_url("leistung"), daten, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert erste.status_code == 201, erste.content
    assert not erste.has_header("Idempotent-Replayed")
    zweite = api(pm).post(liste_url("leistung"), daten, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert zweite.status_code == 201, zweite.content
    assert zweite["Idempotent-Replayed"] == "true"
    assert zweite.json() == erste.json()
    assert zweite["Location"] == erste["Location"]
    assert zweite["ETag"] == erste["ETag"]
    assert (Leistung.objects.count(), Leistung.history.count()) == (vorher[0] + 1, vorher[1] + 1)
    assert IdempotenzSchluessel.objects.filter(user=pm, schluessel="k-1").count() == 1


def test_gleicher_inhalt_in_anderer_schreibweise_ist_dieselbe_anfrage():
    pm = f.ProgrammmanagementFactory()
    themenfeld = f.ThemenfeldFactory()
    url = liste_url("leistung")
    eins = f'{{"ozg_id": 99102, "name": "X", "themenfeld": {themenfeld.pk}}}'
    zwei = json.dumps({"themenfeld": themenfeld.pk, "name": "X", "ozg_id": 99102}, indent=2)
    a = api(pm).post(url, eins, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    b = api(pm).post(url, zwei, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert (a.status_code, b.status_code) == (201, 201)
    assert b["Idempotent-Replayed"] == "true"
    assert Leistung.objects.filter(ozg_id=99102).count() == 1


def test_gleicher_schluessel_anderer_inhalt_ist_422():
    pm = f.ProgrammmanagementFactory()
    themenfeld = f.ThemenfeldFactory()
    url = liste_url("leistung")
    erste = api(pm).post(url, leistung_neu(themenfeld), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert erste.status_code == 201
    anzahl = Leistung.objects.count()
    andere = api(pm).post(
        url, leistung_neu(themenfeld, 99103, "Andere"), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert andere.status_code == 422
    assert "andere Anfrage" in andere.json()["detail"]
    assert Leistung.objects.count() == anzahl
    # Another path with the same key is another request as well.
    organisation = api(pm).post(
        liste_url("organisation"),
        {"name": "Dataport", "art": OrganisationsArt.IT_DIENSTLEISTER},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert organisation.status_code == 422


def test_schluessel_gilt_je_person():
    daten = {"name": "Dataport", "art": OrganisationsArt.IT_DIENSTLEISTER}
    vorher = Organisation.objects.count()
    for person in (f.ProgrammmanagementFactory(), f.ProgrammmanagementFactory()):
        antwort = api(person).post(
            liste_url("organisation"), daten, format="json", HTTP_IDEMPOTENCY_KEY="gemeinsam"
        )
        assert antwort.status_code == 201
        assert not antwort.has_header("Idempotent-Replayed")
    assert Organisation.objects.count() == vorher + 2


def test_schluessel_zu_lang_oder_leer_ist_400():
    pm = f.ProgrammmanagementFactory()
    daten = {"name": "Dataport", "art": OrganisationsArt.IT_DIENSTLEISTER}
    url = liste_url("organisation")
    vorher = Organisation.objects.count()
    zu_lang = api(pm).post(url, daten, format="json", HTTP_IDEMPOTENCY_KEY="x" * 256)
    assert zu_lang.status_code == 400
    assert zu_lang.json() == {
        "Idempotency-Key": ["Der Idempotency-Key darf höchstens 255 Zeichen lang sein."]
    }
    leer = api(pm).post(url, daten, format="json", HTTP_IDEMPOTENCY_KEY="  ")
    assert leer.status_code == 400
    assert Organisation.objects.count() == vorher
    genau = api(pm).post(url, daten, format="json", HTTP_IDEMPOTENCY_KEY="x" * 255)
    assert genau.status_code == 201
    assert Organisation.objects.count() == vorher + 1


def test_fehler_werden_nicht_gespeichert():
    """After an error the client fixes the request and retries with the same key."""
    pm = f.ProgrammmanagementFactory()
    themenfeld = f.ThemenfeldFactory()
    url = liste_url("leistung")
    falsch = api(pm).post(
        url,
        {"ozg_id": "keine Zahl", "themenfeld": themenfeld.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert falsch.status_code == 400
    assert not IdempotenzSchluessel.objects.filter(user=pm).exists()
    # A refused permission is not stored either.
    ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=themenfeld)
    verboten = api(ff).post(url, leistung_neu(themenfeld), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert verboten.status_code == 403
    assert not IdempotenzSchluessel.objects.exists()

    richtig = api(pm).post(url, leistung_neu(themenfeld), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert richtig.status_code == 201
    assert not richtig.has_header("Idempotent-Replayed")
    assert Leistung.objects.filter(ozg_id=99101).count() == 1


def test_upsert_und_eigene_aktion():
    """Every POST takes the key: an upsert (200 on the second real call) and a custom
    action replay their first response and write one history row."""
    leistung = f.LeistungFactory(werkbank=True)
    ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=leistung.themenfeld)
    url = reverse("api:leistung-depriorisierung-vorschlagen", args=[leistung.pk])
    daten = {"depriorisierungsgrund": "rechtlich", "begruendung": "Schriftform."}
    verlauf = Leistung.history.filter(id=leistung.pk).count()
    antworten = [
        api(ff).post(url, daten, format="json", HTTP_IDEMPOTENCY_KEY="vorschlag") for _ in range(2)
    ]
    assert [a.status_code for a in antworten] == [200, 200]
    assert antworten[1]["Idempotent-Replayed"] == "true"
    assert antworten[1].json() == antworten[0].json()
    assert Leistung.history.filter(id=leistung.pk).count() == verlauf + 1
    assert Leistung.objects.get(pk=leistung.pk).prioritaet == Prioritaet.DEPRIORISIERT


def test_anonym_bleibt_401():
    antwort = api().post(
        liste_url("organisation"), {"name": "X"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert antwort.status_code == 401
    assert not IdempotenzSchluessel.objects.exists()


def test_abgelaufene_schluessel():
    pm = f.ProgrammmanagementFactory()
    daten = {"name": "Dataport", "art": OrganisationsArt.IT_DIENSTLEISTER}
    url = liste_url("organisation")
    assert api(pm).post(url, daten, format="json", HTTP_IDEMPOTENCY_KEY="alt").status_code == 201
    assert api(pm).post(url, daten, format="json", HTTP_IDEMPOTENCY_KEY="neu").status_code == 201
    IdempotenzSchluessel.objects.filter(schluessel="alt").update(
        erstellt=timezone.now() - dt.timedelta(hours=24, seconds=1)
    )
    # Expired but not yet cleaned up: the key is free again (no replay, no 422).
    anders = {"name": "Anders", "art": OrganisationsArt.IT_DIENSTLEISTER}
    wieder = api(pm).post(url, anders, format="json", HTTP_IDEMPOTENCY_KEY="alt")
    assert wieder.status_code == 201
    assert not wieder.has_header("Idempotent-Replayed")

    IdempotenzSchluessel.objects.filter(schluessel="alt").update(
        erstellt=timezone.now() - dt.timedelta(hours=25)
    )
    IdempotenzSchluessel.objects.filter(schluessel="neu").update(
        erstellt=timezone.now() - dt.timedelta(hours=23)
    )
    assert idempotenzschluessel_aufraeumen() == 1
    assert list(IdempotenzSchluessel.objects.values_list("schluessel", flat=True)) == ["neu"]
    assert idempotenzschluessel_aufraeumen.apply().get() == 0


def test_aufraeumen_im_beat_plan(settings):
    eintraege = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "ozgplattform.idempotenzschluessel_aufraeumen" in eintraege


# --------------------------------------------------------------------------------------
# Concurrency: two requests with the same key at the same time create one row
# --------------------------------------------------------------------------------------


def _warten_bis(bedingung, versuche=2000):
    """Poll ``bedingung`` (no fixed sleeps; bounded so a bug cannot hang the run)."""
    ereignis = threading.Event()
    for _ in range(versuche):
        if bedingung():
            return True
        ereignis.wait(0.01)
    return False


def _wartende_sperren() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_gleichzeitig_mit_gleichem_schluessel_eine_zeile(monkeypatch):
    """Request A holds its transaction open inside the service; request B with the same
    key is started and blocks on the unique index (seen in pg_stat_activity); when A
    commits, B replays A's response. One Organisation, one key row."""
    pm = f.ProgrammmanagementFactory()
    daten = {"name": "Gleichzeitig", "art": OrganisationsArt.IT_DIENSTLEISTER}
    im_service = threading.Event()
    weiter = threading.Event()
    aufrufe = []

    def langsam(**kwargs):
        aufrufe.append(1)
        im_service.set()
        assert weiter.wait(30), "Test hängt: B wurde nicht freigegeben"
        return ozg_services.organisation_anlegen(**kwargs)

    monkeypatch.setattr(OrganisationViewSet, "service_anlegen", staticmethod(langsam))
    antworten = {}

    def anfrage(name):
        try:
            antworten[name] = api(pm).post(
                liste_url("organisation"), daten, format="json", HTTP_IDEMPOTENCY_KEY="parallel"
            )
        finally:
            connection.close()

    a = threading.Thread(target=anfrage, args=("a",))
    a.start()
    try:
        assert im_service.wait(30)
        b = threading.Thread(target=anfrage, args=("b",))
        b.start()
        assert _warten_bis(lambda: _wartende_sperren() >= 1), "B wartet nicht auf A"
    finally:
        weiter.set()
        a.join(60)
    b.join(60)

    assert antworten["a"].status_code == 201, antworten["a"].content
    assert antworten["b"].status_code == 201, antworten["b"].content
    assert antworten["b"]["Idempotent-Replayed"] == "true"
    assert antworten["b"].json() == antworten["a"].json()
    assert len(aufrufe) == 1
    assert Organisation.objects.filter(name="Gleichzeitig").count() == 1
    assert IdempotenzSchluessel.objects.filter(schluessel="parallel").count() == 1
