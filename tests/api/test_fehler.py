"""Errors of the API: JSON, German, the right status — never a 500."""

from __future__ import annotations

import pytest
from django import forms
from django.db import IntegrityError
from django.urls import reverse

from leistungen.api.views import LeistungViewSet
from leistungen.choices import Ergebnistyp, Prioritaet, Vorgehensmodell
from leistungen.models import Ergebnis, Leistung
from ozgplattform.choices import Rolle
from ozgplattform.models import ApiToken
from ozgplattform.testing import factories as f
from ozgplattform.testing.api import api, detail_url, liste_url, mit_rolle

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm():
    return f.ProgrammmanagementFactory()


def test_api_wurzel_listet_die_ressourcen():
    antwort = api().get(reverse("api:api-root"), format="json")
    assert antwort.status_code == 200
    assert {
        "organisationen",
        "rollenzuweisungen",
        "themenfelder",
        "lebenslagen",
        "leistungen",
        "leika-leistungen",
        "umsetzungsprojekte",
        "ergebnisse",
        "umsetzungsstaende",
        "meilensteine",
        "nachnutzungsangebote",
        "nachnutzungen",
        "anforderungen",
        "opendata/umsetzungsstand",
        "berichtsauftraege",
    } == set(antwort.json())


# --------------------------------------------------------------------------------------
# 400: input shape (serializer) and domain validation (service, full_clean)
# --------------------------------------------------------------------------------------


def test_formfehler_deutsch_je_feld(pm):
    antwort = api(pm).post(
        liste_url("leistung"),
        {"ozg_id": "abc", "prioritaet": "prio9", "themenfeld": 999999},
        format="json",
    )
    assert antwort.status_code == 400
    fehler = antwort.json()
    assert fehler["name"] == ["Dieses Feld ist zwingend erforderlich."]
    assert fehler["ozg_id"] == ["Eine gültige Ganzzahl ist erforderlich."]
    assert fehler["prioritaet"] == ['"prio9" ist keine gültige Option.']
    assert "existiert nicht" in fehler["themenfeld"][0]
    assert not Leistung.objects.exists()


def test_fachliche_pruefung_des_service_als_feldfehler(pm):
    leistung = f.LeistungFactory()
    antwort = api(pm).patch(
        detail_url("leistung", leistung.pk),
        {"prioritaet": Prioritaet.PRIO_1, "vorgehensmodell": Vorgehensmodell.KEINE_UMSETZUNG},
        format="json",
    )
    assert antwort.status_code == 400
    assert list(antwort.json()) == ["vorgehensmodell"]
    assert antwort.json()["vorgehensmodell"][0].startswith("Passt nicht zur Priorität")
    leistung.refresh_from_db()
    assert leistung.prioritaet == ""


def test_eindeutigkeit_aus_dem_modell(pm):
    f.LeistungFactory(ozg_id=4711)
    antwort = api(pm).post(
        liste_url("leistung"),
        {"ozg_id": 4711, "name": "Doppelt", "themenfeld": f.ThemenfeldFactory().pk},
        format="json",
    )
    assert antwort.status_code == 400
    assert antwort.json() == {
        "ozg_id": ["OZG-Leistung mit diesem Wert für das Feld OZG-ID existiert bereits."]
    }


def test_modellweite_fehler_unter_non_field_errors(pm):
    projekt = f.UmsetzungsprojektFactory(name="Elterngeld")
    antwort = api(pm).post(
        liste_url("umsetzungsprojekt"),
        {"name": "Elterngeld", "themenfeld": projekt.themenfeld_id},
        format="json",
    )
    assert antwort.status_code == 400
    assert list(antwort.json()) == ["non_field_errors"]
    assert "existiert bereits" in antwort.json()["non_field_errors"][0]


def test_unbekanntes_feld_ist_ein_fehler(pm):
    leistung = f.LeistungFactory(name="Alt")
    antwort = api(pm).patch(
        detail_url("leistung", leistung.pk), {"name": "Neu", "prioritat": "prio1"}, format="json"
    )
    assert antwort.status_code == 400
    assert antwort.json() == {"prioritat": ["Unbekanntes Feld."]}
    leistung.refresh_from_db()
    assert leistung.name == "Alt"


