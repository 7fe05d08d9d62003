"""The permission matrix: every Rolle × every write action × {in scope, out of scope},
plus anonymous visitors, on every channel that writes.

How it is built
---------------
* ``ERWARTUNG`` is written out by hand from the roles issue (what each role may do), not
  computed from ``ozgplattform/rechte.py``: a change to the role table that contradicts
  the issue makes a cell fail. Two characters per cell: in scope / out of scope, ``+``
  allowed, ``-`` refused.
* ``AKTIONEN`` lists every write the services offer to non-system users. Each action
  knows its target in the fixed world (``ziel(welt, bereich)``), how to tell that the
  change reached the database (``wirksam(ziel)``), and one adapter per channel
  (``kanaele["service"](user, ziel)``).
* ``KANAELE`` says how a channel reports success and refusal: ``service`` (the service
  function returns, or raises ``PermissionDenied``), ``api`` (``/api/v1/`` through
  ``APIClient``, ``format="json"``: success = 200/201/204; refusal = 401/403 for
  anonymous, 404 when ``restrict`` hides the addressed object from the user, else 403 —
  see ``_api``) and ``seite`` (the page forms of ``leistungen/bearbeiten`` through
  Django's test ``Client``: GET the form, POST its values with the change; success =
  redirect not to the login page; refusal = login redirect for anonymous, 404 when
  ``restrict`` hides the object, else 403, or – declared per action as ``sperre`` – the
  field missing from the form / the value not offered, with the database unchanged —
  see ``_seite``). **Adding a channel**: add a ``Kanal`` to ``KANAELE``
  and one adapter per action in ``ADAPTER[<channel>]`` (``{action name:
  ausfuehren(user, ziel)}``, returning what the ``Kanal`` checks);
  ``test_jede_aktion_hat_jeden_kanal`` fails until every action has one. A write the
  channel deliberately does not offer gets ``KeinWeg("reason")``; those are listed
  explicitly in ``test_kein_weg_ist_ausdruecklich``, never silently dropped.
* Coverage guards fail when a Rolle, an action or a public service function is added
  without a row/column here.

The fixed world is built once per module inside an outer transaction; every test runs
in a savepoint that pytest-django rolls back, and reloads users and objects from the
database, so no test sees another's changes or cached permissions.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, update_last_login
from django.contrib.auth.signals import user_logged_in
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.shortcuts import resolve_url
from django.test import Client
from guardian.models import UserObjectPermission
from rest_framework.test import APIClient

import anforderungen.services
import leistungen.services
import marktplatz.services
import ozgplattform.services
import themenfelder.services
from anforderungen.choices import Anforderungsart, Anforderungsstatus, Hemmnisart
from anforderungen.models import Anforderung
from anforderungen.services import anforderung_einreichen, anforderung_entscheiden
from leistungen.choices import (
    Depriorisierungsentscheidung,
    Depriorisierungsgrund,
    Ergebnisstatus,
    Ergebnistyp,
    Nachnutzungsmodell,
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
from leistungen.services import (
    depriorisierung_entscheiden,
    depriorisierung_vorschlagen,
    ergebnis_setzen,
    leika_leistung_aendern,
    leika_leistung_anlegen,
    leika_leistungen_anlegen,
    leistung_aendern,
    leistung_anlegen,
    leistungen_anlegen,
    meilenstein_aendern,
    meilenstein_anlegen,
    referenzimplementierung_setzen,
    umsetzungsprojekt_aendern,
    umsetzungsprojekt_anlegen,
    umsetzungsstaende_melden,
    umsetzungsstand_melden,
)
from marktplatz.choices import Angebotsstatus, Nachnutzungsstatus
from marktplatz.models import Nachnutzung, Nachnutzungsangebot
from marktplatz.services import (
    nachnutzung_erklaeren,
    nachnutzungsangebot_aendern,
    nachnutzungsangebot_anlegen,
)
from ozgplattform.choices import OrganisationsArt, Rolle
from ozgplattform.models import Organisation, Rollenzuweisung
from ozgplattform.rechte import ROLLEN, restrict
from ozgplattform.services import (
    organisation_aendern,
    organisation_anlegen,
    rollenzuweisung_aendern,
    rollenzuweisung_anlegen,
    rollenzuweisung_beenden,
    rollenzuweisung_loeschen,
)
from ozgplattform.testing import factories as f
from themenfelder.choices import Phase
from themenfelder.models import Lebenslage, Nutzerreise, Persona, Themenfeld
from themenfelder.services import (
    lebenslage_aendern,
    lebenslage_anlegen,
    nutzerreise_anlegen,
    persona_anlegen,
    themenfeld_aendern,
    themenfeld_anlegen,
)

User = get_user_model()

IM = "im_bereich"
AUSSERHALB = "ausserhalb"
BEREICHE = (IM, AUSSERHALB)
ANONYM = "anonym"
NEU = "Geändert durch die Rechtematrix"

# ======================================================================================
# The expectation, from the issue text (not from rechte.py)
# ======================================================================================

#: Column abbreviations of ERWARTUNG.
SPALTEN: dict[str, str] = {
    "PM": Rolle.PROGRAMMMANAGEMENT,
    "FF": Rolle.FEDERFUEHRER,
    "UK": Rolle.UMSETZUNGSKOORDINATOR,
    "LV": Rolle.LEISTUNGSVERANTWORTLICHER,
    "KO": Rolle.OZG_KOORDINATOR,
    "RA": Rolle.RESSORTANSPRECHPARTNER,
    "NN": Rolle.LV_NACHNUTZENDES_LAND,
    "LE": Rolle.LESER,
    "AN": ANONYM,
}

# PM Programmmanagement: everything, including the final decision on a depriorisation
#    and on Anforderungen (and the roles themselves).
# FF Federführer: the Themenfeld and every Leistung, Ergebnis, Meilenstein and
#    Umsetzungsprojekt in it; propose a depriorisation. Themenfeldplanung (Personas,
#    Nutzerreisen) is Themenfeld data. Not: Leistung's Themenfeld, new Leistungen
#    (catalogue), the Themenfeld's Federführung, Lebenslagen (catalogue structure).
# UK Umsetzungskoordinator: Leistungen, Ergebnisse, Meilensteine of their projects (not
#    the project itself, not the Priorität).
# LV Leistungsverantwortlicher: their Leistung, its Ergebnisse and Meilensteine (not its
#    Themenfeld, Priorität, depriorisation).
# KO OZG-Koordinator: Umsetzungsstand of their Land and its Kreise and Gemeinden;
#    their Land's Nachnutzung.
# RA Ressortansprechpartner: Änderungsanfragen for their Ressort's Leistungen.
# NN LV im nachnutzenden Land (domain.md §Rollen: brings the reusing Land's requirements
#    in early): Änderungsanfragen for their Leistung.
# LE registered reader, AN anonymous: no write at all.
# Digitalisierungshemmnisse are reported by those working on the Leistung/Themenfeld
# (domain.md §Ergebnistypen: they surface from the OZG-Referenzinformationen).
ERWARTUNG_TABELLE = """
aktion                                PM  FF  UK  LV  KO  RA  NN  LE  AN
themenfeld.anlegen                    ++  --  --  --  --  --  --  --  --
themenfeld.phase                      ++  +-  --  --  --  --  --  --  --
themenfeld.federfuehrung              ++  --  --  --  --  --  --  --  --
lebenslage.anlegen                    ++  --  --  --  --  --  --  --  --
lebenslage.bearbeiten                 ++  --  --  --  --  --  --  --  --
persona.anlegen                       ++  +-  --  --  --  --  --  --  --
nutzerreise.anlegen                   ++  +-  --  --  --  --  --  --  --
leistung.anlegen                      ++  --  --  --  --  --  --  --  --
leistung.massenanlage                 ++  --  --  --  --  --  --  --  --
leistung.steckbrief                   ++  +-  +-  +-  --  --  --  --  --
leistung.prioritaet                   ++  +-  --  --  --  --  --  --  --
leistung.themenfeld                   ++  --  --  --  --  --  --  --  --
depriorisierung.vorschlagen           ++  +-  --  --  --  --  --  --  --
depriorisierung.entscheiden           ++  --  --  --  --  --  --  --  --
leika.anlegen                         ++  --  --  --  --  --  --  --  --
leika.bearbeiten                      ++  --  --  --  --  --  --  --  --
leika.massenanlage                    ++  --  --  --  --  --  --  --  --
referenzimplementierung.setzen        ++  +-  +-  +-  --  --  --  --  --
ergebnis.anlegen                      ++  +-  +-  +-  --  --  --  --  --
ergebnis.bearbeiten                   ++  +-  +-  +-  --  --  --  --  --
meilenstein.anlegen                   ++  +-  +-  +-  --  --  --  --  --
meilenstein.anlegen_themenfeld        ++  +-  --  --  --  --  --  --  --
meilenstein.bearbeiten                ++  +-  +-  +-  --  --  --  --  --
meilenstein.bearbeiten_themenfeld     ++  +-  --  --  --  --  --  --  --
meilenstein.leistung_wechseln         ++  +-  +-  +-  --  --  --  --  --
umsetzungsprojekt.anlegen             ++  +-  --  --  --  --  --  --  --
umsetzungsprojekt.bearbeiten          ++  +-  --  --  --  --  --  --  --
umsetzungsprojekt.leistung_aufnehmen  ++  +-  --  --  --  --  --  --  --
umsetzungsstand.land                  ++  --  --  --  +-  --  --  --  --
umsetzungsstand.kreis                 ++  --  --  --  +-  --  --  --  --
umsetzungsstand.gemeinde              ++  --  --  --  +-  --  --  --  --
umsetzungsstand.sammel_land           ++  --  --  --  +-  --  --  --  --
umsetzungsstand.sammel_kreis          ++  --  --  --  +-  --  --  --  --
umsetzungsstand.sammel_gemeinde       ++  --  --  --  +-  --  --  --  --
nachnutzung.erklaeren                 ++  --  --  --  +-  --  --  --  --
nachnutzungsangebot.anlegen           ++  --  --  --  --  --  --  --  --
nachnutzungsangebot.bearbeiten        ++  --  --  --  --  --  --  --  --
anforderung.aenderungsanfrage         ++  --  --  --  --  +-  +-  --  --
anforderung.hemmnis                   ++  +-  +-  +-  --  --  --  --  --
anforderung.hemmnis_themenfeld        ++  +-  --  --  --  --  --  --  --
anforderung.entscheiden               ++  --  --  --  --  --  --  --  --
organisation.anlegen                  ++  --  --  --  --  --  --  --  --
organisation.bearbeiten               ++  --  --  --  --  --  --  --  --
rollenzuweisung.anlegen               ++  --  --  --  --  --  --  --  --
rollenzuweisung.aendern               ++  --  --  --  --  --  --  --  --
rollenzuweisung.beenden               ++  --  --  --  --  --  --  --  --
rollenzuweisung.loeschen              ++  --  --  --  --  --  --  --  --
"""


def _tabelle_lesen(text: str) -> dict[tuple[str, str], dict[str, bool]]:
    """{(action, role or "anonym"): {IM: bool, AUSSERHALB: bool}}."""
    zeilen = [z.split() for z in text.strip().splitlines()]
    kopf, *daten = zeilen
    assert kopf[0] == "aktion", kopf
    spalten = [SPALTEN[k] for k in kopf[1:]]
    tabelle = {}
    for aktion, *zellen in daten:
        assert len(zellen) == len(spalten), f"{aktion}: {len(zellen)} Zellen"
        for spalte, zelle in zip(spalten, zellen, strict=True):
            assert len(zelle) == 2 and set(zelle) <= {"+", "-"}, f"{aktion}/{spalte}: {zelle}"
            assert (aktion, spalte) not in tabelle, f"doppelt: {aktion}"
            tabelle[aktion, spalte] = {IM: zelle[0] == "+", AUSSERHALB: zelle[1] == "+"}
    return tabelle


ERWARTUNG = _tabelle_lesen(ERWARTUNG_TABELLE)
ROLLEN_SPALTEN = [*Rolle.values, ANONYM]


# ======================================================================================
# Channels and actions
# ======================================================================================


@dataclass(frozen=True)
class KeinWeg:
    """Marks a write a channel deliberately does not offer (see test_kein_weg_ist_ausdruecklich)."""

    grund: str


@dataclass(frozen=True)
class Kanal:
    name: str
    #: Run the adapter; it must succeed.
    erlaubt: Callable[[Callable, Any, Any], None]
    #: Run the adapter; it must be refused (the test checks the database afterwards).
    verweigert: Callable[[Callable, Any, Any], None]


def _service_erlaubt(ausfuehren, user, ziel) -> None:
    ausfuehren(user, ziel)


def _service_verweigert(ausfuehren, user, ziel) -> None:
    with pytest.raises(PermissionDenied):
        ausfuehren(user, ziel)


#: API: success statuses; refusal statuses depend on the case (``_api``).
API_ERFOLG = frozenset({200, 201, 204})


def _api_erlaubt(ausfuehren, user, ziel) -> None:
    antwort = ausfuehren(user, ziel)
    assert antwort.status_code in API_ERFOLG, (antwort.status_code, antwort.content[:500])


def _api_verweigert(ausfuehren, user, ziel) -> None:
    antwort = ausfuehren(user, ziel)
    erwartet = antwort.matrix_verweigert
    assert antwort.status_code in erwartet, (
        f"verweigert erwartet als {sorted(erwartet)}",
        antwort.status_code,
        antwort.content[:500],
    )


#: Page forms: success is a redirect that is not the login page (the view redirects
#: after saving); refusals depend on the case (``_seite``).
def _seite_erlaubt(ausfuehren, user, ziel) -> None:
    antwort = ausfuehren(user, ziel)
    assert antwort.status_code == 302 and not antwort.matrix_zur_anmeldung, (
        antwort.status_code,
        antwort.get("Location"),
        antwort.matrix_formfehler,
    )


def _seite_verweigert(ausfuehren, user, ziel) -> None:
    antwort = ausfuehren(user, ziel)
    erwartet = antwort.matrix_verweigert
    assert antwort.status_code in erwartet, (
        f"verweigert erwartet als {sorted(erwartet)} ({antwort.matrix_grund})",
        antwort.status_code,
        antwort.get("Location"),
        antwort.matrix_formfehler,
    )
    if antwort.status_code == 302:
        # Anonymous: to the login page; a form without the field: saved, field ignored
        # (the test then checks the database is unchanged).
        assert antwort.matrix_zur_anmeldung == (not user.is_authenticated), antwort.get("Location")


KANAELE: dict[str, Kanal] = {
    "service": Kanal("service", _service_erlaubt, _service_verweigert),
    "api": Kanal("api", _api_erlaubt, _api_verweigert),
    "seite": Kanal("seite", _seite_erlaubt, _seite_verweigert),
}


@dataclass(frozen=True)
class Schreibaktion:
    name: str
    #: The target in the world: ``ziel(welt, IM | AUSSERHALB)``, loaded fresh.
    ziel: Callable[[SimpleNamespace, str], Any]
    #: Whether the change is in the database.
    wirksam: Callable[[Any], bool]
    #: channel name → ``ausfuehren(user, ziel)``.
    kanaele: dict[str, Callable[[Any, Any], Any] | KeinWeg]
    #: Service functions this action exercises (for the coverage guard).
    services: tuple[Callable, ...] = field(default_factory=tuple)


def _je(welt, bereich: str, name: str, model):
    """Fresh instance of the world object ``name`` + ``_im``/``_aus``."""
    pk = getattr(welt, f"{name}_{'im' if bereich == IM else 'aus'}")
    return model.objects.get(pk=pk)


def _frisch(obj):
    return type(obj).objects.get(pk=obj.pk)


def _frei(model, feld: str, kandidaten):
    """The first candidate value of a unique field not yet taken (factory sequences may
    have reached any number by the time this module runs in the full suite)."""
    kandidaten = list(kandidaten)
    belegt = set(model.objects.filter(**{f"{feld}__in": kandidaten}).values_list(feld, flat=True))
    return next(k for k in kandidaten if k not in belegt)


_LEIKA_FREI = [f"{99_999_999_999_900 + i:014d}" for i in range(99)]


def _ns(**kw) -> SimpleNamespace:
    return SimpleNamespace(**kw)


GEPLANT = dt.date(2021, 3, 31)
ERREICHT = dt.date(2021, 1, 15)


def _aktionen() -> list[Schreibaktion]:
    A: list[Schreibaktion] = []

    def aktion(name, ziel, wirksam, service, *services):
        A.append(Schreibaktion(name, ziel, wirksam, {"service": service}, services))

    # --- Themenfelder -----------------------------------------------------------------
    aktion(
        "themenfeld.anlegen",
        lambda w, b: {
            "nummer": _frei(Themenfeld, "nummer", range(900, 1000)),
            "name": f"Matrix-Themenfeld {b}",
            "federfuehrendes_ressort": _je(w, b, "ressort", Organisation),
        },
        lambda z: Themenfeld.objects.filter(nummer=z["nummer"]).exists(),
        lambda user, z: themenfeld_anlegen(user=user, **z),
        themenfeld_anlegen,
    )
    aktion(
        "themenfeld.phase",
        lambda w, b: _je(w, b, "themenfeld", Themenfeld),
        lambda tf: _frisch(tf).phase == Phase.KONZEPTION,
        lambda user, tf: themenfeld_aendern(themenfeld=tf, user=user, phase=Phase.KONZEPTION),
        themenfeld_aendern,
    )
    aktion(
        "themenfeld.federfuehrung",
        lambda w, b: _ns(
            themenfeld=_je(w, b, "themenfeld", Themenfeld),
            ressort=_je(w, AUSSERHALB if b == IM else IM, "ressort", Organisation),
        ),
        lambda z: _frisch(z.themenfeld).federfuehrendes_ressort_id == z.ressort.pk,
        lambda user, z: themenfeld_aendern(
            themenfeld=z.themenfeld, user=user, federfuehrendes_ressort=z.ressort
        ),
        themenfeld_aendern,
    )
    aktion(
        "lebenslage.anlegen",
        lambda w, b: {
            "name": "Matrix-Lebenslage",
            "themenfeld": _je(w, b, "themenfeld", Themenfeld),
        },
        lambda z: Lebenslage.objects.filter(name=z["name"], themenfeld=z["themenfeld"]).exists(),
        lambda user, z: lebenslage_anlegen(user=user, **z),
        lebenslage_anlegen,
    )
    aktion(
        "lebenslage.bearbeiten",
        lambda w, b: _je(w, b, "lebenslage", Lebenslage),
        lambda ll: _frisch(ll).name == NEU,
        lambda user, ll: lebenslage_aendern(lebenslage=ll, user=user, name=NEU),
        lebenslage_aendern,
    )
    aktion(
        "persona.anlegen",
        lambda w, b: {"name": "Matrix-Persona", "themenfeld": _je(w, b, "themenfeld", Themenfeld)},
        lambda z: Persona.objects.filter(name=z["name"], themenfeld=z["themenfeld"]).exists(),
        lambda user, z: persona_anlegen(user=user, **z),
        persona_anlegen,
    )
    aktion(
        "nutzerreise.anlegen",
        lambda w, b: {
            "name": "Matrix-Nutzerreise",
            "themenfeld": _je(w, b, "themenfeld", Themenfeld),
        },
        lambda z: Nutzerreise.objects.filter(name=z["name"], themenfeld=z["themenfeld"]).exists(),
        lambda user, z: nutzerreise_anlegen(user=user, **z),
        nutzerreise_anlegen,
    )

    # --- Leistungen -------------------------------------------------------------------
    aktion(
        "leistung.anlegen",
        lambda w, b: {
            "ozg_id": _frei(Leistung, "ozg_id", range(99_900, 99_999)),
            "name": "Matrix-Leistung",
            "themenfeld": _je(w, b, "themenfeld", Themenfeld),
        },
        lambda z: Leistung.objects.filter(ozg_id=z["ozg_id"]).exists(),
        lambda user, z: leistung_anlegen(user=user, **z),
        leistung_anlegen,
    )

    def _massenanlage(user, z):
        ergebnis = leistungen_anlegen([z], user=user)
        assert isinstance(ergebnis[0], Leistung), ergebnis

    aktion(
        "leistung.massenanlage",
        lambda w, b: {
            "ozg_id": _frei(Leistung, "ozg_id", range(99_900, 99_999)),
            "name": "Matrix-Leistung (Import)",
            "themenfeld_id": getattr(w, f"themenfeld_{'im' if b == IM else 'aus'}"),
        },
        lambda z: Leistung.objects.filter(ozg_id=z["ozg_id"]).exists(),
        _massenanlage,
        leistungen_anlegen,
    )
    aktion(
        "leistung.steckbrief",
        lambda w, b: _je(w, b, "leistung", Leistung),
        lambda le: _frisch(le).steckbrief == NEU,
        lambda user, le: leistung_aendern(leistung=le, user=user, steckbrief=NEU),
        leistung_aendern,
    )
    aktion(
        "leistung.prioritaet",
        lambda w, b: _je(w, b, "leistung", Leistung),
        lambda le: _frisch(le).prioritaet == Prioritaet.PRIO_3,
        lambda user, le: leistung_aendern(leistung=le, user=user, prioritaet=Prioritaet.PRIO_3),
        leistung_aendern,
    )
    aktion(
        "leistung.themenfeld",
        lambda w, b: _ns(
            leistung=_je(w, b, "leistung", Leistung),
            themenfeld=_je(w, AUSSERHALB if b == IM else IM, "themenfeld", Themenfeld),
        ),
        lambda z: _frisch(z.leistung).themenfeld_id == z.themenfeld.pk,
        lambda user, z: leistung_aendern(leistung=z.leistung, user=user, themenfeld=z.themenfeld),
        leistung_aendern,
    )
    aktion(
        "depriorisierung.vorschlagen",
        lambda w, b: _je(w, b, "leistung", Leistung),
        lambda le: (
            (le := _frisch(le)).prioritaet == Prioritaet.DEPRIORISIERT
            and le.depriorisierung_entscheidung == Depriorisierungsentscheidung.VORGESCHLAGEN
        ),
        lambda user, le: depriorisierung_vorschlagen(
            leistung=le,
            user=user,
            depriorisierungsgrund=Depriorisierungsgrund.RECHTLICH,
            begruendung="Schriftform vorgeschrieben.",
        ),
        depriorisierung_vorschlagen,
    )
    aktion(
        "depriorisierung.entscheiden",
        lambda w, b: _je(w, b, "leistung_dep", Leistung),
        lambda le: (
            _frisch(le).depriorisierung_entscheidung == Depriorisierungsentscheidung.BESTAETIGT
        ),
        lambda user, le: depriorisierung_entscheiden(leistung=le, user=user, bestaetigt=True),
        depriorisierung_entscheiden,
    )
    aktion(
        "leika.anlegen",
        lambda w, b: {
            "schluessel": _frei(LeikaLeistung, "schluessel", _LEIKA_FREI),
            "name": "Matrix-LeiKa",
            "typ": "1",
            "leistung": _je(w, b, "leistung", Leistung),
        },
        lambda z: LeikaLeistung.objects.filter(schluessel=z["schluessel"]).exists(),
        lambda user, z: leika_leistung_anlegen(user=user, **z),
        leika_leistung_anlegen,
    )
    aktion(
        "leika.bearbeiten",
        lambda w, b: _je(w, b, "leika", LeikaLeistung),
        lambda lk: _frisch(lk).name == NEU,
        lambda user, lk: leika_leistung_aendern(leika_leistung=lk, user=user, name=NEU),
        leika_leistung_aendern,
    )

    def _leika_massenanlage(user, z):
        ergebnis = leika_leistungen_anlegen([z], user=user)
        assert isinstance(ergebnis[0], LeikaLeistung), ergebnis

    aktion(
        "leika.massenanlage",
        lambda w, b: {
            "schluessel": _frei(LeikaLeistung, "schluessel", _LEIKA_FREI),
            "name": "Matrix-LeiKa (Import)",
            "leistung_id": getattr(w, f"leistung_{'im' if b == IM else 'aus'}"),
        },
        lambda z: LeikaLeistung.objects.filter(schluessel=z["schluessel"]).exists(),
        _leika_massenanlage,
        leika_leistungen_anlegen,
    )
    aktion(
        "referenzimplementierung.setzen",
        lambda w, b: _ns(
            leistung=_je(w, b, "leistung", Leistung), land=_je(w, b, "land", Organisation)
        ),
        lambda z: Referenzimplementierung.objects.filter(leistung=z.leistung).exists(),
        lambda user, z: referenzimplementierung_setzen(
            leistung=z.leistung, user=user, land=z.land, url="https://referenz.example.org/"
        ),
        referenzimplementierung_setzen,
    )

    # --- Ergebnisse, Meilensteine, Umsetzungsprojekte ---------------------------------
    aktion(
        "ergebnis.anlegen",
        lambda w, b: _je(w, b, "leistung", Leistung),
        lambda le: Ergebnis.objects.filter(
            leistung=le, ergebnistyp=Ergebnistyp.KLICK_PROTOTYP
        ).exists(),
        lambda user, le: ergebnis_setzen(
            leistung=le,
            ergebnistyp=Ergebnistyp.KLICK_PROTOTYP,
            user=user,
            status=Ergebnisstatus.IN_ARBEIT,
        ),
        ergebnis_setzen,
    )
    aktion(
        "ergebnis.bearbeiten",
        lambda w, b: _je(w, b, "ergebnis", Ergebnis),
        lambda e: _frisch(e).status == Ergebnisstatus.IN_ARBEIT,
        lambda user, e: ergebnis_setzen(
            leistung=e.leistung,
            ergebnistyp=e.ergebnistyp,
            user=user,
            status=Ergebnisstatus.IN_ARBEIT,
        ),
        ergebnis_setzen,
    )

    def _meilenstein_daten(w, b, mit_leistung: bool) -> dict:
        leistung = _je(w, b, "leistung", Leistung) if mit_leistung else None
        return {
            "themenfeld": _je(w, b, "themenfeld", Themenfeld),
            "leistung": leistung,
            "phase": Phase.KONZEPTION,
            "name": f"Matrix-Meilenstein {b} {mit_leistung}",
            "geplant": GEPLANT,
        }

    aktion(
        "meilenstein.anlegen",
        lambda w, b: _meilenstein_daten(w, b, mit_leistung=True),
        lambda z: Meilenstein.objects.filter(name=z["name"]).exists(),
        lambda user, z: meilenstein_anlegen(user=user, **z),
        meilenstein_anlegen,
    )
    aktion(
        "meilenstein.anlegen_themenfeld",
        lambda w, b: _meilenstein_daten(w, b, mit_leistung=False),
        lambda z: Meilenstein.objects.filter(name=z["name"]).exists(),
        lambda user, z: meilenstein_anlegen(user=user, **z),
        meilenstein_anlegen,
    )
    aktion(
        "meilenstein.bearbeiten",
        lambda w, b: _je(w, b, "meilenstein", Meilenstein),
        lambda m: _frisch(m).erreicht == ERREICHT,
        lambda user, m: meilenstein_aendern(meilenstein=m, user=user, erreicht=ERREICHT),
        meilenstein_aendern,
    )
    aktion(
        "meilenstein.bearbeiten_themenfeld",
        lambda w, b: _je(w, b, "meilenstein_tf", Meilenstein),
        lambda m: _frisch(m).erreicht == ERREICHT,
        lambda user, m: meilenstein_aendern(meilenstein=m, user=user, erreicht=ERREICHT),
        meilenstein_aendern,
    )
    aktion(
        "meilenstein.leistung_wechseln",
        # Move the in-scope Meilenstein to another Leistung inside / outside the scope.
        lambda w, b: _ns(
            meilenstein=Meilenstein.objects.get(pk=w.meilenstein_im),
            leistung=_je(w, b, "leistung_dep", Leistung),
            themenfeld=_je(w, b, "themenfeld", Themenfeld),
        ),
        lambda z: _frisch(z.meilenstein).leistung_id == z.leistung.pk,
        lambda user, z: meilenstein_aendern(
            meilenstein=z.meilenstein, user=user, leistung=z.leistung, themenfeld=z.themenfeld
        ),
        meilenstein_aendern,
    )
    aktion(
        "umsetzungsprojekt.anlegen",
        lambda w, b: {
            "name": "Matrix-Projekt",
            "themenfeld": _je(w, b, "themenfeld", Themenfeld),
            "leistungen": [_je(w, b, "leistung", Leistung)],
        },
        lambda z: Umsetzungsprojekt.objects.filter(
            name=z["name"], themenfeld=z["themenfeld"], leistungen__in=z["leistungen"]
        ).exists(),
        lambda user, z: umsetzungsprojekt_anlegen(user=user, **z),
        umsetzungsprojekt_anlegen,
    )
    aktion(
        "umsetzungsprojekt.leistung_aufnehmen",
        # Add a Leistung inside / outside the scope to the in-scope project.
        lambda w, b: _ns(
            projekt=Umsetzungsprojekt.objects.get(pk=w.projekt_im),
            leistung=_je(w, b, "leistung_frei", Leistung),
        ),
        lambda z: z.projekt.leistungen.filter(pk=z.leistung.pk).exists(),
        lambda user, z: umsetzungsprojekt_aendern(
            projekt=z.projekt, user=user, leistungen=[*z.projekt.leistungen.all(), z.leistung]
        ),
        umsetzungsprojekt_aendern,
    )
    aktion(
        "umsetzungsprojekt.bearbeiten",
        lambda w, b: _je(w, b, "projekt", Umsetzungsprojekt),
        lambda p: _frisch(p).beschreibung == NEU,
        lambda user, p: umsetzungsprojekt_aendern(projekt=p, user=user, beschreibung=NEU),
        umsetzungsprojekt_aendern,
    )

    # --- Umsetzungsstand and Marktplatz -----------------------------------------------
    for ebene in ("land", "kreis", "gemeinde"):
        aktion(
            f"umsetzungsstand.{ebene}",
            lambda w, b, ebene=ebene: _ns(
                leistung=_je(w, b, "leistung", Leistung), gebiet=_je(w, b, ebene, Organisation)
            ),
            lambda z: Umsetzungsstand.objects.filter(
                leistung=z.leistung, gebiet=z.gebiet, reifegrad=3
            ).exists(),
            lambda user, z: umsetzungsstand_melden(
                leistung=z.leistung, gebiet=z.gebiet, reifegrad=3, user=user
            ),
            umsetzungsstand_melden,
        )
        aktion(
            f"umsetzungsstand.sammel_{ebene}",
            lambda w, b, ebene=ebene: _ns(
                leistung=_je(w, b, "leistung", Leistung), gebiet=_je(w, b, ebene, Organisation)
            ),
            lambda z: Umsetzungsstand.objects.filter(
                leistung=z.leistung, gebiet=z.gebiet, reifegrad=3
            ).exists(),
            lambda user, z: umsetzungsstaende_melden(
                [{"leistung": z.leistung, "gebiet": z.gebiet, "reifegrad": 3}], user=user
            ),
            umsetzungsstaende_melden,
        )
    aktion(
        "nachnutzung.erklaeren",
        lambda w, b: _ns(
            angebot=Nachnutzungsangebot.objects.get(pk=w.angebot_im),
            land=_je(w, b, "land", Organisation),
        ),
        lambda z: Nachnutzung.objects.filter(angebot=z.angebot, land=z.land).exists(),
        lambda user, z: nachnutzung_erklaeren(
            angebot=z.angebot, land=z.land, user=user, status=Nachnutzungsstatus.VEREINBART
        ),
        nachnutzung_erklaeren,
    )
    aktion(
        "nachnutzungsangebot.anlegen",
        lambda w, b: {
            "leistung": _je(w, b, "leistung", Leistung),
            "anbieter": _je(w, b, "land", Organisation),
            "titel": "Matrix-Angebot",
            "nachnutzungsmodell": Nachnutzungsmodell.EFA,
            "status": Angebotsstatus.PARTNER_GESUCHT,
        },
        lambda z: Nachnutzungsangebot.objects.filter(titel=z["titel"]).exists(),
        lambda user, z: nachnutzungsangebot_anlegen(user=user, **z),
        nachnutzungsangebot_anlegen,
    )
    aktion(
        "nachnutzungsangebot.bearbeiten",
        lambda w, b: _je(w, b, "angebot", Nachnutzungsangebot),
        lambda a: _frisch(a).titel == NEU,
        lambda user, a: nachnutzungsangebot_aendern(angebot=a, user=user, titel=NEU),
        nachnutzungsangebot_aendern,
    )

    # --- Anforderungsmanagement -------------------------------------------------------
    def _anforderung(w, b, art, mit_leistung=True, **extra):
        leistung = _je(w, b, "leistung", Leistung) if mit_leistung else None
        return {
            "art": art,
            "titel": f"Matrix-Anforderung {art} {mit_leistung}",
            "beschreibung": "Bitte prüfen.",
            "leistung": leistung,
            "themenfeld": _je(w, b, "themenfeld", Themenfeld),
            **extra,
        }

    aktion(
        "anforderung.aenderungsanfrage",
        lambda w, b: _anforderung(w, b, Anforderungsart.AENDERUNGSANFRAGE),
        lambda z: Anforderung.objects.filter(titel=z["titel"]).exists(),
        lambda user, z: anforderung_einreichen(user=user, **z),
        anforderung_einreichen,
    )
    aktion(
        "anforderung.hemmnis",
        lambda w, b: _anforderung(
            w, b, Anforderungsart.DIGITALISIERUNGSHEMMNIS, hemmnisart=Hemmnisart.RECHTLICH
        ),
        lambda z: Anforderung.objects.filter(titel=z["titel"]).exists(),
        lambda user, z: anforderung_einreichen(user=user, **z),
        anforderung_einreichen,
    )
    aktion(
        "anforderung.hemmnis_themenfeld",
        lambda w, b: _anforderung(
            w,
            b,
            Anforderungsart.DIGITALISIERUNGSHEMMNIS,
            mit_leistung=False,
            hemmnisart=Hemmnisart.TECHNISCH,
        ),
        lambda z: Anforderung.objects.filter(titel=z["titel"]).exists(),
        lambda user, z: anforderung_einreichen(user=user, **z),
        anforderung_einreichen,
    )
    aktion(
        "anforderung.entscheiden",
        lambda w, b: _je(w, b, "anforderung", Anforderung),
        lambda a: _frisch(a).status == Anforderungsstatus.ANGENOMMEN,
        lambda user, a: anforderung_entscheiden(
            anforderung=a,
            status=Anforderungsstatus.ANGENOMMEN,
            begruendung="Wird umgesetzt.",
            user=user,
        ),
        anforderung_entscheiden,
    )

    # --- Organisationen and Rollen ----------------------------------------------------
    aktion(
        "organisation.anlegen",
        lambda w, b: {
            "name": "Matrix-Kreis",
            "art": OrganisationsArt.KREIS,
            "parent": (land := _je(w, b, "land", Organisation)),
            "ars": _frei(Organisation, "ars", (f"{land.ars}{i:03d}" for i in range(999, 0, -1))),
        },
        lambda z: Organisation.objects.filter(ars=z["ars"]).exists(),
        lambda user, z: organisation_anlegen(user=user, **z),
        organisation_anlegen,
    )
    aktion(
        "organisation.bearbeiten",
        lambda w, b: _je(w, b, "land", Organisation),
        lambda o: _frisch(o).website == "https://matrix.example.org/",
        lambda user, o: organisation_aendern(
            organisation=o, user=user, website="https://matrix.example.org/"
        ),
        organisation_aendern,
    )
    aktion(
        "rollenzuweisung.anlegen",
        lambda w, b: _ns(
            benutzer=User.objects.get(pk=w.neuling),
            leistung=_je(w, b, "leistung", Leistung),
        ),
        lambda z: _grant_auf(z.benutzer, z.leistung),
        lambda user, z: rollenzuweisung_anlegen(
            benutzer=z.benutzer,
            rolle=Rolle.LEISTUNGSVERANTWORTLICHER,
            user=user,
            leistung=z.leistung,
        ),
        rollenzuweisung_anlegen,
    )
    aktion(
        "rollenzuweisung.aendern",
        lambda w, b: _je(w, b, "zuweisung", Rollenzuweisung),
        lambda zw: _frisch(zw).funktion == NEU,
        lambda user, zw: rollenzuweisung_aendern(zuweisung=zw, user=user, funktion=NEU),
        rollenzuweisung_aendern,
    )
    aktion(
        "rollenzuweisung.beenden",
        lambda w, b: _je(w, b, "zuweisung", Rollenzuweisung),
        lambda zw: _frisch(zw).gueltig_bis is not None and not _grant_auf(zw.user, zw.leistung),
        lambda user, zw: rollenzuweisung_beenden(zuweisung=zw, user=user),
        rollenzuweisung_beenden,
    )
    aktion(
        "rollenzuweisung.loeschen",
        lambda w, b: _je(w, b, "zuweisung", Rollenzuweisung),
        lambda zw: (
            not Rollenzuweisung.objects.filter(pk=zw.pk).exists()
            and not _grant_auf(zw.user, zw.leistung)
        ),
        lambda user, zw: rollenzuweisung_loeschen(zuweisung=zw, user=user),
        rollenzuweisung_loeschen,
    )
    return A


def _grant_auf(benutzer, obj) -> bool:
    """Whether ``benutzer`` holds any guardian grant on ``obj``."""
    return UserObjectPermission.objects.filter(
        user=benutzer,
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=str(obj.pk),
    ).exists()


#: Adapters of every channel but "service", per channel and action name, e.g.
#: ``ADAPTER["api"] = {"leistung.steckbrief": lambda user, le: ..., ...}`` (with a
#: ``Kanal("api", ...)`` in KANAELE). Every action needs one per channel.
ADAPTER: dict[str, dict[str, Callable[[Any, Any], Any] | KeinWeg]] = {}


# --- Channel "api": the same writes through /api/v1/ ----------------------------------

#: Anonymous writes: 401 (docs/api.md, token authentication first) or 403.
API_ANONYM = frozenset({401, 403})
#: Signed in, object visible, action not permitted.
API_VERBOTEN = frozenset({403})
#: Signed in, the addressed object hidden by ``restrict(queryset, user)``.
API_UNSICHTBAR = frozenset({404})


#: One client for every request (its handler loads the middleware once); it holds no
#: session, the user is forced per request.
_API_CLIENT = APIClient()


def _api(user, methode: str, pfad: str, daten: dict | None = None, objekt=None):
    """One request to ``/api/v1/<pfad>`` as ``user`` (anonymous: unauthenticated).

    ``objekt`` is the object the URL addresses (detail and detail actions): when the user
    cannot see it, a refusal must be 404. The accepted refusal statuses are attached to
    the response as ``matrix_verweigert``.
    """
    if not user.is_authenticated:
        verweigert = API_ANONYM
    elif objekt is not None and not restrict(type(objekt).objects.filter(pk=objekt.pk), user):
        verweigert = API_UNSICHTBAR
    else:
        verweigert = API_VERBOTEN
    _API_CLIENT.force_authenticate(user if user.is_authenticated else None)
    try:
        antwort = getattr(_API_CLIENT, methode)(f"/api/v1/{pfad}", daten, format="json")
    finally:
        _API_CLIENT.force_authenticate(None)
    antwort.matrix_verweigert = verweigert
    return antwort


def _detail(methode: str, pfad: str, daten_von: Callable[[Any], dict] | None = None):
    """Adapter for ``<pfad>/<pk>/`` of the action's target object."""

    def ausfuehren(user, obj):
        daten = daten_von(obj) if daten_von else None
        return _api(user, methode, f"{pfad}/{obj.pk}/", daten, objekt=obj)

    return ausfuehren


