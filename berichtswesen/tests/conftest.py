import pytest

from berichtswesen.berichte import ARTEN
from ozgplattform.celery import app

from .berichtsarten import TESTARTEN


@pytest.fixture(autouse=True)
def _berichte_root(settings, tmp_path):
    settings.BERICHTE_ROOT = tmp_path / "berichte"
    settings.BERICHT_QUEUE = ""
    settings.BERICHT_WIEDERHOLUNG_SEKUNDEN = 0


@pytest.fixture
def testarten():
    """The test report types registered in ARTEN for one test."""
    vorher = dict(ARTEN)
    ARTEN.update(TESTARTEN)
    yield TESTARTEN
    ARTEN.clear()
    ARTEN.update(vorher)


@pytest.fixture
def eager():
    """Reports run in-process (the embedded default without broker), whatever
    CELERY_BROKER_URL the test run has (``scripts/test`` sets one)."""
    vorher = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = vorher
