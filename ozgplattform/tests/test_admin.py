"""Every registered admin renders (changelist, add, change, history) with data present."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from simple_history.admin import SimpleHistoryAdmin

from berichtswesen.models import Berichtsauftrag, Berichtsplan
from leistungen.choices import Ergebnistyp
from ozgplattform.konto.services import api_token_erstellen
from ozgplattform.testing import factories as f

pytestmark = pytest.mark.django_db

REGISTRIERT = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)

#: Admins that show and revoke/clean up but never add: rows come from elsewhere
#: (API tokens from their owner's profile, login attempts from django-axes).
OHNE_HINZUFUEGEN = {
    "ozgplattform.ApiToken",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "berichtswesen.Berichtsauftrag",
}


@pytest.fixture
def superuser_client(client):
    client.force_login(f.SuperuserFactory(username="pm-admin"))
    return client


@pytest.fixture
def daten():
    """At least two rows of every registered model."""
    land = f.LandFactory(name="Hessen")
    kreis = f.KreisFactory(parent=land)
    f.GemeindeFactory(parent=kreis)
    ressort = f.RessortFactory()
    themenfeld = f.ThemenfeldFactory(
        federfuehrendes_land=land, federfuehrendes_ressort=ressort, steuerungskreis=[land, ressort]
    )
    f.ThemenfeldFactory()
    lebenslage = f.LebenslageFactory(themenfeld=themenfeld)
    f.LebenslageFactory(themenfeld=themenfeld)
    persona = f.PersonaFactory(themenfeld=themenfeld)
    f.PersonaFactory(themenfeld=themenfeld)
    f.NutzerreiseFactory(themenfeld=themenfeld, persona=persona, lebenslage=lebenslage)
    f.NutzerreiseFactory(themenfeld=themenfeld)
    leistungen = [
        f.LeistungFactory(themenfeld=themenfeld, lebenslage=lebenslage, labor=True),
        f.LeistungFactory(themenfeld=themenfeld, werkbank=True),
        f.LeistungFactory(depriorisiert=True),
    ]
    for leistung in leistungen:
        f.LeikaLeistungFactory(leistung=leistung, typ="1")
        f.ErgebnisFactory(leistung=leistung, geliefert=True)
        f.ErgebnisFactory(leistung=leistung, ergebnistyp=Ergebnistyp.ANTRAGSPROZESS)
        f.UmsetzungsstandFactory(leistung=leistung, gebiet=land, reifegrad=3)
        f.UmsetzungsstandFactory(leistung=leistung, gebiet=kreis, reifegrad=1)
        f.MeilensteinFactory(leistung=leistung)
        f.ReferenzimplementierungFactory(leistung=leistung, land=land)
        angebot = f.NachnutzungsangebotFactory(leistung=leistung, anbieter=land)
        f.NachnutzungFactory(angebot=angebot)
        f.AnforderungFactory(leistung=leistung)
        f.RollenzuweisungFactory(leistung=leistung)
    f.UmsetzungsprojektFactory(themenfeld=themenfeld, leistungen=leistungen[:2])
    f.UmsetzungsprojektFactory(themenfeld=themenfeld, federfuehrendes_land=land)
    f.RollenzuweisungFactory(ozg_koordinator=True)
    f.RollenzuweisungFactory(federfuehrer=True)
    Group.objects.create(name="Programmmanagement")
    Group.objects.create(name="Leser")
    inhaber = f.UserFactory()
    for name in ("Export-Skript", "Dashboard"):
        api_token_erstellen(
            user=inhaber,
            name=name,
            schreibrecht=False,
            gueltig_bis=timezone.now() + dt.timedelta(days=30),
        )
    for ip in ("192.0.2.1", "192.0.2.2"):
        zugriff = {"username": inhaber.username, "ip_address": ip, "user_agent": "pytest"}
        AccessAttempt.objects.create(**zugriff, failures_since_start=1)
        AccessLog.objects.create(**zugriff)
        AccessFailureLog.objects.create(**zugriff)
    for monat in (11, 12):
        plan = Berichtsplan.objects.create(
            bezeichnung=f"Themenfeld-Bericht {monat}",
            art="themenfeld",
            format="pdf",
            parameter={"themenfeld": themenfeld.pk},
            naechste_ausfuehrung=timezone.make_aware(dt.datetime(2026, monat, 1, 6)),
        )
        Berichtsauftrag.objects.create(
            art="themenfeld", format="pdf", parameter=plan.parameter, plan=plan, periode="2026-10"
        )
    return leistungen


def _url(model, aktion, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{aktion}", args=args)


def test_alle_domaenenmodelle_sind_registriert():
    labels = {model._meta.label for model in admin.site._registry}
    assert {
        "ozgplattform.Organisation",
        "ozgplattform.Rollenzuweisung",
        "themenfelder.Themenfeld",
        "themenfelder.Lebenslage",
        "themenfelder.Persona",
        "themenfelder.Nutzerreise",
        "leistungen.Leistung",
        "leistungen.LeikaLeistung",
        "leistungen.Umsetzungsprojekt",
        "leistungen.Ergebnis",
        "leistungen.Umsetzungsstand",
        "leistungen.Meilenstein",
        "leistungen.Referenzimplementierung",
        "marktplatz.Nachnutzungsangebot",
        "marktplatz.Nachnutzung",
        "anforderungen.Anforderung",
    } <= labels


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTRIERT, ids=[m._meta.label for m, _ in REGISTRIERT]
)
def test_changelist(superuser_client, daten, model, model_admin):
    anzahl = model._default_manager.count()
    assert anzahl >= 2, "Testdaten fehlen für dieses Modell"
    antwort = superuser_client.get(_url(model, "changelist"))
    assert antwort.status_code == 200
    html = antwort.content.decode()
    opts = model._meta
    # Breadcrumb and the result counter ("7 OZG-Leistungen") name the model.
    assert escape(str(opts.verbose_name_plural)) in html
    assert f"{anzahl} {escape(str(opts.verbose_name_plural))}" in html
    assert antwort.context["cl"].result_count == anzahl
    # every row links to its change page
    for obj in model._default_manager.all()[:20]:
        assert _url(model, "change", obj.pk) in html


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTRIERT, ids=[m._meta.label for m, _ in REGISTRIERT]
)
def test_add_seite(superuser_client, daten, model, model_admin):
    antwort = superuser_client.get(_url(model, "add"))
    if model._meta.label in OHNE_HINZUFUEGEN:
        assert antwort.status_code == 403
        return
    assert antwort.status_code == 200
    html = antwort.content.decode()
    assert f'id="{model._meta.model_name}_form"' in html
    assert escape(str(model._meta.verbose_name)) in html
    assert antwort.context["adminform"].form.errors == {}


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTRIERT, ids=[m._meta.label for m, _ in REGISTRIERT]
)
def test_change_und_verlauf_seite(superuser_client, daten, model, model_admin):
    obj = model._default_manager.order_by("pk").last()
    antwort = superuser_client.get(_url(model, "change", obj.pk))
    assert antwort.status_code == 200
    assert antwort.context["original"] == obj
    assert escape(str(obj)) in antwort.content.decode()
    antwort = superuser_client.get(_url(model, "history", obj.pk))
    assert antwort.status_code == 200
    if isinstance(model_admin, SimpleHistoryAdmin):
        # the factory's save left history rows; the page lists all of them
        eintraege = antwort.context["page_obj"].paginator.count
        assert eintraege == obj.history.count() >= 1


def test_leistung_changelist_zeigt_typ_auf_detailseite(superuser_client, daten):
    leistung = daten[0]
    f.LeikaLeistungFactory(leistung=leistung, typ="2/3")
    antwort = superuser_client.get(_url(type(leistung), "change", leistung.pk))
    assert "Mischleistung (Typ 1 und 2–5)" in antwort.content.decode()


def test_leistung_suche_nach_ozg_id(superuser_client):
    gesucht = f.LeistungFactory(ozg_id=10481, name="Wohngeld")
    f.LeistungFactory(ozg_id=10482, name="Kindergeld")
    f.LeistungFactory(ozg_id=99999, name="Elterngeld")
    url = _url(type(gesucht), "changelist")

    antwort = superuser_client.get(url, {"q": "10481"})
    assert antwort.status_code == 200
    assert list(antwort.context["cl"].result_list) == [gesucht]
    html = antwort.content.decode()
    assert "Wohngeld" in html
    assert "Kindergeld" not in html
    assert "1 OZG-Leistung" in html

    antwort = superuser_client.get(url, {"q": "1048"})
    assert {lst.ozg_id for lst in antwort.context["cl"].result_list} == {10481, 10482}

    antwort = superuser_client.get(url, {"q": "77777"})
    assert list(antwort.context["cl"].result_list) == []


def test_leistung_suche_nach_leika_schluessel(superuser_client):
    leistung = f.LeistungFactory(name="Baugenehmigung")
    f.LeikaLeistungFactory(leistung=leistung, schluessel="99012001000000")
    f.LeistungFactory(name="Abrissgenehmigung")
    antwort = superuser_client.get(_url(type(leistung), "changelist"), {"q": "99012001000000"})
    assert list(antwort.context["cl"].result_list) == [leistung]
