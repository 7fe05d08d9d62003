"""Schemathesis against the OpenAPI schema of API v1 (``/api/schema/``), in-process.

Every operation of the schema gets a bounded number of generated requests (Hypothesis,
deterministic, no shrinking) against the demo programme (``demo_daten_anlegen``), as
the Programmmanagement with a write token; reads also anonymously. The requests are
valid for the schema (positive) or deliberately not (negative: wrong types, ids that are
no number, unknown fields). Each response must be no server error and conform to the
schema: a documented status code, the documented content type, headers and body.
Requests on detail routes use existing ids as well as generated ones, so both the
object and the 404 paths are exercised.

The WSGI app is Django's own handler, called through Schemathesis' WSGI transport in
the test's transaction (the handler's connection-closing signals are off for the test,
as Django's test client does).
"""

from __future__ import annotations

import datetime as dt

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import resolve
from django.utils import timezone
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ozgplattform.choices import Aktion, Rolle
from ozgplattform.demo import demo_daten_anlegen
from ozgplattform.konto.services import api_token_erstellen
from ozgplattform.rechte import darf
from ozgplattform.services import rollenzuweisung_anlegen
from ozgplattform.testing import factories as f
from ozgplattform.testing.api import api, detail_url

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

#: Generated requests per operation (and per existing id on detail routes: 2 more).
BEISPIELE = 6
#: Existing objects per resource whose ids the detail routes are tried with.
VORHANDENE_IDS = 2
#: Existing objects per referenced model that request bodies may point to.
REFERENZ_IDS = 20

EINSTELLUNGEN = hypothesis.settings(
    max_examples=BEISPIELE,
    deadline=None,
    derandomize=True,  # the same examples on every run
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: report the first failure
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler without closing the connection per request (the test's
    transaction must survive; django.test.Client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def demo(db):
    return demo_daten_anlegen()


@pytest.fixture
def pm_token(db) -> str:
    person = f.ProgrammmanagementFactory()
    _, klartext = api_token_erstellen(
        user=person,
        name="Schemathesis",
        schreibrecht=True,
        gueltig_bis=timezone.now() + dt.timedelta(days=1),
    )
    return klartext


def _vorhandene_ids(pfad: str) -> list[int]:
    """Ids of existing objects of the resource behind ``pfad`` (``…/{id}/…``)."""
    if "{id}" not in pfad:
        return []
    view = resolve(pfad.replace("{id}", "1")).func
    model = view.cls.queryset.model
    return list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:VORHANDENE_IDS])


def _referenzen(pfad: str) -> dict[str, list[int]]:
    """Existing ids for each reference field of the operation's input serializer
    (``{"themenfeld": [1, 2, …], "leistungen": […]}``)."""
    view = resolve(pfad.replace("{id}", "1")).func
    serializer_class = view.initkwargs.get("serializer_class") or view.cls.serializer_class
    referenzen = {}
    for name, feld in serializer_class().fields.items():
        feld = getattr(feld, "child_relation", feld)  # many=True
        queryset = getattr(feld, "queryset", None)
        if queryset is not None and not feld.read_only:
            ids = queryset.model._default_manager.order_by("pk").values_list("pk", flat=True)
            referenzen[name] = list(ids[:REFERENZ_IDS])
    return referenzen


def _referenzen_einsetzen(referenzen: dict[str, list[int]]):
    """Replace generated ids in a JSON body by existing ones, so that writes can pass
    validation and their success responses get checked too (deterministic choice)."""

    def einsetzen(case_und_zufall):
        case, zufall = case_und_zufall
        if isinstance(case.body, dict):
            for name, ids in referenzen.items():
                wert = case.body.get(name)
                if not ids or wert is None:
                    continue
                if isinstance(wert, list):
                    case.body[name] = zufall.sample(ids, min(len(wert), len(ids)))
                elif isinstance(wert, int) and not isinstance(wert, bool):
                    case.body[name] = zufall.choice(ids)
        return case

    return einsetzen


