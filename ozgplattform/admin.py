from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Organisation, Rollenzuweisung


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kurzname", "art", "ars", "parent")
    list_filter = ("art",)
    search_fields = ("name", "kurzname", "ars")
    autocomplete_fields = ("parent",)
    ordering = ("art", "ars", "name")


@admin.register(Rollenzuweisung)
class RollenzuweisungAdmin(SimpleHistoryAdmin):
    list_display = (
        "user",
        "rolle",
        "organisation",
        "themenfeld",
        "umsetzungsprojekt",
        "leistung",
        "gueltig_von",
        "gueltig_bis",
        "kontakt_veroeffentlichen",
    )
    list_filter = ("rolle", "kontakt_veroeffentlichen")
    search_fields = ("user__username", "user__first_name", "user__last_name", "funktion")
    autocomplete_fields = ("user", "organisation", "themenfeld", "umsetzungsprojekt", "leistung")
    list_select_related = ("user", "organisation", "themenfeld", "umsetzungsprojekt", "leistung")
