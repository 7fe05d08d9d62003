"""``manage.py demo_daten``: a complete, valid, repeatable demo programme.

The tests in ``TestDemodaten`` share one build (class fixture, rolled back at the end);
each test still runs in its own savepoint, so tests that change data don't leak.
"""

from __future__ import annotations

import io
from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anforderungen.choices import Anforderungsart
from anforderungen.models import Anforderung
from leistungen import rules
from leistungen.choices import (
    AusserhalbOzg,
    Depriorisierungsgrund,
    Ergebnisstatus,
    Ergebnistyp,
    FimStatus,
    Prioritaet,
)
from leistungen.models import (
    Ergebnis,
    LeikaLeistung,
    Leistung,
    Meilenstein,
    Referenzimplementierung,
    Umsetzungsprojekt,
    Umsetzungsstand,
)
from leistungen.services import leistung_anlegen
from marktplatz.choices import Angebotsstatus, Nachnutzungsstatus
from marktplatz.models import Nachnutzung, Nachnutzungsangebot
from ozgplattform import demo
from ozgplattform.choices import OrganisationsArt, Rolle
from ozgplattform.models import Organisation, Rollenzuweisung
from themenfelder.choices import Phase
from themenfelder.models import Nutzerreise, Persona, Themenfeld
from themenfelder.services import themenfeld_anlegen

THEMENFELDER = {
    1: "Arbeit & Ruhestand",
    2: "Bauen & Wohnen",
    3: "Bildung",
    4: "Ein- & Auswanderung",
    5: "Engagement & Hobby",
    6: "Familie & Kind",
    7: "Forschung & Förderung",
    8: "Gesundheit",
    9: "Mobilität & Reisen",
    10: "Querschnitt",
    11: "Recht & Ordnung",
    12: "Steuern & Zoll",
    13: "Umwelt",
    14: "Unternehmensführung & -entwicklung",
}

LAENDER = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}

RESSORTS = {
    "BMI",
    "BMF",
    "BMAS",
    "BMFSFJ",
    "BMG",
    "BMBF",
    "BMJV",
    "BMVI",
    "BMWi",
    "BMU",
    "BMEL",
    "AA",
    "BMVg",
}

#: Apps whose rows (including history) must not change on a second run.
DEMO_APPS = ("auth", "ozgplattform", "themenfelder", "leistungen", "marktplatz", "anforderungen")


def _demo_daten(*args: str) -> str:
    ausgabe = io.StringIO()
    call_command("demo_daten", *args, stdout=ausgabe)
    return ausgabe.getvalue()


def _zaehlen() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in DEMO_APPS
    }


# --- without data -----------------------------------------------------------------------


