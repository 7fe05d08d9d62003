"""``manage.py demo_daten``: ein erfundenes OZG-Programm zum Ausprobieren laden.

Die Daten und der Aufbau stehen in :mod:`ozgplattform.demo`. Nur mit ``DEBUG=1`` (oder
ausdrücklich ``--erzwingen``); wiederholbar, ohne etwas doppelt anzulegen.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ozgplattform import demo
from themenfelder.models import Themenfeld


class Command(BaseCommand):
    help = (
        "Legt Demodaten an: 14 Themenfelder, Bund, Länder, Kreise und Gemeinden, "
        "OZG-Leistungen mit Umsetzungsständen, Ergebnissen und Meilensteinen, Marktplatz, "
        "Anforderungen und je Rolle einen Demo-Zugang. Wiederholbar (gleicht ab, legt "
        "nichts doppelt an). Nur mit DEBUG=1 oder --erzwingen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--wenn-leer",
            action="store_true",
            help="Nur laden, wenn noch kein Themenfeld existiert; sonst sofort beenden.",
        )
        parser.add_argument(
            "--zugaenge",
            action="store_true",
            help="Nur die Tabelle der Demo-Zugänge ausgeben (lädt nichts).",
        )
        parser.add_argument(
            "--erzwingen",
            action="store_true",
            help="Auch ohne DEBUG=1 laden (z. B. für eine Vorführumgebung).",
        )

    def handle(self, *args, wenn_leer, zugaenge, erzwingen, verbosity, **options):
        if zugaenge:
            self.stdout.write(demo.zugaenge_tabelle())
            return
        if not settings.DEBUG and not erzwingen:
            raise CommandError(
                "Demodaten nur mit DEBUG=1 laden – die Demo-Zugänge haben öffentlich "
                "bekannte Passwörter. Für eine Vorführumgebung bewusst mit --erzwingen."
            )
        if wenn_leer and Themenfeld.objects.exists():
            self.stdout.write("Demodaten bereits vorhanden (es gibt schon Themenfelder).")
            return
        start = time.monotonic()
        try:
            anzahl = demo.demo_daten_anlegen()
        except demo.DemodatenKonflikt as e:
            raise CommandError(str(e)) from e
        dauer = f"{time.monotonic() - start:.1f}".replace(".", ",")
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"Demodaten angelegt bzw. abgeglichen ({dauer} s):")
            )
            for label, zahl in anzahl.items():
                self.stdout.write(f"  {label}: {zahl}")
            self.stdout.write("Zugänge anzeigen: manage.py demo_daten --zugaenge")
