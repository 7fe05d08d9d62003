"""Reads of the Berichtswesen: which report jobs a user may see.

Every job is re-checked against the report type's current rule when it is listed,
shown or downloaded (``Berichtsart.darf_anfordern(user, parameter)``), so a user who
lost a role loses the reports that needed it, too:

* an own job is visible to the user who requested it **while** the type would still
  let them request it;
* a scheduled job (no requester, the Berichtsarchiv) to internal readers
  (``Aktion.LESEN_INTERN``, checked with ``rechte.darf_global``) whom the type lets
  request that report. Scheduled reports are rendered as the trusted caller (internal
  view), so a user who may only request the public version must not get the archived
  internal one.

Anonymous users see no job. The checks run per report type in bulk
(``Berichtsart.darf_anfordern_alle``: one query per type for all Themenfelder or
Leistungen concerned), so the cost does not grow with the number of jobs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import models

from ozgplattform.choices import Aktion
from ozgplattform.rechte import darf_global

from .berichte import ARTEN
from .models import Berichtsauftrag, Status


def _angemeldet(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def erlaubte(user, zeilen: Iterable[tuple]) -> set:
    """The primary keys among ``zeilen`` (``(pk, art, parameter)``) whose report the
    user may request now — one bulk check per report type."""
    je_art: dict[str, list[tuple]] = defaultdict(list)
    for pk, art, parameter in zeilen:
        je_art[art].append((pk, parameter))
    ergebnis = set()
    for art, liste in je_art.items():
        berichtsart = ARTEN.get(art)
        if berichtsart is None:
            continue
        antworten = berichtsart.darf_anfordern_alle(user, [p for _, p in liste])
        ergebnis.update(pk for (pk, _), ja in zip(liste, antworten, strict=True) if ja)
    return ergebnis


def _gefiltert(user, kandidaten: models.QuerySet) -> models.QuerySet[Berichtsauftrag]:
    erlaubt = erlaubte(user, kandidaten.values_list("pk", "art", "parameter"))
    return Berichtsauftrag.objects.filter(pk__in=erlaubt)


def meine_auftraege(user) -> models.QuerySet[Berichtsauftrag]:
    """The user's own jobs whose report they may still request."""
    if not _angemeldet(user):
        return Berichtsauftrag.objects.none()
    return _gefiltert(user, Berichtsauftrag.objects.filter(angefordert_von=user))


def archiv(user, *, status=(Status.FERTIG,)) -> models.QuerySet[Berichtsauftrag]:
    """Scheduled jobs the user may see (by default the finished ones)."""
    if not _angemeldet(user) or not darf_global(user, Aktion.LESEN_INTERN):
        return Berichtsauftrag.objects.none()
    kandidaten = Berichtsauftrag.objects.filter(angefordert_von__isnull=True)
    if status:
        kandidaten = kandidaten.filter(status__in=status)
    return _gefiltert(user, kandidaten).select_related("plan")


def sichtbare_auftraege(user) -> models.QuerySet[Berichtsauftrag]:
    """Own and archive jobs (any status) the user may see now."""
    if not _angemeldet(user):
        return Berichtsauftrag.objects.none()
    bedingung = models.Q(angefordert_von=user)
    if darf_global(user, Aktion.LESEN_INTERN):
        bedingung |= models.Q(angefordert_von__isnull=True)
    return _gefiltert(user, Berichtsauftrag.objects.filter(bedingung))


def darf_sehen(user, auftrag: Berichtsauftrag) -> bool:
    """Whether the user may see (and download) the job: own or archive, and the report
    type would let them request it now."""
    if not _angemeldet(user):
        return False
    if auftrag.angefordert_von_id is not None:
        if auftrag.angefordert_von_id != user.pk:
            return False
    elif not darf_global(user, Aktion.LESEN_INTERN):
        return False
    return auftrag.pk in erlaubte(user, [(auftrag.pk, auftrag.art, auftrag.parameter)])


def sichtbarer_auftrag(user, pk) -> Berichtsauftrag | None:
    """The job ``pk`` if the user may see it, else ``None`` (→ 404). Used by the job
    page, its status fragment and the download."""
    auftrag = Berichtsauftrag.objects.select_related("plan").filter(pk=pk).first()
    if auftrag is None or not darf_sehen(user, auftrag):
        return None
    return auftrag
