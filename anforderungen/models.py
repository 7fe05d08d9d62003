from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from leistungen.models import Leistung
from ozgplattform.models import BaseModel
from themenfelder.models import Themenfeld

from .choices import Anforderungsart, Anforderungsstatus, Hemmnisart


class Anforderung(BaseModel):
    """Ticket of the Anforderungsmanagement: a Digitalisierungshemmnis or an Änderungsanfrage.

    The Programmmanagement decides (§5.5); decisions need a reason.
    """

    art = models.CharField("Art", max_length=30, choices=Anforderungsart.choices)
    titel = models.CharField("Titel", max_length=200)
    beschreibung = models.TextField("Beschreibung")
    hemmnisart = models.CharField(
        "Art des Hemmnisses", max_length=20, choices=Hemmnisart.choices, blank=True
    )
    themenfeld = models.ForeignKey(
        Themenfeld,
        verbose_name="Themenfeld",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="anforderungen",
    )
    leistung = models.ForeignKey(
        Leistung,
        verbose_name="Leistung",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="anforderungen",
    )
    status = models.CharField(
        "Status",
        max_length=20,
        choices=Anforderungsstatus.choices,
        default=Anforderungsstatus.EINGEREICHT,
    )
    eingereicht_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="eingereicht von",
        on_delete=models.PROTECT,
        related_name="anforderungen",
    )
    entscheidung_begruendung = models.TextField("Begründung der Entscheidung", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Anforderung"
        verbose_name_plural = "Anforderungen"
        ordering = ["-erstellt"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.titel}"

    def clean(self) -> None:
        errors = {}
        if not self.themenfeld_id and not self.leistung_id:
            errors["leistung"] = "Bitte eine Leistung oder ein Themenfeld angeben."
        if (
            self.leistung_id
            and self.themenfeld_id
            and self.leistung.themenfeld_id != self.themenfeld_id
        ):
            errors["themenfeld"] = "Die Leistung gehört zu einem anderen Themenfeld."
        if self.art == Anforderungsart.DIGITALISIERUNGSHEMMNIS and not self.hemmnisart:
            errors["hemmnisart"] = (
                "Bitte angeben, ob das Hemmnis rechtlich, technisch oder organisatorisch ist."
            )
        if (
            self.status in (Anforderungsstatus.ANGENOMMEN, Anforderungsstatus.ABGELEHNT)
            and not self.entscheidung_begruendung.strip()
        ):
            errors["entscheidung_begruendung"] = "Eine Entscheidung braucht eine Begründung."
        if errors:
            raise ValidationError(errors)
