"""Steuerungsindikatoren und Verzögerungen across the programme, by Themenfeld."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from leistungen import rules
from leistungen.models import Meilenstein
from ozgplattform import charts
from themenfelder.models import Themenfeld

from . import registrieren
from .ausgabe import PROZENT, TEXT, ZAHL, Abschnitt, Bericht, Spalte, Tabelle
from .basis import BerichtsartBasis, StichtagForm, angemeldet, sicht, stichtag_von
from .inhalt import anteil, beschreibung, datum_de, meilenstein_spalten, meilenstein_zeilen


class SteuerungsindikatorenForm(StichtagForm):
    themenfeld = forms.ModelChoiceField(
        Themenfeld.objects.all(),
        label=_("Themenfeld"),
        required=False,
        help_text=_("Leer: alle Themenfelder."),
        error_messages={"invalid_choice": _("Dieses Themenfeld gibt es nicht.")},
    )


@registrieren
class Steuerungsindikatoren(BerichtsartBasis):
    schluessel = "steuerungsindikatoren"
    titel = gettext_noop("Steuerungsindikatoren und Verzögerungen")
    beschreibung = gettext_noop(
        "Alle Meilensteine des Programms je Themenfeld, gemessen an der Feinplanung; "
        "verzögerte zuerst."
    )
    parameter_form = SteuerungsindikatorenForm
    rechte_parameter = ()

    def darf_anfordern(self, user, parameter: dict[str, Any]) -> bool:
        """Every signed-in user: Meilensteine are published data."""
        return user is None or angemeldet(user)

    def bericht_bauen(self, parameter: dict[str, Any], user) -> Bericht:
        stichtag = stichtag_von(parameter)
        themenfelder = sicht(Themenfeld.objects.all(), user).order_by("nummer")
        if parameter.get("themenfeld"):
            themenfelder = themenfelder.filter(pk=parameter["themenfeld"])
        themenfelder = list(themenfelder)
        meilensteine = list(
            sicht(
                Meilenstein.objects.filter(
                    Q(leistung__isnull=True) | Q(leistung__im_katalog=True),
                    themenfeld__in=[tf.pk for tf in themenfelder],
                ),
                user,
            )
            .select_related("themenfeld", "leistung")
            .order_by("themenfeld__nummer", "geplant", "name")
        )
        je_tf: dict[int, list[Meilenstein]] = defaultdict(list)
        for m in meilensteine:
            je_tf[m.themenfeld_id].append(m)
        uebersicht = []
        for tf in themenfelder:
            liste = je_tf.get(tf.pk, [])
            verzug = [rules.meilenstein_verzug_tage(m.geplant, m.erreicht, stichtag) for m in liste]
            erreicht = sum(1 for m in liste if m.erreicht)
            verzoegert = sum(1 for t in verzug if t > 0)
            ueberfaellig = sum(
                1 for m, t in zip(liste, verzug, strict=True) if t > 0 and not m.erreicht
            )
            uebersicht.append(
                [
                    tf.nummer,
                    tf.name,
                    tf.get_phase_display(),
                    len(liste),
                    erreicht,
                    verzoegert,
                    anteil(verzoegert, len(liste)),
                    ueberfaellig,
                    max(verzug, default=0),
                ]
            )
        verzoegerte = sorted(
            (
                m
                for m in meilensteine
                if rules.meilenstein_ist_verzoegert(m.geplant, m.erreicht, stichtag)
            ),
            key=lambda m: -rules.meilenstein_verzug_tage(m.geplant, m.erreicht, stichtag),
        )
        daten = [(z[1], z[5]) for z in uebersicht]
        stand = datum_de(stichtag)
        gesamt = len(meilensteine)
        gesamt_verzoegert = len(verzoegerte)
        kontext = "alle-themenfelder"
        if parameter.get("themenfeld") and themenfelder:
            kontext = f"{themenfelder[0].nummer}-{themenfelder[0].name}"
        return Bericht(
            titel=self.titel,
            untertitel="Meilensteine der Phasen, gemessen an der Feinplanung der Themenfelder",
            kontext=kontext,
            stichtag=stichtag,
            parameter=[
                ("Stichtag", stand),
                (
                    "Themenfeld",
                    f"{themenfelder[0].nummer} {themenfelder[0].name}"
                    if parameter.get("themenfeld") and themenfelder
                    else "alle",
                ),
                ("Meilensteine", str(gesamt)),
                ("davon verzögert", str(gesamt_verzoegert)),
            ],
            abschnitte=[
                Abschnitt(
                    "Überblick je Themenfeld",
                    "ueberblick",
                    "Verzögert: nach dem geplanten Datum erreicht oder am Stichtag noch offen "
                    "und überfällig.",
                    [
                        charts.balkendiagramm(
                            f"Verzögerte Meilensteine je Themenfeld (Stand {stand})",
                            beschreibung(
                                "Anzahl der verzögerten Meilensteine je Themenfeld:", daten
                            ),
                            daten,
                        )
                    ],
                    [
                        Tabelle(
                            "Meilensteine je Themenfeld",
                            "Überblick",
                            [
                                Spalte("Nr.", ZAHL, 6),
                                Spalte("Themenfeld", TEXT, 36),
                                Spalte("Phase", TEXT, 24),
                                Spalte("Meilensteine", ZAHL),
                                Spalte("erreicht", ZAHL),
                                Spalte("verzögert", ZAHL),
                                Spalte("Anteil verzögert", PROZENT),
                                Spalte("offen und überfällig", ZAHL),
                                Spalte("größter Verzug (Tage)", ZAHL),
                            ],
                            uebersicht,
                        )
                    ],
                ),
                Abschnitt(
                    "Verzögerungen",
                    "verzoegerungen",
                    "Alle verzögerten Meilensteine, größter Verzug zuerst.",
                    [],
                    [
                        Tabelle(
                            "Verzögerte Meilensteine",
                            "Verzögerungen",
                            meilenstein_spalten(),
                            meilenstein_zeilen(verzoegerte, stichtag),
                            "Keine verzögerten Meilensteine.",
                        )
                    ],
                ),
                Abschnitt(
                    "Alle Steuerungsindikatoren",
                    "alle",
                    "Je Themenfeld nach geplantem Datum.",
                    [],
                    [
                        Tabelle(
                            "Alle Meilensteine",
                            "Meilensteine",
                            meilenstein_spalten(),
                            meilenstein_zeilen(meilensteine, stichtag),
                            "Keine Meilensteine geplant.",
                        )
                    ],
                ),
            ],
        )