@pytest.mark.django_db
def test_ohne_debug_abgelehnt(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        _demo_daten()
    with pytest.raises(CommandError, match="DEBUG=1"):
        _demo_daten("--wenn-leer")
    assert not Themenfeld.objects.exists()
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_zugaenge_nur_ausgeben(settings):
    settings.DEBUG = False
    ausgabe = _demo_daten("--zugaenge")
    for zugang in demo.DEMO_ZUGAENGE:
        zeile = next(z for z in ausgabe.splitlines() if z.startswith(f"{zugang.username} "))
        assert zugang.passwort in zeile
        assert Rolle(zugang.rolle).label in zeile
    assert len(ausgabe.splitlines()) == len(demo.DEMO_ZUGAENGE) + 2  # header + rule
    assert not get_user_model().objects.exists()
    assert not Themenfeld.objects.exists()


@pytest.mark.django_db
def test_fremde_leistung_unter_demo_id_wird_nicht_ueberschrieben():
    themenfeld = themenfeld_anlegen(nummer=99, name="Importiertes Themenfeld")
    leistung_anlegen(ozg_id=10201, name="Leistung aus dem Katalog", themenfeld=themenfeld)
    with pytest.raises(CommandError, match="10201 „Leistung aus dem Katalog“"):
        _demo_daten("--erzwingen")
    assert Leistung.objects.get(ozg_id=10201).name == "Leistung aus dem Katalog"
    assert not Organisation.objects.exists()


# --- with the demo programme ------------------------------------------------------------


@pytest.fixture(scope="class")
def demodaten(django_db_setup, django_db_blocker):
    """One build for the class (through ``--wenn-leer`` on the empty database)."""
    with django_db_blocker.unblock(), transaction.atomic():
        ausgabe = _demo_daten("--erzwingen", "--wenn-leer")
        yield ausgabe
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("demodaten")
class TestDemodaten:
    def test_wenn_leer_laedt_leere_datenbank(self, demodaten):
        assert "Demodaten angelegt" in demodaten
        assert "bereits vorhanden" not in demodaten
        assert Leistung.objects.exists()

    def test_themenfelder_mit_federfuehrung(self):
        themenfelder = Themenfeld.objects.select_related(
            "federfuehrendes_land", "federfuehrendes_ressort"
        )
        assert {tf.nummer: tf.name for tf in themenfelder} == THEMENFELDER
        for tf in themenfelder:
            assert tf.federfuehrendes_land.art == OrganisationsArt.LAND, tf
            assert tf.federfuehrendes_ressort.art == OrganisationsArt.BUNDESRESSORT, tf
            mitglieder = set(tf.steuerungskreis.values_list("pk", flat=True))
            assert {tf.federfuehrendes_land_id, tf.federfuehrendes_ressort_id} < mitglieder
            assert tf.lebenslagen.exists(), tf
            assert not tf.lebenslagen.filter(zielgruppe="").exists(), tf
            assert tf.meilensteine.filter(leistung=None).exists(), tf
        familie = themenfelder.get(nummer=6)
        assert familie.federfuehrendes_land.name == "Bremen"
        assert familie.federfuehrendes_ressort.kurzname == "BMFSFJ"
        assert len({tf.phase for tf in themenfelder}) >= 3
        assert Persona.objects.exists()
        assert Nutzerreise.objects.exclude(persona=None).exclude(lebenslage=None).exists()

    def test_organisationen_und_gebiete(self):
        assert dict(Organisation.objects.laender().values_list("ars", "name")) == LAENDER
        ressorts = Organisation.objects.filter(art=OrganisationsArt.BUNDESRESSORT)
        assert set(ressorts.values_list("kurzname", flat=True)) == RESSORTS
        for art in (
            OrganisationsArt.BUND,
            OrganisationsArt.FITKO,
            OrganisationsArt.IT_DIENSTLEISTER,
        ):
            assert Organisation.objects.filter(art=art).exists(), art
        for art, laenge in ((OrganisationsArt.KREIS, 5), (OrganisationsArt.GEMEINDE, 12)):
            gebiete = Organisation.objects.filter(art=art).select_related("parent")
            assert gebiete.count() >= 10, art
            for gebiet in gebiete:
                assert len(gebiet.ars) == laenge, gebiet
                assert gebiet.ars.startswith(gebiet.parent.ars), gebiet
                gebiet.full_clean()
        assert Organisation.objects.get(ars="053150000000").parent.ars == "05315"
        assert Organisation.objects.get(ars="09162").parent.name == "Bayern"

    def test_leistungen(self):
        leistungen = list(Leistung.objects.prefetch_related("leika_leistungen"))
        assert len(leistungen) >= 40
        assert {ld.themenfeld_id for ld in leistungen} == set(
            Themenfeld.objects.values_list("pk", flat=True)
        )
        for leistung in leistungen:
            assert 10000 <= leistung.ozg_id <= 10600, leistung
            leistung.full_clean()  # Priorität ↔ Vorgehensmodell, Depriorisierung
            assert rules.vorgehensmodell_passt(leistung.prioritaet, leistung.vorgehensmodell)
            assert leistung.leika_leistungen.all(), leistung
            assert leistung.steckbrief and leistung.archetyp, leistung
            if leistung.prioritaet not in ("", Prioritaet.DEPRIORISIERT):
                assert leistung.welle and leistung.nachnutzungsmodell, leistung
        kategorien = {leistung.typ.kategorie for leistung in leistungen}
        assert {
            rules.Typkategorie.BUND,
            rules.Typkategorie.FOEDERAL,
            rules.Typkategorie.MISCH,
        } <= kategorien
        depriorisiert = [x for x in leistungen if x.prioritaet == Prioritaet.DEPRIORISIERT]
        assert {x.depriorisierungsgrund for x in depriorisiert} == set(Depriorisierungsgrund.values)
        for leistung in depriorisiert:
            assert leistung.depriorisierung_begruendung and leistung.depriorisierung_entscheidung
        assert {x.prioritaet for x in leistungen} >= set(Prioritaet.values)
        assert {x.ausserhalb_ozg for x in leistungen} >= {AusserhalbOzg.IKFZ, AusserhalbOzg.ELSTER}
        assert len({x.archetyp for x in leistungen if x.archetyp}) == 5
        assert len({x.nachnutzungsmodell for x in leistungen if x.nachnutzungsmodell}) == 3
        for leika in LeikaLeistung.objects.all():
            assert len(leika.schluessel) == 14 and leika.schluessel.isdigit()
            leika.full_clean()

    def test_umsetzungsstaende(self):
        heute = timezone.localdate()
        for leistung in Leistung.objects.all():
            laender = leistung.umsetzungsstaende.filter(gebiet__art=OrganisationsArt.LAND)
            assert laender.count() == 16, leistung
        staende = list(Umsetzungsstand.objects.select_related("gebiet"))
        assert {s.reifegrad for s in staende} == {0, 1, 2, 3, 4}
        for stand in staende:
            assert stand.stichtag <= heute, stand
            assert bool(stand.online_url) == (stand.reifegrad >= 2), stand
            if stand.online_url:
                assert urlparse(stand.online_url).hostname.endswith(f".{demo.DOMAIN}"), stand
        arten = {s.gebiet.art for s in staende}
        assert arten == {OrganisationsArt.LAND, OrganisationsArt.KREIS, OrganisationsArt.GEMEINDE}
        kategorien = {leistung.flaechendeckung().kategorie for leistung in Leistung.objects.all()}
        assert len(kategorien) >= 3

    def test_ergebnisse_passen_zur_matrix(self):
        ergebnisse = list(Ergebnis.objects.select_related("leistung"))
        assert ergebnisse
        for ergebnis in ergebnisse:
            ergebnis.full_clean()  # Verzicht nur, wo die Matrix ihn zulässt; Nachweis
            if ergebnis.status == Ergebnisstatus.VERZICHTET:
                assert rules.verzicht_zulaessig(ergebnis.anforderung, ergebnis.ff_erforderlich)
        status = {(e.ergebnistyp, e.status) for e in ergebnisse}
        assert (Ergebnistyp.OZG_REFERENZINFORMATIONEN, Ergebnisstatus.VERZICHTET) in status
        assert (Ergebnistyp.KLICK_PROTOTYP, Ergebnisstatus.VERZICHTET) in status
        assert all((typ, Ergebnisstatus.GELIEFERT) in status for typ in Ergebnistyp.values)
        assert {e.fim_status for e in ergebnisse if e.fim_status} == set(FimStatus.values)
        vollstaendig = [
            x.vollstaendigkeit().vollstaendig
            for x in Leistung.objects.all()
            if x.prioritaet in (Prioritaet.PRIO_1, Prioritaet.PRIO_2)
        ]
        assert any(vollstaendig) and not all(vollstaendig)

    def test_meilensteine(self):
        heute = timezone.localdate()
        meilensteine = Meilenstein.objects.all()
        verzoegert = set(meilensteine.verzoegert().values_list("pk", flat=True))
        assert verzoegert
        assert meilensteine.filter(erreicht__isnull=False, erreicht__gt=F("geplant")).exists()
        assert meilensteine.filter(erreicht__isnull=False, erreicht__lte=F("geplant")).exists()
        assert meilensteine.filter(erreicht__isnull=True, geplant__gt=heute).exists()
        assert not meilensteine.filter(erreicht__gt=heute).exists()
        assert meilensteine.filter(leistung__isnull=False).exists()
        assert set(meilensteine.values_list("phase", flat=True)) == set(Phase.values)
        for meilenstein in meilensteine:
            assert meilenstein.ist_verzoegert() == (meilenstein.pk in verzoegert), meilenstein

    def test_projekte_referenzimplementierungen_marktplatz_anforderungen(self):
        projekte = Umsetzungsprojekt.objects.all()
        assert projekte.count() >= 5
        for projekt in projekte:
            assert projekt.leistungen.count() >= 2, projekt
            assert projekt.federfuehrendes_land.art == OrganisationsArt.LAND
        abgeschlossen = [ri.abgeschlossen for ri in Referenzimplementierung.objects.all()]
        assert any(abgeschlossen) and not all(abgeschlossen)
        angebote = Nachnutzungsangebot.objects.all()
        assert set(angebote.values_list("status", flat=True)) == set(Angebotsstatus.values)
        assert Nachnutzung.objects.filter(status=Nachnutzungsstatus.LIVE).exists()
        for nachnutzung in Nachnutzung.objects.select_related("angebot", "land"):
            nachnutzung.full_clean()
        assert set(Anforderung.objects.values_list("art", flat=True)) == set(Anforderungsart.values)
        for anforderung in Anforderung.objects.all():
            anforderung.full_clean()

    def test_jede_rolle_hat_einen_zugang(self, client, settings):
        # Cheap re-hash on login (Django upgrades the demo hashes to the preferred hasher).
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
        rollen = set()
        for zugang in demo.DEMO_ZUGAENGE:
            assert zugang.passwort == f"demo-{zugang.username}-2026"
            assert len(zugang.passwort) >= 12
            assert client.login(username=zugang.username, password=zugang.passwort), zugang
            client.logout()
            zuweisung = Rollenzuweisung.objects.gueltig().get(
                user__username=zugang.username, rolle=zugang.rolle
            )
            zuweisung.full_clean()
            rollen.add(zuweisung.rolle)
        assert rollen == set(Rolle.values)
        assert Rollenzuweisung.objects.filter(kontakt_veroeffentlichen=True).exists()
        admin = get_user_model().objects.get(username="programmmanagement")
        assert admin.is_staff and admin.is_superuser
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        client.force_login(admin)
        assert client.get("/admin/").status_code == 200

    def test_zweiter_lauf_aendert_nichts(self):
        vorher = _zaehlen()
        _demo_daten("--erzwingen")
        assert _zaehlen() == vorher  # also no history rows: nothing was re-saved

    def test_zweiter_lauf_stellt_demodaten_wieder_her(self):
        vorher = _zaehlen()
        stand = Umsetzungsstand.objects.filter(reifegrad__lt=4).first()
        Umsetzungsstand.objects.filter(pk=stand.pk).update(reifegrad=4)
        Meilenstein.objects.filter(leistung__isnull=False).first().delete()
        _demo_daten("--erzwingen")
        stand.refresh_from_db()
        assert stand.reifegrad < 4
        nachher = _zaehlen()
        assert nachher["leistungen.Meilenstein"] == vorher["leistungen.Meilenstein"]

    def test_wenn_leer_ueberspringt_vorhandene_daten(self, settings, django_assert_max_num_queries):
        settings.DEBUG = True
        Meilenstein.objects.filter(leistung__isnull=False).first().delete()
        vorher = _zaehlen()
        with django_assert_max_num_queries(1):
            ausgabe = _demo_daten("--wenn-leer")
        assert "Demodaten bereits vorhanden" in ausgabe
        assert _zaehlen() == vorher  # the full run would have restored the Meilenstein
