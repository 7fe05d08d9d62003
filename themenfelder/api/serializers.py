from ozgplattform.api.serializers import OzgModelSerializer
from themenfelder.models import Lebenslage, Themenfeld


class ThemenfeldSerializer(OzgModelSerializer):
    class Meta:
        model = Themenfeld
        fields = [
            "id",
            "url",
            "nummer",
            "name",
            "beschreibung",
            "federfuehrendes_land",
            "federfuehrendes_ressort",
            "phase",
            "steuerungskreis",
            "erstellt",
            "geaendert",
        ]


class LebenslageSerializer(OzgModelSerializer):
    class Meta:
        model = Lebenslage
        fields = ["id", "url", "name", "themenfeld", "zielgruppe", "erstellt", "geaendert"]
