"""Permission layer: the role table, the guardian grants it produces, and ``restrict``.

How it fits together (see ``docs/rechte.md``):

* ``Rollenzuweisung`` rows are the source of truth. :func:`rechte_synchronisieren` turns
  a user's currently valid assignments into django-guardian object permissions on the
  *scope* object (a Themenfeld, an Umsetzungsprojekt, a Leistung, a Land, a Ressort)
  and into membership of the global groups, in the same transaction.
* ``ZUGRIFF`` says, per model and action, along which relation a scope permission
  reaches an object: a Federführer's grant on a Themenfeld reaches every Leistung,
  Ergebnis, Meilenstein and Umsetzungsprojekt in it.
* :func:`restrict` filters a queryset to what a user may do with one SQL query (nested
  subqueries), whatever the number of permitted objects. :func:`darf` and
  :func:`pruefen` check one object; services call :func:`pruefen` inside their
  transaction, so every write path re-checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils import timezone
from guardian.models import UserObjectPermission

from .choices import Aktion, Rolle, globale_codename_von

#: Global permissions (one per action) live on the Rollenzuweisung content type.
GLOBAL_APP = "ozgplattform"
AKTION_LABEL = {a: a.label for a in Aktion}

# Scope permissions (granted on one object by guardian), see the models' Meta.permissions.
FF = "themenfelder.federfuehrung"
KOORD = "leistungen.koordination"
LV = "leistungen.verantwortung"
LV_NN = "leistungen.nachnutzung_lv"
LAND = "ozgplattform.land_koordination"
RESSORT = "ozgplattform.ressort_ansprechpartner"


@dataclass(frozen=True)
class Rollenrecht:
    """What one role means: the scope grant and the programme-wide actions it brings."""

    #: Rollenzuweisung field naming the scope object and the permission granted on it.
    bereich: str | None
    objektrecht: str | None
    #: Actions the role may do everywhere (global permissions via the role's group).
    global_: frozenset[Aktion]
    #: Human description, rendered in docs/rechte.md and the admin.
    beschreibung: str


_ALLE = frozenset(Aktion)

#: THE role table. Everything else (grants, groups, docs, the matrix test) derives from it.
ROLLEN: dict[str, Rollenrecht] = {
    Rolle.PROGRAMMMANAGEMENT: Rollenrecht(
        None,
        None,
        _ALLE,
        "alles, einschließlich der Entscheidung über Depriorisierungen und "
        "Anforderungen und der Verwaltung der Rollen",
    ),
    Rolle.FEDERFUEHRER: Rollenrecht(
        "themenfeld",
        FF,
        frozenset({Aktion.LESEN_INTERN}),
        "Themenfeld und alle Leistungen, Ergebnisse, Meilensteine und Umsetzungsprojekte "
        "darin bearbeiten; Depriorisierung vorschlagen",
    ),
    Rolle.UMSETZUNGSKOORDINATOR: Rollenrecht(
        "umsetzungsprojekt",
        KOORD,
        frozenset({Aktion.LESEN_INTERN}),
        "Leistungen, Ergebnisse und Meilensteine der eigenen Umsetzungsprojekte bearbeiten",
    ),
    Rolle.LEISTUNGSVERANTWORTLICHER: Rollenrecht(
        "leistung",
        LV,
        frozenset({Aktion.LESEN_INTERN}),
        "die eigene Leistung, ihre Ergebnisse und Meilensteine bearbeiten",
    ),
    Rolle.OZG_KOORDINATOR: Rollenrecht(
        "organisation",
        LAND,
        frozenset({Aktion.LESEN_INTERN}),
        "Umsetzungsstand des Landes und seiner Kreise und Gemeinden melden; Nachnutzungen "
        "des Landes erklären",
    ),
    Rolle.RESSORTANSPRECHPARTNER: Rollenrecht(
        "organisation",
        RESSORT,
        frozenset(),
        "interne Daten der Leistungen des Ressorts lesen und Änderungsanfragen dazu stellen",
    ),
    Rolle.LV_NACHNUTZENDES_LAND: Rollenrecht(
        "leistung",
        LV_NN,
        frozenset(),
        "interne Daten der Leistung lesen und Anforderungen des nachnutzenden Landes als "
        "Änderungsanfrage einbringen",
    ),
    Rolle.LESER: Rollenrecht(
        None, None, frozenset({Aktion.LESEN_INTERN}), "interne Daten und Berichte lesen"
    ),
}

#: (model label, action) → relations from that model to a scope object holding the grant.
#: "" means the object itself. Actions not listed for a model are global-only.
ZUGRIFF: dict[tuple[str, Aktion], tuple[tuple[str, str], ...]] = {
    ("themenfelder.themenfeld", Aktion.THEMENFELD_BEARBEITEN): (("", FF),),
    ("themenfelder.themenfeld", Aktion.LESEN_INTERN): (
        ("", FF),
        ("federfuehrendes_ressort", RESSORT),
    ),
    ("leistungen.leistung", Aktion.LEISTUNG_BEARBEITEN): (
        ("themenfeld", FF),
        ("umsetzungsprojekte", KOORD),
        ("", LV),
    ),
    ("leistungen.leistung", Aktion.DEPRIORISIERUNG_VORSCHLAGEN): (("themenfeld", FF),),
    ("leistungen.leistung", Aktion.AENDERUNGSANFRAGE_STELLEN): (
        ("themenfeld__federfuehrendes_ressort", RESSORT),
        ("", LV_NN),
    ),
    ("leistungen.leistung", Aktion.LESEN_INTERN): (
        ("themenfeld__federfuehrendes_ressort", RESSORT),
        ("", LV_NN),
    ),
    ("anforderungen.anforderung", Aktion.LESEN_INTERN): (
        ("leistung__themenfeld__federfuehrendes_ressort", RESSORT),
        ("themenfeld__federfuehrendes_ressort", RESSORT),
        ("leistung", LV_NN),
    ),
    ("leistungen.ergebnis", Aktion.ERGEBNIS_BEARBEITEN): (
        ("leistung__themenfeld", FF),
        ("leistung__umsetzungsprojekte", KOORD),
        ("leistung", LV),
    ),
    ("leistungen.meilenstein", Aktion.MEILENSTEIN_BEARBEITEN): (
        ("themenfeld", FF),
        ("leistung__umsetzungsprojekte", KOORD),
        ("leistung", LV),
    ),
    ("leistungen.umsetzungsprojekt", Aktion.UMSETZUNGSPROJEKT_BEARBEITEN): (("themenfeld", FF),),
    ("leistungen.umsetzungsstand", Aktion.UMSETZUNGSSTAND_MELDEN): (
        ("gebiet", LAND),
        ("gebiet__parent", LAND),
        ("gebiet__parent__parent", LAND),
    ),
    ("ozgplattform.organisation", Aktion.UMSETZUNGSSTAND_MELDEN): (
        ("", LAND),
        ("parent", LAND),
        ("parent__parent", LAND),
    ),
    ("ozgplattform.organisation", Aktion.NACHNUTZUNG_ERKLAEREN): (("", LAND),),
    ("marktplatz.nachnutzung", Aktion.NACHNUTZUNG_ERKLAEREN): (("land", LAND),),
}

#: Public visibility per model (anonymous visitors and users without LESEN_INTERN).
#: Models not listed are fully public; ``None`` means not public at all.
OEFFENTLICH: dict[str, models.Q | Callable[[], models.Q] | None] = {
    "anforderungen.anforderung": None,
    "marktplatz.nachnutzungsangebot": models.Q(veroeffentlicht=True),
    "marktplatz.nachnutzung": models.Q(angebot__veroeffentlicht=True),
    "ozgplattform.rollenzuweisung": lambda: models.Q(kontakt_veroeffentlichen=True) & _gueltig_q(),
}


def _gueltig_q() -> models.Q:
    """Currently valid assignments (validity dates around today, active user)."""
    heute = timezone.localdate()
    return (
        (models.Q(gueltig_von__isnull=True) | models.Q(gueltig_von__lte=heute))
        & (models.Q(gueltig_bis__isnull=True) | models.Q(gueltig_bis__gte=heute))
        & models.Q(user__is_active=True)
    )


#: Rows a user always sees because they made them (field holding the user).
EIGENE: dict[str, str] = {"anforderungen.anforderung": "eingereicht_von"}

#: Fields a scope role may write on a Leistung. The Programmmanagement writes every field.
LEISTUNG_FELDER_FF = frozenset(
    {
        "name",
        "lebenslage",
        "archetyp",
        "prioritaet",
        "vorgehensmodell",
        "depriorisierungsgrund",
        "depriorisierung_begruendung",
        "welle",
        "phase",
        "nachnutzungsmodell",
        "ausserhalb_ozg",
        "steckbrief",
        "steckbrief_datei",
    }
)
LEISTUNG_FELDER_UMSETZUNG = frozenset(
    {
        "archetyp",
        "phase",
        "nachnutzungsmodell",
        "steckbrief",
        "steckbrief_datei",
    }
)
THEMENFELD_FELDER_FF = frozenset({"beschreibung", "phase", "steuerungskreis"})
SCHREIBBARE_FELDER: dict[tuple[str, str], frozenset[str]] = {
    ("themenfelder.themenfeld", FF): THEMENFELD_FELDER_FF,
    ("leistungen.leistung", FF): LEISTUNG_FELDER_FF,
    ("leistungen.leistung", KOORD): LEISTUNG_FELDER_UMSETZUNG,
    ("leistungen.leistung", LV): LEISTUNG_FELDER_UMSETZUNG,
}

#: The edit action whose scope grants the field rules above refine.
FELDREGEL_AKTION = {
    "leistungen.leistung": Aktion.LEISTUNG_BEARBEITEN,
    "themenfelder.themenfeld": Aktion.THEMENFELD_BEARBEITEN,
}


def globale_codename(aktion: Aktion) -> str:
    return globale_codename_von(aktion)


def gruppenname(rolle: str) -> str:
    return f"Rolle: {Rolle(rolle).label}"


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _globale_aktionen(user) -> frozenset[Aktion]:
    """Actions the user may do everywhere (cached on the user object for the request)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return _ALLE
    cache = getattr(user, "_ozg_globale_aktionen", None)
    if cache is None:
        perms = user.get_all_permissions()
        cache = frozenset(a for a in Aktion if f"{GLOBAL_APP}.{globale_codename(a)}" in perms)
        user._ozg_globale_aktionen = cache
    return cache


