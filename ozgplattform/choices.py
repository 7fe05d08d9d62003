from django.db import models


class OrganisationsArt(models.TextChoices):
    BUND = "bund", "Bund"
    BUNDESRESSORT = "bundesressort", "Bundesressort"
    LAND = "land", "Land"
    KREIS = "kreis", "Kreis / kreisfreie Stadt"
    GEMEINDE = "gemeinde", "Gemeinde"
    FITKO = "fitko", "FITKO"
    IT_DIENSTLEISTER = "it_dienstleister", "IT-Dienstleister"
    SONSTIGE = "sonstige", "Sonstige Organisation"


#: Arten, die ein Gebiet mit Amtlichem Regionalschlüssel sind (Umsetzungsstand je Gebiet).
GEBIETS_ARTEN = (OrganisationsArt.LAND, OrganisationsArt.KREIS, OrganisationsArt.GEMEINDE)

#: Länge des ARS je Gebietsart (Land 2, Kreis 5, Gemeinde 12 Stellen).
ARS_LAENGE = {
    OrganisationsArt.LAND: 2,
    OrganisationsArt.KREIS: 5,
    OrganisationsArt.GEMEINDE: 12,
}


class Rolle(models.TextChoices):
    PROGRAMMMANAGEMENT = "programmmanagement", "Programmmanagement (BMI/FITKO)"
    OZG_KOORDINATOR = "ozg_koordinator", "OZG-Koordinator eines Landes"
    FEDERFUEHRER = "federfuehrer", "Themenfeld-Federführer"
    UMSETZUNGSKOORDINATOR = "umsetzungskoordinator", "Umsetzungskoordinator"
    RESSORTANSPRECHPARTNER = "ressortansprechpartner", "OZG-Ressortansprechpartner"
    LEISTUNGSVERANTWORTLICHER = "leistungsverantwortlicher", "Leistungsverantwortlicher"
    LV_NACHNUTZENDES_LAND = (
        "lv_nachnutzendes_land",
        "Leistungsverantwortlicher im nachnutzenden Land",
    )
    LESER = "leser", "Registrierter Leser"


class Aktion(models.TextChoices):
    """What a user wants to do (see ozgplattform/rechte.py). Reading public data needs none."""

    LESEN_INTERN = "lesen_intern", "interne Daten und Berichte lesen"
    THEMENFELD_BEARBEITEN = "themenfeld_bearbeiten", "Themenfelder bearbeiten"
    LEISTUNG_BEARBEITEN = "leistung_bearbeiten", "Leistungen bearbeiten"
    ERGEBNIS_BEARBEITEN = "ergebnis_bearbeiten", "Ergebnisse bearbeiten"
    MEILENSTEIN_BEARBEITEN = "meilenstein_bearbeiten", "Meilensteine bearbeiten"
    UMSETZUNGSPROJEKT_BEARBEITEN = "umsetzungsprojekt_bearbeiten", "Umsetzungsprojekte bearbeiten"
    DEPRIORISIERUNG_VORSCHLAGEN = "depriorisierung_vorschlagen", "Depriorisierung vorschlagen"
    DEPRIORISIERUNG_ENTSCHEIDEN = (
        "depriorisierung_entscheiden",
        "über Depriorisierungen entscheiden",
    )
    UMSETZUNGSSTAND_MELDEN = "umsetzungsstand_melden", "Umsetzungsstand melden"
    NACHNUTZUNG_ERKLAEREN = "nachnutzung_erklaeren", "Nachnutzung erklären"
    AENDERUNGSANFRAGE_STELLEN = "aenderungsanfrage_stellen", "Änderungsanfragen stellen"
    ANFORDERUNG_ENTSCHEIDEN = "anforderung_entscheiden", "über Anforderungen entscheiden"
    ROLLEN_VERWALTEN = "rollen_verwalten", "Rollen verwalten"


def globale_codename_von(aktion: str) -> str:
    """Codename of the global permission for an action (on Rollenzuweisung)."""
    return f"aktion_{aktion}"
