from drf_spectacular.utils import extend_schema, extend_schema_view

from marktplatz import services
from marktplatz.filtersets import NachnutzungFilterSet, NachnutzungsangebotFilterSet
from marktplatz.models import Nachnutzung, Nachnutzungsangebot
from ozgplattform.api.views import OzgModelViewSet
from ozgplattform.choices import Aktion

from .serializers import NachnutzungsangebotSerializer, NachnutzungSerializer


class NachnutzungsangebotViewSet(OzgModelViewSet):
    """The public sees published offers only; the Programmmanagement writes."""

    queryset = Nachnutzungsangebot.objects.all()
    serializer_class = NachnutzungsangebotSerializer
    filterset_class = NachnutzungsangebotFilterSet
    ordering_fields = ("titel", "leistung__ozg_id", "status", "geaendert")
    service_anlegen = services.nachnutzungsangebot_anlegen
    service_aendern = services.nachnutzungsangebot_aendern
    service_objekt = "angebot"
    aktion_anlegen_global = Aktion.LEISTUNG_BEARBEITEN
    aktion_aendern = Aktion.LEISTUNG_BEARBEITEN


@extend_schema_view(
    create=extend_schema(responses={201: NachnutzungSerializer, 200: NachnutzungSerializer})
)
class NachnutzungViewSet(OzgModelViewSet):
    """POST: the OZG-Koordinator declares their Land's reuse of an offer (upsert: 201/200)."""

    queryset = Nachnutzung.objects.select_related("land")
    serializer_class = NachnutzungSerializer
    filterset_class = NachnutzungFilterSet
    ordering_fields = ("land__ars", "status", "datum", "geaendert")
    service_anlegen = services.nachnutzung_erklaeren

    def anlegen(self, daten):
        neu = not Nachnutzung.objects.filter(angebot=daten["angebot"], land=daten["land"]).exists()
        return services.nachnutzung_erklaeren(user=self.request.user, **daten), neu
