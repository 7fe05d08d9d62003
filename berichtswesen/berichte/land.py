"""Länderbericht for the OZG-Koordinator of a Land."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from leistungen import rules
from leistungen.choices import REIFEGRAD_OZG_KONFORM, Flaechendeckung
from leistungen.models import Leistung, Umsetzungsstand
from marktplatz.models import Nachnutzung, Nachnutzungsangebot
from ozgplattform import charts
from ozgplattform.choices import Aktion, OrganisationsArt
from ozgplattform.models import Organisation
from ozgplattform.rechte import darf_global

from . import registrieren
from .ausgabe import DATUM, PROZENT, TEXT, ZAHL, Abschnitt, Bericht, Spalte, Tabelle
from .basis import BerichtsartBasis, StichtagForm, angemeldet, sicht, stichtag_von
from .inhalt import anteil, beschreibung, datum_de, stufe_label


class LandForm(StichtagForm):
    land = forms.RegexField(
        regex=r"^\d{2}$",
        label=_("Land (ARS)"),
        help_text=_("Amtlicher Regionalschlüssel des Landes, zwei Ziffern (z. B. 05)."),
        error_messages={
            "required": _("Bitte ein Land angeben (ARS, zwei Ziffern)."),
            "invalid": _("Ein Land wird mit seinem zweistelligen Regionalschlüssel angegeben."),
        },
    )

    def clean_land(self) -> str:
        ars = self.cleaned_data["land"]
        if not Organisation.objects.laender().filter(ars=ars).exists():
            raise ValidationError(
                _("Ein Land mit dem Regionalschlüssel %(ars)s gibt es nicht.") % {"ars": ars}
            )
        return ars


@registrieren
class Laenderbericht(BerichtsartBasis):
    schluessel = "land"
    titel = gettext_noop("Länderbericht")
    beschreibung = gettext_noop(
        "Für die OZG-Koordination eines Landes: Umsetzungsstand je Leistung und Gebiet (Land, "
        "Kreise, Gemeinden), Flächendeckung, Nachnutzungen."
    )
    parameter_form = LandForm
    rechte_parameter = ()

    def darf_anfordern(self, user, parameter: dict[str, Any]) -> bool:
        """Internal report: ``lesen_intern`` programme-wide (the OZG-Koordinatoren hold it,
        as do the Programmmanagement and registered readers)."""
        if user is None:
            return True
        return angemeldet(user) and darf_global(user, Aktion.LESEN_INTERN)

    def bericht_bauen(self, parameter: dict[str, Any], user) -> Bericht:
        stichtag = stichtag_von(parameter)
        land = Organisation.objects.laender().get(ars=parameter["land"])
        gebiete = list(
            Organisation.objects.im_land(land).exclude(pk=land.pk).values_list("pk", "ars", "art")
        )
        anzahl_art = Counter(art for _pk, _ars, art in gebiete)
        leistungen = list(
            sicht(Leistung.objects.im_katalog(), user)
            .select_related("themenfeld")
            .order_by("ozg_id")
        )
        staende = list(
            sicht(
                Umsetzungsstand.objects.filter(
                    gebiet__ars__startswith=land.ars,
                    stichtag__lte=stichtag,
                    leistung__im_katalog=True,
                ),
                user,
            )
            .select_related("gebiet", "leistung")
            .order_by("leistung__ozg_id", "gebiet__ars")
        )
        je_leistung: dict[int, list[Umsetzungsstand]] = defaultdict(list)
        for s in staende:
            je_leistung[s.leistung_id].append(s)
        angebote = list(
            sicht(Nachnutzungsangebot.objects.filter(anbieter=land), user)
            .select_related("leistung")
            .order_by("leistung__ozg_id", "titel")
        )
        nachnutzer = Counter(
            sicht(
                Nachnutzung.objects.filter(angebot__in=[a.pk for a in angebote]), user
            ).values_list("angebot_id", flat=True)
        )
        nachnutzungen = list(
            sicht(Nachnutzung.objects.filter(land=land), user)
            .select_related("angebot__leistung", "angebot__anbieter")
            .order_by("angebot__leistung__ozg_id", "angebot__titel")
        )

        zeilen = []
        verteilung: Counter = Counter()
        flaeche: Counter = Counter()
        for le in leistungen:
            eigene = je_leistung.get(le.pk, [])
            stand_land = next((s for s in eigene if s.gebiet_id == land.pk), None)
            online = [s for s in eigene if s.reifegrad >= REIFEGRAD_OZG_KONFORM]
            hoechster = max((s.reifegrad for s in eigene), default=None)
            kategorie = rules.flaechendeckung_land(
                land.ars, [rules.Stand(s.gebiet.ars, s.reifegrad) for s in eigene]
            )
            verteilung[hoechster] += 1
            flaeche[kategorie] += 1
            zeilen.append(
                [
                    le.ozg_id,
                    le.name,
                    le.themenfeld.name,
                    stand_land.reifegrad if stand_land else None,
                    hoechster,
                    sum(1 for s in online if s.gebiet.art == OrganisationsArt.KREIS),
                    anzahl_art[OrganisationsArt.KREIS],
                    sum(1 for s in online if s.gebiet.art == OrganisationsArt.GEMEINDE),
                    anzahl_art[OrganisationsArt.GEMEINDE],
                    Flaechendeckung(kategorie).label,
                    stand_land.oeffentliche_url if stand_land else "",
                ]
            )
        n = len(leistungen)
        online_n = sum(
            a for s, a in verteilung.items() if s is not None and s >= REIFEGRAD_OZG_KONFORM
        )
        stand = datum_de(stichtag)
        kreise_gesamt = anzahl_art[OrganisationsArt.KREIS]
        gemeinden_gesamt = anzahl_art[OrganisationsArt.GEMEINDE]
        stufen = [0, 1, 2, 3, 4, None]
        daten_reifegrad = [(stufe_label(s), verteilung.get(s, 0)) for s in stufen]
        kategorien = [k for k in Flaechendeckung.values if k != Flaechendeckung.BUNDESWEIT]
        daten_flaeche = [(Flaechendeckung(k).label, flaeche.get(k, 0)) for k in kategorien]

        return Bericht(
            titel=f"Länderbericht {land.name}",
            untertitel=f"Umsetzungsstand des Landes, seiner Kreise und Gemeinden (ARS {land.ars})",
            kontext=f"{land.ars}-{land.name}",
            stichtag=stichtag,
            parameter=[
                ("Land", f"{land.name} ({land.ars})"),
                ("Stichtag", stand),
                ("Kreise / Gemeinden erfasst", f"{kreise_gesamt} / {gemeinden_gesamt}"),
            ],
            abschnitte=[
                Abschnitt(
                    "Überblick",
                    "ueberblick",
                    "",
                    [
                        charts.balkendiagramm(
                            f"Leistungen nach Reifegrad in {land.name} (Stand {stand})",
                            beschreibung(
                                "Anzahl der Leistungen je höchstem Reifegrad:", daten_reifegrad
                            ),
                            daten_reifegrad,
                        ),
                        charts.balkendiagramm(
                            f"Leistungen nach Flächendeckung in {land.name} (Stand {stand})",
                            beschreibung("Anzahl der Leistungen je Flächendeckung:", daten_flaeche),
                            daten_flaeche,
                        ),
                    ],
                    [
                        Tabelle(
                            "Kennzahlen des Landes",
                            "Überblick",
                            [
                                Spalte("Kennzahl", TEXT, 50),
                                Spalte("Wert", ZAHL),
                                Spalte("Anteil", PROZENT),
                            ],
                            [
                                ["Leistungen", n, None],
                                [
                                    "ab Stufe 3 im Land (einschl. Kreise und Gemeinden)",
                                    online_n,
                                    anteil(online_n, n),
                                ],
                                *[
                                    [f"Flächendeckung: {label}", a, anteil(a, n)]
                                    for label, a in daten_flaeche
                                ],
                                *[
                                    [f"Reifegrad: {label}", a, anteil(a, n)]
                                    for label, a in daten_reifegrad
                                ],
                                ["Nachnutzungen des Landes", len(nachnutzungen), None],
                                ["Angebote des Landes im Marktplatz", len(angebote), None],
                            ],
                        )
                    ],
                ),
                Abschnitt(
                    "Status je Leistung",
                    "leistungen",
                    "Reifegrad des Landes selbst, höchster Reifegrad im Land und Zahl der Kreise "
                    "und Gemeinden ab Stufe 3.",
                    [],
                    [
                        Tabelle(
                            "Status je Leistung",
                            "Leistungen",
                            [
                                Spalte("OZG-ID", ZAHL, 8),
                                Spalte("Leistung", TEXT, 44),
                                Spalte("Themenfeld", TEXT, 24),
                                Spalte("Reifegrad Land", ZAHL, 10),
                                Spalte("höchster Reifegrad", ZAHL, 10),
                                Spalte("Kreise ab Stufe 3", ZAHL, 10),
                                Spalte("Kreise gesamt", ZAHL, 10),
                                Spalte("Gemeinden ab Stufe 3", ZAHL, 10),
                                Spalte("Gemeinden gesamt", ZAHL, 10),
                                Spalte("Flächendeckung", TEXT, 24),
                                Spalte("Online-Dienst", TEXT, 30),
                            ],
                            zeilen,
                        )
                    ],
                ),
                Abschnitt(
                    "Status je Gebiet",
                    "gebiete",
                    "Alle gemeldeten Umsetzungsstände im Land, seinen Kreisen und Gemeinden.",
                    [],
                    [
                        Tabelle(
                            "Umsetzungsstände je Gebiet",
                            "Gebiete",
                            [
                                Spalte("OZG-ID", ZAHL, 8),
                                Spalte("Leistung", TEXT, 40),
                                Spalte("ARS", TEXT, 14),
                                Spalte("Gebiet", TEXT, 30),
                                Spalte("Art", TEXT, 16),
                                Spalte("Reifegrad", ZAHL, 10),
                                Spalte("Stand vom", DATUM, 12),
                            ],
                            [
                                [
                                    s.leistung.ozg_id,
                                    s.leistung.name,
                                    s.gebiet.ars,
                                    s.gebiet.name,
                                    s.gebiet.get_art_display(),
                                    s.reifegrad,
                                    s.stichtag,
                                ]
                                for s in staende
                            ],
                            "Keine Umsetzungsstände gemeldet.",
                        )
                    ],
                ),
                Abschnitt(
                    "Nachnutzungen",
                    "nachnutzungen",
                    "Lösungen anderer, die das Land nachnutzt, und Angebote des Landes im "
                    "Marktplatz mit der Zahl der nachnutzenden Länder.",
                    [],
                    [
                        Tabelle(
                            "Nachnutzungen durch das Land",
                            "Nachnutzungen",
                            [
                                Spalte("OZG-ID", ZAHL, 8),
                                Spalte("Leistung", TEXT, 40),
                                Spalte("Lösung", TEXT, 30),
                                Spalte("Anbieter", TEXT, 26),
                                Spalte("Nachnutzungsmodell", TEXT, 30),
                                Spalte("Status", TEXT, 22),
                                Spalte("Datum", DATUM, 12),
                            ],
                            [
                                [
                                    nn.angebot.leistung.ozg_id,
                                    nn.angebot.leistung.name,
                                    nn.angebot.titel,
                                    nn.angebot.anbieter.name,
                                    nn.angebot.get_nachnutzungsmodell_display(),
                                    nn.get_status_display(),
                                    nn.datum,
                                ]
                                for nn in nachnutzungen
                            ],
                            "Das Land nutzt noch keine Lösung nach.",
                        ),
                        Tabelle(
                            "Angebote des Landes",
                            "Angebote",
                            [
                                Spalte("OZG-ID", ZAHL, 8),
                                Spalte("Leistung", TEXT, 40),
                                Spalte("Lösung", TEXT, 30),
                                Spalte("Nachnutzungsmodell", TEXT, 30),
                                Spalte("Status", TEXT, 26),
                                Spalte("nachnutzende Länder", ZAHL, 10),
                            ],
                            [
                                [
                                    a.leistung.ozg_id,
                                    a.leistung.name,
                                    a.titel,
                                    a.get_nachnutzungsmodell_display(),
                                    a.get_status_display(),
                                    nachnutzer.get(a.pk, 0),
                                ]
                                for a in angebote
                            ],
                            "Das Land bietet keine Lösung im Marktplatz an.",
                        ),
                    ],
                ),
            ],
        )
