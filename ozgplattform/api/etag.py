"""ETags and conditional requests of the API (``If-Match``, ``If-None-Match``).

Every object response carries a strong ``ETag`` of the form ``"<version>-<digest>"``:

``version``
    The object's ``geaendert`` in microseconds since the epoch (UTC). It changes on
    every save and is what ``If-Match`` checks: a write with ``If-Match`` goes through
    only if the object is still at that version, checked under a row lock inside the
    write's transaction and passed as ``version=`` to services that take it. A stale
    version is a 412; nothing is saved.
``digest``
    16 hex digits of the SHA-256 of the JSON representation sent. It makes the tag
    change whenever the representation changes even if the object itself did not —
    nested collections (a Leistung's ``ergebnisse``), what a reader may see (personal
    data) — so ``If-None-Match`` never answers 304 to a stale copy.

``If-Match`` compares the version part only: nested collections have their own
resources and ETags, and a Leistung must stay writable while Länder report
Umsetzungsstände. A malformed header (ETags not in double quotes) is a 400, since
reloading would not help; a well-formed tag that is not current is a 412.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from rest_framework import exceptions, status

_EPOCHE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MIKROSEKUNDE = dt.timedelta(microseconds=1)

#: One entity tag of a list (RFC 9110, 8.8.3): optional ``W/``, a quoted opaque string.
_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)')
_VERSION = re.compile(r"^(\d{1,20})-[0-9a-f]{16}$")


class VorbedingungFehlgeschlagen(exceptions.APIException):
    """412: ``If-Match`` names a version that is no longer current. The exception
    handler adds the current ``etag`` and the ``aenderungen`` since that version."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "vorbedingung_fehlgeschlagen"
    default_detail = (
        "Das Objekt wurde inzwischen geändert (If-Match passt nicht mehr). "
        "Ihre Änderungen wurden nicht gespeichert."
    )

    def __init__(self, detail: str, *, etag: str, aenderungen: list | None = None):
        super().__init__(detail)
        self.etag = etag
        self.aenderungen = aenderungen or []


def version_kodieren(geaendert: dt.datetime) -> str:
    return str((geaendert - _EPOCHE) // _MIKROSEKUNDE)


def version_dekodieren(tag: str) -> dt.datetime | None:
    """The ``geaendert`` encoded in the opaque part of one of our tags, else None."""
    treffer = _VERSION.match(tag)
    if treffer is None:
        return None
    try:
        return _EPOCHE + int(treffer.group(1)) * _MIKROSEKUNDE
    except OverflowError:
        return None


def etag(geaendert: dt.datetime | None, daten) -> str:
    """The ETag (with quotes) of a representation ``daten`` of an object at ``geaendert``.

    Read-only resources without ``geaendert`` (report jobs) get version 0: their tag
    changes with the representation only, which is all ``If-None-Match`` needs."""
    roh = json.dumps(daten, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(roh.encode()).hexdigest()[:16]
    version = "0" if geaendert is None else version_kodieren(geaendert)
    return f'"{version}-{digest}"'


def tags_lesen(wert: str, header: str) -> list[tuple[bool, str]] | None:
    """Parse an ``If-Match``/``If-None-Match`` value: None for ``*``, else the list of
    ``(schwach, opaque)``. Malformed: 400 with a message naming the header."""
    if wert.strip() == "*":
        return None
    tags = []
    pos = 0
    while pos < len(wert):
        treffer = _TAG.match(wert, pos)
        if treffer is None or treffer.end() == pos:
            raise exceptions.ParseError(
                f"Ungültiger {header}-Header: erwartet werden ETags in doppelten "
                f'Anführungszeichen, wie sie im ETag-Header stehen (z. B. {header}: "…"), '
                "oder *."
            )
        tags.append((bool(treffer.group(1)), treffer.group(2)))
        pos = treffer.end()
    if not tags:
        raise exceptions.ParseError(f"Leerer {header}-Header.")
    return tags


def if_match_versionen(wert: str) -> list[dt.datetime] | None:
    """The versions an ``If-Match`` accepts; None for ``*`` (any existing object).

    Strong comparison: weak tags (``W/"…"``) never match, nor do tags we did not issue;
    both leave an empty list, so the write is refused with 412.
    """
    tags = tags_lesen(wert, "If-Match")
    if tags is None:
        return None
    versionen = []
    for schwach, opaque in tags:
        version = None if schwach else version_dekodieren(opaque)
        if version is not None:
            versionen.append(version)
    return versionen


def if_none_match_passt(wert: str, aktuell: str) -> bool:
    """``If-None-Match`` (weak comparison): does it name the current tag (or ``*``)?

    A malformed header is ignored (the full response is sent), as RFC 9110 allows.
    """
    try:
        tags = tags_lesen(wert, "If-None-Match")
    except exceptions.ParseError:
        return False
    if tags is None:
        return True
    return any(f'"{opaque}"' == aktuell for _, opaque in tags)
