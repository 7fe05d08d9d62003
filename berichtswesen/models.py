"""Models of the Berichtswesen (domain.md §5.5): report jobs, schedules and the daily
snapshot of the key figures (:class:`Kennzahlenstand`).


A :class:`Berichtsauftrag` is one request for one report (from a page, the API or a
:class:`Berichtsplan`); the Celery task ``berichtswesen.bericht_erzeugen`` renders it
into exactly one file in the private storage ``settings.BERICHTE_ROOT``. The file name
(:attr:`Berichtsauftrag.datei`) is random and fixed when the job is created, so a
re-run after a lost worker overwrites the same file instead of adding a second one.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ozgplattform.models import BaseModel

from .choices import Format


class Status(models.TextChoices):
    WARTET = "wartet", "wartet"
    LAEUFT = "laeuft", "läuft"
    FERTIG = "fertig", "fertig"
    FEHLGESCHLAGEN = "fehlgeschlagen", "fehlgeschlagen"
    ABGELAUFEN = "abgelaufen", "abgelaufen"


#: States in which a job still runs (download: 409, page polls).
OFFEN = (Status.WARTET, Status.LAEUFT)
#: States after which the job has no file any more (download: 410).
ENDGUELTIG_OHNE_DATEI = (Status.FEHLGESCHLAGEN, Status.ABGELAUFEN)


class Rhythmus(models.TextChoices):
    MONATLICH = "monatlich", "monatlich"
    WOECHENTLICH = "woechentlich", "wöchentlich"


def neuer_dateiname() -> str:
    """Random, unguessable name of a result file (the extension is added per format)."""
    return secrets.token_urlsafe(24)


class Berichtsplan(models.Model):
    """A scheduled report: the hourly task ``berichtsplaene_ausfuehren`` creates one job
    per plan and period (month or week) once :attr:`naechste_ausfuehrung` is reached."""

    bezeichnung = models.CharField("Bezeichnung", max_length=200)
    art = models.CharField("Berichtsart", max_length=50)
    format = models.CharField("Format", max_length=10, choices=Format.choices)
    parameter = models.JSONField("Parameter", default=dict, blank=True)
    rhythmus = models.CharField(
        "Rhythmus", max_length=20, choices=Rhythmus.choices, default=Rhythmus.MONATLICH
    )
    aktiv = models.BooleanField("aktiv", default=True)
    naechste_ausfuehrung = models.DateTimeField("nächste Ausführung")
    erstellt = models.DateTimeField("erstellt", auto_now_add=True)
    geaendert = models.DateTimeField("geändert", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Berichtsplan"
        verbose_name_plural = "Berichtspläne"
        ordering = ["bezeichnung"]
        indexes = [models.Index(fields=["aktiv", "naechste_ausfuehrung"])]

    def __str__(self) -> str:
        return self.bezeichnung


class Berichtsauftrag(models.Model):
    """One report to be rendered, its progress, and its result file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    art = models.CharField("Berichtsart", max_length=50)
    format = models.CharField("Format", max_length=10, choices=Format.choices)
    parameter = models.JSONField("Parameter", default=dict, blank=True)
    status = models.CharField(
        "Status", max_length=20, choices=Status.choices, default=Status.WARTET, db_index=True
    )
    fortschritt = models.PositiveSmallIntegerField(
        "Fortschritt (%)", default=0, validators=[MaxValueValidator(100)]
    )
    schritt = models.CharField("aktueller Schritt", max_length=200, blank=True)
    angefordert_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="angefordert von",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="berichtsauftraege",
        help_text="Leer bei geplanten Berichten (Berichtsarchiv).",
    )
    plan = models.ForeignKey(
        Berichtsplan,
        verbose_name="Berichtsplan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="auftraege",
    )
    #: Period of a scheduled job ("2026-11", "2026-W48"): one job per plan and period.
    periode = models.CharField("Zeitraum", max_length=20, blank=True)
    erstellt = models.DateTimeField("erstellt", auto_now_add=True, db_index=True)
    begonnen = models.DateTimeField("begonnen", null=True, blank=True)
    beendet = models.DateTimeField("beendet", null=True, blank=True)
    #: Random name of the result file in BERICHTE_ROOT, fixed at creation.
    datei = models.CharField("Datei", max_length=100, unique=True, default=neuer_dateiname)
    dateiname = models.CharField("Dateiname beim Herunterladen", max_length=200, blank=True)
    content_type = models.CharField("Inhaltstyp", max_length=100, blank=True)
    groesse = models.PositiveBigIntegerField("Größe (Bytes)", null=True, blank=True)
    fehlermeldung = models.TextField("Fehlermeldung", blank=True)
    laeuft_ab = models.DateTimeField("läuft ab", null=True, blank=True, db_index=True)
    versuche = models.PositiveSmallIntegerField("Versuche", default=0)

    class Meta:
        verbose_name = "Berichtsauftrag"
        verbose_name_plural = "Berichtsaufträge"
        ordering = ["-erstellt"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "periode"],
                condition=models.Q(plan__isnull=False),
                name="berichtsauftrag_einmal_je_plan_und_zeitraum",
            ),
            models.CheckConstraint(
                condition=models.Q(fortschritt__lte=100), name="berichtsauftrag_fortschritt_max"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.art} ({self.format}) {self.erstellt:%d.%m.%Y %H:%M}"
            if self.erstellt
            else self.art
        )

    @property
    def offen(self) -> bool:
        return self.status in OFFEN

    @property
    def abrufbar(self) -> bool:
        """Finished and not past its retention (the clean-up may not have run yet)."""
        return self.status == Status.FERTIG and (
            self.laeuft_ab is None or self.laeuft_ab > timezone.now()
        )

    @property
    def geplant(self) -> bool:
        return self.plan_id is not None or self.angefordert_von_id is None


