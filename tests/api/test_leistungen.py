"""Leistungen in the API: nested detail, derived values, filters, Depriorisierung."""

from __future__ import annotations

import pytest
from django.urls import reverse

from leistungen.choices import (
    Depriorisierungsentscheidung,
    Depriorisierungsgrund,
    Ergebnisstatus,
    Ergebnistyp,
    Prioritaet,
    Reifegrad,
    Vorgehensmodell,
)
from leistungen.models import Leistung
from ozgplattform.choices import Rolle
from ozgplattform.testing import factories as f
from ozgplattform.testing.api import api, detail_url, letzter_verlauf, liste_url, mit_rolle

pytestmark = pytest.mark.django_db


def ids(antwort) -> list[int]:
    assert antwort.status_code == 200, antwort.content
    return [zeile["id"] for zeile in antwort.json()["results"]]


def test_detail_mit_typ_vollstaendigkeit_und_verschachtelten_daten():
    leistung = f.LeistungFactory(labor=True)
    f.LeikaLeistungFactory(leistung=leistung, typ="1")
    f.LeikaLeistungFactory(leistung=leistung, typ="2/3")
    f.ErgebnisFactory(
        leistung=leistung, ergebnistyp=Ergebnistyp.FIM_STAMMINFORMATIONEN, geliefert=True
    )
    land = f.LandFactory()
    f.UmsetzungsstandFactory(leistung=leistung, gebiet=land, reifegrad=Reifegrad.INFORMATIONEN)

    daten = api().get(detail_url("leistung", leistung.pk), format="json").json()

    assert daten["typ"] == {
        "label": "Typ 1, 2/3 – Mischleistung (Typ 1 und 2–5)",
        "typen": ["1", "2/3"],
        "kategorie": "misch",
    }
    # Labor: five Ergebnistypen required (Antragsprozess is the FF's decision); one done.
    assert daten["vollstaendigkeit"]["erforderlich"] == 5
    assert daten["vollstaendigkeit"]["erfuellt"] == 1
    assert "fim_stamminformationen" not in daten["vollstaendigkeit"]["offen"]
    assert [e["ergebnistyp"] for e in daten["ergebnisse"]] == ["fim_stamminformationen"]
    assert daten["ergebnisse"][0]["status"] == "geliefert"
    [stand] = daten["umsetzungsstaende"]
    assert (stand["gebiet"], stand["gebiet_ars"], stand["reifegrad"]) == (land.pk, land.ars, 1)
    # Stufe 1: the online service is not shown publicly (§5.6).
    assert stand["online_url"] == ""


def test_liste_verschachtelt_nur_auf_wunsch():
    leistung = f.LeistungFactory()
    f.ErgebnisFactory(leistung=leistung)
    url = liste_url("leistung")
    ohne = api().get(url, format="json").json()["results"][0]
    assert "ergebnisse" not in ohne and "umsetzungsstaende" not in ohne
    assert "typ" in ohne and "vollstaendigkeit" in ohne
    mit = api().get(f"{url}?expand=ergebnisse", format="json").json()["results"][0]
    assert len(mit["ergebnisse"]) == 1 and "umsetzungsstaende" not in mit
    beide = api().get(f"{url}?expand=ergebnisse,umsetzungsstaende", format="json")
    assert {"ergebnisse", "umsetzungsstaende"} <= set(beide.json()["results"][0])
    falsch = api().get(f"{url}?expand=meilensteine", format="json")
    assert falsch.status_code == 400
    assert falsch.json() == {
        "expand": ["Unbekannt: meilensteine. Erlaubt: ergebnisse, umsetzungsstaende."]
    }


# --------------------------------------------------------------------------------------
# Filters (the one LeistungFilterSet)
# --------------------------------------------------------------------------------------


def test_volltextsuche_name_ozg_id_leika_schluessel():
    elterngeld = f.LeistungFactory(name="Elterngeld", ozg_id=12345)
    wohngeld = f.LeistungFactory(name="Wohngeld")
    f.LeikaLeistungFactory(leistung=wohngeld, schluessel="99123456789012")
    f.LeistungFactory(name="Kindergeld")
    url = liste_url("leistung")
    assert ids(api().get(f"{url}?q=eltern", format="json")) == [elterngeld.pk]
    assert ids(api().get(f"{url}?q=12345", format="json")) == [elterngeld.pk]
    assert ids(api().get(f"{url}?q=991234", format="json")) == [wohngeld.pk]
    # A digit string too long for an OZG-ID is no error (no integer overflow).
    assert ids(api().get(f"{url}?q=99999999999999999999", format="json")) == []


