"""FilterSets of the themenfelder app (page, export and API share them)."""

from __future__ import annotations

from django.db import models
from django_filters import rest_framework as filters

from ozgplattform.filtersets import OzgFilterSet, auswahl, referenz
from ozgplattform.models import Organisation

from .choices import Phase, Zielgruppe
from .models import Lebenslage, Themenfeld


class ThemenfeldFilterSet(OzgFilterSet):
    q = filters.CharFilter(method="suche", label="Suche (Name, Beschreibung)")
    phase = auswahl(Phase.choices, label="Phase")
    federfuehrendes_land = referenz(Organisation, label="federführendes Land")
    federfuehrendes_ressort = referenz(Organisation, label="federführendes Bundesressort")

    class Meta:
        model = Themenfeld
        fields = ["q", "phase", "federfuehrendes_land", "federfuehrendes_ressort"]

    def suche(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            models.Q(name__icontains=value) | models.Q(beschreibung__icontains=value)
        )


class LebenslageFilterSet(OzgFilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", label="Suche (Name)")
    themenfeld = referenz(Themenfeld, label="Themenfeld")
    zielgruppe = auswahl(Zielgruppe.choices, label="Zielgruppe")

    class Meta:
        model = Lebenslage
        fields = ["q", "themenfeld", "zielgruppe"]
