"""Forms of the edit pages. They only shape input (which fields, which choices); the
rules live in the models' ``clean()`` and the services, which the views call."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ozgplattform.choices import Aktion
from ozgplattform.models import Organisation
from ozgplattform.rechte import darf, darf_global, restrict, schreibbare_felder
from themenfelder.models import Lebenslage

from ..choices import (
    Anforderungsstufe,
    Depriorisierungsentscheidung,
    Ergebnistyp,
    Prioritaet,
    Reifegrad,
)
from ..models import Ergebnis, Leistung, Meilenstein, Umsetzungsprojekt

DATUM = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionForm(forms.ModelForm):
    """A ModelForm with the hidden ``version`` (the record's ``geaendert``) for optimistic
    concurrency, and the service's ValidationError placed next to the fields."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.geaendert:
            self.fields["version"].initial = self.instance.geaendert.isoformat()

    def clean_version(self) -> dt.datetime | None:
        wert = self.cleaned_data.get("version")
        if not wert:
            return None
        try:
            version = dt.datetime.fromisoformat(wert)
        except ValueError as e:
            raise ValidationError(_("Ungültige Version; bitte laden Sie die Seite neu.")) from e
        if timezone.is_naive(version):
            version = timezone.make_aware(version)
        return version

    def version_setzen(self, geaendert: dt.datetime) -> None:
        """After a conflict: the next submit deliberately saves over the current state."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = geaendert.isoformat()

    def daten(self) -> dict:
        """Field values for the service (model fields of the form only)."""
        daten = {}
        for name in self.fields:
            if name == "version" or name not in self.cleaned_data:
                continue
            wert = self.cleaned_data[name]
            if isinstance(self.fields[name], forms.FileField):
                if wert is None:
                    continue  # nothing uploaded, none stored: no change (no history row)
                if wert is False:
                    wert = ""  # "Löschen" ticked
            daten[name] = wert
        return daten

    def fehler_uebernehmen(self, fehler: ValidationError) -> None:
        """Put a service's ValidationError next to the fields it names."""
        if not hasattr(fehler, "error_dict"):
            self.add_error(None, fehler)
            return
        for feld, meldungen in fehler.message_dict.items():
            if feld in self.fields and feld != NON_FIELD_ERRORS:
                self.add_error(feld, meldungen)
            else:
                label = (
                    ""
                    if feld == NON_FIELD_ERRORS
                    else f"{self.instance._meta.get_field(feld).verbose_name}: "
                )
                self.add_error(None, [f"{label}{m}" for m in meldungen])


LEISTUNG_FELDER = (
    "name",
    "themenfeld",
    "lebenslage",
    "archetyp",
    "prioritaet",
    "vorgehensmodell",
    "depriorisierungsgrund",
    "depriorisierung_begruendung",
    "depriorisierung_entscheidung",
    "welle",
    "phase",
    "nachnutzungsmodell",
    "ausserhalb_ozg",
    "steckbrief",
    "steckbrief_datei",
)


class LeistungForm(VersionForm):
    """Only the fields the user's role may write (``rechte.schreibbare_felder``); the
    others are listed read-only (:attr:`nur_lesen`)."""

    class Meta:
        model = Leistung
        fields = LEISTUNG_FELDER
        widgets = {"steckbrief": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        leistung = self.instance
        erlaubt = schreibbare_felder(user, leistung)
        if not darf_global(user, Aktion.DEPRIORISIERUNG_ENTSCHEIDEN):
            erlaubt = (erlaubt if erlaubt is not None else frozenset(LEISTUNG_FELDER)) - {
                "depriorisierung_entscheidung"
            }
        self.nur_lesen = []
        for name in LEISTUNG_FELDER:
            if erlaubt is not None and name not in erlaubt:
                del self.fields[name]
                feld = leistung._meta.get_field(name)
                wert = getattr(leistung, name)
                if feld.choices:
                    wert = getattr(leistung, f"get_{name}_display")()
                self.nur_lesen.append((feld.verbose_name, wert))
        if "lebenslage" in self.fields:
            self.fields["lebenslage"].queryset = Lebenslage.objects.filter(
                themenfeld_id=leistung.themenfeld_id
            ).order_by("name")
        if "prioritaet" in self.fields:
            bestaetigt = (
                leistung.prioritaet == Prioritaet.DEPRIORISIERT
                and leistung.depriorisierung_entscheidung == Depriorisierungsentscheidung.BESTAETIGT
            )
            feld = self.fields["prioritaet"]
            if bestaetigt and not darf_global(user, Aktion.DEPRIORISIERUNG_ENTSCHEIDEN):
                feld.choices = [c for c in feld.choices if c[0] == leistung.prioritaet]
                feld.help_text = _("Die Depriorisierung hat das Programmmanagement bestätigt.")
            elif not darf(user, Aktion.DEPRIORISIERUNG_VORSCHLAGEN, leistung):
                feld.choices = [
                    c
                    for c in feld.choices
                    if c[0] != Prioritaet.DEPRIORISIERT or c[0] == leistung.prioritaet
                ]


class ErgebnisForm(VersionForm):
    class Meta:
        model = Ergebnis
        fields = (
            "status",
            "ff_erforderlich",
            "fim_status",
            "nachweis_url",
            "nachweis_datei",
            "repository_url",
            "verzicht_begruendung",
            "geliefert_am",
        )
        widgets = {
            "geliefert_am": DATUM,
            "ff_erforderlich": forms.NullBooleanSelect,
            "verzicht_begruendung": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ergebnis = self.instance
        if ergebnis.ergebnistyp != Ergebnistyp.FIM_STAMMINFORMATIONEN:
            del self.fields["fim_status"]
        anforderung = ergebnis.anforderung
        if anforderung is None or anforderung.stufe != Anforderungsstufe.ENTSCHEIDUNG_FF:
            del self.fields["ff_erforderlich"]


class MeilensteinForm(VersionForm):
    class Meta:
        model = Meilenstein
        fields = ("phase", "name", "geplant", "erreicht", "bemerkung")
        widgets = {
            "geplant": DATUM,
            "erreicht": DATUM,
            "bemerkung": forms.Textarea(attrs={"rows": 4}),
        }


class UmsetzungsprojektForm(VersionForm):
    """Leistungen: only those the user may edit, plus those already in the project (so
    saving never drops them unnoticed)."""

    class Meta:
        model = Umsetzungsprojekt
        fields = ("name", "beschreibung", "federfuehrendes_land", "leistungen")
        widgets = {
            "beschreibung": forms.Textarea(attrs={"rows": 5}),
            "leistungen": forms.SelectMultiple(attrs={"size": 12}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        projekt = self.instance
        bearbeitbar = restrict(Leistung.objects.all(), user, Aktion.LEISTUNG_BEARBEITEN)
        self.fields["leistungen"].queryset = (
            (
                Leistung.objects.filter(pk__in=bearbeitbar.values("pk"))
                | Leistung.objects.filter(umsetzungsprojekte=projekt)
            )
            .distinct()
            .order_by("ozg_id")
        )
        self.fields["leistungen"].help_text = _(
            "Angeboten werden die Leistungen, die Sie bearbeiten dürfen. Mehrfachauswahl "
            "mit Strg (Mac: Cmd)."
        )
        self.fields["federfuehrendes_land"].queryset = Organisation.objects.laender().order_by(
            "name"
        )


class LeistungAuswahlFeld(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.ozg_id} – {obj.name}"


class GebietFeld(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_art_display()}, ARS {obj.ars})"


class UmsetzungsstandForm(forms.Form):
    leistung = LeistungAuswahlFeld(
        label=_("Leistung"), queryset=Leistung.objects.none(), to_field_name="ozg_id"
    )
    gebiet = GebietFeld(
        label=_("Gebiet"), queryset=Organisation.objects.none(), to_field_name="ars"
    )
    reifegrad = forms.TypedChoiceField(
        label=_("Reifegrad"), choices=[("", "---------"), *Reifegrad.choices], coerce=int
    )
    online_url = forms.URLField(
        label=_("Online-Dienst (URL)"), max_length=500, required=False, assume_scheme="https"
    )
    stichtag = forms.DateField(label=_("Stand vom"), widget=DATUM, required=False)
    bemerkung = forms.CharField(
        label=_("Bemerkung"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, gebiete, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leistung"].queryset = Leistung.objects.order_by("ozg_id")
        self.fields["gebiet"].queryset = gebiete.order_by("ars")
        self.fields["stichtag"].initial = timezone.localdate()

    def clean_stichtag(self):
        stichtag = self.cleaned_data.get("stichtag")
        if stichtag and stichtag > timezone.localdate():
            raise ValidationError(_("Der Stand darf nicht in der Zukunft liegen."))
        return stichtag


class StatusblattForm(forms.Form):
    datei = forms.FileField(
        label=_("Statusblatt (CSV oder XLSX)"),
        help_text=_(
            "Spalten: ozg_id, ars, reifegrad, online_url, stichtag, bemerkung. CSV in UTF-8, "
            "getrennt durch Semikolon oder Komma; Datum als TT.MM.JJJJ oder JJJJ-MM-TT."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
