"""Common base of the report types: parameters, visibility, rendering in every format."""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
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


class StichtagForm(forms.Form):
    """Stichtag of every report: today by default, not in the future."""

    stichtag = forms.DateField(
        label=_("Stichtag"),
        required=False,
        help_text=_("Datenstand des Berichts; leer: heute."),
        error_messages={"invalid": _("Bitte ein Datum angeben (JJJJ-MM-TT oder TT.MM.JJJJ).")},
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )

    def clean_stichtag(self) -> dt.date:
        stichtag = self.cleaned_data.get("stichtag") or timezone.localdate()
        if stichtag > timezone.localdate():
            raise ValidationError(_("Der Stichtag darf nicht in der Zukunft liegen."))
        return stichtag


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


def stichtag_von(parameter: dict[str, Any]) -> dt.date:
    wert = parameter.get("stichtag")
    return dt.date.fromisoformat(wert) if wert else timezone.localdate()


class BerichtsartBasis(Berichtsart):
    """Validates with ``parameter_form``, builds a :class:`Bericht` with
    :meth:`bericht_bauen` and renders it in the requested format."""

    def parameter_pruefen(self, daten: dict[str, Any], user) -> dict[str, Any]:
        form = self.parameter_form(daten)
        if not form.is_valid():
            raise ValidationError(
                {feld: [ValidationError(f) for f in fehler] for feld, fehler in form.errors.items()}
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
