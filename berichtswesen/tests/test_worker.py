"""Reliability of report jobs with a real Redis and a real Celery worker.

Each test starts ``celery -A ozgplattform worker`` as a subprocess (prefork, one
process, a queue of its own) against Redis database 14 — never 15 (the test run's
broker, ``scripts/test``) or 0 — and pytest's test database, which it sees because the
tests commit (``transaction=True``). The worker runs with a short hard time limit and a
short visibility timeout (consistent: visibility > time limit), so a message of a killed
worker comes back within seconds. Workers are killed in teardown, always.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from berichtswesen import ablage, services
from berichtswesen.models import Berichtsauftrag, Status
from ozgplattform.celery import app
from ozgplattform.models import ApiToken, IdempotenzSchluessel
from ozgplattform.testing.api import api
from ozgplattform.testing.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # They share (and flush) Redis DB 14 and depend on timing (visibility timeout):
    # ./scripts/test runs them on their own after the parallel run, one at a time.
    pytest.mark.celery_worker,
    pytest.mark.xdist_group("redis14"),
]

REDIS_DB = 14
BROKER_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
#: A port nothing listens on: the broker is "down".
BROKER_TOT = f"redis://127.0.0.1:1/{REDIS_DB}"
ZEITLIMIT = 10
SICHTBARKEIT = 12
WARTEN = 60


def _db_url() -> str:
    d = connection.settings_dict
    anmeldung = quote(d["USER"] or "", safe="")
    if d.get("PASSWORD"):
        anmeldung += ":" + quote(d["PASSWORD"], safe="")
    host = d.get("HOST") or "127.0.0.1"
    port = d.get("PORT") or 5432
    return f"postgres://{anmeldung}@{host}:{port}/{d['NAME']}"


def _warten_bis(bedingung, beschreibung: str, sekunden: float = WARTEN, log: Path | None = None):
    ende = time.monotonic() + sekunden
    while time.monotonic() < ende:
        wert = bedingung()
        if wert:
            return wert
        time.sleep(0.1)
    text = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    pytest.fail(f"Nicht erreicht in {sekunden} s: {beschreibung}\n--- Worker-Log ---\n{text}")


class Worker:
    """One ``celery worker`` subprocess in its own process group."""

    def __init__(self, queue: str, wurzel: Path, log: Path) -> None:
        self.queue = queue
        self.wurzel = wurzel
        self.log = log
        self.prozess: subprocess.Popen | None = None

    def starten(self) -> Worker:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ozgplattform.settings",
            "CELERY_BROKER_URL": BROKER_URL,
            "DATABASE_URL": _db_url(),
            "BERICHTE_ROOT": str(self.wurzel),
            "BERICHT_QUEUE": self.queue,
            "BERICHT_ZEITLIMIT": str(ZEITLIMIT),
            "CELERY_VISIBILITY_TIMEOUT": str(SICHTBARKEIT),
            "BERICHT_WIEDERHOLUNG_SEKUNDEN": "1",
            "SECURE_SSL_REDIRECT": "0",
        }
        befehl = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ozgplattform",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--prefetch-multiplier=1",
            "-Q",
            self.queue,
            "-n",
            f"{self.queue}-{uuid.uuid4().hex[:6]}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--include",
            "berichtswesen.tests.worker_berichtsarten",
            "--loglevel=INFO",
        ]
        vorher = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as ausgabe:
            self.prozess = subprocess.Popen(  # noqa: S603 - fixed command, no shell
                befehl,
                cwd=django_settings.BASE_DIR,
                env=env,
                stdout=ausgabe,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def bereit():
            if self.prozess.poll() is not None:
                pytest.fail(f"Worker beendet:\n{self.log.read_text(errors='replace')[-4000:]}")
            with self.log.open("rb") as f:
                f.seek(vorher)
                return b" ready." in f.read()

        _warten_bis(bereit, "Worker bereit", 45, self.log)
        return self

    def toeten(self) -> None:
        """SIGKILL to the whole process group (main process and pool child)."""
        if self.prozess is not None and self.prozess.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.prozess.pid, signal.SIGKILL)
            self.prozess.wait(timeout=10)


@pytest.fixture
def redis14():
    client = redis.Redis.from_url(BROKER_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def broker(settings, monkeypatch, redis14, tmp_path):
    """The test process publishes to Redis DB 14 and the test's own queue."""
    queue = f"berichte-test-{uuid.uuid4().hex[:8]}"
    settings.BERICHT_QUEUE = queue
    # Celery's CELERY_BROKER_URL environment variable wins over app.conf.
    monkeypatch.setenv("CELERY_BROKER_URL", BROKER_URL)
    vorher = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = BROKER_URL
    yield queue
    app.conf.task_always_eager, app.conf.broker_url = vorher


@pytest.fixture
def worker_fabrik(broker, settings, tmp_path):
    workers: list[Worker] = []
    log = tmp_path / "worker.log"

    def neu() -> Worker:
        worker = Worker(broker, Path(settings.BERICHTE_ROOT), log)
        workers.append(worker)
        return worker.starten()

    neu.log = log
    yield neu
    for worker in workers:
        worker.toeten()


def _status(auftrag) -> Berichtsauftrag:
    return Berichtsauftrag.objects.get(pk=auftrag.pk)


def _anfordern(user, art, format="csv", **parameter) -> Berichtsauftrag:
    return services.bericht_anfordern(art=art, format=format, parameter=parameter, user=user)


