"""FilterSet of the Anforderungsmanagement."""

from __future__ import annotations

from django.db import models
from django_filters import rest_framework as filters

from leistungen.models import Leistung
from ozgplattform.filtersets import OzgFilterSet, ZahlFilter, auswahl, referenz
from themenfelder.models import Themenfeld

from .choices import Anforderungsart, Anforderungsstatus, Hemmnisart
from .models import Anforderung


class AnforderungFilterSet(OzgFilterSet):
    q = filters.CharFilter(method="suche", label="Suche (Titel, Beschreibung)")
    art = auswahl(Anforderungsart.choices, label="Art")
    status = auswahl(Anforderungsstatus.choices, label="Status")
    hemmnisart = auswahl(Hemmnisart.choices, label="Art des Hemmnisses")
    themenfeld = referenz(Themenfeld, label="Themenfeld")
    leistung = referenz(Leistung, label="Leistung")
    eingereicht_von = ZahlFilter(min_value=1, label="eingereicht von (Person, ID)")

    class Meta:
        model = Anforderung
        fields = ["q", "art", "status", "hemmnisart", "themenfeld", "leistung", "eingereicht_von"]

    def suche(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            models.Q(titel__icontains=value) | models.Q(beschreibung__icontains=value)
        )
