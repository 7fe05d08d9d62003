"""Base viewset of the API (NetBox ``NetBoxModelViewSet`` style) and the resources of
the ``ozgplattform`` app itself (Organisationen, Rollenzuweisungen).

A resource declares its model queryset (with ``select_related``/``prefetch_related``
so lists cost a constant number of queries), serializer, FilterSet, sort whitelist and
the services that write it. The base class does the rest, the same way everywhere:

* reading: ``restrict(queryset, user)`` — what the user may not see does not exist
  (404 on detail, absent from lists);
* writing: object visible → permission pre-check (403 naming the action) → input shape
  (400) → the service, which checks again inside its transaction and runs
  ``full_clean()``;
* only the methods a service exists for are offered (else 405);
* ``?fields=a,b`` and ``?kurz=1`` select the fields of list and detail responses
  (:meth:`OzgModelViewSet.ausgabefelder_lesen`); :meth:`OzgModelViewSet.braucht` lets a
  resource skip the prefetches of fields not asked for.
* HTTP around every write (``_schreiben``): ``ETag`` on every object response,
  ``If-None-Match`` → 304 on the detail, ``If-Match`` → 412 on a stale version
  (``etag.py``), ``Idempotency-Key`` on POST (``idempotenz.py``); rate limits come from
  ``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]`` (``drosselung.py``).
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.cache import patch_cache_control, patch_vary_headers
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import MethodNotAllowed, ParseError, ValidationError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.settings import api_settings

from ozgplattform import services, versionen
from ozgplattform.choices import Aktion
from ozgplattform.filtersets import JaNeinFeld, OrganisationFilterSet, RollenzuweisungFilterSet
from ozgplattform.models import Organisation, Rollenzuweisung
from ozgplattform.rechte import pruefen, pruefen_global, restrict

from . import etag, idempotenz
from .pagination import Seitenweise
from .serializers import OrganisationSerializer, RollenzuweisungSerializer
from .sortierung import Sortierung

_SERVICES = ("service_anlegen", "service_aendern", "service_loeschen")
#: Actions whose response fields ``?fields=`` / ``?kurz=`` select.
AUSWAHL_AKTIONEN = frozenset({"list", "retrieve"})
FELDER_PARAMETER = [
    OpenApiParameter(
        "fields",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description="Nur diese Felder ausgeben, kommagetrennt (z. B. id,name). Ein "
        "unbekanntes Feld ist ein 400, der die verfügbaren nennt.",
    ),
    OpenApiParameter(
        "kurz",
        OpenApiTypes.BOOL,
        OpenApiParameter.QUERY,
        description="Kurzform: id, url und die Bezeichnung (z. B. name).",
    ),
]
_SCHREIBEND = ("post", "put", "patch", "delete")


def _nimmt_version(funktion) -> bool:
    """Does the service declare ``version=`` (optimistic concurrency)?"""
    try:
        return "version" in inspect.signature(funktion).parameters
    except (TypeError, ValueError):
        return False


class OzgModelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Generic API resource. Subclasses set:

    ``queryset``
        The model's queryset with ``select_related``/``prefetch_related`` for what the
        serializer reads. Never used unrestricted: :meth:`get_queryset` applies
        ``restrict``. Override :meth:`basis_queryset` for request-dependent prefetches.
    ``serializer_class``, ``filterset_class``, ``ordering_fields`` (whitelist, required)
    ``service_anlegen`` / ``service_aendern`` / ``service_loeschen``
        The service functions; POST / PUT+PATCH / DELETE exist only where one is set.
        ``service_objekt`` is the keyword under which the change/delete service takes
        the object (``leistung_aendern(leistung=…)``). Override :meth:`anlegen`,
        :meth:`aendern`, :meth:`loeschen` when a service has another signature.
    ``aktion_aendern`` / ``aktion_loeschen``
        Checked with ``rechte.pruefen`` on the visible object before the input is even
        validated: visible but not permitted is a 403, not a 400.
    ``aktion_anlegen_global``
        For services only the programme-wide role may call: checked before validation.
    """

    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, IsAuthenticatedOrReadOnly]
    filter_backends = [DjangoFilterBackend, Sortierung]
    pagination_class = Seitenweise

    ordering_fields: ClassVar[tuple[str, ...]] = ()

    service_anlegen: ClassVar[Any] = None
    service_aendern: ClassVar[Any] = None
    service_loeschen: ClassVar[Any] = None
    service_objekt: ClassVar[str] = ""

    aktion_anlegen_global: ClassVar[Aktion | None] = None
    aktion_aendern: ClassVar[Aktion | None] = None
    aktion_loeschen: ClassVar[Aktion | None] = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in _SERVICES:
            funktion = cls.__dict__.get(name)
            if funktion is not None and not isinstance(funktion, staticmethod):
                setattr(cls, name, staticmethod(funktion))
        if not isinstance(cls.ordering_fields, (list, tuple)):
            raise ImproperlyConfigured(
                f"{cls.__name__}.ordering_fields muss eine explizite Liste sein."
            )
        methoden = ["get", "head", "options"]
        aktionen_post = any("post" in a.mapping for a in cls.get_extra_actions())
        if cls.service_anlegen is not None or aktionen_post:
            methoden.append("post")
        if cls.service_aendern is not None:
            methoden += ["put", "patch"]
        if cls.service_loeschen is not None:
            methoden.append("delete")
        cls.http_method_names = methoden

    # ----------------------------------------------------------------------------------
    # Reading
    # ----------------------------------------------------------------------------------

    #: Fields of this response chosen by ``?fields=``/``?kurz=`` (None: all).
    ausgabefelder: tuple[str, ...] | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.ausgabefelder = self.ausgabefelder_lesen()

    def ausgabefelder_lesen(self) -> tuple[str, ...] | None:
        """``?fields=id,name`` (only these, unknown → 400 naming the valid ones) or
        ``?kurz=1`` (the serializer's ``kurzfelder()``), on lists and details."""
        if self.action not in AUSWAHL_AKTIONEN:
            return None
        params = self.request.query_params
        try:
            kurz = bool(JaNeinFeld().to_python(params.get("kurz")))
        except forms.ValidationError as e:
            raise ValidationError({"kurz": e.messages}) from e
        felder = [t.strip() for t in params.get("fields", "").split(",") if t.strip()]
        if not kurz and not felder:
            return None
        if kurz and felder:
            raise ValidationError({"fields": ["Entweder fields oder kurz angeben, nicht beides."]})
        serializer = self.get_serializer_class()(context=self.get_serializer_context())
        if kurz:
            return serializer.kurzfelder()
        verfuegbar = list(serializer.fields)
        unbekannt = [name for name in felder if name not in verfuegbar]
        if unbekannt:
            raise ValidationError(
                {
                    "fields": [
                        f"Unbekannte Felder: {', '.join(unbekannt)}. Verfügbar: "
                        f"{', '.join(verfuegbar)}."
                    ]
                }
            )
        return tuple(felder)

    def braucht(self, *felder: str) -> bool:
        """Whether the response carries any of ``felder`` (to skip unneeded prefetches)."""
        return self.ausgabefelder is None or any(f in self.ausgabefelder for f in felder)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["ausgabefelder"] = self.ausgabefelder
        return context

    @extend_schema(parameters=FELDER_PARAMETER)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def basis_queryset(self) -> models.QuerySet:
        return super().get_queryset()

    def get_queryset(self) -> models.QuerySet:
        return restrict(self.basis_queryset(), self.request.user)

    def ausgabe(self, obj: models.Model) -> dict:
        """Representation of ``obj`` after a write, re-read with the list's prefetches.

        Remembers the object's version: the response gets its ``ETag`` (``_schreiben``).
        """
        neu = self.get_queryset().filter(pk=obj.pk).first()
        neu = neu if neu is not None else obj
        serializer_class = type(self).serializer_class
        daten = serializer_class(neu, context=self.get_serializer_context()).data
        self._ausgabe_version = getattr(neu, "geaendert", None)
        return daten

    @extend_schema(parameters=FELDER_PARAMETER)
    def retrieve(self, request, *args, **kwargs):
        """The detail with its ``ETag``; 304 without body if ``If-None-Match`` names it."""
        obj = self.get_object()
        daten = self.get_serializer(obj).data
        tag = etag.etag(getattr(obj, "geaendert", None), daten)
        wert = request.headers.get("If-None-Match")
        if wert is not None and etag.if_none_match_passt(wert, tag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return Response(daten, headers={"ETag": tag})

    # ----------------------------------------------------------------------------------
    # Writing: hooks calling the services
    # ----------------------------------------------------------------------------------

    def anlegen(self, daten: dict[str, Any]) -> tuple[models.Model, bool]:
        """Create through the service; returns the object and whether it is new."""
        return self.service_anlegen(user=self.request.user, **daten), True

    def aendern(self, obj: models.Model, daten: dict[str, Any]) -> models.Model:
        return self.service_aendern(
            **{self.service_objekt: obj}, user=self.request.user, **self.version_argument(), **daten
        )

    def loeschen(self, obj: models.Model) -> None:
        self.service_loeschen(**{self.service_objekt: obj}, user=self.request.user)

    def version_argument(self, service=None) -> dict[str, dt.datetime]:
        """``{"version": …}`` from ``If-Match`` for a service that takes ``version=``
        (so it re-checks inside its own transaction), else empty. Hooks that call a
        service directly pass ``**self.version_argument(service)``."""
        service = service if service is not None else self.service_aendern
        if self.if_match_version is None or not _nimmt_version(service):
            return {}
        return {"version": self.if_match_version}

    # ----------------------------------------------------------------------------------
    # Writing: HTTP around every write (ETag, If-Match, Idempotency-Key)
    # ----------------------------------------------------------------------------------

    #: The version ``If-Match`` named, once checked (None: no precondition).
    if_match_version: dt.datetime | None = None
    _ausgabe_version: dt.datetime | None = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # What a response shows depends on who asks (restrict, internal fields): shared
        # caches must neither store a signed-in user's answer nor serve one to another.
        patch_vary_headers(response, ("Authorization", "Cookie"))
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def dispatch(self, request, *args, **kwargs):
        # Wrap the handler of a write (create, update, destroy, custom actions) so the
        # checks below run after authentication, permissions and throttling (initial())
        # and inside the write's transaction.
        methode = request.method.lower()
        handler = getattr(self, methode, None) if methode in _SCHREIBEND else None
        if handler is not None:
            setattr(self, methode, functools.partial(self._schreiben, handler))
        return super().dispatch(request, *args, **kwargs)

    def _schreiben(self, handler, request, *args, **kwargs):
        schluessel = None
        if request.method == "POST" and request.user.is_authenticated:
            schluessel = idempotenz.schluessel_lesen(request)
        if_match = request.headers.get("If-Match")
        erlaubt = None
        if if_match is not None:
            erlaubt = etag.if_match_versionen(if_match)
            if erlaubt is not None and (self.lookup_url_kwarg or self.lookup_field) not in kwargs:
                raise ParseError(
                    "If-Match gilt nur für Anfragen an ein einzelnes Objekt (…/{id}/)."
                )
        if schluessel is None and erlaubt is None:
            antwort = handler(request, *args, **kwargs)
            self._etag_setzen(antwort)
            return antwort
        self._idempotenz_eintrag = None
        try:
            with transaction.atomic():
                antwort = self._schreiben_in_transaktion(handler, request, schluessel, erlaubt)(
                    request, *args, **kwargs
                )
        except Exception:
            # Work deferred to the commit (``on_commit``: publishing a report job) failed
            # after the key was stored with the response: forget the key, so a retry is
            # processed again instead of replaying a response for something undone.
            # (Inside the transaction the rollback has removed it already.)
            if self._idempotenz_eintrag is not None:
                idempotenz.verwerfen(self._idempotenz_eintrag)
            raise
        return antwort

    #: The Idempotency-Key row of the current write, once claimed.
    _idempotenz_eintrag = None

    def _schreiben_in_transaktion(self, handler, request, schluessel, erlaubt):
        """The handler wrapped with the Idempotency-Key and If-Match checks; called
        inside the write's transaction."""

        def schreiben(request, *args, **kwargs):
            if schluessel is not None:
                eintrag, gespeichert = idempotenz.reservieren(
                    request.user, schluessel, idempotenz.anfrage_hash(request)
                )
                if gespeichert is not None:
                    return gespeichert
                self._idempotenz_eintrag = eintrag
            if erlaubt is not None:
                self.if_match_version = self._vorbedingung_pruefen(erlaubt)
            try:
                antwort = handler(request, *args, **kwargs)
            except versionen.Konflikt as exc:
                # The service found a newer version than If-Match named: 412 as above.
                if self.if_match_version is None:
                    raise
                raise self._vorbedingung_fehlgeschlagen(exc.obj, [self.if_match_version]) from exc
            self._etag_setzen(antwort)
            if self._idempotenz_eintrag is not None:
                idempotenz.speichern(self._idempotenz_eintrag, antwort)
            return antwort

        return schreiben

    def _etag_setzen(self, antwort: Response) -> None:
        if (
            self._ausgabe_version is not None
            and status.is_success(antwort.status_code)
            and isinstance(antwort.data, dict)
            and not antwort.has_header("ETag")
        ):
            antwort["ETag"] = etag.etag(self._ausgabe_version, antwort.data)

    def _vorpruefung(self, obj: models.Model) -> None:
        """The permission pre-checks of update/destroy, so a visible object the user may
        not change stays a 403 (not a 412) whatever ``If-Match`` says."""
        if self.action in ("update", "partial_update") and self.aktion_aendern is not None:
            pruefen(self.request.user, self.aktion_aendern, obj)
        elif self.action == "destroy" and self.aktion_loeschen is not None:
            pruefen(self.request.user, self.aktion_loeschen, obj)

    def _vorbedingung_pruefen(self, erlaubt: list[dt.datetime]) -> dt.datetime:
        """Lock the object's row and compare its version with ``If-Match``; the lock
        holds until the write commits, so nobody saves in between. 412 if stale."""
        obj = self.get_object()
        self._vorpruefung(obj)
        aktuell = (
            type(obj)
            ._base_manager.select_for_update()
            .filter(pk=obj.pk)
            .values_list("geaendert", flat=True)
            .first()
        )
        if aktuell is not None and aktuell in erlaubt:
            return aktuell
        raise self._vorbedingung_fehlgeschlagen(obj, erlaubt)

    def _vorbedingung_fehlgeschlagen(
        self, obj: models.Model, erlaubt: list[dt.datetime]
    ) -> etag.VorbedingungFehlgeschlagen:
        daten = self.ausgabe(obj)
        aktuell = etag.etag(self._ausgabe_version, daten)
        self._ausgabe_version = None
        if erlaubt:
            konflikt = versionen.Konflikt(obj, versionen.aenderungen_seit(obj, max(erlaubt)))
            return etag.VorbedingungFehlgeschlagen(
                f"{konflikt.messages[0]} (If-Match nennt eine veraltete Version; der "
                "aktuelle ETag steht unter „etag“.)",
                etag=aktuell,
                aenderungen=konflikt.aenderungen,
            )
        return etag.VorbedingungFehlgeschlagen(
            "If-Match nennt keine Version dieses Objekts (erwartet: der ETag einer Antwort "
            "zu diesem Objekt, ohne W/). Es wurde nichts gespeichert.",
            etag=aktuell,
        )

    # ----------------------------------------------------------------------------------
    # Writing: HTTP
    # ----------------------------------------------------------------------------------

    def _angeboten(self, service) -> None:
        if service is None:
            raise MethodNotAllowed(self.request.method)

    def create(self, request, *args, **kwargs):
        self._angeboten(self.service_anlegen)
        if self.aktion_anlegen_global is not None:
            pruefen_global(request.user, self.aktion_anlegen_global)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj, neu = self.anlegen(dict(serializer.validated_data))
        daten = self.ausgabe(obj)
        return Response(
            daten,
            status=status.HTTP_201_CREATED if neu else status.HTTP_200_OK,
            headers={"Location": daten["url"]} if neu and "url" in daten else None,
        )

    def update(self, request, *args, **kwargs):
        self._angeboten(self.service_aendern)
        obj = self.get_object()
        if self.aktion_aendern is not None:
            pruefen(request.user, self.aktion_aendern, obj)
        serializer = self.get_serializer(obj, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        obj = self.aendern(obj, dict(serializer.validated_data))
        return Response(self.ausgabe(obj))

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        self._angeboten(self.service_loeschen)
        obj = self.get_object()
        if self.aktion_loeschen is not None:
            pruefen(request.user, self.aktion_loeschen, obj)
        self.loeschen(obj)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --------------------------------------------------------------------------------------
# Resources of the ozgplattform app
# --------------------------------------------------------------------------------------


class OrganisationViewSet(OzgModelViewSet):
    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet
    ordering_fields = ("name", "kurzname", "art", "ars", "geaendert")
    service_anlegen = services.organisation_anlegen
    service_aendern = services.organisation_aendern
    service_objekt = "organisation"
    aktion_anlegen_global = Aktion.ROLLEN_VERWALTEN
    aktion_aendern = Aktion.ROLLEN_VERWALTEN


class RollenzuweisungViewSet(OzgModelViewSet):
    """Who holds which role. The public sees published contacts only (``OEFFENTLICH``)."""

    queryset = Rollenzuweisung.objects.select_related("user")
    serializer_class = RollenzuweisungSerializer
    filterset_class = RollenzuweisungFilterSet
    ordering_fields = ("rolle", "user__last_name", "gueltig_von", "gueltig_bis", "geaendert")
    service_anlegen = services.rollenzuweisung_anlegen
    service_aendern = services.rollenzuweisung_aendern
    service_loeschen = services.rollenzuweisung_loeschen
    service_objekt = "zuweisung"
    aktion_anlegen_global = Aktion.ROLLEN_VERWALTEN
    aktion_aendern = Aktion.ROLLEN_VERWALTEN
    aktion_loeschen = Aktion.ROLLEN_VERWALTEN

    def anlegen(self, daten):
        benutzer = daten.pop("user")
        return (
            services.rollenzuweisung_anlegen(benutzer=benutzer, user=self.request.user, **daten),
            True,
        )

    def aendern(self, obj, daten):
        # ``user`` here is the holder of the role, not the requester (the service's
        # ``user``): hand it over as ``user_id``.
        if "user" in daten:
            daten["user_id"] = daten.pop("user").pk
        return super().aendern(obj, daten)
