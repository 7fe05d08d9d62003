"""History (django-simple-history) on every write path: services, admin, commands.

Each test checks who is recorded, the change reason where one is given, and the
before/after values as the "Verlauf" shows them (``history.aenderungen``).
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse
from simple_history.models import HistoricalRecords

from leistungen import services
from leistungen.choices import Ergebnisstatus, Ergebnistyp
from leistungen.models import Leistung, Umsetzungsstand
from ozgplattform import history
from ozgplattform.history import aenderungen, als_benutzer, system_user
from ozgplattform.models import Organisation
from ozgplattform.testing import factories as f
from themenfelder import services as tf_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return f.ProgrammmanagementFactory(username="erika", first_name="Erika", last_name="Mustermann")


@pytest.fixture
def themenfeld():
    return f.ThemenfeldFactory(name="Familie & Kind")


# --------------------------------------------------------------------------------------
# (1) Services
# --------------------------------------------------------------------------------------


def test_leistung_anlegen_und_aendern(person, themenfeld):
    zweite_person = f.ProgrammmanagementFactory(username="max")
    leistung = services.leistung_anlegen(
        user=person, grund="Katalog 2019", ozg_id=10000, name="Elterngeld", themenfeld=themenfeld
    )
    anlage = leistung.history.get()
    assert anlage.history_type == "+"
    assert anlage.history_user == person
    assert anlage.history_change_reason == "Katalog 2019"
    assert anlage.name == "Elterngeld"
    assert aenderungen(anlage) == []

    services.leistung_aendern(
        leistung=leistung,
        user=zweite_person,
        grund="Priorisierung Steuerungskreis",
        name="Elterngeld (ElterngeldDigital)",
        prioritaet="prio1",
        vorgehensmodell="digitalisierungslabor",
    )
    assert leistung.history.count() == 2
    aenderung = leistung.history.first()
    assert aenderung.history_type == "~"
    assert aenderung.history_user == zweite_person
    assert aenderung.history_change_reason == "Priorisierung Steuerungskreis"
    assert sorted(aenderungen(aenderung)) == [
        ("Name", "Elterngeld", "Elterngeld (ElterngeldDigital)"),
        ("Priorität", "", "prio1"),
        ("Vorgehensmodell", "", "digitalisierungslabor"),
    ]
    # the stored row is the new state
    assert Leistung.objects.get(pk=leistung.pk).prioritaet == "prio1"


def test_fremdschluessel_aenderung_im_verlauf(person, themenfeld):
    leistung = f.LeistungFactory(themenfeld=themenfeld)
    lebenslage = f.LebenslageFactory(themenfeld=themenfeld, name="Geburt")
    services.leistung_aendern(leistung=leistung, user=person, lebenslage=lebenslage)
    assert aenderungen(leistung.history.first()) == [
        ("Lebenslage / Geschäftslage", None, lebenslage.pk)
    ]


def test_objekt_aendern_ohne_aenderung_schreibt_keinen_verlauf(person):
    leistung = f.LeistungFactory(werkbank=True)
    vorher = leistung.history.count()
    services.leistung_aendern(
        leistung=leistung,
        user=person,
        grund="nichts",
        name=leistung.name,
        prioritaet="prio3",
        themenfeld=leistung.themenfeld_id,
    )
    assert leistung.history.count() == vorher
    # a real change does write one
    services.leistung_aendern(leistung=leistung, user=person, welle=2)
    assert leistung.history.count() == vorher + 1


def test_ungueltige_aenderung_schreibt_keinen_verlauf(person):
    leistung = f.LeistungFactory(labor=True)
    vorher = leistung.history.count()
    with pytest.raises(Exception, match="vorgehensmodell"):
        services.leistung_aendern(leistung=leistung, user=person, prioritaet="prio3")
    assert leistung.history.count() == vorher


def test_umsetzungsstand_melden_anlegen_dann_aendern(person):
    leistung = f.LeistungFactory()
    land = f.LandFactory()
    kollegin = f.ProgrammmanagementFactory()
    stand = services.umsetzungsstand_melden(
        leistung=leistung,
        gebiet=land,
        reifegrad=2,
        stichtag=dt.date(2021, 1, 15),
        user=person,
        grund="Meldung Q4/2020",
    )
    services.umsetzungsstand_melden(
        leistung=leistung,
        gebiet=land,
        reifegrad=3,
        online_url="https://elterngeld.example.org",
        stichtag=dt.date(2021, 4, 15),
        user=kollegin,
        grund="Meldung Q1/2021",
    )
    assert Umsetzungsstand.objects.filter(leistung=leistung).count() == 1
    zeilen = list(stand.history.order_by("history_date"))
    assert [(z.history_type, z.reifegrad, z.history_user) for z in zeilen] == [
        ("+", 2, person),
        ("~", 3, kollegin),
    ]
    assert [z.history_change_reason for z in zeilen] == ["Meldung Q4/2020", "Meldung Q1/2021"]
    assert sorted(aenderungen(zeilen[1])) == [
        ("Online-Dienst (URL)", "", "https://elterngeld.example.org"),
        ("Reifegrad", 2, 3),
        ("Stand vom", dt.date(2021, 1, 15), dt.date(2021, 4, 15)),
    ]


def test_ergebnis_setzen_im_verlauf(person):
    leistung = f.LeistungFactory(labor=True)
    ergebnis = services.ergebnis_setzen(
        leistung=leistung, ergebnistyp=Ergebnistyp.FIM_STAMMINFORMATIONEN, user=person
    )
    services.ergebnis_setzen(
        leistung=leistung,
        ergebnistyp=Ergebnistyp.FIM_STAMMINFORMATIONEN,
        status=Ergebnisstatus.GELIEFERT,
        fim_status="silber",
        nachweis_url="https://fimportal.de/x",
        user=person,
        grund="FIM Silber freigegeben",
    )
    letzte = ergebnis.history.first()
    assert letzte.history_user == person
    assert letzte.history_change_reason == "FIM Silber freigegeben"
    assert sorted(aenderungen(letzte)) == [
        ("FIM-Freigabestatus", "", "silber"),
        ("Nachweis (Link)", "", "https://fimportal.de/x"),
        ("Status", "offen", "geliefert"),
    ]


def test_m2m_umsetzungsprojekt_leistungen(person, themenfeld):
    a = f.LeistungFactory(themenfeld=themenfeld)
    b = f.LeistungFactory(themenfeld=themenfeld)
    c = f.LeistungFactory(themenfeld=themenfeld)
    projekt = services.umsetzungsprojekt_anlegen(
        user=person,
        grund="Bündelung",
        name="Familienleistungen",
        themenfeld=themenfeld,
        leistungen=[a, b],
    )
    nach_anlage = projekt.history.first()
    assert nach_anlage.history_user == person
    assert nach_anlage.history_change_reason == "Bündelung"
    assert set(nach_anlage.leistungen.values_list("leistung_id", flat=True)) == {a.pk, b.pk}

    kollege = f.ProgrammmanagementFactory()
    vorher = projekt.history.count()
    services.umsetzungsprojekt_aendern(
        projekt=projekt, user=kollege, grund="Neuzuschnitt", leistungen=[b, c]
    )
    assert projekt.history.count() > vorher
    letzte = projekt.history.first()
    assert letzte.history_user == kollege
    assert letzte.history_change_reason == "Neuzuschnitt"
    assert set(letzte.leistungen.values_list("leistung_id", flat=True)) == {b.pk, c.pk}
    # Across the change (all records written by it), the Verlauf shows before and after.
    neue = list(projekt.history.order_by("history_date"))[vorher - 1 :]
    assert neue[0].leistungen.count() == 2
    assert {z.history_user for z in neue[1:]} == {kollege}
    assert aenderungen(neue[-1])[0][0] == "Leistungen"
    erste_vorher = aenderungen(neue[1])[0][1]
    assert erste_vorher == sorted([a.pk, b.pk])
    assert aenderungen(neue[-1])[0][2] == sorted([b.pk, c.pk])

    # setting the same set again writes nothing
    vorher = projekt.history.count()
    services.umsetzungsprojekt_aendern(projekt=projekt, user=kollege, leistungen=[c, b])
    assert projekt.history.count() == vorher


def test_m2m_themenfeld_steuerungskreis(person, themenfeld):
    land = f.LandFactory()
    ressort = f.RessortFactory()
    tf_services.themenfeld_aendern(
        themenfeld=themenfeld,
        user=person,
        grund="Steuerungskreis besetzt",
        steuerungskreis=[land, ressort],
    )
    letzte = themenfeld.history.first()
    assert letzte.history_type == "~"
    assert letzte.history_user == person
    assert letzte.history_change_reason == "Steuerungskreis besetzt"
    assert set(letzte.steuerungskreis.values_list("organisation_id", flat=True)) == {
        land.pk,
        ressort.pk,
    }
    assert aenderungen(letzte) == [
        ("Mitglieder des Steuerungskreises", [], sorted([land.pk, ressort.pk]))
    ]


# --------------------------------------------------------------------------------------
# (2) Django admin
# --------------------------------------------------------------------------------------


class _FormularLeser(HTMLParser):
    """Collect what a browser would submit for one <form> (by id)."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.im_formular = False
        self.daten: list[tuple[str, str]] = []
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.im_formular = True
            return
        if not self.im_formular:
            return
        name = a.get("name")
        if tag == "input" and name:
            art = a.get("type", "text").lower()
            if art in ("submit", "button", "image", "reset", "file"):
                return
            if art in ("checkbox", "radio"):
                if "checked" in a:
                    self.daten.append((name, a.get("value", "on")))
                return
            self.daten.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = {
                "name": name,
                "multiple": "multiple" in a,
                "gewaehlt": [],
                "erste": None,
            }
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.im_formular:
            self.im_formular = False
        elif tag == "option" and self._option is not None:
            self._option_schliessen()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._option_schliessen()
            s = self._select
            werte = s["gewaehlt"] or ([] if s["multiple"] or s["erste"] is None else [s["erste"]])
            self.daten.extend((s["name"], w) for w in werte)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            # HTML drops one newline right after <textarea>
            self.daten.append(
                (self._textarea["name"], text.removeprefix("\r\n").removeprefix("\n"))
            )
            self._textarea = None

    def _option_schliessen(self):
        o = self._option
        wert = o["value"] if o["value"] is not None else o["text"].strip()
        if self._select["erste"] is None:
            self._select["erste"] = wert
        if o["selected"]:
            self._select["gewaehlt"].append(wert)
        self._option = None


