"""Common base of the report types: parameters, visibility, rendering in every format."""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from ozgplattform.rechte import restrict

from . import Berichtsart, Ergebnis, Format, Fortschritt, _kein_fortschritt
from .ausgabe import Bericht, als_csv, als_html, als_pdf, als_xlsx, dateiname


class Systemleser:
    """Stands in for ``user=None`` (trusted server-side caller, e.g. a scheduled report)
    wherever the permission layer needs a user: it reads everything, like the
    Programmmanagement. Never derived from a request."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    is_anonymous = False

    def get_username(self) -> str:
        return "system"


SYSTEM = Systemleser()


def leser(user):
    """The user whose visibility a report is computed with (``None`` → everything)."""
    return SYSTEM if user is None else user


def sicht(queryset: models.QuerySet, user) -> models.QuerySet:
    """``restrict`` for reading, with ``user=None`` meaning the trusted caller."""
    return restrict(queryset, leser(user))


def angemeldet(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


#: The OZG entered into force on 18 August 2017: no report date lies before it.
OZG_BEGINN = dt.date(2017, 8, 18)


def datum_begrenzen(datum: dt.date, bezeichnung: str) -> dt.date:
    """``datum`` if it lies between OZG_BEGINN and today, else a German ValidationError."""
    if datum < OZG_BEGINN:
        raise ValidationError(
            _("%(wert)s darf nicht vor dem 18.08.2017 (Inkrafttreten des OZG) liegen.")
            % {"wert": bezeichnung}
        )
    if datum > timezone.localdate():
        raise ValidationError(
            _("%(wert)s darf nicht in der Zukunft liegen.") % {"wert": bezeichnung}
        )
    return datum


class StichtagForm(forms.Form):
    """Stichtag of every report: today by default, not before the OZG's entry into force
    (OZG_BEGINN), not in the future."""

    stichtag = forms.DateField(
        label=_("Stichtag"),
        required=False,
        help_text=_("Datenstand des Berichts; leer: heute."),
        error_messages={"invalid": _("Bitte ein Datum angeben (JJJJ-MM-TT oder TT.MM.JJJJ).")},
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )

    def clean_stichtag(self) -> dt.date:
        stichtag = self.cleaned_data.get("stichtag") or timezone.localdate()
        return datum_begrenzen(stichtag, _("Der Stichtag"))


def _json(wert):
    if isinstance(wert, models.Model):
        return wert.pk
    if isinstance(wert, dt.date):
        return wert.isoformat()
    if isinstance(wert, list | tuple):
        return [_json(w) for w in wert]
    if isinstance(wert, dict):
        return {k: _json(w) for k, w in wert.items()}
    return wert


def objekt(model: type[models.Model], pk) -> models.Model | None:
    """The row with primary key ``pk``, or None — also for a malformed key."""
    try:
        return model._default_manager.filter(pk=pk).first()
    except (TypeError, ValueError):
        return None


def pks(werte) -> list[int]:
    """The well-formed integer primary keys among ``werte`` (others are dropped)."""
    ergebnis = set()
    for wert in werte:
        if isinstance(wert, bool):
            continue
        try:
            ergebnis.add(int(wert))
        except (TypeError, ValueError):
            continue
    return sorted(ergebnis)


def mehrwertig(feld: forms.Field) -> bool:
    """Whether the form field takes several values (a list in JSON)."""
    return isinstance(feld, forms.MultipleChoiceField | forms.ModelMultipleChoiceField) or bool(
        getattr(feld.widget, "allow_multiple_selected", False)
    )


#: JSON values a single form field accepts (``None`` means empty).
SKALAR = (str, int, float, bool)


def eingabe_pruefen(
    daten, felder: dict[str, forms.Field], erlaubt: list[str]
) -> tuple[QueryDict, dict[str, list[str]]]:
    """Check the shape of a request's parameters before any form sees them and turn
    them into form data.

    ``daten`` is a JSON object (API) or a QueryDict (page). Every key must be one of
    ``erlaubt``; each value a scalar, or a list of scalars where the field (``felder``:
    name → form or filter field) takes several values; keys without a field are left to
    the caller. Returns the data as a QueryDict (strings) and the field errors (German);
    an error under ``parameter`` concerns the whole object.
    """
    ergebnis = QueryDict(mutable=True)
    if not isinstance(daten, dict):
        return ergebnis, {"parameter": ["Die Parameter müssen ein Objekt sein."]}
    fehler: dict[str, list[str]] = {}
    unbekannt = sorted(str(k) for k in daten if k not in erlaubt)
    if unbekannt:
        fehler["parameter"] = [
            f"Unbekannte Parameter: {', '.join(unbekannt)}. Erlaubt sind: {', '.join(erlaubt)}."
        ]
    for name in daten:
        if name not in erlaubt:
            continue
        werte = daten.getlist(name) if isinstance(daten, QueryDict) else daten[name]
        if isinstance(daten, QueryDict) and len(werte) == 1:
            werte = werte[0]
        feld = felder.get(name)
        if feld is None or werte is None:
            continue
        mehrere = mehrwertig(feld)
        if isinstance(werte, list):
            if not mehrere:
                fehler.setdefault(name, []).append("Bitte nur einen Wert angeben, keine Liste.")
                continue
        else:
            werte = [werte]
        if not all(isinstance(w, SKALAR) for w in werte):
            fehler.setdefault(name, []).append(
                "Ungültiger Wert: erwartet wird Text, eine Zahl oder ein Wahrheitswert."
            )
            continue
        ergebnis.setlist(name, [str(w) for w in werte])
    return ergebnis, fehler


def stichtag_von(parameter: dict[str, Any]) -> dt.date:
    wert = parameter.get("stichtag")
    return dt.date.fromisoformat(wert) if wert else timezone.localdate()


class BerichtsartBasis(Berichtsart):
    """Validates with ``parameter_form``, builds a :class:`Bericht` with
    :meth:`bericht_bauen` and renders it in the requested format."""

    def eingabefelder(self, user) -> dict[str, forms.Field]:
        """Fields whose values a request may give (name → form field, to check the
        values' shape): the form's fields by default."""
        return dict(self.parameter_form.base_fields)

    def erlaubte_parameter(self, user) -> list[str]:
        """Keys a request's parameters may have: :meth:`eingabefelder` by default. A key
        without a field there is checked by the subclass itself."""
        return list(self.eingabefelder(user))

    def parameter_pruefen(self, daten: dict[str, Any], user) -> dict[str, Any]:
        """Validate the request's parameters (JSON object or QueryDict): their shape with
        :func:`eingabe_pruefen`, then the values with ``parameter_form``."""
        eingabe, fehler = eingabe_pruefen(
            daten, self.eingabefelder(user), self.erlaubte_parameter(user)
        )
        felder = {n: v for n, v in eingabe.lists() if n in self.parameter_form.base_fields}
        form_daten = QueryDict(mutable=True)
        for name, werte in felder.items():
            form_daten.setlist(name, werte)
        form = self.parameter_form(form_daten)
        if not form.is_valid():
            for feld, meldungen in form.errors.items():
                if feld not in fehler:  # a value of the wrong shape was not passed on
                    fehler.setdefault(feld, []).extend(meldungen)
        if fehler:
            raise ValidationError(
                {
                    feld: [ValidationError(f) for f in meldungen]
                    for feld, meldungen in fehler.items()
                }
            )
        return {k: _json(v) for k, v in form.cleaned_data.items() if v not in (None, "")}

    @abstractmethod
    def bericht_bauen(self, parameter: dict[str, Any], user) -> Bericht:
        """The report's content, computed with ``user``'s visibility."""

    def template(self) -> str:
        return f"berichtswesen/pdf/{self.schluessel}.html"

    def erzeugen(
        self,
        parameter: dict[str, Any],
        format: str,
        *,
        user=None,
        fortschritt: Fortschritt = _kein_fortschritt,
    ) -> Ergebnis:
        if format not in self.formate:
            raise ValueError(f"Unbekanntes Format „{format}“ für {self.titel}.")
        fortschritt(5, gettext_noop("Daten werden geladen"))
        bericht = self.bericht_bauen(parameter, user)
        fortschritt(40, gettext_noop("Daten geladen, Bericht wird erstellt"))
        if format == Format.PDF:
            html = als_html(bericht, self.template())
            fortschritt(55, gettext_noop("PDF wird gesetzt"))
            inhalt, typ, endung = als_pdf(html), "application/pdf", "pdf"
        elif format == Format.XLSX:
            inhalt = als_xlsx(bericht)
            typ = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            endung = "xlsx"
        else:
            inhalt, typ, endung = als_csv(bericht)
        fortschritt(100, gettext_noop("fertig"))
        return Ergebnis(dateiname(self.schluessel, bericht, endung), inhalt, typ)
