from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from leistungen.choices import Nachnutzungsmodell
from leistungen.models import Leistung
from ozgplattform.choices import OrganisationsArt
from ozgplattform.models import BaseModel, Organisation

from .choices import Angebotsstatus, Finanzierung, Nachnutzungsstatus, Rechtsgrundlage


class Nachnutzungsangebot(BaseModel):
    """A Marktplatz entry: a solution for a Leistung that others can reuse (§5.3, §5.6)."""

    leistung = models.ForeignKey(
        Leistung,
        verbose_name="Leistung",
        on_delete=models.PROTECT,
        related_name="nachnutzungsangebote",
    )
    anbieter = models.ForeignKey(
        Organisation,
        verbose_name="anbietendes Land / Organisation",
        on_delete=models.PROTECT,
        related_name="nachnutzungsangebote",
    )
    titel = models.CharField("Titel der Lösung", max_length=200)
    beschreibung = models.TextField("Beschreibung", blank=True)
    nachnutzungsmodell = models.CharField(
        "Nachnutzungsmodell", max_length=30, choices=Nachnutzungsmodell.choices
    )
    status = models.CharField("Status", max_length=20, choices=Angebotsstatus.choices)
    rechtsgrundlage = models.CharField(
        "rechtliche Grundlage", max_length=30, choices=Rechtsgrundlage.choices, blank=True
    )
    finanzierung = models.CharField(
        "Finanzierung", max_length=20, choices=Finanzierung.choices, blank=True
    )
    url = models.URLField("Online-Dienst / Informationen", max_length=500, blank=True)
    kontakt_name = models.CharField("Ansprechperson", max_length=200, blank=True)
    kontakt_email = models.EmailField("E-Mail der Ansprechperson", blank=True)
    veroeffentlicht = models.BooleanField("veröffentlicht", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Nachnutzungsangebot"
        verbose_name_plural = "Nachnutzungsangebote"
        ordering = ["leistung__ozg_id", "titel"]

    def __str__(self) -> str:
        return f"{self.titel} ({self.anbieter})"


class Nachnutzung(BaseModel):
    """A Land reusing an offer (declared by its OZG-Koordinator)."""

    angebot = models.ForeignKey(
        Nachnutzungsangebot,
        verbose_name="Angebot",
        on_delete=models.CASCADE,
        related_name="nachnutzungen",
    )
    land = models.ForeignKey(
        Organisation,
        verbose_name="nachnutzendes Land",
        on_delete=models.PROTECT,
        related_name="nachnutzungen",
        limit_choices_to={"art": OrganisationsArt.LAND},
    )
    status = models.CharField(
        "Status",
        max_length=20,
        choices=Nachnutzungsstatus.choices,
        default=Nachnutzungsstatus.INTERESSE,
    )
    datum = models.DateField("Datum", null=True, blank=True)
    bemerkung = models.TextField("Bemerkung", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Nachnutzung"
        verbose_name_plural = "Nachnutzungen"
        ordering = ["angebot", "land__ars"]
        constraints = [
            models.UniqueConstraint(fields=["angebot", "land"], name="nachnutzung_je_land"),
        ]

    def __str__(self) -> str:
        return f"{self.land} nutzt {self.angebot}"

    def clean(self) -> None:
        if self.land_id and self.land.art != OrganisationsArt.LAND:
            raise ValidationError({"land": "Nachnutzen kann ein Land."})
        if self.land_id and self.angebot_id and self.angebot.anbieter_id == self.land_id:
            raise ValidationError({"land": "Das anbietende Land nutzt seine Lösung nicht nach."})
