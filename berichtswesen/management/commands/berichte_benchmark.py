"""``manage.py berichte_benchmark``: how long the full Gesamtfortschritt report takes at the
scale of the real catalogue (557 Leistungen × 16 Länder). A benchmark, not a test — it
prints figures and checks nothing. Run it on an empty database (``scripts/benchmark_berichte``
creates a throw-away SQLite database): it imports the catalogue, fills Umsetzungsstände
for the 16 Länder and some Kreise, Ergebnisse and Meilensteine deterministically (with
history, spread over the past year), then times

* a minimal WeasyPrint document (baseline, same fetcher and fonts),
* computing the report data, the full PDF and the XLSX,
* the daily snapshot and its rebuild from history over ``--tage`` days.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from pypdf import PdfReader
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from berichtswesen.berichte import Format, berichtsart
from berichtswesen.berichte.ausgabe import als_pdf
from berichtswesen.kennzahlen import kennzahlen_festhalten, kennzahlen_nachbilden
from leistungen.choices import Ergebnisstatus, Ergebnistyp, Prioritaet, Vorgehensmodell
from leistungen.models import Ergebnis, Leistung, Meilenstein, Umsetzungsstand
from ozgplattform.choices import OrganisationsArt
from ozgplattform.demo import KREISE, LAENDER
from ozgplattform.models import Organisation
from themenfelder.choices import Phase

SEED = "berichte-benchmark"


def _seiten(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _zeit(funktion):
    start = time.perf_counter()
    ergebnis = funktion()
    return ergebnis, time.perf_counter() - start


class Command(BaseCommand):
    help = (
        "Benchmark (kein Test): Gesamtfortschritt als PDF und XLSX im Maßstab des echten "
        "Katalogs, neben einem minimalen WeasyPrint-Dokument als Basiswert."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--katalog",
            default=str(Path(settings.BASE_DIR).parent / "shared" / "data" / "ozg-katalog-2019"),
            help="Ordner des OZG-Katalogs 2019 (Standard: ../shared/data/ozg-katalog-2019)",
        )
        parser.add_argument(
            "--tage", type=int, default=365, help="Tage für die Nachbildung (Standard 365)"
        )
        parser.add_argument("--pdf", help="das erzeugte PDF zusätzlich hier ablegen")
        parser.add_argument(
            "--vorhandene-daten",
            action="store_true",
            help="eine Datenbank mit Leistungen verwenden: nur lesen (keine Kennzahlenstände "
            "festhalten oder nachbilden)",
        )

    def handle(self, *args, katalog, tage, pdf, vorhandene_daten, **options):
        if Leistung.objects.exists() and not vorhandene_daten:
            raise CommandError(
                "Die Datenbank enthält schon Leistungen. Der Benchmark füllt Daten und "
                "überschreibt Kennzahlenstände – bitte eine leere Datenbank verwenden "
                "(scripts/benchmark_berichte ohne DATABASE_URL) oder --vorhandene-daten."
            )
        if not Leistung.objects.exists():
            if not (Path(katalog) / "ozg_leistungen.csv").exists():
                raise CommandError(f"Katalog nicht gefunden: {katalog}")
            _, dauer = _zeit(
                lambda: call_command("import_katalog", katalog, "--no-progress", verbosity=0)
            )
            self.stdout.write(f"Katalog importiert in {dauer:.1f} s")
        if not vorhandene_daten:
            _, dauer = _zeit(self._fuellen)
            self.stdout.write(f"Status gefüllt in {dauer:.1f} s")
        n = Leistung.objects.im_katalog().count()
        self.stdout.write(
            f"Daten: {n} Leistungen, {Organisation.objects.laender().count()} Länder, "
            f"{Organisation.objects.filter(art=OrganisationsArt.KREIS).count()} Kreise, "
            f"{Umsetzungsstand.objects.count()} Umsetzungsstände, {Ergebnis.objects.count()} "
            f"Ergebnisse, {Meilenstein.objects.count()} Meilensteine"
        )

        # Baseline: a minimal document with the same stylesheet (fonts) and fetcher.
        minimal = (
            '<html lang="de"><head><link rel="stylesheet" href="/static/berichtswesen/'
            'bericht.css"></head><body><h1>Basiswert</h1><p>Ein minimales Dokument.</p>'
            "</body></html>"
        )
        als_pdf(minimal)  # warm-up (font loading, imports)
        basis_pdf, basis = _zeit(lambda: als_pdf(minimal))
        basis_seiten = _seiten(basis_pdf)

        heute = timezone.localdate()
        festhalten = nachbilden = None
        if not vorhandene_daten:
            _, festhalten = _zeit(lambda: kennzahlen_festhalten(heute))
            _, nachbilden = _zeit(
                lambda: kennzahlen_nachbilden(
                    heute - dt.timedelta(days=tage), heute - dt.timedelta(days=1)
                )
            )

        art = berichtsart("gesamtfortschritt")
        parameter = art.parameter_pruefen({}, None)
        _, daten = _zeit(lambda: art.bericht_bauen(parameter, None))
        ergebnis_pdf, zeit_pdf = _zeit(lambda: art.erzeugen(parameter, Format.PDF))
        ergebnis_xlsx, zeit_xlsx = _zeit(lambda: art.erzeugen(parameter, Format.XLSX))
        seiten = _seiten(ergebnis_pdf.inhalt)
        if pdf:
            Path(pdf).write_bytes(ergebnis_pdf.inhalt)

        zeilen = [
            (
                "Basiswert: minimales WeasyPrint-Dokument",
                f"{basis * 1000:.0f} ms",
                f"{basis_seiten} Seite(n)",
            ),
            ("Gesamtfortschritt: Daten berechnen", f"{daten:.2f} s", ""),
            (
                "Gesamtfortschritt: PDF (Daten + Satz)",
                f"{zeit_pdf:.2f} s",
                f"{seiten} Seiten, {seiten / zeit_pdf:.1f} Seiten/s, "
                f"{len(ergebnis_pdf.inhalt) / 1024:.0f} KiB, "
                f"{zeit_pdf / basis:.1f} × Basiswert",
            ),
            (
                "Gesamtfortschritt: XLSX",
                f"{zeit_xlsx:.2f} s",
                f"{len(ergebnis_xlsx.inhalt) / 1024:.0f} KiB, {zeit_xlsx / basis:.2f} × Basiswert",
            ),
        ]
        if festhalten is not None:
            zeilen += [
                ("Kennzahlenstand festhalten (1 Tag)", f"{festhalten:.2f} s", ""),
                (f"Kennzahlenstände nachbilden ({tage} Tage)", f"{nachbilden:.2f} s", ""),
            ]
        breite = max(len(z[0]) for z in zeilen)
        self.stdout.write(
            f"\nDatenbank: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
        )
        for name, wert, extra in zeilen:
            self.stdout.write(f"{name:<{breite}}  {wert:>9}  {extra}")

    def _fuellen(self) -> None:
        """Deterministic status for 16 Länder and the demo Kreise, with history spread
        over the past year (so the rebuild has something to do)."""
        zufall = random.Random(SEED)  # noqa: S311 (test data, not security)
        jetzt = timezone.now()
        laender = {}
        for ars, name in LAENDER:
            laender[ars], _ = Organisation.objects.get_or_create(
                ars=ars, defaults={"name": name, "art": OrganisationsArt.LAND}
            )
        kreise = []
        for ars, name in KREISE:
            kreis, _ = Organisation.objects.get_or_create(
                ars=ars,
                defaults={"name": name, "art": OrganisationsArt.KREIS, "parent": laender[ars[:2]]},
            )
            kreise.append(kreis)
        leistungen = list(Leistung.objects.im_katalog().order_by("ozg_id"))
        # Priorities so that the Ergebnistypen matrix applies.
        for leistung in leistungen:
            wahl = zufall.random()
            if wahl < 0.3:
                leistung.prioritaet, leistung.vorgehensmodell = (
                    Prioritaet.PRIO_1,
                    Vorgehensmodell.DIGITALISIERUNGSLABOR,
                )
            elif wahl < 0.9:
                leistung.prioritaet, leistung.vorgehensmodell = (
                    Prioritaet.PRIO_3,
                    Vorgehensmodell.DIGITALISIERUNGSWERKBANK,
                )
        bulk_update_with_history(leistungen, Leistung, ["prioritaet", "vorgehensmodell"])

        staende, ergebnisse, meilensteine, zeitpunkte = [], [], [], []
        for leistung in leistungen:
            for gebiet in [*laender.values(), *zufall.sample(kreise, 3)]:
                if zufall.random() < 0.15:
                    continue  # nothing reported
                tage = zufall.randrange(0, 365)
                staende.append(
                    Umsetzungsstand(
                        leistung=leistung,
                        gebiet=gebiet,
                        reifegrad=zufall.choices(range(5), weights=(2, 4, 3, 4, 1))[0],
                        stichtag=(jetzt - dt.timedelta(days=tage)).date(),
                    )
                )
                zeitpunkte.append(jetzt - dt.timedelta(days=tage))
            for typ in zufall.sample(Ergebnistyp.values, 3):
                ergebnisse.append(
                    Ergebnis(
                        leistung=leistung,
                        ergebnistyp=typ,
                        status=Ergebnisstatus.GELIEFERT,
                        nachweis_url="https://example.org/nachweis",
                    )
                )
            geplant = dt.date(2021, 1, 1) + dt.timedelta(days=zufall.randrange(0, 1500))
            erreicht = geplant + dt.timedelta(days=zufall.randrange(-30, 60))
            meilensteine.append(
                Meilenstein(
                    themenfeld_id=leistung.themenfeld_id,
                    leistung=leistung,
                    phase=Phase.KONZEPTION,
                    name="Konzeption abgeschlossen",
                    geplant=geplant,
                    erreicht=erreicht
                    if erreicht <= jetzt.date() and zufall.random() < 0.6
                    else None,
                )
            )
        bulk_create_with_history(staende, Umsetzungsstand, batch_size=2000)
        bulk_create_with_history(ergebnisse, Ergebnis, batch_size=2000)
        bulk_create_with_history(meilensteine, Meilenstein, batch_size=2000)
        # Spread the history over the past year.
        historie = Umsetzungsstand.history.model
        datensaetze = list(historie.objects.order_by("history_id"))
        for record, zeitpunkt in zip(datensaetze, zeitpunkte, strict=True):
            record.history_date = zeitpunkt
        historie.objects.bulk_update(datensaetze, ["history_date"], batch_size=2000)
        damals = jetzt - dt.timedelta(days=366)
        Leistung.history.all().update(history_date=damals)
        Ergebnis.history.all().update(history_date=damals)
        Meilenstein.history.all().update(history_date=damals)
