from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Berichtsauftrag, Berichtsplan


@admin.register(Berichtsplan)
class BerichtsplanAdmin(SimpleHistoryAdmin):
    list_display = ("bezeichnung", "art", "format", "rhythmus", "aktiv", "naechste_ausfuehrung")
    list_filter = ("aktiv", "rhythmus", "art")
    search_fields = ("bezeichnung",)


@admin.register(Berichtsauftrag)
class BerichtsauftragAdmin(admin.ModelAdmin):
    """Read-only view for operations (status, errors, expiry); jobs are made by services."""

    list_display = ("id", "art", "format", "status", "fortschritt", "angefordert_von", "erstellt")
    list_filter = ("status", "art", "format")
    list_select_related = ("angefordert_von", "plan")
    readonly_fields = [f.name for f in Berichtsauftrag._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
