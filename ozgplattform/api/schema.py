"""OpenAPI 3 schema of API v1 (drf-spectacular; ``/api/schema/``, docs at ``/api/docs/``).

:class:`OzgAutoSchema` (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``) documents, on top of
what drf-spectacular derives from the viewsets, every error response the platform gives,
each with the JSON body of ``ozgplattform.api.exceptions``:

====  ===========================================  ==========================================
400   lists (bad filter value), writes             ``Validierungsfehler`` (field → messages)
401   every operation (missing/bad token on writes) ``Fehler`` (``{"detail": …}``)
403   every operation                              ``Fehler``
404   detail routes; lists (page out of range)     ``Fehler``
409   writes                                       ``Konflikt`` (``detail``, ``aenderungen``)
412   PUT/PATCH/DELETE with a stale ``If-Match``   ``Fehler``
415   writes with an unsupported Content-Type      ``Fehler``
422   POST reusing an ``Idempotency-Key``          ``Fehler``
      with another body
429   every operation (rate limit per token)       ``Fehler`` + ``Retry-After`` header
304   GET detail with a matching ``If-None-Match``  no body, ``ETag`` header
====  ===========================================  ==========================================

plus the request headers ``If-None-Match`` (GET detail), ``If-Match`` (PUT/PATCH/DELETE)
and ``Idempotency-Key`` (POST) and the ``ETag`` response header of detail, PUT/PATCH and
POST responses.

Also here: the security scheme of the personal API tokens, and the parameter types of
the project's own filters (``ZahlFilter``, ``ArsFilter``, ``JaNeinFilter``) and of the
sort whitelist (``?ordering=``) and paging.

Serializers can name response fields that are not always present (nested collections
on request, fields only internal readers see) in ``Meta.bedingte_felder``; they are not
``required`` in the response schema.
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_parameter_type
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser

from ozgplattform.filtersets import ArsFilter, JaNeinFilter, ZahlFilter

# --------------------------------------------------------------------------------------
# Error bodies (ozgplattform/api/exceptions.py)
# --------------------------------------------------------------------------------------

FEHLER = {
    "type": "object",
    "description": "Fehlermeldung auf Deutsch.",
    "properties": {"detail": {"type": "string", "description": "Die Meldung."}},
    "required": ["detail"],
}

#: A serializer's or a service's ``ValidationError`` (and invalid filter values): the
#: messages per field, ``non_field_errors`` for the whole input; nested input (a list of
#: rows) has its messages per entry. A body that is no JSON at all gives ``detail``.
VALIDIERUNGSFEHLER = {
    "type": "object",
    "description": (
        "Eingabefehler: je Feld (bzw. Filterparameter) die Meldungen, `non_field_errors` "
        "für die Eingabe als Ganzes; bei verschachtelter Eingabe (Zeilen) je Eintrag. "
        "Bei unlesbarem JSON nur `detail`."
    ),
    "properties": {
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
        "detail": {"type": "string"},
    },
    "additionalProperties": {
        "anyOf": [
            {
                "type": "array",
                "items": {"anyOf": [{"type": "string"}, {"type": "object"}]},
            },
            {"type": "object"},
        ]
    },
}

AENDERUNG = {
    "type": "object",
    "description": "Ein Feld, das eine andere Person seit der gelesenen Fassung geändert hat.",
    "properties": {
        "feld": {"type": "string"},
        "vorher": {"type": "string"},
        "nachher": {"type": "string"},
        "wer": {"type": "string"},
        "wann": {"type": "string", "format": "date-time"},
    },
    "required": ["feld", "vorher", "nachher", "wer", "wann"],
}

KONFLIKT = {
    "type": "object",
    "description": (
        "Konflikt mit einer gleichzeitigen Änderung: nichts wurde gespeichert. "
        "`aenderungen` nennt bei einer verlorenen Aktualisierung, was sich seitdem "
        "geändert hat."
    ),
    "properties": {
        "detail": {"type": "string"},
        "aenderungen": {"type": "array", "items": {"$ref": "#/components/schemas/Aenderung"}},
    },
    "required": ["detail"],
}

KOMPONENTEN = {
    "Fehler": FEHLER,
    "Validierungsfehler": VALIDIERUNGSFEHLER,
    "Aenderung": AENDERUNG,
    "Konflikt": KONFLIKT,
}

# --------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------

ETAG = {
    "schema": {"type": "string"},
    "description": (
        "Version des Objekts. Mit `If-Match` zurückschicken, damit keine gleichzeitige "
        "Änderung überschrieben wird; mit `If-None-Match` für bedingtes Lesen (304)."
    ),
}
RETRY_AFTER = {
    "schema": {"type": "integer", "minimum": 0},
    "description": "Sekunden bis zur nächsten erlaubten Anfrage.",
    "required": True,
}

IF_NONE_MATCH = build_parameter_type(
    name="If-None-Match",
    schema={"type": "string"},
    location=OpenApiParameter.HEADER,
    description="ETag einer früheren Antwort: ist das Objekt unverändert, kommt 304 ohne Inhalt.",
)
IF_MATCH = build_parameter_type(
    name="If-Match",
    schema={"type": "string"},
    location=OpenApiParameter.HEADER,
    description=(
        "ETag der gelesenen Fassung: hat sich das Objekt seitdem geändert, wird nichts "
        "gespeichert (412)."
    ),
)
IDEMPOTENCY_KEY = build_parameter_type(
    name="Idempotency-Key",
    schema={"type": "string", "minLength": 1, "maxLength": 255},
    location=OpenApiParameter.HEADER,
    description=(
        "Frei gewählter Schlüssel (höchstens 255 Zeichen): eine Wiederholung mit "
        "demselben Schlüssel und Inhalt liefert die erste Antwort und legt nichts "
        "doppelt an; derselbe Schlüssel mit anderem Inhalt ergibt 422."
    ),
)

#: Status → (description, component or None for no body).
ANTWORTEN: dict[str, tuple[str, str | None]] = {
    "304": ("Nicht geändert (`If-None-Match` passt): kein Inhalt.", None),
    "400": (
        "Ungültige Eingabe oder ungültiger Filterwert; die Meldungen je Feld bzw. Parameter.",
        "Validierungsfehler",
    ),
    "401": ("Nicht angemeldet oder Token ungültig, abgelaufen oder widerrufen.", "Fehler"),
    "403": (
        "Keine Berechtigung (Rolle, nicht schreibbares Feld, Lesetoken, CSRF).",
        "Fehler",
    ),
    "404": ("Existiert nicht, ist nicht sichtbar oder die Seite gibt es nicht.", "Fehler"),
    "409": ("Konflikt mit einer gleichzeitigen Änderung oder mit abhängigen Daten.", "Konflikt"),
    "412": ("`If-Match` passt nicht zur aktuellen Fassung: nichts gespeichert.", "Fehler"),
    "415": ("Content-Type der Anfrage wird nicht unterstützt.", "Fehler"),
    "422": (
        "Der `Idempotency-Key` wurde schon für eine Anfrage mit anderem Inhalt verwendet.",
        "Fehler",
    ),
    "429": ("Zu viele Anfragen: nach `Retry-After` Sekunden erneut versuchen.", "Fehler"),
}

SCHREIBEND = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def fehlerantworten(methode: str, *, liste: bool, detail: bool) -> list[str]:
    """Status codes of the errors an operation can answer with (see the module doc)."""
    codes = ["401", "403", "429"]
    # GET detail: ``?fields=``/``?kurz=`` with an unknown field or value is a 400.
    if liste or (methode == "GET" and detail) or methode in SCHREIBEND - {"DELETE"}:
        codes.append("400")
    if detail or liste:
        codes.append("404")
    if methode in SCHREIBEND:
        codes.append("409")
    if methode in ("PUT", "PATCH", "DELETE"):
        codes.append("412")
    if methode in ("POST", "PUT", "PATCH"):
        codes.append("415")
    if methode == "POST":
        codes.append("422")
    if methode == "GET" and detail and not liste:
        codes.append("304")
    return sorted(codes)


def _leer_erlaubt(field) -> bool:
    """Whether ``field`` may be represented as "": ``allow_blank``, or — DRF drops it on
    read-only fields, but still represents a stored "" as "" — a blank model field."""
    if getattr(field, "allow_blank", False):
        return True
    if not (isinstance(field, serializers.CharField | serializers.ChoiceField) and field.read_only):
        return False
    if not field.source or "." in field.source:
        return False
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None:
        return False
    try:
        return model._meta.get_field(field.source).blank
    except FieldDoesNotExist:
        return False


class OzgAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema with the platform's errors, headers and JSON input."""

    def _ist_detail(self) -> bool:
        view = self.view
        kwarg = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
        return "{" + kwarg + "}" in self.path or "{id}" in self.path

    def _ist_objekt_lesen(self) -> bool:
        """GET of one object's representation (ETag, If-None-Match → 304)."""
        return (
            self.method == "GET"
            and self._ist_detail()
            and not self._ist_liste()
            and getattr(self.view, "action", "retrieve") == "retrieve"
        )

    def _ist_liste(self) -> bool:
        return self.method == "GET" and self._is_list_view()

    def map_parsers(self):
        # Scripts send JSON (or, where a view offers it, e.g. CSV); the form parsers only
        # serve the browsable API's HTML forms and are not part of the contract.
        return [
            parser.media_type
            for parser in self.view.get_parsers()
            if not isinstance(parser, (FormParser, MultiPartParser))
        ]

    def _get_parameters(self) -> list[dict[str, Any]]:
        parameter = super()._get_parameters()
        if self._ist_objekt_lesen():
            parameter.append(copy.deepcopy(IF_NONE_MATCH))
        if self.method in ("PUT", "PATCH", "DELETE"):
            parameter.append(copy.deepcopy(IF_MATCH))
        if self.method == "POST":
            parameter.append(copy.deepcopy(IDEMPOTENCY_KEY))
        return parameter

    def _komponente(self, name: str) -> dict[str, str]:
        for komponente, schema in KOMPONENTEN.items():
            self.registry.register_on_missing(
                ResolvedComponent(
                    name=komponente,
                    type=ResolvedComponent.SCHEMA,
                    object=f"ozgplattform.api.schema.{komponente}",
                    schema=schema,
                )
            )
        return {"$ref": f"#/components/schemas/{name}"}

    def _get_response_bodies(self, direction="response"):
        antworten = super()._get_response_bodies(direction)
        if direction != "response":
            return antworten
        liste = self._ist_liste()
        detail = self._ist_detail()
        # The version of the object read or written (not on lists, not on DELETE's 204).
        if self.method in ("GET", "PUT", "PATCH", "POST") and not liste:
            for code in ("200", "201"):
                if code in antworten:
                    antworten[code].setdefault("headers", {})["ETag"] = copy.deepcopy(ETAG)
        for code in fehlerantworten(self.method, liste=liste, detail=detail):
            if code == "304" and not self._ist_objekt_lesen():
                continue  # an action's GET (a report's file) has no ETag
            beschreibung, komponente = ANTWORTEN[code]
            antwort: dict[str, Any] = {"description": beschreibung}
            if komponente is not None:
                antwort["content"] = {"application/json": {"schema": self._komponente(komponente)}}
            if code == "429":
                antwort["headers"] = {"Retry-After": copy.deepcopy(RETRY_AFTER)}
            if code == "304":
                antwort["headers"] = {"ETag": copy.deepcopy(ETAG)}
            vorhanden = antworten.setdefault(code, antwort)
            if code == "400" and vorhanden is not antwort:
                self._auch_validierungsfehler(vorhanden)
        return dict(sorted(antworten.items()))

    def _auch_validierungsfehler(self, antwort: dict[str, Any]) -> None:
        """A view's own 400 body (e.g. the Sammelmeldung's errors per row) comes in
        addition to the generic field errors (headers, parameters, parser)."""
        inhalt = antwort.get("content", {}).get("application/json")
        if not inhalt or "schema" not in inhalt:
            return
        generisch = self._komponente("Validierungsfehler")
        eigenes = inhalt["schema"]
        if eigenes != generisch:
            inhalt["schema"] = {"anyOf": [eigenes, generisch]}

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        leer = _leer_erlaubt(field)
        if leer and isinstance(field, serializers.ChoiceField) and not field.allow_blank:
            field = copy.copy(field)
            field.allow_blank = True  # the enum then includes ""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if leer and isinstance(schema, dict) and schema.get("format") in ("uri", "email"):
            # "" is no URI/e-mail address, but the empty value of an optional one.
            format_ = schema.pop("format")
            schema.pop("type", None)
            schema["anyOf"] = [
                {"type": "string", "format": format_},
                {"type": "string", "maxLength": 0},
            ]
        return schema

    def _auswahl(self) -> bool:
        """A read whose fields ``?fields=``/``?kurz=`` may select (OzgModelViewSet)."""
        return (
            self.method == "GET"
            and hasattr(self.view, "ausgabefelder_lesen")
            and getattr(self.view, "action", None) in ("list", "retrieve")
        )

    def get_serializer_name(self, serializer, direction) -> str:
        # Reads get their own components (``…Auswahl``) in which no field is required:
        # with ``?fields=``/``?kurz=`` the response has only the fields asked for.
        # Without them every field is present, as in the write responses' components.
        name = super().get_serializer_name(serializer, direction)
        if direction == "response" and self._auswahl():
            return f"{name.removesuffix('Serializer')}Auswahl"
        return name

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and self._auswahl():
            schema.pop("required", None)
            return schema
        meta = getattr(serializer, "Meta", None)
        bedingt = set(getattr(meta, "bedingte_felder", ()))
        if direction == "response" and bedingt and "required" in schema:
            schema["required"] = [f for f in schema["required"] if f not in bedingt]
            if not schema["required"]:
                del schema["required"]
        return schema