def test_nur_lesbare_felder_werden_ignoriert(pm):
    """What a GET returned can be sent back: read-only fields are not errors."""
    leistung = f.LeistungFactory(name="Alt")
    client = api(pm)
    daten = client.get(detail_url("leistung", leistung.pk), format="json").json()
    daten["name"] = "Neu"
    daten["depriorisierung_entscheidung"] = "bestaetigt"  # read-only: ignored
    antwort = client.put(detail_url("leistung", leistung.pk), daten, format="json")
    assert antwort.status_code == 200, antwort.content
    leistung.refresh_from_db()
    assert (leistung.name, leistung.depriorisierung_entscheidung) == ("Neu", "")


def test_schluessel_eines_upserts_ist_unveraenderlich(pm):
    ergebnis = f.ErgebnisFactory(ergebnistyp=Ergebnistyp.FIM_STAMMINFORMATIONEN)
    url = detail_url("ergebnis", ergebnis.pk)
    anders = api(pm).patch(url, {"ergebnistyp": Ergebnistyp.KLICK_PROTOTYP}, format="json")
    assert anders.status_code == 400
    assert anders.json() == {
        "ergebnistyp": ["Dieses Feld kann nach dem Anlegen nicht mehr geändert werden."]
    }
    gleich = api(pm).patch(
        url,
        {
            "ergebnistyp": Ergebnistyp.FIM_STAMMINFORMATIONEN,
            "leistung": ergebnis.leistung_id,
            "status": "in_arbeit",
        },
        format="json",
    )
    assert gleich.status_code == 200, gleich.content
    ergebnis.refresh_from_db()
    assert (ergebnis.ergebnistyp, ergebnis.status) == ("fim_stamminformationen", "in_arbeit")


def test_unsichtbare_referenz_wie_nicht_vorhanden():
    """An unpublished offer does not exist for the public, also as a reference."""
    person = f.UserFactory()
    verborgen = f.NachnutzungsangebotFactory(veroeffentlicht=False)
    land = f.LandFactory()
    client = api(person)
    antwort = client.post(
        liste_url("nachnutzung"), {"angebot": verborgen.pk, "land": land.pk}, format="json"
    )
    fehlt = client.post(
        liste_url("nachnutzung"), {"angebot": 999999, "land": land.pk}, format="json"
    )
    assert antwort.status_code == fehlt.status_code == 400
    assert antwort.json()["angebot"][0].replace(str(verborgen.pk), "X") == fehlt.json()["angebot"][
        0
    ].replace("999999", "X")


# --------------------------------------------------------------------------------------
# 403 / 404 / 401
# --------------------------------------------------------------------------------------


def test_feldrechte_der_rolle_als_403_mit_feldnamen():
    leistung = f.LeistungFactory(ozg_id=20500, name="Alt")
    ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=leistung.themenfeld)
    antwort = api(ff).patch(
        detail_url("leistung", leistung.pk), {"ozg_id": 20501, "name": "Neu"}, format="json"
    )
    assert antwort.status_code == 403
    assert antwort.json() == {"detail": "Diese Felder darf Ihre Rolle nicht ändern: OZG-ID."}
    leistung.refresh_from_db()
    assert (leistung.ozg_id, leistung.name) == (20500, "Alt")


def test_sichtbar_aber_nicht_erlaubt_ist_403_vor_der_eingabepruefung():
    """The permission is checked before the input: no validation hints without right."""
    leistung = f.LeistungFactory()
    antwort = api(f.UserFactory()).patch(
        detail_url("leistung", leistung.pk), {"ozg_id": "kaputt"}, format="json"
    )
    assert antwort.status_code == 403
    assert antwort.json()["detail"].startswith("Keine Berechtigung: Leistungen bearbeiten")


