"""Browser journeys: Playwright on Debian's Chromium against pytest-django's live server.

Fixtures:

``browser``   one Chromium per test package (``/usr/bin/chromium``; no browser is ever
              downloaded – ``playwright install`` is not used). Missing Chromium fails
              the tests, it never skips them.
``server``    the live server URL, with a transactional database (the server thread
              sees the rows a test creates).
``page``      a fresh browser context and page per test (1280×900, German locale).
``axe``       axe-core (``vendor/axe.min.js``) for the WCAG 2.0/2.1 A and AA rules:
              ``axe.verstoesse()`` lists violations, ``axe.pruefen("Zustand")`` asserts
              there are none with a readable message.
``anmelden``  logs a user in through the real login form.

A failing browser test leaves ``test-artifacts/browser/<test>.png`` (full page) and
``<test>.html`` behind.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password

CHROMIUM = Path(os.environ.get("OZG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
#: The rules the platform promises: WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARTEFAKTE = Path(django_settings.BASE_DIR) / "test-artifacts" / "browser"
PASSWORT = "Browser-Testpasswort-2026"


# --------------------------------------------------------------------------------------
# Browser
# --------------------------------------------------------------------------------------


@contextlib.contextmanager
def chromium_sitzung():
    """Debian's Chromium under Playwright's sync API, for one fixture's scope. Missing
    Chromium fails the tests, it never skips them."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium fehlt unter {CHROMIUM}: `apt-get install chromium` "
            "(./scripts/test installiert es selbst, als root oder mit sudo).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread; Django would
    # then refuse ORM calls from the test code. Allowed only while the browser runs
    # (later test modules see the normal setting again).
    vorher = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if vorher is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = vorher


@pytest.fixture(scope="package")
def browser():
    with chromium_sitzung() as chromium:
        yield chromium


@pytest.fixture
def server(live_server, transactional_db, settings) -> str:
    """Base URL of the live server (no trailing slash)."""
    # Many logins per run: a fast hasher (PBKDF2 stays for hashes made elsewhere).
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    return live_server.url


@pytest.fixture
def page(browser, server):
    context = browser.new_context(
        base_url=server,
        viewport={"width": 1280, "height": 900},
        locale="de-DE",
        timezone_id="Europe/Berlin",
    )
    context.set_default_timeout(10_000)
    seite = context.new_page()
    yield seite
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep a full-page screenshot and the HTML of the page of a failed browser test."""
    outcome = yield
    bericht = outcome.get_result()
    if bericht.when not in ("setup", "call") or not bericht.failed:
        return
    seite = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if seite is None or seite.is_closed():
        return
    ARTEFAKTE.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", item.name).strip("_")
    try:
        seite.screenshot(path=str(ARTEFAKTE / f"{name}.png"), full_page=True)
        (ARTEFAKTE / f"{name}.html").write_text(seite.content(), encoding="utf-8")
    except Exception as fehler:  # the test's own failure matters more
        bericht.sections.append(("Artefakte", f"Screenshot/HTML nicht gespeichert: {fehler}"))
    else:
        bericht.sections.append(("Artefakte", f"{ARTEFAKTE / name}.png und .html"))


# --------------------------------------------------------------------------------------
# axe-core
# --------------------------------------------------------------------------------------


class Axe:
    def __init__(self, seite):
        self.seite = seite

    def verstoesse(self) -> list[dict]:
        """axe-core's violations of the WCAG 2.0/2.1 A/AA rules on the current page."""
        if not self.seite.evaluate("() => typeof window.axe !== 'undefined'"):
            self.seite.add_script_tag(path=str(AXE_JS))
        ergebnis = self.seite.evaluate(
            "async (optionen) => await window.axe.run(document, optionen)",
            {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        return ergebnis["violations"]

    def pruefen(self, zustand: str) -> None:
        """Assert that the page in ``zustand`` has no violations."""
        verstoesse = self.verstoesse()
        assert not verstoesse, f"axe-core: {zustand} ({self.seite.url})\n" + bericht(verstoesse)


def bericht(verstoesse: list[dict]) -> str:
    zeilen = []
    for verstoss in verstoesse:
        zeilen.append(
            f"- {verstoss['id']} [{verstoss.get('impact')}]: {verstoss['help']} "
            f"({verstoss['helpUrl']})"
        )
        for knoten in verstoss["nodes"][:10]:
            ziel = " ".join(str(t) for t in knoten["target"])
            zusammenfassung = " ".join(knoten.get("failureSummary", "").split())[:300]
            zeilen.append(f"    {ziel} – {zusammenfassung}")
    return "\n".join(zeilen)


@pytest.fixture
def axe(page) -> Axe:
    return Axe(page)


# --------------------------------------------------------------------------------------
# Users
# --------------------------------------------------------------------------------------


@pytest.fixture
def person(server):
    from ozgplattform.testing import factories as f

    return f.UserFactory(
        username="erika",
        email="erika.mustermann@example.org",
        first_name="Erika",
        last_name="Mustermann",
        password=make_password(PASSWORT),
    )


@pytest.fixture
def anmelden(page):
    """``anmelden(user)`` logs in through the login form and waits for the profile."""

    def _anmelden(user, passwort: str = PASSWORT):
        page.goto("/konto/anmelden/")
        page.get_by_label("Benutzername").fill(user.get_username())
        page.get_by_label("Passwort", exact=True).fill(passwort)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url("**/konto/")

    return _anmelden
