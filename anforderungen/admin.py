from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Anforderung


@admin.register(Anforderung)
class AnforderungAdmin(SimpleHistoryAdmin):
    list_display = (
        "titel",
        "art",
        "status",
        "themenfeld",
        "leistung",
        "eingereicht_von",
        "erstellt",
    )
    list_filter = ("art", "status", "hemmnisart", "themenfeld")
    search_fields = ("titel", "beschreibung", "leistung__name")
    autocomplete_fields = ("themenfeld", "leistung", "eingereicht_von")
    list_select_related = ("themenfeld", "leistung", "eingereicht_von")
