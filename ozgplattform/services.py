"""Generic write helpers that every entity service builds on.

Every write: ``full_clean()`` before ``save()``, inside a transaction, with the history
record attributed to the acting user and an optional change reason.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction
from simple_history.utils import update_change_reason

from .choices import Rolle
from .history import als_benutzer
from .models import Organisation, Rollenzuweisung

M = TypeVar("M", bound=models.Model)


def _speichern[M: models.Model](obj: M, *, user, grund: str) -> M:
    obj.full_clean()
    with als_benutzer(user):
        if grund:
            obj._change_reason = grund
        obj.save()
    return obj


@transaction.atomic
def objekt_anlegen[M: models.Model](
    model: type[M], *, user=None, grund: str = "", **felder: Any
) -> M:
    """Create ``model`` from ``felder`` (validated, with history). M2M values are set after."""
    m2m = {
        name: felder.pop(name)
        for name in list(felder)
        if isinstance(model._meta.get_field(name), models.ManyToManyField)
    }
    obj = _speichern(model(**felder), user=user, grund=grund)
    if m2m:
        with als_benutzer(user):
            for name, werte in m2m.items():
                getattr(obj, name).set(werte)
            if grund:
                update_change_reason(obj, grund)
    return obj


@transaction.atomic
def objekt_aendern[M: models.Model](obj: M, *, user=None, grund: str = "", **felder: Any) -> M:
    """Change the given fields of ``obj``; a no-op change writes no history record."""
    m2m = {}
    geaendert = False
    for name, wert in felder.items():
        feld = obj._meta.get_field(name)
        if isinstance(feld, models.ManyToManyField):
            m2m[name] = wert
            continue
        attr = (
            feld.attname
            if isinstance(feld, models.ForeignKey) and not isinstance(wert, models.Model)
            else name
        )
        if getattr(obj, attr) != wert:
            setattr(obj, attr, wert)
            geaendert = True
    if geaendert:
        _speichern(obj, user=user, grund=grund)
    if m2m:
        with als_benutzer(user):
            for name, werte in m2m.items():
                manager = getattr(obj, name)
                if set(manager.values_list("pk", flat=True)) != {
                    w.pk if isinstance(w, models.Model) else w for w in werte
                }:
                    manager.set(werte)
                    if grund:
                        update_change_reason(obj, grund)
    return obj


@transaction.atomic
def organisation_anlegen(*, user=None, grund: str = "", **felder: Any) -> Organisation:
    return objekt_anlegen(Organisation, user=user, grund=grund, **felder)


@transaction.atomic
def rollenzuweisung_anlegen(
    *, benutzer, rolle: Rolle | str, user=None, grund: str = "", **bereich: Any
) -> Rollenzuweisung:
    """Grant ``rolle`` to ``benutzer`` for the given scope (organisation, themenfeld, ...)."""
    return objekt_anlegen(
        Rollenzuweisung, user=user, grund=grund, user_id=benutzer.pk, rolle=rolle, **bereich
    )
