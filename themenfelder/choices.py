from django.db import models


class Phase(models.TextChoices):
    """Phasen eines Themenfelds bzw. einer Leistung (§5.1)."""

    THEMENFELDPLANUNG = "themenfeldplanung", "Themenfeldplanung"
    KONZEPTION = "konzeption", "Konzeption"
    REFERENZIMPLEMENTIERUNG = "referenzimplementierung", "Referenzimplementierung"
    NACHNUTZUNG = "nachnutzung", "Nachnutzung und Weiterentwicklung"


class Zielgruppe(models.TextChoices):
    BUERGER = "buerger", "Bürger (Lebenslage)"
    UNTERNEHMEN = "unternehmen", "Unternehmen (Geschäftslage)"
