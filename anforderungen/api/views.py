from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from anforderungen import services
from anforderungen.filtersets import AnforderungFilterSet
from anforderungen.models import Anforderung
from ozgplattform.api.exceptions import felder_umbenannt
from ozgplattform.api.views import OzgModelViewSet
from ozgplattform.choices import Aktion
from ozgplattform.rechte import pruefen_global

from .serializers import AnforderungEntscheidenSerializer, AnforderungSerializer


class AnforderungViewSet(OzgModelViewSet):
    """Digitalisierungshemmnisse and Änderungsanfragen: not public, so even reading needs
    an account (401 without); readers see what ``restrict`` allows (internal readers)."""

    permission_classes = [*OzgModelViewSet.permission_classes, IsAuthenticated]
    queryset = Anforderung.objects.select_related("eingereicht_von")
    serializer_class = AnforderungSerializer
    filterset_class = AnforderungFilterSet
    ordering_fields = ("erstellt", "geaendert", "status", "art", "titel")
    service_anlegen = services.anforderung_einreichen

    @extend_schema(request=AnforderungEntscheidenSerializer, responses=AnforderungSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="entscheiden",
        serializer_class=AnforderungEntscheidenSerializer,
    )
    def entscheiden(self, request, pk=None):
        """Programmmanagement: decide with a reason (status angenommen/abgelehnt/…)."""
        anforderung = self.get_object()
        pruefen_global(request.user, Aktion.ANFORDERUNG_ENTSCHEIDEN)
        eingabe = self.get_serializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        with felder_umbenannt(entscheidung_begruendung="begruendung"):
            anforderung = services.anforderung_entscheiden(
                anforderung=anforderung, user=request.user, **eingabe.validated_data
            )
        return Response(self.ausgabe(anforderung))
