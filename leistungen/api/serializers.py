"""Serializers of the leistungen resources: shape and representation, never saving."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from leistungen.choices import (
    Anforderungsstufe,
    Depriorisierungsgrund,
    Ergebnistyp,
    Prioritaet,
    Vorgehensmodell,
)
from leistungen.models import (
    Ergebnis,
    LeikaLeistung,
    Leistung,
    Meilenstein,
    Umsetzungsprojekt,
    Umsetzungsstand,
)
from leistungen.rules import TYPKATEGORIEN
from ozgplattform.api.serializers import AktionSerializer, OzgModelSerializer, liest_intern

#: OpenAPI shapes of the computed fields (``extend_schema_field``).
SCHEMA_TYP = {
    "type": "object",
    "description": "Typ aus den LeiKa-Typen der zugeordneten LeiKa-Leistungen.",
    "properties": {
        "label": {"type": "string"},
        "typen": {"type": "array", "items": {"type": "string"}},
        "kategorie": {"type": "string", "enum": [k for k, _ in TYPKATEGORIEN]},
    },
    "required": ["label", "typen", "kategorie"],
}
SCHEMA_VOLLSTAENDIGKEIT = {
    "type": "object",
    "description": "Vollständigkeit der erforderlichen Ergebnisse (Abbildung 2).",
    "properties": {
        "erforderlich": {"type": "integer"},
        "erfuellt": {"type": "integer"},
        "anteil": {"type": "number", "nullable": True},
        "vollstaendig": {"type": "boolean"},
        "offen": {"type": "array", "items": {"type": "string", "enum": Ergebnistyp.values}},
    },
    "required": ["erforderlich", "erfuellt", "anteil", "vollstaendig", "offen"],
}
SCHEMA_ANFORDERUNG = {
    "type": "object",
    "nullable": True,
    "description": "Anforderung an das Ergebnis nach Priorität und Vorgehensmodell.",
    "properties": {
        "stufe": {"type": "string", "enum": Anforderungsstufe.values},
        "verzicht_mit_begruendung": {"type": "boolean"},
    },
    "required": ["stufe", "verzicht_mit_begruendung"],
}


def _anforderung(anforderung) -> dict | None:
    if anforderung is None:
        return None
    return {
        "stufe": anforderung.stufe.value,
        "verzicht_mit_begruendung": anforderung.verzicht_mit_begruendung,
    }


class OnlineUrlMixin:
    """The online service's URL is public from Reifegrad 2 on (§5.6); internal readers
    always see what was reported."""

    def to_representation(self, instance):
        daten = super().to_representation(instance)
        if "online_url" in daten and not liest_intern(self.context):
            daten["online_url"] = instance.oeffentliche_url
        return daten


# --------------------------------------------------------------------------------------
# Nested in a Leistung
# --------------------------------------------------------------------------------------


class ErgebnisKurzSerializer(OzgModelSerializer):
    class Meta:
        model = Ergebnis
        fields = [
            "id",
            "url",
            "ergebnistyp",
            "status",
            "ff_erforderlich",
            "fim_status",
            "nachweis_url",
            "repository_url",
            "geliefert_am",
        ]
        read_only_fields = fields


class UmsetzungsstandKurzSerializer(OnlineUrlMixin, OzgModelSerializer):
    gebiet_ars = serializers.CharField(source="gebiet.ars", read_only=True)
    gebiet_name = serializers.CharField(source="gebiet.name", read_only=True)

    class Meta:
        model = Umsetzungsstand
        fields = [
            "id",
            "url",
            "gebiet",
            "gebiet_ars",
            "gebiet_name",
            "reifegrad",
            "online_url",
            "stichtag",
        ]
        read_only_fields = fields


# --------------------------------------------------------------------------------------
# Resources
# --------------------------------------------------------------------------------------


class LeistungSerializer(OzgModelSerializer):
    """A Leistung with its derived Typ and Vollständigkeit; the detail nests its
    Ergebnisse and Umsetzungsstände (in lists on request: ``?expand=…``)."""

    #: Nested fields; the view says which ones this response carries (context "nested").
    NESTED = ("ergebnisse", "umsetzungsstaende")

    typ = serializers.SerializerMethodField()
    vollstaendigkeit = serializers.SerializerMethodField()
    ergebnisse = ErgebnisKurzSerializer(many=True, read_only=True)
    umsetzungsstaende = UmsetzungsstandKurzSerializer(many=True, read_only=True)

    class Meta:
        model = Leistung
        fields = [
            "id",
            "url",
            "ozg_id",
            "name",
            "themenfeld",
            "lebenslage",
            "typ",
            "archetyp",
            "prioritaet",
            "vorgehensmodell",
            "depriorisierungsgrund",
            "depriorisierung_begruendung",
            "depriorisierung_entscheidung",
            "welle",
            "phase",
            "nachnutzungsmodell",
            "ausserhalb_ozg",
            "steckbrief",
            "steckbrief_datei",
            "im_katalog",
            "vollstaendigkeit",
            "ergebnisse",
            "umsetzungsstaende",
            "erstellt",
            "geaendert",
        ]
        # The decision on a Depriorisierung has its own action; files are not uploaded
        # through the JSON API.
        read_only_fields = ["depriorisierung_entscheidung", "steckbrief_datei"]
        kurzfelder = ("ozg_id", "name")
        #: Not in every response (OpenAPI: not required): ``NESTED``.
        bedingte_felder = ("ergebnisse", "umsetzungsstaende")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        nested = self.context.get("nested")
        if nested is not None:
            for name in self.NESTED:
                if name not in nested:
                    self.fields.pop(name, None)

    @extend_schema_field(SCHEMA_TYP)
    def get_typ(self, obj) -> dict:
        typ = obj.typ  # from the prefetched LeiKa rows
        return {"label": typ.label, "typen": list(typ.typen), "kategorie": typ.kategorie}

    @extend_schema_field(SCHEMA_VOLLSTAENDIGKEIT)
    def get_vollstaendigkeit(self, obj) -> dict:
        v = obj.vollstaendigkeit()  # from the prefetched Ergebnisse
        return {
            "erforderlich": v.erforderlich,
            "erfuellt": v.erfuellt,
            "anteil": v.anteil,
            "vollstaendig": v.vollstaendig,
            "offen": list(v.offen),
        }


class DepriorisierungVorschlagenSerializer(AktionSerializer):
    depriorisierungsgrund = serializers.ChoiceField(choices=Depriorisierungsgrund.choices)
    begruendung = serializers.CharField(allow_blank=False, trim_whitespace=True)


class DepriorisierungEntscheidenSerializer(AktionSerializer):
    bestaetigt = serializers.BooleanField()
    prioritaet = serializers.ChoiceField(
        choices=Prioritaet.choices, required=False, allow_blank=True, default=""
    )
    vorgehensmodell = serializers.ChoiceField(
        choices=Vorgehensmodell.choices, required=False, allow_blank=True, default=""
    )


class LeikaLeistungSerializer(OzgModelSerializer):
    class Meta:
        model = LeikaLeistung
        fields = [
            "id",
            "url",
            "schluessel",
            "name",
            "typ",
            "typ_original",
            "leistung",
            "rechtsgrundlage",
            "gesetze",
            "gesetz_kuerzel",
            "im_katalog",
            "erstellt",
            "geaendert",
        ]
        kurzfelder = ("schluessel", "name")


class UmsetzungsprojektSerializer(OzgModelSerializer):
    class Meta:
        model = Umsetzungsprojekt
        fields = [
            "id",
            "url",
            "name",
            "themenfeld",
            "federfuehrendes_land",
            "leistungen",
            "beschreibung",
            "erstellt",
            "geaendert",
        ]


class ErgebnisSerializer(OzgModelSerializer):
    """POST is an upsert by (Leistung, Ergebnistyp); both are fixed afterwards."""

    anforderung = serializers.SerializerMethodField()

    class Meta:
        model = Ergebnis
        fields = [
            "id",
            "url",
            "leistung",
            "ergebnistyp",
            "anforderung",
            "status",
            "ff_erforderlich",
            "fim_status",
            "nachweis_url",
            "nachweis_datei",
            "repository_url",
            "verzicht_begruendung",
            "geliefert_am",
            "erstellt",
            "geaendert",
        ]
        read_only_fields = ["nachweis_datei"]
        unveraenderlich = ("leistung", "ergebnistyp")
        kurzfelder = ("leistung", "ergebnistyp", "status")

    @extend_schema_field(SCHEMA_ANFORDERUNG)
    def get_anforderung(self, obj) -> dict | None:
        return _anforderung(obj.anforderung)  # Leistung via select_related


class UmsetzungsstandSerializer(OnlineUrlMixin, OzgModelSerializer):
    """POST reports the Reifegrad of a Leistung in a Gebiet (upsert by both)."""

    gebiet_ars = serializers.CharField(source="gebiet.ars", read_only=True)

    class Meta:
        model = Umsetzungsstand
        fields = [
            "id",
            "url",
            "leistung",
            "gebiet",
            "gebiet_ars",
            "reifegrad",
            "online_url",
            "stichtag",
            "bemerkung",
            "ozg_konform",
            "erstellt",
            "geaendert",
        ]
        unveraenderlich = ("leistung", "gebiet")
        kurzfelder = ("leistung", "gebiet_ars", "reifegrad")


class MeilensteinSerializer(OzgModelSerializer):
    verzoegert = serializers.SerializerMethodField()
    verzug_tage = serializers.SerializerMethodField()

    class Meta:
        model = Meilenstein
        fields = [
            "id",
            "url",
            "themenfeld",
            "leistung",
            "phase",
            "name",
            "geplant",
            "erreicht",
            "bemerkung",
            "verzoegert",
            "verzug_tage",
            "erstellt",
            "geaendert",
        ]

    def get_verzoegert(self, obj) -> bool:
        return obj.ist_verzoegert()

    def get_verzug_tage(self, obj) -> int:
        return obj.verzug_tage()


# --------------------------------------------------------------------------------------
# Sammelmeldung (bulk report of Umsetzungsstände): the shapes, for the schema
# --------------------------------------------------------------------------------------


class SammelmeldungZeileSerializer(serializers.Serializer):
    """One row of the JSON form: the columns of the Statusblatt (``leistungen.statusblatt``).

    Only documents the shape; the rows are read and checked by ``statusblatt.json_lesen``
    and ``statusblatt.pruefen``, exactly like an uploaded sheet.
    """

    ozg_id = serializers.IntegerField(help_text="OZG-ID der Leistung.")
    ars = serializers.CharField(
        help_text="Amtlicher Regionalschlüssel als Text: Land 2, Kreis 5, Gemeinde 12 Ziffern."
    )
    reifegrad = serializers.IntegerField(min_value=0, max_value=4)
    online_url = serializers.URLField(required=False, allow_blank=True)
    stichtag = serializers.CharField(
        required=False, allow_blank=True, help_text="JJJJ-MM-TT oder TT.MM.JJJJ; leer: heute."
    )
    bemerkung = serializers.CharField(required=False, allow_blank=True)


class SammelmeldungEingabeSerializer(serializers.Serializer):
    zeilen = SammelmeldungZeileSerializer(many=True, help_text="Höchstens 5000 Zeilen.")
    nur_pruefen = serializers.BooleanField(
        required=False, default=False, help_text="Nur prüfen, nichts speichern (Probelauf)."
    )


class SammelmeldungAnzahlSerializer(serializers.Serializer):
    zeilen = serializers.IntegerField()
    neu = serializers.IntegerField()
    geaendert = serializers.IntegerField()
    unveraendert = serializers.IntegerField()


class SammelmeldungErgebniszeileSerializer(serializers.Serializer):
    zeile = serializers.IntegerField(help_text="CSV: Zeile der Datei (Kopf = 1); JSON: ab 1.")
    ozg_id = serializers.IntegerField()
    ars = serializers.CharField()
    gebiet_name = serializers.CharField()
    reifegrad = serializers.IntegerField()
    reifegrad_vorher = serializers.IntegerField(allow_null=True)
    aenderung = serializers.ChoiceField(choices=["neu", "geaendert", "unveraendert"])
    umsetzungsstand = serializers.IntegerField(
        allow_null=True, help_text="ID des Umsetzungsstands (im Probelauf bei neuen: null)."
    )
    url = serializers.URLField(allow_null=True)


class SammelmeldungAntwortSerializer(serializers.Serializer):
    nur_pruefen = serializers.BooleanField()
    gespeichert = serializers.BooleanField()
    anzahl = SammelmeldungAnzahlSerializer()
    zeilen = SammelmeldungErgebniszeileSerializer(many=True)


class DetailFehlerSerializer(serializers.Serializer):
    detail = serializers.CharField()


class OpendataFehlerSerializer(serializers.Serializer):
    """400 of the export: the parameter with its German message."""

    ars = serializers.ListField(child=serializers.CharField(), required=False)
    ebenen = serializers.ListField(child=serializers.CharField(), required=False)
    format = serializers.ListField(child=serializers.CharField(), required=False)


class ZeilenfehlerSerializer(serializers.Serializer):
    zeile = serializers.IntegerField(allow_null=True)
    feld = serializers.CharField(allow_null=True)
    meldung = serializers.CharField()


class SammelmeldungFehlerSerializer(serializers.Serializer):
    detail = serializers.CharField()
    fehler = ZeilenfehlerSerializer(many=True)


# --------------------------------------------------------------------------------------
# Open-data export by region: the shapes, for the schema
# --------------------------------------------------------------------------------------


class OpendataRegionSerializer(serializers.Serializer):
    ars = serializers.CharField()
    name = serializers.CharField()
    ebene = serializers.ChoiceField(choices=["land", "kreis", "gemeinde"])
    land_ars = serializers.CharField()
    land = serializers.CharField()


class OpendataZeileSerializer(serializers.Serializer):
    ozg_id = serializers.IntegerField()
    leistung = serializers.CharField()
    leika_schluessel = serializers.ListField(child=serializers.CharField())
    ars = serializers.CharField()
    region = serializers.CharField()
    ebene = serializers.ChoiceField(choices=["land", "kreis", "gemeinde"])
    land_ars = serializers.CharField()
    land = serializers.CharField()
    online_url = serializers.CharField(help_text="Leer unter Reifegrad 2.")
    reifegrad = serializers.IntegerField(min_value=0, max_value=4)
    reifegrad_label = serializers.CharField()
    flaechendeckung = serializers.ChoiceField(
        choices=["bundesweit", "landesweit", "kreisweit", "kommune", "keine"]
    )
    flaechendeckung_label = serializers.CharField()
    stichtag = serializers.DateField()
    geaendert = serializers.DateTimeField()


class OpendataAntwortSerializer(serializers.Serializer):
    region = OpendataRegionSerializer()
    ebenen = serializers.ListField(child=serializers.ChoiceField(choices=["darueber", "darunter"]))
    erstellt = serializers.DateTimeField()
    zeilen = OpendataZeileSerializer(many=True)
