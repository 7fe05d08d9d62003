import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ozgplattform.choices import GEBIETS_ARTEN, OrganisationsArt, Rolle
from ozgplattform.models import BaseModel, Organisation
from themenfelder.choices import Phase
from themenfelder.models import Lebenslage, Themenfeld

from . import rules
from .choices import (
    REIFEGRAD_OZG_KONFORM,
    REIFEGRAD_URL_SICHTBAR,
    Archetyp,
    AusserhalbOzg,
    Depriorisierungsentscheidung,
    Depriorisierungsgrund,
    Ergebnisstatus,
    Ergebnistyp,
    FimStatus,
    Nachnutzungsmodell,
    Prioritaet,
    Reifegrad,
    Vorgehensmodell,
)


class LeistungQuerySet(models.QuerySet):
    def im_katalog(self):
        return self.filter(im_katalog=True)


class Leistung(BaseModel):
    """An OZG-Leistung (Leistungsbündel) of the Umsetzungskatalog."""

    ozg_id = models.PositiveIntegerField("OZG-ID", unique=True)
    name = models.CharField("Name", max_length=300)
    themenfeld = models.ForeignKey(
        Themenfeld, verbose_name="Themenfeld", on_delete=models.PROTECT, related_name="leistungen"
    )
    lebenslage = models.ForeignKey(
        Lebenslage,
        verbose_name="Lebenslage / Geschäftslage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leistungen",
    )
    archetyp = models.CharField("Archetyp", max_length=30, choices=Archetyp.choices, blank=True)
    prioritaet = models.CharField(
        "Priorität", max_length=20, choices=Prioritaet.choices, blank=True
    )
    vorgehensmodell = models.CharField(
        "Vorgehensmodell", max_length=30, choices=Vorgehensmodell.choices, blank=True
    )
    depriorisierungsgrund = models.CharField(
        "Depriorisierungsgrund", max_length=20, choices=Depriorisierungsgrund.choices, blank=True
    )
    depriorisierung_begruendung = models.TextField("Begründung der Depriorisierung", blank=True)
    depriorisierung_entscheidung = models.CharField(
        "Entscheidung über die Depriorisierung",
        max_length=20,
        choices=Depriorisierungsentscheidung.choices,
        blank=True,
        help_text="Das Programmmanagement hat das letzte Wort.",
    )
    welle = models.PositiveSmallIntegerField("Welle", null=True, blank=True)
    phase = models.CharField(
        "Phase", max_length=30, choices=Phase.choices, default=Phase.THEMENFELDPLANUNG
    )
    nachnutzungsmodell = models.CharField(
        "Nachnutzungsmodell", max_length=30, choices=Nachnutzungsmodell.choices, blank=True
    )
    ausserhalb_ozg = models.CharField(
        "umgesetzt außerhalb des OZG",
        max_length=20,
        choices=AusserhalbOzg.choices,
        blank=True,
        help_text="z. B. iKfZ oder ELSTER; wird gesondert berichtet.",
    )
    steckbrief = models.TextField(
        "Leistungssteckbrief",
        blank=True,
        help_text="Umsetzungsansatz der Leistung (Ergebnis der Themenfeldplanung).",
    )
    steckbrief_datei = models.FileField(
        "Leistungssteckbrief (Datei)", upload_to="steckbriefe/", blank=True
    )
    im_katalog = models.BooleanField(
        "im aktuellen Umsetzungskatalog",
        default=True,
        help_text="Falsch, wenn ein neuerer Katalogimport die Leistung nicht mehr enthält.",
    )

    objects = LeistungQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "OZG-Leistung"
        verbose_name_plural = "OZG-Leistungen"
        permissions = [
            ("verantwortung", "Leistung verantworten (Objektrecht)"),
            ("nachnutzung_lv", "Leistung im nachnutzenden Land verantworten (Objektrecht)"),
        ]
        ordering = ["ozg_id"]

    def __str__(self) -> str:
        return f"{self.ozg_id} {self.name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.lebenslage_id and self.lebenslage.themenfeld_id != self.themenfeld_id:
            errors["lebenslage"] = "Die Lebenslage gehört zu einem anderen Themenfeld."
        if not rules.vorgehensmodell_passt(self.prioritaet, self.vorgehensmodell):
            erlaubt = ", ".join(
                Vorgehensmodell(v).label for v in rules.ERLAUBTE_VORGEHENSMODELLE[self.prioritaet]
            )
            errors["vorgehensmodell"] = (
                f"Passt nicht zur Priorität „{self.get_prioritaet_display()}“; erlaubt: {erlaubt}."
            )
        depriorisiert = self.prioritaet == Prioritaet.DEPRIORISIERT
        abgelehnt = self.depriorisierung_entscheidung == Depriorisierungsentscheidung.ABGELEHNT
        if depriorisiert and not self.depriorisierungsgrund:
            errors["depriorisierungsgrund"] = "Eine Depriorisierung braucht einen Grund."
        if depriorisiert and not self.depriorisierung_begruendung.strip():
            errors["depriorisierung_begruendung"] = "Bitte die Depriorisierung begründen."
        if depriorisiert and abgelehnt:
            errors["depriorisierung_entscheidung"] = (
                "Eine abgelehnte Depriorisierung braucht wieder eine Priorität (Prio 1–3)."
            )
        # A rejected proposal keeps its reason on record; otherwise only depriorisierte
        # Leistungen have a reason or a decision.
        if (
            not depriorisiert
            and not abgelehnt
            and (self.depriorisierungsgrund or self.depriorisierung_entscheidung)
        ):
            errors["depriorisierungsgrund"] = "Nur depriorisierte Leistungen haben einen Grund."
        if errors:
            raise ValidationError(errors)

    # --- derived values (rules live in rules.py) ---

    @property
    def typ(self) -> rules.Leistungstyp:
        return rules.leistungstyp(lk.typ for lk in self.leika_leistungen.all())

    def neubewertung_faellig(self, stichtag: dt.date | None = None) -> bool:
        if self.prioritaet != Prioritaet.DEPRIORISIERT:
            return False
        return rules.depriorisierung_neubewertung_faellig(
            self.depriorisierungsgrund, stichtag or timezone.localdate()
        )

    def ergebnis_anforderungen(self) -> dict[str, rules.Anforderung | None]:
        return {
            typ: rules.ergebnis_anforderung(typ, self.prioritaet, self.vorgehensmodell)
            for typ in Ergebnistyp.values
        }

    def vollstaendigkeit(self) -> rules.Vollstaendigkeit:
        return rules.ergebnis_vollstaendigkeit(
            self.prioritaet,
            self.vorgehensmodell,
            {e.ergebnistyp: (e.status, e.ff_erforderlich) for e in self.ergebnisse.all()},
        )

    def flaechendeckung(self, laender_ars: list[str] | None = None) -> rules.FlaechendeckungBund:
        if laender_ars is None:
            laender_ars = list(Organisation.objects.laender().values_list("ars", flat=True))
        staende = [
            rules.Stand(s.gebiet.ars, s.reifegrad)
            for s in self.umsetzungsstaende.select_related("gebiet")
        ]
        return rules.flaechendeckung_bund(laender_ars, staende)

    def verantwortliche(self):
        """Users holding a current Leistungsverantwortlicher assignment for this Leistung."""
        return self.rollenzuweisungen.gueltig().filter(rolle=Rolle.LEISTUNGSVERANTWORTLICHER)


