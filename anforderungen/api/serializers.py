from rest_framework import serializers

from anforderungen.choices import Anforderungsstatus
from anforderungen.models import Anforderung
from ozgplattform.api.serializers import AktionSerializer, OzgModelSerializer


class AnforderungSerializer(OzgModelSerializer):
    """Not public (``rechte.OEFFENTLICH``); the submitter is the requesting user."""

    eingereicht_von_name = serializers.SerializerMethodField()

    class Meta:
        model = Anforderung
        fields = [
            "id",
            "url",
            "art",
            "titel",
            "beschreibung",
            "hemmnisart",
            "themenfeld",
            "leistung",
            "status",
            "eingereicht_von",
            "eingereicht_von_name",
            "entscheidung_begruendung",
            "erstellt",
            "geaendert",
        ]
        read_only_fields = ["status", "eingereicht_von", "entscheidung_begruendung"]

    def get_eingereicht_von_name(self, obj) -> str:
        person = obj.eingereicht_von
        return person.get_full_name() or person.get_username()


class AnforderungEntscheidenSerializer(AktionSerializer):
    status = serializers.ChoiceField(choices=Anforderungsstatus.choices)
    begruendung = serializers.CharField(allow_blank=True, required=False, default="")
