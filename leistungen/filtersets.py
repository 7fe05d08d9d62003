"""FilterSets of the leistungen app; ``LeistungFilterSet`` is THE filter of Leistungen
(list page, CSV/XLSX export and API)."""

from __future__ import annotations

from django.db import models
from django_filters import rest_framework as filters

from ozgplattform.filtersets import (
    ArsFilter,
    JaNeinFilter,
    OzgFilterSet,
    ZahlFilter,
    auswahl,
    referenz,
)
from ozgplattform.models import Organisation
from themenfelder.choices import Phase
from themenfelder.models import Lebenslage, Themenfeld

from .choices import (
    Archetyp,
    AusserhalbOzg,
    Ergebnisstatus,
    Ergebnistyp,
    Nachnutzungsmodell,
    Prioritaet,
    Reifegrad,
    Vorgehensmodell,
)
from .models import (
    Ergebnis,
    LeikaLeistung,
    Leistung,
    Meilenstein,
    Umsetzungsprojekt,
    Umsetzungsstand,
)

#: Longest number that can be an OZG-ID (PositiveIntegerField); longer digit strings in
#: the search are not compared with it.
_OZG_ID_STELLEN = 9


class LeistungFilterSet(OzgFilterSet):
    q = filters.CharFilter(method="suche", label="Suche (Name, OZG-ID, LeiKa-Schlüssel)")
    themenfeld = referenz(Themenfeld, label="Themenfeld")
    lebenslage = referenz(Lebenslage, label="Lebenslage")
    prioritaet = auswahl(Prioritaet.choices, label="Priorität")
    vorgehensmodell = auswahl(Vorgehensmodell.choices, label="Vorgehensmodell")
    archetyp = auswahl(Archetyp.choices, label="Archetyp")
    phase = auswahl(Phase.choices, label="Phase")
    welle = ZahlFilter(min_value=0, max_value=32767, label="Welle")
    nachnutzungsmodell = auswahl(Nachnutzungsmodell.choices, label="Nachnutzungsmodell")
    ausserhalb_ozg = auswahl(AusserhalbOzg.choices, label="umgesetzt außerhalb des OZG")
    im_katalog = JaNeinFilter(label="im aktuellen Umsetzungskatalog")
    #: ``land`` and ``reifegrad_min`` act together (see ``filter_queryset``).
    land = ArsFilter(stellen="2", method="_umsetzungsstand", label="Land (ARS)")
    reifegrad_min = ZahlFilter(
        min_value=Reifegrad.OFFLINE,
        max_value=Reifegrad.ONLINE_TRANSAKTION,
        method="_umsetzungsstand",
        label="Reifegrad mindestens",
    )

    class Meta:
        model = Leistung
        fields = [
            "q",
            "themenfeld",
            "lebenslage",
            "prioritaet",
            "vorgehensmodell",
            "archetyp",
            "phase",
            "welle",
            "nachnutzungsmodell",
            "ausserhalb_ozg",
            "im_katalog",
            "land",
            "reifegrad_min",
        ]

    def suche(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        bedingung = models.Q(name__icontains=value) | models.Exists(
            LeikaLeistung.objects.filter(
                leistung=models.OuterRef("pk"), schluessel__startswith=value
            )
        )
        if value.isdigit() and len(value) <= _OZG_ID_STELLEN:
            bedingung |= models.Q(ozg_id=int(value))
        return queryset.filter(bedingung)

    def _umsetzungsstand(self, queryset, name, value):
        return queryset  # applied once for both parameters in filter_queryset

    def filter_queryset(self, queryset):
        """``land`` and/or ``reifegrad_min``: Leistungen with an Umsetzungsstand in the
        Land (the Land itself, one of its Kreise or Gemeinden — ARS prefix) of at least
        that Reifegrad. Either alone: any Gebiet of the Land / any Gebiet anywhere."""
        queryset = super().filter_queryset(queryset)
        land = self.form.cleaned_data.get("land")
        reifegrad_min = self.form.cleaned_data.get("reifegrad_min")
        if not land and reifegrad_min is None:
            return queryset
        staende = Umsetzungsstand.objects.filter(leistung=models.OuterRef("pk"))
        if land:
            staende = staende.filter(gebiet__ars__startswith=land)
        if reifegrad_min is not None:
            staende = staende.filter(reifegrad__gte=reifegrad_min)
        return queryset.filter(models.Exists(staende))


class LeikaLeistungFilterSet(OzgFilterSet):
    q = filters.CharFilter(method="suche", label="Suche (Name, Schlüssel)")
    leistung = referenz(Leistung, label="OZG-Leistung")
    schluessel = filters.CharFilter(lookup_expr="startswith", label="Schlüssel beginnt mit")
    typ = filters.CharFilter(lookup_expr="icontains", label="LeiKa-Typ enthält")
    ohne_leistung = JaNeinFilter(
        field_name="leistung", lookup_expr="isnull", label="ohne OZG-Leistung"
    )
    im_katalog = JaNeinFilter(label="im aktuellen Umsetzungskatalog")

    class Meta:
        model = LeikaLeistung
        fields = ["q", "leistung", "schluessel", "typ", "ohne_leistung", "im_katalog"]

    def suche(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            models.Q(name__icontains=value) | models.Q(schluessel__startswith=value)
        )


class UmsetzungsprojektFilterSet(OzgFilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", label="Suche (Name)")
    themenfeld = referenz(Themenfeld, label="Themenfeld")
    federfuehrendes_land = referenz(Organisation, label="umsetzendes Land")
    leistung = referenz(Leistung, field_name="leistungen", distinct=True, label="Leistung")

    class Meta:
        model = Umsetzungsprojekt
        fields = ["q", "themenfeld", "federfuehrendes_land", "leistung"]


class ErgebnisFilterSet(OzgFilterSet):
    leistung = referenz(Leistung, label="Leistung")
    themenfeld = referenz(Themenfeld, field_name="leistung__themenfeld", label="Themenfeld")
    ergebnistyp = auswahl(Ergebnistyp.choices, label="Ergebnistyp")
    status = auswahl(Ergebnisstatus.choices, label="Status")

    class Meta:
        model = Ergebnis
        fields = ["leistung", "themenfeld", "ergebnistyp", "status"]


class UmsetzungsstandFilterSet(OzgFilterSet):
    leistung = referenz(Leistung, label="Leistung")
    gebiet = referenz(Organisation, label="Gebiet")
    land = ArsFilter(
        stellen="2", field_name="gebiet__ars", lookup_expr="startswith", label="Land (ARS)"
    )
    reifegrad = auswahl(Reifegrad.choices, label="Reifegrad")
    reifegrad_min = ZahlFilter(
        field_name="reifegrad",
        lookup_expr="gte",
        min_value=Reifegrad.OFFLINE,
        max_value=Reifegrad.ONLINE_TRANSAKTION,
        label="Reifegrad mindestens",
    )
    stichtag_ab = filters.DateFilter(field_name="stichtag", lookup_expr="gte", label="Stand ab")

    class Meta:
        model = Umsetzungsstand
        fields = ["leistung", "gebiet", "land", "reifegrad", "reifegrad_min", "stichtag_ab"]


class MeilensteinFilterSet(OzgFilterSet):
    themenfeld = referenz(Themenfeld, label="Themenfeld")
    leistung = referenz(Leistung, label="Leistung")
    phase = auswahl(Phase.choices, label="Phase")
    verzoegert = JaNeinFilter(method="nach_verzug", label="verzögert")

    class Meta:
        model = Meilenstein
        fields = ["themenfeld", "leistung", "phase", "verzoegert"]

    def nach_verzug(self, queryset, name, value):
        if value is None:
            return queryset
        verzoegert = Meilenstein.objects.verzoegert().values("pk")
        return queryset.filter(pk__in=verzoegert) if value else queryset.exclude(pk__in=verzoegert)
