"""Shared framework models: base model, Organisationen/Gebiete and Rollenzuweisungen."""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .choices import (
    ARS_LAENGE,
    GEBIETS_ARTEN,
    Aktion,
    OrganisationsArt,
    Rolle,
    globale_codename_von,
)


class BaseModel(models.Model):
    """Timestamps for every domain model. History comes from ``HistoricalRecords``."""

    erstellt = models.DateTimeField("erstellt", auto_now_add=True)
    geaendert = models.DateTimeField("geändert", auto_now=True)

    class Meta:
        abstract = True


ars_validator = RegexValidator(r"^\d+$", "Der Amtliche Regionalschlüssel besteht nur aus Ziffern.")


class OrganisationQuerySet(models.QuerySet):
    def gebiete(self):
        return self.filter(art__in=GEBIETS_ARTEN)

    def laender(self):
        return self.filter(art=OrganisationsArt.LAND)

    def im_land(self, land: "Organisation"):
        """The Land itself and every Kreis and Gemeinde whose ARS starts with its ARS."""
        return self.gebiete().filter(ars__startswith=land.ars)


class Organisation(BaseModel):
    """Bund, Bundesressorts, Länder, Kreise, Gemeinden, FITKO, IT-Dienstleister.

    Länder, Kreise and Gemeinden are *Gebiete*: they carry the Amtlicher Regionalschlüssel
    (ARS) and the Umsetzungsstand is reported per Gebiet.
    """

    name = models.CharField("Name", max_length=200)
    kurzname = models.CharField("Kurzname", max_length=40, blank=True)
    art = models.CharField("Art", max_length=20, choices=OrganisationsArt.choices)
    ars = models.CharField(
        "Amtlicher Regionalschlüssel (ARS)",
        max_length=12,
        blank=True,
        null=True,
        unique=True,
        validators=[ars_validator],
        help_text="Land 2, Kreis 5, Gemeinde 12 Ziffern.",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="übergeordnete Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="untergeordnete",
    )
    website = models.URLField("Website", blank=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Organisation"
        verbose_name_plural = "Organisationen"
        permissions = [
            ("land_koordination", "OZG-Koordination eines Landes (Objektrecht)"),
            ("ressort_ansprechpartner", "OZG-Ressortansprechpartner (Objektrecht)"),
        ]
        ordering = ["art", "ars", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(art__in=GEBIETS_ARTEN) | models.Q(ars__isnull=False),
                name="gebiet_hat_ars",
                violation_error_message="Ein Gebiet (Land, Kreis, Gemeinde) braucht einen ARS.",
            ),
        ]

    def __str__(self) -> str:
        return self.kurzname or self.name

    @property
    def ist_gebiet(self) -> bool:
        return self.art in GEBIETS_ARTEN

    @property
    def land_ars(self) -> str | None:
        return self.ars[:2] if self.ars else None

    def clean(self) -> None:
        errors = {}
        if self.ars == "":
            self.ars = None
        if self.art in GEBIETS_ARTEN:
            laenge = ARS_LAENGE[self.art]
            if not self.ars:
                errors["ars"] = "Ein Gebiet (Land, Kreis, Gemeinde) braucht einen ARS."
            elif len(self.ars) != laenge:
                errors["ars"] = (
                    f"Der ARS eines Gebiets der Art „{self.get_art_display()}“ hat "
                    f"{laenge} Ziffern, nicht {len(self.ars)}."
                )
            elif self.art != OrganisationsArt.LAND:
                if not self.parent_id or not self.parent.ars:
                    errors["parent"] = "Kreise und Gemeinden brauchen ein übergeordnetes Gebiet."
                elif not self.ars.startswith(self.parent.ars):
                    errors["ars"] = (
                        f"Der ARS {self.ars} liegt nicht im übergeordneten Gebiet "
                        f"{self.parent} (ARS {self.parent.ars})."
                    )
        elif self.ars:
            errors["ars"] = "Nur Länder, Kreise und Gemeinden haben einen ARS."
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = "Eine Organisation kann nicht sich selbst untergeordnet sein."
        if errors:
            raise ValidationError(errors)


class RollenzuweisungQuerySet(models.QuerySet):
    def gueltig(self, stichtag=None):
        tag = stichtag or timezone.localdate()
        return self.filter(
            models.Q(gueltig_von__isnull=True) | models.Q(gueltig_von__lte=tag),
            models.Q(gueltig_bis__isnull=True) | models.Q(gueltig_bis__gte=tag),
            user__is_active=True,
        )


#: Which scope field a role needs (None = programme-wide). The one place that says it.
ROLLEN_BEREICH: dict[str, tuple[str, ...]] = {
    Rolle.PROGRAMMMANAGEMENT: (),
    Rolle.OZG_KOORDINATOR: ("organisation",),
    Rolle.FEDERFUEHRER: ("themenfeld",),
    Rolle.UMSETZUNGSKOORDINATOR: ("umsetzungsprojekt",),
    Rolle.RESSORTANSPRECHPARTNER: ("organisation",),
    Rolle.LEISTUNGSVERANTWORTLICHER: ("leistung",),
    Rolle.LV_NACHNUTZENDES_LAND: ("leistung", "organisation"),
    Rolle.LESER: (),
}

