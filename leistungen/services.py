"""Writes on Leistungen and everything hanging off them. Views, API, commands call these.

Every service takes the acting ``user`` and re-checks the permission inside its
transaction (``ozgplattform.rechte``); ``user=None`` is reserved for trusted server-side
callers (management commands, tasks), whose history is attributed by ``als_benutzer``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ozgplattform.choices import Aktion
from ozgplattform.history import als_benutzer
from ozgplattform.models import Organisation
from ozgplattform.rechte import (
    AKTION_LABEL,
    darf_global,
    felder_pruefen,
    pruefen,
    pruefen_global,
    pruefen_neu,
    restrict,
)
from ozgplattform.services import objekt_aendern, objekt_anlegen, version_pruefen

from .choices import Depriorisierungsentscheidung, Prioritaet, Vorgehensmodell
from .models import (
    Ergebnis,
    LeikaLeistung,
    Leistung,
    Meilenstein,
    Referenzimplementierung,
    Umsetzungsprojekt,
    Umsetzungsstand,
)

_E = Depriorisierungsentscheidung


@transaction.atomic
def leistung_anlegen(*, user=None, grund: str = "", **daten: Any) -> Leistung:
    """New OZG-Leistung: catalogue work of the Programmmanagement."""
    pruefen_global(user, Aktion.LEISTUNG_BEARBEITEN)
    return objekt_anlegen(Leistung, user=user, grund=grund, **daten)


def _depriorisierung_regeln(user, leistung: Leistung, daten: dict[str, Any]) -> None:
    """Who may depriorise (§5.1): Federführer propose, the Programmmanagement decides."""
    if user is None:
        return
    entscheider = darf_global(user, Aktion.DEPRIORISIERUNG_ENTSCHEIDEN)
    neu = daten.get("prioritaet", leistung.prioritaet)
    entscheidung = daten.get("depriorisierung_entscheidung", leistung.depriorisierung_entscheidung)
    if entscheidung != leistung.depriorisierung_entscheidung and not entscheider:
        pruefen_global(user, Aktion.DEPRIORISIERUNG_ENTSCHEIDEN)
    if neu == Prioritaet.DEPRIORISIERT and leistung.prioritaet != Prioritaet.DEPRIORISIERT:
        pruefen(user, Aktion.DEPRIORISIERUNG_VORSCHLAGEN, leistung)
        if not entscheider:
            daten["depriorisierung_entscheidung"] = _E.VORGESCHLAGEN
    if (
        leistung.prioritaet == Prioritaet.DEPRIORISIERT
        and leistung.depriorisierung_entscheidung == _E.BESTAETIGT
        and neu != Prioritaet.DEPRIORISIERT
    ):
        pruefen_global(user, Aktion.DEPRIORISIERUNG_ENTSCHEIDEN)


@transaction.atomic
def leistung_aendern(
    *,
    leistung: Leistung,
    user=None,
    grund: str = "",
    version: dt.datetime | None = None,
    **daten: Any,
) -> Leistung:
    """``version``: see ``objekt_aendern`` (refused with ``Konflikt`` if changed since)."""
    leistung = Leistung.objects.select_for_update().get(pk=leistung.pk)
    pruefen(user, Aktion.LEISTUNG_BEARBEITEN, leistung)
    if version is not None:
        version_pruefen(leistung, version)
    felder_pruefen(user, leistung, daten)
    _depriorisierung_regeln(user, leistung, daten)
    return objekt_aendern(leistung, user=user, grund=grund, version=version, **daten)


@transaction.atomic
def depriorisierung_vorschlagen(
    *, leistung: Leistung, depriorisierungsgrund: str, begruendung: str, user=None
) -> Leistung:
    """A Federführer proposes to depriorise; the Programmmanagement decides later."""
    leistung = Leistung.objects.select_for_update().get(pk=leistung.pk)
    pruefen(user, Aktion.DEPRIORISIERUNG_VORSCHLAGEN, leistung)
    if (
        leistung.prioritaet == Prioritaet.DEPRIORISIERT
        and leistung.depriorisierung_entscheidung == _E.BESTAETIGT
    ):
        # Proposing again would reset the Programmmanagement's confirmation.
        pruefen_global(user, Aktion.DEPRIORISIERUNG_ENTSCHEIDEN)
    return objekt_aendern(
        leistung,
        user=user,
        grund="Depriorisierung vorgeschlagen",
        prioritaet=Prioritaet.DEPRIORISIERT,
        vorgehensmodell=Vorgehensmodell.KEINE_UMSETZUNG,
        depriorisierungsgrund=depriorisierungsgrund,
        depriorisierung_begruendung=begruendung,
        depriorisierung_entscheidung=_E.VORGESCHLAGEN,
    )


@transaction.atomic
def depriorisierung_entscheiden(
    *,
    leistung: Leistung,
    bestaetigt: bool,
    user=None,
    prioritaet: str = "",
    vorgehensmodell: str = "",
) -> Leistung:
    """The Programmmanagement's final word. A rejection needs the Priorität that applies."""
    leistung = Leistung.objects.select_for_update().get(pk=leistung.pk)
    pruefen_global(user, Aktion.DEPRIORISIERUNG_ENTSCHEIDEN)
    if leistung.prioritaet != Prioritaet.DEPRIORISIERT:
        raise ValidationError({"prioritaet": "Für diese Leistung liegt keine Depriorisierung vor."})
    if bestaetigt:
        return objekt_aendern(
            leistung,
            user=user,
            grund="Depriorisierung bestätigt",
            depriorisierung_entscheidung=_E.BESTAETIGT,
        )
    if not prioritaet or prioritaet == Prioritaet.DEPRIORISIERT:
        raise ValidationError(
            {"prioritaet": "Bei einer Ablehnung bitte die künftige Priorität (Prio 1–3) angeben."}
        )
    return objekt_aendern(
        leistung,
        user=user,
        grund="Depriorisierung abgelehnt",
        prioritaet=prioritaet,
        vorgehensmodell=vorgehensmodell,
        depriorisierung_entscheidung=_E.ABGELEHNT,
    )


