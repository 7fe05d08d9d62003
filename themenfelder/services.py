"""Writes on Themenfelder, Lebenslagen, Personas and Nutzerreisen.

Permission checks as in ``leistungen/services.py``: ``user=None`` only for trusted
server-side callers.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ozgplattform.choices import Aktion
from ozgplattform.rechte import felder_pruefen, pruefen, pruefen_global
from ozgplattform.services import objekt_aendern, objekt_anlegen

from .models import Lebenslage, Nutzerreise, Persona, Themenfeld


@transaction.atomic
def themenfeld_anlegen(*, user=None, grund: str = "", **daten: Any) -> Themenfeld:
    """Create a Themenfeld together with the monthly Themenfeld-Bericht plan for its
    Steuerungskreis (``berichtswesen``, docs/berichte.md), in one transaction."""
    # Imported here: berichtswesen's report types import themenfelder at module level.
    from berichtswesen.services import themenfeld_berichtsplaene_einrichten

    pruefen_global(user, Aktion.THEMENFELD_BEARBEITEN)
    themenfeld = objekt_anlegen(Themenfeld, user=user, grund=grund, **daten)
    themenfeld_berichtsplaene_einrichten(themenfelder=[themenfeld])
    return themenfeld


@transaction.atomic
def themenfeld_aendern(
    *, themenfeld: Themenfeld, user=None, grund: str = "", **daten: Any
) -> Themenfeld:
    themenfeld = Themenfeld.objects.select_for_update().get(pk=themenfeld.pk)
    pruefen(user, Aktion.THEMENFELD_BEARBEITEN, themenfeld)
    felder_pruefen(user, themenfeld, daten)
    return objekt_aendern(themenfeld, user=user, grund=grund, **daten)


@transaction.atomic
def lebenslage_anlegen(*, user=None, grund: str = "", **daten: Any) -> Lebenslage:
    pruefen_global(user, Aktion.THEMENFELD_BEARBEITEN)
    return objekt_anlegen(Lebenslage, user=user, grund=grund, **daten)


@transaction.atomic
def lebenslage_aendern(
    *, lebenslage: Lebenslage, user=None, grund: str = "", **daten: Any
) -> Lebenslage:
    pruefen_global(user, Aktion.THEMENFELD_BEARBEITEN)
    return objekt_aendern(lebenslage, user=user, grund=grund, **daten)


def _themenfeld_pruefen(user, themenfeld_id) -> None:
    if user is None:
        return
    pruefen(user, Aktion.THEMENFELD_BEARBEITEN, Themenfeld.objects.get(pk=themenfeld_id))


@transaction.atomic
def persona_anlegen(*, user=None, grund: str = "", **daten: Any) -> Persona:
    """Personas are Themenfeldplanung: the Federführer of the Themenfeld keeps them."""
    persona = Persona(**daten)
    _themenfeld_pruefen(user, persona.themenfeld_id)
    return objekt_anlegen(Persona, user=user, grund=grund, **daten)


@transaction.atomic
def nutzerreise_anlegen(*, user=None, grund: str = "", **daten: Any) -> Nutzerreise:
    reise = Nutzerreise(**daten)
    _themenfeld_pruefen(user, reise.themenfeld_id)
    return objekt_anlegen(Nutzerreise, user=user, grund=grund, **daten)
