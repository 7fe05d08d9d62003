"""Table-driven tests for the domain rules in ``leistungen/rules.py``.

Every expectation is written out literally (from domain.md and Abbildung 2 of the
framework); none is computed with the function under test.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from leistungen import rules
from leistungen.choices import (
    Anforderungsstufe,
    Depriorisierungsgrund,
    Ergebnisstatus,
    Ergebnistyp,
    Flaechendeckung,
)

# Short names keep the tables readable.
FIM = Ergebnistyp.FIM_STAMMINFORMATIONEN
OZG = Ergebnistyp.OZG_REFERENZINFORMATIONEN
KLICK = Ergebnistyp.KLICK_PROTOTYP
RI = Ergebnistyp.REFERENZIMPLEMENTIERUNG
KONZEPT = Ergebnistyp.KONZEPT_NACHNUTZUNG
ANTRAG = Ergebnistyp.ANTRAGSPROZESS
SPALTEN = (FIM, OZG, KLICK, RI, KONZEPT, ANTRAG)

LABOR = "digitalisierungslabor"
WERKBANK = "digitalisierungswerkbank"
DIREKT = "direkt_digitalisierung"
VORHANDEN = "vorhandene_loesung"
KEINE = "keine_umsetzung"

OFFEN = Ergebnisstatus.OFFEN
IN_ARBEIT = Ergebnisstatus.IN_ARBEIT
GELIEFERT = Ergebnisstatus.GELIEFERT
VERZICHTET = Ergebnisstatus.VERZICHTET

# Cells of Abbildung 2: (stufe, verzicht_mit_begruendung).
E = ("erforderlich", False)  # erforderlich
EV = ("erforderlich", True)  # erforderlich, kann mit Begründung entfallen
FF = ("entscheidung_ff", False)  # Entscheidung durch FF
N = ("nicht_erforderlich", False)  # nicht erforderlich
X = None  # not yet prioritised: no requirement at all

# --------------------------------------------------------------------------------------
# Ergebnistypen-Matrix (Abbildung 2): every Priorität × every compatible Vorgehensmodell
# (and "") × every Ergebnistyp.
# --------------------------------------------------------------------------------------

#: (Priorität, Vorgehensmodell)  →  FIM  OZG-Ref  Klick  RefImpl  Konzept  Antragsprozess
ABBILDUNG_2 = {
    ("prio1", LABOR): (E, E, E, E, E, FF),
    ("prio1", ""): (E, E, E, E, E, FF),
    ("prio2", LABOR): (E, E, E, E, E, FF),
    ("prio2", ""): (E, E, E, E, E, FF),
    ("prio3", WERKBANK): (E, EV, EV, E, E, FF),
    ("prio3", DIREKT): (E, EV, EV, E, E, FF),
    ("prio3", VORHANDEN): (E, EV, EV, E, E, FF),
    ("prio3", ""): (E, EV, EV, E, E, FF),
    ("depriorisiert", KEINE): (N, N, N, N, N, N),
    ("depriorisiert", ""): (N, N, N, N, N, N),
    # No Priorität yet: the Vorgehensmodell selects the column.
    ("", LABOR): (E, E, E, E, E, FF),
    ("", WERKBANK): (E, EV, EV, E, E, FF),
    ("", DIREKT): (E, EV, EV, E, E, FF),
    ("", VORHANDEN): (E, EV, EV, E, E, FF),
    ("", KEINE): (N, N, N, N, N, N),
    # Neither Priorität nor Vorgehensmodell: not prioritised, no requirement.
    ("", ""): (X, X, X, X, X, X),
}

MATRIX_FAELLE = [
    pytest.param(prio, vm, typ, zelle, id=f"{prio or '-'}|{vm or '-'}|{typ}")
    for (prio, vm), zeile in ABBILDUNG_2.items()
    for typ, zelle in zip(SPALTEN, zeile, strict=True)
]


def test_matrix_tabelle_deckt_jede_zelle_ab():
    # 4 Prioritäten with their compatible Vorgehensmodelle and "", plus "" × 5 + ("", "").
    assert len(ABBILDUNG_2) == 16
    assert len(MATRIX_FAELLE) == 96
    assert set(SPALTEN) == set(Ergebnistyp.values)


@pytest.mark.parametrize(
    ("prioritaet", "vorgehensmodell", "ergebnistyp", "erwartet"), MATRIX_FAELLE
)
def test_ergebnis_anforderung_abbildung_2(prioritaet, vorgehensmodell, ergebnistyp, erwartet):
    anforderung = rules.ergebnis_anforderung(ergebnistyp, prioritaet, vorgehensmodell)
    if erwartet is None:
        assert anforderung is None
    else:
        assert (anforderung.stufe, anforderung.verzicht_mit_begruendung) == erwartet


@pytest.mark.parametrize(
    ("prioritaet", "vorgehensmodell", "erwartet"),
    [
        # "Vorerst keine Umsetzung" always wins, even against a Laborkandidat.
        pytest.param("prio1", KEINE, (N, N, N, N, N, N), id="prio1+keine_umsetzung"),
        pytest.param("prio3", KEINE, (N, N, N, N, N, N), id="prio3+keine_umsetzung"),
        # Otherwise the Priorität decides the column, not the (mismatching) model.
        pytest.param("prio3", LABOR, (E, EV, EV, E, E, FF), id="prio3+labor"),
        pytest.param("prio1", WERKBANK, (E, E, E, E, E, FF), id="prio1+werkbank"),
    ],
)
def test_ergebnis_anforderung_bei_unpassendem_vorgehensmodell(
    prioritaet, vorgehensmodell, erwartet
):
    zeile = tuple(
        (a.stufe, a.verzicht_mit_begruendung)
        for a in (rules.ergebnis_anforderung(t, prioritaet, vorgehensmodell) for t in SPALTEN)
    )
    assert zeile == erwartet


# --------------------------------------------------------------------------------------
# Priorität ↔ Vorgehensmodell
# --------------------------------------------------------------------------------------

PASSENDE_PAARE = {
    ("prio1", LABOR),
    ("prio2", LABOR),
    ("prio3", WERKBANK),
    ("prio3", DIREKT),
    ("prio3", VORHANDEN),
    ("depriorisiert", KEINE),
}


@pytest.mark.parametrize(
    ("prioritaet", "vorgehensmodell"),
    list(
        itertools.product(
            ["prio1", "prio2", "prio3", "depriorisiert"],
            [LABOR, WERKBANK, DIREKT, VORHANDEN, KEINE],
        )
    ),
)
def test_vorgehensmodell_passt(prioritaet, vorgehensmodell):
    erwartet = (prioritaet, vorgehensmodell) in PASSENDE_PAARE
    assert rules.vorgehensmodell_passt(prioritaet, vorgehensmodell) is erwartet


@pytest.mark.parametrize(
    ("prioritaet", "vorgehensmodell"),
    [("", ""), ("prio1", ""), ("depriorisiert", ""), ("", KEINE), ("", LABOR)],
)
def test_vorgehensmodell_passt_wenn_eines_fehlt(prioritaet, vorgehensmodell):
    assert rules.vorgehensmodell_passt(prioritaet, vorgehensmodell) is True


# --------------------------------------------------------------------------------------
# erforderlich / erfüllt / Verzicht zulässig, per cell kind and FF decision
# --------------------------------------------------------------------------------------


def _anf(zelle):
    if zelle is None:
        return None
    return rules.Anforderung(Anforderungsstufe(zelle[0]), zelle[1])


@pytest.mark.parametrize(
    ("zelle", "ff", "erwartet"),
    [
        (E, None, True),
        (E, False, True),  # an FF "no" does not lift a hard requirement
        (EV, None, True),
        (FF, True, True),
        (FF, False, False),
        (FF, None, False),  # decision still open
        (N, None, False),
        (N, True, False),
        (X, None, False),
    ],
)
def test_ergebnis_ist_erforderlich(zelle, ff, erwartet):
    assert rules.ergebnis_ist_erforderlich(_anf(zelle), ff) is erwartet


@pytest.mark.parametrize(
    ("zelle", "ff", "status", "erwartet"),
    [
        (E, None, GELIEFERT, True),
        (E, None, OFFEN, False),
        (E, None, IN_ARBEIT, False),
        (E, None, VERZICHTET, False),  # waiver not allowed here
        (EV, None, VERZICHTET, True),
        (EV, None, GELIEFERT, True),
        (EV, None, OFFEN, False),
        (FF, True, OFFEN, False),
        (FF, True, GELIEFERT, True),
        (FF, True, VERZICHTET, False),
        (FF, False, OFFEN, True),
        (FF, None, OFFEN, True),
        (N, None, OFFEN, True),
        (X, None, OFFEN, True),
    ],
)
def test_ergebnis_ist_erfuellt(zelle, ff, status, erwartet):
    assert rules.ergebnis_ist_erfuellt(_anf(zelle), ff, status) is erwartet


@pytest.mark.parametrize(
    ("zelle", "ff", "erwartet"),
    [
        (E, None, False),
        (EV, None, True),
        (FF, True, False),
        (FF, False, True),
        (FF, None, True),
        (N, None, True),
        (X, None, True),
    ],
)
def test_verzicht_zulaessig(zelle, ff, erwartet):
    assert rules.verzicht_zulaessig(_anf(zelle), ff) is erwartet


@pytest.mark.parametrize(
    ("prioritaet", "ergebnistyp", "erwartet"),
    [
        ("prio1", FIM, False),
        ("prio1", OZG, False),
        ("prio1", KLICK, False),
        ("prio2", KLICK, False),
        ("prio3", FIM, False),
        ("prio3", OZG, True),
        ("prio3", KLICK, True),
        ("prio3", RI, False),
        ("prio3", KONZEPT, False),
        ("depriorisiert", FIM, True),
    ],
)
def test_verzicht_zulaessig_je_prioritaet(prioritaet, ergebnistyp, erwartet):
    anforderung = rules.ergebnis_anforderung(ergebnistyp, prioritaet)
    assert rules.verzicht_zulaessig(anforderung, None) is erwartet


# --------------------------------------------------------------------------------------
# Vollständigkeit
# --------------------------------------------------------------------------------------

ALLE_FUENF_GELIEFERT = dict.fromkeys((FIM, OZG, KLICK, RI, KONZEPT), (GELIEFERT, None))


@pytest.mark.parametrize(
    ("prioritaet", "vorgehensmodell", "ergebnisse", "erforderlich", "erfuellt", "offen", "anteil"),
    [
        pytest.param(
            "prio1", LABOR, {}, 5, 0, (FIM, OZG, KLICK, RI, KONZEPT), 0.0, id="labor-nichts"
        ),
        pytest.param("prio1", LABOR, ALLE_FUENF_GELIEFERT, 5, 5, (), 1.0, id="labor-ff-offen"),
        pytest.param(
            "prio1",
            LABOR,
            {**ALLE_FUENF_GELIEFERT, ANTRAG: (OFFEN, True)},
            6,
            5,
            (ANTRAG,),
            5 / 6,
            id="labor-ff-ja-nicht-geliefert",
        ),
        pytest.param(
            "prio2",
            LABOR,
            {**ALLE_FUENF_GELIEFERT, ANTRAG: (GELIEFERT, True)},
            6,
            6,
            (),
            1.0,
            id="labor-ff-ja-geliefert",
        ),
        pytest.param(
            "prio1",
            LABOR,
            {**ALLE_FUENF_GELIEFERT, ANTRAG: (OFFEN, False)},
            5,
            5,
            (),
            1.0,
            id="labor-ff-nein",
        ),
        pytest.param(
            "prio1",
            LABOR,
            {**ALLE_FUENF_GELIEFERT, KLICK: (VERZICHTET, None)},
            5,
            4,
            (KLICK,),
            0.8,
            id="labor-verzicht-unzulaessig",
        ),
        pytest.param(
            "prio3",
            WERKBANK,
            {**ALLE_FUENF_GELIEFERT, OZG: (VERZICHTET, None), KLICK: (VERZICHTET, None)},
            5,
            5,
            (),
            1.0,
            id="prio3-verzicht-zulaessig",
        ),
        pytest.param(
            "prio3",
            DIREKT,
            {**ALLE_FUENF_GELIEFERT, FIM: (VERZICHTET, None), RI: (IN_ARBEIT, None)},
            5,
            3,
            (FIM, RI),
            0.6,
            id="prio3-fim-verzicht-unzulaessig",
        ),
        pytest.param(
            "",
            VORHANDEN,
            {FIM: (GELIEFERT, None), ANTRAG: (OFFEN, True)},
            6,
            1,
            (OZG, KLICK, RI, KONZEPT, ANTRAG),
            1 / 6,
            id="nur-vorgehensmodell",
        ),
        pytest.param("depriorisiert", KEINE, {}, 0, 0, (), None, id="depriorisiert"),
        pytest.param("", "", {FIM: (OFFEN, None)}, 0, 0, (), None, id="nicht-priorisiert"),
    ],
)
def test_ergebnis_vollstaendigkeit(
    prioritaet, vorgehensmodell, ergebnisse, erforderlich, erfuellt, offen, anteil
):
    v = rules.ergebnis_vollstaendigkeit(prioritaet, vorgehensmodell, ergebnisse)
    assert (v.erforderlich, v.erfuellt, v.offen) == (erforderlich, erfuellt, offen)
    assert v.anteil == (None if anteil is None else pytest.approx(anteil))
    assert v.vollstaendig is (offen == ())


# --------------------------------------------------------------------------------------
# LeiKa-Typ and Leistungstyp
# --------------------------------------------------------------------------------------

HINWEIS_MISCH = "Mehrere Typen (1, 2/3): Mischleistung."


@pytest.mark.parametrize(
    ("wert", "typen", "ungueltig", "hinweis"),
    [
        ("1", ("1",), (), ""),
        ("2/3", ("2/3",), (), ""),
        (" 2 / 3 ", ("2/3",), (), ""),
        ("4", ("4",), (), ""),
        ("5", ("5",), (), ""),
        ("2", ("2/3",), (), "Typ „2“ als Typ 2/3 geführt."),
        ("3", ("2/3",), (), "Typ „3“ als Typ 2/3 geführt."),
        (
            "6",
            (),
            ("6",),
            "Unbekannter LeiKa-Typ „6“ (erlaubt: 1, 2/3, 4, 5); nicht übernommen.",
        ),
        (
            "44",
            (),
            ("44",),
            "Unbekannter LeiKa-Typ „44“ (erlaubt: 1, 2/3, 4, 5); nicht übernommen.",
        ),
        ("", (), (), "LeiKa-Typ fehlt; ohne Typ übernommen."),
        ("   ", (), (), "LeiKa-Typ fehlt; ohne Typ übernommen."),
        ("1, 2/3", ("1", "2/3"), (), HINWEIS_MISCH),
        ("1, 2", ("1", "2/3"), (), "Typ „2“ als Typ 2/3 geführt. " + HINWEIS_MISCH),
        ("1; 4", ("1", "4"), (), "Mehrere Typen (1, 4): Mischleistung."),
        ("1, 1", ("1",), (), ""),
        (
            "1, 44",
            ("1",),
            ("44",),
            "Unbekannter LeiKa-Typ „44“ (erlaubt: 1, 2/3, 4, 5); nicht übernommen.",
        ),
    ],
)
def test_leika_typ_parsen(wert, typen, ungueltig, hinweis):
    ergebnis = rules.leika_typ_parsen(wert)
    assert ergebnis.typen == typen
    assert ergebnis.ungueltig == ungueltig
    assert ergebnis.hinweis == hinweis


def test_leika_typ_parsen_sortiert_typen():
    assert rules.leika_typ_parsen("5, 2/3, 1").typen == ("1", "2/3", "5")


@pytest.mark.parametrize(
    ("leika_typen", "typen", "kategorie", "label"),
    [
        (["1"], ("1",), "bund", "Typ 1 – Typ 1 (Bundesprogramm)"),
        (["1", "1"], ("1",), "bund", "Typ 1 – Typ 1 (Bundesprogramm)"),
        (
            ["2/3"],
            ("2/3",),
            "foederal",
            "Typ 2/3 – Typ 2–5 (Digitalisierungsprogramm Föderal)",
        ),
        (
            ["2/3", "4", "5"],
            ("2/3", "4", "5"),
            "foederal",
            "Typ 2/3, 4, 5 – Typ 2–5 (Digitalisierungsprogramm Föderal)",
        ),
        (["5", "4"], ("4", "5"), "foederal", None),
        (["2", "3"], ("2/3",), "foederal", None),
        (["1", "2/3"], ("1", "2/3"), "misch", "Typ 1, 2/3 – Mischleistung (Typ 1 und 2–5)"),
        # a single LeiKa row carrying both
        (["1, 2/3"], ("1", "2/3"), "misch", "Typ 1, 2/3 – Mischleistung (Typ 1 und 2–5)"),
        (["4", "1"], ("1", "4"), "misch", None),
        ([], (), "unbekannt", "Typ unbekannt"),
        ([""], (), "unbekannt", "Typ unbekannt"),
        # invalid tokens are ignored
        (["44"], (), "unbekannt", "Typ unbekannt"),
        (["6", "1"], ("1",), "bund", None),
        (["2/3", "44"], ("2/3",), "foederal", None),
    ],
)
def test_leistungstyp(leika_typen, typen, kategorie, label):
    ergebnis = rules.leistungstyp(leika_typen)
    assert ergebnis.typen == typen
    assert ergebnis.kategorie == kategorie
    if label is not None:
        assert ergebnis.label == label
        assert str(ergebnis) == label


def test_leistungstyp_nimmt_generator():
    assert rules.leistungstyp(t for t in ["1", "4"]).kategorie == "misch"


# --------------------------------------------------------------------------------------
# Depriorisierung: Neubewertung
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grund", "ab"),
    [
        (Depriorisierungsgrund.FAKTISCH, None),
        (Depriorisierungsgrund.RECHTLICH, dt.date(2023, 1, 1)),
        (Depriorisierungsgrund.WIRTSCHAFTLICH, dt.date(2023, 1, 1)),
        ("", None),
    ],
)
def test_depriorisierung_neubewertung_ab(grund, ab):
    assert rules.depriorisierung_neubewertung_ab(grund) == ab


@pytest.mark.parametrize(
    ("grund", "stichtag", "faellig"),
    [
        ("faktisch", dt.date(2020, 5, 1), False),
        ("faktisch", dt.date(2023, 1, 1), False),
        ("faktisch", dt.date(2035, 1, 1), False),
        ("rechtlich", dt.date(2020, 5, 1), False),
        ("rechtlich", dt.date(2022, 12, 31), False),
        ("rechtlich", dt.date(2023, 1, 1), True),
        ("rechtlich", dt.date(2024, 6, 1), True),
        ("wirtschaftlich", dt.date(2022, 12, 31), False),
        ("wirtschaftlich", dt.date(2023, 1, 1), True),
        ("wirtschaftlich", dt.date(2030, 1, 1), True),
        ("", dt.date(2030, 1, 1), False),
    ],
)
def test_depriorisierung_neubewertung_faellig(grund, stichtag, faellig):
    assert rules.depriorisierung_neubewertung_faellig(grund, stichtag) is faellig


# --------------------------------------------------------------------------------------
# Meilenstein verzögert
# --------------------------------------------------------------------------------------

PLAN = dt.date(2021, 3, 1)


@pytest.mark.parametrize(
    ("geplant", "erreicht", "stichtag", "tage", "verzoegert"),
    [
        pytest.param(PLAN, dt.date(2021, 3, 11), dt.date(2021, 6, 1), 10, True, id="spaet"),
        pytest.param(PLAN, dt.date(2021, 3, 2), dt.date(2021, 3, 2), 1, True, id="1-tag-spaet"),
        pytest.param(PLAN, dt.date(2021, 2, 20), dt.date(2021, 6, 1), 0, False, id="frueh"),
        pytest.param(PLAN, PLAN, dt.date(2021, 6, 1), 0, False, id="am-tag"),
        pytest.param(PLAN, None, dt.date(2021, 2, 1), 0, False, id="offen-vor-plan"),
        pytest.param(PLAN, None, PLAN, 0, False, id="offen-am-plantag"),
        pytest.param(PLAN, None, dt.date(2021, 3, 2), 1, True, id="offen-1-tag-nach-plan"),
        pytest.param(PLAN, None, dt.date(2021, 4, 1), 31, True, id="offen-nach-plan"),
        pytest.param(None, None, dt.date(2021, 4, 1), 0, False, id="ohne-plan"),
        pytest.param(None, dt.date(2021, 4, 1), dt.date(2021, 5, 1), 0, False, id="ohne-plan-2"),
    ],
)
def test_meilenstein_verzug(geplant, erreicht, stichtag, tage, verzoegert):
    assert rules.meilenstein_verzug_tage(geplant, erreicht, stichtag) == tage
    assert rules.meilenstein_ist_verzoegert(geplant, erreicht, stichtag) is verzoegert


# --------------------------------------------------------------------------------------
# Referenzimplementierung abgeschlossen: all 16 combinations
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("territorial", "funktional", "leistungsbreite", "nachnutzbarkeit"),
    list(itertools.product([False, True], repeat=4)),
)
def test_referenzimplementierung_abgeschlossen(
    territorial, funktional, leistungsbreite, nachnutzbarkeit
):
    erwartet = (territorial, funktional, leistungsbreite, nachnutzbarkeit) == (
        True,
        True,
        True,
        True,
    )
    ergebnis = rules.referenzimplementierung_abgeschlossen(
        territorial=territorial,
        funktional=funktional,
        leistungsbreite=leistungsbreite,
        nachnutzbarkeit=nachnutzbarkeit,
    )
    assert ergebnis is erwartet


# --------------------------------------------------------------------------------------
# Flächendeckung
# --------------------------------------------------------------------------------------

S = rules.Stand
LAND = "05"
KREIS = "05111"
KREIS_2 = "05112"
GEMEINDE = "051110000000"


@pytest.mark.parametrize(
    ("staende", "erwartet"),
    [
        pytest.param([S(LAND, 3)], Flaechendeckung.LANDESWEIT, id="land-3"),
        pytest.param([S(LAND, 4)], Flaechendeckung.LANDESWEIT, id="land-4"),
        pytest.param(
            [S(GEMEINDE, 2), S(KREIS, 2), S(LAND, 3)], Flaechendeckung.LANDESWEIT, id="land-3-mix"
        ),
        pytest.param([S(LAND, 2), S(KREIS, 3)], Flaechendeckung.KREISWEIT, id="kreis-3"),
        pytest.param([S(KREIS, 4), S(KREIS_2, 1)], Flaechendeckung.KREISWEIT, id="kreis-4"),
        pytest.param([S(GEMEINDE, 3), S(KREIS, 3)], Flaechendeckung.KREISWEIT, id="gem+kreis"),
        pytest.param([S(KREIS, 3), S(GEMEINDE, 3)], Flaechendeckung.KREISWEIT, id="kreis+gem"),
        pytest.param([S(GEMEINDE, 3)], Flaechendeckung.KOMMUNE, id="gemeinde-3"),
        pytest.param([S(GEMEINDE, 4), S(KREIS, 2)], Flaechendeckung.KOMMUNE, id="gemeinde-4"),
        pytest.param(
            [S(LAND, 2), S(KREIS, 2), S(GEMEINDE, 2)], Flaechendeckung.KEINE, id="ueberall-2"
        ),
        pytest.param(
            [S("06", 4), S("06411", 4), S("064110000000", 4)],
            Flaechendeckung.KEINE,
            id="anderes-land",
        ),
        pytest.param(
            [S("06", 4), S(GEMEINDE, 3)], Flaechendeckung.KOMMUNE, id="anderes-land-ignoriert"
        ),
        pytest.param([], Flaechendeckung.KEINE, id="ohne-stand"),
    ],
)
def test_flaechendeckung_land(staende, erwartet):
    assert rules.flaechendeckung_land(LAND, staende) == erwartet


LAENDER = [f"{n:02d}" for n in range(1, 17)]


def test_flaechendeckung_bund_alle_16_landesweit():
    ergebnis = rules.flaechendeckung_bund(LAENDER, [S(ars, 3) for ars in LAENDER])
    assert ergebnis.kategorie == Flaechendeckung.BUNDESWEIT
    assert ergebnis.laender_flaechendeckend == 16
    assert ergebnis.anteil_laender == 1.0


def test_flaechendeckung_bund_15_von_16():
    staende = [S(ars, 4) for ars in LAENDER[:15]]
    ergebnis = rules.flaechendeckung_bund(LAENDER, staende)
    assert ergebnis.kategorie == Flaechendeckung.LANDESWEIT
    assert ergebnis.laender_flaechendeckend == 15
    assert ergebnis.anteil_laender == pytest.approx(15 / 16)
    assert ergebnis.je_land["16"] == Flaechendeckung.KEINE
    assert ergebnis.je_land["01"] == Flaechendeckung.LANDESWEIT


def test_flaechendeckung_bund_15_von_16_und_ein_kreis():
    staende = [S(ars, 3) for ars in LAENDER[:15]] + [S("16061", 3)]
    ergebnis = rules.flaechendeckung_bund(LAENDER, staende)
    assert ergebnis.kategorie == Flaechendeckung.LANDESWEIT
    assert ergebnis.je_land["16"] == Flaechendeckung.KREISWEIT


@pytest.mark.parametrize(
    ("staende", "kategorie", "je_land"),
    [
        pytest.param(
            [S("051110000000", 3), S("06", 2)],
            Flaechendeckung.KOMMUNE,
            {"05": "kommune", "06": "keine", "07": "keine"},
            id="beste-kategorie-kommune",
        ),
        pytest.param(
            [S("05111", 3), S("061110000000", 4)],
            Flaechendeckung.KREISWEIT,
            {"05": "kreisweit", "06": "kommune", "07": "keine"},
            id="beste-kategorie-kreisweit",
        ),
        pytest.param(
            [S("08", 4), S("08111", 4)],
            Flaechendeckung.KEINE,
            {"05": "keine", "06": "keine", "07": "keine"},
            id="nur-fremdes-land",
        ),
        pytest.param(
            [], Flaechendeckung.KEINE, {"05": "keine", "06": "keine", "07": "keine"}, id="leer"
        ),
    ],
)
def test_flaechendeckung_bund_beste_kategorie(staende, kategorie, je_land):
    ergebnis = rules.flaechendeckung_bund(["05", "06", "07"], staende)
    assert ergebnis.kategorie == kategorie
    assert ergebnis.je_land == je_land
    assert ergebnis.laender_flaechendeckend == 0
    assert ergebnis.anteil_laender == 0.0


def test_flaechendeckung_bund_ohne_laender():
    ergebnis = rules.flaechendeckung_bund([], [S("05", 4)])
    assert ergebnis.kategorie == Flaechendeckung.KEINE
    assert ergebnis.anteil_laender == 0.0
