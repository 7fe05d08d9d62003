"""Celery tasks of the Berichtswesen.

``berichtswesen.bericht_erzeugen`` renders one job. Reliability rules (docs/berichte.md):

* Idempotent per job: a finished, failed or expired job is left alone; a job found
  ``läuft`` was taken by a worker that died — it is simply run again. The result goes to
  the job's fixed path (``ablage``), so there is exactly one file whatever happened.
* ``acks_late`` + ``reject_on_worker_lost``: the message is acknowledged only after the
  run; if the worker is killed, Redis hands it to another worker after the broker's
  ``visibility_timeout`` (``CELERY_VISIBILITY_TIMEOUT``, longer than the hard time limit
  ``BERICHT_ZEITLIMIT``).
* Only :data:`VORUEBERGEHENDE_FEHLER` are retried, at most :data:`MAX_WIEDERHOLUNGEN`
  times with exponential backoff; anything else ends the job as ``fehlgeschlagen`` with
  a German message for the user and the traceback in the log.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from . import ablage, services
from .berichte import ARTEN
from .models import OFFEN, Berichtsauftrag, Status

logger = logging.getLogger(__name__)

#: Errors worth another attempt: the database or the file storage was briefly away.
#: (``OSError`` covers storage errors, ``ConnectionError`` and ``TimeoutError``.)
VORUEBERGEHENDE_FEHLER: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    OSError,
)
MAX_WIEDERHOLUNGEN = 3
#: Starts of one job at most: the first run, its retries, and two restarts after a lost
#: worker. A report that kills its worker every time (e.g. out of memory) then fails
#: instead of being redelivered for ever.
MAX_LAEUFE = 1 + MAX_WIEDERHOLUNGEN + 2

FEHLER_ALLGEMEIN = gettext_noop(
    "Der Bericht konnte wegen eines internen Fehlers nicht erstellt werden. Der Fehler "
    "wurde protokolliert; bitte wenden Sie sich an den Betrieb der Plattform, wenn er "
    "erneut auftritt."
)
FEHLER_VORUEBERGEHEND = gettext_noop(
    "Der Bericht konnte wegen einer vorübergehenden Störung (Datenbank oder Dateiablage) "
    "auch nach mehreren Versuchen nicht erstellt werden. Bitte fordern Sie ihn später "
    "erneut an."
)
FEHLER_ZEITLIMIT = gettext_noop(
    "Der Bericht hat das Zeitlimit überschritten und wurde abgebrochen. Bitte schränken "
    "Sie die Parameter ein oder wenden Sie sich an den Betrieb der Plattform."
)
FEHLER_ART = gettext_noop("Diese Berichtsart gibt es nicht (mehr).")
FEHLER_RECHTE = gettext_noop("Sie dürfen die Daten dieses Berichts nicht (mehr) sehen.")
FEHLER_ABGEBROCHEN = gettext_noop(
    "Die Erstellung des Berichts wurde mehrfach abgebrochen (z. B. wegen Speichermangels). "
    "Bitte schränken Sie die Parameter ein oder wenden Sie sich an den Betrieb der Plattform."
)


def _wartezeit(versuch: int) -> int:
    """Backoff before retry ``versuch`` (0-based): base, 2×base, 4×base seconds."""
    return settings.BERICHT_WIEDERHOLUNG_SEKUNDEN * 2**versuch


def _fehlschlagen(auftrag_id, meldung: str) -> None:
    Berichtsauftrag.objects.filter(pk=auftrag_id, status__in=OFFEN).update(
        status=Status.FEHLGESCHLAGEN,
        fehlermeldung=meldung,
        beendet=timezone.now(),
        schritt="Fehlgeschlagen",
    )


def _fortschritt_melder(auftrag_id):
    letzter: list[tuple[int, str]] = []

    def melden(prozent: int, schritt: str) -> None:
        wert = (max(0, min(99, int(prozent))), str(schritt)[:200])
        if letzter and letzter[0] == wert:
            return
        letzter[:] = [wert]
        # One cheap UPDATE; the page polls it.
        Berichtsauftrag.objects.filter(pk=auftrag_id, status=Status.LAEUFT).update(
            fortschritt=wert[0], schritt=wert[1]
        )

    return melden


@shared_task(
    bind=True,
    name="berichtswesen.bericht_erzeugen",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_WIEDERHOLUNGEN,
    time_limit=settings.BERICHT_ZEITLIMIT,
    soft_time_limit=max(1, settings.BERICHT_ZEITLIMIT - max(1, settings.BERICHT_ZEITLIMIT // 20)),
)
def bericht_erzeugen(self, auftrag_id: str) -> str:
    """Render the job ``auftrag_id`` into its file. Returns the final status."""
    auftrag = Berichtsauftrag.objects.select_related("angefordert_von").filter(pk=auftrag_id)
    auftrag = auftrag.first()
    if auftrag is None:
        logger.info("Berichtsauftrag %s gibt es nicht mehr", auftrag_id)
        return "fehlt"
    if auftrag.status not in OFFEN:
        return auftrag.status  # already done: redelivered message, nothing to do
    if auftrag.versuche >= MAX_LAEUFE:
        logger.error(
            "Berichtsauftrag %s: %s Läufe ohne Ergebnis – aufgegeben", auftrag.pk, auftrag.versuche
        )
        _fehlschlagen(auftrag.pk, FEHLER_ABGEBROCHEN)
        return Status.FEHLGESCHLAGEN
    if auftrag.status == Status.LAEUFT:
        logger.warning(
            "Berichtsauftrag %s lief bereits (Worker verloren?) – wird neu erstellt", auftrag.pk
        )

    art = ARTEN.get(auftrag.art)
    if art is None:
        logger.error("Berichtsauftrag %s: unbekannte Berichtsart %r", auftrag.pk, auftrag.art)
        _fehlschlagen(auftrag.pk, FEHLER_ART)
        return Status.FEHLGESCHLAGEN
    user = auftrag.angefordert_von
    if user is not None and not (user.is_active and art.darf_anfordern(user, auftrag.parameter)):
        logger.warning("Berichtsauftrag %s: %s darf den Bericht nicht mehr sehen", auftrag.pk, user)
        _fehlschlagen(auftrag.pk, FEHLER_RECHTE)
        return Status.FEHLGESCHLAGEN

    Berichtsauftrag.objects.filter(pk=auftrag.pk, status__in=OFFEN).update(
        status=Status.LAEUFT,
        begonnen=timezone.now(),
        versuche=F("versuche") + 1,
        fortschritt=0,
        schritt=gettext_noop("Bericht wird erstellt"),
    )
    try:
        ergebnis = art.erzeugen(
            auftrag.parameter,
            auftrag.format,
            user=user,
            fortschritt=_fortschritt_melder(auftrag.pk),
        )
        groesse = ablage.schreiben(auftrag, ergebnis.inhalt)
    except SoftTimeLimitExceeded:
        logger.exception("Berichtsauftrag %s: Zeitlimit überschritten", auftrag.pk)
        _fehlschlagen(auftrag.pk, FEHLER_ZEITLIMIT)
        return Status.FEHLGESCHLAGEN
    except VORUEBERGEHENDE_FEHLER as fehler:
        versuch = self.request.retries
        if versuch >= MAX_WIEDERHOLUNGEN:
            logger.exception(
                "Berichtsauftrag %s: vorübergehender Fehler, Versuche erschöpft", auftrag.pk
            )
            _fehlschlagen(auftrag.pk, FEHLER_VORUEBERGEHEND)
            return Status.FEHLGESCHLAGEN
        warten = _wartezeit(versuch)
        logger.warning(
            "Berichtsauftrag %s: vorübergehender Fehler (%s), neuer Versuch in %s s",
            auftrag.pk,
            fehler,
            warten,
            exc_info=True,
        )
        try:
            Berichtsauftrag.objects.filter(pk=auftrag.pk, status=Status.LAEUFT).update(
                status=Status.WARTET,
                schritt=f"Vorübergehende Störung – neuer Versuch in {warten} Sekunden",
            )
        except VORUEBERGEHENDE_FEHLER:
            logger.warning("Berichtsauftrag %s: Status nicht gespeichert", auftrag.pk)
        if self.request.is_eager:
            # In-process (no broker): retry at once, without sleeping in the request.
            return bericht_erzeugen.apply(args=[auftrag_id], retries=versuch + 1).result
        raise self.retry(exc=fehler, countdown=warten) from fehler
    except (ValidationError, PermissionDenied) as fehler:
        # Domain errors: the report type says what is wrong, in German.
        logger.exception("Berichtsauftrag %s: Bericht abgelehnt", auftrag.pk)
        meldung = " ".join(getattr(fehler, "messages", None) or [str(fehler)]) or FEHLER_ALLGEMEIN
        _fehlschlagen(auftrag.pk, meldung)
        return Status.FEHLGESCHLAGEN
    except Exception:
        logger.exception("Berichtsauftrag %s: Bericht fehlgeschlagen", auftrag.pk)
        _fehlschlagen(auftrag.pk, FEHLER_ALLGEMEIN)
        return Status.FEHLGESCHLAGEN

    jetzt = timezone.now()
    erledigt = Berichtsauftrag.objects.filter(pk=auftrag.pk, status__in=OFFEN).update(
        status=Status.FERTIG,
        fortschritt=100,
        schritt="Fertig",
        beendet=jetzt,
        dateiname=ergebnis.dateiname[:200],
        content_type=ergebnis.content_type[:100],
        groesse=groesse,
        fehlermeldung="",
        laeuft_ab=jetzt + services.aufbewahrung(auftrag),
    )
    if not erledigt:
        # Deleted or finished by another run meanwhile: keep no file nobody owns.
        if not Berichtsauftrag.objects.filter(pk=auftrag.pk, status=Status.FERTIG).exists():
            ablage.loeschen(auftrag)
        return "verworfen"
    return Status.FERTIG


@shared_task(name="berichtswesen.berichtsplaene_ausfuehren")
def berichtsplaene_ausfuehren() -> int:
    """Hourly: one job per due plan and period. Returns the number of new jobs."""
    return len(services.berichtsplaene_ausfuehren())


@shared_task(name="berichtswesen.berichte_aufraeumen")
def berichte_aufraeumen() -> dict[str, int]:
    """Daily: expired files, lost jobs, orphan and temporary files."""
    return services.berichte_aufraeumen()
