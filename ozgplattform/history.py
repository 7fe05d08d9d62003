"""Attribution of history records (django-simple-history) outside of HTTP requests.

Requests are covered by ``HistoryRequestMiddleware``. Management commands, imports and
Celery tasks wrap their writes in :func:`als_benutzer` so every history row says who
(or which process) made the change and why.
"""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from simple_history.models import HistoricalRecords

SYSTEM_USERNAME = "system"


def system_user():
    """The technical account that owns changes made by commands and tasks."""
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "System", "last_name": "(Import und Aufgaben)", "is_active": False},
    )
    return user


@contextlib.contextmanager
def als_benutzer(user=None):
    """Attribute every history record written inside the block to ``user``.

    Without a user, the authenticated user of an enclosing context (an HTTP request or an
    outer ``als_benutzer``) is kept, else the system account is used. Nesting restores
    the previous context.
    """
    if user is None:
        aktuell = getattr(getattr(HistoricalRecords.context, "request", None), "user", None)
        user = aktuell if aktuell is not None and aktuell.is_authenticated else system_user()
    vorher = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield user
    finally:
        if vorher is None:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = vorher


_UNBEKANNT = object()


def aenderungen(record, vorher=_UNBEKANNT) -> list[tuple[str, object, object]]:
    """(field verbose name, before, after) for one history record against its predecessor.

    ``vorher``: the predecessor if the caller already has it (a page listing many
    records pairs them itself instead of one query per record); ``None`` = first record.
    """
    if vorher is _UNBEKANNT:
        vorher = record.prev_record
    if vorher is None:
        return []
    delta = record.diff_against(vorher)
    meta = record.instance_type._meta
    felder = {f.name: f for f in (*meta.fields, *meta.many_to_many)}
    ergebnis = []
    for change in delta.changes:
        feld = felder.get(change.field)
        name = str(feld.verbose_name) if feld is not None else change.field
        alt, neu = change.old, change.new
        if feld is not None and feld.many_to_many:
            # simple-history gives the rows of the through table; show the related pks.
            ziel = feld.m2m_reverse_field_name()
            alt, neu = (sorted(zeile[ziel] for zeile in werte) for werte in (alt, neu))
        ergebnis.append((name, alt, neu))
    return ergebnis
