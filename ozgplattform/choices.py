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
