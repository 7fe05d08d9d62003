"""``restrict`` and the single-object checks: query counts, visibility, new objects,
field rules, the depriorisation rules, and writes that try a way around the checks.

Query counts (measured with ``CaptureQueriesContext``):

* *cold* = a user object fresh from the database: ``_globale_aktionen`` loads the
  user's global permissions once (``ModelBackend.get_all_permissions``: one query for
  the user's own permissions, one for their groups' permissions), then the filtered
  list itself is **one** query (object grants enter as subqueries). Cold = 3.
* *warm* = the same user object again: the permission cache lives on the user object
  (one request), so the list is exactly **1** query.

Neither number may depend on how many objects are permitted.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.models import UserObjectPermission

from anforderungen.choices import Anforderungsart
from anforderungen.models import Anforderung
from anforderungen.services import anforderung_einreichen
from leistungen.choices import (
    Depriorisierungsentscheidung,
    Depriorisierungsgrund,
    Ergebnisstatus,
    Ergebnistyp,
    Prioritaet,
    Vorgehensmodell,
)
from leistungen.models import Ergebnis, Leistung, Meilenstein, Umsetzungsprojekt, Umsetzungsstand
from leistungen.services import (
    depriorisierung_entscheiden,
    depriorisierung_vorschlagen,
    ergebnis_setzen,
    leistung_aendern,
    meilenstein_aendern,
    referenzimplementierung_setzen,
    umsetzungsprojekt_aendern,
    umsetzungsprojekt_anlegen,
)
from marktplatz.models import Nachnutzung, Nachnutzungsangebot
from marktplatz.services import nachnutzung_erklaeren
from ozgplattform.choices import Aktion, Rolle
from ozgplattform.models import Organisation, Rollenzuweisung
from ozgplattform.rechte import (
    LEISTUNG_FELDER_FF,
    LEISTUNG_FELDER_UMSETZUNG,
    THEMENFELD_FELDER_FF,
    darf,
    darf_neu,
    rechte_synchronisieren,
    restrict,
    schreibbare_felder,
    sichtbar,
)
from ozgplattform.services import objekt_anlegen, rollenzuweisung_anlegen
from ozgplattform.testing import factories as f
from themenfelder.models import Themenfeld

pytestmark = pytest.mark.django_db

User = get_user_model()
_E = Depriorisierungsentscheidung


def _zaehlen(fn) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        ergebnis = fn()
    return len(ctx.captured_queries), ergebnis


def _frisch(user):
    return User.objects.get(pk=user.pk)


def _leistungen(themenfeld, anzahl: int, start: int) -> list[Leistung]:
    return Leistung.objects.bulk_create(
        Leistung(ozg_id=start + i, name=f"Leistung {start + i}", themenfeld=themenfeld)
        for i in range(anzahl)
    )


def _messen(user, model, aktion) -> dict:
    """Cold and warm query counts of ``list(restrict(...))`` and the result."""
    user = _frisch(user)
    kalt, liste = _zaehlen(lambda: list(restrict(model.objects.all(), user, aktion)))
    warm, liste_warm = _zaehlen(lambda: list(restrict(model.objects.all(), user, aktion)))
    assert [o.pk for o in liste] == [o.pk for o in liste_warm]
    return {"kalt": kalt, "warm": warm, "pks": [o.pk for o in liste]}


# ======================================================================================
# Query count: constant in the number of permitted objects
# ======================================================================================


def _federfuehrer_mit(anzahl: int, start: int):
    tf = f.ThemenfeldFactory()
    leistungen = _leistungen(tf, anzahl, start)
    _leistungen(f.ThemenfeldFactory(), 3, start + anzahl)  # not permitted
    user = f.UserFactory()
    rollenzuweisung_anlegen(benutzer=user, rolle=Rolle.FEDERFUEHRER, themenfeld=tf)
    return user, leistungen


def _leistungsverantwortlicher_mit(anzahl: int, start: int):
    tf = f.ThemenfeldFactory()
    leistungen = _leistungen(tf, anzahl + 3, start)
    user = f.UserFactory()
    # Bulk, then one sync: the same grants rollenzuweisung_anlegen makes, 500× faster.
    Rollenzuweisung.objects.bulk_create(
        Rollenzuweisung(user=user, rolle=Rolle.LEISTUNGSVERANTWORTLICHER, leistung=le)
        for le in leistungen[:anzahl]
    )
    rechte_synchronisieren(user)
    assert UserObjectPermission.objects.filter(user=user).count() == anzahl
    return user, leistungen[:anzahl]


def _umsetzungskoordinator_mit(anzahl: int, start: int):
    """Two projects that both contain every Leistung: the M2M path fans out 2×."""
    tf = f.ThemenfeldFactory()
    leistungen = _leistungen(tf, anzahl, start)
    _leistungen(tf, 3, start + anzahl)  # same Themenfeld, no project
    user = f.UserFactory()
    for i in range(2):
        projekt = f.UmsetzungsprojektFactory(themenfeld=tf, name=f"Projekt {start} {i}")
        projekt.leistungen.set(leistungen)
        rollenzuweisung_anlegen(
            benutzer=user, rolle=Rolle.UMSETZUNGSKOORDINATOR, umsetzungsprojekt=projekt
        )
    return user, leistungen


@pytest.mark.parametrize(
    "aufbau",
    [_federfuehrer_mit, _leistungsverantwortlicher_mit, _umsetzungskoordinator_mit],
    ids=["federfuehrer", "leistungsverantwortlicher", "umsetzungskoordinator"],
)
def test_restrict_abfragen_unabhaengig_von_der_anzahl(aufbau):
    messungen = {}
    for anzahl, start in ((10, 50_000), (500, 60_000)):
        user, leistungen = aufbau(anzahl, start)
        messung = _messen(user, Leistung, Aktion.LEISTUNG_BEARBEITEN)
        assert sorted(messung["pks"]) == sorted(le.pk for le in leistungen)
        assert len(messung["pks"]) == len(set(messung["pks"])) == anzahl, "doppelte Zeilen"
        messungen[anzahl] = messung
    assert messungen[10]["kalt"] == messungen[500]["kalt"] == 3, messungen
    assert messungen[10]["warm"] == messungen[500]["warm"] == 1, messungen


def test_restrict_ist_eine_abfrage_mit_subqueries():
    user, _ = _federfuehrer_mit(10, 70_000)
    user = _frisch(user)
    list(restrict(Leistung.objects.all(), user, Aktion.LEISTUNG_BEARBEITEN))  # warm up
    with CaptureQueriesContext(connection) as ctx:
        list(restrict(Leistung.objects.all(), user, Aktion.LEISTUNG_BEARBEITEN))
    (abfrage,) = ctx.captured_queries
    assert "guardian_userobjectpermission" in abfrage["sql"]


def test_darf_ist_hoechstens_eine_abfrage():
    user, leistungen = _federfuehrer_mit(10, 71_000)
    user = _frisch(user)
    darf(user, Aktion.LEISTUNG_BEARBEITEN, leistungen[0])  # warm up
    anzahl, erlaubt = _zaehlen(lambda: darf(user, Aktion.LEISTUNG_BEARBEITEN, leistungen[-1]))
    assert erlaubt and anzahl == 1


def test_programmmanagement_und_leser_ohne_subquery():
    pm = f.ProgrammmanagementFactory()
    leser = f.UserFactory()
    rollenzuweisung_anlegen(benutzer=leser, rolle=Rolle.LESER)
    _leistungen(f.ThemenfeldFactory(), 5, 72_000)
    pm_messung = _messen(pm, Leistung, Aktion.LEISTUNG_BEARBEITEN)
    assert len(pm_messung["pks"]) == Leistung.objects.count()
    assert pm_messung["warm"] == 1
    leser = _frisch(leser)
    assert not restrict(Leistung.objects.all(), leser, Aktion.LEISTUNG_BEARBEITEN).exists()
    assert restrict(Anforderung.objects.all(), leser).query.where.children == []


# ======================================================================================
# A small world for the remaining tests
# ======================================================================================


@pytest.fixture
def welt():
    """Ressort R1 leads Themenfeld A (Leistungen a1 in project P, a2 without project),
    R2 leads B (Leistung b1). Länder L1 (Kreis, Gemeinde) and L2. One user per role."""
    r1, r2 = f.RessortFactory(), f.RessortFactory()
    l1, l2, l3 = f.LandFactory(), f.LandFactory(), f.LandFactory()
    k1 = f.KreisFactory(parent=l1)
    g1 = f.GemeindeFactory(parent=k1)
    k2 = f.KreisFactory(parent=l2)
    tf_a = f.ThemenfeldFactory(federfuehrendes_ressort=r1)
    tf_b = f.ThemenfeldFactory(federfuehrendes_ressort=r2)
    a1 = f.LeistungFactory(themenfeld=tf_a)
    a2 = f.LeistungFactory(themenfeld=tf_a)
    b1 = f.LeistungFactory(themenfeld=tf_b)
    projekt = f.UmsetzungsprojektFactory(themenfeld=tf_a, leistungen=[a1])
    w = {
        "r1": r1,
        "r2": r2,
        "l1": l1,
        "l2": l2,
        "l3": l3,
        "k1": k1,
        "g1": g1,
        "k2": k2,
        "tf_a": tf_a,
        "tf_b": tf_b,
        "a1": a1,
        "a2": a2,
        "b1": b1,
        "projekt": projekt,
    }
    zuweisungen = {
        "pm": (Rolle.PROGRAMMMANAGEMENT, {}),
        "ff": (Rolle.FEDERFUEHRER, {"themenfeld": tf_a}),
        "uk": (Rolle.UMSETZUNGSKOORDINATOR, {"umsetzungsprojekt": projekt}),
        "lv": (Rolle.LEISTUNGSVERANTWORTLICHER, {"leistung": a1}),
        "ko": (Rolle.OZG_KOORDINATOR, {"organisation": l1}),
        "ra": (Rolle.RESSORTANSPRECHPARTNER, {"organisation": r1}),
        "nn": (Rolle.LV_NACHNUTZENDES_LAND, {"leistung": a1, "organisation": l2}),
        "leser": (Rolle.LESER, {}),
    }
    for name, (rolle, bereich) in zuweisungen.items():
        user = f.UserFactory(username=f"r-{name}")
        rollenzuweisung_anlegen(benutzer=user, rolle=rolle, **bereich)
        w[name] = user
    w["anonym"] = AnonymousUser()
    return type("Welt", (), w)


def _pks(qs) -> set:
    return set(qs.values_list("pk", flat=True))


# ======================================================================================
# Visibility
# ======================================================================================


@pytest.fixture
def interne_daten(welt):
    """Tickets, offers, reuses and role contacts, published and not."""
    w = welt
    d = type("Daten", (), {})
    d.anf_a = f.AnforderungFactory(leistung=w.a1, eingereicht_von=w.lv)
    d.anf_a_tf = f.AnforderungFactory(
        leistung=None, themenfeld=w.tf_a, eingereicht_von=w.ff, titel="Themenfeld A"
    )
    d.anf_b = f.AnforderungFactory(leistung=w.b1, eingereicht_von=w.pm)
    d.angebot_pub = f.NachnutzungsangebotFactory(leistung=w.a1, anbieter=w.l3, veroeffentlicht=True)
    d.angebot_intern = f.NachnutzungsangebotFactory(leistung=w.a1, anbieter=w.l3)
    d.nn_pub = f.NachnutzungFactory(angebot=d.angebot_pub, land=w.l1)
    d.nn_intern = f.NachnutzungFactory(angebot=d.angebot_intern, land=w.l1)
    d.kontakt_pub = f.RollenzuweisungFactory(leistung=w.b1, kontakt_veroeffentlichen=True)
    return d


def test_oeffentlich_sieht_nur_veroeffentlichtes(welt, interne_daten):
    anonym, d = welt.anonym, interne_daten
    assert not restrict(Anforderung.objects.all(), anonym).exists()
    assert _pks(restrict(Nachnutzungsangebot.objects.all(), anonym)) == {d.angebot_pub.pk}
    assert _pks(restrict(Nachnutzung.objects.all(), anonym)) == {d.nn_pub.pk}
    assert _pks(restrict(Rollenzuweisung.objects.all(), anonym)) == {d.kontakt_pub.pk}
    # Public catalogue data: everything.
    assert _pks(restrict(Leistung.objects.all(), anonym)) == _pks(Leistung.objects.all())
    assert _pks(restrict(Themenfeld.objects.all(), anonym)) == _pks(Themenfeld.objects.all())
    assert not sichtbar(anonym, d.anf_a)
    assert sichtbar(anonym, d.angebot_pub) and not sichtbar(anonym, d.angebot_intern)
    for aktion in Aktion:
        assert not restrict(Leistung.objects.all(), anonym, aktion).exists(), aktion


@pytest.mark.parametrize("wer", ["leser", "pm", "ff", "lv", "uk", "ko"])
def test_leser_und_rollen_mit_lesen_intern_sehen_alles(welt, interne_daten, wer):
    user = _frisch(getattr(welt, wer))
    for model in (Anforderung, Nachnutzungsangebot, Nachnutzung, Rollenzuweisung, Leistung):
        assert _pks(restrict(model.objects.all(), user)) == _pks(model.objects.all()), model


def test_ressortansprechpartner_sieht_interne_daten_nur_seines_ressorts(welt, interne_daten):
    w, d = welt, interne_daten
    ra = _frisch(w.ra)
    assert _pks(restrict(Leistung.objects.all(), ra, Aktion.LESEN_INTERN)) == {w.a1.pk, w.a2.pk}
    assert _pks(restrict(Themenfeld.objects.all(), ra, Aktion.LESEN_INTERN)) == {w.tf_a.pk}
    assert _pks(restrict(Anforderung.objects.all(), ra)) == {d.anf_a.pk, d.anf_a_tf.pk}
    assert darf(ra, Aktion.LESEN_INTERN, w.a1) and not darf(ra, Aktion.LESEN_INTERN, w.b1)
    # Public data stays fully visible: a role never sees less than an anonymous visitor.
    assert _pks(restrict(Leistung.objects.all(), ra)) == _pks(Leistung.objects.all())
    assert _pks(restrict(Themenfeld.objects.all(), ra)) == _pks(Themenfeld.objects.all())
    for model in (Nachnutzungsangebot, Nachnutzung, Rollenzuweisung):
        oeffentlich = _pks(restrict(model.objects.all(), w.anonym))
        assert oeffentlich <= _pks(restrict(model.objects.all(), ra)), model


def test_lv_im_nachnutzenden_land_sieht_interne_daten_seiner_leistung(welt, interne_daten):
    w, d = welt, interne_daten
    nn = _frisch(w.nn)
    assert _pks(restrict(Leistung.objects.all(), nn, Aktion.LESEN_INTERN)) == {w.a1.pk}
    assert _pks(restrict(Anforderung.objects.all(), nn)) == {d.anf_a.pk}
    assert _pks(restrict(Leistung.objects.all(), nn)) == _pks(Leistung.objects.all())


def test_umsetzungsstand_im_land_kreis_und_gemeinde(welt):
    w = welt
    ko = _frisch(w.ko)
    gebiete = {w.l1.pk, w.k1.pk, w.g1.pk}
    organisationen = restrict(Organisation.objects.all(), ko, Aktion.UMSETZUNGSSTAND_MELDEN)
    assert _pks(organisationen) == gebiete
    for gebiet in (w.l1, w.k1, w.g1, w.l2, w.k2):
        f.UmsetzungsstandFactory(leistung=w.a1, gebiet=gebiet)
    staende = restrict(Umsetzungsstand.objects.all(), ko, Aktion.UMSETZUNGSSTAND_MELDEN)
    assert set(staende.values_list("gebiet_id", flat=True)) == gebiete
    assert _pks(restrict(Organisation.objects.all(), ko, Aktion.NACHNUTZUNG_ERKLAEREN)) == {w.l1.pk}


def test_nachbarn_im_selben_themenfeld(welt):
    """LV and UK reach only their Leistung / project; the FF the whole Themenfeld."""
    w = welt
    bearbeitbar = {
        wer: _pks(
            restrict(Leistung.objects.all(), _frisch(getattr(w, wer)), Aktion.LEISTUNG_BEARBEITEN)
        )
        for wer in ("ff", "uk", "lv", "ko", "ra", "nn", "leser")
    }
    assert bearbeitbar == {
        "ff": {w.a1.pk, w.a2.pk},
        "uk": {w.a1.pk},
        "lv": {w.a1.pk},
        "ko": set(),
        "ra": set(),
        "nn": set(),
        "leser": set(),
    }


# ======================================================================================
# New objects: darf_neu
# ======================================================================================


@pytest.mark.parametrize(
    ("wer", "erwartet"),
    [
        ("pm", {"a1", "a2", "b1", "tf_a", "tf_b"}),
        ("ff", {"a1", "a2", "tf_a"}),
        ("uk", {"a1"}),
        ("lv", {"a1"}),
        ("ko", set()),
        ("ra", set()),
        ("nn", set()),
        ("leser", set()),
        ("anonym", set()),
    ],
)
def test_darf_neu_fuer_ergebnis_und_meilenstein(welt, wer, erwartet):
    w = welt
    user = w.anonym if wer == "anonym" else _frisch(getattr(w, wer))
    for name in ("a1", "a2", "b1"):
        leistung = getattr(w, name)
        ergebnis = Ergebnis(leistung=leistung)
        meilenstein = Meilenstein(leistung=leistung, themenfeld_id=leistung.themenfeld_id)
        assert darf_neu(user, Aktion.ERGEBNIS_BEARBEITEN, ergebnis) == (name in erwartet), name
        assert darf_neu(user, Aktion.MEILENSTEIN_BEARBEITEN, meilenstein) == (name in erwartet)
    for name in ("tf_a", "tf_b"):
        meilenstein = Meilenstein(themenfeld=getattr(w, name))  # Themenfeld milestone
        assert darf_neu(user, Aktion.MEILENSTEIN_BEARBEITEN, meilenstein) == (name in erwartet)
    assert darf_neu(None, Aktion.ERGEBNIS_BEARBEITEN, Ergebnis(leistung=w.b1))  # trusted


# ======================================================================================
# Field rules
# ======================================================================================


def test_schreibbare_felder_je_rolle(welt):
    w = welt
    assert schreibbare_felder(_frisch(w.pm), w.a1) is None
    assert schreibbare_felder(None, w.a1) is None
    assert schreibbare_felder(_frisch(w.ff), w.a1) == LEISTUNG_FELDER_FF
    assert schreibbare_felder(_frisch(w.uk), w.a1) == LEISTUNG_FELDER_UMSETZUNG
    assert schreibbare_felder(_frisch(w.lv), w.a1) == LEISTUNG_FELDER_UMSETZUNG
    assert schreibbare_felder(_frisch(w.lv), w.b1) == frozenset()
    assert schreibbare_felder(_frisch(w.ff), w.tf_a) == THEMENFELD_FELDER_FF
    assert "themenfeld" not in LEISTUNG_FELDER_FF | LEISTUNG_FELDER_UMSETZUNG
    assert "depriorisierung_entscheidung" not in LEISTUNG_FELDER_FF
    # Two roles on the same Leistung: the union.
    rollenzuweisung_anlegen(benutzer=w.lv, rolle=Rolle.FEDERFUEHRER, themenfeld=w.tf_a)
    assert schreibbare_felder(_frisch(w.lv), w.a1) == LEISTUNG_FELDER_FF | LEISTUNG_FELDER_UMSETZUNG


def _stand(leistung) -> dict:
    leistung = Leistung.objects.get(pk=leistung.pk)
    return {
        "werte": {f.attname: getattr(leistung, f.attname) for f in Leistung._meta.concrete_fields},
        "historie": leistung.history.count(),
    }


@pytest.mark.parametrize(
    "felder",
    [
        lambda w: {"themenfeld": w.tf_b},
        lambda w: {"themenfeld_id": w.tf_b.pk},
        lambda w: {"ozg_id": 4711},
        lambda w: {"prioritaet": Prioritaet.PRIO_3},
        lambda w: {"name": "Neuer Name"},
        lambda w: {"steckbrief": "ok", "themenfeld": w.tf_b},  # one forbidden field: none
    ],
    ids=["themenfeld", "themenfeld_id", "ozg_id", "prioritaet", "name", "steckbrief+themenfeld"],
)
def test_leistungsverantwortlicher_darf_feld_nicht_schreiben(welt, felder):
    w = welt
    vorher = _stand(w.a1)
    with pytest.raises(PermissionDenied, match="Felder"):
        leistung_aendern(leistung=w.a1, user=_frisch(w.lv), **felder(w))
    assert _stand(w.a1) == vorher


def test_leistungsverantwortlicher_schreibt_steckbrief(welt):
    leistung_aendern(leistung=welt.a1, user=_frisch(welt.lv), steckbrief="Antrag online")
    assert Leistung.objects.get(pk=welt.a1.pk).steckbrief == "Antrag online"


def test_federfuehrer_setzt_prioritaet_aber_keine_entscheidung(welt):
    w = welt
    ff = _frisch(w.ff)
    leistung_aendern(
        leistung=w.a1,
        user=ff,
        prioritaet=Prioritaet.PRIO_1,
        vorgehensmodell=Vorgehensmodell.DIGITALISIERUNGSLABOR,
        lebenslage_id=f.LebenslageFactory(themenfeld=w.tf_a).pk,  # by attname, allowed
    )
    assert Leistung.objects.get(pk=w.a1.pk).prioritaet == Prioritaet.PRIO_1
    vorher = _stand(w.a1)
    with pytest.raises(PermissionDenied):
        leistung_aendern(leistung=w.a1, user=ff, depriorisierung_entscheidung=_E.BESTAETIGT)
    assert _stand(w.a1) == vorher


DEPRIORISIERUNG = {
    "prioritaet": Prioritaet.DEPRIORISIERT,
    "vorgehensmodell": Vorgehensmodell.KEINE_UMSETZUNG,
    "depriorisierungsgrund": Depriorisierungsgrund.RECHTLICH,
    "depriorisierung_begruendung": "Persönliches Erscheinen vorgeschrieben.",
}


@pytest.mark.parametrize("weg", ["leistung_aendern", "depriorisierung_vorschlagen"])
def test_federfuehrer_schlaegt_vor_programmmanagement_entscheidet(welt, weg):
    w = welt
    ff, pm = _frisch(w.ff), _frisch(w.pm)
    if weg == "leistung_aendern":
        leistung_aendern(leistung=w.a1, user=ff, **DEPRIORISIERUNG)
    else:
        depriorisierung_vorschlagen(
            leistung=w.a1,
            user=ff,
            depriorisierungsgrund=Depriorisierungsgrund.RECHTLICH,
            begruendung="Persönliches Erscheinen vorgeschrieben.",
        )
    leistung = Leistung.objects.get(pk=w.a1.pk)
    assert leistung.prioritaet == Prioritaet.DEPRIORISIERT
    assert leistung.depriorisierung_entscheidung == _E.VORGESCHLAGEN

    # Only the Programmmanagement confirms.
    for wer in (ff, _frisch(w.lv), _frisch(w.uk), _frisch(w.leser)):
        with pytest.raises(PermissionDenied):
            depriorisierung_entscheiden(leistung=w.a1, user=wer, bestaetigt=True)
    depriorisierung_entscheiden(leistung=w.a1, user=pm, bestaetigt=True)
    assert Leistung.objects.get(pk=w.a1.pk).depriorisierung_entscheidung == _E.BESTAETIGT

    # After the confirmation the Federführer can't undo it, by any path.
    vorher = _stand(w.a1)
    with pytest.raises(PermissionDenied):
        leistung_aendern(
            leistung=w.a1,
            user=ff,
            prioritaet=Prioritaet.PRIO_3,
            vorgehensmodell=Vorgehensmodell.DIGITALISIERUNGSWERKBANK,
        )
    with pytest.raises(PermissionDenied):
        depriorisierung_vorschlagen(
            leistung=w.a1,
            user=ff,
            depriorisierungsgrund=Depriorisierungsgrund.FAKTISCH,
            begruendung="Neu vorgeschlagen.",
        )
    with pytest.raises(PermissionDenied):
        leistung_aendern(leistung=w.a1, user=ff, depriorisierung_entscheidung=_E.VORGESCHLAGEN)
    assert _stand(w.a1) == vorher


def test_programmmanagement_lehnt_nur_mit_neuer_prioritaet_ab(welt):
    w = welt
    pm = _frisch(w.pm)
    leistung_aendern(leistung=w.a1, user=_frisch(w.ff), **DEPRIORISIERUNG)
    vorher = _stand(w.a1)
    for prioritaet in ("", Prioritaet.DEPRIORISIERT):
        with pytest.raises(ValidationError):
            depriorisierung_entscheiden(
                leistung=w.a1, user=pm, bestaetigt=False, prioritaet=prioritaet
            )
    assert _stand(w.a1) == vorher
    depriorisierung_entscheiden(
        leistung=w.a1,
        user=pm,
        bestaetigt=False,
        prioritaet=Prioritaet.PRIO_3,
        vorgehensmodell=Vorgehensmodell.DIGITALISIERUNGSWERKBANK,
    )
    leistung = Leistung.objects.get(pk=w.a1.pk)
    assert (leistung.prioritaet, leistung.depriorisierung_entscheidung) == (
        Prioritaet.PRIO_3,
        _E.ABGELEHNT,
    )


# ======================================================================================
# No way around the checks
# ======================================================================================


def _alles(*modelle) -> list:
    return [list(m.objects.order_by("pk").values_list()) for m in modelle]


def test_meilenstein_nicht_aus_dem_bereich_verschiebbar(welt):
    w = welt
    meilenstein = f.MeilensteinFactory(leistung=w.a1)
    lv = _frisch(w.lv)
    vorher = _alles(Meilenstein)
    for daten in (
        {"leistung": w.b1, "themenfeld": w.tf_b},
        {"leistung_id": w.b1.pk, "themenfeld_id": w.tf_b.pk},
        {"leistung": w.a2},  # same Themenfeld, not the LV's Leistung
        {"leistung": None},  # to a Themenfeld milestone, which only the FF keeps
    ):
        with pytest.raises(PermissionDenied):
            meilenstein_aendern(meilenstein=meilenstein, user=lv, **daten)
    assert _alles(Meilenstein) == vorher


def test_umsetzungsprojekt_nicht_aus_dem_themenfeld_verschiebbar(welt):
    w = welt
    ff = _frisch(w.ff)
    vorher = _alles(Umsetzungsprojekt, Umsetzungsprojekt.leistungen.through)
    for daten in (
        {"themenfeld": w.tf_b},
        {"themenfeld_id": w.tf_b.pk},
        {"leistungen": [w.a1, w.b1]},  # a Leistung of another Themenfeld
    ):
        with pytest.raises(PermissionDenied):
            umsetzungsprojekt_aendern(projekt=w.projekt, user=ff, **daten)
    with pytest.raises(PermissionDenied):
        umsetzungsprojekt_anlegen(user=ff, name="Neu", themenfeld=w.tf_a, leistungen=[w.b1])
    assert _alles(Umsetzungsprojekt, Umsetzungsprojekt.leistungen.through) == vorher
    # Within the Themenfeld: fine.
    umsetzungsprojekt_aendern(projekt=w.projekt, user=ff, leistungen=[w.a1, w.a2])
    assert _pks(w.projekt.leistungen.all()) == {w.a1.pk, w.a2.pk}


def test_bereichsfelder_nicht_ueber_die_daten(welt):
    """Scope fields a service takes as arguments can't be smuggled in by attname."""
    w = welt
    lv, ko, ra = _frisch(w.lv), _frisch(w.ko), _frisch(w.ra)
    f.ErgebnisFactory(leistung=w.a1, ergebnistyp=Ergebnistyp.ANTRAGSPROZESS)
    angebot = f.NachnutzungsangebotFactory(leistung=w.a1, anbieter=w.l3)
    modelle = (Ergebnis, Nachnutzung, Anforderung, Leistung)
    vorher = _alles(*modelle)
    versuche = [
        # existing Ergebnis moved to another Leistung
        lambda: ergebnis_setzen(
            leistung=w.a1,
            ergebnistyp=Ergebnistyp.ANTRAGSPROZESS,
            user=lv,
            leistung_id=w.b1.pk,
        ),
        # new Ergebnis created on another Leistung
        lambda: ergebnis_setzen(
            leistung=w.a1,
            ergebnistyp=Ergebnistyp.KLICK_PROTOTYP,
            user=lv,
            leistung_id=w.b1.pk,
            status=Ergebnisstatus.IN_ARBEIT,
        ),
        lambda: referenzimplementierung_setzen(
            leistung=w.a1, user=lv, land=w.l1, leistung_id=w.b1.pk
        ),
        lambda: nachnutzung_erklaeren(angebot=angebot, land=w.l1, user=ko, land_id=w.l2.pk),
        # a ticket in somebody else's name
        lambda: anforderung_einreichen(
            user=ra,
            art=Anforderungsart.AENDERUNGSANFRAGE,
            titel="Im fremden Namen",
            beschreibung="x",
            leistung=w.a1,
            eingereicht_von_id=w.pm.pk,
        ),
        # both forms of a foreign key at once
        lambda: objekt_anlegen(Ergebnis, leistung=w.a1, leistung_id=w.b1.pk),
    ]
    for versuch in versuche:
        with pytest.raises((TypeError, PermissionDenied)):
            versuch()
    assert _alles(*modelle) == vorher


def test_deaktivierter_oder_anonymer_benutzer_schreibt_nie(welt):
    w = welt
    ff = _frisch(w.ff)
    User.objects.filter(pk=ff.pk).update(is_active=False)
    ff = _frisch(ff)
    for user in (ff, w.anonym):
        with pytest.raises(PermissionDenied):
            leistung_aendern(leistung=w.a1, user=user, steckbrief="x")
        assert not darf_neu(user, Aktion.ERGEBNIS_BEARBEITEN, Ergebnis(leistung=w.a1))
    assert Leistung.objects.get(pk=w.a1.pk).steckbrief == ""