class LeikaLeistung(BaseModel):
    """A LeiKa-Leistung (Leistungskatalog key) belonging to an OZG-Leistung."""

    schluessel = models.CharField(
        "LeiKa-Schlüssel",
        max_length=14,
        null=True,
        blank=True,
        unique=True,
        help_text="14-stelliger Schlüssel; leer bei Leistungen, die nicht im LeiKa stehen.",
    )
    name = models.CharField("Name", max_length=500)
    typ = models.CharField(
        "LeiKa-Typ",
        max_length=20,
        blank=True,
        help_text="Normalisiert: 1, 2/3, 4, 5 oder eine Kombination wie „1, 2/3“.",
    )
    typ_original = models.CharField("LeiKa-Typ (wie geliefert)", max_length=50, blank=True)
    leistung = models.ForeignKey(
        Leistung,
        verbose_name="OZG-Leistung",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leika_leistungen",
    )
    rechtsgrundlage = models.TextField("Rechtsgrundlage", blank=True)
    gesetze = models.CharField("Gesetze", max_length=500, blank=True)
    gesetz_kuerzel = models.CharField("Gesetzeskürzel", max_length=200, blank=True)
    im_katalog = models.BooleanField("im aktuellen Umsetzungskatalog", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "LeiKa-Leistung"
        verbose_name_plural = "LeiKa-Leistungen"
        ordering = ["schluessel", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["leistung", "name"],
                condition=models.Q(schluessel__isnull=True),
                name="leika_ohne_schluessel_eindeutig",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schluessel or 'nicht im LeiKa'} {self.name}"

    def clean(self) -> None:
        if self.schluessel == "":
            self.schluessel = None
        if self.schluessel and (not self.schluessel.isdigit() or len(self.schluessel) != 14):
            raise ValidationError({"schluessel": "Ein LeiKa-Schlüssel hat 14 Ziffern."})
        if self.typ:
            parsed = rules.leika_typ_parsen(self.typ)
            if parsed.ungueltig or not parsed.typen:
                raise ValidationError({"typ": "Erlaubt sind 1, 2/3, 4, 5 oder Kombinationen."})
            self.typ = ", ".join(parsed.typen)


class Umsetzungsprojekt(BaseModel):
    """Umsetzungsprojekt / Umsetzungsbündel grouping related Leistungen."""

    name = models.CharField("Name", max_length=200)
    themenfeld = models.ForeignKey(
        Themenfeld,
        verbose_name="Themenfeld",
        on_delete=models.PROTECT,
        related_name="umsetzungsprojekte",
    )
    federfuehrendes_land = models.ForeignKey(
        Organisation,
        verbose_name="umsetzendes (federführendes) Land",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="umsetzungsprojekte",
        limit_choices_to={"art": OrganisationsArt.LAND},
    )
    leistungen = models.ManyToManyField(
        Leistung, verbose_name="Leistungen", blank=True, related_name="umsetzungsprojekte"
    )
    beschreibung = models.TextField("Beschreibung", blank=True)

    history = HistoricalRecords(m2m_fields=[leistungen])

    class Meta:
        verbose_name = "Umsetzungsprojekt"
        verbose_name_plural = "Umsetzungsprojekte"
        permissions = [("koordination", "Umsetzungsprojekt koordinieren (Objektrecht)")]
        ordering = ["themenfeld__nummer", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["themenfeld", "name"], name="umsetzungsprojekt_eindeutig"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.federfuehrendes_land_id and self.federfuehrendes_land.art != OrganisationsArt.LAND:
            raise ValidationError({"federfuehrendes_land": "Hier ist ein Land anzugeben."})

    def umsetzungskoordinatoren(self):
        return self.rollenzuweisungen.gueltig().filter(rolle=Rolle.UMSETZUNGSKOORDINATOR)


class Ergebnis(BaseModel):
    """Delivery of one Ergebnistyp for a Leistung (Abbildung 2)."""

    leistung = models.ForeignKey(
        Leistung, verbose_name="Leistung", on_delete=models.CASCADE, related_name="ergebnisse"
    )
    ergebnistyp = models.CharField("Ergebnistyp", max_length=30, choices=Ergebnistyp.choices)
    status = models.CharField(
        "Status", max_length=20, choices=Ergebnisstatus.choices, default=Ergebnisstatus.OFFEN
    )
    ff_erforderlich = models.BooleanField(
        "vom Federführer als erforderlich bestimmt",
        null=True,
        blank=True,
        help_text="Nur bei „Entscheidung durch FF“: ja, nein oder noch offen.",
    )
    fim_status = models.CharField(
        "FIM-Freigabestatus",
        max_length=10,
        choices=FimStatus.choices,
        blank=True,
        help_text="Nur für FIM-Stamminformationen.",
    )
    nachweis_url = models.URLField("Nachweis (Link)", max_length=500, blank=True)
    nachweis_datei = models.FileField("Nachweis (Datei)", upload_to="ergebnisse/", blank=True)
    repository_url = models.URLField("Repository", max_length=500, blank=True)
    verzicht_begruendung = models.TextField(
        "Begründung des Verzichts",
        blank=True,
        help_text="Bei Klick-Prototypen: fachlich fundierte Einschätzung.",
    )
    geliefert_am = models.DateField("geliefert am", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Ergebnis"
        verbose_name_plural = "Ergebnisse"
        ordering = ["leistung__ozg_id", "ergebnistyp"]
        constraints = [
            models.UniqueConstraint(
                fields=["leistung", "ergebnistyp"], name="ergebnis_je_typ_eindeutig"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_ergebnistyp_display()} – {self.leistung}"

    @property
    def anforderung(self) -> rules.Anforderung | None:
        return rules.ergebnis_anforderung(
            self.ergebnistyp, self.leistung.prioritaet, self.leistung.vorgehensmodell
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.status == Ergebnisstatus.VERZICHTET:
            if not self.verzicht_begruendung.strip():
                errors["verzicht_begruendung"] = "Ein Verzicht braucht eine Begründung."
            elif self.leistung_id and not rules.verzicht_zulaessig(
                self.anforderung, self.ff_erforderlich
            ):
                errors["status"] = (
                    "Auf diesen Ergebnistyp kann bei dieser Priorität nicht verzichtet werden."
                )
        if self.status == Ergebnisstatus.GELIEFERT and not (
            self.nachweis_url or self.nachweis_datei or self.repository_url
        ):
            errors["nachweis_url"] = "Ein geliefertes Ergebnis braucht einen Nachweis."
        if self.fim_status and self.ergebnistyp != Ergebnistyp.FIM_STAMMINFORMATIONEN:
            errors["fim_status"] = "Nur FIM-Stamminformationen haben einen FIM-Status."
        if errors:
            raise ValidationError(errors)


class Umsetzungsstand(BaseModel):
    """Reifegrad of a Leistung in one Gebiet (Land, Kreis or Gemeinde) at a date."""

    leistung = models.ForeignKey(
        Leistung,
        verbose_name="Leistung",
        on_delete=models.CASCADE,
        related_name="umsetzungsstaende",
    )
    gebiet = models.ForeignKey(
        Organisation,
        verbose_name="Gebiet",
        on_delete=models.PROTECT,
        related_name="umsetzungsstaende",
        limit_choices_to={"art__in": GEBIETS_ARTEN},
    )
    reifegrad = models.PositiveSmallIntegerField(
        "Reifegrad",
        choices=Reifegrad.choices,
        validators=[MinValueValidator(0), MaxValueValidator(4)],
    )
    online_url = models.URLField("Online-Dienst (URL)", max_length=500, blank=True)
    stichtag = models.DateField("Stand vom", default=timezone.localdate)
    bemerkung = models.TextField("Bemerkung", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Umsetzungsstand"
        verbose_name_plural = "Umsetzungsstände"
        ordering = ["leistung__ozg_id", "gebiet__ars"]
        constraints = [
            models.UniqueConstraint(
                fields=["leistung", "gebiet"], name="umsetzungsstand_je_gebiet_eindeutig"
            ),
            models.CheckConstraint(
                condition=models.Q(reifegrad__gte=0, reifegrad__lte=4),
                name="reifegrad_0_bis_4",
                violation_error_message="Der Reifegrad liegt zwischen 0 und 4.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leistung} – {self.gebiet}: Stufe {self.reifegrad}"

    @property
    def ozg_konform(self) -> bool:
        return self.reifegrad >= REIFEGRAD_OZG_KONFORM

    @property
    def oeffentliche_url(self) -> str:
        """The online service is only shown from Stufe 2 on (§5.6)."""
        return self.online_url if self.reifegrad >= REIFEGRAD_URL_SICHTBAR else ""

    def clean(self) -> None:
        if self.gebiet_id and self.gebiet.art not in GEBIETS_ARTEN:
            raise ValidationError(
                {"gebiet": "Ein Umsetzungsstand gilt für ein Land, einen Kreis oder eine Gemeinde."}
            )
        if self.stichtag and self.stichtag > timezone.localdate():
            raise ValidationError({"stichtag": "Der Stand darf nicht in der Zukunft liegen."})


class MeilensteinQuerySet(models.QuerySet):
    def verzoegert(self, stichtag: dt.date | None = None):
        """Database form of ``rules.meilenstein_ist_verzoegert``."""
        tag = stichtag or timezone.localdate()
        return self.filter(
            models.Q(erreicht__isnull=False, erreicht__gt=models.F("geplant"))
            | models.Q(erreicht__isnull=True, geplant__lt=tag)
        )


class Meilenstein(BaseModel):
    """Steuerungsindikator / Meilenstein of a phase, measured against its planned date."""

    themenfeld = models.ForeignKey(
        Themenfeld,
        verbose_name="Themenfeld",
        on_delete=models.CASCADE,
        related_name="meilensteine",
    )
    leistung = models.ForeignKey(
        Leistung,
        verbose_name="Leistung",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meilensteine",
        help_text="Leer für Meilensteine des ganzen Themenfelds.",
    )
    phase = models.CharField("Phase", max_length=30, choices=Phase.choices)
    name = models.CharField("Steuerungsindikator", max_length=200)
    geplant = models.DateField("geplant (Feinplanung)")
    erreicht = models.DateField("tatsächlich erreicht", null=True, blank=True)
    bemerkung = models.TextField("Bemerkung", blank=True)

    objects = MeilensteinQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Meilenstein / Steuerungsindikator"
        verbose_name_plural = "Meilensteine / Steuerungsindikatoren"
        ordering = ["themenfeld__nummer", "geplant", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.leistung or self.themenfeld})"

    def clean(self) -> None:
        if (
            self.leistung_id
            and self.themenfeld_id
            and self.leistung.themenfeld_id != self.themenfeld_id
        ):
            raise ValidationError({"leistung": "Die Leistung gehört zu einem anderen Themenfeld."})
        if self.erreicht and self.erreicht > timezone.localdate():
            raise ValidationError(
                {"erreicht": "Ein Datum in der Zukunft kann nicht erreicht sein."}
            )

    def verzug_tage(self, stichtag: dt.date | None = None) -> int:
        return rules.meilenstein_verzug_tage(
            self.geplant, self.erreicht, stichtag or timezone.localdate()
        )

    def ist_verzoegert(self, stichtag: dt.date | None = None) -> bool:
        return rules.meilenstein_ist_verzoegert(
            self.geplant, self.erreicht, stichtag or timezone.localdate()
        )


class Referenzimplementierung(BaseModel):
    """Referenzimplementierung of a Leistung in its leading Land (§5.1).

    Complete only when all four criteria hold; *funktional* follows from the
    Umsetzungsstand of the leading Land (Stufe ≥ 3), *Nachnutzbarkeit* from the published
    FIM and OZG reference information plus initiated interfaces/standards.
    """

    leistung = models.OneToOneField(
        Leistung,
        verbose_name="Leistung",
        on_delete=models.CASCADE,
        related_name="referenzimplementierung",
    )
    land = models.ForeignKey(
        Organisation,
        verbose_name="umsetzendes Land",
        on_delete=models.PROTECT,
        related_name="referenzimplementierungen",
        limit_choices_to={"art": OrganisationsArt.LAND},
    )
    url = models.URLField("Online-Dienst", max_length=500, blank=True)
    live_im_land = models.BooleanField("live im umsetzenden Land", default=False)
    nachnutzbar_fuer_andere = models.BooleanField("für andere Länder nachnutzbar", default=False)
    deckt_leistungsbreite_ab = models.BooleanField(
        "deckt die relevanten LeiKa-Leistungen/Verrichtungen ab", default=False
    )
    standards_initiiert = models.BooleanField(
        "fehlende Schnittstellen/Standards initiiert", default=False
    )
    bemerkung = models.TextField("Bemerkung", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Referenzimplementierung"
        verbose_name_plural = "Referenzimplementierungen"

    def __str__(self) -> str:
        return f"Referenzimplementierung {self.leistung} ({self.land})"

    def clean(self) -> None:
        if self.land_id and self.land.art != OrganisationsArt.LAND:
            raise ValidationError({"land": "Hier ist ein Land anzugeben."})

    def kriterien(self) -> dict[str, bool]:
        stand = self.leistung.umsetzungsstaende.filter(gebiet_id=self.land_id).first()
        ergebnisse = {e.ergebnistyp: e for e in self.leistung.ergebnisse.all()}
        # FIM and OZG reference information published; a waiver that Abbildung 2 allows
        # (Prio 3: OZG-Referenzinformationen) counts as done.
        referenz_veroeffentlicht = all(
            (e := ergebnisse.get(t)) is not None
            and rules.ergebnis_ist_erfuellt(e.anforderung, e.ff_erforderlich, e.status)
            and (e.status == Ergebnisstatus.GELIEFERT or e.status == Ergebnisstatus.VERZICHTET)
            for t in (Ergebnistyp.FIM_STAMMINFORMATIONEN, Ergebnistyp.OZG_REFERENZINFORMATIONEN)
        )
        return {
            "territorial": self.live_im_land and self.nachnutzbar_fuer_andere,
            "funktional": bool(stand and stand.reifegrad >= REIFEGRAD_OZG_KONFORM),
            "leistungsbreite": self.deckt_leistungsbreite_ab,
            "nachnutzbarkeit": referenz_veroeffentlicht and self.standards_initiiert,
        }

    @property
    def abgeschlossen(self) -> bool:
        return rules.referenzimplementierung_abgeschlossen(**self.kriterien())
