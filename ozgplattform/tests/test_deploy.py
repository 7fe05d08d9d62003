"""Deployment checks in the test run: ``check --deploy``, migrations, settings defaults.

Each check runs ``manage.py`` (or the settings module) in a subprocess with a clean,
explicit environment, so nothing of the developer's or CI's environment leaks in
(the test run itself sets e.g. ``SECURE_SSL_REDIRECT=0``).
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
MANAGE = BASE_DIR / "manage.py"


def _grundumgebung(data_dir: Path) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATA_DIR": str(data_dir)}
    if "HOME" in os.environ:
        env["HOME"] = os.environ["HOME"]
    return env


def _produktion(data_dir: Path, **zusatz: str) -> dict[str, str]:
    env = _grundumgebung(data_dir)
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64)[:64],
        ALLOWED_HOSTS="ozg.example.org",
        # as docker-compose.yml sets it; the console default is for development only
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.example.org",
    )
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env.update(zusatz)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed command, no shell
        [sys.executable, str(MANAGE), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_ohne_warnungen(tmp_path):
    env = _produktion(tmp_path)
    assert len(env["SECRET_KEY"]) == 64
    ergebnis = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    ausgabe = ergebnis.stdout + ergebnis.stderr
    assert ergebnis.returncode == 0, ausgabe
    assert "System check identified no issues" in ausgabe
    assert "warn" not in ausgabe.lower()  # neither system-check nor Python warnings
    assert "security.W" not in ausgabe


def test_check_deploy_warnt_bei_debug(tmp_path):
    """The check is not vacuous: DEBUG=1 (and its insecure defaults) fails it."""
    ergebnis = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env=_produktion(tmp_path, DEBUG="1")
    )
    assert ergebnis.returncode != 0
    assert "security.W018" in ergebnis.stderr  # DEBUG in deployment
    assert "security.W004" in ergebnis.stderr  # no HSTS with DEBUG defaults


def test_check_deploy_warnt_bei_kurzem_secret_key(tmp_path):
    ergebnis = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=_produktion(tmp_path, SECRET_KEY="zu-kurz"),
    )
    assert ergebnis.returncode != 0
    assert "security.W009" in ergebnis.stderr


def test_check_deploy_meldet_konsolen_mailer(tmp_path):
    """Without EMAIL_BACKEND mails only go to the log: the deploy check must say so."""
    env = _produktion(tmp_path)
    del env["EMAIL_BACKEND"]
    ergebnis = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert ergebnis.returncode != 0
    assert "mail.E001" in ergebnis.stderr


def test_keine_fehlenden_migrationen(tmp_path):
    env = _produktion(tmp_path)
    ergebnis = _manage("makemigrations", "--check", "--dry-run", env=env)
    assert ergebnis.returncode == 0, ergebnis.stdout + ergebnis.stderr
    assert "No changes detected" in ergebnis.stdout


# --------------------------------------------------------------------------------------
# Settings defaults
# --------------------------------------------------------------------------------------

_SETTINGS_AUSGEBEN = """
import json
import ozgplattform.settings as s
print(json.dumps({
    "engine": s.DATABASES["default"]["ENGINE"],
    "name": str(s.DATABASES["default"]["NAME"]),
    "eager": s.CELERY_TASK_ALWAYS_EAGER,
    "broker": s.CELERY_BROKER_URL,
    "secret_key": s.SECRET_KEY,
    "debug": s.DEBUG,
}))
"""


def _settings_lesen(env: dict[str, str]) -> dict:
    ergebnis = subprocess.run(  # noqa: S603 - fixed command, no shell
        [sys.executable, "-c", _SETTINGS_AUSGEBEN],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ergebnis.returncode == 0, ergebnis.stderr
    return json.loads(ergebnis.stdout.strip().splitlines()[-1])


def test_settings_ohne_umgebungsvariablen(tmp_path):
    data_dir = tmp_path / "daten"
    werte = _settings_lesen(_grundumgebung(data_dir))

    assert werte["engine"] == "django.db.backends.sqlite3"
    assert werte["name"] == str(data_dir / "db.sqlite3")
    assert werte["eager"] is True
    assert werte["broker"] == ""
    assert werte["debug"] is False

    geheim = data_dir / ".secret"
    assert geheim.is_file()
    assert geheim.read_text().strip() == werte["secret_key"]
    assert len(werte["secret_key"]) >= 50
    assert stat.S_IMODE(geheim.stat().st_mode) == 0o600

    # persisted: the next start uses the same key
    assert _settings_lesen(_grundumgebung(data_dir))["secret_key"] == werte["secret_key"]
    # another DATA_DIR gets its own key
    anderer = _settings_lesen(_grundumgebung(tmp_path / "anderer"))["secret_key"]
    assert anderer != werte["secret_key"]


def test_settings_mit_postgres_und_broker(tmp_path):
    env = _grundumgebung(tmp_path)
    env.update(
        DATABASE_URL="postgres://ozg:geheim@db.example.org:5432/ozgplattform",
        CELERY_BROKER_URL="redis://redis.example.org:6379/0",
        SECRET_KEY=secrets.token_urlsafe(64),
    )
    werte = _settings_lesen(env)
    assert werte["engine"] == "django.db.backends.postgresql"
    assert werte["name"] == "ozgplattform"
    assert werte["eager"] is False
    assert werte["broker"] == "redis://redis.example.org:6379/0"
    assert werte["secret_key"] == env["SECRET_KEY"]
    # with SECRET_KEY from the environment nothing is written to DATA_DIR
    assert not (tmp_path / ".secret").exists()


def test_kaputte_secret_datei_wird_abgelehnt(tmp_path):
    (tmp_path / ".secret").write_text("kurz")
    ergebnis = subprocess.run(  # noqa: S603 - fixed command, no shell
        [sys.executable, "-c", _SETTINGS_AUSGEBEN],
        cwd=BASE_DIR,
        env=_grundumgebung(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ergebnis.returncode != 0
    assert "ImproperlyConfigured" in ergebnis.stderr


@pytest.mark.parametrize("debug", ["0", "1"])
def test_sicherheitseinstellungen_folgen_debug(tmp_path, debug):
    skript = (
        "import json, ozgplattform.settings as s; print(json.dumps([s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0]))"
    )
    env = _grundumgebung(tmp_path)
    env["DEBUG"] = debug
    ergebnis = subprocess.run(  # noqa: S603 - fixed command, no shell
        [sys.executable, "-c", skript],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ergebnis.returncode == 0, ergebnis.stderr
    erwartet = [debug == "0"] * 4
    assert json.loads(ergebnis.stdout.strip().splitlines()[-1]) == erwartet