@transaction.atomic
def leika_leistung_anlegen(*, user=None, grund: str = "", **daten: Any) -> LeikaLeistung:
    pruefen_global(user, Aktion.LEISTUNG_BEARBEITEN)
    return objekt_anlegen(LeikaLeistung, user=user, grund=grund, **daten)


@transaction.atomic
def leika_leistung_aendern(
    *, leika_leistung: LeikaLeistung, user=None, grund: str = "", **daten: Any
) -> LeikaLeistung:
    pruefen_global(user, Aktion.LEISTUNG_BEARBEITEN)
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
    version: dt.datetime | None = None,
) -> Umsetzungsstand:
    """Report the Reifegrad of ``leistung`` in ``gebiet`` (creates or updates the one row).

    Allowed for the OZG-Koordinator of the Land the Gebiet lies in.
    """
    pruefen(user, Aktion.UMSETZUNGSSTAND_MELDEN, gebiet)
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
    return objekt_aendern(stand, user=user, grund=grund, version=version, **daten)


#: What one report sets; ``stichtag`` only when given (else: today / unchanged).
_MELDEFELDER = ("reifegrad", "online_url", "bemerkung", "stichtag")


def _an_zeile[E: Exception](fehler: E, index: int) -> E:
    """Mark ``fehler`` with the position of the row it concerns (see
    :func:`umsetzungsstaende_melden`)."""
    fehler.index = index  # type: ignore[attr-defined]
    return fehler