def _strategie(operation):
    """Valid requests (with existing references), invalid ones, and on detail routes
    valid requests for existing objects."""
    referenzen = _referenzen(operation.path) if operation.method.upper() != "GET" else {}

    def gueltig(**kwargs):
        basis = operation.as_strategy(**kwargs)
        if not referenzen:
            return basis
        zufall = st.randoms(use_true_random=False)
        return st.tuples(basis, zufall).map(_referenzen_einsetzen(referenzen))

    strategien = [gueltig(), operation.as_strategy(GenerationMode.NEGATIVE)]
    for pk in _vorhandene_ids(operation.path):
        strategien.append(gueltig(path_parameters={"id": pk}))
    return st.one_of(*strategien)


def _test(operation, headers: dict[str, str], anfragen: dict[str, int]):
    """The Hypothesis test of one operation (counting its requests in ``anfragen``)."""

    @EINSTELLUNGEN
    @hypothesis.given(case=_strategie(operation))
    def pruefen(case):
        anfragen[operation.label] += 1
        antwort = case.call(headers=headers)
        case.validate_response(antwort, checks=CHECKS, headers=headers)

    return pruefen


def _laufen(schema, headers: dict[str, str], methoden: set[str]) -> tuple[dict, list[str]]:
    """Run every operation with one of ``methoden``; return the number of requests per
    operation and the failures (one per failing operation, with the request)."""
    fehler: list[str] = []
    anfragen: dict[str, int] = {}
    for ergebnis in schema.get_all_operations():
        operation = ergebnis.ok()
        if operation.method.upper() not in methoden:
            continue
        anfragen[operation.label] = 0
        pruefen = _test(operation, headers, anfragen)
        try:
            pruefen()
        except (Exception, BaseExceptionGroup) as exc:  # collected, reported together below
            fehler.append(f"{operation.label}:\n{exc}")
    return anfragen, fehler


ALLE = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _alle_gelaufen(anfragen: dict[str, int], schema, methoden: set[str]) -> None:
    """Every operation of the schema with one of ``methoden`` got requests."""
    erwartet = {
        f"{methode.upper()} {pfad}"
        for pfad, operationen in schema.raw_schema["paths"].items()
        for methode in operationen
        if methode.upper() in methoden
    }
    assert set(anfragen) == erwartet
    assert all(anfragen.values()), anfragen


def test_api_programmmanagement_mit_schreibtoken(demo, pm_token, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    anfragen, fehler = _laufen(schema, {"Authorization": f"Token {pm_token}"}, ALLE)
    assert not fehler, "\n\n".join(fehler)
    _alle_gelaufen(anfragen, schema, ALLE)


def test_api_anonym_lesend(demo, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    anfragen, fehler = _laufen(schema, {}, {"GET"})
    assert not fehler, "\n\n".join(fehler)
    _alle_gelaufen(anfragen, schema, {"GET"})


# --------------------------------------------------------------------------------------
# What the run found, pinned down
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("methode", ["put", "patch"])
def test_rollenzuweisung_an_andere_person(db, methode):
    """PUT/PATCH with ``user`` (the holder) was a 500: the name collided with the
    service's ``user`` (the requester). Now the role moves to the other person, and the
    permissions of both follow."""
    bisher, neu = f.UserFactory(), f.UserFactory()
    leistung = f.LeistungFactory()
    zuweisung = rollenzuweisung_anlegen(
        benutzer=bisher, rolle=Rolle.LEISTUNGSVERANTWORTLICHER, leistung=leistung
    )
    assert darf(bisher, Aktion.LEISTUNG_BEARBEITEN, leistung)
    daten = {"user": neu.pk}
    if methode == "put":
        daten.update(rolle=Rolle.LEISTUNGSVERANTWORTLICHER, leistung=leistung.pk)
    antwort = getattr(api(f.ProgrammmanagementFactory()), methode)(
        detail_url("rollenzuweisung", zuweisung.pk), daten, format="json"
    )
    assert antwort.status_code == 200, antwort.content
    assert antwort.json()["user"] == neu.pk
    zuweisung.refresh_from_db()
    assert zuweisung.user == neu
    assert darf(neu, Aktion.LEISTUNG_BEARBEITEN, leistung)
    assert not darf(bisher, Aktion.LEISTUNG_BEARBEITEN, leistung)
