"""Public pages of the platform: Start (Gesamtfortschritt), Kontakte and the legal pages.

Every read goes through :func:`ozgplattform.rechte.restrict`; the key figures come from
``leistungen.selectors.gesamtfortschritt`` and are shown as SVG charts (``charts.py``),
each next to a data table with the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from berichtswesen.kennzahlen import verlauf
from leistungen.choices import Ergebnistyp, Flaechendeckung, Reifegrad
from leistungen.models import Leistung
from leistungen.selectors import gesamtfortschritt
from themenfelder.models import Themenfeld

from . import charts
from .choices import Rolle
from .models import Rollenzuweisung
from .rechte import restrict
from .selectors import kontakte_nach_rolle


class StichtagForm(forms.Form):
    """``?stichtag=YYYY-MM-DD`` of the start page (empty: today)."""

    stichtag = forms.DateField(
        label=gettext_lazy("Stichtag"),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Stand der Umsetzung an diesem Tag; leer: heute."),
        error_messages={
            "invalid": gettext_lazy(
                "Bitte geben Sie ein gültiges Datum an, z. B. 2022-12-31 oder 31.12.2022."
            )
        },
    )

    def clean_stichtag(self) -> dt.date | None:
        stichtag = self.cleaned_data["stichtag"]
        if stichtag and stichtag > timezone.localdate():
            raise forms.ValidationError(_("Der Stichtag darf nicht in der Zukunft liegen."))
        return stichtag


@dataclass(frozen=True)
class Zeile:
    """One row of a chart's data table."""

    label: str
    anzahl: int | float
    gesamt: int | None = None
    anteil: float | None = None
    nummer: int | None = None


def _anteil(teil: int, gesamt: int) -> float | None:
    return teil / gesamt if gesamt else None


def _prozent(anteil: float | None) -> float:
    return round((anteil or 0.0) * 100, 1)


def _beschreibung(einleitung: str, daten: list[tuple[str, float]], einheit: str = "") -> str:
    """Text alternative of a bar chart: every label with its value."""
    werte = "; ".join(
        f"{label}: {number_format(wert, 1 if einheit else 0)}{einheit}" for label, wert in daten
    )
    return f"{einleitung} {werte}."


def start(request):
    form = StichtagForm(request.GET or None)
    stichtag = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["stichtag"]:
        stichtag = form.cleaned_data["stichtag"]
    leistungen = restrict(Leistung.objects.im_katalog(), request.user)
    kennzahlen = gesamtfortschritt(leistungen, stichtag)
    gesamt = kennzahlen.anzahl_leistungen
    prozent = "\u00a0%"

    reifegrad = [
        Zeile(Reifegrad(stufe).label if stufe is not None else _("nicht gemeldet"), anzahl)
        for stufe, anzahl in kennzahlen.reifegrad_bund.items()
    ]
    laender = [
        Zeile(
            land.name,
            kennzahlen.online_je_land.get(land.ars, 0),
            gesamt,
            _anteil(kennzahlen.online_je_land.get(land.ars, 0), gesamt),
        )
        for land in kennzahlen.laender
    ]
    flaeche = [
        Zeile(Flaechendeckung(kategorie).label, anzahl)
        for kategorie, anzahl in kennzahlen.flaechendeckung.items()
    ]
    ergebnistypen = [
        Zeile(Ergebnistyp(typ).label, erfuellt, erforderlich, _anteil(erfuellt, erforderlich))
        for typ, (erfuellt, erforderlich) in kennzahlen.ergebnistypen.items()
    ]
    nummern = dict(
        restrict(Themenfeld.objects.all(), request.user)
        .filter(name__in=kennzahlen.verzoegert_je_themenfeld)
        .values_list("name", "nummer")
    )
    verzoegert = [
        Zeile(name, anzahl, nummer=nummern.get(name))
        for name, anzahl in kennzahlen.verzoegert_je_themenfeld.items()
    ]

    stufen = list(kennzahlen.reifegrad_bund)
    stufen_kurz = [
        _("Stufe %(stufe)s") % {"stufe": s} if s is not None else _("nicht gemeldet")
        for s in stufen
    ]
    farben = [*charts.FARBEN_REIFEGRAD, charts.FARBE_KEINE_DATEN]
    reifegrad_laender = [
        (land.name, [kennzahlen.reifegrad_land[land.ars][s] for s in stufen])
        for land in kennzahlen.laender
    ]

    # Trend of the last twelve months from the daily snapshots (Kennzahlenstand). They
    # hold public figures only: Leistungen, Umsetzungsstände, Meilensteine are public.
    seit = stichtag - dt.timedelta(days=365)
    staende, monatlich = verlauf(seit, stichtag)
    entwicklung = [
        Zeile(
            date_format(s.stichtag, "SHORT_DATE_FORMAT"),
            s.online,
            s.anzahl_leistungen,
            s.anteil_online if s.anzahl_leistungen else None,
        )
        for s in staende
    ]
    daten_entwicklung = [(z.label, _prozent(z.anteil)) for z in entwicklung]

    stand = date_format(stichtag, "SHORT_DATE_FORMAT")
    daten_reifegrad = [(z.label, z.anzahl) for z in reifegrad]
    daten_laender = [(z.label, _prozent(z.anteil)) for z in laender]
    daten_flaeche = [(z.label, z.anzahl) for z in flaeche]
    daten_ergebnisse = [(z.label, _prozent(z.anteil)) for z in ergebnistypen]
    diagramme = {
        "reifegrad": charts.balkendiagramm(
            _("Leistungen nach Reifegrad, bundesweit (Stand %(stand)s)") % {"stand": stand},
            _beschreibung(
                _("Anzahl der Leistungen je höchstem erreichten Reifegrad:"), daten_reifegrad
            ),
            daten_reifegrad,
        ),
        "laender": charts.balkendiagramm(
            _("Anteil der Leistungen ab Stufe 3 je Land (Stand %(stand)s)") % {"stand": stand},
            _beschreibung(_("Anteil der Leistungen ab Stufe 3 je Land:"), daten_laender, prozent),
            daten_laender,
            max_wert=100,
            einheit=prozent,
        ),
        "reifegrad_laender": charts.gestapelte_balken(
            _("Leistungen nach Reifegrad je Land (Stand %(stand)s)") % {"stand": stand},
            _("Anzahl der Leistungen je höchstem Reifegrad im Land und seinen Gebieten:")
            + " "
            + "; ".join(
                f"{name}: " + ", ".join(f"{k} {n}" for k, n in zip(stufen_kurz, werte, strict=True))
                for name, werte in reifegrad_laender
            )
            + ".",
            [
                (
                    name,
                    [
                        charts.Segment(k, n, farbe)
                        for k, n, farbe in zip(stufen_kurz, werte, farben, strict=True)
                    ],
                )
                for name, werte in reifegrad_laender
            ],
            breite=900,  # room for the legend of six segments
        ),
        "flaeche": charts.balkendiagramm(
            _("Leistungen nach Flächendeckung (Stand %(stand)s)") % {"stand": stand},
            _beschreibung(_("Anzahl der Leistungen je Flächendeckung:"), daten_flaeche),
            daten_flaeche,
        ),
        "ergebnisse": charts.balkendiagramm(
            _("Erfüllte Ergebnistypen in Prozent der erforderlichen"),
            _beschreibung(
                _("Anteil der erfüllten an den erforderlichen Ergebnissen je Ergebnistyp:"),
                daten_ergebnisse,
                prozent,
            ),
            daten_ergebnisse,
            max_wert=100,
            einheit=prozent,
        ),
    }
    if entwicklung:
        diagramme["entwicklung"] = charts.balkendiagramm(
            _("Anteil der Leistungen ab Stufe 3 seit %(seit)s") % {"seit": date_format(seit)},
            _beschreibung(
                _("Anteil der Leistungen ab Stufe 3 je Stichtag:"), daten_entwicklung, prozent
            ),
            daten_entwicklung,
            max_wert=100,
            einheit=prozent,
        )
    return render(
        request,
        "start.html",
        {
            "form": form,
            "stichtag": stichtag,
            "kennzahlen": kennzahlen,
            "reifegrad": reifegrad,
            "laender": laender,
            "flaeche": flaeche,
            "ergebnistypen": ergebnistypen,
            "verzoegert": verzoegert,
            "stufen_kurz": stufen_kurz,
            "reifegrad_laender": reifegrad_laender,
            "diagramme": diagramme,
            "entwicklung": entwicklung,
            "entwicklung_seit": seit,
            "entwicklung_monatlich": monatlich,
        },
    )


