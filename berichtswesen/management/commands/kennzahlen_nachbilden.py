"""``manage.py kennzahlen_nachbilden --von JJJJ-MM-TT [--bis JJJJ-MM-TT]``."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from berichtswesen.kennzahlen import kennzahlen_nachbilden


def _datum(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as e:
        raise CommandError(f"„{text}“ ist kein Datum (JJJJ-MM-TT).") from e


class Command(BaseCommand):
    help = (
        "Bildet die täglichen Kennzahlenstände (Gesamtprogramm, Themenfelder, Länder) für "
        "vergangene Tage aus der Historie nach und überschreibt vorhandene Stände dieser "
        "Tage. Methode und Grenzen: docs/berichte.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--von", required=True, help="erster Tag (JJJJ-MM-TT)")
        parser.add_argument("--bis", help="letzter Tag (JJJJ-MM-TT); Standard: gestern")

    def handle(self, *args, von, bis, **options):
        von_datum = _datum(von)
        bis_datum = _datum(bis) if bis else timezone.localdate() - dt.timedelta(days=1)
        if von_datum > bis_datum:
            raise CommandError("--von liegt nach --bis.")
        if bis_datum > timezone.localdate():
            raise CommandError("--bis darf nicht in der Zukunft liegen.")
        start = time.monotonic()
        anzahl = kennzahlen_nachbilden(von_datum, bis_datum)
        tage = (bis_datum - von_datum).days + 1
        self.stdout.write(
            f"{anzahl} Kennzahlenstände für {tage} Tage ({von_datum:%d.%m.%Y}–"
            f"{bis_datum:%d.%m.%Y}) nachgebildet in {time.monotonic() - start:.1f} s."
        )
