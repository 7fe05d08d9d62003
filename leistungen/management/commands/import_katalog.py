"""``manage.py import_katalog PFAD …``: OZG-Umsetzungskatalog importieren (siehe katalog_import)."""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from leistungen.katalog_import import KatalogFehler, katalog_importieren, katalog_lesen


class Command(BaseCommand):
    help = (
        "Importiert den OZG-Umsetzungskatalog (themenfelder, lebenslagen, ozg_leistungen, "
        "leika_leistungen) aus einem Ordner, einzelnen CSV-Dateien (UTF-8, Komma oder "
        "Semikolon) oder XLSX. Wiederholbar: gleicht nach OZG-ID und LeiKa-Schlüssel ab, "
        "löscht nichts und berichtet neue, geänderte und nicht mehr aufgeführte Einträge. "
        "Mit -v 2 werden alle Einträge und Hinweise einzeln aufgeführt."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "pfade",
            nargs="+",
            metavar="PFAD",
            help="Ordner mit den vier Dateien, einzelne CSV-/XLSX-Dateien oder eine "
            "Arbeitsmappe mit Blättern, die wie die vier Dateien heißen.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Alles prüfen und berichten, aber nichts speichern.",
        )
        parser.add_argument(
            "--benutzer",
            metavar="USERNAME",
            help="Änderungen in der Historie diesem Benutzer zuschreiben (Standard: Systemkonto).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Keinen Fortschrittsbalken anzeigen."
        )

    def handle(self, *args, pfade, dry_run, benutzer, no_progress, verbosity, **options):
        start = time.monotonic()
        user = None
        if benutzer:
            try:
                user = get_user_model()._default_manager.get_by_natural_key(benutzer)
            except get_user_model().DoesNotExist as e:
                raise CommandError(f"Benutzer „{benutzer}“ unbekannt.") from e
        try:
            katalog = katalog_lesen(pfade)
        except KatalogFehler as e:
            raise CommandError(f"{e} Nichts importiert.") from e

        ausgabe = self.stderr._out
        ohne_balken = no_progress or verbosity < 1 or not self.stderr.isatty()

        def fortschritt(zeilen, titel):
            return tqdm(
                zeilen, desc=titel, unit=" Zeilen", file=ausgabe, disable=ohne_balken, leave=False
            )

        bericht = katalog_importieren(
            katalog,
            user=user,
            grund=f"Katalogimport {katalog.name}",
            trockenlauf=dry_run,
            fortschritt=fortschritt,
        )
        self.stdout.write(bericht.text(verbosity))
        if dry_run:
            self.stdout.write(
                self.style.WARNING("Trockenlauf (--dry-run): keine Änderungen gespeichert.")
            )
        dauer = f"{time.monotonic() - start:.1f}".replace(".", ",")
        if verbosity >= 1:
            self.stdout.write(f"Dauer: {dauer} s")
