"""FilterSets of the leistungen app; ``LeistungFilterSet`` is THE filter of Leistungen
(list page, CSV/XLSX export and API)."""

from __future__ import annotations

from django import forms
from django.db import models
from django.db.models.functions import Coalesce
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

from . import rules
from .choices import (
    Anforderungsstufe,
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

#: Sort orders of the Leistungen list: parameter value → (label, order_by). Only these.
SORTIERUNGEN: dict[str, tuple[str, tuple[str, ...]]] = {
    "ozg_id": ("OZG-ID aufsteigend", ("ozg_id",)),
    "-ozg_id": ("OZG-ID absteigend", ("-ozg_id",)),
    "name": ("Name A–Z", ("name", "ozg_id")),
    "-name": ("Name Z–A", ("-name", "ozg_id")),
    "themenfeld": ("Themenfeld", ("themenfeld__nummer", "ozg_id")),
    "-themenfeld": ("Themenfeld absteigend", ("-themenfeld__nummer", "ozg_id")),
    "prioritaet": ("Priorität", ("prioritaet", "ozg_id")),
    "phase": ("Phase", ("phase", "ozg_id")),
    "welle": ("Welle", (models.F("welle").asc(nulls_last=True), "ozg_id")),
    "-reifegrad": ("höchster Reifegrad zuerst", ("-_reifegrad_sort", "ozg_id")),
    "reifegrad": ("niedrigster Reifegrad zuerst", ("_reifegrad_sort", "ozg_id")),
}


def _leika_mit_typ(regex: str) -> models.Exists:
    return models.Exists(
        LeikaLeistung.objects.filter(leistung=models.OuterRef("pk"), typ__regex=regex)
    )


def _ergebnistyp_fehlt_q(ergebnistyp: str) -> models.Q:
    """Leistungen for which ``ergebnistyp`` is required (Abbildung 2, via
    ``rules.ergebnis_anforderung`` for every Priorität/Vorgehensmodell combination; an
    "Entscheidung durch FF" counts once the FF said yes) and not done (delivered, or
    waived where the matrix allows a waiver)."""
    ergebnis = Ergebnis.objects.filter(leistung=models.OuterRef("pk"), ergebnistyp=ergebnistyp)
    geliefert = models.Exists(ergebnis.filter(status=Ergebnisstatus.GELIEFERT))
    verzichtet = models.Exists(ergebnis.filter(status=Ergebnisstatus.VERZICHTET))
    ff_ja = models.Exists(ergebnis.filter(ff_erforderlich=True))
    q = models.Q(pk__in=[])
    for prioritaet in ["", *Prioritaet.values]:
        for vorgehensmodell in ["", *Vorgehensmodell.values]:
            anforderung = rules.ergebnis_anforderung(ergebnistyp, prioritaet, vorgehensmodell)
            if anforderung is None or anforderung.stufe == Anforderungsstufe.NICHT_ERFORDERLICH:
                continue
            fall = models.Q(prioritaet=prioritaet, vorgehensmodell=vorgehensmodell) & ~geliefert
            if anforderung.stufe == Anforderungsstufe.ENTSCHEIDUNG_FF:
                fall &= ff_ja
            if anforderung.verzicht_mit_begruendung:
                fall &= ~verzichtet
            q |= fall
    return q


#: Longest number that can be an OZG-ID (PositiveIntegerField); longer digit strings in
#: the search are not compared with it.
_OZG_ID_STELLEN = 9


class LeistungFilterSet(OzgFilterSet):
    q = filters.CharFilter(method="suche", label="Suche (Name, OZG-ID, LeiKa-Schlüssel)")
    themenfeld = referenz(Themenfeld, label="Themenfeld")
    lebenslage = referenz(Lebenslage, label="Lebenslage")
    typ = auswahl(
        rules.TYPKATEGORIEN,
        method="nach_typ",
        label="Typ (aus den LeiKa-Leistungen)",
        widget=forms.CheckboxSelectMultiple,
    )
    prioritaet = auswahl(Prioritaet.choices, label="Priorität", widget=forms.CheckboxSelectMultiple)
    vorgehensmodell = auswahl(
        Vorgehensmodell.choices, label="Vorgehensmodell", widget=forms.CheckboxSelectMultiple
    )
    archetyp = auswahl(Archetyp.choices, label="Archetyp", widget=forms.CheckboxSelectMultiple)
    phase = auswahl(Phase.choices, label="Phase", widget=forms.CheckboxSelectMultiple)
    welle = ZahlFilter(min_value=0, max_value=32767, label="Welle")
    nachnutzungsmodell = auswahl(
        Nachnutzungsmodell.choices,
        label="Nachnutzungsmodell",
        widget=forms.CheckboxSelectMultiple,
    )
    ausserhalb_ozg = auswahl(
        AusserhalbOzg.choices,
        label="umgesetzt außerhalb des OZG",
        widget=forms.CheckboxSelectMultiple,
    )
    ergebnistyp_fehlt = auswahl(
        Ergebnistyp.choices,
        method="nach_fehlendem_ergebnistyp",
        label="erforderliches Ergebnis fehlt",
        widget=forms.CheckboxSelectMultiple,
    )
    verzoegert = JaNeinFilter(method="nach_verzug", label="mit verzögertem Meilenstein")
    sortierung = filters.ChoiceFilter(
        choices=[(k, label) for k, (label, _) in SORTIERUNGEN.items()],
        method="sortieren",
        empty_label="OZG-ID (Standard)",
        label="Sortierung",
    )
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
            "typ",
            "ergebnistyp_fehlt",
            "verzoegert",
            "sortierung",
        ]

    def nach_typ(self, queryset, name, value):
        """Typ from the LeiKa rows (``rules.leistungstyp``): Typ 1 → Bund, 2/3, 4, 5 →
        föderal, both → Misch, none → unbekannt. Several values: any of them."""
        if not value:
            return queryset
        bund = _leika_mit_typ(r"(^|[ ,])1($|[ ,])")
        foederal = _leika_mit_typ(r"2/3|4|5")
        bedingungen = {
            rules.Typkategorie.BUND: bund & ~foederal,
            rules.Typkategorie.FOEDERAL: ~bund & foederal,
            rules.Typkategorie.MISCH: bund & foederal,
            rules.Typkategorie.UNBEKANNT: ~bund & ~foederal,
        }
        q = models.Q(pk__in=[])
        for kategorie in value:
            q |= bedingungen[kategorie]
        return queryset.filter(q)

    def nach_fehlendem_ergebnistyp(self, queryset, name, value):
        """At least one of the chosen Ergebnistypen is required and not done."""
        if not value:
            return queryset
        q = models.Q(pk__in=[])
        for ergebnistyp in value:
            q |= _ergebnistyp_fehlt_q(ergebnistyp)
        return queryset.filter(q)

    def nach_verzug(self, queryset, name, value):
        if value is None:
            return queryset
        verzoegert = models.Exists(
            Meilenstein.objects.verzoegert().filter(leistung=models.OuterRef("pk"))
        )
        return queryset.filter(verzoegert if value else ~verzoegert)

    def sortieren(self, queryset, name, value):
        if value not in SORTIERUNGEN:
            return queryset
        if "reifegrad" in value:
            hoechster = (
                Umsetzungsstand.objects.filter(leistung=models.OuterRef("pk"))
                .order_by("-reifegrad")
                .values("reifegrad")[:1]
            )
            queryset = queryset.annotate(
                _reifegrad_sort=Coalesce(models.Subquery(hoechster), models.Value(-1))
            )
        return queryset.order_by(*SORTIERUNGEN[value][1])

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
