"""Writes on the Marktplatz: offers (Programmmanagement / offering Land) and Nachnutzungen."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ozgplattform.choices import Aktion
from ozgplattform.models import Organisation
from ozgplattform.rechte import pruefen, pruefen_global
from ozgplattform.services import objekt_aendern, objekt_anlegen

from .models import Nachnutzung, Nachnutzungsangebot


@transaction.atomic
def nachnutzungsangebot_anlegen(*, user=None, grund: str = "", **daten: Any) -> Nachnutzungsangebot:
    """Offers are published by the Programmmanagement (EfA governance, §5.3)."""
    pruefen_global(user, Aktion.LEISTUNG_BEARBEITEN)
    return objekt_anlegen(Nachnutzungsangebot, user=user, grund=grund, **daten)


@transaction.atomic
def nachnutzungsangebot_aendern(
    *, angebot: Nachnutzungsangebot, user=None, grund: str = "", **daten: Any
) -> Nachnutzungsangebot:
    pruefen_global(user, Aktion.LEISTUNG_BEARBEITEN)
    return objekt_aendern(angebot, user=user, grund=grund, **daten)


@transaction.atomic
def nachnutzung_erklaeren(
    *,
    angebot: Nachnutzungsangebot,
    land: Organisation,
    user=None,
    grund: str = "",
    **daten: Any,
) -> Nachnutzung:
    """The OZG-Koordinator declares (or updates) their Land's reuse of an offer."""
    if {"angebot_id", "land_id"} & daten.keys():
        raise TypeError("Angebot und Land kommen als Argumente, nicht über die Daten.")
    pruefen(user, Aktion.NACHNUTZUNG_ERKLAEREN, land)
    nachnutzung = Nachnutzung.objects.select_for_update().filter(angebot=angebot, land=land).first()
    if nachnutzung is None:
        return objekt_anlegen(
            Nachnutzung, user=user, grund=grund, angebot=angebot, land=land, **daten
        )
    return objekt_aendern(nachnutzung, user=user, grund=grund, **daten)