def test_unsichtbar_ist_404():
    anforderung = f.AnforderungFactory()
    client = api(f.UserFactory())
    assert client.get(detail_url("anforderung", anforderung.pk), format="json").status_code == 404
    antwort = client.post(
        reverse("api:anforderung-entscheiden", args=[anforderung.pk]),
        {"status": "abgelehnt", "begruendung": "x"},
        format="json",
    )
    assert antwort.status_code == 404
    assert antwort.json() == {"detail": "Nicht gefunden."}


def test_lesendes_token_darf_nicht_schreiben(pm):
    """The token engineer's TokenScopePermission stays in every viewset's permissions."""
    leistung = f.LeistungFactory(name="Alt")
    token = ApiToken(user=pm, name="Export", schreibrecht=False)
    client = api(pm, token=token)
    assert client.get(detail_url("leistung", leistung.pk), format="json").status_code == 200
    antwort = client.patch(detail_url("leistung", leistung.pk), {"name": "Neu"}, format="json")
    assert antwort.status_code == 403
    assert antwort.json() == {"detail": "Dieses Token erlaubt nur lesenden Zugriff."}
    leistung.refresh_from_db()
    assert leistung.name == "Alt"


# --------------------------------------------------------------------------------------
# 409 instead of 500
# --------------------------------------------------------------------------------------


def test_integritaetsfehler_ist_409(pm, monkeypatch):
    """What slips past the service's validation (a concurrent insert) is a 409."""

    def gleichzeitig(**kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "x"')

    monkeypatch.setattr(LeistungViewSet, "service_aendern", staticmethod(gleichzeitig))
    leistung = f.LeistungFactory()
    antwort = api(pm).patch(detail_url("leistung", leistung.pk), {"name": "Neu"}, format="json")
    assert antwort.status_code == 409
    assert antwort.json()["detail"].startswith("Die Änderung widerspricht dem aktuellen")
    assert "duplicate key" not in antwort.json()["detail"]


def test_echter_doppelter_upsert_ergibt_kein_duplikat(pm):
    """Two POSTs of the same Ergebnis: the second updates (200), no IntegrityError."""
    leistung = f.LeistungFactory()
    daten = {"leistung": leistung.pk, "ergebnistyp": "klick_prototyp", "status": "in_arbeit"}
    erste = api(pm).post(liste_url("ergebnis"), daten, format="json")
    zweite = api(pm).post(liste_url("ergebnis"), {**daten, "status": "offen"}, format="json")
    assert (erste.status_code, zweite.status_code) == (201, 200)
    assert erste.json()["id"] == zweite.json()["id"]
    assert Ergebnis.objects.get().status == "offen"


# --------------------------------------------------------------------------------------
# Filters, ordering, pagination
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basename", "query", "feld"),
    [
        ("leistung", "prioritaet=prio9", "prioritaet"),
        ("leistung", "welle=abc", "welle"),
        ("leistung", "welle=99999999999999999999", "welle"),
        ("leistung", "im_katalog=vielleicht", "im_katalog"),
        ("leistung", "themenfeld=abc", "themenfeld"),
        ("leistung", "themenfeld=999999", "themenfeld"),
        ("leistung", "land=ABC", "land"),
        ("leistung", "land=012", "land"),
        ("leistung", "reifegrad_min=7", "reifegrad_min"),
        ("organisation", "ars__startswith=x1", "ars__startswith"),
        ("organisation", "art=planet", "art"),
        ("rollenzuweisung", "user=abc", "user"),
        ("rollenzuweisung", "gueltig=jein", "gueltig"),
        ("umsetzungsstand", "stichtag_ab=gestern", "stichtag_ab"),
        ("meilenstein", "verzoegert=2x", "verzoegert"),
        ("ergebnis", "status=fertig", "status"),
        ("nachnutzungsangebot", "veroeffentlicht=maybe", "veroeffentlicht"),
        ("lebenslage", "zielgruppe=tiere", "zielgruppe"),
        ("leikaleistung", "leistung=x", "leistung"),
    ],
)
def test_ungueltiger_filterwert_ist_400(basename, query, feld):
    antwort = api().get(f"{liste_url(basename)}?{query}", format="json")
    assert antwort.status_code == 400, antwort.content
    assert list(antwort.json()) == [feld]