def _ids(daten: dict) -> dict:
    """Model instances → primary keys, dates → ISO strings (JSON body)."""
    aus = {}
    for k, v in daten.items():
        if isinstance(v, list):
            v = [getattr(x, "pk", x) for x in v]
        elif isinstance(v, dt.date):
            v = v.isoformat()
        else:
            v = getattr(v, "pk", v)
        aus[k] = v
    return aus


def _anlegen(pfad: str):
    """Adapter for ``POST <pfad>/`` with the service's keyword arguments as body."""
    return lambda user, z: _api(user, "post", f"{pfad}/", _ids(z))


def _api_sammelmeldung(user, z):
    """POST umsetzungsstaende/sammelmeldung/ with one row. The right to report is checked
    per row: a Gebiet the user may not report for is that row's error (400, column ars)."""
    antwort = _api(
        user,
        "post",
        "umsetzungsstaende/sammelmeldung/",
        {"zeilen": [{"ozg_id": z.leistung.ozg_id, "ars": z.gebiet.ars, "reifegrad": 3}]},
    )
    if antwort.status_code == 400 and [f["feld"] for f in antwort.json()["fehler"]] == ["ars"]:
        antwort.matrix_verweigert = {400}
    return antwort


_KEIN_LESEN_SCHREIBEN = "read-only resource in the API"