def formulardaten(html: str, form_id: str) -> dict[str, str | list[str]]:
    """The POST data a browser would send for the form, without the __prefix__ template."""
    leser = _FormularLeser(form_id)
    leser.feed(html)
    assert leser.daten, f"Formular {form_id} nicht gefunden"
    daten: dict[str, str | list[str]] = {}
    for name, wert in leser.daten:
        if "__prefix__" in name:
            continue
        if name in daten:
            vorher = daten[name]
            daten[name] = [*vorher, wert] if isinstance(vorher, list) else [vorher, wert]
        else:
            daten[name] = wert
    return daten


@pytest.fixture
def admin_client_als(client, settings):
    # Without collectstatic there is no manifest; the admin only needs the plain storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    admin = f.SuperuserFactory(username="pm-admin")
    client.force_login(admin)
    client.admin_user = admin
    return client


def test_admin_leistung_aendern_mit_inlines(admin_client_als, themenfeld):
    client = admin_client_als
    leistung = f.LeistungFactory(themenfeld=themenfeld, name="Elterngeld", werkbank=True)
    ergebnis = f.ErgebnisFactory(leistung=leistung, ergebnistyp=Ergebnistyp.KLICK_PROTOTYP)
    f.LeikaLeistungFactory(leistung=leistung, typ="1")
    url = reverse("admin:leistungen_leistung_change", args=[leistung.pk])

    antwort = client.get(url)
    assert antwort.status_code == 200
    daten = formulardaten(antwort.content.decode(), "leistung_form")
    # the form as rendered contains the management forms of both inlines
    assert daten["ergebnisse-TOTAL_FORMS"] == "1"
    assert daten["ergebnisse-INITIAL_FORMS"] == "1"
    assert daten["leika_leistungen-TOTAL_FORMS"] == "1"
    assert daten["name"] == "Elterngeld"
    assert daten["themenfeld"] == str(themenfeld.pk)
    assert daten["ergebnisse-0-status"] == "offen"

    daten.update(
        {
            "name": "Elterngeld digital",
            "welle": "2",
            "ergebnisse-0-status": Ergebnisstatus.IN_ARBEIT,
            "_save": "Sichern",
        }
    )
    antwort = client.post(url, daten)
    assert antwort.status_code == 302, antwort.context["adminform"].form.errors
    assert antwort["Location"] == reverse("admin:leistungen_leistung_changelist")

    letzte = leistung.history.first()
    assert letzte.history_type == "~"
    assert letzte.history_user == client.admin_user
    assert sorted(aenderungen(letzte)) == [
        ("Name", "Elterngeld", "Elterngeld digital"),
        ("Welle", None, 2),
    ]
    ergebnis_verlauf = ergebnis.history.first()
    assert ergebnis_verlauf.history_user == client.admin_user
    assert aenderungen(ergebnis_verlauf) == [("Status", "offen", "in_arbeit")]


