from django.db import models


class Anforderungsart(models.TextChoices):
    DIGITALISIERUNGSHEMMNIS = "digitalisierungshemmnis", "Digitalisierungshemmnis"
    AENDERUNGSANFRAGE = "aenderungsanfrage", "Änderungsanfrage (Daten der Plattform)"


class Anforderungsstatus(models.TextChoices):
    EINGEREICHT = "eingereicht", "eingereicht"
    IN_PRUEFUNG = "in_pruefung", "in Prüfung"
    ANGENOMMEN = "angenommen", "angenommen"
    ABGELEHNT = "abgelehnt", "abgelehnt"
    ERLEDIGT = "erledigt", "erledigt"


class Hemmnisart(models.TextChoices):
    RECHTLICH = "rechtlich", "rechtlich"
    TECHNISCH = "technisch", "technisch"
    ORGANISATORISCH = "organisatorisch", "organisatorisch"
