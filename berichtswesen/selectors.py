"""Reads of the Berichtswesen: which report jobs a user may see.

A job is visible to the user who requested it; a scheduled job (no requester, the
Berichtsarchiv) to internal readers (``Aktion.LESEN_INTERN``, checked with
``rechte.darf_global``) whom the report type lets request that report
(``Berichtsart.darf_anfordern(user, parameter)``). Scheduled reports are rendered as the
trusted caller (internal view), so a user who may only request the public version of a
report must not get the archived internal one. Anonymous users see no job.
The per-type check runs in Python, once per distinct (type, parameters) pair, so the
cost does not grow with the number of archived jobs.
"""

from __future__ import annotations

import json

from django.db import models

from ozgplattform.choices import Aktion
from ozgplattform.rechte import darf_global

from .berichte import ARTEN
from .models import Berichtsauftrag, Status


class _Pruefer:
    """``darf_anfordern`` memoised per (type, parameters) for one user."""

    def __init__(self, user) -> None:
        self.user = user
        self.intern = darf_global(user, Aktion.LESEN_INTERN)
        self.cache: dict[tuple[str, str], bool] = {}

    def __call__(self, art: str, parameter) -> bool:
        if not self.intern:
            return False
        schluessel = (art, json.dumps(parameter, sort_keys=True, default=str))
        if schluessel not in self.cache:
            berichtsart = ARTEN.get(art)
            self.cache[schluessel] = bool(
                berichtsart is not None and berichtsart.darf_anfordern(self.user, parameter)
            )
        return self.cache[schluessel]


def _angemeldet(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def meine_auftraege(user) -> models.QuerySet[Berichtsauftrag]:
    if not _angemeldet(user):
        return Berichtsauftrag.objects.none()
    return Berichtsauftrag.objects.filter(angefordert_von=user)


def archiv(user, *, status=(Status.FERTIG,)) -> models.QuerySet[Berichtsauftrag]:
    """Scheduled jobs the user may see (by default the finished ones)."""
    if not _angemeldet(user):
        return Berichtsauftrag.objects.none()
    pruefer = _Pruefer(user)
    if not pruefer.intern:
        return Berichtsauftrag.objects.none()
    kandidaten = Berichtsauftrag.objects.filter(angefordert_von__isnull=True)
    if status:
        kandidaten = kandidaten.filter(status__in=status)
    erlaubt = [
        pk
        for pk, art, parameter in kandidaten.values_list("pk", "art", "parameter")
        if pruefer(art, parameter)
    ]
    return Berichtsauftrag.objects.filter(pk__in=erlaubt).select_related("plan")


def sichtbare_auftraege(user) -> models.QuerySet[Berichtsauftrag]:
    """Own jobs and permitted archive jobs (any status)."""
    if not _angemeldet(user):
        return Berichtsauftrag.objects.none()
    archiv_pks = archiv(user, status=()).values("pk")
    return Berichtsauftrag.objects.filter(
        models.Q(angefordert_von=user) | models.Q(pk__in=archiv_pks)
    )


def darf_sehen(user, auftrag: Berichtsauftrag) -> bool:
    if not _angemeldet(user):
        return False
    if auftrag.angefordert_von_id is not None:
        return auftrag.angefordert_von_id == user.pk
    return _Pruefer(user)(auftrag.art, auftrag.parameter)


def sichtbarer_auftrag(user, pk) -> Berichtsauftrag | None:
    """The job ``pk`` if the user may see it, else ``None`` (→ 404)."""
    auftrag = Berichtsauftrag.objects.select_related("plan").filter(pk=pk).first()
    if auftrag is None or not darf_sehen(user, auftrag):
        return None
    return auftrag