def test_filter_nach_land_und_reifegrad():
    land = f.LandFactory()
    kreis = f.KreisFactory(parent=land)
    im_land_online = f.LeistungFactory()
    f.UmsetzungsstandFactory(leistung=im_land_online, gebiet=kreis, reifegrad=4)
    im_land_offline = f.LeistungFactory()
    f.UmsetzungsstandFactory(leistung=im_land_offline, gebiet=land, reifegrad=1)
    anderswo_online = f.LeistungFactory()
    f.UmsetzungsstandFactory(leistung=anderswo_online, reifegrad=4)
    f.LeistungFactory()  # no Umsetzungsstand
    url = liste_url("leistung")

    def treffer(query):
        return set(ids(api().get(f"{url}?{query}", format="json")))

    assert treffer(f"land={land.ars}&reifegrad_min=3") == {im_land_online.pk}
    assert treffer(f"land={land.ars}") == {im_land_online.pk, im_land_offline.pk}
    assert treffer("reifegrad_min=3") == {im_land_online.pk, anderswo_online.pk}


def test_filter_mehrfachauswahl_und_themenfeld():
    tf = f.ThemenfeldFactory()
    prio1 = f.LeistungFactory(themenfeld=tf, labor=True)
    prio3 = f.LeistungFactory(themenfeld=tf, werkbank=True)
    f.LeistungFactory(themenfeld=tf, depriorisiert=True)
    anderes = f.LeistungFactory(labor=True)
    url = liste_url("leistung")
    assert set(ids(api().get(f"{url}?prioritaet=prio1&prioritaet=prio3", format="json"))) == {
        prio1.pk,
        prio3.pk,
        anderes.pk,
    }
    assert set(ids(api().get(f"{url}?themenfeld={tf.pk}&prioritaet=prio1", format="json"))) == {
        prio1.pk
    }
    nicht_im_katalog = f.LeistungFactory(im_katalog=False)
    assert ids(api().get(f"{url}?im_katalog=false", format="json")) == [nicht_im_katalog.pk]


def test_sortierung():
    a = f.LeistungFactory(ozg_id=30001, welle=2)
    b = f.LeistungFactory(ozg_id=30002, welle=1)
    url = liste_url("leistung")
    assert ids(api().get(f"{url}?ordering=-ozg_id", format="json")) == [b.pk, a.pk]
    assert ids(api().get(f"{url}?ordering=welle", format="json")) == [b.pk, a.pk]
    # Not in the whitelist: a 400, not silently the default order.
    antwort = api().get(f"{url}?ordering=depriorisierung_begruendung", format="json")
    assert antwort.status_code == 400
    assert "ozg_id" in antwort.json()["ordering"][0]


# --------------------------------------------------------------------------------------
# Anlegen / Ändern
# --------------------------------------------------------------------------------------


def test_umsetzungskoordinator_nur_umsetzungsfelder():
    leistung = f.LeistungFactory()
    projekt = f.UmsetzungsprojektFactory(themenfeld=leistung.themenfeld, leistungen=[leistung])
    koordinator = mit_rolle(Rolle.UMSETZUNGSKOORDINATOR, umsetzungsprojekt=projekt)
    url = detail_url("leistung", leistung.pk)
    erlaubt = api(koordinator).patch(url, {"phase": "konzeption"}, format="json")
    assert erlaubt.status_code == 200, erlaubt.content
    assert erlaubt.json()["phase"] == "konzeption"
    verboten = api(koordinator).patch(url, {"prioritaet": "prio3"}, format="json")
    assert verboten.status_code == 403
    assert verboten.json() == {"detail": "Diese Felder darf Ihre Rolle nicht ändern: Priorität."}


# --------------------------------------------------------------------------------------
# Depriorisierung: Federführer propose, the Programmmanagement decides
# --------------------------------------------------------------------------------------


def vorschlagen_url(leistung):
    return reverse("api:leistung-depriorisierung-vorschlagen", args=[leistung.pk])


def entscheiden_url(leistung):
    return reverse("api:leistung-depriorisierung-entscheiden", args=[leistung.pk])


