from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Lebenslage, Nutzerreise, Persona, Themenfeld


class LebenslageInline(admin.TabularInline):
    model = Lebenslage
    extra = 0


@admin.register(Themenfeld)
class ThemenfeldAdmin(SimpleHistoryAdmin):
    list_display = ("nummer", "name", "federfuehrendes_land", "federfuehrendes_ressort", "phase")
    list_filter = ("phase",)
    search_fields = ("name",)
    autocomplete_fields = ("federfuehrendes_land", "federfuehrendes_ressort")
    filter_horizontal = ("steuerungskreis",)
    list_select_related = ("federfuehrendes_land", "federfuehrendes_ressort")
    inlines = [LebenslageInline]


@admin.register(Lebenslage)
class LebenslageAdmin(SimpleHistoryAdmin):
    list_display = ("name", "themenfeld", "zielgruppe")
    list_filter = ("themenfeld", "zielgruppe")
    search_fields = ("name",)
    list_select_related = ("themenfeld",)


@admin.register(Persona)
class PersonaAdmin(SimpleHistoryAdmin):
    list_display = ("name", "themenfeld")
    list_filter = ("themenfeld",)
    search_fields = ("name",)


@admin.register(Nutzerreise)
class NutzerreiseAdmin(SimpleHistoryAdmin):
    list_display = ("name", "themenfeld", "persona", "lebenslage")
    list_filter = ("themenfeld",)
    search_fields = ("name",)
    list_select_related = ("themenfeld", "persona", "lebenslage")
