"""ETag, If-None-Match and If-Match on every API resource (``ozgplattform/api/etag.py``).

The generic tests run for every resource of ``test_ressourcen.py`` through its hooks
(``objekt``, ``aenderung``, ``berechtigter``, ``pruefe_aenderung``): reading ones for
all, writing ones for every resource that offers PATCH.
"""

from __future__ import annotations

import pytest
from django.db import models
from django.urls import reverse

from leistungen import services as leistungen_services
from leistungen.api.views import LeistungViewSet
from leistungen.choices import Prioritaet
from leistungen.models import Leistung
from ozgplattform import versionen
from ozgplattform.api.etag import version_dekodieren
from ozgplattform.choices import Rolle
from ozgplattform.history import als_benutzer
from ozgplattform.models import Rollenzuweisung
from ozgplattform.testing import factories as f
from ozgplattform.testing.api import ApiViewTests, api, detail_url, liste_url, mit_rolle
from tests.api import test_ressourcen as ressourcen

pytestmark = pytest.mark.django_db

ALLE = sorted(
    (
        klasse
        for klasse in vars(ressourcen).values()
        if isinstance(klasse, type)
        and issubclass(klasse, ApiViewTests)
        and klasse is not ApiViewTests
    ),
    key=lambda klasse: klasse.basename,
)
AENDERBAR = [k for k in ALLE if k.aenderung is not ApiViewTests.aenderung]


def _ids(klasse) -> str:
    return klasse.basename


def stand(obj: models.Model) -> dict:
    """Everything stored about ``obj``: its columns, its M2M ids, its history length."""
    obj = type(obj)._base_manager.get(pk=obj.pk)
    werte = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    for feld in obj._meta.many_to_many:
        werte[feld.name] = sorted(getattr(obj, feld.name).values_list("pk", flat=True))
    werte["verlauf"] = type(obj).history.filter(id=obj.pk).count()
    return werte


def leser(ressource, obj):
    """Who reads ``obj`` in these tests: the user who may change it, else the
    Programmmanagement (non-public resources)."""
    if ressource.aenderung(obj) is not None:
        return ressource.berechtigter(obj)
    return f.ProgrammmanagementFactory()


def fremd_gespeichert(obj: models.Model) -> None:
    """Someone else saves ``obj`` (a new version, a history row, no field changed)."""
    person = f.UserFactory(first_name="Erika", last_name="Mustermann")
    obj = type(obj)._base_manager.get(pk=obj.pk)
    with als_benutzer(person):
        obj.save()


# --------------------------------------------------------------------------------------
# Reading: ETag and If-None-Match on every resource
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("klasse", ALLE, ids=_ids)
def test_detail_hat_etag_und_if_none_match_ergibt_304(klasse):
    ressource = klasse()
    obj = ressource.objekt()
    client = api(leser(ressource, obj))
    url = detail_url(klasse.basename, obj.pk)
    erste = client.get(url, format="json")
    assert erste.status_code == 200, erste.content
    tag = erste["ETag"]
    assert tag.startswith('"') and not tag.startswith("W/")
    assert version_dekodieren(tag.strip('"')) == type(obj)._base_manager.get(pk=obj.pk).geaendert

    nicht_geaendert = client.get(url, format="json", HTTP_IF_NONE_MATCH=tag)
    assert nicht_geaendert.status_code == 304
    assert nicht_geaendert.content == b""
    assert nicht_geaendert["ETag"] == tag
    # A list of tags, one of them current; weak comparison.
    liste = client.get(url, HTTP_IF_NONE_MATCH=f'"0-0000000000000000", W/{tag}')
    assert liste.status_code == 304

    fremd_gespeichert(obj)
    neu = client.get(url, format="json", HTTP_IF_NONE_MATCH=tag)
    assert neu.status_code == 200
    assert neu["ETag"] != tag
    assert neu.json()["id"] == obj.pk


def test_liste_ohne_etag():
    f.LeistungFactory()
    antwort = api().get(liste_url("leistung"))
    assert antwort.status_code == 200
    assert not antwort.has_header("ETag")


def test_etag_haengt_an_eingebetteten_daten():
    """The Leistung detail nests Ergebnisse: a new Ergebnis changes the representation
    and so the ETag (no 304 for a stale copy), though the Leistung is not saved."""
    leistung = f.LeistungFactory()
    url = detail_url("leistung", leistung.pk)
    tag = api().get(url)["ETag"]
    f.ErgebnisFactory(leistung=leistung)
    antwort = api().get(url, HTTP_IF_NONE_MATCH=tag)
    assert antwort.status_code == 200
    assert antwort["ETag"] != tag
    # ... but the Leistung's own version is unchanged: If-Match still accepts the tag.
    assert antwort["ETag"].split("-")[0] == tag.split("-")[0]


