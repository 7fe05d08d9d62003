from rest_framework import serializers

from marktplatz.models import Nachnutzung, Nachnutzungsangebot
from ozgplattform.api.serializers import OzgModelSerializer


class NachnutzungsangebotSerializer(OzgModelSerializer):
    """The model's own ``url`` (the online service) is ``dienst_url`` here: ``url`` is
    the resource's link, as everywhere in the API."""

    url = serializers.HyperlinkedIdentityField(view_name="api:nachnutzungsangebot-detail")
    dienst_url = serializers.URLField(
        source="url", max_length=500, required=False, allow_blank=True, label="Online-Dienst"
    )

    class Meta:
        model = Nachnutzungsangebot
        fields = [
            "id",
            "url",
            "leistung",
            "anbieter",
            "titel",
            "beschreibung",
            "nachnutzungsmodell",
            "status",
            "rechtsgrundlage",
            "finanzierung",
            "dienst_url",
            "kontakt_name",
            "kontakt_email",
            "veroeffentlicht",
            "erstellt",
            "geaendert",
        ]


class NachnutzungSerializer(OzgModelSerializer):
    """POST declares (or updates) the reuse of an offer by a Land (upsert by both)."""

    class Meta:
        model = Nachnutzung
        fields = [
            "id",
            "url",
            "angebot",
            "land",
            "status",
            "datum",
            "bemerkung",
            "erstellt",
            "geaendert",
        ]
        unveraenderlich = ("angebot", "land")
