"""Generic write helpers that every entity service builds on.

Every write: ``full_clean()`` before ``save()``, inside a transaction, with the history
record attributed to the acting user and an optional change reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import update_change_reason

from .choices import Aktion, Rolle
from .history import als_benutzer
from .models import Organisation, Rollenzuweisung
from .rechte import pruefen_global, rechte_synchronisieren
from .versionen import Aenderung, Konflikt, aenderungen_seit, version_pruefen

__all__ = ["Aenderung", "Konflikt", "aenderungen_seit", "version_pruefen"]

M = TypeVar("M", bound=models.Model)


def _eindeutig(model: type[models.Model], felder: dict[str, Any]) -> None:
    """A foreign key given both as ``x`` and ``x_id`` is ambiguous (the model would take
    ``x_id`` and a permission check made on ``x`` would look at the wrong object)."""
    for feld in model._meta.concrete_fields:
        if feld.many_to_one and feld.name in felder and feld.attname in felder:
            raise TypeError(f"{feld.name} und {feld.attname} zugleich angegeben.")


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
    _eindeutig(model, felder)
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
def objekt_aendern[M: models.Model](
    obj: M, *, user=None, grund: str = "", version: dt.datetime | None = None, **felder: Any
) -> M:
    """Change the given fields of ``obj``; a no-op change writes no history record.

    ``version``: the ``geaendert`` the caller's copy was loaded with (optimistic
    concurrency); if the record changed since, :class:`Konflikt` is raised, nothing saved.
    """
    _eindeutig(type(obj), felder)
    if version is not None:
        version_pruefen(obj, version)
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
                    if not geaendert:
                        # A relation-only change is a new version too (API ETags, forms).
                        obj.geaendert = timezone.now()
                        type(obj)._base_manager.filter(pk=obj.pk).update(geaendert=obj.geaendert)
                        geaendert = True
                    manager.set(werte)
                    if grund:
                        update_change_reason(obj, grund)
    return obj


@transaction.atomic
def organisation_anlegen(*, user=None, grund: str = "", **felder: Any) -> Organisation:
    pruefen_global(user, Aktion.ROLLEN_VERWALTEN)
    return objekt_anlegen(Organisation, user=user, grund=grund, **felder)


@transaction.atomic
def organisation_aendern(
    *, organisation: Organisation, user=None, grund: str = "", **felder: Any
) -> Organisation:
    pruefen_global(user, Aktion.ROLLEN_VERWALTEN)
    return objekt_aendern(organisation, user=user, grund=grund, **felder)


@transaction.atomic
def rollenzuweisung_anlegen(
    *, benutzer, rolle: Rolle | str, user=None, grund: str = "", **bereich: Any
) -> Rollenzuweisung:
    """Grant ``rolle`` to ``benutzer`` for the given scope; permissions follow at once."""
    pruefen_global(user, Aktion.ROLLEN_VERWALTEN)
    zuweisung = objekt_anlegen(
        Rollenzuweisung, user=user, grund=grund, user_id=benutzer.pk, rolle=rolle, **bereich
    )
    rechte_synchronisieren(benutzer)
    return zuweisung


@transaction.atomic
def rollenzuweisung_aendern(
    *, zuweisung: Rollenzuweisung, user=None, grund: str = "", **felder: Any
) -> Rollenzuweisung:
    """Change scope or validity; the old and the new holder's permissions are updated."""
    pruefen_global(user, Aktion.ROLLEN_VERWALTEN)
    zuweisung = Rollenzuweisung.objects.select_for_update().get(pk=zuweisung.pk)
    vorher = zuweisung.user
    zuweisung = objekt_aendern(zuweisung, user=user, grund=grund, **felder)
    rechte_synchronisieren(vorher)
    if zuweisung.user_id != vorher.pk:
        rechte_synchronisieren(zuweisung.user)
    return zuweisung


@transaction.atomic
def rollenzuweisung_beenden(
    *, zuweisung: Rollenzuweisung, user=None, zum=None, grund: str = ""
) -> Rollenzuweisung:
    """End an assignment: ``gueltig_bis`` becomes ``zum`` (default: yesterday, so the
    role stops at once).

    Assignments are ended, not deleted, so the history shows who held which role when.
    """
    pruefen_global(user, Aktion.ROLLEN_VERWALTEN)
    ende = zum or timezone.localdate() - dt.timedelta(days=1)
    zuweisung = Rollenzuweisung.objects.select_for_update().get(pk=zuweisung.pk)
    if zuweisung.gueltig_von and ende < zuweisung.gueltig_von:
        # Never started: nothing to end, the assignment is withdrawn (history keeps it).
        rollenzuweisung_loeschen(zuweisung=zuweisung, user=user)
        return zuweisung
    felder = {"gueltig_bis": ende}
    zuweisung = objekt_aendern(zuweisung, user=user, grund=grund or "Rolle beendet", **felder)
    rechte_synchronisieren(zuweisung.user)
    return zuweisung


@transaction.atomic
def rollenzuweisung_loeschen(*, zuweisung: Rollenzuweisung, user=None) -> None:
    """Delete a mistaken assignment (history keeps the deletion)."""
    pruefen_global(user, Aktion.ROLLEN_VERWALTEN)
    benutzer = zuweisung.user
    with als_benutzer(user):
        zuweisung.delete()
    rechte_synchronisieren(benutzer)