def test_admin_ungueltige_leistung_wird_nicht_gespeichert(admin_client_als):
    leistung = f.LeistungFactory(labor=True)
    url = reverse("admin:leistungen_leistung_change", args=[leistung.pk])
    daten = formulardaten(admin_client_als.get(url).content.decode(), "leistung_form")
    daten["prioritaet"] = "prio3"
    antwort = admin_client_als.post(url, daten)
    assert antwort.status_code == 200
    assert "vorgehensmodell" in antwort.context["adminform"].form.errors
    assert leistung.history.count() == 1


def test_admin_organisation_anlegen(admin_client_als):
    client = admin_client_als
    url = reverse("admin:ozgplattform_organisation_add")
    daten = formulardaten(client.get(url).content.decode(), "organisation_form")
    daten.update({"name": "Freistaat Sachsen", "kurzname": "SN", "art": "land", "ars": "14"})
    antwort = client.post(url, daten)
    assert antwort.status_code == 302
    org = Organisation.objects.get(ars="14")
    anlage = org.history.get()
    assert anlage.history_type == "+"
    assert anlage.history_user == client.admin_user
    assert anlage.name == "Freistaat Sachsen"


def test_admin_themenfeld_steuerungskreis(admin_client_als, themenfeld):
    client = admin_client_als
    land = f.LandFactory()
    url = reverse("admin:themenfelder_themenfeld_change", args=[themenfeld.pk])
    daten = formulardaten(client.get(url).content.decode(), "themenfeld_form")
    daten["steuerungskreis"] = [str(land.pk)]
    antwort = client.post(url, daten)
    assert antwort.status_code == 302
    letzte = themenfeld.history.first()
    assert letzte.history_user == client.admin_user
    assert list(letzte.steuerungskreis.values_list("organisation_id", flat=True)) == [land.pk]


