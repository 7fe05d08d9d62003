"""Assignments are the source of truth: granting, changing and ending one changes what
the user may do at once (same transaction); validity dates follow through the daily
task; deactivated users may do nothing; a failing sync leaves no assignment behind."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from guardian.models import UserObjectPermission

from anforderungen.models import Anforderung
from leistungen.models import Leistung
from leistungen.services import leistung_aendern
from ozgplattform.choices import Aktion, Rolle
from ozgplattform.models import Rollenzuweisung
from ozgplattform.rechte import darf, gruppenname, restrict
from ozgplattform.services import (
    rollenzuweisung_aendern,
    rollenzuweisung_anlegen,
    rollenzuweisung_beenden,
    rollenzuweisung_loeschen,
)
from ozgplattform.tasks import rechte_abgleichen
from ozgplattform.testing import factories as f
from themenfelder.models import Themenfeld
from themenfelder.services import themenfeld_aendern

pytestmark = pytest.mark.django_db

User = get_user_model()
BEARBEITEN = Aktion.LEISTUNG_BEARBEITEN


def _frisch(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def welt():
    tf_a, tf_b = f.ThemenfeldFactory(), f.ThemenfeldFactory()
    return type(
        "Welt",
        (),
        {
            "tf_a": tf_a,
            "tf_b": tf_b,
            "a": f.LeistungFactory(themenfeld=tf_a),
            "b": f.LeistungFactory(themenfeld=tf_b),
            "pm": f.ProgrammmanagementFactory(),
            "person": f.UserFactory(),
        },
    )


def _darf_beides(user, leistung) -> tuple[bool, bool]:
    """(this user object, the same user freshly loaded)."""
    return darf(user, BEARBEITEN, leistung), darf(_frisch(user), BEARBEITEN, leistung)


def _grants(user) -> set[tuple[str, str]]:
    return set(
        UserObjectPermission.objects.filter(user=user).values_list(
            "permission__codename", "object_pk"
        )
    )


# ======================================================================================
# Immediate effect
# ======================================================================================


def test_zuweisung_wirkt_sofort_und_endet_sofort(welt):
    w = welt
    person = w.person
    assert _darf_beides(person, w.a) == (False, False)  # also warms the permission cache
    zuweisung = rollenzuweisung_anlegen(
        benutzer=person, rolle=Rolle.FEDERFUEHRER, themenfeld=w.tf_a, user=w.pm
    )
    assert _darf_beides(person, w.a) == (True, True)
    leistung_aendern(leistung=w.a, user=person, steckbrief="sofort")
    themenfeld_aendern(themenfeld=w.tf_a, user=person, beschreibung="sofort")

    rollenzuweisung_beenden(zuweisung=zuweisung, user=w.pm)
    assert _darf_beides(person, w.a) == (False, False)
    with pytest.raises(PermissionDenied):
        leistung_aendern(leistung=w.a, user=person, steckbrief="zu spät")
    assert Leistung.objects.get(pk=w.a.pk).steckbrief == "sofort"
    zuweisung.refresh_from_db()
    assert zuweisung.gueltig_bis == timezone.localdate() - dt.timedelta(days=1)
    assert _grants(person) == set()


def test_bereich_wechseln(welt):
    w = welt
    zuweisung = rollenzuweisung_anlegen(
        benutzer=w.person, rolle=Rolle.FEDERFUEHRER, themenfeld=w.tf_a, user=w.pm
    )
    assert _darf_beides(w.person, w.a) == (True, True)
    assert _darf_beides(w.person, w.b) == (False, False)
    rollenzuweisung_aendern(zuweisung=zuweisung, user=w.pm, themenfeld=w.tf_b)
    assert _darf_beides(w.person, w.a) == (False, False)
    assert _darf_beides(w.person, w.b) == (True, True)
    assert _grants(w.person) == {("federfuehrung", str(w.tf_b.pk))}


def test_zuweisung_an_andere_person_uebergeben(welt):
    w = welt
    nachfolger = f.UserFactory()
    zuweisung = rollenzuweisung_anlegen(
        benutzer=w.person, rolle=Rolle.LEISTUNGSVERANTWORTLICHER, leistung=w.a, user=w.pm
    )
    rollenzuweisung_aendern(zuweisung=zuweisung, user=w.pm, user_id=nachfolger.pk)
    assert _darf_beides(w.person, w.a) == (False, False)
    assert _darf_beides(nachfolger, w.a) == (True, True)


def test_loeschen_entzieht_sofort(welt):
    w = welt
    zuweisung = rollenzuweisung_anlegen(
        benutzer=w.person, rolle=Rolle.LEISTUNGSVERANTWORTLICHER, leistung=w.a, user=w.pm
    )
    rollenzuweisung_loeschen(zuweisung=zuweisung, user=w.pm)
    assert _darf_beides(w.person, w.a) == (False, False)
    assert not Rollenzuweisung.objects.filter(pk=zuweisung.pk).exists()


def test_andere_zuweisungen_bleiben_beim_beenden(welt):
    """Grants are the union of the valid assignments: ending one keeps the others'."""
    w = welt
    ff_1 = rollenzuweisung_anlegen(
        benutzer=w.person, rolle=Rolle.FEDERFUEHRER, themenfeld=w.tf_a, user=w.pm
    )
    rollenzuweisung_anlegen(
        benutzer=w.person, rolle=Rolle.FEDERFUEHRER, themenfeld=w.tf_a, user=w.pm, funktion="2"
    )
    rollenzuweisung_anlegen(
        benutzer=w.person, rolle=Rolle.LEISTUNGSVERANTWORTLICHER, leistung=w.b, user=w.pm
    )
    rollenzuweisung_beenden(zuweisung=ff_1, user=w.pm)
    assert _darf_beides(w.person, w.a) == (True, True)  # the second FF assignment
    assert _darf_beides(w.person, w.b) == (True, True)