ADAPTER["api"] = {
    "themenfeld.anlegen": KeinWeg("themenfelder/: no POST (catalogue structure)"),
    "themenfeld.phase": _detail("patch", "themenfelder", lambda tf: {"phase": Phase.KONZEPTION}),
    "themenfeld.federfuehrung": lambda user, z: _api(
        user,
        "patch",
        f"themenfelder/{z.themenfeld.pk}/",
        {"federfuehrendes_ressort": z.ressort.pk},
        objekt=z.themenfeld,
    ),
    "lebenslage.anlegen": KeinWeg(f"lebenslagen/: {_KEIN_LESEN_SCHREIBEN}"),
    "lebenslage.bearbeiten": KeinWeg(f"lebenslagen/: {_KEIN_LESEN_SCHREIBEN}"),
    "persona.anlegen": KeinWeg("no Persona resource"),
    "nutzerreise.anlegen": KeinWeg("no Nutzerreise resource"),
    "leistung.anlegen": _anlegen("leistungen"),
    "leistung.massenanlage": KeinWeg("no bulk endpoint (leistungen_anlegen)"),
    "leistung.steckbrief": _detail("patch", "leistungen", lambda le: {"steckbrief": NEU}),
    "leistung.prioritaet": _detail(
        "patch", "leistungen", lambda le: {"prioritaet": Prioritaet.PRIO_3}
    ),
    "leistung.themenfeld": lambda user, z: _api(
        user,
        "patch",
        f"leistungen/{z.leistung.pk}/",
        {"themenfeld": z.themenfeld.pk},
        objekt=z.leistung,
    ),
    "depriorisierung.vorschlagen": lambda user, le: _api(
        user,
        "post",
        f"leistungen/{le.pk}/depriorisierung-vorschlagen/",
        {
            "depriorisierungsgrund": Depriorisierungsgrund.RECHTLICH,
            "begruendung": "Schriftform vorgeschrieben.",
        },
        objekt=le,
    ),
    "depriorisierung.entscheiden": lambda user, le: _api(
        user,
        "post",
        f"leistungen/{le.pk}/depriorisierung-entscheiden/",
        {"bestaetigt": True},
        objekt=le,
    ),
    "leika.anlegen": KeinWeg(f"leika-leistungen/: {_KEIN_LESEN_SCHREIBEN}"),
    "leika.bearbeiten": KeinWeg(f"leika-leistungen/: {_KEIN_LESEN_SCHREIBEN}"),
    "leika.massenanlage": KeinWeg(f"leika-leistungen/: {_KEIN_LESEN_SCHREIBEN}"),
    "referenzimplementierung.setzen": KeinWeg("no Referenzimplementierung resource"),
    "ergebnis.anlegen": lambda user, le: _api(
        user,
        "post",
        "ergebnisse/",
        {
            "leistung": le.pk,
            "ergebnistyp": Ergebnistyp.KLICK_PROTOTYP,
            "status": Ergebnisstatus.IN_ARBEIT,
        },
    ),
    "ergebnis.bearbeiten": _detail(
        "patch", "ergebnisse", lambda e: {"status": Ergebnisstatus.IN_ARBEIT}
    ),
    "meilenstein.anlegen": _anlegen("meilensteine"),
    "meilenstein.anlegen_themenfeld": _anlegen("meilensteine"),
    "meilenstein.bearbeiten": _detail(
        "patch", "meilensteine", lambda m: {"erreicht": ERREICHT.isoformat()}
    ),
    "meilenstein.bearbeiten_themenfeld": _detail(
        "patch", "meilensteine", lambda m: {"erreicht": ERREICHT.isoformat()}
    ),
    "meilenstein.leistung_wechseln": lambda user, z: _api(
        user,
        "patch",
        f"meilensteine/{z.meilenstein.pk}/",
        {"leistung": z.leistung.pk, "themenfeld": z.themenfeld.pk},
        objekt=z.meilenstein,
    ),
    "umsetzungsprojekt.anlegen": _anlegen("umsetzungsprojekte"),
    "umsetzungsprojekt.bearbeiten": _detail(
        "patch", "umsetzungsprojekte", lambda p: {"beschreibung": NEU}
    ),
    "umsetzungsprojekt.leistung_aufnehmen": lambda user, z: _api(
        user,
        "patch",
        f"umsetzungsprojekte/{z.projekt.pk}/",
        {"leistungen": [*z.projekt.leistungen.values_list("pk", flat=True), z.leistung.pk]},
        objekt=z.projekt,
    ),
    **{
        f"umsetzungsstand.{ebene}": lambda user, z: _api(
            user,
            "post",
            "umsetzungsstaende/",
            {"leistung": z.leistung.pk, "gebiet": z.gebiet.pk, "reifegrad": 3},
        )
        for ebene in ("land", "kreis", "gemeinde")
    },
    **{
        f"umsetzungsstand.sammel_{ebene}": lambda user, z: _api_sammelmeldung(user, z)
        for ebene in ("land", "kreis", "gemeinde")
    },
    "nachnutzung.erklaeren": lambda user, z: _api(
        user,
        "post",
        "nachnutzungen/",
        {"angebot": z.angebot.pk, "land": z.land.pk, "status": Nachnutzungsstatus.VEREINBART},
    ),
    "nachnutzungsangebot.anlegen": _anlegen("nachnutzungsangebote"),
    "nachnutzungsangebot.bearbeiten": _detail(
        "patch", "nachnutzungsangebote", lambda a: {"titel": NEU}
    ),
    "anforderung.aenderungsanfrage": _anlegen("anforderungen"),
    "anforderung.hemmnis": _anlegen("anforderungen"),
    "anforderung.hemmnis_themenfeld": _anlegen("anforderungen"),
    "anforderung.entscheiden": lambda user, a: _api(
        user,
        "post",
        f"anforderungen/{a.pk}/entscheiden/",
        {"status": Anforderungsstatus.ANGENOMMEN, "begruendung": "Wird umgesetzt."},
        objekt=a,
    ),
    "organisation.anlegen": _anlegen("organisationen"),
    "organisation.bearbeiten": _detail(
        "patch", "organisationen", lambda o: {"website": "https://matrix.example.org/"}
    ),
    "rollenzuweisung.anlegen": lambda user, z: _api(
        user,
        "post",
        "rollenzuweisungen/",
        {
            "user": z.benutzer.pk,
            "rolle": Rolle.LEISTUNGSVERANTWORTLICHER,
            "leistung": z.leistung.pk,
        },
    ),
    "rollenzuweisung.aendern": _detail("patch", "rollenzuweisungen", lambda zw: {"funktion": NEU}),
    "rollenzuweisung.beenden": KeinWeg("rollenzuweisungen/: no action for rollenzuweisung_beenden"),
    "rollenzuweisung.loeschen": _detail("delete", "rollenzuweisungen"),
}


