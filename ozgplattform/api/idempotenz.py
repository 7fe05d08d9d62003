"""Idempotency keys for API POSTs (header ``Idempotency-Key``).

A script that sends a POST and loses the connection does not know whether the object
was created. With an ``Idempotency-Key`` (any string up to 255 characters, e.g. a
UUID per logical request) it can simply send the same request again:

* same user, same key, same request (hash of method, path, query and canonical body):
  the first response is replayed — status, body, ``Location``, ``ETag`` — with
  ``Idempotent-Replayed: true``; nothing is written a second time;
* same key, different request: 422;
* a concurrent request with the same key waits for the first: the key row is inserted
  in the same transaction as the service call, so the second insert blocks on the
  unique index (user, key) until the first commits, then replays its response (or,
  if the first failed and rolled back, goes ahead itself).

Only successful (2xx) responses are kept — after an error the client may fix the
request and retry with the same key. Keys expire after 24 hours
(``IdempotenzSchluessel.GUELTIGKEIT``); a periodic task deletes them.
"""

from __future__ import annotations

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from rest_framework import exceptions, status
from rest_framework.response import Response

from ozgplattform.models import IdempotenzSchluessel

HEADER = "Idempotency-Key"
HEADER_WIEDERHOLT = "Idempotent-Replayed"
MAX_LAENGE = IdempotenzSchluessel._meta.get_field("schluessel").max_length
#: Response headers replayed with the stored response.
KOPFZEILEN = ("Location", "ETag")


class AndereAnfrage(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotenzschluessel_andere_anfrage"
    default_detail = (
        "Dieser Idempotency-Key wurde bereits für eine andere Anfrage verwendet "
        "(andere Methode, anderer Pfad oder anderer Inhalt). Für jede neue Anfrage "
        "bitte einen neuen Schlüssel verwenden."
    )


class InBearbeitung(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotenzschluessel_in_bearbeitung"
    default_detail = (
        "Eine Anfrage mit diesem Idempotency-Key wird gerade bearbeitet. "
        "Bitte die Anfrage gleich noch einmal senden."
    )


def schluessel_lesen(request) -> str | None:
    """The request's ``Idempotency-Key``, None without one; 400 if empty or too long."""
    wert = request.headers.get(HEADER)
    if wert is None:
        return None
    if not wert.strip():
        raise exceptions.ValidationError({HEADER: ["Der Idempotency-Key darf nicht leer sein."]})
    if len(wert) > MAX_LAENGE:
        raise exceptions.ValidationError(
            {HEADER: [f"Der Idempotency-Key darf höchstens {MAX_LAENGE} Zeichen lang sein."]}
        )
    return wert


def _kanonisch(daten):
    if hasattr(daten, "lists"):  # QueryDict (form or multipart data)
        return dict(daten.lists())
    return daten


def anfrage_hash(request) -> str:
    """SHA-256 over method, path, query and body (parsed, with sorted keys), so the same
    JSON with other whitespace or key order is the same request."""
    roh = json.dumps(
        {
            "methode": request.method,
            "pfad": request.path,
            "query": sorted(request.query_params.lists()),
            "daten": _kanonisch(request.data),
        },
        cls=DjangoJSONEncoder,
        sort_keys=True,
        separators=(",", ":"),
        default=lambda wert: getattr(wert, "name", None) or str(wert),
    )
    return hashlib.sha256(roh.encode()).hexdigest()


def wiederholen(eintrag: IdempotenzSchluessel) -> Response:
    return Response(
        eintrag.antwort,
        status=eintrag.status_code,
        headers={**eintrag.kopfzeilen, HEADER_WIEDERHOLT: "true"},
    )


def reservieren(
    user, schluessel: str, hash_: str
) -> tuple[IdempotenzSchluessel | None, Response | None]:
    """Claim ``schluessel`` for this request inside the caller's transaction.

    Returns ``(eintrag, None)`` when the request is to be processed (``eintrag`` is
    filled by :func:`speichern` and committed with the service's writes), or
    ``(None, antwort)`` with the stored response to replay. 422 for the same key with
    another request. The insert blocks while a concurrent transaction holds the same
    (user, key); its commit turns the insert into an IntegrityError, and the committed
    row is then read and replayed.
    """
    for _ in range(3):
        try:
            with transaction.atomic():
                eintrag = IdempotenzSchluessel.objects.create(
                    user=user, schluessel=schluessel, anfrage_hash=hash_, status_code=0
                )
            return eintrag, None
        except IntegrityError:
            pass
        vorhanden = IdempotenzSchluessel.objects.filter(user=user, schluessel=schluessel).first()
        if vorhanden is None:
            continue  # deleted in between (expired and cleaned up): claim it again
        if vorhanden.abgelaufen:
            IdempotenzSchluessel.objects.filter(pk=vorhanden.pk).delete()
            continue
        if vorhanden.anfrage_hash != hash_:
            raise AndereAnfrage()
        return None, wiederholen(vorhanden)
    raise InBearbeitung()


def speichern(eintrag: IdempotenzSchluessel, antwort: Response) -> None:
    """Keep a successful response for replays; forget the key after any other one."""
    if not status.is_success(antwort.status_code):
        eintrag.delete()
        return
    eintrag.status_code = antwort.status_code
    eintrag.antwort = antwort.data
    eintrag.kopfzeilen = {k: antwort[k] for k in KOPFZEILEN if antwort.has_header(k)}
    eintrag.save(update_fields=["status_code", "antwort", "kopfzeilen"])


def verwerfen(eintrag: IdempotenzSchluessel) -> None:
    """Forget a claimed key (its request failed after all); no-op if already gone."""
    IdempotenzSchluessel.objects.filter(pk=eintrag.pk).delete()
