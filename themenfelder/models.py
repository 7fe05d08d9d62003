from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from ozgplattform.choices import OrganisationsArt
from ozgplattform.models import BaseModel, Organisation

from .choices import Phase, Zielgruppe


class Themenfeld(BaseModel):
    """One of the 14 Themenfelder, led by one Land together with one Bundesressort."""

    nummer = models.PositiveSmallIntegerField("Nummer", unique=True)
    name = models.CharField("Name", max_length=120, unique=True)
    beschreibung = models.TextField("Beschreibung", blank=True)
    federfuehrendes_land = models.ForeignKey(
        Organisation,
        verbose_name="federführendes Land",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="federfuehrung_themenfelder",
        limit_choices_to={"art": OrganisationsArt.LAND},
    )
    federfuehrendes_ressort = models.ForeignKey(
        Organisation,
        verbose_name="federführendes Bundesressort",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="federfuehrung_themenfelder_ressort",
        limit_choices_to={"art": OrganisationsArt.BUNDESRESSORT},
    )
    phase = models.CharField(
        "Phase", max_length=30, choices=Phase.choices, default=Phase.THEMENFELDPLANUNG
    )
    steuerungskreis = models.ManyToManyField(
        Organisation,
        verbose_name="Mitglieder des Steuerungskreises",
        blank=True,
        related_name="steuerungskreise",
    )

    history = HistoricalRecords(m2m_fields=[steuerungskreis])

    class Meta:
        verbose_name = "Themenfeld"
        verbose_name_plural = "Themenfelder"
        permissions = [("federfuehrung", "Themenfeld federführend pflegen (Objektrecht)")]
        ordering = ["nummer"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.federfuehrendes_land_id and self.federfuehrendes_land.art != OrganisationsArt.LAND:
            errors["federfuehrendes_land"] = "Die Federführung liegt bei einem Land."
        if (
            self.federfuehrendes_ressort_id
            and self.federfuehrendes_ressort.art != OrganisationsArt.BUNDESRESSORT
        ):
            errors["federfuehrendes_ressort"] = "Hier ist ein Bundesressort anzugeben."
        if errors:
            raise ValidationError(errors)


class Lebenslage(BaseModel):
    """Lebenslage (Bürger) or Geschäftslage (Unternehmen) within a Themenfeld."""

    name = models.CharField("Name", max_length=200)
    themenfeld = models.ForeignKey(
        Themenfeld, verbose_name="Themenfeld", on_delete=models.PROTECT, related_name="lebenslagen"
    )
    zielgruppe = models.CharField(
        "Zielgruppe",
        max_length=20,
        choices=Zielgruppe.choices,
        blank=True,
        help_text="Lebenslage (Bürger) oder Geschäftslage (Unternehmen); leer, wenn nicht bekannt.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Lebenslage / Geschäftslage"
        verbose_name_plural = "Lebenslagen / Geschäftslagen"
        ordering = ["themenfeld__nummer", "name"]
        constraints = [
            models.UniqueConstraint(fields=["themenfeld", "name"], name="lebenslage_eindeutig"),
        ]

    def __str__(self) -> str:
        return self.name


class Persona(BaseModel):
    """Persona from the Themenfeldplanung."""

    themenfeld = models.ForeignKey(
        Themenfeld, verbose_name="Themenfeld", on_delete=models.CASCADE, related_name="personas"
    )
    name = models.CharField("Name", max_length=120)
    beschreibung = models.TextField("Beschreibung", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Persona"
        verbose_name_plural = "Personas"
        ordering = ["themenfeld__nummer", "name"]

    def __str__(self) -> str:
        return self.name


class Nutzerreise(BaseModel):
    """Nutzerreise (user journey) from the Themenfeldplanung."""

    themenfeld = models.ForeignKey(
        Themenfeld, verbose_name="Themenfeld", on_delete=models.CASCADE, related_name="nutzerreisen"
    )
    name = models.CharField("Name", max_length=200)
    persona = models.ForeignKey(
        Persona, verbose_name="Persona", on_delete=models.SET_NULL, null=True, blank=True
    )
    lebenslage = models.ForeignKey(
        Lebenslage, verbose_name="Lebenslage", on_delete=models.SET_NULL, null=True, blank=True
    )
    beschreibung = models.TextField("Beschreibung", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Nutzerreise"
        verbose_name_plural = "Nutzerreisen"
        ordering = ["themenfeld__nummer", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.lebenslage_id and self.lebenslage.themenfeld_id != self.themenfeld_id:
            raise ValidationError(
                {"lebenslage": "Die Lebenslage gehört zu einem anderen Themenfeld."}
            )
        if self.persona_id and self.persona.themenfeld_id != self.themenfeld_id:
            raise ValidationError({"persona": "Die Persona gehört zu einem anderen Themenfeld."})