# --------------------------------------------------------------------------------------
# Extensions: token authentication, the project's filters, sorting, paging
# --------------------------------------------------------------------------------------


class ApiTokenSchema(OpenApiAuthenticationExtension):
    """``Authorization: Token <key>`` (``ozgplattform.konto.authentication``)."""

    target_class = "ozgplattform.konto.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Persönliches API-Token (im Profil unter /konto/ erstellen), mit dem "
                "Präfix „Token“: `Authorization: Token <schlüssel>`. Ein Token ohne "
                "Schreibrecht erlaubt nur GET."
            ),
        }


class OzgFilterSchema(DjangoFilterExtension):
    """django-filter parameters, with the exact types of the project's own filters."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if isinstance(filter_field, (ZahlFilter, ArsFilter, JaNeinFilter)):
            return [self._eigener_filter(filter_field, field_name)]
        return super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )

    @staticmethod
    def _eigener_filter(filter_field, field_name: str) -> dict[str, Any]:
        extra = filter_field.extra
        if isinstance(filter_field, ZahlFilter):
            schema: dict[str, Any] = {"type": "integer"}
            if extra.get("min_value") is not None:
                schema["minimum"] = int(extra["min_value"])
            if extra.get("max_value") is not None:
                schema["maximum"] = int(extra["max_value"])
        elif isinstance(filter_field, ArsFilter):
            schema = {"type": "string", "pattern": extra["regex"]}
        else:
            schema = {"type": "boolean"}
        return build_parameter_type(
            name=field_name,
            schema=schema,
            location=OpenApiParameter.QUERY,
            required=extra.get("required", False),
            description=str(filter_field.label or ""),
        )


class SortierungSchema(OpenApiFilterExtension):
    """``?ordering=feld,-feld``: the view's whitelist ``ordering_fields`` only."""

    target_class = "ozgplattform.api.sortierung.Sortierung"
    match_subclasses = True

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        felder = getattr(auto_schema.view, "ordering_fields", ()) or ()
        werte = sorted([*felder, *(f"-{f}" for f in felder)])
        return [
            build_parameter_type(
                name="ordering",
                schema={"type": "array", "items": {"type": "string", "enum": werte}},
                location=OpenApiParameter.QUERY,
                description=(
                    "Sortierung, durch Komma getrennt; `-` davor sortiert absteigend. "
                    "Andere Felder werden ignoriert."
                ),
                style="form",
                explode=False,
            )
        ]


class SeitenweiseSchema(OpenApiFilterExtension):
    """``?page=&page_size=`` of ``ozgplattform.api.pagination.Seitenweise``."""

    target_class = "ozgplattform.api.pagination.Seitenweise"
    match_subclasses = True

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        paginator = self.target
        return [
            build_parameter_type(
                name=paginator.page_query_param,
                schema={"type": "integer", "minimum": 1},
                location=OpenApiParameter.QUERY,
                description="Seite (ab 1); eine Seite hinter der letzten ergibt 404.",
            ),
            build_parameter_type(
                name=paginator.page_size_query_param,
                schema={"type": "integer", "minimum": 1, "maximum": paginator.max_page_size},
                location=OpenApiParameter.QUERY,
                description=(
                    f"Einträge je Seite (Standard {paginator.page_size}, "
                    f"höchstens {paginator.max_page_size})."
                ),
            ),
        ]
