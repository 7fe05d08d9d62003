"""Writes on Leistungen and everything hanging off them. Views, API, commands call these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ozgplattform.models import Organisation
from ozgplattform.services import objekt_aendern, objekt_anlegen

from .models import (
    Ergebnis,
    LeikaLeistung,
    Leistung,
    Meilenstein,
    Referenzimplementierung,
    Umsetzungsprojekt,
    Umsetzungsstand,
)


@transaction.atomic
def leistung_anlegen(*, user=None, grund: str = "", **daten: Any) -> Leistung:
    return objekt_anlegen(Leistung, user=user, grund=grund, **daten)


@transaction.atomic
def leistung_aendern(*, leistung: Leistung, user=None, grund: str = "", **daten: Any) -> Leistung:
    leistung = Leistung.objects.select_for_update().get(pk=leistung.pk)
    return objekt_aendern(leistung, user=user, grund=grund, **daten)


@transaction.atomic
def leika_leistung_anlegen(*, user=None, grund: str = "", **daten: Any) -> LeikaLeistung:
    return objekt_anlegen(LeikaLeistung, user=user, grund=grund, **daten)


@transaction.atomic
def leika_leistung_aendern(
    *, leika_leistung: LeikaLeistung, user=None, grund: str = "", **daten: Any
) -> LeikaLeistung:
    return objekt_aendern(leika_leistung, user=user, grund=grund, **daten)


@transaction.atomic
def umsetzungsstand_melden(
    *,
    leistung: Leistung,
    gebiet: Organisation,
    reifegrad: int,
    online_url: str = "",
    stichtag: dt.date | None = None,
    bemerkung: str = "",
    user=None,
    grund: str = "",
) -> Umsetzungsstand:
    """Report the Reifegrad of ``leistung`` in ``gebiet`` (creates or updates the one row)."""
    daten: dict[str, Any] = {
        "reifegrad": reifegrad,
        "online_url": online_url,
        "bemerkung": bemerkung,
    }
    if stichtag is not None:
        daten["stichtag"] = stichtag
    stand = (
        Umsetzungsstand.objects.select_for_update().filter(leistung=leistung, gebiet=gebiet).first()
    )
    if stand is None:
        return objekt_anlegen(
            Umsetzungsstand, user=user, grund=grund, leistung=leistung, gebiet=gebiet, **daten
        )
    return objekt_aendern(stand, user=user, grund=grund, **daten)


@transaction.atomic
def ergebnis_setzen(
    *, leistung: Leistung, ergebnistyp: str, user=None, grund: str = "", **daten: Any
) -> Ergebnis:
    """Create or update the Ergebnis of one Ergebnistyp for ``leistung``."""
    ergebnis = (
        Ergebnis.objects.select_for_update()
        .filter(leistung=leistung, ergebnistyp=ergebnistyp)
        .first()
    )
    if ergebnis is None:
        return objekt_anlegen(
            Ergebnis, user=user, grund=grund, leistung=leistung, ergebnistyp=ergebnistyp, **daten
        )
    return objekt_aendern(ergebnis, user=user, grund=grund, **daten)


@transaction.atomic
def meilenstein_anlegen(*, user=None, grund: str = "", **daten: Any) -> Meilenstein:
    return objekt_anlegen(Meilenstein, user=user, grund=grund, **daten)


@transaction.atomic
def meilenstein_aendern(
    *, meilenstein: Meilenstein, user=None, grund: str = "", **daten: Any
) -> Meilenstein:
    meilenstein = Meilenstein.objects.select_for_update().get(pk=meilenstein.pk)
    return objekt_aendern(meilenstein, user=user, grund=grund, **daten)


@transaction.atomic
def umsetzungsprojekt_anlegen(*, user=None, grund: str = "", **daten: Any) -> Umsetzungsprojekt:
    return objekt_anlegen(Umsetzungsprojekt, user=user, grund=grund, **daten)


@transaction.atomic
def umsetzungsprojekt_aendern(
    *, projekt: Umsetzungsprojekt, user=None, grund: str = "", **daten: Any
) -> Umsetzungsprojekt:
    return objekt_aendern(projekt, user=user, grund=grund, **daten)


@transaction.atomic
def referenzimplementierung_setzen(
    *, leistung: Leistung, user=None, grund: str = "", **daten: Any
) -> Referenzimplementierung:
    ri = Referenzimplementierung.objects.filter(leistung=leistung).first()
    if ri is None:
        return objekt_anlegen(
            Referenzimplementierung, user=user, grund=grund, leistung=leistung, **daten
        )
    return objekt_aendern(ri, user=user, grund=grund, **daten)