class Ebene(models.TextChoices):
    GESAMT = "gesamt", "Gesamtprogramm"
    THEMENFELD = "themenfeld", "Themenfeld"
    LAND = "land", "Land"


class Kennzahlenstand(BaseModel):
    """Aggregate figures of one day for the programme, a Themenfeld or a Land.

    Written by ``berichtswesen.kennzahlen.kennzahlen_festhalten`` (daily task) and
    ``kennzahlen_nachbilden`` (rebuild from history); derived data, so no history of its
    own — a rebuild overwrites. ``bezug``: empty for *gesamt*, the Themenfeld's id for
    *themenfeld*, the Land's ARS for *land*. The figures follow
    ``leistungen.selectors.gesamtfortschritt`` (Leistungen of the current catalogue).

    ``verteilung`` (JSON)::

        {"reifegrad": {"0": n, "1": n, "2": n, "3": n, "4": n, "keine": n},
         "flaechendeckung": {"bundesweit": n, "landesweit": n, "kreisweit": n,
                             "kommune": n, "keine": n}}

    For *land*, ``reifegrad`` is the highest Stufe in the Land and its Gebiete,
    ``flaechendeckung`` the Land's own category (``landesweit``/``kreisweit``/
    ``kommune``/``keine``); the Meilenstein figures are empty (they are not per Land).
    """

    stichtag = models.DateField("Stichtag")
    ebene = models.CharField("Ebene", max_length=20, choices=Ebene.choices)
    bezug = models.CharField(
        "Bezug",
        max_length=20,
        blank=True,
        help_text="Themenfeld-ID oder ARS des Landes; leer für das Gesamtprogramm.",
    )
    anzahl_leistungen = models.PositiveIntegerField("Leistungen")
    online = models.PositiveIntegerField("Leistungen ab Stufe 3")
    flaechendeckend = models.PositiveIntegerField(
        "flächendeckend ab Stufe 3",
        help_text="Gesamt und Themenfeld: bundesweit; Land: landesweit.",
    )
    ergebnisse_vollstaendig = models.PositiveIntegerField("Ergebnistypen vollständig")
    ergebnisse_mit_anforderungen = models.PositiveIntegerField("Leistungen mit Anforderungen")
    meilensteine = models.PositiveIntegerField("Meilensteine", null=True, blank=True)
    meilensteine_verzoegert = models.PositiveIntegerField(
        "verzögerte Meilensteine", null=True, blank=True
    )
    verteilung = models.JSONField("Verteilungen", default=dict, blank=True)
    nachgebildet = models.BooleanField(
        "aus der Historie nachgebildet",
        default=False,
        help_text="Falsch: am Stichtag selbst festgehalten.",
    )

    class Meta:
        verbose_name = "Kennzahlenstand"
        verbose_name_plural = "Kennzahlenstände"
        ordering = ["stichtag", "ebene", "bezug"]
        constraints = [
            models.UniqueConstraint(
                fields=["stichtag", "ebene", "bezug"], name="kennzahlenstand_eindeutig"
            ),
            models.CheckConstraint(
                condition=models.Q(ebene="gesamt", bezug="") | ~models.Q(ebene="gesamt"),
                name="kennzahlenstand_gesamt_ohne_bezug",
            ),
        ]

    def __str__(self) -> str:
        bezug = f" {self.bezug}" if self.bezug else ""
        return f"{self.get_ebene_display()}{bezug} am {self.stichtag:%d.%m.%Y}"

    @property
    def anteil_online(self) -> float:
        return self.online / self.anzahl_leistungen if self.anzahl_leistungen else 0.0