#: Organisation kind a role's ``organisation`` must have.
ROLLEN_ORGANISATIONSART: dict[str, tuple[str, ...]] = {
    Rolle.PROGRAMMMANAGEMENT: (
        OrganisationsArt.BUNDESRESSORT,
        OrganisationsArt.FITKO,
    ),
    Rolle.OZG_KOORDINATOR: (OrganisationsArt.LAND,),
    Rolle.FEDERFUEHRER: (OrganisationsArt.LAND, OrganisationsArt.BUNDESRESSORT),
    Rolle.RESSORTANSPRECHPARTNER: (OrganisationsArt.BUNDESRESSORT,),
    Rolle.LV_NACHNUTZENDES_LAND: (OrganisationsArt.LAND,),
}

_BEREICHSFELDER = ("organisation", "themenfeld", "umsetzungsprojekt", "leistung")


class Rollenzuweisung(BaseModel):
    """Who holds which role for which scope, and from when to when.

    The source of truth for responsibilities (Federführer, Leistungsverantwortlicher,
    Umsetzungskoordinator, ...) and, from the roles issue on, for object permissions.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Person",
        on_delete=models.CASCADE,
        related_name="rollenzuweisungen",
    )
    rolle = models.CharField("Rolle", max_length=40, choices=Rolle.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="Organisation / Land / Ressort",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rollenzuweisungen",
        help_text="Für Programmmanagement (BMI/FITKO), OZG-Koordinator (Land), "
        "Federführer (Land- oder Ressortseite), Ressortansprechpartner und "
        "Leistungsverantwortliche im nachnutzenden Land.",
    )
    themenfeld = models.ForeignKey(
        "themenfelder.Themenfeld",
        verbose_name="Themenfeld",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rollenzuweisungen",
    )
    umsetzungsprojekt = models.ForeignKey(
        "leistungen.Umsetzungsprojekt",
        verbose_name="Umsetzungsprojekt",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rollenzuweisungen",
    )
    leistung = models.ForeignKey(
        "leistungen.Leistung",
        verbose_name="Leistung",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rollenzuweisungen",
    )
    gueltig_von = models.DateField("gültig von", null=True, blank=True)
    gueltig_bis = models.DateField("gültig bis", null=True, blank=True)
    funktion = models.CharField(
        "Funktion / Dienststelle", max_length=200, blank=True, help_text="z. B. Referat DV 1"
    )
    kontakt_veroeffentlichen = models.BooleanField(
        "als Kontakt veröffentlichen",
        default=False,
        help_text="Name, Funktion und E-Mail erscheinen in den öffentlichen Kontakten.",
    )

    objects = RollenzuweisungQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Rollenzuweisung"
        verbose_name_plural = "Rollenzuweisungen"
        permissions = [(globale_codename_von(a), f"überall: {a.label}") for a in Aktion]
        ordering = ["rolle", "user__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gueltig_bis__isnull=True)
                | models.Q(gueltig_von__isnull=True)
                | models.Q(gueltig_bis__gte=models.F("gueltig_von")),
                name="rollenzuweisung_zeitraum",
                violation_error_message="„gültig bis“ liegt vor „gültig von“.",
            ),
        ]

    def __str__(self) -> str:
        bereich = self.organisation or self.themenfeld or self.umsetzungsprojekt or self.leistung
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name}: {self.get_rolle_display()}" + (f" ({bereich})" if bereich else "")

    def clean(self) -> None:
        errors: dict[str, str] = {}
        benoetigt = ROLLEN_BEREICH.get(self.rolle, ())
        for feld in _BEREICHSFELDER:
            gesetzt = getattr(self, f"{feld}_id") is not None
            if feld in benoetigt and not gesetzt and feld != "organisation":
                errors[feld] = f"Die Rolle „{self.get_rolle_display()}“ braucht dieses Feld."
            elif (
                feld not in benoetigt
                and gesetzt
                and not (feld == "organisation" and self.rolle in ROLLEN_ORGANISATIONSART)
            ):
                errors[feld] = f"Für die Rolle „{self.get_rolle_display()}“ nicht vorgesehen."
        arten = ROLLEN_ORGANISATIONSART.get(self.rolle)
        if "organisation" in benoetigt and self.organisation_id is None:
            errors["organisation"] = f"Die Rolle „{self.get_rolle_display()}“ braucht dieses Feld."
        elif arten and self.organisation_id and self.organisation.art not in arten:
            erlaubt = ", ".join(OrganisationsArt(a).label for a in arten)
            errors["organisation"] = f"Erwartet wird eine Organisation der Art: {erlaubt}."
        if self.gueltig_von and self.gueltig_bis and self.gueltig_bis < self.gueltig_von:
            errors["gueltig_bis"] = "„gültig bis“ liegt vor „gültig von“."
        if errors:
            raise ValidationError(errors)


# --------------------------------------------------------------------------------------
# Persönliche API-Tokens (ozgplattform/konto, docs/konto.md)
# --------------------------------------------------------------------------------------

#: Longest validity of a personal API token.
API_TOKEN_MAX_GUELTIGKEIT = datetime.timedelta(days=365)


class ApiTokenQuerySet(models.QuerySet):
    def gueltig(self):
        """Tokens that authenticate now: not revoked, not expired, owner active."""
        return self.filter(
            widerrufen_am__isnull=True,
            gueltig_bis__gt=timezone.now(),
            user__is_active=True,
        )


class ApiToken(BaseModel):
    """A personal API token of one user, for scripts and other systems.

    Only the SHA-256 hash of the token is stored; the plaintext is shown once, when the
    token is created (``konto.services.api_token_erstellen``). A fast, unsalted hash is
    right here, unlike for passwords: the token is 32 random bytes from ``secrets``
    (256 bits), so no dictionary or brute-force attack on a leaked hash is feasible,
    and a slow salted KDF (PBKDF2) would cost every API request a few hundred
    milliseconds and rule out finding the token by an indexed lookup of its hash.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Person",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        "Bezeichnung", max_length=100, help_text="Wofür das Token dient, z. B. „Export-Skript“."
    )
    praefix = models.CharField(
        "Präfix",
        max_length=8,
        db_index=True,
        help_text="Die ersten 8 Zeichen des Tokens, zum Wiedererkennen.",
    )
    schluessel_hash = models.CharField(
        "SHA-256 des Tokens", max_length=64, unique=True, editable=False
    )
    schreibrecht = models.BooleanField(
        "Schreibrecht",
        default=False,
        help_text="Ohne Schreibrecht erlaubt das Token nur lesende Anfragen (GET, HEAD, OPTIONS).",
    )
    gueltig_bis = models.DateTimeField("gültig bis")
    widerrufen_am = models.DateTimeField("widerrufen am", null=True, blank=True)
    zuletzt_benutzt = models.DateTimeField("zuletzt benutzt", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API-Token"
        verbose_name_plural = "API-Tokens"
        ordering = ["-erstellt"]

    def __str__(self) -> str:
        return f"{self.name} ({self.praefix}…)"

    @staticmethod
    def hash_von(klartext: str) -> str:
        return hashlib.sha256(klartext.encode()).hexdigest()

    @property
    def widerrufen(self) -> bool:
        return self.widerrufen_am is not None

    @property
    def abgelaufen(self) -> bool:
        return self.gueltig_bis <= timezone.now()

    @property
    def status(self) -> str:
        if self.widerrufen:
            return "widerrufen"
        if self.abgelaufen:
            return "abgelaufen"
        return "gültig"

    def clean(self) -> None:
        if self.gueltig_bis is None:
            return
        jetzt = timezone.now()
        ausgestellt = self.erstellt or jetzt
        if self._state.adding and self.gueltig_bis <= jetzt:
            raise ValidationError({"gueltig_bis": "„gültig bis“ muss in der Zukunft liegen."})
        if self.gueltig_bis > ausgestellt + API_TOKEN_MAX_GUELTIGKEIT:
            raise ValidationError(
                {"gueltig_bis": "Ein API-Token ist höchstens ein Jahr (365 Tage) gültig."}
            )


class IdempotenzSchluessel(models.Model):
    """The stored response to an API POST sent with an ``Idempotency-Key`` header.

    One row per (user, key), written in the same transaction as the POST's service call:
    a retry of the same request gets this response again instead of creating a second
    object, and a concurrent request with the same key waits on the unique index until
    the first commits (``ozgplattform/api/idempotenz.py``). Only successful responses
    are kept; rows expire after :attr:`GUELTIGKEIT` and are deleted by the periodic
    task ``ozgplattform.idempotenzschluessel_aufraeumen``.
    """

    #: How long a key is remembered (and its response replayed).
    GUELTIGKEIT = datetime.timedelta(hours=24)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Person",
        on_delete=models.CASCADE,
        related_name="+",
    )
    schluessel = models.CharField("Idempotency-Key", max_length=255)
    anfrage_hash = models.CharField(
        "SHA-256 der Anfrage", max_length=64, help_text="Methode, Pfad und kanonischer Inhalt."
    )
    status_code = models.PositiveSmallIntegerField("Statuscode")
    antwort = models.JSONField("Antwort", null=True, blank=True, encoder=DjangoJSONEncoder)
    kopfzeilen = models.JSONField("Kopfzeilen", default=dict, blank=True)
    erstellt = models.DateTimeField("erstellt", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "Idempotenzschlüssel"
        verbose_name_plural = "Idempotenzschlüssel"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "schluessel"], name="idempotenzschluessel_eindeutig"
            )
        ]

    def __str__(self) -> str:
        return f"{self.schluessel} ({self.status_code})"

    @property
    def abgelaufen(self) -> bool:
        return self.erstellt <= timezone.now() - self.GUELTIGKEIT
