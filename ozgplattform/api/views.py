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
* only the methods a service exists for are offered (else 405).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.settings import api_settings

from ozgplattform import services
from ozgplattform.choices import Aktion
from ozgplattform.filtersets import OrganisationFilterSet, RollenzuweisungFilterSet
from ozgplattform.models import Organisation, Rollenzuweisung
from ozgplattform.rechte import pruefen, pruefen_global, restrict

from .pagination import Seitenweise
from .serializers import OrganisationSerializer, RollenzuweisungSerializer
from .sortierung import Sortierung

_SERVICES = ("service_anlegen", "service_aendern", "service_loeschen")


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

    def basis_queryset(self) -> models.QuerySet:
        return super().get_queryset()

    def get_queryset(self) -> models.QuerySet:
        return restrict(self.basis_queryset(), self.request.user)

    def ausgabe(self, obj: models.Model) -> dict:
        """Representation of ``obj`` after a write, re-read with the list's prefetches."""
        neu = self.get_queryset().filter(pk=obj.pk).first()
        serializer_class = type(self).serializer_class
        return serializer_class(
            neu if neu is not None else obj, context=self.get_serializer_context()
        ).data

    # ----------------------------------------------------------------------------------
    # Writing: hooks calling the services
    # ----------------------------------------------------------------------------------

    def anlegen(self, daten: dict[str, Any]) -> tuple[models.Model, bool]:
        """Create through the service; returns the object and whether it is new."""
        return self.service_anlegen(user=self.request.user, **daten), True

    def aendern(self, obj: models.Model, daten: dict[str, Any]) -> models.Model:
        return self.service_aendern(**{self.service_objekt: obj}, user=self.request.user, **daten)

    def loeschen(self, obj: models.Model) -> None:
        self.service_loeschen(**{self.service_objekt: obj}, user=self.request.user)

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
