"""Errors of the API as JSON with German messages (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

* Django ``PermissionDenied`` (raised by ``ozgplattform.rechte`` in every service) → 403
  ``{"detail": "…"}`` with the service's message.
* Django ``ValidationError`` (``full_clean()`` in the services) → 400
  ``{"feld": ["…"], "non_field_errors": ["…"]}``, like a serializer's errors.
* ``IntegrityError`` that slips past the services' validation (a concurrent insert of
  the same key) and ``ProtectedError`` → 409 ``{"detail": "…"}``, never a 500.

* ``Http404`` → 404 ``{"detail": "Nicht gefunden."}`` (Django's text is English and
  names the model).
* ``versionen.Konflikt`` (optimistic concurrency in a service) → 409 with the
  ``aenderungen`` since; a stale ``If-Match`` → 412 with the current ``etag`` too
  (``etag.py``).
* DRF's ``Throttled`` → 429 with ``Retry-After`` and a German message (``drosselung.py``).

Everything else goes to DRF's handler (401, 405, throttling, …).
"""

from __future__ import annotations

import contextlib
import logging

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from ozgplattform import versionen
from ozgplattform.fehler import DienstNichtErreichbar

from .drosselung import ZuVieleAnfragen
from .etag import VorbedingungFehlgeschlagen

logger = logging.getLogger(__name__)


class Konflikt(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Die Änderung widerspricht dem aktuellen Datenbestand."
    default_code = "konflikt"


KONFLIKT_INTEGRITAET = (
    "Die Änderung widerspricht dem aktuellen Datenbestand, vermutlich wegen einer "
    "gleichzeitigen Änderung (z. B. wurde derselbe Eintrag eben angelegt). Bitte die "
    "Daten neu laden und die Anfrage wiederholen."
)
KONFLIKT_GESCHUETZT = (
    "Das Objekt wird noch von anderen Daten verwendet und kann nicht gelöscht werden."
)


def validierungsfehler(exc: DjangoValidationError) -> dict[str, list]:
    """Django's ValidationError in the shape of serializer errors (non-field errors under
    ``non_field_errors``)."""
    if hasattr(exc, "error_dict"):
        detail: dict[str, list] = {}
        for feld, fehler in exc.message_dict.items():
            schluessel = api_settings.NON_FIELD_ERRORS_KEY if feld == NON_FIELD_ERRORS else feld
            detail.setdefault(schluessel, []).extend(fehler)
        return detail
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def aenderungen_json(aenderungen: list[versionen.Aenderung]) -> list[dict[str, str]]:
    return [
        {
            "feld": a.feld,
            "vorher": str(a.vorher),
            "nachher": str(a.nachher),
            "wer": a.wer,
            "wann": a.wann.isoformat(),
        }
        for a in aenderungen
    ]


class DienstNichtVerfuegbar(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "dienst_nicht_erreichbar"

    def __init__(self, detail: str, wait: int):
        super().__init__(detail)
        #: DRF's exception handler turns ``wait`` into the Retry-After header.
        self.wait = wait


def exception_handler(exc, context):
    if isinstance(exc, versionen.Konflikt):
        # Lost update prevented: someone else saved first. 409 with what they changed.
        antwort = drf_exception_handler(Konflikt(exc.messages[0]), context)
        antwort.data["aenderungen"] = aenderungen_json(exc.aenderungen)
        return antwort
    if isinstance(exc, VorbedingungFehlgeschlagen):
        antwort = drf_exception_handler(exc, context)
        antwort.data["etag"] = exc.etag
        antwort.data["aenderungen"] = aenderungen_json(exc.aenderungen)
        antwort["ETag"] = exc.etag
        return antwort
    if isinstance(exc, exceptions.Throttled) and not isinstance(exc, ZuVieleAnfragen):
        exc = ZuVieleAnfragen(exc.wait)
    if isinstance(exc, DienstNichtErreichbar):
        exc = DienstNichtVerfuegbar(exc.message, exc.retry_after)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validierungsfehler(exc))
    elif isinstance(exc, Http404):
        # Django's message names the model in English ("No Leistung matches …").
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        exc = Konflikt(KONFLIKT_GESCHUETZT)
    elif isinstance(exc, IntegrityError):
        view = context.get("view")
        logger.warning(
            "IntegrityError in %s (%s): %s",
            type(view).__name__ if view else "?",
            getattr(view, "action", "?"),
            exc,
        )
        exc = Konflikt(KONFLIKT_INTEGRITAET)
    return drf_exception_handler(exc, context)


@contextlib.contextmanager
def felder_umbenannt(**namen: str):
    """Report the service's validation errors under the API's field names
    (``felder_umbenannt(entscheidung_begruendung="begruendung")``)."""
    try:
        yield
    except DjangoValidationError as exc:
        fehler = validierungsfehler(exc)
        raise exceptions.ValidationError(
            {namen.get(feld, feld): texte for feld, texte in fehler.items()}
        ) from exc


def nicht_gefunden(request, exception):
    """``handler404``: under ``/api/`` a JSON 404 like every API error (e.g. an id that
    is no number, so no route matches); elsewhere the platform's 404 page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