@transaction.atomic
def umsetzungsstaende_melden(
    zeilen: Sequence[Mapping[str, Any]], *, user=None, grund: str = ""
) -> list[Umsetzungsstand]:
    """Many reports at once (status sheet, API Sammelmeldung), with the rules of
    :func:`umsetzungsstand_melden` for every row, all in one transaction.

    ``zeilen``: mappings with the arguments of ``umsetzungsstand_melden`` (``leistung``,
    ``gebiet``, ``reifegrad``; optional ``online_url``, ``stichtag``, ``bemerkung``); a
    pair (Leistung, Gebiet) may occur only once. Returns the Umsetzungsstand of every
    row, in order. A row that changes nothing writes nothing (no history record either).

    The first refused row stops everything (nothing written): ``PermissionDenied`` (no
    right to report for its Gebiet) or ``ValidationError``, carrying the row's position
    in ``zeilen`` as ``index``.

    A constant number of queries, whatever the number of rows: the right to report for
    every Gebiet (one query), the Leistungen exist (one), the existing rows locked (one),
    one bulk INSERT and one bulk UPDATE, each with its bulk history INSERT. History
    records are attributed as ``objekt_anlegen``/``objekt_aendern`` attribute them
    (``user``, else the request's user or the system account; reason ``grund``).
    """
    if not zeilen:
        return []
    aktion = Aktion.UMSETZUNGSSTAND_MELDEN
    # Right to report, and the Gebiete as they are now (clean() reads their art).
    gebiete_qs = Organisation.objects.filter(pk__in={z["gebiet"].pk for z in zeilen})
    if user is not None:
        gebiete_qs = restrict(gebiete_qs, user, aktion)
    gebiete = {g.pk: g for g in gebiete_qs}
    for i, z in enumerate(zeilen):
        if z["gebiet"].pk not in gebiete:
            if user is None:
                raise _an_zeile(
                    ValidationError({"gebiet": f"Das Gebiet „{z['gebiet']}“ gibt es nicht."}), i
                )
            raise _an_zeile(
                PermissionDenied(
                    f"Keine Berechtigung: {AKTION_LABEL[aktion]} "
                    f"({Organisation._meta.verbose_name} „{z['gebiet']}“)."
                ),
                i,
            )
    leistungen = set(
        Leistung.objects.filter(pk__in={z["leistung"].pk for z in zeilen}).values_list(
            "pk", flat=True
        )
    )
    paare: dict[tuple[int, int], int] = {}
    for i, z in enumerate(zeilen):
        if z["leistung"].pk not in leistungen:
            raise _an_zeile(
                ValidationError({"leistung": f"Die Leistung „{z['leistung']}“ gibt es nicht."}),
                i,
            )
        paar = (z["leistung"].pk, z["gebiet"].pk)
        if paar in paare:
            raise _an_zeile(
                ValidationError(
                    f"{z['leistung']} in {z['gebiet']} steht schon in Zeile {paare[paar] + 1}."
                ),
                i,
            )
        paare[paar] = i

    # Lock exactly the existing rows of these pairs (grouped by the smaller side).
    nach_gebiet: dict[int, set[int]] = {}
    for leistung_id, gebiet_id in paare:
        nach_gebiet.setdefault(gebiet_id, set()).add(leistung_id)
    bedingung = models.Q()
    for gebiet_id, leistung_ids in nach_gebiet.items():
        bedingung |= models.Q(gebiet_id=gebiet_id, leistung_id__in=leistung_ids)
    vorhanden = {
        (s.leistung_id, s.gebiet_id): s
        for s in Umsetzungsstand.objects.select_for_update().filter(bedingung)
    }

    jetzt = timezone.now()
    neu: list[Umsetzungsstand] = []
    geaendert: list[Umsetzungsstand] = []
    ergebnis: list[Umsetzungsstand] = []
    for i, z in enumerate(zeilen):
        daten = {
            "reifegrad": z["reifegrad"],
            "online_url": z.get("online_url", ""),
            "bemerkung": z.get("bemerkung", ""),
        }
        if z.get("stichtag") is not None:
            daten["stichtag"] = z["stichtag"]
        gebiet = gebiete[z["gebiet"].pk]
        stand = vorhanden.get((z["leistung"].pk, gebiet.pk))
        if stand is None:
            stand = Umsetzungsstand(leistung=z["leistung"], gebiet=gebiet, **daten)
            stand.erstellt = stand.geaendert = jetzt
            neu.append(stand)
        else:
            # As objekt_aendern: only a real change is saved.
            if all(getattr(stand, name) == wert for name, wert in daten.items()):
                ergebnis.append(stand)
                continue
            for name, wert in daten.items():
                setattr(stand, name, wert)
            stand.leistung, stand.gebiet = z["leistung"], gebiet  # clean() without a query
            stand.geaendert = jetzt  # bulk_update skips auto_now; the ETag needs a new one
            geaendert.append(stand)
        try:
            # Leistung and Gebiet were checked above, the pair is unique in the sheet
            # and locked (the database constraint guards against a parallel insert).
            stand.full_clean(
                exclude=["leistung", "gebiet"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as e:
            raise _an_zeile(e, i) from None
        ergebnis.append(stand)

    with als_benutzer(user) as benutzer:
        if neu:
            bulk_create_with_history(
                neu, Umsetzungsstand, default_user=benutzer, default_change_reason=grund or None
            )
        if geaendert:
            bulk_update_with_history(
                geaendert,
                Umsetzungsstand,
                [*_MELDEFELDER, "geaendert"],
                default_user=benutzer,
                default_change_reason=grund or None,
            )
    return ergebnis


@transaction.atomic
def ergebnis_setzen(
    *,
    leistung: Leistung,
    ergebnistyp: str,
    user=None,
    grund: str = "",
    version: dt.datetime | None = None,
    **daten: Any,
) -> Ergebnis:
    """Create or update the Ergebnis of one Ergebnistyp for ``leistung``.

    ``version`` applies to an existing Ergebnis (see ``objekt_aendern``).
    """
    _feste_felder(daten, "leistung_id")
    ergebnis = (
        Ergebnis.objects.select_for_update()
        .filter(leistung=leistung, ergebnistyp=ergebnistyp)
        .first()
    )
    if ergebnis is None:
        pruefen_neu(user, Aktion.ERGEBNIS_BEARBEITEN, Ergebnis(leistung=leistung))
        return objekt_anlegen(
            Ergebnis, user=user, grund=grund, leistung=leistung, ergebnistyp=ergebnistyp, **daten
        )
    pruefen(user, Aktion.ERGEBNIS_BEARBEITEN, ergebnis)
    return objekt_aendern(ergebnis, user=user, grund=grund, version=version, **daten)


def _meilenstein_bereich_pruefen(user, meilenstein: Meilenstein) -> None:
    if meilenstein.leistung_id and not meilenstein.themenfeld_id:
        meilenstein.themenfeld_id = meilenstein.leistung.themenfeld_id
    pruefen_neu(user, Aktion.MEILENSTEIN_BEARBEITEN, meilenstein)


@transaction.atomic
def meilenstein_anlegen(*, user=None, grund: str = "", **daten: Any) -> Meilenstein:
    """New Steuerungsindikator; given a Leistung, the Themenfeld defaults to the Leistung's."""
    meilenstein = Meilenstein(**daten)
    _meilenstein_bereich_pruefen(user, meilenstein)
    if "themenfeld" not in daten and "themenfeld_id" not in daten and meilenstein.themenfeld_id:
        daten["themenfeld_id"] = meilenstein.themenfeld_id
    return objekt_anlegen(Meilenstein, user=user, grund=grund, **daten)


@transaction.atomic
def meilenstein_aendern(
    *,
    meilenstein: Meilenstein,
    user=None,
    grund: str = "",
    version: dt.datetime | None = None,
    **daten: Any,
) -> Meilenstein:
    meilenstein = Meilenstein.objects.select_for_update().get(pk=meilenstein.pk)
    pruefen(user, Aktion.MEILENSTEIN_BEARBEITEN, meilenstein)
    if {"themenfeld", "themenfeld_id", "leistung", "leistung_id"} & daten.keys():
        _meilenstein_bereich_pruefen(user, _geaendert(meilenstein, daten))
    return objekt_aendern(meilenstein, user=user, grund=grund, version=version, **daten)


def _geaendert[M: models.Model](obj: M, daten: dict[str, Any]) -> M:
    """An unsaved copy of ``obj`` with ``daten`` applied as ``objekt_aendern`` will apply
    them, for checking the scope the object moves to.

    (Not ``Model(**{**attnames, **daten})``: with ``leistung`` in ``daten`` the old
    ``leistung_id`` would win and the check would look at the old scope.)
    """
    kopie = type(obj)(**{f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields})
    for name, wert in daten.items():
        feld = obj._meta.get_field(name)
        if not feld.many_to_many:
            setattr(kopie, name, wert)
    return kopie


def _feste_felder(daten: dict[str, Any], *felder: str) -> None:
    """Fields a service takes as named arguments (its scope) must not come in ``daten``."""
    doppelt = sorted(set(felder) & daten.keys())
    if doppelt:
        raise TypeError(f"Nicht über die Daten änderbar: {', '.join(doppelt)}.")


def _leistungen_pruefen(user, leistungen, vorher=()) -> None:
    """Adding a Leistung to an Umsetzungsprojekt extends its Umsetzungskoordinatoren's
    rights to that Leistung: only with the right to edit the Leistung (one query)."""
    if user is None:
        return
    neu = {getattr(le, "pk", le) for le in leistungen} - set(vorher)
    if not neu:
        return
    erlaubt = set(
        restrict(Leistung.objects.filter(pk__in=neu), user, Aktion.LEISTUNG_BEARBEITEN).values_list(
            "pk", flat=True
        )
    )
    if neu - erlaubt:
        raise PermissionDenied(
            "Keine Berechtigung: Leistungen außerhalb des eigenen Bereichs "
            "in ein Umsetzungsprojekt aufnehmen."
        )


@transaction.atomic
def umsetzungsprojekt_anlegen(*, user=None, grund: str = "", **daten: Any) -> Umsetzungsprojekt:
    felder = {k: v for k, v in daten.items() if k != "leistungen"}
    pruefen_neu(user, Aktion.UMSETZUNGSPROJEKT_BEARBEITEN, Umsetzungsprojekt(**felder))
    _leistungen_pruefen(user, daten.get("leistungen", ()))
    return objekt_anlegen(Umsetzungsprojekt, user=user, grund=grund, **daten)


@transaction.atomic
def umsetzungsprojekt_aendern(
    *,
    projekt: Umsetzungsprojekt,
    user=None,
    grund: str = "",
    version: dt.datetime | None = None,
    **daten: Any,
) -> Umsetzungsprojekt:
    projekt = Umsetzungsprojekt.objects.select_for_update().get(pk=projekt.pk)
    pruefen(user, Aktion.UMSETZUNGSPROJEKT_BEARBEITEN, projekt)
    if {"themenfeld", "themenfeld_id"} & daten.keys():
        pruefen_neu(user, Aktion.UMSETZUNGSPROJEKT_BEARBEITEN, _geaendert(projekt, daten))
    if "leistungen" in daten:
        vorher = projekt.leistungen.values_list("pk", flat=True)
        _leistungen_pruefen(user, daten["leistungen"], vorher)
    return objekt_aendern(projekt, user=user, grund=grund, version=version, **daten)


@transaction.atomic
def referenzimplementierung_setzen(
    *, leistung: Leistung, user=None, grund: str = "", **daten: Any
) -> Referenzimplementierung:
    pruefen(user, Aktion.LEISTUNG_BEARBEITEN, leistung)
    _feste_felder(daten, "leistung_id")
    ri = Referenzimplementierung.objects.filter(leistung=leistung).first()
    if ri is None:
        return objekt_anlegen(
            Referenzimplementierung, user=user, grund=grund, leistung=leistung, **daten
        )
    return objekt_aendern(ri, user=user, grund=grund, **daten)


# --------------------------------------------------------------------------------------
# Katalogimport (leistungen/katalog_import.py): Massenanlage.
# Only for the import, thousands of rows at once: the checks of full_clean, but set-based
# (a few queries per batch instead of ~10 per object), then one bulk insert with one
# history record per object (user, change reason) – as objekt_anlegen would write it.
# --------------------------------------------------------------------------------------


def _leika_ohne_schluessel_pruefen(objekte, melden) -> None:
    """Constraint ``leika_ohne_schluessel_eindeutig``: (Leistung, Name) unique without key."""
    constraint = next(
        c for c in LeikaLeistung._meta.constraints if c.name == "leika_ohne_schluessel_eindeutig"
    )
    paare = [(o.leistung_id, o.name) for o in objekte if not o.schluessel and o.leistung_id]
    belegt = set(
        LeikaLeistung.objects.filter(
            schluessel__isnull=True,
            leistung_id__in={p[0] for p in paare},
            name__in={p[1] for p in paare},
        ).values_list("leistung_id", "name")
    )
    for i, obj in enumerate(objekte):
        if obj.schluessel or not obj.leistung_id:
            continue  # condition not met, or NULL Leistung (NULLs are distinct)
        paar = (obj.leistung_id, obj.name)
        if paar in belegt:
            melden(i, NON_FIELD_ERRORS, [str(constraint.get_violation_error_message())])
        belegt.add(paar)


#: Per model: the Meta.constraints the bulk check implements. Any other constraint (or
#: unique_together) makes _massenanlage refuse the model rather than skip a check.
_CONSTRAINT_PRUEFUNGEN = {
    Leistung: {},
    LeikaLeistung: {"leika_ohne_schluessel_eindeutig": _leika_ohne_schluessel_pruefen},
}


def _massenanlage(
    model, daten: list[dict[str, Any]], *, user, grund: str, batch_size: int
) -> list[Any]:
    pruefungen = _CONSTRAINT_PRUEFUNGEN.get(model)
    unbekannt = (
        None if pruefungen is None else {c.name for c in model._meta.constraints} - set(pruefungen)
    )
    if pruefungen is None or unbekannt or model._meta.unique_together:
        raise ImproperlyConfigured(
            f"Massenanlage für {model.__name__} prüft nicht alle Constraints "
            f"({', '.join(sorted(unbekannt or [])) or 'unique_together/Modell unbekannt'})."
        )
    objekte = [model(**d) for d in daten]
    fehler: dict[int, dict[str, list[str]]] = {}

    def melden(i: int, feld: str, texte: list[str]) -> None:
        fehler.setdefault(i, {}).setdefault(feld, []).extend(texte)

    # Fields and clean(), per object, without the query of ForeignKey.validate.
    fks = [f for f in model._meta.concrete_fields if f.many_to_one]
    for i, obj in enumerate(objekte):
        try:
            obj.full_clean(
                exclude=[f.name for f in fks], validate_unique=False, validate_constraints=False
            )
        except ValidationError as e:
            for feld, texte in e.message_dict.items():
                melden(i, feld, texte)
        for f in fks:
            wert = getattr(obj, f.attname)
            if f.blank and wert in f.empty_values:
                continue
            try:
                models.Field.validate(f, wert, obj)  # null/blank, as Field.clean does
                f.run_validators(wert)
            except ValidationError as e:
                melden(i, f.name, e.messages)

    # Foreign keys exist (and match limit_choices_to), one query per FK field.
    for f in fks:
        ids = {getattr(o, f.attname) for o in objekte} - {None}
        vorhanden = set(
            f.remote_field.model._base_manager.complex_filter(f.get_limit_choices_to())
            .filter(**{f"{f.target_field.attname}__in": ids})
            .values_list(f.target_field.attname, flat=True)
        )
        for i, obj in enumerate(objekte):
            wert = getattr(obj, f.attname)
            if wert is not None and wert not in vorhanden:
                fehler_fk = ValidationError(
                    f.error_messages["invalid"],
                    code="invalid",
                    params={
                        "model": f.remote_field.model._meta.verbose_name,
                        "pk": wert,
                        "field": f.remote_field.field_name,
                        "value": wert,
                    },
                )
                melden(i, f.name, fehler_fk.messages)

    # Unique fields: against the database and within the batch.
    for f in model._meta.concrete_fields:
        if not f.unique or f.primary_key:
            continue
        werte = [getattr(o, f.attname) for o in objekte]
        belegt = set(
            model._default_manager.filter(
                **{f"{f.attname}__in": {w for w in werte if w is not None}}
            ).values_list(f.attname, flat=True)
        )
        for i, (obj, wert) in enumerate(zip(objekte, werte, strict=True)):
            if wert is None or (f.empty_strings_allowed and wert == ""):
                continue
            if wert in belegt:
                melden(i, f.name, obj.unique_error_message(model, (f.name,)).messages)
            belegt.add(wert)

    for pruefung in pruefungen.values():
        pruefung(objekte, melden)

    gueltig = [o for i, o in enumerate(objekte) if i not in fehler]
    if gueltig:
        with als_benutzer(user) as benutzer:
            bulk_create_with_history(
                gueltig,
                model,
                batch_size=batch_size,
                default_user=benutzer,
                default_change_reason=grund,
            )
    return [ValidationError(fehler[i]) if i in fehler else o for i, o in enumerate(objekte)]


@transaction.atomic
def leistungen_anlegen(
    daten: list[dict[str, Any]], *, user=None, grund: str = "", batch_size: int = 500
) -> list[Leistung | ValidationError]:
    """Create many Leistungen at once (catalogue import); checks as ``leistung_anlegen``.

    Returns one entry per element of ``daten``: the created object, or the
    ValidationError (with ``error_dict``) that kept it out. History: ``user`` (default:
    system account, as ``objekt_anlegen``) and ``grund``.
    """
    pruefen_global(user, Aktion.LEISTUNG_BEARBEITEN)
    return _massenanlage(Leistung, daten, user=user, grund=grund, batch_size=batch_size)


@transaction.atomic
def leika_leistungen_anlegen(
    daten: list[dict[str, Any]], *, user=None, grund: str = "", batch_size: int = 500
) -> list[LeikaLeistung | ValidationError]:
    """Create many LeiKa-Leistungen at once (catalogue import); as ``leistungen_anlegen``."""
    pruefen_global(user, Aktion.LEISTUNG_BEARBEITEN)
    return _massenanlage(LeikaLeistung, daten, user=user, grund=grund, batch_size=batch_size)
