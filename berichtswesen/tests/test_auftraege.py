"""Report jobs without a broker (eager, the embedded default): service, pages, API."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from berichtswesen import ablage, services
from berichtswesen.models import Berichtsauftrag, Status
from berichtswesen.tests.berichtsarten import zaehler_datei
from ozgplattform.choices import Rolle
from ozgplattform.models import ApiToken
from ozgplattform.services import rollenzuweisung_anlegen
from ozgplattform.testing.api import api
from ozgplattform.testing.factories import PASSWORT, ProgrammmanagementFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return UserFactory()


@pytest.fixture
def angemeldet(client, person):
    client.force_login(person)
    return client


def _anfordern(person, art="test_schnell", format="csv", **parameter):
    return services.bericht_anfordern(art=art, format=format, parameter=parameter, user=person)


# --------------------------------------------------------------------------------------
# Service and task (eager)
# --------------------------------------------------------------------------------------


def test_eager_bericht_ist_nach_dem_commit_fertig(
    testarten, eager, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as rueckrufe:
        auftrag = _anfordern(person, bereich="offen", text="Grüße")
    assert len(rueckrufe) == 1
    auftrag.refresh_from_db()
    assert auftrag.status == Status.FERTIG
    assert auftrag.fortschritt == 100
    assert auftrag.versuche == 1
    assert auftrag.dateiname == "schnell.csv"
    inhalt = ablage.pfad(auftrag).read_bytes()
    assert inhalt == "bereich;text\noffen;Grüße\n".encode()
    assert auftrag.groesse == len(inhalt)
    # Stored privately, under the random name, not in MEDIA_ROOT.
    assert ablage.pfad(auftrag).name == f"{auftrag.datei}.csv"
    assert len(auftrag.datei) >= 30
    assert auftrag.laeuft_ab - auftrag.beendet == dt.timedelta(days=30)


def test_anfordern_prueft_art_format_parameter_und_recht(testarten, eager, person):
    with pytest.raises(ValidationError) as fehler:
        _anfordern(person, art="gibt_es_nicht")
    assert "art" in fehler.value.message_dict
    with pytest.raises(ValidationError) as fehler:
        _anfordern(person, art="test_langsam", format="pdf", schritte=1)
    assert "nur als CSV, Excel (XLSX)" in fehler.value.message_dict["format"][0]
    with pytest.raises(ValidationError) as fehler:
        _anfordern(person, bereich="unbekannt")
    assert "bereich" in fehler.value.message_dict
    with pytest.raises(PermissionDenied):
        _anfordern(person, bereich="intern")
    assert not Berichtsauftrag.objects.exists()


def test_erneute_zustellung_eines_fertigen_auftrags_ist_ohne_wirkung(
    testarten, eager, person, django_capture_on_commit_callbacks
):
    from berichtswesen.tasks import bericht_erzeugen

    with django_capture_on_commit_callbacks(execute=True):
        auftrag = _anfordern(person, bereich="offen")
    auftrag.refresh_from_db()
    zeit = ablage.pfad(auftrag).stat().st_mtime_ns
    assert bericht_erzeugen.apply(args=[str(auftrag.pk)]).get() == Status.FERTIG
    auftrag.refresh_from_db()
    assert auftrag.versuche == 1
    assert ablage.pfad(auftrag).stat().st_mtime_ns == zeit


def test_laeuft_von_totem_worker_wird_neu_erstellt_und_ueberschreibt_dieselbe_datei(
    testarten, eager, person
):
    from berichtswesen.tasks import bericht_erzeugen

    auftrag = Berichtsauftrag.objects.create(
        art="test_schnell",
        format="csv",
        parameter={"bereich": "offen"},
        angefordert_von=person,
        status=Status.LAEUFT,
        versuche=1,
    )
    ablage.schreiben(auftrag, b"halb")  # an earlier run got this far
    (ablage.wurzel() / f"{auftrag.datei}.abc.tmp").write_bytes(b"rest")
    bericht_erzeugen.apply(args=[str(auftrag.pk)])
    auftrag.refresh_from_db()
    assert auftrag.status == Status.FERTIG
    assert auftrag.versuche == 2
    assert sorted(p.name for p in ablage.wurzel().iterdir()) == [f"{auftrag.datei}.csv"]
    assert ablage.pfad(auftrag).read_bytes().startswith(b"bereich;text")


def test_auftrag_der_den_worker_immer_wieder_verliert_wird_aufgegeben(testarten, eager, person):
    from berichtswesen.tasks import MAX_LAEUFE, bericht_erzeugen

    auftrag = Berichtsauftrag.objects.create(
        art="test_schnell",
        format="csv",
        parameter={"bereich": "offen"},
        angefordert_von=person,
        status=Status.LAEUFT,
        versuche=MAX_LAEUFE,
    )
    assert bericht_erzeugen.apply(args=[str(auftrag.pk)]).result == Status.FEHLGESCHLAGEN
    auftrag.refresh_from_db()
    assert auftrag.status == Status.FEHLGESCHLAGEN
    assert "mehrfach abgebrochen" in auftrag.fehlermeldung
    assert auftrag.versuche == MAX_LAEUFE
    assert not ablage.vorhanden(auftrag)


def test_dauerhafter_fehler_schlaegt_fehl_mit_meldung_und_log(
    testarten, eager, person, caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.ERROR, logger="berichtswesen.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        auftrag = _anfordern(person, art="test_fehler", fehler="dauerhaft")
    auftrag.refresh_from_db()
    assert auftrag.status == Status.FEHLGESCHLAGEN
    assert auftrag.versuche == 1
    assert "interner Fehler" in auftrag.fehlermeldung or "internen Fehlers" in auftrag.fehlermeldung
    assert "Division durch die Wirklichkeit" not in auftrag.fehlermeldung
    eintraege = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert eintraege and eintraege[0].exc_info is not None
    assert "Division durch die Wirklichkeit" in str(eintraege[0].exc_info[1])
    assert not list(ablage.wurzel().iterdir())


def test_voruebergehender_fehler_wird_wiederholt_bis_erfolg(
    testarten, eager, person, django_capture_on_commit_callbacks
):
    zaehler_datei("eager-erfolg").unlink(missing_ok=True)
    with django_capture_on_commit_callbacks(execute=True):
        auftrag = _anfordern(
            person, art="test_fehler", fehler="voruebergehend", scheitern=2, marke="eager-erfolg"
        )
    auftrag.refresh_from_db()
    assert auftrag.status == Status.FERTIG
    assert auftrag.versuche == 3
    assert ablage.pfad(auftrag).read_bytes() == b"nach 3 Versuchen"
    zaehler_datei("eager-erfolg").unlink()


def test_voruebergehender_fehler_hoechstens_dreimal_wiederholt(
    testarten, eager, person, django_capture_on_commit_callbacks
):
    zaehler_datei("eager-immer").unlink(missing_ok=True)
    with django_capture_on_commit_callbacks(execute=True):
        auftrag = _anfordern(
            person, art="test_fehler", fehler="voruebergehend", scheitern=99, marke="eager-immer"
        )
    auftrag.refresh_from_db()
    assert auftrag.status == Status.FEHLGESCHLAGEN
    assert auftrag.versuche == 4  # first run + 3 retries
    assert int(zaehler_datei("eager-immer").read_text()) == 4
    assert "vorübergehenden Störung" in auftrag.fehlermeldung
    zaehler_datei("eager-immer").unlink()


def test_wartezeit_waechst_exponentiell(settings):
    from berichtswesen.tasks import _wartezeit

    settings.BERICHT_WIEDERHOLUNG_SEKUNDEN = 10
    assert [_wartezeit(v) for v in range(3)] == [10, 20, 40]


def test_task_einstellungen_fuer_zuverlaessigkeit(settings):
    from berichtswesen.tasks import bericht_erzeugen
    from ozgplattform.celery import app

    assert bericht_erzeugen.acks_late is True
    assert bericht_erzeugen.reject_on_worker_lost is True
    assert bericht_erzeugen.max_retries == 3
    assert bericht_erzeugen.time_limit == settings.BERICHT_ZEITLIMIT
    assert bericht_erzeugen.soft_time_limit < bericht_erzeugen.time_limit
    sichtbarkeit = app.conf.broker_transport_options["visibility_timeout"]
    assert sichtbarkeit > settings.BERICHT_ZEITLIMIT + 7 * settings.BERICHT_WIEDERHOLUNG_SEKUNDEN


def test_rechte_entzogen_vor_dem_lauf_schlaegt_fehl(testarten, eager, person):
    from berichtswesen.tasks import bericht_erzeugen

    auftrag = Berichtsauftrag.objects.create(
        art="test_schnell", format="csv", parameter={"bereich": "intern"}, angefordert_von=person
    )
    bericht_erzeugen.apply(args=[str(auftrag.pk)])
    auftrag.refresh_from_db()
    assert auftrag.status == Status.FEHLGESCHLAGEN
    assert "nicht (mehr) sehen" in auftrag.fehlermeldung
    assert not ablage.vorhanden(auftrag)


# --------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------


def test_seitenablauf_anfordern_fortschritt_herunterladen(
    testarten, eager, angemeldet, person, django_capture_on_commit_callbacks
):
    seite = angemeldet.get(reverse("berichtswesen:uebersicht"))
    assert seite.status_code == 200
    url = reverse("berichtswesen:anfordern", args=["test_schnell"])
    assert url in seite.content.decode()

    formular = angemeldet.get(url)
    assert formular.status_code == 200
    html = formular.content.decode()
    assert 'name="parameter-bereich"' in html and 'name="format"' in html

    with django_capture_on_commit_callbacks(execute=True):
        antwort = angemeldet.post(
            url, {"parameter-bereich": "offen", "parameter-text": "Hallo", "format": "csv"}
        )
    auftrag = Berichtsauftrag.objects.get()
    assert antwort.status_code == 302
    assert antwort["Location"] == reverse("berichtswesen:auftrag", args=[auftrag.pk])
    assert auftrag.angefordert_von == person
    assert auftrag.parameter == {"bereich": "offen", "text": "Hallo"}

    jobseite = angemeldet.get(antwort["Location"])
    html = jobseite.content.decode()
    assert jobseite.status_code == 200
    assert 'role="status"' in html and 'aria-live="polite"' in html
    assert "Der Bericht ist fertig" in html
    assert 'hx-trigger="every 2s"' not in html  # done: no polling
    datei_url = reverse("berichtswesen:datei", args=[auftrag.pk])
    assert datei_url in html

    download = angemeldet.get(datei_url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="schnell.csv"'
    assert b"".join(download.streaming_content) == b"bereich;text\noffen;Hallo\n"

    liste = angemeldet.get(reverse("berichtswesen:uebersicht")).content.decode()
    assert "Schneller Testbericht" in liste and datei_url in liste


def test_jobseite_pollt_nur_solange_der_bericht_laeuft(testarten, angemeldet, person):
    auftrag = Berichtsauftrag.objects.create(
        art="test_langsam",
        format="csv",
        parameter={"schritte": 3},
        angefordert_von=person,
        status=Status.LAEUFT,
        fortschritt=40,
        schritt="Schritt 2 von 3",
    )
    seite = angemeldet.get(reverse("berichtswesen:auftrag", args=[auftrag.pk])).content.decode()
    status_url = reverse("berichtswesen:status", args=[auftrag.pk])
    assert f'hx-get="{status_url}"' in seite and 'hx-trigger="every 2s"' in seite
    assert '<progress id="auftrag-fortschritt" max="100" value="40">' in seite
    assert "Der Bericht wird erstellt." in seite

    fragment = angemeldet.get(status_url, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in html
    assert 'value="40"' in html and "Schritt 2 von 3" in html
    assert 'hx-trigger="every 2s"' in html
    assert 'id="auftrag-statustext" hx-swap-oob="innerHTML"' in html

    Berichtsauftrag.objects.filter(pk=auftrag.pk).update(
        status=Status.FERTIG, fortschritt=100, dateiname="langsam.csv", groesse=10
    )
    html = angemeldet.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' not in html
    assert "Der Bericht ist fertig und kann heruntergeladen werden." in html
    assert reverse("berichtswesen:datei", args=[auftrag.pk]) in html


def test_formularfehler_werden_am_feld_gezeigt(testarten, eager, angemeldet):
    url = reverse("berichtswesen:anfordern", args=["test_langsam"])
    antwort = angemeldet.post(url, {"parameter-schritte": "0", "format": "csv"})
    assert antwort.status_code == 400
    assert "Bitte prüfen Sie Ihre Angaben." in antwort.content.decode()
    antwort = angemeldet.post(url, {"parameter-schritte": "2", "format": "pdf"})
    assert antwort.status_code == 400
    assert not Berichtsauftrag.objects.exists()


def test_ohne_recht_auf_die_daten_keine_anforderung(testarten, eager, angemeldet):
    url = reverse("berichtswesen:anfordern", args=["test_schnell"])
    antwort = angemeldet.post(url, {"parameter-bereich": "intern", "format": "csv"})
    assert antwort.status_code == 403
    assert "Keine Berechtigung" in antwort.content.decode()
    assert not Berichtsauftrag.objects.exists()


def test_unbekannte_berichtsart_ist_404(angemeldet):
    assert angemeldet.get(reverse("berichtswesen:anfordern", args=["nix"])).status_code == 404


def test_anonym_wird_zur_anmeldung_geschickt(client):
    antwort = client.get(reverse("berichtswesen:uebersicht"))
    assert antwort.status_code == 302 and "/konto/" in antwort["Location"]


def _auftrag(person, status, **extra):
    return Berichtsauftrag.objects.create(
        art="test_schnell",
        format="csv",
        parameter={"bereich": "offen"},
        angefordert_von=person,
        status=status,
        **extra,
    )


@pytest.mark.parametrize(
    ("status", "code", "text"),
    [
        (Status.WARTET, 409, "noch nicht fertig"),
        (Status.LAEUFT, 409, "noch nicht fertig"),
        (Status.FEHLGESCHLAGEN, 410, "nicht mehr verfügbar"),
        (Status.ABGELAUFEN, 410, "nicht mehr verfügbar"),
    ],
)
def test_download_409_und_410(testarten, angemeldet, person, status, code, text):
    auftrag = _auftrag(person, status, fehlermeldung="Grund X")
    antwort = angemeldet.get(reverse("berichtswesen:datei", args=[auftrag.pk]))
    assert antwort.status_code == code
    assert text in antwort.content.decode()


def test_fertig_aber_datei_fehlt_ist_410(testarten, angemeldet, person):
    auftrag = _auftrag(person, Status.FERTIG, dateiname="x.csv")
    assert angemeldet.get(reverse("berichtswesen:datei", args=[auftrag.pk])).status_code == 410


def test_fremde_auftraege_sind_404(testarten, client, person):
    auftrag = _auftrag(person, Status.FERTIG, dateiname="x.csv")
    ablage.schreiben(auftrag, b"geheim")
    client.force_login(UserFactory())
    for name in ("auftrag", "status", "datei"):
        assert client.get(reverse(f"berichtswesen:{name}", args=[auftrag.pk])).status_code == 404
    assert str(auftrag.pk) not in client.get(reverse("berichtswesen:uebersicht")).content.decode()


def test_archiv_nur_fuer_interne_leser_die_den_bericht_anfordern_duerften(testarten, client):
    def archivbericht(bereich):
        auftrag = Berichtsauftrag.objects.create(
            art="test_schnell",
            format="csv",
            parameter={"bereich": bereich},
            status=Status.FERTIG,
            periode="2026-10",
            dateiname=f"{bereich}.csv",
        )
        ablage.schreiben(auftrag, bereich.encode())
        return auftrag

    offen, intern, pm = archivbericht("offen"), archivbericht("intern"), archivbericht("pm")
    leser = UserFactory()
    rollenzuweisung_anlegen(benutzer=leser, rolle=Rolle.LESER)
    erwartet = [
        # Registered without role: may request "offen", but archive reports are the
        # internal view, so none of them.
        (UserFactory(), set()),
        (leser, {offen, intern}),
        (ProgrammmanagementFactory(), {offen, intern, pm}),
    ]
    for person, sichtbar in erwartet:
        client.force_login(person)
        seite = client.get(reverse("berichtswesen:uebersicht")).content.decode()
        for auftrag in (offen, intern, pm):
            datei = client.get(reverse("berichtswesen:datei", args=[auftrag.pk]))
            if auftrag in sichtbar:
                assert str(auftrag.pk) in seite, (person, auftrag.parameter)
                assert datei.status_code == 200
            else:
                assert str(auftrag.pk) not in seite, (person, auftrag.parameter)
                assert datei.status_code == 404
        api_liste = _api(person).get("/api/v1/berichtsauftraege/").json()["results"]
        assert {a["id"] for a in api_liste} == {str(a.pk) for a in sichtbar}


def test_uebersicht_abfragen_konstant(testarten, client, django_assert_max_num_queries):
    # An internal reader: the archive (with its per-type check) is part of the page.
    person = ProgrammmanagementFactory()
    client.force_login(person)

    def anlegen(n):
        for i in range(n):
            _auftrag(person, Status.FERTIG, dateiname="a.csv")
            Berichtsauftrag.objects.create(
                art="test_schnell",
                format="csv",
                parameter={"bereich": ["offen", "intern"][i % 2]},
                status=Status.FERTIG,
                periode=f"p{n}-{i}",
            )

    anlegen(2)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("berichtswesen:uebersicht")).status_code == 200
    anlegen(20)
    with django_assert_max_num_queries(8):
        antwort = client.get(reverse("berichtswesen:uebersicht"))
    assert len(antwort.context["meine"]) == 22
    assert len(antwort.context["archiv"]) == 22


def test_navigation_zeigt_berichte_fuer_angemeldete(angemeldet, client):
    url = reverse("berichtswesen:uebersicht")
    assert f'href="{url}"' in angemeldet.get(reverse("konto:profil")).content.decode()


# --------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------


def _api(person, schreibrecht=True):
    return api(person, token=ApiToken(user=person, name="t", schreibrecht=schreibrecht))


def test_api_post_202_location_und_download(
    testarten, eager, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        antwort = _api(person).post(
            "/api/v1/berichtsauftraege/",
            {"art": "test_schnell", "format": "csv", "parameter": {"bereich": "offen"}},
            format="json",
        )
    assert antwort.status_code == 202, antwort.content
    daten = antwort.json()
    auftrag = Berichtsauftrag.objects.get()
    assert antwort["Location"] == daten["url"]
    assert daten["url"].endswith(f"/api/v1/berichtsauftraege/{auftrag.pk}/")
    assert daten["seite"].endswith(reverse("berichtswesen:auftrag", args=[auftrag.pk]))

    lesend = _api(person, schreibrecht=False)
    detail = lesend.get(daten["url"]).json()
    assert detail["status"] == "fertig" and detail["fortschritt"] == 100
    assert detail["datei"].endswith(f"/api/v1/berichtsauftraege/{auftrag.pk}/datei/")
    datei = lesend.get(detail["datei"])
    assert datei.status_code == 200
    assert b"".join(datei.streaming_content) == b"bereich;text\noffen;\n"
    assert "attachment" in datei["Content-Disposition"]

    liste = lesend.get("/api/v1/berichtsauftraege/").json()
    assert [a["id"] for a in liste["results"]] == [str(auftrag.pk)]


def test_api_fehler_400_403_lesetoken_anonym(testarten, eager, person):
    url = "/api/v1/berichtsauftraege/"

    def post(client, bereich):
        return client.post(
            url,
            {"art": "test_schnell", "format": "csv", "parameter": {"bereich": bereich}},
            format="json",
        )

    schlecht = post(_api(person), "kaputt")
    assert schlecht.status_code == 400 and "bereich" in schlecht.json()
    assert post(_api(person), "intern").status_code == 403
    lesend = post(_api(person, schreibrecht=False), "offen")
    assert lesend.status_code == 403
    assert lesend.json() == {"detail": "Dieses Token erlaubt nur lesenden Zugriff."}
    assert api().get(url).status_code in (401, 403)
    assert not Berichtsauftrag.objects.exists()


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (Status.WARTET, 409),
        (Status.LAEUFT, 409),
        (Status.FEHLGESCHLAGEN, 410),
        (Status.ABGELAUFEN, 410),
    ],
)
def test_api_download_409_410_und_fremde_404(testarten, person, status, code):
    auftrag = _auftrag(person, status, fehlermeldung="Grund X")
    url = f"/api/v1/berichtsauftraege/{auftrag.pk}/datei/"
    antwort = _api(person).get(url)
    assert antwort.status_code == code
    assert antwort.json()["detail"]
    fremd = _api(UserFactory())
    assert fremd.get(url).status_code == 404
    assert fremd.get(f"/api/v1/berichtsauftraege/{auftrag.pk}/").status_code == 404


def test_api_liste_abfragen_konstant(testarten, person, django_assert_max_num_queries):
    client = _api(person)
    for _ in range(3):
        _auftrag(person, Status.FERTIG)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/berichtsauftraege/").status_code == 200
    for _ in range(20):
        _auftrag(person, Status.FERTIG)
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/berichtsauftraege/").json()["results"]) == 23


def test_login_mit_passwort_sieht_eigene_berichte(testarten, client, person):
    auftrag = _auftrag(person, Status.FERTIG, dateiname="x.csv")
    assert client.login(username=person.username, password=PASSWORT)
    assert str(auftrag.pk) in client.get(reverse("berichtswesen:uebersicht")).content.decode()


def test_aufbewahrung_archiv_laenger(settings, person):
    settings.BERICHT_AUFBEWAHRUNG_TAGE = 30
    settings.BERICHT_ARCHIV_AUFBEWAHRUNG_TAGE = 400
    eigener = Berichtsauftrag(angefordert_von=person)
    archiv = Berichtsauftrag(angefordert_von=None)
    assert services.aufbewahrung(eigener) == dt.timedelta(days=30)
    assert services.aufbewahrung(archiv) == dt.timedelta(days=400)
