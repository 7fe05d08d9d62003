"""Writes of the Berichtswesen: request a report, run schedules, clean up.

Pages, the API, the scheduler and management commands call these functions, so every
path validates, checks permissions and enqueues the same way (docs/berichte.md,
"Berichtsaufträge, Zeitpläne und Betrieb").
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from ozgplattform.fehler import DienstNichtErreichbar

from . import ablage
from .berichte import ARTEN, Berichtsart, Format
from .models import ENDGUELTIG_OHNE_DATEI, OFFEN, Berichtsauftrag, Berichtsplan, Rhythmus, Status

logger = logging.getLogger(__name__)

#: Shown on the page and as the API's 503 detail.
NICHT_ERREICHBAR = gettext_lazy(
    "Der Berichtsdienst ist derzeit nicht erreichbar. Ihr Bericht wurde nicht angefordert; "
    "bitte versuchen Sie es in einigen Minuten erneut."
)
#: Seconds a client should wait before trying again (API header Retry-After).
RETRY_AFTER = 60
#: Open jobs older than this are considered lost (their message never reached a worker).
HAENGEND_NACH = dt.timedelta(hours=24)
#: Result files without a finished job and temporary files older than this are removed.
WAISEN_NACH = dt.timedelta(hours=1)
#: Hour (local time) at which scheduled reports are due.
PLAN_STUNDE = 6


class ZuVieleOffeneAuftraege(Exception):
    """The user already has ``BERICHT_MAX_OFFEN_JE_BENUTZER`` jobs waiting or running."""

    def __init__(self, grenze: int):
        self.message = (
            f"Sie haben bereits {grenze} Berichte in Arbeit – mehr gleichzeitig sind nicht "
            "möglich. Bitte warten Sie, bis einer davon fertig ist, und fordern Sie den "
            "Bericht dann erneut an."
        )
        super().__init__(self.message)


class BerichtsdienstNichtErreichbar(DienstNichtErreichbar):
    """The broker could not be reached: the report was not requested (no job remains)."""

    retry_after = RETRY_AFTER

    def __init__(self, message: str = NICHT_ERREICHBAR):
        super().__init__(message)


# --------------------------------------------------------------------------------------
# Requesting a report
# --------------------------------------------------------------------------------------


def _art(schluessel: str) -> Berichtsart:
    art = ARTEN.get(schluessel)
    if art is None:
        raise ValidationError({"art": gettext("Diese Berichtsart gibt es nicht.")})
    return art


def _format_pruefen(art: Berichtsart, format: str) -> None:
    if format not in [str(f) for f in art.formate]:
        erlaubt = ", ".join(Format(f).label for f in art.formate)
        raise ValidationError(
            {
                "format": gettext("Dieser Bericht ist nur als %(formate)s erhältlich.")
                % {"formate": erlaubt}
            }
        )


def bericht_anfordern(
    *, art: str, format: str, parameter: dict[str, Any] | None, user
) -> Berichtsauftrag:
    """Validate the request, create the job and enqueue ``bericht_erzeugen`` on commit.

    Raises ``ValidationError`` (unknown type, format or bad parameters, with field
    errors), ``PermissionDenied`` (the user may not see the data),
    :class:`ZuVieleOffeneAuftraege` (the user already has ``BERICHT_MAX_OFFEN_JE_BENUTZER``
    jobs waiting or running; checked under a lock on the user's row, so parallel
    requests cannot exceed it) and
    :class:`BerichtsdienstNichtErreichbar` when the broker is down — then the job row is
    deleted again, so nothing half-created remains. Without a broker (eager mode) the
    report is rendered in-process before this function returns.
    """
    berichtsart = _art(art)
    _format_pruefen(berichtsart, format)
    if parameter is None:
        parameter = {}
    if not isinstance(parameter, dict):
        raise ValidationError({"parameter": gettext("Die Parameter müssen ein Objekt sein.")})
    geprueft = berichtsart.parameter_pruefen(parameter, user)
    if user is not None and not berichtsart.darf_anfordern(user, geprueft):
        raise PermissionDenied(
            gettext("Keine Berechtigung: Sie dürfen die Daten dieses Berichts nicht sehen.")
        )
    with transaction.atomic():
        if user is not None:
            _offene_begrenzen(user)
        auftrag = Berichtsauftrag(
            art=art,
            format=format,
            parameter=geprueft,
            angefordert_von=user,
            schritt=gettext_noop("Wartet auf den Berichtsdienst"),
        )
        auftrag.full_clean()
        auftrag.save()
        transaction.on_commit(functools.partial(einreihen, auftrag.pk))
    auftrag.refresh_from_db()
    return auftrag


def _offene_begrenzen(user) -> None:
    """Refuse a further job while the user has the maximum of open ones. Locks the
    user's row first so two parallel requests are counted one after the other."""
    from django.contrib.auth import get_user_model

    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    grenze = settings.BERICHT_MAX_OFFEN_JE_BENUTZER
    if Berichtsauftrag.objects.filter(angefordert_von=user, status__in=OFFEN).count() >= grenze:
        raise ZuVieleOffeneAuftraege(grenze)