def test_ungueltiger_filterwert_auch_fuer_angemeldete(pm):
    antwort = api(pm).get(f"{liste_url('anforderung')}?status=offen", format="json")
    assert antwort.status_code == 400
    assert list(antwort.json()) == ["status"]


def test_sortierung_nur_aus_der_whitelist():
    """``?ordering=`` outside the whitelist is a 400 naming the allowed fields, never a
    500 and never a side channel (ordering by a password hash would leak it)."""
    a = f.RollenzuweisungFactory(kontakt_veroeffentlichen=True, user__last_name="Zander")
    b = f.RollenzuweisungFactory(kontakt_veroeffentlichen=True, user__last_name="Albers")
    url = liste_url("rollenzuweisung")

    def ids(query):
        antwort = api().get(f"{url}?{query}", format="json")
        assert antwort.status_code == 200
        return [z["id"] for z in antwort.json()["results"]]

    assert ids("ordering=user__last_name") == [b.pk, a.pk]
    assert ids("ordering=-user__last_name") == [a.pk, b.pk]
    assert ids("ordering=") == ids("")
    for query in ("ordering=user__password", "ordering=-user__password,gibtsnicht",
                  "ordering=;DROP TABLE", "ordering=user__last_name,"):  # fmt: skip
        antwort = api().get(f"{url}?{query}", format="json")
        assert antwort.status_code == 400, query
        meldung = antwort.json()["ordering"][0]
        assert meldung.startswith("Unbekanntes Sortierfeld") and "user__last_name" in meldung


def test_seitenweise_mit_page_size():
    for _ in range(3):
        f.LeistungFactory()
    url = liste_url("leistung")
    antwort = api().get(f"{url}?page_size=2", format="json").json()
    assert (antwort["count"], len(antwort["results"])) == (3, 2)
    assert "page=2" in antwort["next"]
    zweite = api().get(antwort["next"], format="json").json()
    assert len(zweite["results"]) == 1
    leer = api().get(f"{url}?page=9", format="json")
    assert leer.status_code == 404
    assert leer.json() == {"detail": "Ungültige Seite."}


def test_seitengroesse_hoechstens_500():
    from ozgplattform.api.pagination import Seitenweise

    assert Seitenweise.max_page_size == 500
    # Larger requests are capped, not refused (one row is enough to see the page size
    # the view's paginator used, without creating 501 rows).
    f.LeistungFactory()
    antwort = api().get(f"{liste_url('leistung')}?page_size=100000", format="json")
    assert antwort.status_code == 200
    assert antwort.renderer_context["view"].paginator.page.paginator.per_page == 500


def test_browsbare_api_rendert(pm):
    """The HTML view of DRF (forms for writing, filter form) works next to JSON."""
    leistung = f.LeistungFactory()
    f.ErgebnisFactory(leistung=leistung)
    client = api(pm)
    for url in (
        reverse("api:api-root"),
        liste_url("leistung"),
        detail_url("leistung", leistung.pk),
        liste_url("ergebnis"),
    ):
        antwort = client.get(url, HTTP_ACCEPT="text/html")
        assert antwort.status_code == 200, url
        assert antwort["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("wert", ["99999999999999999999", "-9223372036854775809"])
def test_referenz_ausserhalb_des_schluesselbereichs(wert, django_assert_num_queries):
    """An id beyond bigint is refused before any query: SQLite (the embedded default)
    would raise OverflowError on it, a 500 instead of a 400."""
    from ozgplattform.filtersets import ReferenzFeld
    from themenfelder.models import Themenfeld

    feld = ReferenzFeld(queryset=Themenfeld.objects.all())
    with django_assert_num_queries(0), pytest.raises(forms.ValidationError) as fehler:
        feld.clean([wert])
    assert fehler.value.code == "invalid_pk_value"
    antwort = api(None).get(f"/api/v1/leistungen/?themenfeld={wert}")
    assert antwort.status_code == 400
    assert wert in antwort.json()["themenfeld"][0]
