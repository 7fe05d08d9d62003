"""Who may request which report, what each user's report contains, parameter errors."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from berichtswesen.berichte import Format, berichtsart
from ozgplattform.choices import Rolle
from ozgplattform.testing.factories import UserFactory

from .conftest import rolle

pytestmark = pytest.mark.django_db


@pytest.fixture
def personen(welt):
    return {
        "anonym": AnonymousUser(),
        "ohne_rolle": UserFactory(),
        "inaktiv": UserFactory(is_active=False),
        "pm": rolle(UserFactory(), Rolle.PROGRAMMMANAGEMENT),
        "leser": rolle(UserFactory(), Rolle.LESER),
        "ff_tf1": rolle(UserFactory(), Rolle.FEDERFUEHRER, themenfeld=welt.tf1),
        "ff_tf2": rolle(UserFactory(), Rolle.FEDERFUEHRER, themenfeld=welt.tf2),
        "ressort": rolle(UserFactory(), Rolle.RESSORTANSPRECHPARTNER, organisation=welt.ressort),
        "koordinator": rolle(UserFactory(), Rolle.OZG_KOORDINATOR, organisation=welt.laender[0]),
        "system": None,
    }


#: (report, parameter key) → who may request it. Written from the decisions in
#: docs/berichte.md, not computed from the code.
ERLAUBT = {
    "gesamtfortschritt": {
        "ohne_rolle",
        "pm",
        "leser",
        "ff_tf1",
        "ff_tf2",
        "ressort",
        "koordinator",
        "system",
    },
    "steuerungsindikatoren": {
        "ohne_rolle",
        "pm",
        "leser",
        "ff_tf1",
        "ff_tf2",
        "ressort",
        "koordinator",
        "system",
    },
    "steckbrief": {
        "ohne_rolle",
        "pm",
        "leser",
        "ff_tf1",
        "ff_tf2",
        "ressort",
        "koordinator",
        "system",
    },
    # Internal data of Themenfeld 1: lesen_intern on it (its FF, its Ressort) or globally.
    # The FF of Themenfeld 2 holds lesen_intern programme-wide through the role group.
    "themenfeld": {"pm", "leser", "ff_tf1", "ff_tf2", "ressort", "koordinator", "system"},
    # Internal, programme-wide lesen_intern (the Ressort contact has none).
    "land": {"pm", "leser", "ff_tf1", "ff_tf2", "koordinator", "system"},
}


@pytest.mark.parametrize("schluessel", list(ERLAUBT))
def test_darf_anfordern(welt, personen, schluessel):
    parameter = {
        "themenfeld": {"themenfeld": welt.tf1.pk},
        "land": {"land": "20"},
        "steckbrief": {"leistung": welt.l1.pk},
    }.get(schluessel, {})
    art = berichtsart(schluessel)
    ist = {name for name, user in personen.items() if art.darf_anfordern(user, parameter)}
    assert ist == ERLAUBT[schluessel]


def test_themenfeld_ressort_nur_fuer_eigenes_themenfeld(welt, personen):
    art = berichtsart("themenfeld")
    assert art.darf_anfordern(personen["ressort"], {"themenfeld": welt.tf1.pk})
    assert not art.darf_anfordern(personen["ressort"], {"themenfeld": welt.tf2.pk})
    assert not art.darf_anfordern(personen["ressort"], {"themenfeld": 999999})
    assert not art.darf_anfordern(personen["ressort"], {"themenfeld": "kaputt"})
    assert not art.darf_anfordern(personen["ressort"], {})
    assert not berichtsart("steckbrief").darf_anfordern(personen["leser"], {"leistung": "x"})


def _steckbrief_text(welt, user) -> str:
    art = berichtsart("steckbrief")
    parameter = art.parameter_pruefen({"leistung": welt.l2.pk}, user)
    inhalt = art.erzeugen(parameter, Format.CSV, user=user).inhalt
    with zipfile.ZipFile(io.BytesIO(inhalt)) as archiv:
        return "\n".join(archiv.read(n).decode("utf-8-sig") for n in archiv.namelist())


def test_bericht_zeigt_nur_was_der_nutzer_sehen_darf(welt, personen):
    """The unpublished Leistungsverantwortliche and who changed what are internal."""
    oeffentlich = _steckbrief_text(welt, personen["ohne_rolle"])
    intern = _steckbrief_text(welt, personen["leser"])
    assert "Lena Verantwortlich" in intern
    assert "Lena Verantwortlich" not in oeffentlich
    assert "Redaktion" in oeffentlich and "Redaktion" not in intern


def test_themenfeldbericht_anforderungen_nach_sicht(welt, personen):
    """Open Anforderungen only; the Ressort contact sees those of its Themenfeld."""
    art = berichtsart("themenfeld")
    parameter = art.parameter_pruefen({"themenfeld": welt.tf1.pk}, None)
    for wer in ("ressort", "system"):
        bericht = art.bericht_bauen(parameter, personen[wer])
        tabelle = next(t for t in bericht.tabellen if t.blatt == "Anforderungen")
        assert [z[2] for z in tabelle.zeilen] == ["Schriftformerfordernis streichen"]


def test_gesamtfortschritt_filter_sieht_nur_sichtbare_themenfelder(welt, personen):
    art = berichtsart("gesamtfortschritt")
    with pytest.raises(ValidationError) as fehler:
        art.parameter_pruefen({"themenfeld": ["999999"]}, personen["ohne_rolle"])
    assert "themenfeld" in fehler.value.message_dict


@pytest.mark.parametrize(
    ("schluessel", "daten", "feld", "meldung"),
    [
        ("themenfeld", {}, "themenfeld", "Bitte ein Themenfeld wählen."),
        ("themenfeld", {"themenfeld": "999999"}, "themenfeld", "Dieses Themenfeld gibt es nicht."),
        ("land", {}, "land", "Bitte ein Land angeben (ARS, zwei Ziffern)."),
        ("land", {"land": "5"}, "land", "zweistelligen Regionalschlüssel"),
        ("land", {"land": "99"}, "land", "Ein Land mit dem Regionalschlüssel 99 gibt es nicht."),
        ("steckbrief", {"leistung": "abc"}, "leistung", "Diese Leistung gibt es nicht."),
        ("steckbrief", {}, "leistung", "Bitte eine Leistung wählen."),
        ("gesamtfortschritt", {"stichtag": "morgen"}, "stichtag", "Bitte ein Datum angeben"),
        ("gesamtfortschritt", {"prioritaet": ["prio9"]}, "prioritaet", "prio9"),
        ("gesamtfortschritt", {"verzoegert": "vielleicht"}, "verzoegert", "kein Wahrheitswert"),
        ("steuerungsindikatoren", {"themenfeld": "0"}, "themenfeld", "gibt es nicht"),
    ],
)
def test_parameterfehler_deutsch(welt, schluessel, daten, feld, meldung):
    with pytest.raises(ValidationError) as fehler:
        berichtsart(schluessel).parameter_pruefen(daten, None)
    meldungen = fehler.value.message_dict
    assert feld in meldungen
    assert any(meldung in m for m in meldungen[feld]), meldungen


def test_stichtag_nicht_in_der_zukunft(welt):
    morgen = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as fehler:
        berichtsart("land").parameter_pruefen({"land": "20", "stichtag": morgen.isoformat()}, None)
    assert fehler.value.message_dict["stichtag"] == [
        "Der Stichtag darf nicht in der Zukunft liegen."
    ]


def test_trend_beginn_nach_stichtag(welt):
    with pytest.raises(ValidationError) as fehler:
        berichtsart("gesamtfortschritt").parameter_pruefen(
            {"stichtag": "2024-01-01", "trend_seit": "2024-02-01"}, None
        )
    assert "trend_seit" in fehler.value.message_dict


def test_parameter_sind_json_und_wiederverwendbar(welt):
    """A page POST (QueryDict) and the stored JSON give the same parameters."""
    art = berichtsart("gesamtfortschritt")
    daten = QueryDict(mutable=True)
    daten.setlist("prioritaet", ["prio1", "prio3"])
    daten["stichtag"] = "01.06.2026"
    parameter = art.parameter_pruefen(daten, None)
    assert parameter == {
        "stichtag": "2026-06-01",
        "trend_seit": "2025-06-01",
        "filter": {"prioritaet": ["prio1", "prio3"]},
    }
    assert art.parameter_pruefen(parameter, None) == parameter
    assert berichtsart("steckbrief").parameter_pruefen({"leistung": str(welt.l1.pk)}, None) == {
        "stichtag": timezone.localdate().isoformat(),
        "leistung": welt.l1.pk,
    }


def test_unbekanntes_format(welt):
    art = berichtsart("steuerungsindikatoren")
    with pytest.raises(ValueError, match="Unbekanntes Format"):
        art.erzeugen(art.parameter_pruefen({}, None), "docx")
