from django.urls import reverse
from rest_framework import serializers

from berichtswesen.berichte import ARTEN, Format
from berichtswesen.models import Berichtsauftrag
from ozgplattform.api.serializers import OzgModelSerializer


class BerichtsauftragSerializer(OzgModelSerializer):
    """A report job: input ``art``, ``format``, ``parameter``; the rest is read-only.

    ``datei`` (download, only once ``status`` is ``fertig``) and ``seite`` (the job page
    with the progress bar) are links; ``fehlermeldung`` is the German message of a
    failed job.
    """

    art = serializers.CharField(max_length=50)
    format = serializers.ChoiceField(choices=Format.choices)
    parameter = serializers.JSONField(required=False, default=dict)
    titel = serializers.SerializerMethodField()
    plan = serializers.SerializerMethodField()
    datei = serializers.SerializerMethodField()
    seite = serializers.SerializerMethodField()

    class Meta:
        model = Berichtsauftrag
        fields = [
            "id",
            "url",
            "art",
            "titel",
            "format",
            "parameter",
            "status",
            "fortschritt",
            "schritt",
            "fehlermeldung",
            "erstellt",
            "begonnen",
            "beendet",
            "laeuft_ab",
            "dateiname",
            "content_type",
            "groesse",
            "plan",
            "periode",
            "datei",
            "seite",
        ]
        read_only_fields = [
            "status",
            "fortschritt",
            "schritt",
            "fehlermeldung",
            "erstellt",
            "begonnen",
            "beendet",
            "laeuft_ab",
            "dateiname",
            "content_type",
            "groesse",
            "periode",
        ]

    def get_titel(self, obj) -> str:
        art = ARTEN.get(obj.art)
        return str(art.titel) if art is not None else obj.art

    def get_plan(self, obj) -> str | None:
        return obj.plan.bezeichnung if obj.plan_id else None

    def _absolut(self, pfad: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(pfad) if request is not None else pfad

    def get_datei(self, obj) -> str | None:
        if not obj.abrufbar:
            return None
        return self._absolut(reverse("api:berichtsauftrag-datei", args=[obj.pk]))

    def get_seite(self, obj) -> str:
        return self._absolut(reverse("berichtswesen:auftrag", args=[obj.pk]))