#: Headings of the contact groups (plural, translatable).
KONTAKT_UEBERSCHRIFTEN = {
    Rolle.FEDERFUEHRER: gettext_lazy("Themenfeld-Federführer"),
    Rolle.OZG_KOORDINATOR: gettext_lazy("OZG-Koordinatoren der Länder"),
    Rolle.LEISTUNGSVERANTWORTLICHER: gettext_lazy("Leistungsverantwortliche"),
}


def kontakte(request):
    gruppen = kontakte_nach_rolle(restrict(Rollenzuweisung.objects.all(), request.user))
    return render(
        request,
        "seiten/kontakte.html",
        {
            "gruppen": [
                (gruppe.rolle, KONTAKT_UEBERSCHRIFTEN[gruppe.rolle], gruppe.kontakte)
                for gruppe in gruppen
            ]
        },
    )


class RechtlicheSeite(TemplateView):
    """Barrierefreiheit, Impressum, Datenschutz: static text with the operator's data
    from the settings (``OZG_BETREIBER_*``, ``OZG_KONTAKT_EMAIL``, see
    docs/configuration.md)."""

    def get_context_data(self, **kwargs):
        kontext = super().get_context_data(**kwargs)
        kontext["betreiber"] = {
            "name": settings.OZG_BETREIBER_NAME,
            "anschrift": settings.OZG_BETREIBER_ANSCHRIFT,
            "vertreten_durch": settings.OZG_BETREIBER_VERTRETEN_DURCH,
            "email": settings.OZG_BETREIBER_EMAIL,
            "telefon": settings.OZG_BETREIBER_TELEFON,
            "datenschutz_email": settings.OZG_DATENSCHUTZ_EMAIL,
            "quellcode_url": settings.OZG_QUELLCODE_URL,
        }
        kontext["kontakt_email"] = settings.OZG_KONTAKT_EMAIL
        kontext["erklaerung_erstellt"] = dt.date.fromisoformat(settings.OZG_BARRIEREFREIHEIT_STAND)
        kontext["anmeldeprotokoll_tage"] = settings.OZG_ANMELDEPROTOKOLL_TAGE
        kontext["sitzung_stunden"] = settings.SESSION_COOKIE_AGE // 3600
        kontext["sperre_minuten"] = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return kontext
