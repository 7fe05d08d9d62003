"""Anforderungsmanagement: file Digitalisierungshemmnisse and Änderungsanfragen; decide."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ozgplattform.choices import Aktion
from ozgplattform.rechte import darf, darf_global, pruefen_global
from ozgplattform.services import objekt_aendern, objekt_anlegen

from .choices import Anforderungsart, Anforderungsstatus
from .models import Anforderung


def _darf_einreichen(user, anforderung: Anforderung) -> bool:
    if user is None or darf_global(user, Aktion.AENDERUNGSANFRAGE_STELLEN):
        return True
    leistung, themenfeld = anforderung.leistung, anforderung.themenfeld
    if anforderung.art == Anforderungsart.AENDERUNGSANFRAGE and leistung is not None:
        return darf(user, Aktion.AENDERUNGSANFRAGE_STELLEN, leistung)
    # Digitalisierungshemmnisse come from those working on the Leistung/Themenfeld (§5.2).
    if leistung is not None:
        return darf(user, Aktion.LEISTUNG_BEARBEITEN, leistung)
    if themenfeld is not None:
        return darf(user, Aktion.THEMENFELD_BEARBEITEN, themenfeld)
    return False


@transaction.atomic
def anforderung_einreichen(*, user, grund: str = "", **daten: Any) -> Anforderung:
    """File a ticket; the submitter is the acting user (never taken from ``daten``)."""
    if {"eingereicht_von", "eingereicht_von_id"} & daten.keys():
        raise TypeError("Der Einreicher ist immer der handelnde Benutzer.")
    # Check before the acting user is set: an anonymous visitor is refused, not a
    # ValueError from assigning AnonymousUser to the foreign key.
    anforderung = Anforderung(**daten)
    if not _darf_einreichen(user, anforderung):
        raise PermissionDenied(
            "Keine Berechtigung: Anforderungen zu dieser Leistung bzw. diesem Themenfeld."
        )
    return objekt_anlegen(Anforderung, user=user, grund=grund, eingereicht_von=user, **daten)


@transaction.atomic
def anforderung_entscheiden(
    *, anforderung: Anforderung, status: str, begruendung: str, user=None
) -> Anforderung:
    """The Programmmanagement decides on an Anforderung (with a reason)."""
    pruefen_global(user, Aktion.ANFORDERUNG_ENTSCHEIDEN)
    if status == Anforderungsstatus.EINGEREICHT:
        raise ValidationError({"status": "Eine Entscheidung setzt einen neuen Status."})
    anforderung = Anforderung.objects.select_for_update().get(pk=anforderung.pk)
    return objekt_aendern(
        anforderung, user=user, status=status, entscheidung_begruendung=begruendung
    )
