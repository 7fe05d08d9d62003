from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .konto.services import api_token_widerrufen
from .models import ApiToken, Organisation, Rollenzuweisung


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
    actions = ["beenden"]

    # Writes go through the services so guardian permissions follow in the same transaction.
    def save_model(self, request, obj, form, change):
        if change:
            felder = {
                ("user_id" if f == "user" else f): (
                    form.cleaned_data[f].pk if f == "user" else form.cleaned_data[f]
                )
                for f in form.changed_data
            }
            services.rollenzuweisung_aendern(zuweisung=obj, user=request.user, **felder)
        else:
            daten = {k: v for k, v in form.cleaned_data.items() if k not in ("user", "rolle")}
            neu = services.rollenzuweisung_anlegen(
                benutzer=form.cleaned_data["user"],
                rolle=form.cleaned_data["rolle"],
                user=request.user,
                **daten,
            )
            obj.pk = neu.pk

    def delete_model(self, request, obj):
        services.rollenzuweisung_loeschen(zuweisung=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for zuweisung in queryset.select_related("user"):
            services.rollenzuweisung_loeschen(zuweisung=zuweisung, user=request.user)

    @admin.action(description="Ausgewählte Rollen sofort beenden")
    def beenden(self, request, queryset):
        for zuweisung in queryset:
            services.rollenzuweisung_beenden(zuweisung=zuweisung, user=request.user)
        self.message_user(request, f"{queryset.count()} Rollenzuweisung(en) beendet.")


# --------------------------------------------------------------------------------------
# Persönliche API-Tokens (ozgplattform/konto): view and revoke only, never the hash
# --------------------------------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owner on the profile page (the plaintext is shown
    only there, once). Here the Programmmanagement sees them and can revoke them."""

    list_display = (
        "name",
        "user",
        "praefix",
        "schreibrecht",
        "gueltig_bis",
        "zuletzt_benutzt",
        "widerrufen_am",
        "erstellt",
    )
    list_filter = ("schreibrecht", ("widerrufen_am", admin.EmptyFieldListFilter), "gueltig_bis")
    search_fields = ("name", "praefix", "user__username", "user__last_name")
    list_select_related = ("user",)
    # schluessel_hash is not editable (editable=False) and listed nowhere: never shown.
    fields = (
        "user",
        "name",
        "praefix",
        "schreibrecht",
        "gueltig_bis",
        "zuletzt_benutzt",
        "widerrufen_am",
        "erstellt",
        "geaendert",
    )
    readonly_fields = fields
    actions = ("widerrufen",)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Ausgewählte API-Tokens widerrufen", permissions=["change"])
    def widerrufen(self, request, queryset):
        anzahl = 0
        for token in queryset.filter(widerrufen_am__isnull=True):
            api_token_widerrufen(token=token, user=request.user)
            anzahl += 1
        self.message_user(request, f"{anzahl} API-Token(s) widerrufen.", messages.SUCCESS)