# --- Channel "seite": the same writes through the page forms (leistungen/bearbeiten) --

#: Signed in, the page refuses the object: 403 (``darf``) or 404 (hidden by restrict).
SEITE_VERBOTEN = frozenset({403})
SEITE_UNSICHTBAR = frozenset({404})
#: The form lacks the field the role may not write: the crafted POST saves the other
#: (unchanged) values and redirects, or re-renders the form; the field is ignored.
SEITE_FELD_FEHLT = frozenset({200, 302})
#: The form offers the field but not the value (a choice outside the scope): invalid.
SEITE_WERT_FEHLT = frozenset({200})

#: One client for every request (middleware loaded once); logged in/out per request.
_SEITE_CLIENT = Client()


def _formwert(wert):
    """A Python value → what a browser would POST for it."""
    if isinstance(wert, (list, tuple, models.QuerySet)):
        return [str(getattr(w, "pk", w)) for w in wert]
    if wert is None:
        return ""
    if wert is True:
        return "on"
    if isinstance(wert, (dt.date, dt.datetime)):
        return wert.isoformat()
    return str(getattr(wert, "pk", wert))


def _formdaten(form) -> dict:
    """The values a browser submits for an unchanged ``form`` (hidden version included;
    files and unticked checkboxes are not sent)."""
    daten = {}
    for bf in form:
        wert = bf.value()
        if wert is False or isinstance(bf.field, forms.FileField):
            continue
        daten[bf.html_name] = _formwert(wert)
    return daten


