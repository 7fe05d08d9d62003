"""Optimistic concurrency for the services (``objekt_aendern(..., version=...)``).

A form or API client loads a record with its ``geaendert`` (the *version*) and sends it
back with the change. If the record was saved in between, the write is refused with
:class:`Konflikt`, which lists what changed since (from the history), so nothing is
overwritten silently. Re-exported by ``ozgplattform.services``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .history import aenderungen


@dataclass(frozen=True)
class Aenderung:
    """One field changed by someone else since the version a user started from."""

    feld: str
    vorher: Any
    nachher: Any
    wer: str
    wann: dt.datetime


#: Timestamps every record changes on each save; not worth listing in a conflict.
_ZEITSTEMPEL = frozenset({"erstellt", "geaendert"})


def _anzeige(feld: models.Field | None, wert: Any) -> Any:
    """A history value as a person reads it: choice label, related object's name."""
    if feld is None or wert is None or wert == "":
        return wert
    if feld.choices:
        return dict(feld.flatchoices).get(wert, wert)
    if feld.many_to_one:
        ziel = feld.related_model._base_manager.filter(pk=wert).first()
        return str(ziel) if ziel is not None else wert
    return wert


class Konflikt(ValidationError):
    """Optimistic concurrency: ``obj`` was changed by someone else after ``version``.

    ``aenderungen`` lists what changed since (field, before, after, who, when), from the
    history; ``obj`` is the current state. Nothing was saved. A ValidationError, so
    callers that only know ValidationError (the API) refuse the write too.
    """

    def __init__(self, obj: models.Model, aenderungen: list[Aenderung]):
        self.obj = obj
        self.aenderungen = aenderungen
        letzte = aenderungen[-1] if aenderungen else None
        if letzte is not None:
            nachricht = (
                f"{obj._meta.verbose_name} wurde inzwischen von {letzte.wer} am "
                f"{timezone.localtime(letzte.wann):%d.%m.%Y um %H:%M} Uhr geändert. "
                "Ihre Änderungen wurden nicht gespeichert."
            )
        else:
            nachricht = (
                f"{obj._meta.verbose_name} wurde inzwischen geändert. "
                "Ihre Änderungen wurden nicht gespeichert."
            )
        super().__init__(nachricht, code="konflikt")


def _wer(record) -> str:
    user = getattr(record, "history_user", None)
    if user is None:
        return "unbekannt"
    return user.get_full_name() or user.get_username()


def aenderungen_seit(obj: models.Model, version: dt.datetime) -> list[Aenderung]:
    """Changes to ``obj`` recorded after ``version`` (its ``geaendert`` then), oldest first.

    Records are matched by the ``geaendert`` they carry (exact), not by ``history_date``,
    which lies a moment after the ``geaendert`` of the same save.
    """
    historie = getattr(obj, "history", None)
    if historie is None:
        return []
    meta = obj._meta
    felder = {str(f.verbose_name): f for f in (*meta.fields, *meta.many_to_many)}
    ausgelassen = {str(meta.get_field(n).verbose_name) for n in _ZEITSTEMPEL}
    ergebnis = []
    for record in historie.filter(geaendert__gt=version).order_by("history_date", "history_id"):
        for name, alt, neu in aenderungen(record):
            if name in ausgelassen:
                continue
            feld = felder.get(name)
            ergebnis.append(
                Aenderung(
                    name,
                    _anzeige(feld, alt),
                    _anzeige(feld, neu),
                    _wer(record),
                    record.history_date,
                )
            )
    return ergebnis


def version_pruefen(obj: models.Model, version: dt.datetime) -> None:
    """Raise :class:`Konflikt` unless ``obj`` is still as of ``version`` (its ``geaendert``).

    Locks the row (``select_for_update``) so the check and the following save are one step.
    """
    aktuell = (
        type(obj)
        ._base_manager.select_for_update()
        .filter(pk=obj.pk)
        .values_list("geaendert", flat=True)
    ).first()
    if aktuell is not None and aktuell != version:
        raise Konflikt(obj, aenderungen_seit(obj, version))
