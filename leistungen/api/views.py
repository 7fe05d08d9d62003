"""API resources of the leistungen app (thin adapters over ``leistungen.services``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from leistungen import opendata, services, statusblatt
from leistungen.filtersets import (
    ErgebnisFilterSet,
    LeikaLeistungFilterSet,
    LeistungFilterSet,
    MeilensteinFilterSet,
    UmsetzungsprojektFilterSet,
    UmsetzungsstandFilterSet,
)
from leistungen.models import (
    Ergebnis,
    LeikaLeistung,
    Leistung,
    Meilenstein,
    Umsetzungsprojekt,
    Umsetzungsstand,
)
from ozgplattform.api.exceptions import felder_umbenannt
from ozgplattform.api.views import OzgModelViewSet
from ozgplattform.choices import Aktion
from ozgplattform.models import Organisation
from ozgplattform.rechte import AKTION_LABEL, pruefen, pruefen_global, restrict

from . import sammelmeldung
from .serializers import (
    DepriorisierungEntscheidenSerializer,
    DepriorisierungVorschlagenSerializer,
    DetailFehlerSerializer,
    ErgebnisSerializer,
    LeikaLeistungSerializer,
    LeistungSerializer,
    MeilensteinSerializer,
    OpendataAntwortSerializer,
    OpendataFehlerSerializer,
    SammelmeldungAntwortSerializer,
    SammelmeldungEingabeSerializer,
    SammelmeldungFehlerSerializer,
    UmsetzungsprojektSerializer,
    UmsetzungsstandSerializer,
)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "expand",
                str,
                description=(
                    "Verschachtelte Sammlungen in der Liste, durch Komma getrennt: "
                    "`ergebnisse`, `umsetzungsstaende`."
                ),
                enum=[
                    "ergebnisse",
                    "umsetzungsstaende",
                    "ergebnisse,umsetzungsstaende",
                    "umsetzungsstaende,ergebnisse",
                ],
            )
        ]
    )
)
class LeistungViewSet(OzgModelViewSet):
    """OZG-Leistungen. Lists: 4 queries whatever the page size (count, rows, LeiKa rows
    for the Typ, Ergebnisse for the Vollständigkeit); ``?expand=umsetzungsstaende`` adds
    one. The detail always nests Ergebnisse and Umsetzungsstände."""

    queryset = Leistung.objects.all()
    serializer_class = LeistungSerializer
    filterset_class = LeistungFilterSet
    ordering_fields = (
        "ozg_id",
        "name",
        "themenfeld__nummer",
        "prioritaet",
        "vorgehensmodell",
        "phase",
        "welle",
        "geaendert",
    )
    service_anlegen = services.leistung_anlegen
    service_aendern = services.leistung_aendern
    service_objekt = "leistung"
    aktion_anlegen_global = Aktion.LEISTUNG_BEARBEITEN
    aktion_aendern = Aktion.LEISTUNG_BEARBEITEN

    def nested(self) -> set[str]:
        """Nested collections of this response: all on a detail, ``?expand=`` on a list."""
        if self.action != "list":
            return set(LeistungSerializer.NESTED)
        gewuenscht = {t.strip() for t in self.request.query_params.get("expand", "").split(",")}
        gewuenscht.discard("")
        unbekannt = gewuenscht - set(LeistungSerializer.NESTED)
        if unbekannt:
            raise ValidationError(
                {
                    "expand": [
                        f"Unbekannt: {', '.join(sorted(unbekannt))}. Erlaubt: "
                        f"{', '.join(LeistungSerializer.NESTED)}."
                    ]
                }
            )
        return gewuenscht

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context  # OpenAPI: every field (the nested ones as optional)
        if getattr(self, "action", None) is not None and self.request is not None:
            try:
                context["nested"] = self.nested()
            except ValidationError:
                # Reported by basis_queryset(); here (e.g. the browsable API rendering
                # the 400 page) fall back to no nesting instead of failing again.
                context["nested"] = set()
        return context

    def basis_queryset(self):
        user = self.request.user
        queryset = super().basis_queryset()
        # Only what the response's fields need (``?fields=``/``?kurz=``).
        if self.braucht("typ"):
            queryset = queryset.prefetch_related(
                Prefetch(
                    "leika_leistungen",
                    queryset=LeikaLeistung.objects.only("id", "leistung_id", "typ"),
                )
            )
        if self.braucht("vollstaendigkeit", "ergebnisse"):
            queryset = queryset.prefetch_related(
                Prefetch(
                    "ergebnisse",
                    queryset=restrict(Ergebnis.objects.order_by("ergebnistyp"), user),
                )
            )
        if "umsetzungsstaende" in self.nested() and self.braucht("umsetzungsstaende"):
            queryset = queryset.prefetch_related(
                Prefetch(
                    "umsetzungsstaende",
                    queryset=restrict(
                        Umsetzungsstand.objects.select_related("gebiet").order_by("gebiet__ars"),
                        user,
                    ),
                )
            )
        return queryset

    @extend_schema(request=DepriorisierungVorschlagenSerializer, responses=LeistungSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="depriorisierung-vorschlagen",
        serializer_class=DepriorisierungVorschlagenSerializer,
    )
    def depriorisierung_vorschlagen(self, request, pk=None):
        """Federführer: propose to depriorise (the Programmmanagement decides)."""
        leistung = self.get_object()
        pruefen(request.user, Aktion.DEPRIORISIERUNG_VORSCHLAGEN, leistung)
        eingabe = self.get_serializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        with felder_umbenannt(depriorisierung_begruendung="begruendung"):
            leistung = services.depriorisierung_vorschlagen(
                leistung=leistung, user=request.user, **eingabe.validated_data
            )
        return Response(self.ausgabe(leistung))

    @extend_schema(request=DepriorisierungEntscheidenSerializer, responses=LeistungSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="depriorisierung-entscheiden",
        serializer_class=DepriorisierungEntscheidenSerializer,
    )
    def depriorisierung_entscheiden(self, request, pk=None):
        """Programmmanagement: confirm, or reject with the Priorität that applies."""
        leistung = self.get_object()
        pruefen_global(request.user, Aktion.DEPRIORISIERUNG_ENTSCHEIDEN)
        eingabe = self.get_serializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        leistung = services.depriorisierung_entscheiden(
            leistung=leistung, user=request.user, **eingabe.validated_data
        )
        return Response(self.ausgabe(leistung))


class LeikaLeistungViewSet(OzgModelViewSet):
    queryset = LeikaLeistung.objects.all()
    serializer_class = LeikaLeistungSerializer
    filterset_class = LeikaLeistungFilterSet
    ordering_fields = ("schluessel", "name", "typ", "geaendert")


class UmsetzungsprojektViewSet(OzgModelViewSet):
    queryset = Umsetzungsprojekt.objects.prefetch_related(
        Prefetch("leistungen", queryset=Leistung.objects.only("id"))
    )
    serializer_class = UmsetzungsprojektSerializer
    filterset_class = UmsetzungsprojektFilterSet

    def basis_queryset(self):
        queryset = super().basis_queryset()
        return queryset if self.braucht("leistungen") else queryset.prefetch_related(None)

    ordering_fields = ("name", "themenfeld__nummer", "geaendert")
    service_anlegen = services.umsetzungsprojekt_anlegen
    service_aendern = services.umsetzungsprojekt_aendern
    service_objekt = "projekt"
    aktion_aendern = Aktion.UMSETZUNGSPROJEKT_BEARBEITEN


@extend_schema_view(
    create=extend_schema(responses={201: ErgebnisSerializer, 200: ErgebnisSerializer})
)
class ErgebnisViewSet(OzgModelViewSet):
    """POST creates or updates the Ergebnis of (Leistung, Ergebnistyp): 201 or 200."""

    queryset = Ergebnis.objects.select_related("leistung")
    serializer_class = ErgebnisSerializer
    filterset_class = ErgebnisFilterSet
    ordering_fields = ("leistung__ozg_id", "ergebnistyp", "status", "geliefert_am", "geaendert")
    service_anlegen = services.ergebnis_setzen
    service_aendern = services.ergebnis_setzen
    aktion_aendern = Aktion.ERGEBNIS_BEARBEITEN

    def anlegen(self, daten):
        neu = not Ergebnis.objects.filter(
            leistung=daten["leistung"], ergebnistyp=daten["ergebnistyp"]
        ).exists()
        return services.ergebnis_setzen(user=self.request.user, **daten), neu

    def aendern(self, obj, daten):
        return services.ergebnis_setzen(
            leistung=obj.leistung,
            ergebnistyp=obj.ergebnistyp,
            user=self.request.user,
            **self.version_argument(),
            **daten,
        )


@extend_schema_view(
    create=extend_schema(responses={201: UmsetzungsstandSerializer, 200: UmsetzungsstandSerializer})
)
class UmsetzungsstandViewSet(OzgModelViewSet):
    """POST reports the Reifegrad of a Leistung in a Gebiet (``umsetzungsstand_melden``,
    an upsert: 201 or 200). PATCH changes the given fields of one report."""

    queryset = Umsetzungsstand.objects.select_related("gebiet")
    serializer_class = UmsetzungsstandSerializer
    filterset_class = UmsetzungsstandFilterSet
    ordering_fields = ("leistung__ozg_id", "gebiet__ars", "reifegrad", "stichtag", "geaendert")
    service_anlegen = services.umsetzungsstand_melden
    service_aendern = services.umsetzungsstand_melden
    aktion_aendern = Aktion.UMSETZUNGSSTAND_MELDEN

    def anlegen(self, daten):
        neu = not Umsetzungsstand.objects.filter(
            leistung=daten["leistung"], gebiet=daten["gebiet"]
        ).exists()
        return services.umsetzungsstand_melden(user=self.request.user, **daten), neu

    def aendern(self, obj, daten):
        # The service takes the whole report; what PATCH does not name stays as it is.
        bisher = {
            "reifegrad": obj.reifegrad,
            "online_url": obj.online_url,
            "stichtag": obj.stichtag,
            "bemerkung": obj.bemerkung,
        }
        return services.umsetzungsstand_melden(
            leistung=obj.leistung,
            gebiet=obj.gebiet,
            user=self.request.user,
            **self.version_argument(),
            **{**bisher, **daten},
        )

    @extend_schema(
        summary="Sammelmeldung des Umsetzungsstands (alle Zeilen oder keine)",
        description=(
            "Viele Umsetzungsstände (Leistung × Gebiet) in einer Anfrage, als JSON "
            '`{"zeilen": […]}` oder als Statusblatt-CSV (`text/csv`, Spalten ozg_id, ars, '
            "reifegrad, online_url, stichtag, bemerkung) bzw. -XLSX. Erst werden alle "
            "Zeilen geprüft; eine fehlerhafte Zeile → 400 mit allen Fehlern, nichts "
            "gespeichert. Sonst werden alle Zeilen in einer Transaktion gespeichert."
        ),
        request={
            "application/json": SammelmeldungEingabeSerializer,
            "text/csv": OpenApiTypes.BINARY,
            sammelmeldung.XLSX: OpenApiTypes.BINARY,
        },
        parameters=[
            OpenApiParameter(
                "pruefen",
                OpenApiTypes.BOOL,
                OpenApiParameter.QUERY,
                description="Nur prüfen, nichts speichern (Probelauf).",
            )
        ],
        responses={
            200: SammelmeldungAntwortSerializer,
            400: OpenApiResponse(SammelmeldungFehlerSerializer, "Fehlerhafte Zeilen"),
            401: OpenApiResponse(DetailFehlerSerializer, "Nicht angemeldet"),
            403: OpenApiResponse(DetailFehlerSerializer, "Kein Melderecht oder Lesetoken"),
            413: OpenApiResponse(SammelmeldungFehlerSerializer, "Mehr als 5000 Zeilen/5 MB"),
            415: OpenApiResponse(DetailFehlerSerializer, "Anderer Content-Type"),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="sammelmeldung",
        parser_classes=[
            sammelmeldung.BegrenzterJsonParser,
            sammelmeldung.CsvParser,
            sammelmeldung.XlsxParser,
        ],
        serializer_class=SammelmeldungEingabeSerializer,
        filterset_class=None,
        pagination_class=None,
    )
    def sammelmeldung(self, request):
        """Report many Umsetzungsstände at once: all rows checked first (every problem
        listed per row), then all written in one transaction — or none."""
        aktion = Aktion.UMSETZUNGSSTAND_MELDEN
        if not restrict(Organisation.objects.gebiete(), request.user, aktion).exists():
            raise PermissionDenied(f"Keine Berechtigung: {AKTION_LABEL[aktion]}.")
        try:
            rohzeilen, nur_pruefen = sammelmeldung.rohzeilen_lesen(request)
            with transaction.atomic():
                blatt = statusblatt.pruefen(rohzeilen, request.user)
                if not blatt.gueltig:
                    raise sammelmeldung.zeilenfehler(blatt)
                if not nur_pruefen:
                    try:
                        statusblatt.uebernehmen(
                            blatt, user=request.user, grund="Sammelmeldung (API)"
                        )
                    except statusblatt.UebernahmeFehler as e:
                        raise sammelmeldung.uebernahmefehler(e) from e
        except sammelmeldung.Sammelfehler as e:
            return Response(e.daten, status=e.status_code)
        return Response(sammelmeldung.antwort(blatt, nur_pruefen=nur_pruefen, request=request))


class MeilensteinViewSet(OzgModelViewSet):
    queryset = Meilenstein.objects.all()
    serializer_class = MeilensteinSerializer
    filterset_class = MeilensteinFilterSet
    ordering_fields = ("geplant", "erreicht", "name", "themenfeld__nummer", "phase", "geaendert")
    service_anlegen = services.meilenstein_anlegen
    service_aendern = services.meilenstein_aendern
    service_objekt = "meilenstein"
    aktion_aendern = Aktion.MEILENSTEIN_BEARBEITEN


class OpendataUmsetzungsstandViewSet(viewsets.ViewSet):
    """``GET opendata/umsetzungsstand/?ars=…&ebenen=darueber,darunter&format=json|csv|xlsx``:
    the public Umsetzungsstand of a region (``leistungen.opendata``), for everyone.

    The response is not rendered by DRF: JSON and CSV are streamed, XLSX is one file.
    ``format`` is this view's own parameter (DRF's format negotiation is switched off
    here); errors are JSON as everywhere.
    """

    renderer_classes = [JSONRenderer]
    pagination_class = None

    def perform_content_negotiation(self, request, force=False):
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        summary="Open-Data-Export des Umsetzungsstands nach Region",
        description=(
            "Alle veröffentlichten Umsetzungsstände einer Region (ARS eines Landes, "
            "Kreises oder einer Gemeinde), auf Wunsch mit den Ebenen darüber und darunter; "
            "JSON und CSV werden gestreamt."
        ),
        parameters=[
            OpenApiParameter(
                "ars",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=True,
                pattern=r"^(\d{2}|\d{5}|\d{12})$",
                description="ARS der Region: Land 2, Kreis 5, Gemeinde 12 Ziffern.",
            ),
            OpenApiParameter(
                "ebenen",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="Zusätzliche Ebenen, kommagetrennt: darueber, darunter.",
            ),
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=list(opendata.FORMATE),
                description="json (Standard), csv (UTF-8 mit BOM, Semikolon) oder xlsx.",
            ),
        ],
        responses={
            (200, "application/json"): OpendataAntwortSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, sammelmeldung.XLSX): OpenApiTypes.BINARY,
            400: OpenApiResponse(
                OpendataFehlerSerializer, "ARS fehlt, ist fehlerhaft oder unbekannt"
            ),
        },
    )
    def list(self, request):
        try:
            ebenen = opendata.ebenen_lesen(request.query_params.getlist("ebenen"))
            format_ = opendata.format_lesen(request.query_params.get("format"))
            daten = opendata.export(request.query_params.get("ars"), ebenen)
        except opendata.UngueltigeAnfrage as e:
            raise ValidationError({e.feld: [str(e)]}) from e
        dateiname = f"umsetzungsstand-{daten.region.ars}"
        if format_ == "xlsx":
            antwort = HttpResponse(opendata.als_xlsx(daten), content_type=sammelmeldung.XLSX)
        elif format_ == "csv":
            antwort = StreamingHttpResponse(
                (teil.encode("utf-8") for teil in opendata.als_csv(daten)),
                content_type="text/csv; charset=utf-8",
            )
        else:
            return StreamingHttpResponse(
                (teil.encode("utf-8") for teil in opendata.als_json(daten)),
                content_type="application/json",
            )
        antwort["Content-Disposition"] = f'attachment; filename="{dateiname}.{format_}"'
        return antwort