# ======================================================================================
# Validity dates and the daily task
# ======================================================================================


def test_kuenftige_zuweisung_wirkt_erst_ab_dem_tag_durch_die_aufgabe(welt, monkeypatch):
    w = welt
    heute = timezone.localdate()
    morgen = heute + dt.timedelta(days=1)
    rollenzuweisung_anlegen(
        benutzer=w.person,
        rolle=Rolle.FEDERFUEHRER,
        themenfeld=w.tf_a,
        gueltig_von=morgen,
        user=w.pm,
    )
    assert _darf_beides(w.person, w.a) == (False, False)
    assert _grants(w.person) == set()
    rechte_abgleichen()  # today: still nothing
    assert _darf_beides(w.person, w.a) == (False, False)

    # Tomorrow: the grant follows when the daily task runs.
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: morgen)
    assert _darf_beides(w.person, w.a) == (False, False)
    assert rechte_abgleichen() >= 1
    assert _darf_beides(w.person, w.a) == (True, True)


def test_abgelaufene_zuweisung_entzieht_die_aufgabe(welt):
    w = welt
    zuweisung = rollenzuweisung_anlegen(
        benutzer=w.person, rolle=Rolle.FEDERFUEHRER, themenfeld=w.tf_a, user=w.pm
    )
    # The calendar moves on without the service (gueltig_bis is now in the past).
    Rollenzuweisung.objects.filter(pk=zuweisung.pk).update(
        gueltig_bis=timezone.localdate() - dt.timedelta(days=1)
    )
    assert _darf_beides(w.person, w.a) == (True, True)  # until the daily task
    rechte_abgleichen()
    assert _darf_beides(w.person, w.a) == (False, False)
    assert _grants(w.person) == set()


def test_begonnene_zuweisung_ohne_service_gewaehrt_die_aufgabe(welt):
    w = welt
    Rollenzuweisung.objects.create(
        user=w.person,
        rolle=Rolle.LEISTUNGSVERANTWORTLICHER,
        leistung=w.a,
        gueltig_von=timezone.localdate() - dt.timedelta(days=1),
    )
    assert _darf_beides(w.person, w.a) == (False, False)
    rechte_abgleichen()
    assert _darf_beides(w.person, w.a) == (True, True)


def test_kommando_rechte_abgleichen(welt):
    w = welt
    Rollenzuweisung.objects.create(user=w.person, rolle=Rolle.FEDERFUEHRER, themenfeld=w.tf_b)
    ausgabe = StringIO()
    call_command("rechte_abgleichen", stdout=ausgabe)
    assert "abgeglichen" in ausgabe.getvalue()
    assert _darf_beides(w.person, w.b) == (True, True)
    assert Group.objects.filter(name=gruppenname(Rolle.FEDERFUEHRER)).exists()


# ======================================================================================
# Deactivated users
# ======================================================================================


def test_deaktivierter_benutzer_darf_nichts_trotz_grants(welt):
    w = welt
    rollenzuweisung_anlegen(
        benutzer=w.person, rolle=Rolle.FEDERFUEHRER, themenfeld=w.tf_a, user=w.pm
    )
    f.AnforderungFactory(leistung=w.a)
    User.objects.filter(pk=w.person.pk).update(is_active=False)
    person = _frisch(w.person)
    assert _grants(person), "the grants are still there ..."
    assert not restrict(Leistung.objects.all(), person, BEARBEITEN).exists()  # ... unused
    assert not restrict(Themenfeld.objects.all(), person, Aktion.THEMENFELD_BEARBEITEN).exists()
    assert not darf(person, BEARBEITEN, w.a)
    assert not restrict(Anforderung.objects.all(), person).exists()  # public view only
    with pytest.raises(PermissionDenied):
        leistung_aendern(leistung=w.a, user=person, steckbrief="x")
    rechte_abgleichen()  # and the daily task removes them
    assert _grants(person) == set()