def _celery_app():
    from ozgplattform.celery import app

    return app


def einreihen(auftrag_id) -> None:
    """Publish the job to the broker (eager: run it now). On a broker failure the job is
    deleted and :class:`BerichtsdienstNichtErreichbar` raised.

    Publishing fails fast: one connection attempt with the socket timeouts of
    ``BERICHT_BROKER_TIMEOUT`` and no publish retries, so a request never hangs.
    """
    from kombu.exceptions import OperationalError as KombuOperationalError

    from .tasks import bericht_erzeugen

    app = _celery_app()
    optionen: dict[str, Any] = {}
    if settings.BERICHT_QUEUE:
        optionen["queue"] = settings.BERICHT_QUEUE
    if app.conf.task_always_eager:
        bericht_erzeugen.apply_async(args=[str(auftrag_id)], **optionen)
        return
    try:
        with app.connection_for_write(
            connect_timeout=settings.BERICHT_BROKER_TIMEOUT
        ) as verbindung:
            verbindung.ensure_connection(
                max_retries=1,
                interval_start=0,
                interval_step=0.2,
                interval_max=0.2,
                timeout=settings.BERICHT_BROKER_TIMEOUT,
            )
            bericht_erzeugen.apply_async(
                args=[str(auftrag_id)], connection=verbindung, retry=False, **optionen
            )
    except (KombuOperationalError, OSError) as fehler:
        logger.error(
            "Berichtsauftrag %s nicht eingereiht, Broker nicht erreichbar: %s", auftrag_id, fehler
        )
        Berichtsauftrag.objects.filter(pk=auftrag_id, status=Status.WARTET).delete()
        raise BerichtsdienstNichtErreichbar() from fehler


# --------------------------------------------------------------------------------------
# Schedules (Berichtspläne)
# --------------------------------------------------------------------------------------


def zeitraum(rhythmus: str, zeitpunkt: dt.datetime) -> str:
    """Period key of a point in time: ``2026-11`` (monthly) or ``2026-W48`` (weekly)."""
    lokal = timezone.localtime(zeitpunkt)
    if rhythmus == Rhythmus.WOECHENTLICH:
        jahr, woche, _ = lokal.isocalendar()
        return f"{jahr}-W{woche:02d}"
    return f"{lokal.year}-{lokal.month:02d}"


