from django.db.models import Prefetch

from ozgplattform.api.views import OzgModelViewSet
from ozgplattform.choices import Aktion
from ozgplattform.models import Organisation
from themenfelder import services
from themenfelder.filtersets import LebenslageFilterSet, ThemenfeldFilterSet
from themenfelder.models import Lebenslage, Themenfeld

from .serializers import LebenslageSerializer, ThemenfeldSerializer


class ThemenfeldViewSet(OzgModelViewSet):
    """Read; PATCH through ``themenfeld_aendern`` (Federführer: their fields only).

    The Steuerungskreis is listed by id: its prefetch reads ids only, and only when the
    response carries it (``?fields=``/``?kurz=``)."""

    queryset = Themenfeld.objects.prefetch_related(
        Prefetch("steuerungskreis", queryset=Organisation.objects.only("id"))
    )
    serializer_class = ThemenfeldSerializer
    filterset_class = ThemenfeldFilterSet
    ordering_fields = ("nummer", "name", "phase", "geaendert")
    service_aendern = services.themenfeld_aendern
    service_objekt = "themenfeld"
    aktion_aendern = Aktion.THEMENFELD_BEARBEITEN

    def basis_queryset(self):
        queryset = super().basis_queryset()
        return queryset if self.braucht("steuerungskreis") else queryset.prefetch_related(None)


class LebenslageViewSet(OzgModelViewSet):
    queryset = Lebenslage.objects.all()
    serializer_class = LebenslageSerializer
    filterset_class = LebenslageFilterSet
    ordering_fields = ("name", "themenfeld__nummer", "zielgruppe")