def test_deaktiviertes_programmmanagement(welt):
    w = welt
    User.objects.filter(pk=w.pm.pk).update(is_active=False)
    pm = _frisch(w.pm)
    assert not darf(pm, BEARBEITEN, w.a)
    assert not restrict(Leistung.objects.all(), pm, BEARBEITEN).exists()
    with pytest.raises(PermissionDenied):
        rollenzuweisung_anlegen(benutzer=w.person, rolle=Rolle.LESER, user=pm)
    rechte_abgleichen()
    pm = _frisch(pm)
    assert not pm.is_staff and not pm.groups.exists()


# ======================================================================================
# Atomicity
# ======================================================================================


def _kaputt(*args, **kwargs):
    raise RuntimeError("Abgleich fehlgeschlagen")


def test_fehlgeschlagener_abgleich_legt_keine_zuweisung_an(welt, monkeypatch):
    w = welt
    monkeypatch.setattr("ozgplattform.services.rechte_synchronisieren", _kaputt)
    with pytest.raises(RuntimeError):
        rollenzuweisung_anlegen(
            benutzer=w.person, rolle=Rolle.FEDERFUEHRER, themenfeld=w.tf_a, user=w.pm
        )
    assert not Rollenzuweisung.objects.filter(user=w.person).exists()
    assert not Rollenzuweisung.history.filter(user_id=w.person.pk).exists()


def test_abbruch_mitten_im_abgleich_hinterlaesst_nichts(welt, monkeypatch):
    """Groups are set before the object grants: a failure on the grants undoes both."""
    w = welt
    monkeypatch.setattr(UserObjectPermission.objects, "bulk_create", _kaputt)
    with pytest.raises(RuntimeError):
        rollenzuweisung_anlegen(
            benutzer=w.person, rolle=Rolle.FEDERFUEHRER, themenfeld=w.tf_a, user=w.pm
        )
    person = _frisch(w.person)
    assert not Rollenzuweisung.objects.filter(user=person).exists()
    assert not person.groups.exists()
    assert _grants(person) == set()


def test_fehlgeschlagener_abgleich_beendet_nichts(welt, monkeypatch):
    w = welt
    zuweisung = rollenzuweisung_anlegen(
        benutzer=w.person, rolle=Rolle.FEDERFUEHRER, themenfeld=w.tf_a, user=w.pm
    )
    pk = zuweisung.pk
    monkeypatch.setattr("ozgplattform.services.rechte_synchronisieren", _kaputt)
    for aufruf in (
        lambda: rollenzuweisung_beenden(zuweisung=zuweisung, user=w.pm),
        lambda: rollenzuweisung_aendern(zuweisung=zuweisung, user=w.pm, themenfeld=w.tf_b),
        lambda: rollenzuweisung_loeschen(zuweisung=zuweisung, user=w.pm),
    ):
        with pytest.raises(RuntimeError):
            aufruf()
    zuweisung = Rollenzuweisung.objects.get(pk=pk)  # (delete() cleared zuweisung.pk)
    assert (zuweisung.gueltig_bis, zuweisung.themenfeld_id) == (None, w.tf_a.pk)
    assert _darf_beides(w.person, w.a) == (True, True)


# ======================================================================================
# Programmmanagement: staff and group
# ======================================================================================


def test_programmmanagement_wird_staff_und_gruppenmitglied(welt):
    w = welt
    person = w.person
    gruppe = gruppenname(Rolle.PROGRAMMMANAGEMENT)
    # Warm the permission cache of this very object: the grant must clear it.
    assert not darf(person, BEARBEITEN, w.b)
    assert not restrict(Anforderung.objects.all(), person).exists()
    f.AnforderungFactory(leistung=w.a)
    zuweisung = rollenzuweisung_anlegen(benutzer=person, rolle=Rolle.PROGRAMMMANAGEMENT, user=w.pm)
    for u in (person, _frisch(person)):
        assert u.is_staff and u.groups.filter(name=gruppe).exists()
        assert darf(u, BEARBEITEN, w.b) and darf(u, Aktion.ROLLEN_VERWALTEN, w.a)
        assert restrict(Anforderung.objects.all(), u).exists()
    rollenzuweisung_beenden(zuweisung=zuweisung, user=w.pm)
    # A user object loaded before the change keeps its permission cache for its lifetime
    # (one request, docs/rechte.md); the next request loads the user afresh.
    person = _frisch(person)
    assert not person.is_staff and not person.groups.filter(name=gruppe).exists()
    assert not darf(person, BEARBEITEN, w.b)


