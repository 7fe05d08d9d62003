from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Ergebnis,
    LeikaLeistung,
    Leistung,
    Meilenstein,
    Referenzimplementierung,
    Umsetzungsprojekt,
    Umsetzungsstand,
)


class LeikaInline(admin.TabularInline):
    model = LeikaLeistung
    fields = ("schluessel", "name", "typ", "im_katalog")
    extra = 0
    show_change_link = True


class ErgebnisInline(admin.TabularInline):
    model = Ergebnis
    fields = ("ergebnistyp", "status", "ff_erforderlich", "fim_status", "nachweis_url")
    extra = 0
    show_change_link = True


@admin.register(Leistung)
class LeistungAdmin(SimpleHistoryAdmin):
    list_display = (
        "ozg_id",
        "name",
        "themenfeld",
        "prioritaet",
        "vorgehensmodell",
        "phase",
        "welle",
        "im_katalog",
    )
    list_filter = (
        "themenfeld",
        "prioritaet",
        "vorgehensmodell",
        "archetyp",
        "phase",
        "nachnutzungsmodell",
        "ausserhalb_ozg",
        "depriorisierung_entscheidung",
        "im_katalog",
    )
    search_fields = ("ozg_id", "name", "leika_leistungen__schluessel")
    autocomplete_fields = ("themenfeld", "lebenslage")
    list_select_related = ("themenfeld",)
    readonly_fields = ("leistungstyp",)
    inlines = [ErgebnisInline, LeikaInline]
    fieldsets = (
        (None, {"fields": ("ozg_id", "name", "themenfeld", "lebenslage", "leistungstyp")}),
        (
            "Priorisierung",
            {
                "fields": (
                    "prioritaet",
                    "vorgehensmodell",
                    "archetyp",
                    "welle",
                    "phase",
                    "depriorisierungsgrund",
                    "depriorisierung_begruendung",
                    "depriorisierung_entscheidung",
                )
            },
        ),
        (
            "Umsetzung",
            {
                "fields": (
                    "nachnutzungsmodell",
                    "ausserhalb_ozg",
                    "steckbrief",
                    "steckbrief_datei",
                    "im_katalog",
                )
            },
        ),
    )

    @admin.display(description="Typ (aus LeiKa abgeleitet)")
    def leistungstyp(self, obj: Leistung) -> str:
        return obj.typ.label if obj.pk else "–"


@admin.register(LeikaLeistung)
class LeikaLeistungAdmin(SimpleHistoryAdmin):
    list_display = ("schluessel", "name", "typ", "leistung", "im_katalog")
    list_filter = ("typ", "im_katalog")
    search_fields = ("schluessel", "name", "leistung__name", "gesetz_kuerzel")
    autocomplete_fields = ("leistung",)
    list_select_related = ("leistung",)


@admin.register(Umsetzungsprojekt)
class UmsetzungsprojektAdmin(SimpleHistoryAdmin):
    list_display = ("name", "themenfeld", "federfuehrendes_land")
    list_filter = ("themenfeld",)
    search_fields = ("name",)
    autocomplete_fields = ("themenfeld", "federfuehrendes_land", "leistungen")
    list_select_related = ("themenfeld", "federfuehrendes_land")


@admin.register(Ergebnis)
class ErgebnisAdmin(SimpleHistoryAdmin):
    list_display = ("leistung", "ergebnistyp", "status", "fim_status", "geliefert_am")
    list_filter = ("ergebnistyp", "status", "fim_status")
    search_fields = ("leistung__name", "leistung__ozg_id")
    autocomplete_fields = ("leistung",)
    list_select_related = ("leistung",)


@admin.register(Umsetzungsstand)
class UmsetzungsstandAdmin(SimpleHistoryAdmin):
    list_display = ("leistung", "gebiet", "reifegrad", "stichtag")
    list_filter = ("reifegrad", "gebiet__art")
    search_fields = ("leistung__name", "leistung__ozg_id", "gebiet__name", "gebiet__ars")
    autocomplete_fields = ("leistung", "gebiet")
    list_select_related = ("leistung", "gebiet")
    date_hierarchy = "stichtag"


@admin.register(Meilenstein)
class MeilensteinAdmin(SimpleHistoryAdmin):
    list_display = ("name", "themenfeld", "leistung", "phase", "geplant", "erreicht", "verzoegert")
    list_filter = ("themenfeld", "phase")
    search_fields = ("name", "leistung__name")
    autocomplete_fields = ("themenfeld", "leistung")
    list_select_related = ("themenfeld", "leistung")

    @admin.display(description="verzögert", boolean=True)
    def verzoegert(self, obj: Meilenstein) -> bool:
        return obj.ist_verzoegert()


@admin.register(Referenzimplementierung)
class ReferenzimplementierungAdmin(SimpleHistoryAdmin):
    list_display = ("leistung", "land", "abgeschlossen_anzeige")
    search_fields = ("leistung__name", "leistung__ozg_id")
    autocomplete_fields = ("leistung", "land")
    list_select_related = ("leistung", "land")

    @admin.display(description="abgeschlossen", boolean=True)
    def abgeschlossen_anzeige(self, obj: Referenzimplementierung) -> bool:
        return obj.abgeschlossen
