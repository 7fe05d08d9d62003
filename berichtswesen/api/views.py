"""``/api/v1/berichtsauftraege/``: request reports, follow them, download them.

POST answers **202 Accepted** with ``Location`` (the job) — the report is made in the
background; poll the job until ``status`` is ``fertig``, then GET ``datei``. The
download answers 409 while the job waits or runs and 410 after it failed or expired.
When the broker is unreachable POST answers 503 with ``Retry-After`` and no job exists;
with ``BERICHT_MAX_OFFEN_JE_BENUTZER`` jobs of the user still open it answers 429 with
``Retry-After`` (the platform-wide 429 of the schema).
"""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from berichtswesen import ablage, selectors, services
from berichtswesen.models import OFFEN, Berichtsauftrag, Status
from ozgplattform.api.views import OzgModelViewSet

from .serializers import BerichtsauftragSerializer


class ZuVieleOffeneAuftraege(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Zu viele offene Berichtsaufträge."
    default_code = "zu_viele_offene_auftraege"
    wait = services.RETRY_AFTER


class NochNichtFertig(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Der Bericht ist noch nicht fertig; fragen Sie den Auftrag später erneut ab."
    default_code = "noch_nicht_fertig"


class NichtMehrVerfuegbar(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "Der Bericht ist nicht mehr verfügbar."
    default_code = "nicht_mehr_verfuegbar"


class BerichtsauftragViewSet(OzgModelViewSet):
    """Report jobs: the user's own and the scheduled ones of the Berichtsarchiv the user
    may see (``berichtswesen.selectors``). Reading and requesting need an account;
    requesting needs a token with write scope."""

    permission_classes = [*OzgModelViewSet.permission_classes, IsAuthenticated]
    queryset = Berichtsauftrag.objects.select_related("plan")
    serializer_class = BerichtsauftragSerializer
    #: ``format`` is not a filter: DRF reserves ``?format=`` for the response format.
    filterset_fields = ("status", "art")
    ordering_fields = ("erstellt", "beendet", "status", "art")
    service_anlegen = services.bericht_anfordern

    def get_queryset(self):
        # Not rechte.restrict: visibility of jobs is the report type's own rule.
        sichtbar = selectors.sichtbare_auftraege(self.request.user).values("pk")
        return self.basis_queryset().filter(pk__in=sichtbar).order_by("-erstellt")

    @extend_schema(
        responses={
            202: BerichtsauftragSerializer,
            400: OpenApiResponse(description="Ungültige Berichtsart, Format oder Parameter"),
            403: OpenApiResponse(description="Keine Berechtigung für die Daten des Berichts"),
            503: OpenApiResponse(description="Berichtsdienst nicht erreichbar (Retry-After)"),
        }
    )
    def create(self, request, *args, **kwargs):
        eingabe = self.get_serializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        daten = eingabe.validated_data
        # Broker down: BerichtsdienstNichtErreichbar → 503 with Retry-After (exceptions.py),
        # also when it surfaces only at the commit of an Idempotency-Key's transaction.
        try:
            auftrag = services.bericht_anfordern(
                art=daten["art"],
                format=daten["format"],
                parameter=daten.get("parameter", {}),
                user=request.user,
            )
        except services.ZuVieleOffeneAuftraege as fehler:
            raise ZuVieleOffeneAuftraege(fehler.message) from fehler
        ausgabe = self.ausgabe(auftrag)
        return Response(
            ausgabe, status=status.HTTP_202_ACCEPTED, headers={"Location": ausgabe["url"]}
        )

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="Der Bericht wird noch erstellt"),
            410: OpenApiResponse(description="Fehlgeschlagen oder abgelaufen"),
        }
    )
    @action(detail=True, methods=["get"], url_path="datei")
    def datei(self, request, pk=None):
        """The report file (``Content-Disposition: attachment``)."""
        auftrag = self.get_object()
        if auftrag.status in OFFEN:
            raise NochNichtFertig()
        if not auftrag.abrufbar or not ablage.vorhanden(auftrag):
            meldung = (
                f"Der Bericht ist fehlgeschlagen: {auftrag.fehlermeldung}"
                if auftrag.status == Status.FEHLGESCHLAGEN
                else "Die Aufbewahrungsfrist des Berichts ist abgelaufen; die Datei wurde gelöscht."
            )
            raise NichtMehrVerfuegbar(meldung)
        return FileResponse(
            ablage.pfad(auftrag).open("rb"),
            as_attachment=True,
            filename=auftrag.dateiname or f"bericht.{auftrag.format}",
            content_type=auftrag.content_type or "application/octet-stream",
        )