def _seite(user, pfad: str, aendern: dict, *, objekt=None, sperre: frozenset = frozenset()):
    """GET ``/leistungen/<pfad>`` as ``user`` (anonymous: not logged in), then POST the
    form's current values with ``aendern`` over them, like a browser with a crafted field.

    ``objekt``: what the URL addresses (hidden by ``restrict`` → 404). ``sperre``: the
    fields of ``aendern`` whose absence from the form (or value not offered) is this
    action's field-level refusal – declared per action, never inferred for the others.
    The accepted refusal statuses are attached as ``matrix_verweigert``.
    """
    client = _SEITE_CLIENT
    url = f"/leistungen/{pfad}"
    if user.is_authenticated:
        # Logging in is not the write under test: keep last_login out of the snapshot.
        getrennt = user_logged_in.disconnect(dispatch_uid="update_last_login")
        try:
            client.force_login(user)
        finally:
            if getrennt:
                user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")
    try:
        seite = client.get(url)
        daten = {k: _formwert(v) for k, v in aendern.items()}
        grund = "403: darf nicht"
        verweigert = SEITE_VERBOTEN
        if not user.is_authenticated:
            grund, verweigert = "anonym: Anmeldeseite", frozenset({302})
        elif objekt is not None and not restrict(type(objekt).objects.filter(pk=objekt.pk), user):
            grund, verweigert = "404: unsichtbar", SEITE_UNSICHTBAR
        if seite.status_code == 200:
            form = seite.context["form"]
            daten = {**_formdaten(form), **daten}
            for name in sperre:
                if name not in form.fields:
                    grund, verweigert = f"Feld {name} fehlt im Formular", SEITE_FELD_FEHLT
                    break
                try:
                    form.fields[name].clean(daten[name])
                except ValidationError:
                    grund, verweigert = f"Wert für {name} nicht angeboten", SEITE_WERT_FEHLT
                    break
        antwort = client.post(url, daten)
    finally:
        client.logout()
    anmeldung = resolve_url(settings.LOGIN_URL)
    antwort.matrix_zur_anmeldung = antwort.get("Location", "").startswith(anmeldung)
    antwort.matrix_verweigert = verweigert
    antwort.matrix_grund = grund
    kontext = antwort.context
    form = kontext.get("form") if kontext is not None else None
    antwort.matrix_formfehler = form.errors.get_json_data() if form is not None else None
    return antwort