def naechster_termin(rhythmus: str, nach: dt.datetime) -> dt.datetime:
    """Start of the period after the one ``nach`` lies in, at PLAN_STUNDE local time:
    first day of the next month, or next Monday."""
    lokal = timezone.localtime(nach)
    if rhythmus == Rhythmus.WOECHENTLICH:
        tag = lokal.date() + dt.timedelta(days=7 - lokal.weekday())
    else:
        tag = (lokal.date().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return timezone.make_aware(dt.datetime.combine(tag, dt.time(PLAN_STUNDE)))


def berichtsplan_ausfuehren(*, plan_id: int, jetzt: dt.datetime | None = None):
    """Create the job of a due plan for its period (once: a second call in the same
    period finds the plan not due or the job existing) and enqueue it.

    Returns the new job or ``None``. If the broker is down the job is removed and the
    plan stays due, so the next hourly run tries again.
    """
    jetzt = jetzt or timezone.now()
    with transaction.atomic():
        plan = Berichtsplan.objects.select_for_update().filter(pk=plan_id).first()
        if plan is None or not plan.aktiv or plan.naechste_ausfuehrung > jetzt:
            return None
        faellig = plan.naechste_ausfuehrung
        periode = zeitraum(plan.rhythmus, faellig)
        plan.naechste_ausfuehrung = naechster_termin(plan.rhythmus, jetzt)
        plan.save(update_fields=["naechste_ausfuehrung", "geaendert"])
        if Berichtsauftrag.objects.filter(plan=plan, periode=periode).exists():
            return None
        try:
            art = _art(plan.art)
            _format_pruefen(art, plan.format)
            parameter = art.parameter_pruefen(dict(plan.parameter), None)
        except ValidationError as fehler:
            logger.error(
                "Berichtsplan %s (%s) übersprungen, ungültig: %s", plan.pk, plan, fehler.messages
            )
            return None
        auftrag = Berichtsauftrag.objects.create(
            art=plan.art,
            format=plan.format,
            parameter=parameter,
            plan=plan,
            periode=periode,
            schritt=gettext_noop("Wartet auf den Berichtsdienst"),
        )
    try:
        einreihen(auftrag.pk)
    except BerichtsdienstNichtErreichbar:
        Berichtsplan.objects.filter(pk=plan.pk).update(naechste_ausfuehrung=faellig)
        raise
    return auftrag


def berichtsplaene_ausfuehren(*, jetzt: dt.datetime | None = None) -> list[Berichtsauftrag]:
    """Run every due, active plan (the hourly beat task). Idempotent."""
    jetzt = jetzt or timezone.now()
    faellig = Berichtsplan.objects.filter(aktiv=True, naechste_ausfuehrung__lte=jetzt)
    neue = []
    for plan_id in faellig.values_list("pk", flat=True):
        try:
            auftrag = berichtsplan_ausfuehren(plan_id=plan_id, jetzt=jetzt)
        except BerichtsdienstNichtErreichbar:
            logger.error(
                "Berichtspläne: Broker nicht erreichbar, nächster Versuch beim nächsten Lauf"
            )
            break
        if auftrag is not None:
            neue.append(auftrag)
    return neue


def themenfeld_berichtsplaene_einrichten(*, format: str = Format.PDF, themenfelder=None) -> int:
    """A monthly Themenfeld-Bericht (art ``themenfeld``) for each Themenfeld's
    Steuerungskreis, listed in the Berichtsarchiv. Creates only missing plans; returns
    how many were created. ``themenfelder``: only these (default: all) — the service
    creating a Themenfeld calls it for the new one."""
    from themenfelder.models import Themenfeld

    if themenfelder is None:
        themenfelder = Themenfeld.objects.order_by("nummer")

    vorhanden = {
        plan.parameter.get("themenfeld")
        for plan in Berichtsplan.objects.filter(art="themenfeld")
        if isinstance(plan.parameter, dict)
    }
    termin = naechster_termin(Rhythmus.MONATLICH, timezone.now())
    neu = [
        Berichtsplan(
            bezeichnung=f"Themenfeld-Bericht {tf.name} für den Steuerungskreis",
            art="themenfeld",
            format=format,
            parameter={"themenfeld": tf.pk},
            rhythmus=Rhythmus.MONATLICH,
            naechste_ausfuehrung=termin,
        )
        for tf in themenfelder
        if tf.pk not in vorhanden
    ]
    with transaction.atomic():
        for plan in neu:
            plan.full_clean()
            plan.save()  # save(), not bulk_create: the plans' history is written
    return len(neu)


# --------------------------------------------------------------------------------------
# Expiry and clean-up
# --------------------------------------------------------------------------------------


def aufbewahrung(auftrag: Berichtsauftrag) -> dt.timedelta:
    """How long a finished report stays downloadable (archive reports longer)."""
    if auftrag.plan_id is not None or auftrag.angefordert_von_id is None:
        return dt.timedelta(days=settings.BERICHT_ARCHIV_AUFBEWAHRUNG_TAGE)
    return dt.timedelta(days=settings.BERICHT_AUFBEWAHRUNG_TAGE)


def berichte_aufraeumen(*, jetzt: dt.datetime | None = None) -> dict[str, int]:
    """Delete expired result files (job → ``abgelaufen``), give up on lost jobs, and
    remove orphan and stale temporary files from the storage. Idempotent."""
    jetzt = jetzt or timezone.now()
    ergebnis = {"abgelaufen": 0, "verloren": 0, "waisen": 0, "temporaer": 0}

    for auftrag in Berichtsauftrag.objects.filter(status=Status.FERTIG, laeuft_ab__lte=jetzt):
        ablage.loeschen(auftrag)
        ergebnis["abgelaufen"] += Berichtsauftrag.objects.filter(
            pk=auftrag.pk, status=Status.FERTIG
        ).update(status=Status.ABGELAUFEN, schritt="Aufbewahrungsfrist abgelaufen")

    ergebnis["verloren"] = Berichtsauftrag.objects.filter(
        status__in=OFFEN, erstellt__lt=jetzt - HAENGEND_NACH
    ).update(
        status=Status.FEHLGESCHLAGEN,
        beendet=jetzt,
        fehlermeldung=gettext_noop(
            "Der Bericht wurde nicht rechtzeitig erstellt. Bitte fordern Sie ihn erneut an."
        ),
    )

    grenze = (jetzt - WAISEN_NACH).timestamp()
    wurzel = ablage.wurzel()
    fertige = set(
        Berichtsauftrag.objects.filter(status__in=[Status.FERTIG, *OFFEN]).values_list(
            "datei", flat=True
        )
    )
    for datei in wurzel.iterdir():
        if not datei.is_file():
            continue
        try:
            alt = datei.stat().st_mtime < grenze
        except FileNotFoundError:
            continue
        if datei.name.endswith(ablage.TEMP_SUFFIX):
            if alt:
                datei.unlink(missing_ok=True)
                ergebnis["temporaer"] += 1
            continue
        name = datei.name.split(".", 1)[0]
        if name not in fertige and alt:
            datei.unlink(missing_ok=True)
            ergebnis["waisen"] += 1
    if any(ergebnis.values()):
        logger.info("Berichte aufgeräumt: %s", ergebnis)
    return ergebnis


def ist_ohne_datei(auftrag: Berichtsauftrag) -> bool:
    return auftrag.status in ENDGUELTIG_OHNE_DATEI
