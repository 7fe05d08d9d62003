from django.db import models


class Angebotsstatus(models.TextChoices):
    NACHNUTZBAR = "nachnutzbar", "bereits nachnutzbar"
    PARTNER_GESUCHT = "partner_gesucht", "Umsetzungspartner gesucht"


class Rechtsgrundlage(models.TextChoices):
    VERWALTUNGSVEREINBARUNG = "verwaltungsvereinbarung", "Verwaltungsvereinbarung (Blaupause)"
    FIT_STORE = "fit_store", "FIT-Store"
    SONSTIGE = "sonstige", "sonstige Vereinbarung"


class Finanzierung(models.TextChoices):
    PAUSCHALBETRAG = "pauschalbetrag", "Pauschalbetrag"
    EINZELABRECHNUNG = "einzelabrechnung", "Einzelabrechnung"
    SONSTIGE = "sonstige", "sonstige Finanzierung"


class Nachnutzungsstatus(models.TextChoices):
    INTERESSE = "interesse", "Interesse bekundet"
    VEREINBART = "vereinbart", "Vereinbarung geschlossen"
    IN_UMSETZUNG = "in_umsetzung", "in Umsetzung"
    LIVE = "live", "live"