def test_depriorisierung_vorschlagen():
    leistung = f.LeistungFactory(werkbank=True)
    ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=leistung.themenfeld)
    antwort = api(ff).post(
        vorschlagen_url(leistung),
        {"depriorisierungsgrund": "rechtlich", "begruendung": "Schriftform vorgeschrieben."},
        format="json",
    )
    assert antwort.status_code == 200, antwort.content
    assert antwort.json()["prioritaet"] == "depriorisiert"
    leistung.refresh_from_db()
    assert leistung.prioritaet == Prioritaet.DEPRIORISIERT
    assert leistung.vorgehensmodell == Vorgehensmodell.KEINE_UMSETZUNG
    assert leistung.depriorisierungsgrund == Depriorisierungsgrund.RECHTLICH
    assert leistung.depriorisierung_entscheidung == Depriorisierungsentscheidung.VORGESCHLAGEN
    verlauf = letzter_verlauf(leistung)
    assert (verlauf.history_user_id, verlauf.history_change_reason) == (
        ff.pk,
        "Depriorisierung vorgeschlagen",
    )


def test_depriorisierung_vorschlagen_rechte_und_eingabe():
    leistung = f.LeistungFactory(werkbank=True)
    fremder_ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=f.ThemenfeldFactory())
    daten = {"depriorisierungsgrund": "rechtlich", "begruendung": "x"}
    assert api().post(vorschlagen_url(leistung), daten, format="json").status_code == 401
    fremd = api(fremder_ff).post(vorschlagen_url(leistung), daten, format="json")
    assert fremd.status_code == 403
    assert fremd.json()["detail"].startswith("Keine Berechtigung: Depriorisierung vorschlagen")
    ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=leistung.themenfeld)
    falsch = api(ff).post(
        vorschlagen_url(leistung), {"depriorisierungsgrund": "keine_lust"}, format="json"
    )
    assert falsch.status_code == 400
    assert set(falsch.json()) == {"depriorisierungsgrund", "begruendung"}
    leistung.refresh_from_db()
    assert leistung.prioritaet == Prioritaet.PRIO_3


def test_depriorisierung_entscheiden():
    leistung = f.LeistungFactory(depriorisiert=True)
    Leistung.objects.filter(pk=leistung.pk).update(
        depriorisierung_entscheidung=Depriorisierungsentscheidung.VORGESCHLAGEN
    )
    ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=leistung.themenfeld)
    ff_antwort = api(ff).post(entscheiden_url(leistung), {"bestaetigt": True}, format="json")
    assert ff_antwort.status_code == 403

    pm = f.ProgrammmanagementFactory()
    ohne_prio = api(pm).post(entscheiden_url(leistung), {"bestaetigt": False}, format="json")
    assert ohne_prio.status_code == 400
    assert ohne_prio.json() == {
        "prioritaet": ["Bei einer Ablehnung bitte die künftige Priorität (Prio 1–3) angeben."]
    }
    antwort = api(pm).post(
        entscheiden_url(leistung),
        {"bestaetigt": False, "prioritaet": "prio3", "vorgehensmodell": "direkt_digitalisierung"},
        format="json",
    )
    assert antwort.status_code == 200, antwort.content
    leistung.refresh_from_db()
    assert (leistung.prioritaet, leistung.depriorisierung_entscheidung) == (
        Prioritaet.PRIO_3,
        Depriorisierungsentscheidung.ABGELEHNT,
    )
    assert letzter_verlauf(leistung).history_user_id == pm.pk


def test_ergebnis_verzicht_regel_als_400():
    """Domain rule of Abbildung 2 through the API: no waiver of a required Ergebnis."""
    leistung = f.LeistungFactory(labor=True)
    pm = f.ProgrammmanagementFactory()
    antwort = api(pm).post(
        liste_url("ergebnis"),
        {
            "leistung": leistung.pk,
            "ergebnistyp": Ergebnistyp.REFERENZIMPLEMENTIERUNG,
            "status": Ergebnisstatus.VERZICHTET,
            "verzicht_begruendung": "zu teuer",
        },
        format="json",
    )
    assert antwort.status_code == 400
    assert antwort.json() == {
        "status": ["Auf diesen Ergebnistyp kann bei dieser Priorität nicht verzichtet werden."]
    }
    assert not leistung.ergebnisse.exists()


def test_umsetzungsprojekt_nur_mit_eigenen_leistungen():
    """Adding a Leistung extends the project coordinators' rights: only Leistungen the
    Federführer may edit themselves (service ``_leistungen_pruefen``) — 403, not 500."""
    projekt = f.UmsetzungsprojektFactory()
    ff = mit_rolle(Rolle.FEDERFUEHRER, themenfeld=projekt.themenfeld)
    fremde = f.LeistungFactory()
    antwort = api(ff).patch(
        detail_url("umsetzungsprojekt", projekt.pk), {"leistungen": [fremde.pk]}, format="json"
    )
    assert antwort.status_code == 403, antwort.content
    assert not projekt.leistungen.exists()
