"""FilterSets of the Marktplatz."""

from __future__ import annotations

from django.db import models
from django_filters import rest_framework as filters

from leistungen.choices import Nachnutzungsmodell
from leistungen.models import Leistung
from ozgplattform.filtersets import JaNeinFilter, OzgFilterSet, auswahl, referenz
from ozgplattform.models import Organisation

from .choices import Angebotsstatus, Nachnutzungsstatus
from .models import Nachnutzung, Nachnutzungsangebot


class NachnutzungsangebotFilterSet(OzgFilterSet):
    q = filters.CharFilter(method="suche", label="Suche (Titel, Beschreibung)")
    leistung = referenz(Leistung, label="Leistung")
    anbieter = referenz(Organisation, label="Anbieter")
    status = auswahl(Angebotsstatus.choices, label="Status")
    nachnutzungsmodell = auswahl(Nachnutzungsmodell.choices, label="Nachnutzungsmodell")
    veroeffentlicht = JaNeinFilter(label="veröffentlicht")

    class Meta:
        model = Nachnutzungsangebot
        fields = ["q", "leistung", "anbieter", "status", "nachnutzungsmodell", "veroeffentlicht"]

    def suche(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            models.Q(titel__icontains=value) | models.Q(beschreibung__icontains=value)
        )


class NachnutzungFilterSet(OzgFilterSet):
    angebot = referenz(Nachnutzungsangebot, label="Angebot")
    leistung = referenz(Leistung, field_name="angebot__leistung", label="Leistung")
    land = referenz(Organisation, label="nachnutzendes Land")
    status = auswahl(Nachnutzungsstatus.choices, label="Status")

    class Meta:
        model = Nachnutzung
        fields = ["angebot", "leistung", "land", "status"]