# --------------------------------------------------------------------------------------
# (3) Commands, imports and tasks: als_benutzer()
# --------------------------------------------------------------------------------------


def test_als_benutzer_ohne_benutzer_ist_systemkonto(themenfeld):
    with als_benutzer() as benutzer:
        leistung = services.leistung_anlegen(ozg_id=10001, name="Kindergeld", themenfeld=themenfeld)
    assert benutzer.username == history.SYSTEM_USERNAME
    assert benutzer.is_active is False  # the system account cannot log in
    anlage = leistung.history.get()
    assert anlage.history_user == benutzer
    assert anlage.history_user == system_user()
    assert not hasattr(HistoricalRecords.context, "request")


def test_service_ohne_benutzer_und_ohne_kontext_ist_systemkonto(themenfeld):
    leistung = services.leistung_anlegen(ozg_id=10002, name="Kinderzuschlag", themenfeld=themenfeld)
    assert leistung.history.get().history_user.username == "system"


def test_als_benutzer_verschachtelt(person, themenfeld):
    andere = f.ProgrammmanagementFactory()
    with als_benutzer(person):
        a = services.leistung_anlegen(ozg_id=1, name="A", themenfeld=themenfeld)
        with als_benutzer(andere):
            b = services.leistung_anlegen(ozg_id=2, name="B", themenfeld=themenfeld)
        c = services.leistung_anlegen(ozg_id=3, name="C", themenfeld=themenfeld)
        # an explicit user of the service wins over the context
        d = services.leistung_anlegen(ozg_id=4, name="D", themenfeld=themenfeld, user=andere)
    assert [x.history.get().history_user for x in (a, b, c, d)] == [person, andere, person, andere]
    assert not hasattr(HistoricalRecords.context, "request")


