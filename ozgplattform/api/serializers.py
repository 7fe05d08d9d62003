"""Serializer base of the API: validate the shape of the input, never save.

Writes go through the services (``<app>/services.py``), which run ``full_clean()``
(uniqueness, constraints, cross-field rules) inside their transaction. A serializer here
checks types, choices, lengths and that referenced objects exist *and are visible to the
requester*; it drops DRF's own uniqueness validators so there is exactly one place —
the model — that says what is unique.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from ozgplattform.choices import Aktion
from ozgplattform.models import Organisation, Rollenzuweisung
from ozgplattform.rechte import darf_global, restrict

UNBEKANNTES_FELD = "Unbekanntes Feld."
UNVERAENDERLICH = "Dieses Feld kann nach dem Anlegen nicht mehr geändert werden."
#: Sent by the HTML forms of the browsable API, not data.
NICHT_DATEN = frozenset({"csrfmiddlewaretoken"})


def anfragender(context: Mapping) -> object:
    request = context.get("request")
    return getattr(request, "user", None) or AnonymousUser()


def liest_intern(context: Mapping) -> bool:
    """Whether the requester may read internal data (``Aktion.LESEN_INTERN`` everywhere)."""
    user = anfragender(context)
    return bool(user.is_authenticated) and darf_global(user, Aktion.LESEN_INTERN)


class NurUeberServices(RuntimeError):
    """A serializer's ``save()`` was called: writes go through the services only (the
    viewset calls them with ``validated_data``), never through DRF's save path."""


class SichtbarPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by primary key to an object the requester may see.

    An object outside ``restrict(…, user)`` is treated as not existing (400, no hint that
    it exists), as the 404 of the detail view does.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        if queryset is None:
            return None
        return restrict(queryset.all(), anfragender(self.context))


def _unbekannte(data: Mapping, felder) -> dict[str, list[str]]:
    return {
        name: [UNBEKANNTES_FELD] for name in data if name not in felder and name not in NICHT_DATEN
    }


def _ohne_unique(kwargs: dict) -> dict:
    if "validators" in kwargs:
        kwargs["validators"] = [
            v for v in kwargs["validators"] if not isinstance(v, UniqueValidator)
        ]
    return kwargs


class OzgModelSerializer(serializers.ModelSerializer):
    """ModelSerializer for the API: shape only, visible references, strict input.

    * ``url`` (when listed in ``Meta.fields``) links to ``api:<model_name>-detail``.
    * Keys the serializer does not know are rejected (400) rather than silently
      ignored: a typo in a script must not look like a successful write. Read-only
      fields sent back from a GET are ignored as usual.
    * ``Meta.unveraenderlich``: fields fixed after creation (the key of an upsert, e.g.
      Leistung and Ergebnistyp of an Ergebnis). On change requests they are optional;
      sending a different value is a 400.
    * ``save()`` is not available: views call the service with ``validated_data``.
    * Context ``ausgabefelder`` (``?fields=``/``?kurz=``, set by the viewset): the
      response's own object carries only these fields; nested serializers are whole.
      ``Meta.kurzfelder``: what ``?kurz=1`` shows besides ``id`` and ``url`` (default:
      ``name`` or ``titel``).
    """

    serializer_related_field = SichtbarPrimaryKeyRelatedField

    def build_url_field(self, field_name, model_class):
        return serializers.HyperlinkedIdentityField, {
            "view_name": f"api:{model_class._meta.model_name}-detail"
        }

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        return field_class, _ohne_unique(kwargs)

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        return field_class, _ohne_unique(kwargs)

    def get_validators(self):
        return []

    def get_uniqueness_extra_kwargs(self, field_names, declared_fields, extra_kwargs):
        return extra_kwargs, {}

    def get_fields(self):
        felder = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, (list, tuple)):
            for name in getattr(self.Meta, "unveraenderlich", ()):
                if name in felder:
                    felder[name].required = False
        auswahl = self.context.get("ausgabefelder")
        if auswahl is not None and self._ist_antwortobjekt():
            felder = {name: feld for name, feld in felder.items() if name in auswahl}
        return felder

    def _ist_antwortobjekt(self) -> bool:
        """The serializer of the response's object(s) itself, not one nested in it."""
        parent = self.parent
        if isinstance(parent, serializers.ListSerializer):
            parent = parent.parent
        return parent is None

    def kurzfelder(self) -> tuple[str, ...]:
        """Fields of the brief form (``?kurz=1``): ``id``, ``url`` and a designation."""
        vorhanden = self.fields
        bezeichnung = getattr(self.Meta, "kurzfelder", None)
        if bezeichnung is None:
            bezeichnung = next(((n,) for n in ("name", "titel") if n in vorhanden), ())
        return tuple(n for n in ("id", "url", *bezeichnung) if n in vorhanden)

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            fehler = _unbekannte(data, self.fields)
            fehler.update(self._unveraenderlich_pruefen(data))
            if fehler:
                raise serializers.ValidationError(fehler)
        daten = super().to_internal_value(data)
        if self.instance is not None:
            for name in getattr(self.Meta, "unveraenderlich", ()):
                daten.pop(name, None)
        return daten

    def _unveraenderlich_pruefen(self, data: Mapping) -> dict[str, list[str]]:
        if self.instance is None:
            return {}
        fehler = {}
        for name in getattr(self.Meta, "unveraenderlich", ()):
            if name not in data:
                continue
            feld = self.fields[name]
            aktuell = feld.get_attribute(self.instance)
            if hasattr(aktuell, "pk"):
                aktuell = aktuell.pk  # a reference: compare by primary key
            if str(data[name]) != str(aktuell):
                fehler[name] = [UNVERAENDERLICH]
        return fehler

    def save(self, **kwargs):
        raise NurUeberServices(
            "API-Serializer speichern nicht; die View ruft den Service mit validated_data auf."
        )