def _seite_leistung(aendern: Callable[[Any], dict], sperre=frozenset(), leistung=lambda z: z):
    """Adapter for the Leistung form ``<ozg_id>/bearbeiten/``."""

    def ausfuehren(user, z):
        le = leistung(z)
        return _seite(
            user, f"{le.ozg_id}/bearbeiten/", aendern(z), objekt=le, sperre=frozenset(sperre)
        )

    return ausfuehren


def _seite_meilenstein(user, m):
    return _seite(user, f"meilensteine/{m.pk}/", {"erreicht": ERREICHT}, objekt=m)


def _seite_umsetzungsstand(user, z):
    return _seite(
        user,
        "umsetzungsstand/",
        {"leistung": z.leistung.ozg_id, "gebiet": z.gebiet.ars, "reifegrad": 3},
        sperre=frozenset({"gebiet"}),
    )


_NUR_SERVICE = "no page form (leistungen/bearbeiten has none; only service/API)"

ADAPTER["seite"] = {
    "themenfeld.anlegen": KeinWeg(_NUR_SERVICE),
    "themenfeld.phase": KeinWeg(_NUR_SERVICE),
    "themenfeld.federfuehrung": KeinWeg(_NUR_SERVICE),
    "lebenslage.anlegen": KeinWeg(_NUR_SERVICE),
    "lebenslage.bearbeiten": KeinWeg(_NUR_SERVICE),
    "persona.anlegen": KeinWeg(_NUR_SERVICE),
    "nutzerreise.anlegen": KeinWeg(_NUR_SERVICE),
    "leistung.anlegen": KeinWeg("no 'new Leistung' page (catalogue)"),
    "leistung.massenanlage": KeinWeg("no import page for Leistungen"),
    # Field-level: UK/LV have no "prioritaet", FF/UK/LV no "themenfeld", only PM has
    # "depriorisierung_entscheidung" (rechte.schreibbare_felder / LeistungForm).
    "leistung.steckbrief": _seite_leistung(lambda le: {"steckbrief": NEU}),
    "leistung.prioritaet": _seite_leistung(
        lambda le: {"prioritaet": Prioritaet.PRIO_3}, sperre={"prioritaet"}
    ),
    "leistung.themenfeld": _seite_leistung(
        lambda z: {"themenfeld": z.themenfeld}, sperre={"themenfeld"}, leistung=lambda z: z.leistung
    ),
    "depriorisierung.vorschlagen": _seite_leistung(
        lambda le: {
            "prioritaet": Prioritaet.DEPRIORISIERT,
            "depriorisierungsgrund": Depriorisierungsgrund.RECHTLICH,
            "depriorisierung_begruendung": "Schriftform vorgeschrieben.",
            # Only PM's form has it (PM's proposal is not marked by the service).
            "depriorisierung_entscheidung": Depriorisierungsentscheidung.VORGESCHLAGEN,
        },
        sperre={"prioritaet"},
    ),
    "depriorisierung.entscheiden": _seite_leistung(
        lambda le: {"depriorisierung_entscheidung": Depriorisierungsentscheidung.BESTAETIGT},
        sperre={"depriorisierung_entscheidung"},
    ),
    "leika.anlegen": KeinWeg(_NUR_SERVICE),
    "leika.bearbeiten": KeinWeg(_NUR_SERVICE),
    "leika.massenanlage": KeinWeg(_NUR_SERVICE),
    "referenzimplementierung.setzen": KeinWeg(_NUR_SERVICE),
    "ergebnis.anlegen": lambda user, le: _seite(
        user,
        f"{le.ozg_id}/ergebnisse/{Ergebnistyp.KLICK_PROTOTYP}/",
        {"status": Ergebnisstatus.IN_ARBEIT},
        objekt=le,
    ),
    "ergebnis.bearbeiten": lambda user, e: _seite(
        user,
        f"{e.leistung.ozg_id}/ergebnisse/{e.ergebnistyp}/",
        {"status": Ergebnisstatus.IN_ARBEIT},
        objekt=e.leistung,
    ),
    "meilenstein.anlegen": lambda user, z: _seite(
        user,
        f"{z['leistung'].ozg_id}/meilensteine/neu/",
        {"phase": z["phase"], "name": z["name"], "geplant": z["geplant"]},
        objekt=z["leistung"],
    ),
    "meilenstein.anlegen_themenfeld": KeinWeg(
        "meilensteine/neu/ hangs under a Leistung; no page for a Themenfeld's Meilenstein"
    ),
    "meilenstein.bearbeiten": _seite_meilenstein,
    "meilenstein.bearbeiten_themenfeld": _seite_meilenstein,
    "meilenstein.leistung_wechseln": KeinWeg(
        "MeilensteinForm has no leistung/themenfeld field (for anyone); "
        "see test_seite_meilenstein_ignoriert_leistung"
    ),
    "umsetzungsprojekt.anlegen": KeinWeg("no 'new Umsetzungsprojekt' page"),
    "umsetzungsprojekt.bearbeiten": lambda user, p: _seite(
        user, f"umsetzungsprojekte/{p.pk}/bearbeiten/", {"beschreibung": NEU}, objekt=p
    ),
    # Field-level: a Leistung outside the scope is not among the offered choices.
    "umsetzungsprojekt.leistung_aufnehmen": lambda user, z: _seite(
        user,
        f"umsetzungsprojekte/{z.projekt.pk}/bearbeiten/",
        {"leistungen": [*z.projekt.leistungen.all(), z.leistung]},
        objekt=z.projekt,
        sperre=frozenset({"leistungen"}),
    ),
    # Field-level: a Gebiet outside the OZG-Koordinator's Land is not offered; roles
    # without any Meldegebiet get 403. (The status sheet upload is the bulk variant.)
    **{
        f"umsetzungsstand.{ebene}": _seite_umsetzungsstand
        for ebene in ("land", "kreis", "gemeinde")
    },
    **{
        f"umsetzungsstand.sammel_{ebene}": KeinWeg(
            "status sheet upload → preview → apply (leistungen/tests/test_statusblatt.py)"
        )
        for ebene in ("land", "kreis", "gemeinde")
    },
    "nachnutzung.erklaeren": KeinWeg(_NUR_SERVICE),
    "nachnutzungsangebot.anlegen": KeinWeg(_NUR_SERVICE),
    "nachnutzungsangebot.bearbeiten": KeinWeg(_NUR_SERVICE),
    "anforderung.aenderungsanfrage": KeinWeg(_NUR_SERVICE),
    "anforderung.hemmnis": KeinWeg(_NUR_SERVICE),
    "anforderung.hemmnis_themenfeld": KeinWeg(_NUR_SERVICE),
    "anforderung.entscheiden": KeinWeg(_NUR_SERVICE),
    "organisation.anlegen": KeinWeg(_NUR_SERVICE),
    "organisation.bearbeiten": KeinWeg(_NUR_SERVICE),
    "rollenzuweisung.anlegen": KeinWeg(_NUR_SERVICE),
    "rollenzuweisung.aendern": KeinWeg(_NUR_SERVICE),
    "rollenzuweisung.beenden": KeinWeg(_NUR_SERVICE),
    "rollenzuweisung.loeschen": KeinWeg(_NUR_SERVICE),
}