def _objektrecht_subquery(user, recht: str, scope_model: type[models.Model]):
    app_label, codename = recht.split(".")
    return (
        UserObjectPermission.objects.filter(
            user_id=user.pk,
            permission__codename=codename,
            permission__content_type__app_label=app_label,
            content_type__app_label=scope_model._meta.app_label,
            content_type__model=scope_model._meta.model_name,
        )
        .annotate(objekt_id=Cast("object_pk", output_field=models.BigIntegerField()))
        .values("objekt_id")
    )


def _scope_model(model: type[models.Model], pfad: str) -> type[models.Model]:
    aktuell = model
    for teil in filter(None, pfad.split("__")):
        aktuell = aktuell._meta.get_field(teil).related_model
    return aktuell


def _objekt_q(model: type[models.Model], user, aktion: Aktion, nur: str | None = None) -> models.Q:
    q = models.Q(pk__in=[])
    for pfad, recht in ZUGRIFF.get((_label(model), aktion), ()):
        if nur is not None and recht != nur:
            continue
        sub = _objektrecht_subquery(user, recht, _scope_model(model, pfad))
        q |= models.Q(**{f"{pfad}__in" if pfad else "pk__in": sub})
    return q


def restrict(queryset: models.QuerySet, user, aktion: Aktion | None = None) -> models.QuerySet:
    """The part of ``queryset`` the user may read (``aktion=None``) or act on.

    One query, independent of how many objects are permitted: object grants enter as
    subqueries. Relations that fan out (Umsetzungsprojekte of a Leistung) are wrapped in
    a ``pk__in`` so rows are never duplicated.
    """
    model = queryset.model
    label = _label(model)
    globale = _globale_aktionen(user)
    if aktion is None:
        if Aktion.LESEN_INTERN in globale:
            return queryset
        oeffentlich = OEFFENTLICH.get(label, models.Q())
        if callable(oeffentlich):
            oeffentlich = oeffentlich()
        if oeffentlich == models.Q():
            return queryset  # fully public model
        q = models.Q(pk__in=[]) if oeffentlich is None else oeffentlich
        if user.is_authenticated and user.is_active:
            if (label, Aktion.LESEN_INTERN) in ZUGRIFF:
                q |= _objekt_q(model, user, Aktion.LESEN_INTERN)
            if label in EIGENE:
                q |= models.Q(**{EIGENE[label]: user.pk})
        return _filtern(queryset, q)
    if aktion in globale:
        return queryset
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if (label, aktion) not in ZUGRIFF:
        return queryset.none()
    return _filtern(queryset, _objekt_q(model, user, aktion))


