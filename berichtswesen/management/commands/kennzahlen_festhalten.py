"""``manage.py kennzahlen_festhalten [--stichtag JJJJ-MM-TT]``: the daily snapshot.

Runs the Celery task ``berichtswesen.kennzahlen_festhalten`` in this process — for
installations without Celery beat (cron, docs/berichte.md) and ``scripts/run``.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from berichtswesen.tasks_kennzahlen import kennzahlen_festhalten


class Command(BaseCommand):
    help = (
        "Hält die Kennzahlen eines Tages (Standard: heute) aus den aktuellen Daten fest "
        "(Gesamtprogramm, Themenfelder, Länder). Mehrfach ausführbar: überschreibt den Tag."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stichtag", help="Tag (JJJJ-MM-TT); Standard: heute")

    def handle(self, *args, stichtag=None, verbosity=1, **options):
        if stichtag:
            try:
                tag = dt.date.fromisoformat(stichtag)
            except ValueError as e:
                raise CommandError(f"„{stichtag}“ ist kein Datum (JJJJ-MM-TT).") from e
            if tag > timezone.localdate():
                raise CommandError("--stichtag darf nicht in der Zukunft liegen.")
            stichtag = tag.isoformat()
        anzahl = kennzahlen_festhalten(stichtag)
        if verbosity >= 1:
            tag = stichtag or timezone.localdate().isoformat()
            self.stdout.write(f"Kennzahlen vom {tag} festgehalten: {anzahl} Zeilen.")