AKTIONEN = _aktionen()
AKTION = {a.name: a for a in AKTIONEN}
for _kanal, _adapter in ADAPTER.items():
    for _name, _ausfuehren in _adapter.items():
        AKTION[_name].kanaele[_kanal] = _ausfuehren


# ======================================================================================
# The fixed world
# ======================================================================================


def _welt_bauen() -> SimpleNamespace:
    """Two of everything: ``*_im`` inside every role's scope, ``*_aus`` outside."""
    w = SimpleNamespace()
    ressort_im, ressort_aus = f.RessortFactory(), f.RessortFactory()
    land_im, land_aus, land_anbieter = f.LandFactory(), f.LandFactory(), f.LandFactory()
    kreis_im, kreis_aus = f.KreisFactory(parent=land_im), f.KreisFactory(parent=land_aus)
    gemeinde_im = f.GemeindeFactory(parent=kreis_im)
    gemeinde_aus = f.GemeindeFactory(parent=kreis_aus)
    tf_im = f.ThemenfeldFactory(federfuehrendes_ressort=ressort_im, federfuehrendes_land=land_im)
    tf_aus = f.ThemenfeldFactory(federfuehrendes_ressort=ressort_aus, federfuehrendes_land=land_aus)
    welt = {}
    for b, tf, ressort, land, kreis, gemeinde in (
        ("im", tf_im, ressort_im, land_im, kreis_im, gemeinde_im),
        ("aus", tf_aus, ressort_aus, land_aus, kreis_aus, gemeinde_aus),
    ):
        leistung = f.LeistungFactory(themenfeld=tf)
        leistung_dep = f.LeistungFactory(
            themenfeld=tf,
            depriorisiert=True,
            depriorisierung_entscheidung=Depriorisierungsentscheidung.VORGESCHLAGEN,
        )
        projekt = f.UmsetzungsprojektFactory(themenfeld=tf, leistungen=[leistung, leistung_dep])
        welt.update(
            {
                f"ressort_{b}": ressort,
                f"land_{b}": land,
                f"kreis_{b}": kreis,
                f"gemeinde_{b}": gemeinde,
                f"themenfeld_{b}": tf,
                f"lebenslage_{b}": f.LebenslageFactory(themenfeld=tf),
                f"leistung_{b}": leistung,
                f"leistung_dep_{b}": leistung_dep,
                # In the Themenfeld, but in no project and without a Leistungsverantwortlicher.
                f"leistung_frei_{b}": f.LeistungFactory(themenfeld=tf),
                f"projekt_{b}": projekt,
                f"ergebnis_{b}": f.ErgebnisFactory(leistung=leistung),
                f"meilenstein_{b}": f.MeilensteinFactory(leistung=leistung),
                f"meilenstein_tf_{b}": f.MeilensteinFactory(themenfeld=tf),
                f"leika_{b}": f.LeikaLeistungFactory(leistung=leistung),
                f"angebot_{b}": f.NachnutzungsangebotFactory(
                    leistung=leistung, anbieter=land_anbieter, veroeffentlicht=True
                ),
            }
        )
    # Somebody holding assignments the role-management actions change, and somebody
    # without any role who gets one.
    inhaber = f.UserFactory(username="inhaber")
    neuling = f.UserFactory(username="neuling")
    for b in ("im", "aus"):
        welt[f"zuweisung_{b}"] = rollenzuweisung_anlegen(
            benutzer=inhaber, rolle=Rolle.LEISTUNGSVERANTWORTLICHER, leistung=welt[f"leistung_{b}"]
        )
        welt[f"anforderung_{b}"] = f.AnforderungFactory(
            leistung=welt[f"leistung_{b}"], eingereicht_von=inhaber
        )
    w.neuling = neuling.pk
    for name, obj in welt.items():
        setattr(w, name, obj.pk)

    # One user per role, assigned (through the service) to the in-scope objects.
    bereich = {
        Rolle.PROGRAMMMANAGEMENT: [{}],
        Rolle.FEDERFUEHRER: [{"themenfeld": tf_im}],
        Rolle.UMSETZUNGSKOORDINATOR: [{"umsetzungsprojekt": welt["projekt_im"]}],
        Rolle.LEISTUNGSVERANTWORTLICHER: [
            {"leistung": welt["leistung_im"]},
            {"leistung": welt["leistung_dep_im"]},
        ],
        Rolle.OZG_KOORDINATOR: [{"organisation": land_im}],
        Rolle.RESSORTANSPRECHPARTNER: [{"organisation": ressort_im}],
        Rolle.LV_NACHNUTZENDES_LAND: [
            {"leistung": welt["leistung_im"], "organisation": land_im},
            {"leistung": welt["leistung_dep_im"], "organisation": land_im},
        ],
        Rolle.LESER: [{}],
    }
    assert set(bereich) == set(Rolle), "Welt: eine Rolle ohne Zuweisung"
    w.benutzer = {}
    for rolle, zuweisungen in bereich.items():
        benutzer = f.UserFactory(username=f"matrix-{rolle}")
        for felder in zuweisungen:
            rollenzuweisung_anlegen(benutzer=benutzer, rolle=rolle, **felder)
        w.benutzer[rolle] = benutzer.pk
    return w


