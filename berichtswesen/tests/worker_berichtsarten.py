"""Imported by the test worker (``celery worker --include …``): registers the test
report types in that process."""

from berichtswesen.berichte import ARTEN

from .berichtsarten import TESTARTEN

ARTEN.update(TESTARTEN)
