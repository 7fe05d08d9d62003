"""Gesamtfortschritt of the programme (for the Programmmanagement and the IT-Planungsrat)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from leistungen.choices import Ergebnistyp, Flaechendeckung
from leistungen.filtersets import LeistungFilterSet
from leistungen.models import Leistung, Meilenstein
from leistungen.selectors import gesamtfortschritt
from ozgplattform import charts
from themenfelder.models import Themenfeld
from themenfelder.selectors import leistungen_fortschritt

from ..kennzahlen import verlauf
from . import registrieren
from .ausgabe import DATUM, PROZENT, TEXT, ZAHL, Abschnitt, Bericht, Spalte, Tabelle
from .basis import (
    OZG_BEGINN,
    BerichtsartBasis,
    StichtagForm,
    angemeldet,
    datum_begrenzen,
    eingabe_pruefen,
    leser,
    mehrwertig,
    sicht,
    stichtag_von,
)
from .inhalt import (
    UEBERBLICK_SPALTEN,
    anteil,
    beschreibung,
    datum_de,
    meilenstein_spalten,
    meilenstein_zeilen,
    reifegrad_je_land_diagramm,
    stufe_label,
    ueberblick_zeilen,
)

#: Catalogue filters stored with the report (``sortierung`` does not change figures).
FILTER_FELDER = [n for n in LeistungFilterSet.base_filters if n != "sortierung"]


class GesamtfortschrittForm(StichtagForm):
    trend_seit = forms.DateField(
        label=_("Entwicklung seit"),
        required=False,
        help_text=_(
            "Beginn der Zeitreihe aus den täglichen Kennzahlenständen; leer: ein Jahr "
            "vor dem Stichtag."
        ),
        error_messages={"invalid": _("Bitte ein Datum angeben (JJJJ-MM-TT oder TT.MM.JJJJ).")},
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )

    def clean_trend_seit(self) -> dt.date | None:
        seit = self.cleaned_data.get("trend_seit")
        return datum_begrenzen(seit, _("Der Beginn der Entwicklung")) if seit else None

    def clean(self):
        daten = super().clean()
        stichtag = daten.get("stichtag")
        if stichtag and "trend_seit" in daten:
            seit = daten.get("trend_seit") or trend_beginn(stichtag)
            if seit > stichtag:
                self.add_error(
                    "trend_seit", _("Der Beginn der Entwicklung liegt nach dem Stichtag.")
                )
            else:
                daten["trend_seit"] = seit
        return daten


def trend_beginn(stichtag: dt.date) -> dt.date:
    """Default start of the trend: a year before the Stichtag, not before the OZG."""
    return max(stichtag - dt.timedelta(days=365), OZG_BEGINN)


def _filter_felder(user) -> dict[str, forms.Field]:
    """The catalogue filters' form fields (to tell single from multi-valued ones)."""
    return _filterset({}, user).form.fields


