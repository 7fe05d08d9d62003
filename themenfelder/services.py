"""Writes on Themenfelder, Lebenslagen, Personas and Nutzerreisen."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ozgplattform.services import objekt_aendern, objekt_anlegen

from .models import Lebenslage, Nutzerreise, Persona, Themenfeld


@transaction.atomic
def themenfeld_anlegen(*, user=None, grund: str = "", **daten: Any) -> Themenfeld:
    return objekt_anlegen(Themenfeld, user=user, grund=grund, **daten)


@transaction.atomic
def themenfeld_aendern(
    *, themenfeld: Themenfeld, user=None, grund: str = "", **daten: Any
) -> Themenfeld:
    themenfeld = Themenfeld.objects.select_for_update().get(pk=themenfeld.pk)
    return objekt_aendern(themenfeld, user=user, grund=grund, **daten)


@transaction.atomic
def lebenslage_anlegen(*, user=None, grund: str = "", **daten: Any) -> Lebenslage:
    return objekt_anlegen(Lebenslage, user=user, grund=grund, **daten)


@transaction.atomic
def lebenslage_aendern(
    *, lebenslage: Lebenslage, user=None, grund: str = "", **daten: Any
) -> Lebenslage:
    return objekt_aendern(lebenslage, user=user, grund=grund, **daten)


@transaction.atomic
def persona_anlegen(*, user=None, grund: str = "", **daten: Any) -> Persona:
    return objekt_anlegen(Persona, user=user, grund=grund, **daten)


@transaction.atomic
def nutzerreise_anlegen(*, user=None, grund: str = "", **daten: Any) -> Nutzerreise:
    return objekt_anlegen(Nutzerreise, user=user, grund=grund, **daten)
