"""``manage.py berichtsplaene_einrichten``: monthly Themenfeld-Bericht per Themenfeld."""

from django.core.management.base import BaseCommand

from berichtswesen.services import themenfeld_berichtsplaene_einrichten


class Command(BaseCommand):
    help = (
        "Legt für jedes Themenfeld ohne Plan einen monatlichen Themenfeld-Bericht für den "
        "Steuerungskreis an (Berichtsarchiv). Mehrfach ausführbar."
    )

    def handle(self, *args, **options):
        anzahl = themenfeld_berichtsplaene_einrichten()
        self.stdout.write(f"{anzahl} Berichtsplan/-pläne angelegt.")
