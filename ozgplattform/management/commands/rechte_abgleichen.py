from django.core.management.base import BaseCommand

from ozgplattform.rechte import gruppen_einrichten
from ozgplattform.tasks import rechte_abgleichen


class Command(BaseCommand):
    help = (
        "Richtet die Rollengruppen ein und gleicht die Objektrechte aller Benutzer mit ihren "
        "gültigen Rollenzuweisungen ab (läuft täglich über Celery beat)."
    )

    def handle(self, *args, **options):
        gruppen_einrichten()
        anzahl = rechte_abgleichen()
        self.stdout.write(self.style.SUCCESS(f"Rechte von {anzahl} Benutzern abgeglichen."))
