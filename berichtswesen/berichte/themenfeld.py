"""Themenfeld-Bericht for the Themenfeld's Steuerungskreis."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from anforderungen.choices import Anforderungsstatus
from anforderungen.models import Anforderung
from leistungen import rules
from leistungen.choices import Ergebnisstatus, Ergebnistyp, Flaechendeckung
from leistungen.models import Ergebnis, Leistung, Meilenstein
from leistungen.selectors import gesamtfortschritt, katalogzeilen
from ozgplattform.choices import Aktion, Rolle
from ozgplattform.models import Rollenzuweisung
from ozgplattform.rechte import darf, restrict
from themenfelder.models import Themenfeld
from themenfelder.selectors import leistungen_fortschritt

from . import registrieren
from .ausgabe import DATUM, TEXT, ZAHL, Abschnitt, Bericht, Spalte, Tabelle
from .basis import (
    BerichtsartBasis,
    StichtagForm,
    angemeldet,
    leser,
    objekt,
    pks,
    sicht,
    stichtag_von,
)
from .inhalt import (
    UEBERBLICK_SPALTEN,
    datum_de,
    meilenstein_spalten,
    meilenstein_zeilen,
    reifegrad_je_land_diagramm,
    stufe_label,
    ueberblick_zeilen,
)

#: Anforderungen still to be worked on.
OFFEN = (
    Anforderungsstatus.EINGEREICHT,
    Anforderungsstatus.IN_PRUEFUNG,
    Anforderungsstatus.ANGENOMMEN,
)


class ThemenfeldForm(StichtagForm):
    themenfeld = forms.ModelChoiceField(
        Themenfeld.objects.all(),
        label=_("Themenfeld"),
        error_messages={
            "required": _("Bitte ein Themenfeld wählen."),
            "invalid_choice": _("Dieses Themenfeld gibt es nicht."),
        },
    )


def themenfeld_von(parameter: dict[str, Any]) -> Themenfeld:
    return Themenfeld.objects.select_related("federfuehrendes_land", "federfuehrendes_ressort").get(
        pk=parameter["themenfeld"]
    )


@registrieren
class ThemenfeldBericht(BerichtsartBasis):
    schluessel = "themenfeld"
    titel = gettext_noop("Themenfeld-Bericht")
    beschreibung = gettext_noop(
        "Für den Steuerungskreis: jede Leistung des Themenfelds mit Phase, Reifegrad je Land, "
        "Ergebnistypen, Meilensteinen (Plan und Ist), Risiken und offenen Anforderungen."
    )
    parameter_form = ThemenfeldForm
    rechte_parameter = ("themenfeld",)

    def darf_anfordern(self, user, parameter: dict[str, Any]) -> bool:
        """Internal data of one Themenfeld: ``lesen_intern`` on it (Federführer,
        Ressortansprechpartner of its Ressort) or programme-wide (Programmmanagement,
        roles with internal read)."""
        if user is None:
            return True
        if not angemeldet(user):
            return False
        themenfeld = objekt(Themenfeld, parameter.get("themenfeld"))
        return themenfeld is not None and darf(user, Aktion.LESEN_INTERN, themenfeld)

    def darf_anfordern_alle(self, user, parameter_liste: list[dict[str, Any]]) -> list[bool]:
        """:meth:`darf_anfordern` for many jobs: one query for all their Themenfelder."""
        if user is None or not angemeldet(user):
            return [user is None] * len(parameter_liste)
        gesucht = pks(p.get("themenfeld") for p in parameter_liste if isinstance(p, dict))
        erlaubt = {
            str(pk)
            for pk in restrict(
                Themenfeld.objects.filter(pk__in=gesucht), user, Aktion.LESEN_INTERN
            ).values_list("pk", flat=True)
        }
        return [
            isinstance(p, dict) and str(p.get("themenfeld")) in erlaubt for p in parameter_liste
        ]

    def bericht_bauen(self, parameter: dict[str, Any], user) -> Bericht:
        stichtag = stichtag_von(parameter)
        tf = themenfeld_von(parameter)
        leistungen = sicht(Leistung.objects.im_katalog().filter(themenfeld=tf), user)
        k = gesamtfortschritt(leistungen, stichtag)
        fortschritte = leistungen_fortschritt(leistungen, stichtag)
        laender = sorted(k.laender, key=lambda la: la.ars)
        laender_ars = [la.ars for la in laender]
        ids = [f.leistung.pk for f in fortschritte]
        je_land = {
            z.leistung.pk: z
            for z in katalogzeilen([f.leistung for f in fortschritte], leser(user), laender_ars)
        }
        ergebnisse: dict[int, dict[str, Ergebnis]] = defaultdict(dict)
        for e in sicht(Ergebnis.objects.filter(leistung_id__in=ids), user):
            ergebnisse[e.leistung_id][e.ergebnistyp] = e
        meilensteine = list(
            sicht(
                Meilenstein.objects.filter(
                    Q(leistung_id__in=ids) | Q(leistung__isnull=True, themenfeld=tf)
                ),
                user,
            )
            .select_related("themenfeld", "leistung")
            .order_by("geplant", "name")
        )
        # Whether a Leistung has a Leistungsverantwortlicher is a fact of the Themenfeld's
        # internal data (the requester may read it); the names follow the requester's view.
        mit_lv = set(
            Rollenzuweisung.objects.gueltig(stichtag)
            .filter(rolle=Rolle.LEISTUNGSVERANTWORTLICHER, leistung_id__in=ids)
            .values_list("leistung_id", flat=True)
        )
        namen: dict[int, list[str]] = defaultdict(list)
        for z in (
            sicht(
                Rollenzuweisung.objects.gueltig(stichtag).filter(
                    rolle=Rolle.LEISTUNGSVERANTWORTLICHER, leistung_id__in=ids
                ),
                user,
            )
            .select_related("user")
            .order_by("user__last_name")
        ):
            namen[z.leistung_id].append(z.user.get_full_name() or z.user.get_username())
        anforderungen = list(
            sicht(
                Anforderung.objects.filter(
                    Q(themenfeld=tf) | Q(leistung__themenfeld=tf), status__in=OFFEN
                ),
                user,
            )
            .select_related("leistung")
            .order_by("erstellt")
        )

        verzug: dict[int, list[Meilenstein]] = defaultdict(list)
        for m in meilensteine:
            if m.leistung_id and rules.meilenstein_ist_verzoegert(m.geplant, m.erreicht, stichtag):
                verzug[m.leistung_id].append(m)
        risiken = []
        leistung_zeilen = []
        for f in fortschritte:
            le = f.leistung
            eigene = []
            for m in verzug.get(le.pk, []):
                eigene.append(
                    f"Meilenstein „{m.name}“ verzögert "
                    f"({rules.meilenstein_verzug_tage(m.geplant, m.erreicht, stichtag)} Tage)"
                )
            if le.pk not in mit_lv:
                eigene.append("kein Leistungsverantwortlicher benannt")
            for text in eigene:
                risiken.append([le.ozg_id, le.name, text])
            leistung_zeilen.append(
                [
                    le.ozg_id,
                    le.name,
                    le.get_phase_display(),
                    le.get_prioritaet_display(),
                    stufe_label(f.reifegrad),
                    Flaechendeckung(f.flaechendeckung).label,
                    f.vollstaendigkeit.erfuellt,
                    f.vollstaendigkeit.erforderlich,
                    ", ".join(namen.get(le.pk, [])),
                    len(eigene),
                ]
            )

        ergebnis_zeilen = []
        for f in fortschritte:
            le = f.leistung
            for typ in Ergebnistyp:
                e = ergebnisse[le.pk].get(typ.value)
                anforderung = rules.ergebnis_anforderung(
                    typ.value, le.prioritaet, le.vorgehensmodell
                )
                ff = e.ff_erforderlich if e else None
                status = e.status if e else Ergebnisstatus.OFFEN
                ergebnis_zeilen.append(
                    [
                        le.ozg_id,
                        le.name,
                        typ.label,
                        str(anforderung.stufe.label) if anforderung else "noch nicht festgelegt",
                        Ergebnisstatus(status).label,
                        rules.ergebnis_ist_erfuellt(anforderung, ff, status)
                        if rules.ergebnis_ist_erforderlich(anforderung, ff)
                        else None,
                        e.geliefert_am if e else None,
                    ]
                )

        stand = datum_de(stichtag)
        ueberblick = Tabelle(
            "Kennzahlen des Themenfelds",
            "Überblick",
            UEBERBLICK_SPALTEN,
            [
                *ueberblick_zeilen(k),
                [
                    "Leistungen ohne Leistungsverantwortlichen",
                    sum(1 for i in ids if i not in mit_lv),
                    None,
                ],
                ["offene Anforderungen", len(anforderungen), None],
            ],
        )
        return Bericht(
            titel=f"Themenfeld-Bericht {tf.name}",
            untertitel=f"Themenfeld {tf.nummer} · Phase: {tf.get_phase_display()}",
            kontext=f"{tf.nummer}-{tf.name}",
            stichtag=stichtag,
            parameter=[
                ("Themenfeld", f"{tf.nummer} {tf.name}"),
                ("Stichtag", stand),
                ("federführendes Land", str(tf.federfuehrendes_land or "–")),
                ("federführendes Ressort", str(tf.federfuehrendes_ressort or "–")),
            ],
            abschnitte=[
                Abschnitt("Überblick", "ueberblick", tf.beschreibung, [], [ueberblick]),
                Abschnitt(
                    "Leistungen",
                    "leistungen",
                    "Phase, höchster Reifegrad, Flächendeckung, Ergebnistypen und "
                    "Verantwortliche je Leistung.",
                    [],
                    [
                        Tabelle(
                            "Leistungen des Themenfelds",
                            "Leistungen",
                            [
                                Spalte("OZG-ID", ZAHL, 8),
                                Spalte("Leistung", TEXT, 44),
                                Spalte("Phase", TEXT, 22),
                                Spalte("Priorität", TEXT, 20),
                                Spalte("Reifegrad bundesweit", TEXT, 24),
                                Spalte("Flächendeckung", TEXT, 24),
                                Spalte("Ergebnisse erfüllt", ZAHL),
                                Spalte("Ergebnisse erforderlich", ZAHL),
                                Spalte("Leistungsverantwortliche", TEXT, 30),
                                Spalte("Risiken", ZAHL, 8),
                            ],
                            leistung_zeilen,
                            "Das Themenfeld hat keine Leistungen.",
                        )
                    ],
                ),
                Abschnitt(
                    "Reifegrad je Land",
                    "reifegrad-laender",
                    "Höchster Reifegrad im Land und seinen Kreisen und Gemeinden "
                    "(leer: nichts gemeldet).",
                    [reifegrad_je_land_diagramm(k, laender, stand)],
                    [
                        Tabelle(
                            "Reifegrad je Leistung und Land",
                            "Reifegrad je Land",
                            [
                                Spalte("OZG-ID", ZAHL, 8),
                                Spalte("Leistung", TEXT, 40),
                                *[Spalte(la.name, ZAHL, 8) for la in laender],
                            ],
                            [
                                [
                                    f.leistung.ozg_id,
                                    f.leistung.name,
                                    *[
                                        je_land[f.leistung.pk].reifegrad_land[a]
                                        for a in laender_ars
                                    ],
                                ]
                                for f in fortschritte
                            ],
                        )
                    ],
                ),
                Abschnitt(
                    "Ergebnistypen",
                    "ergebnistypen",
                    "Anforderung nach Abbildung 2 und Lieferstand je Leistung und Ergebnistyp.",
                    [],
                    [
                        Tabelle(
                            "Ergebnistypen je Leistung",
                            "Ergebnistypen",
                            [
                                Spalte("OZG-ID", ZAHL, 8),
                                Spalte("Leistung", TEXT, 40),
                                Spalte("Ergebnistyp", TEXT, 28),
                                Spalte("Anforderung", TEXT, 22),
                                Spalte("Status", TEXT, 22),
                                Spalte("erfüllt", TEXT, 8),
                                Spalte("geliefert am", DATUM, 12),
                            ],
                            ergebnis_zeilen,
                        )
                    ],
                ),
                Abschnitt(
                    "Meilensteine: Plan und Ist",
                    "meilensteine",
                    "Steuerungsindikatoren des Themenfelds und seiner Leistungen.",
                    [],
                    [
                        Tabelle(
                            "Meilensteine",
                            "Meilensteine",
                            meilenstein_spalten(),
                            meilenstein_zeilen(meilensteine, stichtag),
                            "Keine Meilensteine geplant.",
                        )
                    ],
                ),
                Abschnitt(
                    "Risiken",
                    "risiken",
                    "Verzögerte Meilensteine und Leistungen ohne Leistungsverantwortlichen.",
                    [],
                    [
                        Tabelle(
                            "Risiken",
                            "Risiken",
                            [
                                Spalte("OZG-ID", ZAHL, 8),
                                Spalte("Leistung", TEXT, 40),
                                Spalte("Risiko", TEXT, 60),
                            ],
                            risiken,
                            "Keine Risiken erkannt.",
                        )
                    ],
                ),
                Abschnitt(
                    "Offene Anforderungen",
                    "anforderungen",
                    "Digitalisierungshemmnisse und Änderungsanfragen, über die noch nicht "
                    "abschließend entschieden ist oder die noch umgesetzt werden.",
                    [],
                    [
                        Tabelle(
                            "Offene Anforderungen",
                            "Anforderungen",
                            [
                                Spalte("Nr.", ZAHL, 6),
                                Spalte("Art", TEXT, 24),
                                Spalte("Titel", TEXT, 40),
                                Spalte("OZG-ID", ZAHL, 8),
                                Spalte("Leistung", TEXT, 36),
                                Spalte("Status", TEXT, 14),
                                Spalte("eingereicht am", DATUM, 12),
                            ],
                            [
                                [
                                    a.pk,
                                    a.get_art_display(),
                                    a.titel,
                                    a.leistung.ozg_id if a.leistung_id else None,
                                    a.leistung.name if a.leistung_id else "(ganzes Themenfeld)",
                                    a.get_status_display(),
                                    timezone.localtime(a.erstellt).date(),
                                ]
                                for a in anforderungen
                            ],
                            "Keine offenen Anforderungen.",
                        )
                    ],
                ),
            ],
        )
