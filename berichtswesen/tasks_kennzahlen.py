"""Celery task of the daily snapshot (``Kennzahlenstand``).

Kept apart from ``berichtswesen/tasks.py`` (the report jobs); ``BerichtswesenConfig.ready``
imports it so the worker registers it (``app.autodiscover_tasks`` only finds ``tasks``).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from .kennzahlen import kennzahlen_festhalten as _festhalten


@shared_task(name="berichtswesen.kennzahlen_festhalten")
def kennzahlen_festhalten(stichtag: str | None = None) -> int:
    """Daily (Celery beat): store today's key figures. Argument: an ISO date or nothing
    (today). Idempotent — running it twice on a day overwrites the same rows."""
    return _festhalten(dt.date.fromisoformat(stichtag) if stichtag else None)
