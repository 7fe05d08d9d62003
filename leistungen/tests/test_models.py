"""Model validation through the services, database constraints and derived values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from leistungen import rules, services
from leistungen.choices import Ergebnisstatus, Ergebnistyp, Flaechendeckung
from leistungen.models import Leistung, Meilenstein, Umsetzungsstand
from ozgplattform import services as org_services
from ozgplattform.choices import Rolle
from ozgplattform.models import Organisation, Rollenzuweisung
from ozgplattform.testing import factories as f

pytestmark = pytest.mark.django_db

NACHWEIS = "https://fimportal.de/detail/L/99000000000000"


def _fehlerfelder(exc_info) -> set[str]:
    return set(exc_info.value.message_dict)


# --------------------------------------------------------------------------------------
# Factories build valid objects
# --------------------------------------------------------------------------------------

ALLE_FACTORIES = [
    f.UserFactory,
    f.SuperuserFactory,
    f.OrganisationFactory,
    f.LandFactory,
    f.KreisFactory,
    f.GemeindeFactory,
    f.RessortFactory,
    f.ThemenfeldFactory,
    f.LebenslageFactory,
    f.PersonaFactory,
    f.NutzerreiseFactory,
    f.LeistungFactory,
    f.LeikaLeistungFactory,
    f.UmsetzungsprojektFactory,
    f.ErgebnisFactory,
    f.UmsetzungsstandFactory,
    f.MeilensteinFactory,
    f.ReferenzimplementierungFactory,
    f.NachnutzungsangebotFactory,
    f.NachnutzungFactory,
    f.AnforderungFactory,
    f.RollenzuweisungFactory,
]


@pytest.mark.parametrize("factory", ALLE_FACTORIES, ids=lambda fa: fa.__name__)
def test_factory_baut_gueltige_objekte(factory):
    objekte = [factory(), factory()]
    for obj in objekte:
        obj.full_clean()
    assert objekte[0].pk != objekte[1].pk


@pytest.mark.parametrize(
    "params",
    [
        {"labor": True},
        {"werkbank": True},
        {"depriorisiert": True},
    ],
    ids=lambda p: next(iter(p)),
)
def test_leistung_traits_gueltig(params):
    f.LeistungFactory(**params).full_clean()


@pytest.mark.parametrize("trait", ["ozg_koordinator", "federfuehrer", "programmmanagement"])
def test_rollenzuweisung_traits_gueltig(trait):
    f.RollenzuweisungFactory(**{trait: True}).full_clean()


def test_gebiets_factories_bauen_ars_aus_dem_parent():
    gemeinde = f.GemeindeFactory()
    kreis = gemeinde.parent
    land = kreis.parent
    assert (len(land.ars), len(kreis.ars), len(gemeinde.ars)) == (2, 5, 12)
    assert kreis.ars.startswith(land.ars)
    assert gemeinde.ars.startswith(kreis.ars)
    assert f.RessortFactory().ars is None


def test_meilenstein_factory_uebernimmt_themenfeld_der_leistung():
    leistung = f.LeistungFactory()
    meilenstein = f.MeilensteinFactory(leistung=leistung)
    assert meilenstein.themenfeld == leistung.themenfeld
    meilenstein.full_clean()


# --------------------------------------------------------------------------------------
# Leistung: Priorität, Vorgehensmodell, Depriorisierung
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prioritaet", "vorgehensmodell"),
    [
        ("prio1", "digitalisierungswerkbank"),
        ("prio2", "keine_umsetzung"),
        ("prio3", "digitalisierungslabor"),
    ],
)
def test_vorgehensmodell_muss_zur_prioritaet_passen(prioritaet, vorgehensmodell):
    themenfeld = f.ThemenfeldFactory()
    with pytest.raises(ValidationError) as exc:
        services.leistung_anlegen(
            ozg_id=1,
            name="Wohngeld",
            themenfeld=themenfeld,
            prioritaet=prioritaet,
            vorgehensmodell=vorgehensmodell,
        )
    assert _fehlerfelder(exc) == {"vorgehensmodell"}
    assert not Leistung.objects.filter(ozg_id=1).exists()


def test_vorgehensmodell_passend_wird_gespeichert():
    leistung = services.leistung_anlegen(
        ozg_id=1,
        name="Wohngeld",
        themenfeld=f.ThemenfeldFactory(),
        prioritaet="prio3",
        vorgehensmodell="direkt_digitalisierung",
    )
    assert Leistung.objects.get(pk=leistung.pk).vorgehensmodell == "direkt_digitalisierung"


def test_vorgehensmodell_pruefung_auch_beim_aendern():
    leistung = f.LeistungFactory(labor=True)
    with pytest.raises(ValidationError) as exc:
        services.leistung_aendern(leistung=leistung, prioritaet="prio3")
    assert _fehlerfelder(exc) == {"vorgehensmodell"}
    leistung.refresh_from_db()
    assert leistung.prioritaet == "prio1"


@pytest.mark.parametrize(
    ("daten", "felder"),
    [
        ({}, {"depriorisierungsgrund", "depriorisierung_begruendung"}),
        ({"depriorisierungsgrund": "faktisch"}, {"depriorisierung_begruendung"}),
        ({"depriorisierung_begruendung": "Vor-Ort-Termin Pflicht"}, {"depriorisierungsgrund"}),
        (
            {"depriorisierungsgrund": "rechtlich", "depriorisierung_begruendung": "  "},
            {"depriorisierung_begruendung"},
        ),
    ],
)
def test_depriorisiert_braucht_grund_und_begruendung(daten, felder):
    leistung = f.LeistungFactory()
    with pytest.raises(ValidationError) as exc:
        services.leistung_aendern(
            leistung=leistung,
            prioritaet="depriorisiert",
            vorgehensmodell="keine_umsetzung",
            **daten,
        )
    assert _fehlerfelder(exc) == felder


def test_depriorisiert_mit_grund_und_begruendung():
    leistung = services.leistung_aendern(
        leistung=f.LeistungFactory(),
        prioritaet="depriorisiert",
        vorgehensmodell="keine_umsetzung",
        depriorisierungsgrund="wirtschaftlich",
        depriorisierung_begruendung="Fallzahl unter 10 pro Jahr.",
    )
    assert leistung.neubewertung_faellig(dt.date(2023, 1, 1)) is True
    assert leistung.neubewertung_faellig(dt.date(2022, 12, 31)) is False


def test_grund_nur_bei_depriorisierten_leistungen():
    with pytest.raises(ValidationError) as exc:
        services.leistung_aendern(
            leistung=f.LeistungFactory(werkbank=True), depriorisierungsgrund="faktisch"
        )
    assert _fehlerfelder(exc) == {"depriorisierungsgrund"}


def test_neubewertung_nur_fuer_depriorisierte():
    faktisch = f.LeistungFactory(depriorisiert=True, depriorisierungsgrund="faktisch")
    aktiv = f.LeistungFactory(werkbank=True)
    assert faktisch.neubewertung_faellig(dt.date(2030, 1, 1)) is False
    assert aktiv.neubewertung_faellig(dt.date(2030, 1, 1)) is False


# --------------------------------------------------------------------------------------
# Ergebnis: Verzicht und Nachweis
# --------------------------------------------------------------------------------------


def test_verzicht_braucht_begruendung():
    leistung = f.LeistungFactory(werkbank=True)
    with pytest.raises(ValidationError) as exc:
        services.ergebnis_setzen(
            leistung=leistung,
            ergebnistyp=Ergebnistyp.KLICK_PROTOTYP,
            status=Ergebnisstatus.VERZICHTET,
            verzicht_begruendung=" ",
        )
    assert _fehlerfelder(exc) == {"verzicht_begruendung"}


@pytest.mark.parametrize(
    ("traits", "ergebnistyp", "zulaessig"),
    [
        ({"labor": True}, Ergebnistyp.FIM_STAMMINFORMATIONEN, False),
        ({"labor": True}, Ergebnistyp.KLICK_PROTOTYP, False),
        ({"werkbank": True}, Ergebnistyp.FIM_STAMMINFORMATIONEN, False),
        ({"werkbank": True}, Ergebnistyp.REFERENZIMPLEMENTIERUNG, False),
        ({"werkbank": True}, Ergebnistyp.OZG_REFERENZINFORMATIONEN, True),
        ({"werkbank": True}, Ergebnistyp.KLICK_PROTOTYP, True),
        ({"depriorisiert": True}, Ergebnistyp.FIM_STAMMINFORMATIONEN, True),
    ],
)
def test_verzicht_nur_wo_zulaessig(traits, ergebnistyp, zulaessig):
    leistung = f.LeistungFactory(**traits)
    daten = {
        "leistung": leistung,
        "ergebnistyp": ergebnistyp,
        "status": Ergebnisstatus.VERZICHTET,
        "verzicht_begruendung": "Fachlich fundierte Einschätzung liegt vor.",
    }
    if zulaessig:
        ergebnis = services.ergebnis_setzen(**daten)
        assert ergebnis.status == Ergebnisstatus.VERZICHTET
    else:
        with pytest.raises(ValidationError) as exc:
            services.ergebnis_setzen(**daten)
        assert _fehlerfelder(exc) == {"status"}
        assert not leistung.ergebnisse.exists()


def test_ff_entscheidung_nein_erlaubt_verzicht_auf_antragsprozess():
    leistung = f.LeistungFactory(labor=True)
    daten = {
        "leistung": leistung,
        "ergebnistyp": Ergebnistyp.ANTRAGSPROZESS,
        "status": Ergebnisstatus.VERZICHTET,
        "verzicht_begruendung": "Kein Antragsverfahren nötig.",
    }
    with pytest.raises(ValidationError) as exc:
        services.ergebnis_setzen(ff_erforderlich=True, **daten)
    assert _fehlerfelder(exc) == {"status"}
    assert services.ergebnis_setzen(ff_erforderlich=False, **daten).pk


def test_geliefert_braucht_nachweis():
    leistung = f.LeistungFactory(labor=True)
    with pytest.raises(ValidationError) as exc:
        services.ergebnis_setzen(
            leistung=leistung,
            ergebnistyp=Ergebnistyp.FIM_STAMMINFORMATIONEN,
            status=Ergebnisstatus.GELIEFERT,
        )
    assert _fehlerfelder(exc) == {"nachweis_url"}
    ergebnis = services.ergebnis_setzen(
        leistung=leistung,
        ergebnistyp=Ergebnistyp.FIM_STAMMINFORMATIONEN,
        status=Ergebnisstatus.GELIEFERT,
        repository_url="https://gitlab.opencode.de/ozg/fim",
    )
    assert ergebnis.status == Ergebnisstatus.GELIEFERT


def test_fim_status_nur_fuer_fim():
    with pytest.raises(ValidationError) as exc:
        services.ergebnis_setzen(
            leistung=f.LeistungFactory(labor=True),
            ergebnistyp=Ergebnistyp.KLICK_PROTOTYP,
            fim_status="gold",
        )
    assert _fehlerfelder(exc) == {"fim_status"}


# --------------------------------------------------------------------------------------
# Umsetzungsstand
# --------------------------------------------------------------------------------------


def test_reifegrad_5_abgelehnt():
    leistung = f.LeistungFactory()
    with pytest.raises(ValidationError) as exc:
        services.umsetzungsstand_melden(leistung=leistung, gebiet=f.LandFactory(), reifegrad=5)
    assert "reifegrad" in _fehlerfelder(exc)
    assert not Umsetzungsstand.objects.exists()


@pytest.mark.parametrize(
    "gebiet_factory", [f.LandFactory, f.KreisFactory, f.GemeindeFactory], ids=lambda x: x.__name__
)
def test_umsetzungsstand_fuer_gebiete(gebiet_factory):
    stand = services.umsetzungsstand_melden(
        leistung=f.LeistungFactory(), gebiet=gebiet_factory(), reifegrad=4
    )
    assert Umsetzungsstand.objects.get(pk=stand.pk).reifegrad == 4


@pytest.mark.parametrize(
    "org_factory", [f.RessortFactory, f.OrganisationFactory], ids=lambda x: x.__name__
)
def test_umsetzungsstand_nur_fuer_land_kreis_gemeinde(org_factory):
    with pytest.raises(ValidationError) as exc:
        services.umsetzungsstand_melden(
            leistung=f.LeistungFactory(), gebiet=org_factory(), reifegrad=3
        )
    assert "gebiet" in _fehlerfelder(exc)
    assert not Umsetzungsstand.objects.exists()


def test_datenbank_lehnt_reifegrad_5_auch_ohne_clean_ab():
    stand = f.UmsetzungsstandFactory(reifegrad=3)
    with pytest.raises(IntegrityError, match="reifegrad_0_bis_4"), transaction.atomic():
        Umsetzungsstand.objects.filter(pk=stand.pk).update(reifegrad=5)
    stand.refresh_from_db()
    assert stand.reifegrad == 3
    # the same update with a valid value goes through
    Umsetzungsstand.objects.filter(pk=stand.pk).update(reifegrad=4)
    stand.refresh_from_db()
    assert stand.reifegrad == 4


@pytest.mark.parametrize(
    ("reifegrad", "sichtbar"), [(0, False), (1, False), (2, True), (3, True), (4, True)]
)
def test_oeffentliche_url_erst_ab_stufe_2(reifegrad, sichtbar):
    stand = f.UmsetzungsstandFactory(reifegrad=reifegrad, online_url="https://wohngeld.example.org")
    assert stand.oeffentliche_url == ("https://wohngeld.example.org" if sichtbar else "")
    assert stand.online_url == "https://wohngeld.example.org"


# --------------------------------------------------------------------------------------
# Organisation: ARS rules
# --------------------------------------------------------------------------------------


@pytest.fixture
def land_05():
    return f.LandFactory(ars="05", name="Nordrhein-Westfalen")


@pytest.fixture
def kreis_05111(land_05):
    return f.KreisFactory(ars="05111", parent=land_05, name="Düsseldorf")


@pytest.mark.parametrize(
    ("daten", "feld"),
    [
        pytest.param({"art": "land", "ars": "5"}, "ars", id="land-zu-kurz"),
        pytest.param({"art": "land", "ars": "051"}, "ars", id="land-zu-lang"),
        pytest.param({"art": "land", "ars": "0A"}, "ars", id="land-keine-ziffern"),
        pytest.param({"art": "land", "ars": ""}, "ars", id="land-ohne-ars"),
        pytest.param({"art": "kreis", "ars": "0511", "parent": "land"}, "ars", id="kreis-4"),
        pytest.param({"art": "kreis", "ars": "06111", "parent": "land"}, "ars", id="kreis-fremd"),
        pytest.param({"art": "kreis", "ars": "05113"}, "parent", id="kreis-ohne-parent"),
        pytest.param(
            {"art": "gemeinde", "ars": "051120000000", "parent": "kreis"}, "ars", id="gem-fremd"
        ),
        pytest.param(
            {"art": "gemeinde", "ars": "05111000000", "parent": "kreis"}, "ars", id="gem-11"
        ),
        pytest.param({"art": "bundesressort", "ars": "11"}, "ars", id="ressort-mit-ars"),
        pytest.param({"art": "fitko", "ars": "12"}, "ars", id="fitko-mit-ars"),
    ],
)
def test_organisation_ars_regeln(daten, feld, land_05, kreis_05111):
    daten = dict(daten)
    parent = {"land": land_05, "kreis": kreis_05111}.get(daten.pop("parent", None))
    with pytest.raises(ValidationError) as exc:
        org_services.organisation_anlegen(name="Neu", parent=parent, **daten)
    assert feld in _fehlerfelder(exc)
    assert not Organisation.objects.filter(name="Neu").exists()


@pytest.mark.parametrize(
    "daten",
    [
        pytest.param({"art": "land", "ars": "07"}, id="land"),
        pytest.param({"art": "kreis", "ars": "05113", "parent": "land"}, id="kreis"),
        pytest.param({"art": "gemeinde", "ars": "051110000001", "parent": "kreis"}, id="gemeinde"),
        pytest.param({"art": "bundesressort", "ars": ""}, id="ressort-leerer-ars"),
    ],
)
def test_organisation_gueltige_ars(daten, land_05, kreis_05111):
    daten = dict(daten)
    parent = {"land": land_05, "kreis": kreis_05111}.get(daten.pop("parent", None))
    org = org_services.organisation_anlegen(name="Neu", parent=parent, **daten)
    org.refresh_from_db()
    assert org.ars == (daten["ars"] or None)


def test_organisation_im_land(land_05, kreis_05111):
    gemeinde = f.GemeindeFactory(parent=kreis_05111)
    f.LandFactory(ars="06")
    assert set(Organisation.objects.im_land(land_05)) == {land_05, kreis_05111, gemeinde}


# --------------------------------------------------------------------------------------
# Rollenzuweisung: scope rules
# --------------------------------------------------------------------------------------


def _rolle(rolle, **bereich):
    return org_services.rollenzuweisung_anlegen(benutzer=f.UserFactory(), rolle=rolle, **bereich)


@pytest.mark.parametrize(
    ("rolle", "bereich", "feld"),
    [
        pytest.param(Rolle.OZG_KOORDINATOR, {}, "organisation", id="koordinator-ohne-land"),
        pytest.param(
            Rolle.OZG_KOORDINATOR,
            {"organisation": "ressort"},
            "organisation",
            id="koordinator-mit-ressort",
        ),
        pytest.param(
            Rolle.OZG_KOORDINATOR,
            {"organisation": "land", "themenfeld": "tf"},
            "themenfeld",
            id="koordinator-mit-themenfeld",
        ),
        pytest.param(Rolle.FEDERFUEHRER, {}, "themenfeld", id="federfuehrer-ohne-themenfeld"),
        pytest.param(
            Rolle.FEDERFUEHRER,
            {"themenfeld": "tf", "organisation": "kreis"},
            "organisation",
            id="federfuehrer-kreis",
        ),
        pytest.param(
            Rolle.PROGRAMMMANAGEMENT, {"themenfeld": "tf"}, "themenfeld", id="pm-mit-themenfeld"
        ),
        pytest.param(
            Rolle.PROGRAMMMANAGEMENT, {"organisation": "land"}, "organisation", id="pm-mit-land"
        ),
        pytest.param(Rolle.LEISTUNGSVERANTWORTLICHER, {}, "leistung", id="lv-ohne-leistung"),
        pytest.param(
            Rolle.LV_NACHNUTZENDES_LAND,
            {"leistung": "leistung"},
            "organisation",
            id="lv-nachnutzend-ohne-land",
        ),
        pytest.param(Rolle.LESER, {"leistung": "leistung"}, "leistung", id="leser-mit-leistung"),
        pytest.param(Rolle.UMSETZUNGSKOORDINATOR, {}, "umsetzungsprojekt", id="uk-ohne-projekt"),
    ],
)
def test_rollenzuweisung_bereich(rolle, bereich, feld):
    land = f.LandFactory()
    objekte = {
        "land": land,
        "kreis": f.KreisFactory(parent=land),
        "ressort": f.RessortFactory(),
        "tf": f.ThemenfeldFactory(),
        "leistung": f.LeistungFactory(),
    }
    with pytest.raises(ValidationError) as exc:
        _rolle(rolle, **{k: objekte[v] for k, v in bereich.items()})
    assert feld in _fehlerfelder(exc)
    assert not Rollenzuweisung.objects.exists()


@pytest.mark.parametrize(
    ("rolle", "bereich"),
    [
        (Rolle.OZG_KOORDINATOR, {"organisation": "land"}),
        (Rolle.FEDERFUEHRER, {"themenfeld": "tf"}),
        (Rolle.FEDERFUEHRER, {"themenfeld": "tf", "organisation": "ressort"}),
        (Rolle.PROGRAMMMANAGEMENT, {}),
        (Rolle.PROGRAMMMANAGEMENT, {"organisation": "ressort"}),
        (Rolle.LEISTUNGSVERANTWORTLICHER, {"leistung": "leistung"}),
        (Rolle.LV_NACHNUTZENDES_LAND, {"leistung": "leistung", "organisation": "land"}),
        (Rolle.LESER, {}),
    ],
)
def test_rollenzuweisung_gueltig(rolle, bereich):
    objekte = {
        "land": f.LandFactory(),
        "ressort": f.RessortFactory(),
        "tf": f.ThemenfeldFactory(),
        "leistung": f.LeistungFactory(),
    }
    zuweisung = _rolle(rolle, **{k: objekte[v] for k, v in bereich.items()})
    assert Rollenzuweisung.objects.get(pk=zuweisung.pk).rolle == rolle


def test_rollenzuweisung_bis_vor_von():
    with pytest.raises(ValidationError) as exc:
        _rolle(Rolle.LESER, gueltig_von=dt.date(2021, 5, 1), gueltig_bis=dt.date(2021, 4, 30))
    assert _fehlerfelder(exc) == {"gueltig_bis"}
    zuweisung = _rolle(
        Rolle.LESER, gueltig_von=dt.date(2021, 5, 1), gueltig_bis=dt.date(2021, 5, 1)
    )
    assert zuweisung.pk


def test_rollenzuweisung_datenbank_prueft_zeitraum():
    zuweisung = f.RollenzuweisungFactory(gueltig_von=dt.date(2021, 5, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Rollenzuweisung.objects.filter(pk=zuweisung.pk).update(gueltig_bis=dt.date(2021, 1, 1))


def test_rollenzuweisung_gueltig_queryset():
    stichtag = dt.date(2021, 6, 1)
    aktuell = f.RollenzuweisungFactory(gueltig_von=dt.date(2021, 1, 1))
    f.RollenzuweisungFactory(gueltig_bis=dt.date(2021, 5, 31))
    f.RollenzuweisungFactory(gueltig_von=dt.date(2021, 6, 2))
    f.RollenzuweisungFactory(user=f.UserFactory(is_active=False))
    assert list(Rollenzuweisung.objects.gueltig(stichtag)) == [aktuell]


# --------------------------------------------------------------------------------------
# Meilenstein: queryset and rule agree
# --------------------------------------------------------------------------------------

STICHTAG = dt.date(2021, 6, 1)

MEILENSTEIN_FAELLE = {
    # name: (geplant, erreicht, verzögert am STICHTAG)
    "spaet-erreicht": (dt.date(2021, 3, 1), dt.date(2021, 3, 5), True),
    "frueh-erreicht": (dt.date(2021, 3, 1), dt.date(2021, 2, 20), False),
    "am-tag-erreicht": (dt.date(2021, 3, 1), dt.date(2021, 3, 1), False),
    "offen-ueberfaellig": (dt.date(2021, 5, 31), None, True),
    "offen-am-stichtag": (STICHTAG, None, False),
    "offen-noch-nicht-faellig": (dt.date(2021, 9, 1), None, False),
    "spaet-nach-stichtag-geplant": (dt.date(2021, 7, 1), dt.date(2021, 7, 2), True),
}


def test_meilenstein_verzoegert_queryset_gleich_regel():
    themenfeld = f.ThemenfeldFactory()
    for name, (geplant, erreicht, _) in MEILENSTEIN_FAELLE.items():
        f.MeilensteinFactory(themenfeld=themenfeld, name=name, geplant=geplant, erreicht=erreicht)

    erwartet = {name for name, (_, _, verzoegert) in MEILENSTEIN_FAELLE.items() if verzoegert}
    aus_db = set(Meilenstein.objects.verzoegert(STICHTAG).values_list("name", flat=True))
    aus_regel = {m.name for m in Meilenstein.objects.all() if m.ist_verzoegert(STICHTAG)}
    assert aus_db == erwartet
    assert aus_regel == erwartet
    for m in Meilenstein.objects.all():
        assert m.ist_verzoegert(STICHTAG) is rules.meilenstein_ist_verzoegert(
            m.geplant, m.erreicht, STICHTAG
        )
    assert Meilenstein.objects.get(name="spaet-erreicht").verzug_tage(STICHTAG) == 4
    assert Meilenstein.objects.get(name="offen-ueberfaellig").verzug_tage(STICHTAG) == 1


def test_meilenstein_erreicht_nicht_in_der_zukunft():
    themenfeld = f.ThemenfeldFactory()
    with pytest.raises(ValidationError) as exc:
        services.meilenstein_anlegen(
            themenfeld=themenfeld,
            phase="konzeption",
            name="Steckbriefe fertig",
            geplant=dt.date(2021, 1, 1),
            erreicht=dt.date(2099, 1, 1),
        )
    assert _fehlerfelder(exc) == {"erreicht"}


def test_meilenstein_leistung_aus_anderem_themenfeld():
    with pytest.raises(ValidationError) as exc:
        services.meilenstein_anlegen(
            themenfeld=f.ThemenfeldFactory(),
            leistung=f.LeistungFactory(),
            phase="konzeption",
            name="Steckbrief",
            geplant=dt.date(2021, 1, 1),
        )
    assert _fehlerfelder(exc) == {"leistung"}


# --------------------------------------------------------------------------------------
# Referenzimplementierung with real Umsetzungsstände and Ergebnisse
# --------------------------------------------------------------------------------------


@pytest.fixture
def referenz():
    leistung = f.LeistungFactory(werkbank=True)
    land = f.LandFactory()
    ri = services.referenzimplementierung_setzen(
        leistung=leistung,
        land=land,
        live_im_land=True,
        nachnutzbar_fuer_andere=True,
        deckt_leistungsbreite_ab=True,
        standards_initiiert=True,
    )
    return ri


def _geliefert(leistung, *typen):
    for typ in typen:
        services.ergebnis_setzen(
            leistung=leistung,
            ergebnistyp=typ,
            status=Ergebnisstatus.GELIEFERT,
            nachweis_url=NACHWEIS,
        )


def test_referenzimplementierung_funktional_nur_mit_stand_3_im_land(referenz):
    leistung = referenz.leistung
    _geliefert(leistung, Ergebnistyp.FIM_STAMMINFORMATIONEN, Ergebnistyp.OZG_REFERENZINFORMATIONEN)
    assert referenz.kriterien()["funktional"] is False  # no Stand at all

    services.umsetzungsstand_melden(leistung=leistung, gebiet=f.LandFactory(), reifegrad=4)
    services.umsetzungsstand_melden(
        leistung=leistung, gebiet=f.KreisFactory(parent=referenz.land), reifegrad=4
    )
    assert referenz.kriterien()["funktional"] is False  # other Land / only a Kreis

    services.umsetzungsstand_melden(leistung=leistung, gebiet=referenz.land, reifegrad=2)
    assert referenz.kriterien()["funktional"] is False
    assert referenz.abgeschlossen is False

    services.umsetzungsstand_melden(leistung=leistung, gebiet=referenz.land, reifegrad=3)
    assert referenz.kriterien() == {
        "territorial": True,
        "funktional": True,
        "leistungsbreite": True,
        "nachnutzbarkeit": True,
    }
    assert referenz.abgeschlossen is True


def test_referenzimplementierung_nachnutzbarkeit(referenz):
    leistung = referenz.leistung
    services.umsetzungsstand_melden(leistung=leistung, gebiet=referenz.land, reifegrad=4)
    assert referenz.kriterien()["nachnutzbarkeit"] is False  # nothing delivered

    _geliefert(leistung, Ergebnistyp.FIM_STAMMINFORMATIONEN)
    assert referenz.kriterien()["nachnutzbarkeit"] is False  # OZG-Referenzinformationen missing

    services.ergebnis_setzen(
        leistung=leistung,
        ergebnistyp=Ergebnistyp.OZG_REFERENZINFORMATIONEN,
        status=Ergebnisstatus.IN_ARBEIT,
    )
    assert referenz.kriterien()["nachnutzbarkeit"] is False

    _geliefert(leistung, Ergebnistyp.OZG_REFERENZINFORMATIONEN)
    assert referenz.kriterien()["nachnutzbarkeit"] is True
    assert referenz.abgeschlossen is True

    services.referenzimplementierung_setzen(leistung=leistung, standards_initiiert=False)
    referenz.refresh_from_db()
    assert referenz.kriterien()["nachnutzbarkeit"] is False
    assert referenz.abgeschlossen is False


def test_referenzimplementierung_nachnutzbarkeit_mit_zulaessigem_verzicht(referenz):
    """Prio 3 may waive the OZG-Referenzinformationen (Abbildung 2); that still counts."""
    leistung = referenz.leistung  # Prio 3 / Digitalisierungswerkbank
    services.umsetzungsstand_melden(leistung=leistung, gebiet=referenz.land, reifegrad=3)
    _geliefert(leistung, Ergebnistyp.FIM_STAMMINFORMATIONEN)
    services.ergebnis_setzen(
        leistung=leistung,
        ergebnistyp=Ergebnistyp.OZG_REFERENZINFORMATIONEN,
        status=Ergebnisstatus.VERZICHTET,
        verzicht_begruendung="Aufwand und Ertrag stehen nicht im Einklang.",
    )
    assert referenz.kriterien()["nachnutzbarkeit"] is True
    assert referenz.abgeschlossen is True

    # A waived FIM-Stamminformation is not allowed and would never count.
    services.ergebnis_setzen(
        leistung=leistung, ergebnistyp=Ergebnistyp.FIM_STAMMINFORMATIONEN, status="offen"
    )
    assert referenz.kriterien()["nachnutzbarkeit"] is False


@pytest.mark.parametrize(
    ("feld", "kriterium"),
    [
        ("live_im_land", "territorial"),
        ("nachnutzbar_fuer_andere", "territorial"),
        ("deckt_leistungsbreite_ab", "leistungsbreite"),
    ],
)
def test_referenzimplementierung_flags(referenz, feld, kriterium):
    leistung = referenz.leistung
    services.umsetzungsstand_melden(leistung=leistung, gebiet=referenz.land, reifegrad=3)
    _geliefert(leistung, Ergebnistyp.FIM_STAMMINFORMATIONEN, Ergebnistyp.OZG_REFERENZINFORMATIONEN)
    assert referenz.abgeschlossen is True
    referenz = services.referenzimplementierung_setzen(leistung=leistung, **{feld: False})
    assert referenz.kriterien()[kriterium] is False
    assert referenz.abgeschlossen is False


def test_referenzimplementierung_nur_in_einem_land():
    with pytest.raises(ValidationError) as exc:
        services.referenzimplementierung_setzen(leistung=f.LeistungFactory(), land=f.KreisFactory())
    assert _fehlerfelder(exc) == {"land"}


# --------------------------------------------------------------------------------------
# Leistung: Typ, Flächendeckung, Vollständigkeit
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typen", "kategorie", "normalisiert"),
    [
        (["1"], "bund", ["1"]),
        (["2", "4"], "foederal", ["2/3", "4"]),
        (["1", "2/3"], "misch", ["1", "2/3"]),
        (["1, 2"], "misch", ["1, 2/3"]),
        ([], "unbekannt", []),
    ],
)
def test_leistung_typ_aus_leika(typen, kategorie, normalisiert):
    leistung = f.LeistungFactory()
    for i, typ in enumerate(typen):
        services.leika_leistung_anlegen(
            leistung=leistung, schluessel=f"9900000000{i:04d}", name=f"LeiKa {i}", typ=typ
        )
    assert leistung.typ.kategorie == kategorie
    assert sorted(leistung.leika_leistungen.values_list("typ", flat=True)) == normalisiert


def test_leistung_typ_zaehlt_nur_eigene_leika():
    leistung = f.LeistungFactory()
    f.LeikaLeistungFactory(leistung=leistung, typ="1")
    f.LeikaLeistungFactory(typ="2/3")  # another Leistung
    assert leistung.typ.kategorie == "bund"


@pytest.mark.parametrize(("typ", "feld"), [("44", "typ"), ("6", "typ")])
def test_leika_typ_ungueltig(typ, feld):
    with pytest.raises(ValidationError) as exc:
        services.leika_leistung_anlegen(
            leistung=f.LeistungFactory(), schluessel="99000000000001", name="X", typ=typ
        )
    assert _fehlerfelder(exc) == {feld}


@pytest.mark.parametrize("schluessel", ["9900000000000", "9900000000000A"])
def test_leika_schluessel_14_ziffern(schluessel):
    with pytest.raises(ValidationError) as exc:
        services.leika_leistung_anlegen(
            leistung=f.LeistungFactory(), schluessel=schluessel, name="X", typ="1"
        )
    assert "schluessel" in _fehlerfelder(exc)


def test_leistung_flaechendeckung():
    leistung = f.LeistungFactory()
    land_a, land_b, land_c = f.LandFactory(), f.LandFactory(), f.LandFactory()
    f.RessortFactory()  # not a Land: not counted
    services.umsetzungsstand_melden(leistung=leistung, gebiet=land_a, reifegrad=3)
    services.umsetzungsstand_melden(
        leistung=leistung, gebiet=f.KreisFactory(parent=land_b), reifegrad=4
    )
    services.umsetzungsstand_melden(
        leistung=leistung, gebiet=f.GemeindeFactory(parent__parent=land_c), reifegrad=2
    )
    # Another Leistung's Stände do not count.
    f.UmsetzungsstandFactory(gebiet=land_c, reifegrad=4)

    ergebnis = leistung.flaechendeckung()
    assert ergebnis.je_land == {
        land_a.ars: Flaechendeckung.LANDESWEIT,
        land_b.ars: Flaechendeckung.KREISWEIT,
        land_c.ars: Flaechendeckung.KEINE,
    }
    assert ergebnis.kategorie == Flaechendeckung.LANDESWEIT
    assert ergebnis.anteil_laender == pytest.approx(1 / 3)

    services.umsetzungsstand_melden(leistung=leistung, gebiet=land_b, reifegrad=3)
    services.umsetzungsstand_melden(leistung=leistung, gebiet=land_c, reifegrad=4)
    assert leistung.flaechendeckung().kategorie == Flaechendeckung.BUNDESWEIT
    # with an explicit list of Länder, only those count
    teil = leistung.flaechendeckung([land_a.ars, "99"])
    assert teil.je_land == {land_a.ars: "landesweit", "99": "keine"}
    assert teil.kategorie == Flaechendeckung.LANDESWEIT


def test_leistung_vollstaendigkeit():
    leistung = f.LeistungFactory(werkbank=True)
    v = leistung.vollstaendigkeit()
    assert (v.erforderlich, v.erfuellt) == (5, 0)

    _geliefert(
        leistung,
        Ergebnistyp.FIM_STAMMINFORMATIONEN,
        Ergebnistyp.REFERENZIMPLEMENTIERUNG,
        Ergebnistyp.KONZEPT_NACHNUTZUNG,
    )
    services.ergebnis_setzen(
        leistung=leistung,
        ergebnistyp=Ergebnistyp.KLICK_PROTOTYP,
        status=Ergebnisstatus.VERZICHTET,
        verzicht_begruendung="Formular ist trivial.",
    )
    services.ergebnis_setzen(
        leistung=leistung, ergebnistyp=Ergebnistyp.ANTRAGSPROZESS, ff_erforderlich=True
    )
    v = leistung.vollstaendigkeit()
    assert (v.erforderlich, v.erfuellt) == (6, 4)
    assert v.offen == (Ergebnistyp.OZG_REFERENZINFORMATIONEN, Ergebnistyp.ANTRAGSPROZESS)
    assert v.vollstaendig is False

    services.ergebnis_setzen(
        leistung=leistung, ergebnistyp=Ergebnistyp.ANTRAGSPROZESS, ff_erforderlich=False
    )
    _geliefert(leistung, Ergebnistyp.OZG_REFERENZINFORMATIONEN)
    v = leistung.vollstaendigkeit()
    assert (v.erforderlich, v.erfuellt, v.offen) == (5, 5, ())
    assert v.vollstaendig is True


def test_leistung_ergebnis_anforderungen():
    anforderungen = f.LeistungFactory(labor=True).ergebnis_anforderungen()
    assert {t: a.stufe for t, a in anforderungen.items()} == {
        Ergebnistyp.FIM_STAMMINFORMATIONEN: "erforderlich",
        Ergebnistyp.OZG_REFERENZINFORMATIONEN: "erforderlich",
        Ergebnistyp.KLICK_PROTOTYP: "erforderlich",
        Ergebnistyp.REFERENZIMPLEMENTIERUNG: "erforderlich",
        Ergebnistyp.KONZEPT_NACHNUTZUNG: "erforderlich",
        Ergebnistyp.ANTRAGSPROZESS: "entscheidung_ff",
    }
    assert set(f.LeistungFactory().ergebnis_anforderungen().values()) == {None}


def test_lebenslage_aus_anderem_themenfeld():
    with pytest.raises(ValidationError) as exc:
        services.leistung_anlegen(
            ozg_id=7,
            name="Kindergeld",
            themenfeld=f.ThemenfeldFactory(),
            lebenslage=f.LebenslageFactory(),
        )
    assert _fehlerfelder(exc) == {"lebenslage"}


def test_nachnutzung_nicht_durch_anbieter():
    angebot = f.NachnutzungsangebotFactory()
    nachnutzung = f.NachnutzungFactory.build(angebot=angebot, land=angebot.anbieter)
    with pytest.raises(ValidationError) as exc:
        nachnutzung.full_clean()
    assert "land" in _fehlerfelder(exc)


def test_user_factory_passwort():
    a, b = f.UserFactory(), f.SuperuserFactory()
    assert a.check_password(f.PASSWORT)
    assert b.check_password(f.PASSWORT)
    assert not a.check_password("falsch")
    assert (b.is_staff, b.is_superuser, a.is_superuser) == (True, True, False)
