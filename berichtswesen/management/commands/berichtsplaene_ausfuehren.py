"""``manage.py berichtsplaene_ausfuehren``: run the due report plans once.

Runs the Celery task ``berichtswesen.berichtsplaene_ausfuehren`` in this process — for
installations without Celery beat (cron, docs/berichte.md). Without a broker the
reports are made right here (eager), with one they are queued for the worker.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from berichtswesen.tasks import berichtsplaene_ausfuehren


class Command(BaseCommand):
    help = (
        "Legt für jeden fälligen, aktiven Berichtsplan den Auftrag seines Zeitraums an "
        "(einmal je Zeitraum; stündlich ausführbar)."
    )

    def handle(self, *args, verbosity=1, **options):
        anzahl = berichtsplaene_ausfuehren()
        if verbosity >= 1:
            self.stdout.write(f"{anzahl} Berichtsauftrag/-aufträge aus Plänen angelegt.")
