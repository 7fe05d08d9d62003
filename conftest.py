import os
from pathlib import Path

import pytest

#: The real 2019 catalogue, next to the repository (never copied into it).
KATALOG_2019 = Path(
    os.environ.get(
        "OZG_KATALOG_2019",
        Path(__file__).resolve().parent.parent / "shared" / "data" / "ozg-katalog-2019",
    )
)


@pytest.fixture(autouse=True)
def _kein_ssl_redirect(settings, tmp_path):
    settings.SECURE_SSL_REDIRECT = False
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _ohne_manifest(settings):
    """Plain static storage: without collectstatic there is no manifest to render
    ``{% static %}`` against (production uses WhiteNoise's manifest storage)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _axes(settings):
    """django-axes off by default in tests: ``client.login()`` calls ``authenticate()``
    without a request, which axes refuses. Tests of the login throttling override this
    fixture to switch it on (``ozgplattform/tests/test_konto.py``)."""
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _frischer_cache():
    """Every test starts with an empty cache: the API's rate limits count there (per
    token, user, IP — and every test-client request comes from 127.0.0.1), so counts
    must not leak from one test into the next (``ozgplattform/api/drosselung.py``)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _sprache_zuruecksetzen():
    """Every test starts and ends in the default language (German): a test-client request
    with the English language cookie leaves "en" active in the thread (LocaleMiddleware
    activates, nothing deactivates), which would leak into the next test's direct calls."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def katalog_2019() -> Path:
    if not (KATALOG_2019 / "ozg_leistungen.csv").exists():
        pytest.skip(f"Katalog 2019 nicht vorhanden unter {KATALOG_2019}")
    return KATALOG_2019