def _filter_eingabe(daten, user) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The catalogue filter values of a request (QueryDict or JSON; at the top level or
    under ``filter``) — a list of strings for a multi-valued filter, else one string —
    and the errors of their shape."""
    felder = _filter_felder(user)
    erlaubt = list(felder)
    fehler: dict[str, list[str]] = {}
    oben = QueryDict(mutable=True)
    if isinstance(daten, QueryDict):
        for name in erlaubt:
            if name in daten:
                oben.setlist(name, daten.getlist(name))
    else:
        oben, fehler = eingabe_pruefen(
            {n: daten[n] for n in erlaubt if n in daten}, felder, erlaubt
        )
    unten = QueryDict(mutable=True)
    if "filter" in daten:
        verschachtelt = daten.get("filter")
        if not isinstance(verschachtelt, dict):
            fehler.setdefault("filter", []).append(
                'Die Filter müssen ein Objekt sein, z. B. {"themenfeld": [1]}.'
            )
        else:
            unten, f = eingabe_pruefen(verschachtelt, felder, erlaubt)
            for name, meldungen in f.items():
                fehler.setdefault("filter" if name == "parameter" else name, []).extend(meldungen)
    ergebnis: dict[str, Any] = {}
    for quelle in (oben, unten):
        for name, werte in quelle.lists():
            werte = [w for w in werte if w.strip() != ""]
            if name == "sortierung" or not werte:
                continue
            if name in ergebnis:
                fehler.setdefault(name, []).append(
                    "Dieser Filter ist doppelt angegeben (oben und unter „filter“)."
                )
                continue
            ergebnis[name] = werte if mehrwertig(felder[name]) else werte[-1]
    return ergebnis, fehler


def _filterset(filter_: dict[str, Any], user) -> LeistungFilterSet:
    daten = QueryDict(mutable=True)
    for name, werte in filter_.items():
        daten.setlist(name, [str(w) for w in werte] if isinstance(werte, list) else [str(werte)])
    return LeistungFilterSet(
        daten,
        queryset=sicht(Leistung.objects.im_katalog(), user),
        request=SimpleNamespace(user=leser(user)),
    )


def _filter_beschreibung(filterset: LeistungFilterSet) -> list[tuple[str, str]]:
    zeilen = []
    for name, wert in filterset.form.cleaned_data.items():
        if wert in (None, "", []) or (hasattr(wert, "exists") and not wert.exists()):
            continue
        feld = filterset.form.fields[name]
        if hasattr(wert, "model"):
            text = ", ".join(str(o) for o in wert)
        elif isinstance(wert, list | tuple):
            auswahl = dict(getattr(feld, "choices", ()))
            text = ", ".join(str(auswahl.get(w, w)) for w in wert)
        elif isinstance(wert, bool):
            text = "ja" if wert else "nein"
        else:
            text = str(wert)
        zeilen.append((f"Filter: {feld.label}", text))
    return zeilen


@registrieren
class Gesamtfortschritt(BerichtsartBasis):
    schluessel = "gesamtfortschritt"
    titel = gettext_noop("Gesamtfortschritt des Programms")
    beschreibung = gettext_noop(
        "Reifegrade, Anteil ab Stufe 3 und Flächendeckung bundesweit, je Themenfeld und je "
        "Land; Vollständigkeit der Ergebnistypen; verzögerte Steuerungsindikatoren; "
        "Entwicklung seit einem Datum."
    )
    parameter_form = GesamtfortschrittForm
    rechte_parameter = ()

    def eingabefelder(self, user) -> dict[str, forms.Field]:
        """The form's fields and the catalogue filters (at the top level; ``sortierung``
        is accepted from the catalogue's query string and ignored)."""
        return {**_filter_felder(user), **super().eingabefelder(user)}

    def erlaubte_parameter(self, user) -> list[str]:
        """Also ``filter``: the catalogue filters as an object."""
        return [*super().erlaubte_parameter(user), "filter"]

    def mitgegebene_parameter(self, daten, user) -> tuple[list[tuple[str, str]], list[str]]:
        """The catalogue filters of the link (``/berichte/neu/gesamtfortschritt/?…``):
        hidden inputs and a readable line each (``Filter: Themenfeld = …``)."""
        filter_, _ = _filter_eingabe(daten, user)
        versteckt = [
            (name, wert)
            for name, werte in filter_.items()
            for wert in (werte if isinstance(werte, list) else [werte])
        ]
        filterset = _filterset(filter_, user)
        if filterset.is_valid():
            texte = [f"{label} = {text}" for label, text in _filter_beschreibung(filterset)]
        else:
            texte = [f"Filter: {name} = {wert}" for name, wert in versteckt]
        return versteckt, texte

    def parameter_pruefen(self, daten: dict[str, Any], user) -> dict[str, Any]:
        fehler: dict[str, list] = {}
        try:
            parameter = super().parameter_pruefen(daten, user)
        except ValidationError as e:
            fehler.update(e.message_dict)
            parameter = {}
        if not isinstance(daten, dict):
            raise ValidationError(fehler)
        filter_, formfehler = _filter_eingabe(daten, user)
        for feld, meldungen in formfehler.items():
            ziel = fehler.setdefault(feld, [])
            ziel.extend([m for m in meldungen if m not in ziel])
        filterset = _filterset(filter_, user)
        if not formfehler and not filterset.is_valid():
            for feld, meldungen in filterset.errors.items():
                fehler.setdefault(feld, []).extend(meldungen)
        if fehler:
            raise ValidationError(fehler)
        parameter["filter"] = filter_
        return parameter

    def darf_anfordern(self, user, parameter: dict[str, Any]) -> bool:
        """Every signed-in user: the figures are public; internal rows a user may not
        read are not counted for them (``restrict``)."""
        return user is None or angemeldet(user)

    def bericht_bauen(self, parameter: dict[str, Any], user) -> Bericht:
        stichtag = stichtag_von(parameter)
        seit = (
            dt.date.fromisoformat(parameter["trend_seit"])
            if parameter.get("trend_seit")
            else trend_beginn(stichtag)
        )
        filterset = _filterset(parameter.get("filter", {}), user)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        leistungen = filterset.qs.order_by()
        k = gesamtfortschritt(leistungen, stichtag)
        fortschritte = leistungen_fortschritt(leistungen.select_related("themenfeld"), stichtag)
        themenfelder = list(sicht(Themenfeld.objects.all(), user).order_by("nummer"))
        verzoegert = list(
            sicht(
                Meilenstein.objects.filter(pk__in=_meilensteine_von(leistungen).values("pk"))
                .verzoegert(stichtag)
                .select_related("themenfeld", "leistung"),
                user,
            ).order_by("themenfeld__nummer", "geplant", "name")
        )
        trend, verduennt = verlauf(seit, stichtag)
        stand = datum_de(stichtag)
        n = k.anzahl_leistungen

        ueberblick = Tabelle("Kennzahlen", "Überblick", UEBERBLICK_SPALTEN, ueberblick_zeilen(k))
        daten_reifegrad = [(stufe_label(s), a) for s, a in k.reifegrad_bund.items()]
        reifegrad = Abschnitt(
            "Reifegrad bundesweit",
            "reifegrad",
            "Je Leistung zählt der höchste in einem Land, Kreis oder einer Gemeinde "
            "gemeldete Reifegrad.",
            [
                charts.balkendiagramm(
                    f"Leistungen nach Reifegrad, bundesweit (Stand {stand})",
                    beschreibung("Anzahl der Leistungen je höchstem Reifegrad:", daten_reifegrad),
                    daten_reifegrad,
                )
            ],
            [
                Tabelle(
                    "Leistungen nach Reifegrad",
                    "Reifegrad",
                    [
                        Spalte("Reifegrad", TEXT, 30),
                        Spalte("Leistungen", ZAHL),
                        Spalte("Anteil", PROZENT),
                    ],
                    [[label, a, anteil(a, n)] for label, a in daten_reifegrad],
                )
            ],
        )
        daten_flaeche = [(Flaechendeckung(kat).label, a) for kat, a in k.flaechendeckung.items()]
        flaeche = Abschnitt(
            "Flächendeckung",
            "flaechendeckung",
            "Verfügbarkeit ab Stufe 3: bundesweit, wenn jedes Land landesweit anbietet.",
            [
                charts.balkendiagramm(
                    f"Leistungen nach Flächendeckung (Stand {stand})",
                    beschreibung("Anzahl der Leistungen je Flächendeckung:", daten_flaeche),
                    daten_flaeche,
                )
            ],
            [
                Tabelle(
                    "Leistungen nach Flächendeckung",
                    "Flächendeckung",
                    [
                        Spalte("Flächendeckung", TEXT, 32),
                        Spalte("Leistungen", ZAHL),
                        Spalte("Anteil", PROZENT),
                    ],
                    [[label, a, anteil(a, n)] for label, a in daten_flaeche],
                )
            ],
        )

        je_tf: dict[int, list] = {}
        for f in fortschritte:
            je_tf.setdefault(f.leistung.themenfeld_id, []).append(f)
        tf_zeilen = []
        for tf in themenfelder:
            liste = je_tf.get(tf.pk, [])
            online = sum(1 for f in liste if f.online)
            bundesweit = sum(1 for f in liste if f.flaechendeckung == Flaechendeckung.BUNDESWEIT)
            mit = [f for f in liste if f.vollstaendigkeit.erforderlich]
            voll = sum(1 for f in mit if f.vollstaendigkeit.vollstaendig)
            tf_zeilen.append(
                [
                    tf.nummer,
                    tf.name,
                    len(liste),
                    online,
                    anteil(online, len(liste)),
                    bundesweit,
                    voll,
                    anteil(voll, len(mit)),
                    k.verzoegert_je_themenfeld.get(tf.name, 0),
                ]
            )
        daten_tf = [(z[1], round((z[4] or 0) * 100, 1)) for z in tf_zeilen if z[2]]
        themenfeld = Abschnitt(
            "Fortschritt je Themenfeld",
            "themenfelder",
            "",
            [
                charts.balkendiagramm(
                    f"Anteil der Leistungen ab Stufe 3 je Themenfeld (Stand {stand})",
                    beschreibung("Anteil ab Stufe 3 je Themenfeld:", daten_tf, " %"),
                    daten_tf,
                    max_wert=100,
                    einheit=" %",
                )
            ],
            [
                Tabelle(
                    "Fortschritt je Themenfeld",
                    "Themenfelder",
                    [
                        Spalte("Nr.", ZAHL, 6),
                        Spalte("Themenfeld", TEXT, 36),
                        Spalte("Leistungen", ZAHL),
                        Spalte("ab Stufe 3", ZAHL),
                        Spalte("Anteil ab Stufe 3", PROZENT),
                        Spalte("bundesweit flächendeckend", ZAHL),
                        Spalte("Ergebnistypen vollständig", ZAHL),
                        Spalte("Anteil vollständig", PROZENT),
                        Spalte("verzögerte Meilensteine", ZAHL),
                    ],
                    tf_zeilen,
                )
            ],
        )

        land_zeilen = [
            [
                land.ars,
                land.name,
                k.online_je_land.get(land.ars, 0),
                k.anteil_online_land(land.ars),
                k.landesweit_je_land.get(land.ars, 0),
                anteil(k.landesweit_je_land.get(land.ars, 0), n),
                *[k.reifegrad_land[land.ars][s] for s in k.reifegrad_bund],
            ]
            for land in sorted(k.laender, key=lambda la: la.ars)
        ]
        daten_land = [(z[1], round(z[3] * 100, 1)) for z in land_zeilen]
        laender = Abschnitt(
            "Fortschritt je Land",
            "laender",
            "Je Land zählt der höchste Reifegrad im Land und seinen Kreisen und Gemeinden; "
            "landesweit flächendeckend heißt: das Land selbst meldet Stufe 3 oder 4.",
            [
                charts.balkendiagramm(
                    f"Anteil der Leistungen ab Stufe 3 je Land (Stand {stand})",
                    beschreibung("Anteil ab Stufe 3 je Land:", daten_land, " %"),
                    daten_land,
                    max_wert=100,
                    einheit=" %",
                ),
                reifegrad_je_land_diagramm(k, sorted(k.laender, key=lambda la: la.ars), stand),
            ],
            [
                Tabelle(
                    "Fortschritt je Land",
                    "Länder",
                    [
                        Spalte("ARS", TEXT, 6),
                        Spalte("Land", TEXT, 26),
                        Spalte("ab Stufe 3", ZAHL),
                        Spalte("Anteil ab Stufe 3", PROZENT),
                        Spalte("landesweit flächendeckend", ZAHL),
                        Spalte("Anteil landesweit", PROZENT),
                        *[Spalte(stufe_label(s, kurz=True), ZAHL, 10) for s in k.reifegrad_bund],
                    ],
                    land_zeilen,
                )
            ],
        )

        daten_typen = [
            (Ergebnistyp(t).label, round((anteil(e, r) or 0) * 100, 1))
            for t, (e, r) in k.ergebnistypen.items()
        ]
        ergebnisse = Abschnitt(
            "Vollständigkeit der Ergebnistypen",
            "ergebnistypen",
            f"{k.ergebnisse_vollstaendig} von {k.ergebnisse_mit_anforderungen} Leistungen mit "
            "Anforderungen haben alle erforderlichen Ergebnistypen (Abbildung 2).",
            [
                charts.balkendiagramm(
                    "Erfüllte Ergebnistypen in Prozent der erforderlichen",
                    beschreibung("Anteil erfüllt je Ergebnistyp:", daten_typen, " %"),
                    daten_typen,
                    max_wert=100,
                    einheit=" %",
                )
            ],
            [
                Tabelle(
                    "Ergebnistypen",
                    "Ergebnistypen",
                    [
                        Spalte("Ergebnistyp", TEXT, 30),
                        Spalte("erfüllt", ZAHL),
                        Spalte("erforderlich", ZAHL),
                        Spalte("Anteil erfüllt", PROZENT),
                    ],
                    [
                        [Ergebnistyp(t).label, e, r, anteil(e, r)]
                        for t, (e, r) in k.ergebnistypen.items()
                    ],
                )
            ],
        )
        verzug = Abschnitt(
            "Verzögerte Steuerungsindikatoren",
            "verzoegert",
            f"{k.meilensteine_verzoegert} von {k.meilensteine} Meilensteinen sind am Stichtag "
            "verzögert (spät erreicht oder nach dem geplanten Datum noch offen).",
            [],
            [
                Tabelle(
                    "Verzögerte Meilensteine",
                    "Verzögerungen",
                    meilenstein_spalten(),
                    meilenstein_zeilen(verzoegert, stichtag),
                    "Keine verzögerten Meilensteine.",
                )
            ],
        )
        daten_trend = [(datum_de(s.stichtag), round(s.anteil_online * 100, 1)) for s in trend]
        if not trend:
            trend_text = "Für diesen Zeitraum liegen keine Kennzahlenstände vor."
        else:
            trend_text = (
                "Aus den täglichen Kennzahlenständen des Gesamtprogramms (ganzer Katalog, "
                "unabhängig von Filtern)" + ("; je Monat der letzte Stand." if verduennt else ".")
            )
        entwicklung = Abschnitt(
            f"Entwicklung seit {datum_de(seit)}",
            "entwicklung",
            trend_text,
            [
                charts.balkendiagramm(
                    f"Anteil der Leistungen ab Stufe 3 seit {datum_de(seit)}",
                    beschreibung("Anteil ab Stufe 3 je Stichtag:", daten_trend, " %"),
                    daten_trend,
                    max_wert=100,
                    einheit=" %",
                )
            ]
            if trend
            else [],
            [
                Tabelle(
                    "Entwicklung",
                    "Entwicklung",
                    [
                        Spalte("Stichtag", DATUM, 12),
                        Spalte("Leistungen", ZAHL),
                        Spalte("ab Stufe 3", ZAHL),
                        Spalte("Anteil ab Stufe 3", PROZENT),
                        Spalte("bundesweit flächendeckend", ZAHL),
                        Spalte("Ergebnistypen vollständig", ZAHL),
                        Spalte("verzögerte Meilensteine", ZAHL),
                    ],
                    [
                        [
                            s.stichtag,
                            s.anzahl_leistungen,
                            s.online,
                            s.anteil_online,
                            s.flaechendeckend,
                            s.ergebnisse_vollstaendig,
                            s.meilensteine_verzoegert,
                        ]
                        for s in trend
                    ],
                    "Keine Kennzahlenstände im Zeitraum.",
                )
            ],
        )
        filter_zeilen = _filter_beschreibung(filterset)
        return Bericht(
            titel=self.titel,
            untertitel="Leistungen des Umsetzungskatalogs"
            + (" (gefiltert)" if filter_zeilen else ""),
            kontext="gefiltert" if filter_zeilen else "bundesweit",
            stichtag=stichtag,
            parameter=[
                ("Stichtag", datum_de(stichtag)),
                ("Entwicklung seit", datum_de(seit)),
                ("Leistungen im Bericht", str(n)),
                *filter_zeilen,
            ],
            abschnitte=[
                Abschnitt("Überblick", "ueberblick", "", [], [ueberblick]),
                reifegrad,
                flaeche,
                themenfeld,
                laender,
                ergebnisse,
                verzug,
                entwicklung,
            ],
        )


def _meilensteine_von(leistungen):
    """Meilensteine counted by ``gesamtfortschritt`` for ``leistungen``."""
    from django.db.models import Q

    return Meilenstein.objects.filter(
        Q(leistung__in=leistungen.values("pk"))
        | Q(leistung__isnull=True, themenfeld__in=leistungen.values("themenfeld"))
    )