def test_superuser_bleibt_staff(welt):
    w = welt
    admin = f.SuperuserFactory()
    zuweisung = rollenzuweisung_anlegen(benutzer=admin, rolle=Rolle.PROGRAMMMANAGEMENT)
    rollenzuweisung_beenden(zuweisung=zuweisung, user=w.pm)
    admin = _frisch(admin)
    assert admin.is_staff and admin.is_superuser
    assert not admin.groups.filter(name=gruppenname(Rolle.PROGRAMMMANAGEMENT)).exists()


def test_nur_programmmanagement_verwaltet_rollen(welt):
    w = welt
    zuweisung = rollenzuweisung_anlegen(
        benutzer=w.person, rolle=Rolle.LEISTUNGSVERANTWORTLICHER, leistung=w.a
    )
    nur_staff = f.UserFactory(is_staff=True)  # the staff flag alone grants nothing
    andere = [AnonymousUser(), nur_staff]
    for rolle, bereich in (
        (Rolle.FEDERFUEHRER, {"themenfeld": w.tf_a}),
        (Rolle.LESER, {}),
        (Rolle.LEISTUNGSVERANTWORTLICHER, {"leistung": w.a}),
    ):
        user = f.UserFactory()
        rollenzuweisung_anlegen(benutzer=user, rolle=rolle, **bereich)
        andere.append(_frisch(user))
    vorher = list(Rollenzuweisung.objects.order_by("pk").values_list())
    for user in andere:
        for aufruf in (
            lambda u: rollenzuweisung_anlegen(
                benutzer=u if u.is_authenticated else w.person,
                rolle=Rolle.PROGRAMMMANAGEMENT,
                user=u,
            ),
            lambda u: rollenzuweisung_aendern(zuweisung=zuweisung, user=u, leistung=w.b),
            lambda u: rollenzuweisung_beenden(zuweisung=zuweisung, user=u),
            lambda u: rollenzuweisung_loeschen(zuweisung=zuweisung, user=u),
        ):
            with pytest.raises(PermissionDenied):
                aufruf(user)
    assert list(Rollenzuweisung.objects.order_by("pk").values_list()) == vorher


# ======================================================================================
# Django admin: goes through the services
# ======================================================================================


def _admin_client(client, user):
    client.force_login(user)
    return client


def test_admin_anlegen_gewaehrt_das_objektrecht(client, welt):
    w = welt
    pm = _frisch(w.pm)
    antwort = _admin_client(client, pm).post(
        reverse("admin:ozgplattform_rollenzuweisung_add"),
        {
            "user": w.person.pk,
            "rolle": Rolle.FEDERFUEHRER,
            "themenfeld": w.tf_a.pk,
            "funktion": "Referat DV 1",
        },
    )
    assert antwort.status_code == 302, antwort.content.decode()[:2000]
    zuweisung = Rollenzuweisung.objects.get(user=w.person)
    assert _grants(w.person) == {("federfuehrung", str(w.tf_a.pk))}
    assert _darf_beides(w.person, w.a) == (True, True)
    assert zuweisung.history.first().history_user == pm

    # Changing the scope in the admin moves the grant.
    antwort = client.post(
        reverse("admin:ozgplattform_rollenzuweisung_change", args=[zuweisung.pk]),
        {
            "user": w.person.pk,
            "rolle": Rolle.FEDERFUEHRER,
            "themenfeld": w.tf_b.pk,
            "funktion": "Referat DV 1",
        },
    )
    assert antwort.status_code == 302, antwort.content.decode()[:2000]
    assert _darf_beides(w.person, w.a) == (False, False)
    assert _darf_beides(w.person, w.b) == (True, True)

    # The admin action ends it at once.
    antwort = client.post(
        reverse("admin:ozgplattform_rollenzuweisung_changelist"),
        {"action": "beenden", "_selected_action": [zuweisung.pk]},
    )
    assert antwort.status_code == 302
    assert _darf_beides(w.person, w.b) == (False, False)


def test_admin_ohne_programmmanagement_verboten(client, welt):
    w = welt
    nur_staff = f.UserFactory(is_staff=True)
    antwort = _admin_client(client, nur_staff).post(
        reverse("admin:ozgplattform_rollenzuweisung_add"),
        {"user": w.person.pk, "rolle": Rolle.FEDERFUEHRER, "themenfeld": w.tf_a.pk},
    )
    assert antwort.status_code == 403
    assert not Rollenzuweisung.objects.filter(user=w.person).exists()
    assert _grants(w.person) == set()