def test_a_bericht_wird_vom_worker_erstellt(testarten, worker_fabrik):
    worker_fabrik()
    auftrag = _anfordern(UserFactory(), "test_schnell", bereich="offen", text="vom Worker")
    assert auftrag.status == Status.WARTET  # not run in-process
    fertig = _warten_bis(
        lambda: _status(auftrag).status == Status.FERTIG, "Bericht fertig", log=worker_fabrik.log
    )
    assert fertig
    auftrag.refresh_from_db()
    assert ablage.pfad(auftrag).read_bytes() == b"bereich;text\noffen;vom Worker\n"
    assert auftrag.versuche == 1


def test_b_sigkill_mitten_im_bericht_neuer_worker_vollendet_genau_eine_datei(
    testarten, worker_fabrik
):
    erster = worker_fabrik()
    auftrag = _anfordern(UserFactory(), "test_langsam", schritte=10, pause=0.4)
    _warten_bis(
        lambda: (a := _status(auftrag)).status == Status.LAEUFT and a.fortschritt >= 20,
        "Bericht läuft mit Fortschritt",
        log=worker_fabrik.log,
    )
    erster.toeten()
    mitten = _status(auftrag)
    assert mitten.status == Status.LAEUFT and mitten.fortschritt < 100
    assert not ablage.vorhanden(mitten)

    worker_fabrik()
    _warten_bis(
        lambda: _status(auftrag).status == Status.FERTIG,
        "Bericht nach neuem Worker fertig",
        log=worker_fabrik.log,
    )
    auftrag.refresh_from_db()
    assert auftrag.versuche == 2
    dateien = sorted(p.name for p in ablage.wurzel().iterdir())
    assert dateien == [f"{auftrag.datei}.csv"]
    assert ablage.pfad(auftrag).read_bytes() == b"x" * 1000
    assert "lief bereits" in worker_fabrik.log.read_text(errors="replace")


def test_c_voruebergehend_wiederholt_dauerhaft_fehlgeschlagen_und_protokolliert(
    testarten, worker_fabrik
):
    from berichtswesen.tests.berichtsarten import zaehler_datei

    marke = f"worker-{uuid.uuid4().hex[:8]}"
    zaehler_datei(marke).unlink(missing_ok=True)
    worker_fabrik()
    person = UserFactory()
    wiederholt = _anfordern(
        person, "test_fehler", fehler="voruebergehend", scheitern=2, marke=marke
    )
    dauerhaft = _anfordern(person, "test_fehler", fehler="dauerhaft")
    _warten_bis(
        lambda: (
            _status(wiederholt).status == Status.FERTIG
            and _status(dauerhaft).status == Status.FEHLGESCHLAGEN
        ),
        "wiederholt fertig, dauerhaft fehlgeschlagen",
        log=worker_fabrik.log,
    )
    wiederholt.refresh_from_db()
    dauerhaft.refresh_from_db()
    assert wiederholt.versuche == 3
    assert ablage.pfad(wiederholt).read_bytes() == b"nach 3 Versuchen"
    assert dauerhaft.versuche == 1
    assert "internen Fehlers" in dauerhaft.fehlermeldung
    assert not ablage.vorhanden(dauerhaft)
    log = worker_fabrik.log.read_text(errors="replace")
    assert "Bericht fehlgeschlagen" in log
    assert "Traceback" in log and "Division durch die Wirklichkeit" in log
    assert log.count("vorübergehender Fehler") >= 2
    zaehler_datei(marke).unlink(missing_ok=True)


def test_d_redis_nicht_erreichbar(testarten, broker, monkeypatch, client, settings):
    monkeypatch.setenv("CELERY_BROKER_URL", BROKER_TOT)
    app.conf.broker_url = BROKER_TOT
    person = UserFactory()
    client.force_login(person)

    assert client.get(reverse("leistungen:liste")).status_code == 200
    assert client.get(reverse("berichtswesen:uebersicht")).status_code == 200

    antwort = client.post(
        reverse("berichtswesen:anfordern", args=["test_schnell"]),
        {"parameter-bereich": "offen", "format": "csv"},
    )
    assert antwort.status_code == 503
    assert "Der Berichtsdienst ist derzeit nicht erreichbar" in antwort.content.decode()

    api_antwort = api(person, token=ApiToken(user=person, name="t", schreibrecht=True)).post(
        "/api/v1/berichtsauftraege/",
        {"art": "test_schnell", "format": "csv", "parameter": {"bereich": "offen"}},
        format="json",
    )
    assert api_antwort.status_code == 503
    assert api_antwort["Retry-After"] == str(services.RETRY_AFTER)
    assert "nicht erreichbar" in api_antwort.json()["detail"]

    # With an Idempotency-Key the job is published only at the commit of the key's
    # transaction: still a 503, the key is forgotten, and a retry is not a replay.
    mit_schluessel = api(person, token=ApiToken(user=person, name="t", schreibrecht=True))
    for _ in range(2):
        antwort = mit_schluessel.post(
            "/api/v1/berichtsauftraege/",
            {"art": "test_schnell", "format": "csv", "parameter": {"bereich": "offen"}},
            format="json",
            HTTP_IDEMPOTENCY_KEY="bericht-1",
        )
        assert antwort.status_code == 503, antwort.content
        assert antwort["Retry-After"] == str(services.RETRY_AFTER)
        assert not antwort.has_header("Idempotent-Replayed")
    assert not IdempotenzSchluessel.objects.exists()

    with pytest.raises(services.BerichtsdienstNichtErreichbar):
        _anfordern(person, "test_schnell", bereich="offen")

    assert not Berichtsauftrag.objects.exists()
    wurzel = Path(settings.BERICHTE_ROOT)
    assert not wurzel.exists() or not list(wurzel.iterdir())