class AktionSerializer(serializers.Serializer):
    """Input of an extra action (``POST …/{id}/<aktion>/``): plain fields, strict keys."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            fehler = _unbekannte(data, self.fields)
            if fehler:
                raise serializers.ValidationError(fehler)
        return super().to_internal_value(data)

    def save(self, **kwargs):
        raise NurUeberServices("Aktionen rufen den Service auf.")


# --------------------------------------------------------------------------------------
# Resources of the ozgplattform app
# --------------------------------------------------------------------------------------


class OrganisationSerializer(OzgModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "url",
            "name",
            "kurzname",
            "art",
            "ars",
            "parent",
            "website",
            "ist_gebiet",
            "erstellt",
            "geaendert",
        ]


class RollenzuweisungSerializer(OzgModelSerializer):
    """A role assignment; the person is personal data.

    ``person`` (name and e-mail) appears only when the contact is published or the
    requester reads internal data; ``user`` (the account id) only for internal readers.
    ``restrict`` already hides unpublished assignments from the public — this is the
    second lock on the same door.
    """

    person = serializers.SerializerMethodField()

    class Meta:
        model = Rollenzuweisung
        fields = [
            "id",
            "url",
            "user",
            "person",
            "rolle",
            "organisation",
            "themenfeld",
            "umsetzungsprojekt",
            "leistung",
            "gueltig_von",
            "gueltig_bis",
            "funktion",
            "kontakt_veroeffentlichen",
            "erstellt",
            "geaendert",
        ]
        kurzfelder = ("rolle", "person")
        #: Only for internal readers (OpenAPI: not required in responses).
        bedingte_felder = ("user",)

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "description": "Name und E-Mail: veröffentlichter Kontakt oder interne Leser.",
            "properties": {"name": {"type": "string"}, "email": {"type": "string"}},
            "required": ["name", "email"],
        }
    )
    def get_person(self, obj) -> dict | None:
        if not (obj.kontakt_veroeffentlichen or liest_intern(self.context)):
            return None
        return {
            "name": obj.user.get_full_name() or obj.user.get_username(),
            "email": obj.user.email,
        }

    def to_representation(self, instance):
        daten = super().to_representation(instance)
        if not liest_intern(self.context):
            daten.pop("user", None)
        return daten