@pytest.fixture(scope="module")
def welt(django_db_setup, django_db_blocker):
    """The world, created once per module in a transaction that is rolled back at the end.

    Each test's own transaction (pytest-django) is a savepoint inside this one.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _welt_bauen()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _benutzer(welt, rolle: str):
    if rolle == ANONYM:
        return AnonymousUser()
    return User.objects.get(pk=welt.benutzer[rolle])  # fresh: no cached permissions


# ======================================================================================
# Database snapshot for "refused → nothing changed"
# ======================================================================================

_APPS = {"ozgplattform", "themenfelder", "leistungen", "marktplatz", "anforderungen", "guardian"}


def _snapshot_modelle():
    modelle = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in _APPS and not m._meta.proxy
    ]
    modelle += [User, User.groups.through, User.user_permissions.through]
    return modelle


SNAPSHOT_MODELLE = _snapshot_modelle()


def _snapshot() -> dict[str, Any]:
    """Every row of every domain, history, guardian and user/group table.

    On PostgreSQL one query hashes each table's rows in the database; elsewhere the rows
    are compared in Python.
    """
    if connection.vendor == "postgresql":
        tabellen = [m._meta.db_table for m in SNAPSHOT_MODELLE]
        # Table names come from the models (quoted), never from input.
        quote = connection.ops.quote_name
        sql = " UNION ALL ".join(
            "SELECT %s, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
            f"FROM {quote(tabelle)} t"
            for tabelle in tabellen
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [m._meta.label for m in SNAPSHOT_MODELLE])
            return dict(cursor.fetchall())
    return {
        m._meta.label: list(m._base_manager.order_by("pk").values_list()) for m in SNAPSHOT_MODELLE
    }


def _unterschiede(vorher, nachher) -> list[str]:
    return [label for label in vorher if vorher[label] != nachher[label]]


# ======================================================================================
# Coverage guards
# ======================================================================================


def test_erwartung_deckt_jede_rolle_und_jede_aktion():
    assert set(SPALTEN.values()) == {*Rolle.values, ANONYM}, "eine Rolle fehlt in SPALTEN"
    zeilen = {aktion for aktion, _ in ERWARTUNG}
    ohne_erwartung, ohne_aktion = sorted(set(AKTION) - zeilen), sorted(zeilen - set(AKTION))
    assert not ohne_erwartung and not ohne_aktion, (ohne_erwartung, ohne_aktion)
    for aktion in AKTION:
        for rolle in ROLLEN_SPALTEN:
            assert (aktion, rolle) in ERWARTUNG, (aktion, rolle)
    assert len(AKTIONEN) == len(AKTION), "doppelter Aktionsname"


def test_jede_aktion_hat_jeden_kanal():
    assert set(ADAPTER) <= set(KANAELE), "Adapter für einen unbekannten Kanal"
    for aktion in AKTIONEN:
        assert set(aktion.kanaele) == set(KANAELE), aktion.name


#: Public service functions that are not permission-checked writes for users.
KEINE_SCHREIBAKTION = {
    # Unchecked building blocks: only the entity services above call them.
    "objekt_anlegen",
    "objekt_aendern",
    # Optimistic concurrency: reads the history / compares versions, writes nothing.
    "aenderungen_seit",
    "version_pruefen",
}

SERVICE_MODULE = (
    ozgplattform.services,
    themenfelder.services,
    leistungen.services,
    marktplatz.services,
    anforderungen.services,
)


def test_jede_servicefunktion_ist_in_der_matrix():
    """A new write service fails here until the matrix has an action for it."""
    abgedeckt = {s.__name__ for a in AKTIONEN for s in a.services}
    offen = []
    for modul in SERVICE_MODULE:
        for name, fn in inspect.getmembers(modul, inspect.isfunction):
            if fn.__module__ != modul.__name__ or name.startswith("_"):
                continue
            if name not in abgedeckt and name not in KEINE_SCHREIBAKTION:
                offen.append(f"{modul.__name__}.{name}")
    assert not offen, f"Schreibende Services ohne Zeile in der Rechtematrix: {offen}"


DOKU = Path(__file__).resolve().parents[2] / "docs" / "rechte.md"


def test_doku_beschreibt_jede_rolle_wie_die_rollentabelle():
    """docs/rechte.md carries every role's label and description word for word."""
    text = " ".join(DOKU.read_text(encoding="utf-8").split())
    for rolle, recht in ROLLEN.items():
        assert Rolle(rolle).label in text, rolle
        assert " ".join(recht.beschreibung.split()) in text, rolle
    assert set(ROLLEN) == set(Rolle)


@pytest.mark.django_db
def test_snapshot_bemerkt_jede_aenderung(welt):
    """The "database unchanged" check itself: a field, a history row, a grant."""
    vorher = _snapshot()
    Leistung.objects.filter(pk=welt.leistung_im).update(steckbrief="x")
    assert _unterschiede(vorher, _snapshot()) == ["leistungen.Leistung"]
    vorher = _snapshot()
    Leistung.history.filter(id=welt.leistung_im).first().delete()
    assert _unterschiede(vorher, _snapshot()) == ["leistungen.HistoricalLeistung"]
    vorher = _snapshot()
    UserObjectPermission.objects.filter(user_id=welt.benutzer[Rolle.FEDERFUEHRER]).delete()
    assert _unterschiede(vorher, _snapshot()) == ["guardian.UserObjectPermission"]


def test_anonym_ist_ueberall_verweigert():
    """The issue: the public writes nothing."""
    for aktion in AKTION:
        assert ERWARTUNG[aktion, ANONYM] == {IM: False, AUSSERHALB: False}, aktion


def test_programmmanagement_darf_alles():
    for aktion in AKTION:
        assert ERWARTUNG[aktion, Rolle.PROGRAMMMANAGEMENT] == {IM: True, AUSSERHALB: True}


def test_kein_weg_ist_ausdruecklich():
    """Writes a channel does not offer are a deliberate, reviewed list (not skipped cases)."""
    ohne_weg = {
        (kanal, aktion.name)
        for kanal in KANAELE
        for aktion in AKTIONEN
        if isinstance(aktion.kanaele[kanal], KeinWeg)
    }
    assert ohne_weg == {
        ("api", name)
        for name in (
            "themenfeld.anlegen",
            "lebenslage.anlegen",
            "lebenslage.bearbeiten",
            "persona.anlegen",
            "nutzerreise.anlegen",
            "leistung.massenanlage",
            "leika.anlegen",
            "leika.bearbeiten",
            "leika.massenanlage",
            "referenzimplementierung.setzen",
            "rollenzuweisung.beenden",
        )
    } | {
        ("seite", name)
        for name in (
            "themenfeld.anlegen",
            "themenfeld.phase",
            "themenfeld.federfuehrung",
            "lebenslage.anlegen",
            "lebenslage.bearbeiten",
            "persona.anlegen",
            "nutzerreise.anlegen",
            "leistung.anlegen",
            "leistung.massenanlage",
            "leika.anlegen",
            "leika.bearbeiten",
            "leika.massenanlage",
            "referenzimplementierung.setzen",
            "meilenstein.anlegen_themenfeld",
            "meilenstein.leistung_wechseln",
            "umsetzungsprojekt.anlegen",
            "umsetzungsstand.sammel_land",
            "umsetzungsstand.sammel_kreis",
            "umsetzungsstand.sammel_gemeinde",
            "nachnutzung.erklaeren",
            "nachnutzungsangebot.anlegen",
            "nachnutzungsangebot.bearbeiten",
            "anforderung.aenderungsanfrage",
            "anforderung.hemmnis",
            "anforderung.hemmnis_themenfeld",
            "anforderung.entscheiden",
            "organisation.anlegen",
            "organisation.bearbeiten",
            "rollenzuweisung.anlegen",
            "rollenzuweisung.aendern",
            "rollenzuweisung.beenden",
            "rollenzuweisung.loeschen",
        )
    }


@pytest.mark.django_db
def test_seite_meilenstein_ignoriert_leistung(welt):
    """meilenstein.leistung_wechseln has no page (KeinWeg): the form has no leistung /
    themenfeld field, and a crafted POST with them (by PM, who may move it) changes
    nothing but the fields the form has."""
    pm = _benutzer(welt, Rolle.PROGRAMMMANAGEMENT)
    m = Meilenstein.objects.get(pk=welt.meilenstein_im)
    andere = Leistung.objects.get(pk=welt.leistung_dep_aus)
    vorher = _snapshot()
    antwort = _seite(
        pm,
        f"meilensteine/{m.pk}/",
        {"leistung": andere, "themenfeld": andere.themenfeld_id},
        objekt=m,
    )
    assert antwort.status_code == 302, (antwort.status_code, antwort.matrix_formfehler)
    assert not _unterschiede(vorher, _snapshot())
    assert _frisch(m).leistung_id == welt.leistung_im


# ======================================================================================
# The matrix
# ======================================================================================


def _faelle():
    for kanal in KANAELE:
        for aktion in AKTIONEN:
            if isinstance(aktion.kanaele[kanal], KeinWeg):
                continue  # listed and checked in test_kein_weg_ist_ausdruecklich
            for rolle in ROLLEN_SPALTEN:
                for bereich in BEREICHE:
                    yield pytest.param(
                        kanal,
                        aktion.name,
                        rolle,
                        bereich,
                        id=f"{kanal}-{aktion.name}-{rolle}-{bereich}",
                    )


@pytest.mark.django_db
@pytest.mark.parametrize(("kanal", "aktion_name", "rolle", "bereich"), list(_faelle()))
def test_rechtematrix(welt, kanal, aktion_name, rolle, bereich):
    aktion = AKTION[aktion_name]
    ausfuehren = aktion.kanaele[kanal]
    user = _benutzer(welt, rolle)
    ziel = aktion.ziel(welt, bereich)
    assert not aktion.wirksam(ziel), "Die Welt hat die Änderung schon – Test wäre wertlos."
    erlaubt = ERWARTUNG[aktion_name, rolle][bereich]

    if erlaubt:
        KANAELE[kanal].erlaubt(ausfuehren, user, ziel)
        assert aktion.wirksam(ziel), "erlaubt, aber die Änderung fehlt in der Datenbank"
    else:
        vorher = _snapshot()
        KANAELE[kanal].verweigert(ausfuehren, user, ziel)
        nachher = _snapshot()
        assert not _unterschiede(vorher, nachher), "verweigert, aber die Datenbank ist geändert"
        assert not aktion.wirksam(ziel)


@pytest.mark.django_db
def test_welt_ist_nach_jedem_test_unveraendert(welt):
    """The outer transaction isolates: the earlier matrix cases left nothing behind."""
    assert not Themenfeld.objects.filter(name__startswith="Matrix-").exists()
    assert Leistung.objects.get(pk=welt.leistung_im).steckbrief == ""
    assert Rollenzuweisung.objects.filter(pk=welt.zuweisung_im, gueltig_bis=None).exists()