def test_etag_haengt_am_leser():
    """Personal data is shown to internal readers only: other representation, other
    ETag, so a cache never answers 304 across readers."""
    zuweisung = f.RollenzuweisungFactory(kontakt_veroeffentlichen=True)
    url = detail_url("rollenzuweisung", zuweisung.pk)
    intern = api(f.ProgrammmanagementFactory()).get(url)
    anonym = api().get(url)
    assert (intern.status_code, anonym.status_code) == (200, 200)
    assert "user" in intern.json() and "user" not in anonym.json()
    assert anonym["ETag"] != intern["ETag"]
    assert anonym["ETag"].split("-")[0] == intern["ETag"].split("-")[0]


# --------------------------------------------------------------------------------------
# Writing: If-Match on every resource offering PATCH
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("klasse", AENDERBAR, ids=_ids)
def test_etag_aendert_sich_mit_jeder_speicherung(klasse):
    ressource = klasse()
    obj = ressource.objekt()
    client = api(ressource.berechtigter(obj))
    url = detail_url(klasse.basename, obj.pk)
    vorher = client.get(url)["ETag"]
    antwort = client.patch(url, ressource.aenderung(obj), format="json")
    assert antwort.status_code == 200, antwort.content
    nachher = antwort["ETag"]
    assert nachher != vorher
    assert nachher.split("-")[0] != vorher.split("-")[0]  # a new version, not only a digest
    # The write's response describes the object as GET does: same tag.
    assert client.get(url)["ETag"] == nachher


@pytest.mark.parametrize("klasse", AENDERBAR, ids=_ids)
def test_passendes_if_match_speichert(klasse):
    ressource = klasse()
    obj = ressource.objekt()
    person = ressource.berechtigter(obj)
    client = api(person)
    url = detail_url(klasse.basename, obj.pk)
    tag = client.get(url)["ETag"]
    antwort = client.patch(url, ressource.aenderung(obj), format="json", HTTP_IF_MATCH=tag)
    assert antwort.status_code == 200, antwort.content
    assert antwort["ETag"] != tag
    obj = klasse.model.objects.get(pk=obj.pk)
    ressource.pruefe_aenderung(obj)
    verlauf = type(obj).history.filter(id=obj.pk).order_by("-history_id").first()
    assert verlauf.history_user_id == person.pk


@pytest.mark.parametrize("klasse", AENDERBAR, ids=_ids)
def test_veraltetes_if_match_ergibt_412_und_aendert_nichts(klasse):
    ressource = klasse()
    obj = ressource.objekt()
    client = api(ressource.berechtigter(obj))
    url = detail_url(klasse.basename, obj.pk)
    alt = client.get(url)["ETag"]
    fremd_gespeichert(obj)
    aktuell = client.get(url)["ETag"]
    vorher = stand(obj)

    for methode in ("patch", "put"):
        daten = ressource.aenderung(obj)
        if methode == "put":
            daten = {**client.get(url).json(), **daten}
        antwort = getattr(client, methode)(url, daten, format="json", HTTP_IF_MATCH=alt)
        assert antwort.status_code == 412, (methode, antwort.content)
        inhalt = antwort.json()
        assert "inzwischen geändert" in inhalt["detail"]
        assert "nicht gespeichert" in inhalt["detail"]
        assert inhalt["etag"] == aktuell == antwort["ETag"]
        assert isinstance(inhalt["aenderungen"], list)
        assert stand(obj) == vorher

    # With the current tag the same change goes through.
    ok = client.patch(url, ressource.aenderung(obj), format="json", HTTP_IF_MATCH=aktuell)
    assert ok.status_code == 200, ok.content
    ressource.pruefe_aenderung(klasse.model.objects.get(pk=obj.pk))


def test_412_listet_die_aenderungen_seit_der_version():
    leistung = f.LeistungFactory(name="Wohngeld")
    ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=leistung.themenfeld)
    url = detail_url("leistung", leistung.pk)
    alt = api(ff).get(url)["ETag"]
    kollegin = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=leistung.themenfeld)
    erste = api(kollegin).patch(url, {"steckbrief": "Neuer Ansatz"}, format="json")
    assert erste.status_code == 200
    antwort = api(ff).patch(url, {"steckbrief": "Mein Ansatz"}, format="json", HTTP_IF_MATCH=alt)
    assert antwort.status_code == 412
    aenderungen = antwort.json()["aenderungen"]
    assert [(a["feld"], a["nachher"]) for a in aenderungen] == [
        ("Leistungssteckbrief", "Neuer Ansatz")
    ]
    assert Leistung.objects.get(pk=leistung.pk).steckbrief == "Neuer Ansatz"


