"""The OpenAPI schema (``/api/schema/``) and the interactive docs (``/api/docs/``,
``/api/redoc/``): valid without warnings, every error response documented, served
without any external host."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ozgplattform.api.exceptions import exception_handler
from ozgplattform.konto.services import api_token_erstellen
from ozgplattform.testing import factories as f

METHODEN = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    """The schema as served at /api/schema/ (JSON)."""
    with django_db_blocker.unblock():
        antwort = Client().get("/api/schema/", {"format": "json"})
    assert antwort.status_code == 200
    return json.loads(antwort.content)


def operationen(schema: dict):
    for pfad, eintrag in schema["paths"].items():
        for methode in METHODEN:
            if methode in eintrag:
                yield pfad, methode, eintrag[methode]


def ist_liste(pfad: str, methode: str) -> bool:
    return methode == "get" and "{id}" not in pfad


def ist_detail(pfad: str) -> bool:
    return "{id}" in pfad


def kopfparameter(operation: dict) -> dict[str, dict]:
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}


def test_spectacular_validiert_ohne_warnung():
    """``manage.py spectacular --validate --fail-on-warn`` (as in CI) passes."""
    ausgabe = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=ausgabe)
    assert ausgabe.getvalue().startswith("openapi: 3.")


def test_titel_version_und_token_schema(schema):
    assert schema["info"]["title"] == "OZG-Plattform – REST-API"
    assert schema["info"]["version"] == "v1"
    assert "Token" in schema["info"]["description"]
    token = schema["components"]["securitySchemes"]["tokenAuth"]
    assert token == {**token, "type": "apiKey", "in": "header", "name": "Authorization"}
    assert all(
        {"tokenAuth": []} in operation["security"] for _, _, operation in operationen(schema)
    )
    assert not any(p.startswith("/api/schema") for p in schema["paths"])  # SERVE_INCLUDE_SCHEMA


def test_alle_ressourcen_im_schema(schema):
    for ressource in (
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
    ):
        assert f"/api/v1/{ressource}/" in schema["paths"]
        assert f"/api/v1/{ressource}/{{id}}/" in schema["paths"]


def test_fehlerantworten_je_operation(schema):
    fehlend = []
    for pfad, methode, operation in operationen(schema):
        erwartet = {"401", "403", "429"}
        # GET detail: an unknown field in ?fields= is a 400.
        if (
            ist_liste(pfad, methode)
            or (methode == "get" and ist_detail(pfad))
            or methode in ("post", "put", "patch")
        ):
            erwartet.add("400")
        if ist_detail(pfad) or ist_liste(pfad, methode):
            erwartet.add("404")
        if methode != "get":
            erwartet.add("409")
        if methode in ("put", "patch", "delete"):
            erwartet.add("412")
        if methode == "post":
            erwartet.add("422")
        if methode == "get" and ist_detail(pfad) and not pfad.endswith("/datei/"):
            erwartet.add("304")
        if pfad.endswith("/datei/"):  # a file, no ETag: never 304
            assert "304" not in operation["responses"], pfad
        if methode == "get":
            # Only a report's download answers 409 (still running) to a GET.
            verboten = {"412", "422"} if pfad.endswith("/datei/") else {"409", "412", "422"}
            assert not verboten & set(operation["responses"]), (pfad, methode)
        if not erwartet <= set(operation["responses"]):
            fehlend.append((methode, pfad, sorted(erwartet - set(operation["responses"]))))
    assert not fehlend


def test_fehlerkoerper_entsprechen_dem_exception_handler(schema):
    komponenten = schema["components"]["schemas"]
    assert komponenten["Fehler"]["required"] == ["detail"]
    assert set(komponenten["Konflikt"]["properties"]) == {"detail", "aenderungen"}
    aenderung = komponenten["Aenderung"]
    assert set(aenderung["required"]) == {"feld", "vorher", "nachher", "wer", "wann"}
    assert "non_field_errors" in komponenten["Validierungsfehler"]["properties"]
    antworten = schema["paths"]["/api/v1/leistungen/{id}/"]["patch"]["responses"]
    ref = {
        code: antworten[code]["content"]["application/json"]["schema"]["$ref"]
        for code in ("400", "401", "403", "404", "409", "412", "429")
    }
    assert ref["400"].endswith("/Validierungsfehler")
    assert ref["409"].endswith("/Konflikt")
    assert all(ref[c].endswith("/Fehler") for c in ("401", "403", "404", "412", "429"))


def test_konflikt_antwort_passt_zum_schema(schema, db):
    """The 409 body the exception handler builds for a lost update matches ``Konflikt``."""
    from jsonschema import Draft202012Validator
    from rest_framework.test import APIRequestFactory

    from ozgplattform import versionen

    leistung = f.LeistungFactory()
    konflikt = versionen.Konflikt(
        leistung,
        [
            versionen.Aenderung(
                "name", "alt", "neu", "Erika Muster", dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
            )
        ],
    )
    anfrage = APIRequestFactory().patch("/api/v1/leistungen/1/")
    antwort = exception_handler(konflikt, {"request": anfrage, "view": None})
    assert antwort.status_code == 409
    komponenten = schema["components"]["schemas"]
    validator = Draft202012Validator(
        {**komponenten["Konflikt"], "components": {"schemas": komponenten}}
    )
    assert not list(validator.iter_errors(json.loads(json.dumps(antwort.data))))


def test_retry_after_bei_429(schema):
    for pfad, methode, operation in operationen(schema):
        kopf = operation["responses"]["429"].get("headers", {})
        assert kopf["Retry-After"]["schema"]["type"] == "integer", (methode, pfad)
        assert kopf["Retry-After"]["required"] is True


def test_bedingte_kopfzeilen(schema):
    for pfad, methode, operation in operationen(schema):
        kopf = kopfparameter(operation)
        antworten = operation["responses"]
        if methode == "get" and ist_detail(pfad) and not pfad.endswith("/datei/"):
            assert "If-None-Match" in kopf, pfad
            assert "ETag" in antworten["200"]["headers"], pfad
            assert "ETag" in antworten["304"]["headers"], pfad
            assert "content" not in antworten["304"]
        else:
            assert "If-None-Match" not in kopf, (methode, pfad)
        if methode in ("put", "patch", "delete"):
            assert "If-Match" in kopf, (methode, pfad)
        else:
            assert "If-Match" not in kopf, (methode, pfad)
        if methode in ("put", "patch"):
            assert "ETag" in antworten["200"]["headers"], (methode, pfad)
        if methode == "post":
            schluessel = kopf["Idempotency-Key"]["schema"]
            assert schluessel == {"type": "string", "minLength": 1, "maxLength": 255}
            erfolg = [antworten[c] for c in ("200", "201") if c in antworten]
            # 202: an accepted job (report) – no object version yet, no ETag.
            assert erfolg or "202" in antworten, pfad
            assert all("ETag" in a["headers"] for a in erfolg), pfad
        else:
            assert "Idempotency-Key" not in kopf, (methode, pfad)
        if ist_liste(pfad, methode):
            assert "headers" not in antworten["200"] or "ETag" not in antworten["200"]["headers"]


def test_upserts_dokumentieren_200_und_201(schema):
    for ressource in ("ergebnisse", "umsetzungsstaende", "nachnutzungen"):
        antworten = schema["paths"][f"/api/v1/{ressource}/"]["post"]["responses"]
        assert {"200", "201"} <= set(antworten), ressource


def test_aktionen_antworten_mit_dem_objekt(schema):
    for pfad, anfrage, antwort in (
        (
            "/api/v1/leistungen/{id}/depriorisierung-vorschlagen/",
            "DepriorisierungVorschlagen",
            "Leistung",
        ),
        (
            "/api/v1/leistungen/{id}/depriorisierung-entscheiden/",
            "DepriorisierungEntscheiden",
            "Leistung",
        ),
        ("/api/v1/anforderungen/{id}/entscheiden/", "AnforderungEntscheiden", "Anforderung"),
    ):
        operation = schema["paths"][pfad]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert body.endswith(f"/{anfrage}Request"), pfad
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ok.endswith(f"/{antwort}"), pfad


def test_filter_sortierung_und_seiten_typisiert(schema):
    parameter = {p["name"]: p for p in schema["paths"]["/api/v1/leistungen/"]["get"]["parameters"]}
    assert parameter["themenfeld"]["schema"] == {"type": "array", "items": {"type": "integer"}}
    assert parameter["verzoegert"]["schema"] == {"type": "boolean"}
    assert parameter["reifegrad_min"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 4}
    assert parameter["land"]["schema"]["pattern"] == r"^\d{2}$"
    assert "prio1" in parameter["prioritaet"]["schema"]["items"]["enum"]
    sortierung = parameter["ordering"]
    assert sortierung["explode"] is False
    assert set(sortierung["schema"]["items"]["enum"]) >= {"name", "-name", "ozg_id", "-welle"}
    assert "-q" not in sortierung["schema"]["items"]["enum"]
    assert parameter["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert parameter["expand"]["schema"]["enum"]
    meilensteine = {
        p["name"]: p for p in schema["paths"]["/api/v1/meilensteine/"]["get"]["parameters"]
    }
    assert meilensteine["verzoegert"]["schema"] == {"type": "boolean"}
    liste = schema["paths"]["/api/v1/leistungen/"]["get"]["responses"]["200"]
    seite = liste["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][seite]["properties"]) == {
        "count",
        "next",
        "previous",
        "results",
    }


#: Endpoints that take files as well as JSON (the Sammelmeldung: a Statusblatt as is).
DATEI_EINGABE = {
    "/api/v1/umsetzungsstaende/sammelmeldung/": {
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    },
}


def test_nur_json_als_eingabe(schema):
    """The form parsers serve the browsable API only; scripts send JSON (and, where an
    endpoint is made for it, a CSV/XLSX file)."""
    for pfad, _methode, operation in operationen(schema):
        if "requestBody" in operation:
            erwartet = DATEI_EINGABE.get(pfad, {"application/json"})
            assert set(operation["requestBody"]["content"]) == erwartet, pfad


def test_lesende_antworten_ohne_pflichtfelder(schema):
    """?fields=/?kurz= select fields: read responses use the ``…Auswahl`` components
    (nothing required); write responses keep the full, required representation."""
    komponenten = schema["components"]["schemas"]
    detail = schema["paths"]["/api/v1/leistungen/{id}/"]
    lesen = detail["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    schreiben = detail["patch"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert lesen["$ref"].endswith("/LeistungAuswahl")
    assert schreiben["$ref"].endswith("/Leistung")
    assert "required" not in komponenten["LeistungAuswahl"]
    assert komponenten["LeistungAuswahl"]["properties"].keys() == (
        komponenten["Leistung"]["properties"].keys()
    )
    assert "name" in komponenten["Leistung"]["required"]
    parameter = {p["name"] for p in detail["get"]["parameters"]}
    assert {"fields", "kurz"} <= parameter


def test_eigene_400_auch_mit_feldfehlern(schema):
    """The Sammelmeldung's 400 lists errors per row – or, for headers and parameters,
    the generic field errors."""
    antwort = schema["paths"]["/api/v1/umsetzungsstaende/sammelmeldung/"]["post"]["responses"]
    varianten = antwort["400"]["content"]["application/json"]["schema"]["anyOf"]
    refs = {v["$ref"].rsplit("/", 1)[1] for v in varianten}
    assert refs == {"SammelmeldungFehler", "Validierungsfehler"}


def test_bedingte_felder_nicht_pflicht(schema):
    komponenten = schema["components"]["schemas"]
    leistung = komponenten["Leistung"]
    assert {"ergebnisse", "umsetzungsstaende"} <= set(leistung["properties"])
    assert not {"ergebnisse", "umsetzungsstaende"} & set(leistung["required"])
    assert "user" not in komponenten["Rollenzuweisung"]["required"]
    assert "typ" in leistung["required"]


# --------------------------------------------------------------------------------------
# Interactive docs: same origin only
# --------------------------------------------------------------------------------------

REFERENZ = re.compile(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def _referenzen(html: str) -> list[str]:
    return REFERENZ.findall(html)


def _statische_datei(url: str) -> str:
    pfad = urlsplit(url).path
    assert pfad.startswith("/static/"), url
    return pfad.removeprefix("/static/")


@pytest.mark.parametrize("pfad", ["/api/docs/", "/api/redoc/"])
def test_doku_nur_vom_eigenen_host(client, pfad):
    antwort = client.get(pfad)
    assert antwort.status_code == 200
    html = antwort.content.decode()
    referenzen = _referenzen(html)
    assert referenzen
    for url in referenzen:
        absolut = urljoin(f"http://testserver{pfad}", url)
        assert urlsplit(absolut).netloc == "testserver", url
        assert not url.startswith("//"), url
    assert not re.search(r"https?://", html)  # no external host anywhere in the page
    # No inline script: every <script> loads a file from this host.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    # Every referenced static file exists (staticfiles finders, as collectstatic uses).
    for url in referenzen:
        if urlsplit(url).path.startswith("/static/"):
            assert finders.find(_statische_datei(url)), url
    csp = antwort["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "http" not in csp


def test_swagger_startskript_und_schema_vom_eigenen_host(client):
    html = client.get("/api/docs/").content.decode()
    skript = next(u for u in _referenzen(html) if "script" in u and "/static/" not in u)
    antwort = client.get(skript)
    assert antwort.status_code == 200
    assert antwort["Content-Type"].startswith("application/javascript")
    js = antwort.content.decode()
    assert '"validatorUrl": null' in js
    assert "/api/schema/" in js
    assert not re.search(r"https?://", js)


def test_redoc_laedt_das_schema_vom_eigenen_host(client):
    html = client.get("/api/redoc/").content.decode()
    assert 'data-schema-url="/api/schema/"' in html
    assert "fonts.googleapis.com" not in html


def test_doku_mit_manifest_storage(client, settings, tmp_path):
    """Hashed static files as in production (WhiteNoise's storage is this one plus
    compression, which ``./scripts/test`` runs in its collectstatic step): after
    collectstatic the docs reference the hashed files, which exist."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", "-v", "0")
    for pfad in ("/api/docs/", "/api/redoc/"):
        html = client.get(pfad).content.decode()
        statisch = [u for u in _referenzen(html) if u.startswith("/static/")]
        assert statisch, pfad
        for url in statisch:
            datei = settings.STATIC_ROOT / _statische_datei(url)
            assert datei.exists(), url
            assert re.search(r"\.[0-9a-f]{12}\.(js|css|png)$", url), url  # hashed name