def _filtern(queryset: models.QuerySet, q: models.Q) -> models.QuerySet:
    if q == models.Q():
        return queryset
    return queryset.filter(pk__in=queryset.model._base_manager.filter(q).values("pk"))


def darf(user, aktion: Aktion, obj: models.Model) -> bool:
    """Whether the user may do ``aktion`` with ``obj`` (one query at most)."""
    if aktion in _globale_aktionen(user):
        return True
    return restrict(type(obj)._base_manager.filter(pk=obj.pk), user, aktion).exists()


def darf_global(user, aktion: Aktion) -> bool:
    """Whether the user may do ``aktion`` everywhere (Programmmanagement, readers)."""
    return user is None or aktion in _globale_aktionen(user)


def darf_neu(user, aktion: Aktion, obj: models.Model) -> bool:
    """Whether the user may do ``aktion`` with a not yet saved (or just changed) ``obj``.

    Follows each ``ZUGRIFF`` relation from the object's foreign-key values, so a new
    Ergebnis is allowed exactly where an existing one of the same Leistung would be.
    """
    if user is None or aktion in _globale_aktionen(user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    for pfad, recht in ZUGRIFF.get((_label(type(obj)), aktion), ()):
        if not pfad:
            continue
        erstes, _, rest = pfad.partition("__")
        feld = obj._meta.get_field(erstes)
        if not feld.many_to_one:
            continue
        wert = getattr(obj, feld.attname)
        if wert is None:
            continue
        ziel = feld.related_model
        sub = _objektrecht_subquery(user, recht, _scope_model(ziel, rest))
        if ziel._base_manager.filter(
            pk=wert, **{f"{rest}__in" if rest else "pk__in": sub}
        ).exists():
            return True
    return False


def _verweigern(aktion: Aktion, obj: models.Model | None = None) -> PermissionDenied:
    wo = f" ({obj._meta.verbose_name} „{obj}“)" if obj is not None else ""
    return PermissionDenied(f"Keine Berechtigung: {AKTION_LABEL[aktion]}{wo}.")


def pruefen_global(user, aktion: Aktion) -> None:
    if not darf_global(user, aktion):
        raise _verweigern(aktion)


def pruefen_neu(user, aktion: Aktion, obj: models.Model) -> None:
    if not darf_neu(user, aktion, obj):
        raise _verweigern(aktion, obj)


def sichtbar(user, obj: models.Model) -> bool:
    return restrict(type(obj)._base_manager.filter(pk=obj.pk), user).exists()


def pruefen(user, aktion: Aktion, obj: models.Model) -> None:
    """Raise PermissionDenied unless the user may do ``aktion`` with ``obj``."""
    if user is None:  # trusted server-side caller (command, task): see docs/rechte.md
        return
    if not darf(user, aktion, obj):
        raise _verweigern(aktion, obj)


def schreibbare_felder(user, obj: models.Model) -> frozenset[str] | None:
    """Fields of ``obj`` the user may write; ``None`` means every field.

    Only models listed in ``SCHREIBBARE_FELDER`` are restricted per field; the union over
    every scope grant through which the user reaches ``obj`` counts.
    """
    label = _label(type(obj))
    regeln = {recht: felder for (m, recht), felder in SCHREIBBARE_FELDER.items() if m == label}
    if user is None or not regeln:
        return None
    aktion = FELDREGEL_AKTION[label]
    if aktion in _globale_aktionen(user):
        return None
    erlaubt: set[str] = set()
    for recht, felder in regeln.items():
        qs = type(obj)._base_manager.filter(pk=obj.pk)
        if qs.filter(_objekt_q(type(obj), user, aktion, nur=recht)).exists():
            erlaubt |= felder
    return frozenset(erlaubt)


def _wert(wert):
    return wert.pk if isinstance(wert, models.Model) else wert


def geaenderte_felder(obj: models.Model, daten: dict) -> set[str]:
    """Field names in ``daten`` whose value differs from ``obj`` (``lebenslage_id`` counts
    as ``lebenslage``; foreign keys compared by pk, M2M as sets)."""
    geaendert = set()
    for name, wert in daten.items():
        feld = obj._meta.get_field(name)
        if feld.many_to_many:
            alt = set(getattr(obj, feld.name).values_list("pk", flat=True)) if obj.pk else set()
            if alt != {_wert(w) for w in wert}:
                geaendert.add(feld.name)
        elif getattr(obj, feld.attname) != _wert(wert):
            geaendert.add(feld.name)
    return geaendert


def felder_pruefen(user, obj: models.Model, daten: dict) -> None:
    """Refuse changes to fields the user's role may not write (unchanged values pass, so a
    full PUT with the current values of such fields is fine)."""
    erlaubt = schreibbare_felder(user, obj)
    if erlaubt is None:
        return
    verboten = sorted(geaenderte_felder(obj, daten) - erlaubt)
    if verboten:
        namen = ", ".join(str(obj._meta.get_field(f).verbose_name) for f in verboten)
        raise PermissionDenied(f"Diese Felder darf Ihre Rolle nicht ändern: {namen}.")


# --------------------------------------------------------------------------------------
# Grants: Rollenzuweisungen → guardian object permissions and global groups
# --------------------------------------------------------------------------------------


def _permission(recht: str) -> Permission:
    app_label, codename = recht.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def gruppen_einrichten() -> dict[str, Group]:
    """Create/update one group per role carrying the role's global action permissions."""
    ct = ContentType.objects.get_for_model(apps.get_model(GLOBAL_APP, "Rollenzuweisung"))
    gruppen = {}
    for rolle, recht in ROLLEN.items():
        gruppe, _ = Group.objects.get_or_create(name=gruppenname(rolle))
        perms = list(
            Permission.objects.filter(
                content_type=ct, codename__in=[globale_codename(a) for a in recht.global_]
            )
        )
        if rolle == Rolle.PROGRAMMMANAGEMENT:
            # The Programmmanagement works in the Django admin on every domain model.
            perms += list(
                Permission.objects.filter(
                    content_type__app_label__in=[
                        "ozgplattform",
                        "themenfelder",
                        "leistungen",
                        "marktplatz",
                        "berichtswesen",
                        "anforderungen",
                    ]
                )
            )
        gruppe.permissions.set(perms)
        gruppen[rolle] = gruppe
    return gruppen


@transaction.atomic
def rechte_synchronisieren(user) -> None:
    """Make guardian grants and group memberships match the user's valid assignments.

    Called by every service that changes a Rollenzuweisung (same transaction) and daily
    for validity dates that start or end.
    """
    from .models import Rollenzuweisung

    zuweisungen = list(
        Rollenzuweisung.objects.gueltig().filter(user_id=user.pk)
        if user.is_active
        else Rollenzuweisung.objects.none()
    )
    gruppen = gruppen_einrichten()
    soll_gruppen = {gruppen[z.rolle].pk for z in zuweisungen}
    rollen_gruppen = {g.pk for g in gruppen.values()}
    ist_gruppen = set(user.groups.filter(pk__in=rollen_gruppen).values_list("pk", flat=True))
    if soll_gruppen - ist_gruppen:
        user.groups.add(*(soll_gruppen - ist_gruppen))
    if ist_gruppen - soll_gruppen:
        user.groups.remove(*(ist_gruppen - soll_gruppen))

    soll: set[tuple[int, int, str]] = set()
    for z in zuweisungen:
        recht = ROLLEN[z.rolle]
        if recht.objektrecht is None:
            continue
        ziel = getattr(z, recht.bereich)
        perm = _permission(recht.objektrecht)
        soll.add((perm.pk, ContentType.objects.get_for_model(ziel).pk, str(ziel.pk)))
    vorhanden = UserObjectPermission.objects.filter(user_id=user.pk)
    ist = {(p.permission_id, p.content_type_id, p.object_pk): p.pk for p in vorhanden}
    zu_loeschen = [pk for key, pk in ist.items() if key not in soll]
    if zu_loeschen:
        UserObjectPermission.objects.filter(pk__in=zu_loeschen).delete()
    neu = [
        UserObjectPermission(user_id=user.pk, permission_id=p, content_type_id=c, object_pk=o)
        for (p, c, o) in soll
        if (p, c, o) not in ist
    ]
    UserObjectPermission.objects.bulk_create(neu)

    staff = Rolle.PROGRAMMMANAGEMENT in {z.rolle for z in zuweisungen}
    if user.is_staff != staff and not user.is_superuser:
        type(user).objects.filter(pk=user.pk).update(is_staff=staff)
        user.is_staff = staff
    for attr in ("_ozg_globale_aktionen", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)
