"""Models of the Berichtswesen: the daily snapshot of the programme's key figures.

(Report jobs, schedules and the archive are the job machinery's models.)
"""

from django.db import models

from ozgplattform.models import BaseModel


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
