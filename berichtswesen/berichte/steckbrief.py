"""Leistungssteckbrief of one Leistung (the Steckbrief page as a report)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from leistungen.choices import Ergebnisstatus
from leistungen.models import Leistung
from leistungen.selectors import steckbrief
from ozgplattform import charts
from ozgplattform.rechte import restrict, sichtbar

from . import registrieren
from .ausgabe import DATUM, TEXT, ZAHL, Abschnitt, Bericht, Spalte, Tabelle
from .basis import BerichtsartBasis, StichtagForm, angemeldet, leser, objekt, pks, stichtag_von
from .inhalt import beschreibung, datum_de


class SteckbriefForm(StichtagForm):
    leistung = forms.ModelChoiceField(
        Leistung.objects.all(),
        label=_("Leistung"),
        error_messages={
            "required": _("Bitte eine Leistung wählen."),
            "invalid_choice": _("Diese Leistung gibt es nicht."),
        },
    )


@registrieren
class Leistungssteckbrief(BerichtsartBasis):
    schluessel = "steckbrief"
    titel = gettext_noop("Leistungssteckbrief")
    beschreibung = gettext_noop(
        "Eine Leistung: Stammdaten, LeiKa-Leistungen, Ergebnistypen, Umsetzungsstand je Land, "
        "Meilensteine, Referenzimplementierung, Verantwortliche und Verlauf."
    )
    parameter_form = SteckbriefForm
    rechte_parameter = ("leistung",)

    def darf_anfordern(self, user, parameter: dict[str, Any]) -> bool:
        """Every signed-in user who may see the Leistung; internal parts (unpublished
        contacts, who changed what) only with internal read access, as on the page."""
        if user is None:
            return True
        leistung = objekt(Leistung, parameter.get("leistung"))
        return angemeldet(user) and leistung is not None and sichtbar(user, leistung)

    def darf_anfordern_alle(self, user, parameter_liste: list[dict[str, Any]]) -> list[bool]:
        """:meth:`darf_anfordern` for many jobs: one query for all their Leistungen."""
        if user is None or not angemeldet(user):
            return [user is None] * len(parameter_liste)
        gesucht = pks(p.get("leistung") for p in parameter_liste if isinstance(p, dict))
        erlaubt = {
            str(pk)
            for pk in restrict(Leistung.objects.filter(pk__in=gesucht), user).values_list(
                "pk", flat=True
            )
        }
        return [isinstance(p, dict) and str(p.get("leistung")) in erlaubt for p in parameter_liste]

    def bericht_bauen(self, parameter: dict[str, Any], user) -> Bericht:
        stichtag = stichtag_von(parameter)
        leistung = Leistung.objects.select_related("themenfeld", "lebenslage").get(
            pk=parameter["leistung"]
        )
        s = steckbrief(leistung, leser(user), stichtag)
        le = s.leistung
        stamm = [
            ["OZG-ID", str(le.ozg_id)],
            ["Name", le.name],
            ["Themenfeld", le.themenfeld.name],
            ["Lebenslage", le.lebenslage.name if le.lebenslage_id else ""],
            ["Typ", s.typ.label],
            ["Archetyp", le.get_archetyp_display()],
            ["Priorität", le.get_prioritaet_display()],
            ["Vorgehensmodell", le.get_vorgehensmodell_display()],
            ["Phase", le.get_phase_display()],
            ["Welle", str(le.welle or "")],
            ["Nachnutzungsmodell", le.get_nachnutzungsmodell_display()],
            ["umgesetzt außerhalb des OZG", le.get_ausserhalb_ozg_display()],
            ["Flächendeckung", str(s.flaechendeckung.label)],
            [
                "Ergebnistypen",
                f"{s.vollstaendigkeit.erfuellt} von {s.vollstaendigkeit.erforderlich} erfüllt",
            ],
        ]
        if le.depriorisierungsgrund:
            stamm.append(["Depriorisierungsgrund", le.get_depriorisierungsgrund_display()])
            stamm.append(["Begründung", le.depriorisierung_begruendung])
        if s.neubewertung_ab:
            stamm.append(["Neubewertung ab", datum_de(s.neubewertung_ab)])
        stand = datum_de(stichtag)
        daten_laender = [(z.land.name, z.stand.reifegrad if z.stand else 0) for z in s.laender]
        ri = s.referenzimplementierung
        return Bericht(
            titel=f"Leistungssteckbrief: {le.name}",
            untertitel=f"OZG-ID {le.ozg_id} · Themenfeld {le.themenfeld.name}",
            kontext=f"{le.ozg_id}",
            stichtag=stichtag,
            parameter=[("Leistung", f"{le.ozg_id} {le.name}"), ("Stichtag", stand)],
            abschnitte=[
                Abschnitt(
                    "Stammdaten",
                    "stammdaten",
                    le.steckbrief,
                    [],
                    [
                        Tabelle(
                            "Stammdaten",
                            "Stammdaten",
                            [Spalte("Merkmal", TEXT, 30), Spalte("Wert", TEXT, 70)],
                            stamm,
                        )
                    ],
                ),
                Abschnitt(
                    "LeiKa-Leistungen",
                    "leika",
                    "",
                    [],
                    [
                        Tabelle(
                            "LeiKa-Leistungen",
                            "LeiKa",
                            [
                                Spalte("Schlüssel", TEXT, 16),
                                Spalte("Name", TEXT, 60),
                                Spalte("Typ", TEXT, 10),
                                Spalte("Rechtsgrundlage", TEXT, 40),
                            ],
                            [
                                [
                                    lk.schluessel or "nicht im LeiKa",
                                    lk.name,
                                    lk.typ,
                                    lk.rechtsgrundlage,
                                ]
                                for lk in s.leika
                            ],
                        )
                    ],
                ),
                Abschnitt(
                    "Ergebnistypen",
                    "ergebnistypen",
                    "Anforderung nach Abbildung 2 und Lieferstand.",
                    [],
                    [
                        Tabelle(
                            "Ergebnistypen",
                            "Ergebnistypen",
                            [
                                Spalte("Ergebnistyp", TEXT, 28),
                                Spalte("Anforderung", TEXT, 30),
                                Spalte("Status", TEXT, 22),
                                Spalte("erfüllt", TEXT, 8),
                                Spalte("FIM-Status", TEXT, 16),
                                Spalte("geliefert am", DATUM, 12),
                                Spalte("Nachweis", TEXT, 40),
                            ],
                            [
                                [
                                    p.ergebnistyp.label,
                                    p.anforderung_label,
                                    Ergebnisstatus(p.ergebnis.status).label
                                    if p.ergebnis
                                    else Ergebnisstatus.OFFEN.label,
                                    p.erfuellt if p.erforderlich else None,
                                    p.ergebnis.get_fim_status_display() if p.ergebnis else "",
                                    p.ergebnis.geliefert_am if p.ergebnis else None,
                                    (p.ergebnis.nachweis_url or p.ergebnis.repository_url)
                                    if p.ergebnis
                                    else "",
                                ]
                                for p in s.ergebnisse
                            ],
                        )
                    ],
                ),
                Abschnitt(
                    "Umsetzungsstand je Land",
                    "laender",
                    "",
                    [
                        charts.balkendiagramm(
                            f"Reifegrad des Landes (Stand {stand})",
                            beschreibung(
                                "Reifegrad je Land (0: nichts gemeldet oder offline):",
                                daten_laender,
                            ),
                            daten_laender,
                            max_wert=4,
                        )
                    ],
                    [
                        Tabelle(
                            "Umsetzungsstand je Land",
                            "Länder",
                            [
                                Spalte("ARS", TEXT, 6),
                                Spalte("Land", TEXT, 26),
                                Spalte("Reifegrad", TEXT, 26),
                                Spalte("Kreise ab Stufe 3", ZAHL, 10),
                                Spalte("Kreise gesamt", ZAHL, 10),
                                Spalte("Gemeinden ab Stufe 3", ZAHL, 10),
                                Spalte("Gemeinden gesamt", ZAHL, 10),
                                Spalte("Flächendeckung", TEXT, 26),
                                Spalte("Online-Dienst", TEXT, 30),
                            ],
                            [
                                [
                                    z.land.ars,
                                    z.land.name,
                                    z.reifegrad_label,
                                    z.kreise_online,
                                    z.kreise_gesamt,
                                    z.gemeinden_online,
                                    z.gemeinden_gesamt,
                                    str(z.flaechendeckung.label),
                                    z.stand.oeffentliche_url if z.stand else "",
                                ]
                                for z in s.laender
                            ],
                        )
                    ],
                ),
                Abschnitt(
                    "Meilensteine",
                    "meilensteine",
                    "",
                    [],
                    [
                        Tabelle(
                            "Meilensteine",
                            "Meilensteine",
                            [
                                Spalte("Phase", TEXT, 22),
                                Spalte("Steuerungsindikator", TEXT, 40),
                                Spalte("geplant", DATUM, 12),
                                Spalte("erreicht", DATUM, 12),
                                Spalte("Verzug (Tage)", ZAHL, 10),
                            ],
                            [
                                [
                                    m.get_phase_display(),
                                    m.name,
                                    m.geplant,
                                    m.erreicht,
                                    m.tage_verzug,
                                ]
                                for m in s.meilensteine
                            ],
                            "Keine Meilensteine geplant.",
                        )
                    ],
                ),
                Abschnitt(
                    "Referenzimplementierung",
                    "referenz",
                    f"Umsetzendes Land: {ri.land.name}."
                    if ri
                    else "Keine Referenzimplementierung erfasst.",
                    [],
                    [
                        Tabelle(
                            "Kriterien der Referenzimplementierung",
                            "Referenzimplementierung",
                            [
                                Spalte("Kriterium", TEXT, 20),
                                Spalte("erfüllt", TEXT, 8),
                                Spalte("Bedeutung", TEXT, 60),
                            ],
                            [[str(name), ok, str(text)] for name, ok, text in s.referenz_kriterien],
                            "Keine Referenzimplementierung erfasst.",
                        )
                    ],
                ),
                Abschnitt(
                    "Verantwortliche",
                    "verantwortliche",
                    "" if s.intern else "Nur veröffentlichte Kontakte.",
                    [],
                    [
                        Tabelle(
                            "Verantwortliche",
                            "Verantwortliche",
                            [
                                Spalte("Rolle", TEXT, 30),
                                Spalte("Name", TEXT, 30),
                                Spalte("Organisation", TEXT, 30),
                                Spalte("E-Mail", TEXT, 30),
                            ],
                            [
                                [
                                    z.get_rolle_display(),
                                    z.user.get_full_name() or z.user.get_username(),
                                    z.organisation.name if z.organisation_id else "",
                                    z.user.email,
                                ]
                                for z in s.verantwortliche
                            ],
                            "Keine Verantwortlichen veröffentlicht.",
                        )
                    ],
                ),
                Abschnitt(
                    "Verlauf",
                    "verlauf",
                    "Die letzten Änderungen an Leistung, Ergebnissen und Umsetzungsständen.",
                    [],
                    [
                        Tabelle(
                            "Verlauf",
                            "Verlauf",
                            [
                                Spalte("Zeitpunkt", DATUM, 12),
                                Spalte("von", TEXT, 24),
                                Spalte("Objekt", TEXT, 30),
                                Spalte("Art", TEXT, 12),
                                Spalte("Änderungen", TEXT, 60),
                            ],
                            [
                                [
                                    timezone.localtime(e.datum).date(),
                                    str(e.wer),
                                    e.objekt,
                                    str(e.art),
                                    "; ".join(
                                        f"{a.feld}: {a.vorher} → {a.nachher}" for a in e.aenderungen
                                    ),
                                ]
                                for e in s.verlauf
                            ],
                            "Kein Verlauf.",
                        )
                    ],
                ),
            ],
        )
