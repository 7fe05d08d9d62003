"""Report types for the tests of the job machinery (not registered by importing).

``schnell``      renders at once; ``bereich=intern`` only for internal readers,
                 ``bereich=pm`` only for the Programmmanagement.
``langsam``      calls ``fortschritt`` in ``schritte`` steps, sleeping ``pause`` s each.
``fehler``       ``fehler=dauerhaft``: a permanent error (ValueError) every time;
                 ``fehler=voruebergehend``: OSError in the first ``scheitern`` runs,
                 counted in a file per ``marke`` (shared with a worker process).

Tests register them with the ``testarten`` fixture; a worker subprocess imports
``berichtswesen.tests.worker_berichtsarten`` (``--include``), which registers them.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError

from berichtswesen.berichte import Berichtsart, Ergebnis, Format
from ozgplattform.choices import Aktion
from ozgplattform.rechte import darf_global


def zaehler_datei(marke: str) -> Path:
    return Path(tempfile.gettempdir()) / f"ozg-berichtstest-{marke}"


def _pruefen(form_cls, daten, user) -> dict:
    form = form_cls(daten)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}


class SchnellForm(forms.Form):
    bereich = forms.ChoiceField(
        label="Bereich",
        choices=[("offen", "offen"), ("intern", "intern"), ("pm", "Programmmanagement")],
        initial="offen",
    )
    text = forms.CharField(label="Text", required=False, max_length=100)


class SchnellBericht(Berichtsart):
    schluessel = "test_schnell"
    titel = "Schneller Testbericht"
    beschreibung = "Für die Tests der Auftragsverwaltung."
    parameter_form = SchnellForm

    def parameter_pruefen(self, daten, user):
        return _pruefen(SchnellForm, daten, user)

    def darf_anfordern(self, user, parameter):
        if parameter.get("bereich") == "intern":
            return darf_global(user, Aktion.LESEN_INTERN)
        if parameter.get("bereich") == "pm":
            return darf_global(user, Aktion.ROLLEN_VERWALTEN)
        return user is None or user.is_authenticated

    def erzeugen(self, parameter, format, *, user=None, fortschritt=lambda p, s: None):
        fortschritt(50, "Daten lesen")
        text = parameter.get("text", "")
        inhalt = f"bereich;text\n{parameter.get('bereich')};{text}\n".encode()
        return Ergebnis(f"schnell.{format}", inhalt, "text/csv; charset=utf-8")


class LangsamForm(forms.Form):
    schritte = forms.IntegerField(label="Schritte", min_value=1, max_value=100, initial=5)
    pause = forms.FloatField(label="Pause je Schritt", min_value=0, max_value=5, required=False)


class LangsamBericht(Berichtsart):
    schluessel = "test_langsam"
    titel = "Langsamer Testbericht"
    parameter_form = LangsamForm
    formate = (Format.CSV, Format.XLSX)

    def parameter_pruefen(self, daten, user):
        return _pruefen(LangsamForm, daten, user)

    def darf_anfordern(self, user, parameter):
        return user is None or user.is_authenticated

    def erzeugen(self, parameter, format, *, user=None, fortschritt=lambda p, s: None):
        schritte = parameter["schritte"]
        for i in range(schritte):
            time.sleep(parameter.get("pause", 0))
            fortschritt(int(100 * (i + 1) / (schritte + 1)), f"Schritt {i + 1} von {schritte}")
        return Ergebnis(f"langsam.{format}", b"x" * 1000, "text/csv")


class FehlerForm(forms.Form):
    fehler = forms.ChoiceField(
        label="Fehler", choices=[("dauerhaft", "dauerhaft"), ("voruebergehend", "vorübergehend")]
    )
    scheitern = forms.IntegerField(label="Fehlversuche", min_value=0, required=False)
    marke = forms.CharField(label="Marke", required=False)


class FehlerBericht(Berichtsart):
    schluessel = "test_fehler"
    titel = "Fehlerhafter Testbericht"
    parameter_form = FehlerForm

    def parameter_pruefen(self, daten, user):
        return _pruefen(FehlerForm, daten, user)

    def darf_anfordern(self, user, parameter):
        return user is None or user.is_authenticated

    def erzeugen(self, parameter, format, *, user=None, fortschritt=lambda p, s: None):
        if parameter["fehler"] == "dauerhaft":
            raise ValueError("Testfehler: Division durch die Wirklichkeit")
        datei = zaehler_datei(parameter.get("marke", "standard"))
        bisher = int(datei.read_text()) if datei.exists() else 0
        datei.write_text(str(bisher + 1))
        if bisher < parameter.get("scheitern", 0):
            raise OSError(f"Testfehler: Ablage kurz weg (Versuch {bisher + 1})")
        return Ergebnis(f"fehler.{format}", f"nach {bisher + 1} Versuchen".encode(), "text/csv")


TESTARTEN = {cls.schluessel: cls() for cls in (SchnellBericht, LangsamBericht, FehlerBericht)}
