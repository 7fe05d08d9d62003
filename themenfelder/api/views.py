from ozgplattform.api.views import OzgModelViewSet
from ozgplattform.choices import Aktion
from themenfelder import services
from themenfelder.filtersets import LebenslageFilterSet, ThemenfeldFilterSet
from themenfelder.models import Lebenslage, Themenfeld

from .serializers import LebenslageSerializer, ThemenfeldSerializer


class ThemenfeldViewSet(OzgModelViewSet):
    """Read; PATCH through ``themenfeld_aendern`` (Federführer: their fields only)."""

    queryset = Themenfeld.objects.prefetch_related("steuerungskreis")
    serializer_class = ThemenfeldSerializer
    filterset_class = ThemenfeldFilterSet
    ordering_fields = ("nummer", "name", "phase", "geaendert")
    service_aendern = services.themenfeld_aendern
    service_objekt = "themenfeld"
    aktion_aendern = Aktion.THEMENFELD_BEARBEITEN


class LebenslageViewSet(OzgModelViewSet):
    queryset = Lebenslage.objects.all()
    serializer_class = LebenslageSerializer
    filterset_class = LebenslageFilterSet
    ordering_fields = ("name", "themenfeld__nummer", "zielgruppe")