def test_if_match_stern_schwach_fremd_und_kaputt():
    leistung = f.LeistungFactory()
    ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=leistung.themenfeld)
    client = api(ff)
    url = detail_url("leistung", leistung.pk)
    tag = client.get(url)["ETag"]
    vorher = stand(leistung)

    # Weak tags never match (strong comparison), nor tags we did not issue: 412.
    for wert in (f"W/{tag}", '"abc"', '"0-0000000000000000"'):
        antwort = client.patch(url, {"steckbrief": "x"}, format="json", HTTP_IF_MATCH=wert)
        assert antwort.status_code == 412, (wert, antwort.content)
        assert antwort.json()["etag"] == tag
    # Malformed (no quotes): 400 naming the header; reloading would not help.
    kaputt = client.patch(url, {"steckbrief": "x"}, format="json", HTTP_IF_MATCH="abc")
    assert kaputt.status_code == 400
    assert "If-Match" in kaputt.json()["detail"]
    assert stand(leistung) == vorher

    # A list containing the current tag matches; so does "*".
    liste = client.patch(
        url, {"steckbrief": "y"}, format="json", HTTP_IF_MATCH=f'"1-0000000000000000", {tag}'
    )
    assert liste.status_code == 200, liste.content
    stern = client.patch(url, {"steckbrief": "z"}, format="json", HTTP_IF_MATCH="*")
    assert stern.status_code == 200
    assert Leistung.objects.get(pk=leistung.pk).steckbrief == "z"


def test_if_match_auf_liste_ist_400():
    pm = f.ProgrammmanagementFactory()
    anzahl = Leistung.objects.count()
    antwort = api(pm).post(
        liste_url("leistung"),
        {"ozg_id": 99002, "name": "Neu", "themenfeld": f.ThemenfeldFactory().pk},
        format="json",
        HTTP_IF_MATCH='"1-0000000000000000"',
    )
    assert antwort.status_code == 400
    assert "einzelnes Objekt" in antwort.json()["detail"]
    assert Leistung.objects.count() == anzahl


def test_ohne_recht_bleibt_403_auch_mit_veraltetem_if_match():
    leistung = f.LeistungFactory()
    url = detail_url("leistung", leistung.pk)
    alt = api().get(url)["ETag"]
    fremd_gespeichert(leistung)
    antwort = api(f.UserFactory()).patch(url, {"steckbrief": "x"}, format="json", HTTP_IF_MATCH=alt)
    assert antwort.status_code == 403


def test_delete_mit_if_match():
    zuweisung = f.RollenzuweisungFactory(kontakt_veroeffentlichen=True)
    pm = f.ProgrammmanagementFactory()
    url = detail_url("rollenzuweisung", zuweisung.pk)
    alt = api(pm).get(url)["ETag"]
    fremd_gespeichert(zuweisung)
    vorher = stand(zuweisung)
    veraltet = api(pm).delete(url, HTTP_IF_MATCH=alt)
    assert veraltet.status_code == 412, veraltet.content
    assert stand(zuweisung) == vorher
    aktuell = api(pm).get(url)["ETag"]
    geloescht = api(pm).delete(url, HTTP_IF_MATCH=aktuell)
    assert geloescht.status_code == 204
    assert not Rollenzuweisung.objects.filter(pk=zuweisung.pk).exists()


def test_depriorisierung_mit_if_match():
    """Custom actions on an object honour If-Match too, and answer with an ETag."""
    leistung = f.LeistungFactory(werkbank=True)
    ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=leistung.themenfeld)
    url = reverse("api:leistung-depriorisierung-vorschlagen", args=[leistung.pk])
    daten = {"depriorisierungsgrund": "rechtlich", "begruendung": "Schriftform."}
    alt = api(ff).get(detail_url("leistung", leistung.pk))["ETag"]
    fremd_gespeichert(leistung)
    vorher = stand(leistung)
    veraltet = api(ff).post(url, daten, format="json", HTTP_IF_MATCH=alt)
    assert veraltet.status_code == 412, veraltet.content
    assert stand(leistung) == vorher

    aktuell = api(ff).get(detail_url("leistung", leistung.pk))["ETag"]
    antwort = api(ff).post(url, daten, format="json", HTTP_IF_MATCH=aktuell)
    assert antwort.status_code == 200, antwort.content
    assert Leistung.objects.get(pk=leistung.pk).prioritaet == Prioritaet.DEPRIORISIERT
    assert antwort["ETag"] == api(ff).get(detail_url("leistung", leistung.pk))["ETag"]