# --------------------------------------------------------------------------------------
# The worked Python example of docs/api.md
# --------------------------------------------------------------------------------------

DOKU = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _python_bloecke() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOKU.read_text(encoding="utf-8"), re.DOTALL)


def test_python_beispiele_sind_gueltiges_python():
    bloecke = _python_bloecke()
    assert len(bloecke) >= 2
    for block in bloecke:
        compile(block, "docs/api.md", "exec")
    assert "umsetzungsstaende/sammelmeldung/" in bloecke[0]
    assert '"zeilen"' in bloecke[1]


@pytest.mark.django_db(transaction=True)
def test_python_beispiel_verzoegerte_meilensteine(live_server, tmp_path):
    """Part (a) of the example, run as a script against the live server: it lists the
    delayed Meilensteine of Themenfeld Nr. 3 and nothing else."""
    themenfeld = f.ThemenfeldFactory(nummer=3)
    f.MeilensteinFactory(themenfeld=themenfeld, name="Klick-Prototyp verspätet")
    f.MeilensteinFactory(
        themenfeld=themenfeld,
        name="Pünktlich erreicht",
        geplant=dt.date(2021, 3, 31),
        erreicht=dt.date(2021, 3, 1),
    )
    f.MeilensteinFactory(name="Anderes Themenfeld verspätet")
    _, klartext = api_token_erstellen(
        user=f.UserFactory(),
        name="Beispiel",
        schreibrecht=False,
        gueltig_bis=timezone.now() + dt.timedelta(days=1),
    )
    skript = tmp_path / "beispiel_a.py"
    skript.write_text(_python_bloecke()[0].split("# (b)")[0], encoding="utf-8")
    lauf = subprocess.run(
        [sys.executable, str(skript)],
        env={**os.environ, "OZG_TOKEN": klartext, "OZG_API": f"{live_server.url}/api/v1/"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert lauf.returncode == 0, lauf.stderr
    zeilen = lauf.stdout.splitlines()
    assert len(zeilen) == 1, lauf.stdout
    assert "Klick-Prototyp verspätet" in zeilen[0]
    assert "Tage verzögert" in zeilen[0] and "erreicht noch nicht" in zeilen[0]


@pytest.mark.django_db(transaction=True)
def test_python_beispiel_sammelmeldung_aus_csv(live_server, tmp_path):
    """The whole example (a) and (b), run as a script against the live server by an
    OZG-Koordinator: the CSV is reported, a second run replays (Idempotency-Key), and a
    file with one bad row writes nothing and names the row."""
    from leistungen.models import Umsetzungsstand
    from ozgplattform.choices import Rolle
    from ozgplattform.testing.api import mit_rolle

    f.ThemenfeldFactory(nummer=3)
    land = f.LandFactory(ars="03", name="Niedersachsen")
    kreis = f.KreisFactory(parent=land, ars="03241", name="Region Hannover")
    eins = f.LeistungFactory(ozg_id=10001)
    zwei = f.LeistungFactory(ozg_id=10002)
    koordinator = mit_rolle(Rolle.OZG_KOORDINATOR, organisation=land)
    _, klartext = api_token_erstellen(
        user=koordinator,
        name="Beispiel",
        schreibrecht=True,
        gueltig_bis=timezone.now() + dt.timedelta(days=1),
    )
    skript = tmp_path / "beispiel.py"
    skript.write_text(_python_bloecke()[0], encoding="utf-8")
    csv = tmp_path / "status-niedersachsen.csv"

    def lauf():
        return subprocess.run(
            [sys.executable, str(skript)],
            cwd=tmp_path,
            env={**os.environ, "OZG_TOKEN": klartext, "OZG_API": f"{live_server.url}/api/v1/"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    csv.write_text(
        "ozg_id;ars;reifegrad;online_url\n"
        "10001;03;3;https://service.niedersachsen.example/antrag\n"
        "10002;03241;2;\n",
        encoding="utf-8",
    )
    erster = lauf()
    assert erster.returncode == 0, erster.stderr
    staende = {(s.leistung_id, s.gebiet_id): s.reifegrad for s in Umsetzungsstand.objects.all()}
    assert staende == {(eins.pk, land.pk): 3, (zwei.pk, kreis.pk): 2}
    assert '"neu": 2' in erster.stdout

    zweiter = lauf()  # same file, same key: the first answer, nothing reported twice
    assert zweiter.returncode == 0, zweiter.stderr
    assert '"neu": 2' in zweiter.stdout
    assert Umsetzungsstand.objects.count() == 2

    csv.write_text("ozg_id;ars;reifegrad\n10001;03;4\n99999;03;9\n", encoding="utf-8")
    fehler = lauf()
    assert fehler.returncode != 0
    assert "Nichts gespeichert" in fehler.stderr
    assert '"zeile": 3' in fehler.stdout
    assert Umsetzungsstand.objects.get(leistung=eins).reifegrad == 3


def test_unbekannter_api_pfad_ist_json_404(client):
    """An id that is no number matches no route: still a JSON 404 under /api/ (as the
    schema documents), the HTML 404 page elsewhere."""
    antwort = client.get("/api/v1/leistungen/1.5/")
    assert antwort.status_code == 404
    assert antwort["Content-Type"] == "application/json"
    assert antwort.json() == {"detail": "Nicht gefunden."}
    seite = client.get("/gibt-es-nicht/")
    assert seite.status_code == 404
    assert seite["Content-Type"].startswith("text/html")
