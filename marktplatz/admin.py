from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Nachnutzung, Nachnutzungsangebot


class NachnutzungInline(admin.TabularInline):
    model = Nachnutzung
    extra = 0
    autocomplete_fields = ("land",)


@admin.register(Nachnutzungsangebot)
class NachnutzungsangebotAdmin(SimpleHistoryAdmin):
    list_display = (
        "titel",
        "leistung",
        "anbieter",
        "nachnutzungsmodell",
        "status",
        "veroeffentlicht",
    )
    list_filter = ("nachnutzungsmodell", "status", "veroeffentlicht")
    search_fields = ("titel", "leistung__name", "leistung__ozg_id")
    autocomplete_fields = ("leistung", "anbieter")
    list_select_related = ("leistung", "anbieter")
    inlines = [NachnutzungInline]


@admin.register(Nachnutzung)
class NachnutzungAdmin(SimpleHistoryAdmin):
    list_display = ("angebot", "land", "status", "datum")
    list_filter = ("status",)
    autocomplete_fields = ("angebot", "land")
    list_select_related = ("angebot", "land")