def test_als_benutzer_stellt_kontext_nach_fehler_wieder_her(person, themenfeld):
    with pytest.raises(RuntimeError), als_benutzer(person):
        raise RuntimeError("Abbruch")
    assert not hasattr(HistoricalRecords.context, "request")
    leistung = services.leistung_anlegen(ozg_id=5, name="E", themenfeld=themenfeld)
    assert leistung.history.get().history_user.username == "system"


KATALOG = {
    "themenfelder.csv": "id,themenfeld\n1,Familie & Kind\n",
    "lebenslagen.csv": "lebenslage_geschaeftslage,themenfeld\nGeburt,Familie & Kind\n",
    "ozg_leistungen.csv": (
        "ozg_id,ozg_leistung,lebenslage_geschaeftslage,themenfeld\n"
        "10000,Elterngeld,Geburt,Familie & Kind\n"
        "10003,Geburtsanzeige,Geburt,Familie & Kind\n"
    ),
    "leika_leistungen.csv": (
        "leika_schluessel,leika_leistung,leika_typ,ozg_id,rechtsgrundlage,gesetze,gesetz_kuerzel\n"
        "99041008000000,Elterngeld Bewilligung,1,10000,,,\n"
        "99041009000000,Geburtsanzeige Entgegennahme,2/3,10003,,,\n"
    ),
}


def _katalog_schreiben(ordner, **ersetzungen):
    ordner.mkdir(exist_ok=True)
    for name, inhalt in KATALOG.items():
        for alt, neu in ersetzungen.items():
            inhalt = inhalt.replace(alt, neu)
        (ordner / name).write_text(inhalt, encoding="utf-8")
    return ordner


def test_import_katalog_schreibt_verlauf_als_systemkonto(tmp_path):
    ordner = _katalog_schreiben(tmp_path / "katalog")
    call_command("import_katalog", str(ordner), "--no-progress", verbosity=0)

    elterngeld = Leistung.objects.get(ozg_id=10000)
    assert {z.history_user.username for z in elterngeld.history.all()} == {"system"}
    assert elterngeld.history.get().history_change_reason.startswith("Katalogimport")
    leika = elterngeld.leika_leistungen.get()
    assert {z.history_user.username for z in leika.history.all()} == {"system"}

    # A second import with a changed name: one "~" row by the system account, with the diff.
    _katalog_schreiben(ordner, **{"10000,Elterngeld,": "10000,Elterngeld (Basis),"})
    call_command("import_katalog", str(ordner), "--no-progress", verbosity=0)
    letzte = elterngeld.history.first()
    assert elterngeld.history.count() == 2
    assert letzte.history_type == "~"
    assert letzte.history_user.username == "system"
    assert aenderungen(letzte) == [("Name", "Elterngeld", "Elterngeld (Basis)")]
    # unchanged Leistungen get no new row
    assert Leistung.objects.get(ozg_id=10003).history.count() == 1


def test_import_katalog_mit_benutzer(tmp_path, person):
    ordner = _katalog_schreiben(tmp_path / "katalog")
    call_command(
        "import_katalog",
        str(ordner),
        "--no-progress",
        f"--benutzer={person.username}",
        verbosity=0,
    )
    zeilen = Leistung.history.filter(ozg_id__in=[10000, 10003])
    assert zeilen.count() == 2
    assert {z.history_user for z in zeilen} == {person}
