"""Pages of the leistungen app: Leistungskatalog, Umsetzungsstand-Matrix, Steckbrief."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leistungen import services
from leistungen.choices import Ergebnisstatus, Ergebnistyp, Reifegrad
from ozgplattform.testing import factories as f

pytestmark = pytest.mark.django_db

LISTE = reverse("leistungen:liste")
MATRIX = reverse("leistungen:matrix")


def detail_url(leistung) -> str:
    return reverse("leistungen:detail", args=[leistung.ozg_id])


def zeilen(response) -> list[str]:
    """Names of the Leistungen in the result table (row headers link to the detail)."""
    html = response.content.decode()
    return re.findall(
        r'<th scope="row"[^>]*><a class="kern-link" href="/leistungen/\d+/">'
        r"(?:\d+ )?([^<]+)</a>",
        html,
    )


@pytest.fixture
def katalog():
    tf_a = f.ThemenfeldFactory(name="Familie")
    tf_b = f.ThemenfeldFactory(name="Mobilität")
    ll = f.LebenslageFactory(themenfeld=tf_a, name="Geburt")
    land = f.LandFactory(name="Musterland")
    elterngeld = f.LeistungFactory(
        name="Elterngeld", themenfeld=tf_a, lebenslage=ll, labor=True, welle=1
    )
    f.LeikaLeistungFactory(leistung=elterngeld, schluessel="99123450000001", typ="2/3")
    kfz = f.LeistungFactory(name="Kfz-Zulassung", themenfeld=tf_b, werkbank=True, welle=2)
    f.LeikaLeistungFactory(leistung=kfz, typ="1")
    pass_ = f.LeistungFactory(name="Reisepass", themenfeld=tf_b, depriorisiert=True)
    f.LeikaLeistungFactory(leistung=pass_, typ="1, 2/3")
    ohne = f.LeistungFactory(name="Ohne LeiKa", themenfeld=tf_b, ausserhalb_ozg="elster")
    f.UmsetzungsstandFactory(leistung=elterngeld, gebiet=land, reifegrad=Reifegrad.ONLINE_LEISTUNG)
    f.UmsetzungsstandFactory(
        leistung=kfz, gebiet=f.LandFactory(), reifegrad=Reifegrad.INFORMATIONEN, online_url=""
    )
    f.MeilensteinFactory(leistung=kfz, geplant=dt.date(2020, 1, 1), erreicht=None)
    f.ErgebnisFactory(leistung=kfz, ergebnistyp=Ergebnistyp.FIM_STAMMINFORMATIONEN, geliefert=True)
    return {
        "tf_a": tf_a,
        "tf_b": tf_b,
        "lebenslage": ll,
        "land": land,
        "elterngeld": elterngeld,
        "kfz": kfz,
        "pass": pass_,
        "ohne": ohne,
    }


ALLE = {"Elterngeld", "Kfz-Zulassung", "Reisepass", "Ohne LeiKa"}


@pytest.mark.parametrize(
    ("abfrage", "erwartet"),
    [
        ("", ALLE),
        ("themenfeld={tf_b}", {"Kfz-Zulassung", "Reisepass", "Ohne LeiKa"}),
        ("lebenslage={lebenslage}", {"Elterngeld"}),
        ("typ=bund", {"Kfz-Zulassung"}),
        ("typ=foederal", {"Elterngeld"}),
        ("typ=misch", {"Reisepass"}),
        ("typ=unbekannt", {"Ohne LeiKa"}),
        ("typ=bund&typ=misch", {"Kfz-Zulassung", "Reisepass"}),
        ("prioritaet=prio1", {"Elterngeld"}),
        ("prioritaet=depriorisiert", {"Reisepass"}),
        ("vorgehensmodell=digitalisierungswerkbank", {"Kfz-Zulassung"}),
        ("welle=2", {"Kfz-Zulassung"}),
        ("reifegrad_min=3", {"Elterngeld"}),
        ("land={land}&reifegrad_min=1", {"Elterngeld"}),
        ("verzoegert=true", {"Kfz-Zulassung"}),
        ("ausserhalb_ozg=elster", {"Ohne LeiKa"}),
        # FIM delivered for the Kfz-Zulassung; the depriorisierte and the unprioritised
        # Leistung need nothing.
        ("ergebnistyp_fehlt=fim_stamminformationen", {"Elterngeld"}),
        ("ergebnistyp_fehlt=klick_prototyp", {"Elterngeld", "Kfz-Zulassung"}),
        ("q=Eltern", {"Elterngeld"}),
        ("q=991234500", {"Elterngeld"}),  # LeiKa key prefix
        ("q={ozg_id_kfz}", {"Kfz-Zulassung"}),
    ],
)
def test_katalog_zeigt_genau_die_gefilterten(client, katalog, abfrage, erwartet):
    abfrage = abfrage.format(
        tf_b=katalog["tf_b"].pk,
        lebenslage=katalog["lebenslage"].pk,
        land=katalog["land"].ars,
        ozg_id_kfz=katalog["kfz"].ozg_id,
    )
    response = client.get(f"{LISTE}?{abfrage}")
    assert response.status_code == 200
    assert set(zeilen(response)) == erwartet
    for name in ALLE - erwartet:
        assert f">{name}</a>" not in response.content.decode()


def test_sortierung(client, katalog):
    namen = zeilen(client.get(f"{LISTE}?sortierung=name"))
    assert namen == sorted(ALLE)
    assert zeilen(client.get(f"{LISTE}?sortierung=-name")) == sorted(ALLE, reverse=True)
    assert zeilen(client.get(f"{LISTE}?sortierung=-reifegrad"))[0] == "Elterngeld"


def test_sortierung_nur_aus_der_whitelist(client, katalog):
    response = client.get(f"{LISTE}?sortierung=geheim__passwort")
    assert response.status_code == 200
    assert "Bitte prüfen Sie die Filter." in response.content.decode()
    assert zeilen(response) == []


def test_seiten(client):
    tf = f.ThemenfeldFactory()
    for i in range(53):
        f.LeistungFactory(themenfeld=tf, name=f"Leistung {i:02d}", ozg_id=30000 + i)
    erste = client.get(LISTE)
    assert len(zeilen(erste)) == 50
    html = erste.content.decode()
    assert "53 Leistungen gefunden" in html
    assert 'href="/leistungen/?seite=2"' in html
    zweite = client.get(f"{LISTE}?seite=2")
    assert zeilen(zweite) == ["Leistung 50", "Leistung 51", "Leistung 52"]


def test_chips_mit_entfernen_links(client, katalog):
    tf_b = katalog["tf_b"]
    response = client.get(f"{LISTE}?themenfeld={tf_b.pk}&prioritaet=prio3&prioritaet=prio1")
    html = response.content.decode()
    assert "Themenfeld: <strong>Mobilität</strong>" in html
    assert "Priorität: <strong>Prio 3 (mittlere Priorität)</strong>" in html
    # Removing the Themenfeld keeps both Prioritäten; removing one Priorität keeps the other.
    assert 'href="/leistungen/?prioritaet=prio3&amp;prioritaet=prio1"' in html
    assert f'href="/leistungen/?themenfeld={tf_b.pk}&amp;prioritaet=prio1"' in html
    assert zeilen(response) == ["Kfz-Zulassung"]


def test_ungueltiger_filter_zeigt_fehler_statt_500(client, katalog):
    response = client.get(f"{LISTE}?welle=viele&land=XY&typ=quatsch")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte prüfen Sie die Filter." in html
    assert 'href="#id_welle"' in html
    assert 'href="#id_land"' in html
    assert 'href="#id_typ"' in html
    assert zeilen(response) == []


def test_htmx_liefert_nur_den_ergebnisbereich(client, katalog):
    response = client.get(f"{LISTE}?typ=bund", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert zeilen(response) == ["Kfz-Zulassung"]
    assert 'id="trefferzahl" hx-swap-oob="innerHTML"' in html
    assert "1 Leistung gefunden" in html
    assert "HX-Request" in response["Vary"]
    voll = client.get(f"{LISTE}?typ=bund").content.decode()
    assert 'hx-get="/leistungen/"' in voll and 'hx-target="#ergebnisse"' in voll
    assert 'hx-push-url="true"' in voll and 'aria-live="polite"' in voll


def test_htmx_history_restore_liefert_die_ganze_seite(client, katalog):
    response = client.get(
        LISTE, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_nicht_sichtbare_themenfelder_sind_kein_filter(client, katalog):
    """A reference filter accepts only visible objects (here: an unknown id)."""
    response = client.get(f"{LISTE}?themenfeld=999999")
    assert "Bitte prüfen Sie die Filter." in response.content.decode()


def _leistungen_mit_allem(anzahl: int, land_ars=None):
    tf = f.ThemenfeldFactory()
    laender = [f.LandFactory() for _ in range(2)]
    for _ in range(anzahl):
        leistung = f.LeistungFactory(themenfeld=tf, labor=True)
        f.LeikaLeistungFactory(leistung=leistung)
        for land in laender:
            f.UmsetzungsstandFactory(leistung=leistung, gebiet=land)
        f.ErgebnisFactory(leistung=leistung)


def _abfragen(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [LISTE, MATRIX, f"{LISTE}?typ=foederal&sortierung=-reifegrad"])
def test_abfragen_konstant_in_der_zeilenzahl(client, url):
    _leistungen_mit_allem(5)
    wenige = _abfragen(client, url)
    _leistungen_mit_allem(20)
    viele = _abfragen(client, url)
    print(f"Abfragen {url}: {viele}")
    assert wenige == viele, (wenige, viele)
    assert viele <= 12


def test_matrix_zeigt_zellen_je_land(client, katalog):
    response = client.get(f"{MATRIX}?themenfeld={katalog['tf_a'].pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "Musterland" in html
    assert zeilen(response) == ["Elterngeld"]
    assert "Stufe 4 – Online-Transaktion" in html  # legend
    assert re.search(
        r'<td class="kern-table__cell ozg-stufe" style="background-color: #[0-9a-f]{6}">3</td>',
        html,
    )


# --------------------------------------------------------------------------------------
# Steckbrief
# --------------------------------------------------------------------------------------


def test_steckbrief_404_fuer_unbekannte_ozg_id(client):
    assert client.get(reverse("leistungen:detail", args=[987654])).status_code == 404


def test_steckbrief_zeigt_matrix_laender_und_verzug(client, katalog):
    kfz = katalog["kfz"]
    land = katalog["land"]
    f.UmsetzungsstandFactory(
        leistung=kfz,
        gebiet=land,
        reifegrad=Reifegrad.FORMULAR_ASSISTENT,
        online_url="https://kfz.example.org/",
    )
    kreis = f.KreisFactory(parent=land)
    f.UmsetzungsstandFactory(leistung=kfz, gebiet=kreis, reifegrad=Reifegrad.ONLINE_LEISTUNG)
    f.ErgebnisFactory(
        leistung=kfz,
        ergebnistyp=Ergebnistyp.KLICK_PROTOTYP,
        status=Ergebnisstatus.VERZICHTET,
        verzicht_begruendung="Fachlich fundierte Einschätzung",
    )
    html = client.get(detail_url(kfz)).content.decode()
    assert "Kfz-Zulassung" in html
    # Ergebnistypen: Prio 3 column of Abbildung 2
    assert "Verzicht mit Begründung möglich" in html
    assert "Entscheidung durch FF" in html
    assert "Fachlich fundierte Einschätzung" in html
    assert "2 von 5 erforderlichen Ergebnistypen erfüllt." in html
    # Länder table: Reifegrad label, URL from Stufe 2, Kreise counted
    assert "Musterland" in html
    assert "Stufe 2 – Formular-Assistent" in html
    assert 'href="https://kfz.example.org/"' in html
    assert "1 von 1" in html
    assert "kreisweit flächendeckend" in html
    # Milestone planned 2020-01-01, not reached
    assert "verzögert um" in html and "Tage" in html
    assert "01.01.2020" in html


def test_steckbrief_url_erst_ab_stufe_2(client, katalog):
    kfz = katalog["kfz"]
    f.UmsetzungsstandFactory(
        leistung=kfz,
        gebiet=katalog["land"],
        reifegrad=Reifegrad.INFORMATIONEN,
        online_url="https://geheim.example.org/",
    )
    assert "geheim.example.org" not in client.get(detail_url(kfz)).content.decode()


def test_verlauf_mit_vorher_nachher_und_namen_nur_intern(client, katalog):
    pm = f.ProgrammmanagementFactory(first_name="Paula", last_name="Planer")
    kfz = katalog["kfz"]
    from ozgplattform.history import als_benutzer

    with als_benutzer(pm):
        services.leistung_aendern(leistung=kfz, user=pm, name="Kfz-Zulassung online", welle=3)

    oeffentlich = client.get(detail_url(kfz)).content.decode()
    assert "Kfz-Zulassung online" in oeffentlich
    verlauf = oeffentlich.split('id="verlauf"')[1]
    assert "Kfz-Zulassung" in verlauf and "Kfz-Zulassung online" in verlauf
    assert (
        '>Welle</th><td class="kern-table__cell">2</td><td class="kern-table__cell">3<' in verlauf
    )
    assert "Redaktion" in verlauf
    assert "Paula" not in verlauf and "Planer" not in verlauf

    client.force_login(pm)
    intern = client.get(detail_url(kfz)).content.decode().split('id="verlauf"')[1]
    assert "Paula Planer" in intern


def test_steckbrief_abfragen_konstant(client):
    def anlegen(n: int):
        leistung = f.LeistungFactory(labor=True)
        typen = list(Ergebnistyp)
        for i in range(n):
            f.LeikaLeistungFactory(leistung=leistung)
            if i < len(typen):
                f.ErgebnisFactory(leistung=leistung, ergebnistyp=typen[i])
            f.UmsetzungsstandFactory(leistung=leistung, gebiet=f.LandFactory())
            f.MeilensteinFactory(leistung=leistung)
            leistung.welle = i
            leistung.save()
        f.ReferenzimplementierungFactory(leistung=leistung, land=f.LandFactory())
        return leistung

    wenige = _abfragen(client, detail_url(anlegen(2)))
    viele = _abfragen(client, detail_url(anlegen(10)))
    print(f"Abfragen Steckbrief: {viele}")
    assert wenige == viele, (wenige, viele)


def test_leere_felder_werden_aus_der_url_entfernt(client, katalog):
    """A submitted form carries every field; the shared URL should not."""
    response = client.get(f"{LISTE}?q=&typ=bund&welle=&verzoegert=unknown")
    assert response.status_code == 302
    assert response["Location"] == f"{LISTE}?typ=bund"
    htmx = client.get(f"{LISTE}?q=&typ=bund", headers={"HX-Request": "true"})
    assert htmx.status_code == 200
    assert htmx["HX-Push-Url"] == f"{LISTE}?typ=bund"
    teil = htmx.content.decode()
    assert 'href="/leistungen/export/?typ=bund&amp;format=csv"' in teil
    assert 'href="/leistungen/"' in teil  # the chip's remove link: no filter left
    assert client.get(f"{MATRIX}?q=")["Location"] == MATRIX


def test_bearbeiten_link_nur_mit_recht(client, katalog):
    from leistungen.views import _bearbeiten_url

    kfz = katalog["kfz"]
    url = _bearbeiten_url(kfz)
    assert "Leistung bearbeiten" not in client.get(detail_url(kfz)).content.decode()
    client.force_login(f.UserFactory())  # registered, no role
    assert "Leistung bearbeiten" not in client.get(detail_url(kfz)).content.decode()
    client.force_login(f.ProgrammmanagementFactory())
    html = client.get(detail_url(kfz)).content.decode()
    if url is None:  # no edit page routed yet: no link at all
        assert "Leistung bearbeiten" not in html
    else:
        assert f'href="{url}"' in html


def test_verantwortliche_oeffentlich_nur_veroeffentlichte(client, katalog):
    kfz = katalog["kfz"]
    f.RollenzuweisungFactory(
        leistung=kfz,
        user=f.UserFactory(first_name="Olga", last_name="Offen"),
        kontakt_veroeffentlichen=True,
    )
    f.RollenzuweisungFactory(
        leistung=kfz, user=f.UserFactory(first_name="Ingo", last_name="Intern")
    )
    oeffentlich = client.get(detail_url(kfz)).content.decode()
    assert "Olga Offen" in oeffentlich
    assert "Ingo Intern" not in oeffentlich
    client.force_login(f.ProgrammmanagementFactory())
    intern = client.get(detail_url(kfz)).content.decode()
    assert "Olga Offen" in intern and "Ingo Intern" in intern


# --------------------------------------------------------------------------------------
# The database filters agree with the rules in rules.py
# --------------------------------------------------------------------------------------


def test_typfilter_stimmt_mit_der_regel_ueberein():
    from leistungen import rules
    from leistungen.filtersets import LeistungFilterSet
    from leistungen.models import Leistung

    kombinationen = [[], ["1"], ["2/3"], ["4"], ["5"], ["1, 2/3"], ["1", "5"], ["2/3", "4, 5"]]
    erwartet = {}
    for typen in kombinationen:
        leistung = f.LeistungFactory()
        for typ in typen:
            f.LeikaLeistungFactory(leistung=leistung, typ=typ)
        erwartet[leistung.pk] = rules.leistungstyp(typen).kategorie
    for kategorie, _label in rules.TYPKATEGORIEN:
        gefiltert = LeistungFilterSet({"typ": [kategorie]}, queryset=Leistung.objects.all()).qs
        assert set(gefiltert.values_list("pk", flat=True)) == {
            pk for pk, k in erwartet.items() if k == kategorie
        }, kategorie


def test_ergebnistyp_fehlt_stimmt_mit_der_vollstaendigkeit_ueberein():
    from leistungen.filtersets import LeistungFilterSet
    from leistungen.models import Leistung

    faelle = []
    for trait in ({}, {"labor": True}, {"werkbank": True}, {"depriorisiert": True}):
        for status in (None, Ergebnisstatus.IN_ARBEIT, Ergebnisstatus.VERZICHTET, "geliefert"):
            leistung = f.LeistungFactory(**trait)
            for typ in (Ergebnistyp.KLICK_PROTOTYP, Ergebnistyp.REFERENZIMPLEMENTIERUNG):
                if status == "geliefert":
                    f.ErgebnisFactory(leistung=leistung, ergebnistyp=typ, geliefert=True)
                elif status is not None:
                    f.ErgebnisFactory(
                        leistung=leistung,
                        ergebnistyp=typ,
                        status=status,
                        verzicht_begruendung="Begründung",
                    )
            faelle.append(leistung)
    f.ErgebnisFactory(
        leistung=faelle[4], ergebnistyp=Ergebnistyp.ANTRAGSPROZESS, ff_erforderlich=True
    )
    for typ in (
        Ergebnistyp.KLICK_PROTOTYP,
        Ergebnistyp.REFERENZIMPLEMENTIERUNG,
        Ergebnistyp.ANTRAGSPROZESS,
    ):
        gefiltert = set(
            LeistungFilterSet(
                {"ergebnistyp_fehlt": [typ.value]}, queryset=Leistung.objects.all()
            ).qs.values_list("pk", flat=True)
        )
        erwartet = {
            leistung.pk
            for leistung in Leistung.objects.prefetch_related("ergebnisse")
            if typ.value in leistung.vollstaendigkeit().offen
        }
        assert gefiltert == erwartet, typ
        assert erwartet or typ == Ergebnistyp.ANTRAGSPROZESS
