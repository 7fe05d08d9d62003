"""FilterSet base and building blocks, and the FilterSets of the ozgplattform app.

One FilterSet per model (NetBox): the list page renders its form, the export applies
it, the API uses it as ``filterset_class``. Invalid input is an error — a form error on
the page, a 400 in the API — never silently ignored: booleans, numbers, ARS and choices
are validated strictly here. References (``?themenfeld=3``) accept only objects the
requester may see, so a filter does not reveal whether a hidden object exists.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils import timezone
from django_filters import fields as filter_fields
from django_filters import rest_framework as filters

from leistungen.models import Leistung, Umsetzungsprojekt
from ozgplattform.choices import OrganisationsArt, Rolle
from ozgplattform.models import Organisation, Rollenzuweisung
from ozgplattform.rechte import restrict
from themenfelder.models import Themenfeld

# --------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------


class JaNeinWidget(forms.NullBooleanSelect):
    """Passes the raw value on, so that the field can reject what is not a boolean."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class JaNeinFeld(forms.NullBooleanField):
    """``true``/``false`` (also ``1``/``0``, ``ja``/``nein``); anything else is an error."""

    widget = JaNeinWidget
    default_error_messages = {
        "invalid": "„%(wert)s“ ist kein Wahrheitswert; erlaubt sind true und false.",
    }
    WAHR = frozenset({"true", "1", "ja", "2"})
    FALSCH = frozenset({"false", "0", "nein", "3"})

    def to_python(self, value):
        if value is None or value in ("", "unknown") or isinstance(value, bool):
            return value if isinstance(value, bool) else None
        text = str(value).strip().lower()
        if text in self.WAHR:
            return True
        if text in self.FALSCH:
            return False
        raise forms.ValidationError(
            self.error_messages["invalid"], code="invalid", params={"wert": value}
        )


class JaNeinFilter(filters.BooleanFilter):
    field_class = JaNeinFeld

    def __init__(self, *args, **kwargs):
        # Not DRF's BooleanWidget, which turns "vielleicht" into "no filter".
        kwargs.setdefault("widget", JaNeinWidget)
        super().__init__(*args, **kwargs)


class ZahlFilter(filters.Filter):
    """A whole number; ``min_value``/``max_value`` bound it (out of range → error)."""

    field_class = forms.IntegerField


class ArsFilter(filters.Filter):
    """An Amtlicher Regionalschlüssel or its prefix: 1–12 digits."""

    field_class = forms.RegexField

    def __init__(self, *args, stellen: str = "1,12", **kwargs):
        kwargs.setdefault("regex", rf"^\d{{{stellen}}}$")
        kwargs.setdefault(
            "error_messages",
            {"invalid": "Ein Amtlicher Regionalschlüssel besteht aus Ziffern (Land: 2)."},
        )
        super().__init__(*args, **kwargs)


def sichtbare(model: type[models.Model]):
    """Queryset callable for reference filters: the objects the requester may see."""

    def queryset(request):
        user = getattr(request, "user", None) or AnonymousUser()
        return restrict(model._default_manager.all(), user)

    return queryset


#: Range of the integer primary keys (PostgreSQL/SQLite ``bigint``).
_PK_MIN, _PK_MAX = -(2**63), 2**63 - 1


class ReferenzFeld(filter_fields.ModelMultipleChoiceField):
    """Ids of visible objects. An id that is no whole number in the range of the keys
    is an unknown choice, like any other id that does not exist — SQLite would raise
    ``OverflowError`` for it (a 500) instead of finding nothing."""

    def _check_values(self, value):
        if isinstance(self.queryset.model._meta.pk, models.IntegerField):
            for wert in value:
                try:
                    zahl = int(str(wert).strip())
                except ValueError:
                    continue  # not a number: Django's own message ("… keine gültige Auswahl")
                if not _PK_MIN <= zahl <= _PK_MAX:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": wert},
                    )
        return super()._check_values(value)


class ReferenzFilter(filters.ModelMultipleChoiceFilter):
    field_class = ReferenzFeld


def referenz(model: type[models.Model], **kwargs) -> filters.ModelMultipleChoiceFilter:
    """``?feld=1&feld=2``: objects referencing one of the given (visible) objects."""
    kwargs.setdefault("distinct", False)
    return ReferenzFilter(queryset=sichtbare(model), **kwargs)


def auswahl(choices, **kwargs) -> filters.MultipleChoiceFilter:
    """``?feld=a&feld=b``: one of the given choices; an unknown choice is an error."""
    kwargs.setdefault("distinct", False)
    return filters.MultipleChoiceFilter(choices=choices, **kwargs)


class OzgFilterSet(filters.FilterSet):
    """Base of every FilterSet: strict booleans for generated filters as well."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": JaNeinFilter},
    }


# --------------------------------------------------------------------------------------
# ozgplattform
# --------------------------------------------------------------------------------------


class OrganisationFilterSet(OzgFilterSet):
    q = filters.CharFilter(method="suche", label="Suche (Name, Kurzname, ARS)")
    art = auswahl(OrganisationsArt.choices, label="Art")
    ars = ArsFilter(label="ARS")
    ars__startswith = ArsFilter(field_name="ars", lookup_expr="startswith", label="ARS beginnt mit")
    parent = referenz(Organisation, label="übergeordnete Organisation")

    class Meta:
        model = Organisation
        fields = ["q", "art", "ars", "ars__startswith", "parent"]

    def suche(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            models.Q(name__icontains=value)
            | models.Q(kurzname__icontains=value)
            | models.Q(ars__startswith=value)
        )


class RollenzuweisungFilterSet(OzgFilterSet):
    rolle = auswahl(Rolle.choices, label="Rolle")
    user = ZahlFilter(field_name="user", min_value=1, label="Person (ID)")
    organisation = referenz(Organisation, label="Organisation")
    themenfeld = referenz(Themenfeld, label="Themenfeld")
    umsetzungsprojekt = referenz(Umsetzungsprojekt, label="Umsetzungsprojekt")
    leistung = referenz(Leistung, label="Leistung")
    gueltig = JaNeinFilter(method="nach_gueltigkeit", label="heute gültig")
    kontakt_veroeffentlichen = JaNeinFilter(label="als Kontakt veröffentlicht")

    class Meta:
        model = Rollenzuweisung
        fields = [
            "rolle",
            "user",
            "organisation",
            "themenfeld",
            "umsetzungsprojekt",
            "leistung",
            "gueltig",
            "kontakt_veroeffentlichen",
        ]

    def nach_gueltigkeit(self, queryset, name, value):
        if value is None:
            return queryset
        gueltig = Rollenzuweisung.objects.gueltig(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=gueltig) if value else queryset.exclude(pk__in=gueltig)
