"""``manage.py berichte_aufraeumen``: expired files, lost jobs, orphan files.

Runs the Celery task ``berichtswesen.berichte_aufraeumen`` in this process — for
installations without Celery beat (cron, docs/berichte.md).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from berichtswesen.tasks import berichte_aufraeumen


class Command(BaseCommand):
    help = (
        "Löscht die Dateien abgelaufener Berichte, gibt seit 24 Stunden offene Aufträge auf "
        "und entfernt verwaiste und temporäre Dateien (täglich ausführbar)."
    )

    def handle(self, *args, verbosity=1, **options):
        ergebnis = berichte_aufraeumen()
        if verbosity >= 1:
            self.stdout.write(
                "Berichte aufgeräumt: "
                + ", ".join(f"{name} {anzahl}" for name, anzahl in ergebnis.items())
                + "."
            )