def test_anlegen_antwortet_mit_etag():
    pm = f.ProgrammmanagementFactory()
    antwort = api(pm).post(
        liste_url("leistung"),
        {"ozg_id": 99003, "name": "Neu", "themenfeld": f.ThemenfeldFactory().pk},
        format="json",
    )
    assert antwort.status_code == 201
    assert antwort["ETag"] == api(pm).get(antwort["Location"])["ETag"]


# --------------------------------------------------------------------------------------
# Race-free: the version goes to the service, which re-checks in its transaction
# --------------------------------------------------------------------------------------


def test_version_aus_if_match_geht_an_den_service(monkeypatch):
    leistung = f.LeistungFactory()
    ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=leistung.themenfeld)
    url = detail_url("leistung", leistung.pk)
    tag = api(ff).get(url)["ETag"]
    aufrufe = []

    def spion(*, version=None, **kwargs):
        aufrufe.append(version)
        return leistungen_services.leistung_aendern(version=version, **kwargs)

    monkeypatch.setattr(LeistungViewSet, "service_aendern", staticmethod(spion))
    assert api(ff).patch(url, {"steckbrief": "a"}, format="json").status_code == 200
    stern = api(ff).patch(url, {"steckbrief": "b"}, format="json", HTTP_IF_MATCH="*")
    assert stern.status_code == 200
    tag = api(ff).get(url)["ETag"]
    mit = api(ff).patch(url, {"steckbrief": "c"}, format="json", HTTP_IF_MATCH=tag)
    assert mit.status_code == 200
    assert aufrufe == [None, None, version_dekodieren(tag.strip('"'))]


def test_konflikt_im_service_wird_412_mit_if_match_sonst_409(monkeypatch):
    """A save between the view's check and the service's (impossible here thanks to the
    row lock, simulated) is reported like a stale If-Match."""
    leistung = f.LeistungFactory()
    ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=leistung.themenfeld)
    url = detail_url("leistung", leistung.pk)

    def konflikt(**kwargs):
        raise versionen.Konflikt(kwargs["leistung"], [])

    monkeypatch.setattr(LeistungViewSet, "service_aendern", staticmethod(konflikt))
    tag = api(ff).get(url)["ETag"]
    mit = api(ff).patch(url, {"steckbrief": "a"}, format="json", HTTP_IF_MATCH=tag)
    assert mit.status_code == 412
    assert mit.json()["etag"] == tag
    ohne = api(ff).patch(url, {"steckbrief": "a"}, format="json")
    assert ohne.status_code == 409


def test_anforderung_entscheiden_mit_if_match():
    """anforderungen: the decision (an action on the object) with a stale If-Match."""
    from anforderungen.models import Anforderung

    anforderung = f.AnforderungFactory()
    pm = f.ProgrammmanagementFactory()
    detail = detail_url("anforderung", anforderung.pk)
    url = reverse("api:anforderung-entscheiden", args=[anforderung.pk])
    daten = {"status": "angenommen", "begruendung": "Wird umgesetzt."}
    alt = api(pm).get(detail)["ETag"]
    fremd_gespeichert(anforderung)
    vorher = stand(anforderung)
    veraltet = api(pm).post(url, daten, format="json", HTTP_IF_MATCH=alt)
    assert veraltet.status_code == 412, veraltet.content
    assert stand(anforderung) == vorher
    antwort = api(pm).post(url, daten, format="json", HTTP_IF_MATCH=api(pm).get(detail)["ETag"])
    assert antwort.status_code == 200, antwort.content
    assert Anforderung.objects.get(pk=anforderung.pk).status == "angenommen"


def test_antworten_fuer_angemeldete_nicht_in_gemeinsamen_caches():
    """Signed-in answers are private (and revalidated with the ETag); every answer
    varies with the credentials."""
    leistung = f.LeistungFactory()
    url = detail_url("leistung", leistung.pk)
    oeffentlich = api().get(url, format="json")
    assert "Authorization" in oeffentlich["Vary"] and "Cookie" in oeffentlich["Vary"]
    assert "private" not in oeffentlich.get("Cache-Control", "")
    angemeldet = api(f.ProgrammmanagementFactory()).get(url, format="json")
    assert "private" in angemeldet["Cache-Control"] and "no-cache" in angemeldet["Cache-Control"]
    assert "Authorization" in angemeldet["Vary"]
