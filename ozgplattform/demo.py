"""Demodaten: ein erfundenes, aber glaubwürdiges OZG-Programm zum Ausprobieren.

``manage.py demo_daten`` ruft :func:`demo_daten_anlegen` auf. Das Modul besteht aus
einfachen Datenstrukturen (Organisationen, Themenfelder, Leistungen, Projekte,
Marktplatz, Anforderungen, Demo-Zugänge) und genau einem Baustein, der sie über die
Services schreibt (``full_clean`` und Verlauf inklusive).

- Echt sind die Namen der Leistungen, Länder, Kreise und Bundesressorts sowie die ARS
  der Länder und Kreise; die Federführungen der Themenfelder sind nach bestem Wissen
  gewählt, die ARS von Gemeinden in Landkreisen plausibel gebildet. Erfunden sind
  OZG-IDs, LeiKa-Schlüssel, Reifegrade, Termine, Personen und Adressen; alle Adressen
  liegen unter ``beispiel-verwaltung.de``, keine davon ist ein echter Dienst.
- Reproduzierbar: Zufall nur über ``random.Random`` mit festem Startwert je Objekt.
- Wiederholbar: jeder Eintrag wird über seinen natürlichen Schlüssel gefunden und nur
  geändert, wenn sich etwas unterscheidet; ein zweiter Lauf legt nichts doppelt an und
  schreibt keinen Verlauf. Termine „in der Zukunft“ werden relativ zum Monat des Laufs
  geplant und verschieben sich daher von Monat zu Monat.
- Die OZG-IDs liegen im Bereich des echten Umsetzungskatalogs (10001–10600). Demodaten
  und ein importierter Katalog gehören nicht in dieselbe Datenbank; trifft der Aufbau
  auf eine fremde Leistung unter einer Demo-OZG-ID, bricht er ab (:class:`DemodatenKonflikt`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from anforderungen.choices import Anforderungsart, Anforderungsstatus, Hemmnisart
from anforderungen.models import Anforderung
from leistungen import rules
from leistungen.choices import (
    Archetyp,
    AusserhalbOzg,
    Depriorisierungsentscheidung,
    Depriorisierungsgrund,
    Ergebnisstatus,
    Ergebnistyp,
    FimStatus,
    Nachnutzungsmodell,
    Prioritaet,
    Vorgehensmodell,
)
from leistungen.models import (
    Ergebnis,
    LeikaLeistung,
    Leistung,
    Meilenstein,
    Referenzimplementierung,
    Umsetzungsprojekt,
    Umsetzungsstand,
)
from leistungen.services import (
    ergebnis_setzen,
    leika_leistung_aendern,
    leika_leistung_anlegen,
    leistung_aendern,
    leistung_anlegen,
    meilenstein_aendern,
    meilenstein_anlegen,
    referenzimplementierung_setzen,
    umsetzungsprojekt_aendern,
    umsetzungsprojekt_anlegen,
    umsetzungsstand_melden,
)
from marktplatz.choices import Angebotsstatus, Finanzierung, Nachnutzungsstatus, Rechtsgrundlage
from marktplatz.models import Nachnutzung, Nachnutzungsangebot
from themenfelder.choices import Phase, Zielgruppe
from themenfelder.models import Lebenslage, Nutzerreise, Persona, Themenfeld
from themenfelder.services import (
    lebenslage_aendern,
    lebenslage_anlegen,
    nutzerreise_anlegen,
    persona_anlegen,
    themenfeld_aendern,
    themenfeld_anlegen,
)

from .choices import OrganisationsArt, Rolle
from .history import als_benutzer
from .models import Organisation, Rollenzuweisung
from .services import (
    objekt_aendern,
    objekt_anlegen,
    organisation_anlegen,
    rollenzuweisung_anlegen,
)

#: Startwert aller Zufallsentscheidungen (je Objekt mit dessen Schlüssel kombiniert).
SEED = "ozg-demo-2026"
#: Änderungsgrund im Verlauf.
GRUND = "Demodaten"
#: Domain of every invented address.
DOMAIN = "beispiel-verwaltung.de"
#: Gesetzliche Frist des OZG.
OZG_FRIST = dt.date(2022, 12, 31)
#: Stichtage der gemeldeten Umsetzungsstände (alle in der Vergangenheit).
STICHTAGE = (
    dt.date(2025, 6, 30),
    dt.date(2025, 9, 30),
    dt.date(2025, 12, 31),
    dt.date(2026, 3, 31),
    dt.date(2026, 6, 30),
    dt.date(2026, 9, 30),
)

# --------------------------------------------------------------------------------------
# Organisationen und Gebiete
# --------------------------------------------------------------------------------------

BUND = ("Bund", "Bundesrepublik Deutschland")

#: (Kurzname, Name) – Ressortzuschnitt der 19. Wahlperiode, wie im Rahmenwerk (2020).
BUNDESRESSORTS = (
    ("BMI", "Bundesministerium des Innern, für Bau und Heimat"),
    ("BMF", "Bundesministerium der Finanzen"),
    ("BMAS", "Bundesministerium für Arbeit und Soziales"),
    ("BMFSFJ", "Bundesministerium für Familie, Senioren, Frauen und Jugend"),
    ("BMG", "Bundesministerium für Gesundheit"),
    ("BMBF", "Bundesministerium für Bildung und Forschung"),
    ("BMJV", "Bundesministerium der Justiz und für Verbraucherschutz"),
    ("BMVI", "Bundesministerium für Verkehr und digitale Infrastruktur"),
    ("BMWi", "Bundesministerium für Wirtschaft und Energie"),
    ("BMU", "Bundesministerium für Umwelt, Naturschutz und nukleare Sicherheit"),
    ("BMEL", "Bundesministerium für Ernährung und Landwirtschaft"),
    ("AA", "Auswärtiges Amt"),
    ("BMVg", "Bundesministerium der Verteidigung"),
)

FITKO = ("FITKO", "Föderale IT-Kooperation (FITKO)")

IT_DIENSTLEISTER = (
    ("Dataport", "Dataport AöR"),
    ("AKDB", "Anstalt für Kommunale Datenverarbeitung in Bayern (AKDB)"),
)

#: Kommunale Spitzenverbände, Mitglieder einiger Steuerungskreise.
SONSTIGE = (
    ("DLT", "Deutscher Landkreistag"),
    ("DST", "Deutscher Städtetag"),
    ("DStGB", "Deutscher Städte- und Gemeindebund"),
)

#: (ARS, Name) der 16 Länder.
LAENDER = (
    ("01", "Schleswig-Holstein"),
    ("02", "Hamburg"),
    ("03", "Niedersachsen"),
    ("04", "Bremen"),
    ("05", "Nordrhein-Westfalen"),
    ("06", "Hessen"),
    ("07", "Rheinland-Pfalz"),
    ("08", "Baden-Württemberg"),
    ("09", "Bayern"),
    ("10", "Saarland"),
    ("11", "Berlin"),
    ("12", "Brandenburg"),
    ("13", "Mecklenburg-Vorpommern"),
    ("14", "Sachsen"),
    ("15", "Sachsen-Anhalt"),
    ("16", "Thüringen"),
)

#: (ARS, Name) – Kreise und kreisfreie Städte; das Land ergibt sich aus den ersten 2 Stellen.
KREISE = (
    ("01002", "Stadt Kiel"),
    ("03241", "Region Hannover"),
    ("04011", "Stadt Bremen"),
    ("04012", "Stadt Bremerhaven"),
    ("05111", "Stadt Düsseldorf"),
    ("05315", "Stadt Köln"),
    ("05334", "Städteregion Aachen"),
    ("06411", "Stadt Darmstadt"),
    ("06412", "Stadt Frankfurt am Main"),
    ("06433", "Kreis Groß-Gerau"),
    ("07315", "Stadt Mainz"),
    ("08111", "Stadt Stuttgart"),
    ("08116", "Landkreis Esslingen"),
    ("09162", "Stadt München"),
    ("09184", "Landkreis München"),
    ("09564", "Stadt Nürnberg"),
    ("10041", "Regionalverband Saarbrücken"),
    ("12054", "Stadt Potsdam"),
    ("13003", "Hansestadt Rostock"),
    ("14612", "Stadt Dresden"),
    ("15003", "Stadt Magdeburg"),
    ("16051", "Stadt Erfurt"),
)

#: (ARS, Name) – Gemeinden; der Kreis ergibt sich aus den ersten 5 Stellen. Bei
#: kreisfreien Städten endet der ARS auf sieben Nullen, in Landkreisen folgen
#: Gemeindeverband und Gemeinde (nach bestem Wissen bzw. plausibel gebildet).
GEMEINDEN = (
    ("010020000000", "Kiel"),
    ("032410001001", "Hannover"),
    ("040110000000", "Bremen"),
    ("040120000000", "Bremerhaven"),
    ("051110000000", "Düsseldorf"),
    ("053150000000", "Köln"),
    ("053340002002", "Aachen"),
    ("064110000000", "Darmstadt"),
    ("064120000000", "Frankfurt am Main"),
    ("064330012012", "Rüsselsheim am Main"),
    ("073150000000", "Mainz"),
    ("081110000000", "Stuttgart"),
    ("081160019019", "Esslingen am Neckar"),
    ("091620000000", "München"),
    ("091840148148", "Unterschleißheim"),
    ("095640000000", "Nürnberg"),
    ("100410100100", "Saarbrücken"),
    ("120540000000", "Potsdam"),
    ("130030000000", "Rostock"),
    ("146120000000", "Dresden"),
    ("150030000000", "Magdeburg"),
    ("160510000000", "Erfurt"),
)

# --------------------------------------------------------------------------------------
# Themenfelder
# --------------------------------------------------------------------------------------

B, U = Zielgruppe.BUERGER, Zielgruppe.UNTERNEHMEN


@dataclass(frozen=True)
class ThemenfeldDaten:
    nummer: int
    name: str
    land: str  # ARS des federführenden Landes
    ressort: str  # Kurzname des federführenden Bundesressorts
    phase: str
    beschreibung: str
    lebenslagen: tuple[tuple[str, str], ...]
    #: weitere Mitglieder des Steuerungskreises (ARS oder Kurzname)
    steuerungskreis: tuple[str, ...] = ()


#: Federführung nach bestem Wissen über die Aufteilung im Digitalisierungsprogramm.
# fmt: off
THEMENFELDER = (
    ThemenfeldDaten(
        1, "Arbeit & Ruhestand", "07", "BMAS", Phase.REFERENZIMPLEMENTIERUNG,
        "Leistungen rund um Arbeitssuche, Beschäftigung und Ruhestand.",
        (("Arbeitssuche und Arbeitslosigkeit", B), ("Ruhestand", B),
         ("Beschäftigung von Personal", U)),
        ("05", "16", "DLT"),
    ),
    ThemenfeldDaten(
        2, "Bauen & Wohnen", "13", "BMI", Phase.NACHNUTZUNG,
        "Bauantrag, Wohngeld und Wohnraumförderung.",
        (("Bauen und Renovieren", B), ("Wohnen und Miete", B)),
        ("01", "09", "DST"),
    ),
    ThemenfeldDaten(
        3, "Bildung", "15", "BMBF", Phase.NACHNUTZUNG,
        "Ausbildungsförderung, Schule und Weiterbildung.",
        (("Studium", B), ("Schule", B), ("Berufliche Weiterbildung", B)),
        ("14", "08"),
    ),
    ThemenfeldDaten(
        4, "Ein- & Auswanderung", "11", "BMI", Phase.REFERENZIMPLEMENTIERUNG,
        "Einreise, Aufenthalt, Einbürgerung und Anerkennung ausländischer Abschlüsse.",
        (("Einreise und Aufenthalt", B), ("Einbürgerung", B), ("Fachkräfteeinwanderung", U)),
        ("AA", "06", "DST"),
    ),
    ThemenfeldDaten(
        5, "Engagement & Hobby", "03", "BMI", Phase.KONZEPTION,
        "Freizeit, Natur und Ehrenamt.",
        (("Freizeit und Natur", B), ("Ehrenamt und Vereine", B)),
        ("BMEL", "10"),
    ),
    ThemenfeldDaten(
        6, "Familie & Kind", "04", "BMFSFJ", Phase.NACHNUTZUNG,
        "Geburt, Familienleistungen, Kinderbetreuung und Heirat.",
        (("Geburt", B), ("Kinderbetreuung", B), ("Alleinerziehend", B),
         ("Heirat und Partnerschaft", B)),
        ("06", "05", "DST"),
    ),
    ThemenfeldDaten(
        7, "Forschung & Förderung", "08", "BMBF", Phase.KONZEPTION,
        "Förderprogramme und Genehmigungen für Forschung und Innovation.",
        (("Forschungsvorhaben", U), ("Förderung von Projekten", U)),
        ("BMWi", "09"),
    ),
    ThemenfeldDaten(
        8, "Gesundheit", "05", "BMG", Phase.REFERENZIMPLEMENTIERUNG,
        "Gesundheitsberufe, Behinderung und Todesfall.",
        (("Behinderung", B), ("Gesundheitsberufe", U), ("Todesfall", B)),
        ("BMAS", "03", "DLT"),
    ),
    ThemenfeldDaten(
        9, "Mobilität & Reisen", "06", "BMVI", Phase.NACHNUTZUNG,
        "Fahrzeug, Führerschein, Parken und Transport.",
        (("Kraftfahrzeug", B), ("Führerschein", B), ("Gütertransport", U)),
        ("09", "12", "DLT"),
    ),
    ThemenfeldDaten(
        10, "Querschnitt", "14", "BMI", Phase.KONZEPTION,
        "Themenübergreifende Leistungen: Auskunft, Beglaubigung, Apostille.",
        (("Auskunft und Information", B), ("Dokumente und Bescheinigungen", B)),
        ("FITKO", "16"),
    ),
    ThemenfeldDaten(
        11, "Recht & Ordnung", "12", "BMJV", Phase.REFERENZIMPLEMENTIERUNG,
        "Meldewesen, Ausweise, Vereine, Versammlungen und Fundsachen.",
        (("Umzug", B), ("Ausweisdokumente", B), ("Vereine und Versammlungen", B),
         ("Öffentliche Sicherheit", B)),
        ("BMI", "02", "DStGB"),
    ),
    ThemenfeldDaten(
        12, "Steuern & Zoll", "09", "BMF", Phase.NACHNUTZUNG,
        "Steuererklärungen, kommunale Steuern und Zoll.",
        (("Steuern für Privatpersonen", B), ("Steuern und Abgaben für Unternehmen", U),
         ("Import und Export", U)),
        ("08", "DST"),
    ),
    ThemenfeldDaten(
        13, "Umwelt", "01", "BMU", Phase.REFERENZIMPLEMENTIERUNG,
        "Anlagengenehmigungen, Abfall, Natur- und Gewässerschutz.",
        (("Anlagen und Emissionen", U), ("Abfall", B), ("Natur und Gewässer", B)),
        ("BMEL", "13", "DLT"),
    ),
    ThemenfeldDaten(
        14, "Unternehmensführung & -entwicklung", "02", "BMWi", Phase.NACHNUTZUNG,
        "Gründung, Gewerbe, Gastronomie und Handwerk.",
        (("Unternehmensgründung", U), ("Gastronomie und Handel", U), ("Handwerk", U)),
        ("05", "09", "DStGB"),
    ),
)
# fmt: on

#: (Themenfeld, Name, Beschreibung)
# fmt: off
PERSONAS = (
    (6, "Lena (31), erwartet ihr erstes Kind",
     "Berufstätig, zieht mit ihrem Partner nach der Geburt nach Hessen; erledigt alles am "
     "Smartphone und möchte ihre Daten nur einmal angeben."),
    (6, "Sven (42), alleinerziehender Vater",
     "Zwei Kinder, Schichtdienst; Behördengänge nur in den Randzeiten möglich."),
    (14, "Murat (38), eröffnet ein Café",
     "Erste Selbständigkeit; braucht Gewerbeanmeldung, Gaststättenerlaubnis und die "
     "Erlaubnis für Tische auf dem Gehweg."),
    (3, "Jonas (19), beginnt ein Studium",
     "Zieht für das Studium in eine andere Stadt; Eltern mit getrennten Haushalten."),
    (2, "Familie Schneider baut ein Einfamilienhaus",
     "Erstes Bauvorhaben, Architektin beauftragt; das Grundstück liegt am Rand eines "
     "Denkmalbereichs."),
    (11, "Aylin (27), zieht für den neuen Job nach Köln",
     "Will die Wohnsitzanmeldung in der ersten Woche erledigen."),
    (4, "Priya (29), IT-Fachkraft aus Indien",
     "Hat ein Arbeitsangebot aus Frankfurt; ihr Abschluss muss anerkannt werden."),
)
# fmt: on

#: (Themenfeld, Name, Persona, Lebenslage, Beschreibung)
# fmt: off
NUTZERREISEN = (
    (6, "Rund um die Geburt: von der Geburtsurkunde zum Elterngeld",
     "Lena (31), erwartet ihr erstes Kind", "Geburt",
     "Geburtsanzeige der Klinik, Geburtsurkunde, Kindergeld und Elterngeld in einem Ablauf."),
    (6, "Unterhaltsvorschuss beantragen",
     "Sven (42), alleinerziehender Vater", "Alleinerziehend",
     "Antrag am Abend, Nachweise per Foto, Bescheid im Postfach."),
    (14, "Gründung eines Gastronomiebetriebs",
     "Murat (38), eröffnet ein Café", "Gastronomie und Handel",
     "Vom Gewerbe über die Gaststättenerlaubnis bis zur Außengastronomie."),
    (3, "Studienfinanzierung beantragen",
     "Jonas (19), beginnt ein Studium", "Studium",
     "BAföG-Antrag mit Einkommensnachweisen beider Elternteile."),
    (2, "Vom Bauantrag zur Baugenehmigung",
     "Familie Schneider baut ein Einfamilienhaus", "Bauen und Renovieren",
     "Digitaler Bauantrag, Beteiligung der Denkmalbehörde, Bescheid."),
    (11, "Umzug in eine neue Stadt",
     "Aylin (27), zieht für den neuen Job nach Köln", "Umzug",
     "Wohnsitzanmeldung mit Wohnungsgeberbestätigung, Adressänderung im Ausweis."),
    (4, "Einreise als Fachkraft",
     "Priya (29), IT-Fachkraft aus Indien", "Fachkräfteeinwanderung",
     "Anerkennung, Visum und Aufenthaltstitel in der richtigen Reihenfolge."),
)
# fmt: on

# --------------------------------------------------------------------------------------
# Leistungen
# --------------------------------------------------------------------------------------

#: Umsetzungsfortschritt einer Leistung; daraus folgen Phase, Reifegrade und Ergebnisse.
PLANUNG, KONZEPTION, UMSETZUNG, LIVE, KEINE = "planung", "konzeption", "umsetzung", "live", "keine"
FORTSCHRITT_PHASE = {
    PLANUNG: Phase.THEMENFELDPLANUNG,
    KONZEPTION: Phase.KONZEPTION,
    UMSETZUNG: Phase.REFERENZIMPLEMENTIERUNG,
    LIVE: Phase.NACHNUTZUNG,
    KEINE: Phase.KONZEPTION,
}
_FORTSCHRITT_INDEX = {PLANUNG: 0, KONZEPTION: 1, UMSETZUNG: 2, LIVE: 3, KEINE: 0}

INFO, MELDUNG = Archetyp.INFORMATION, Archetyp.MELDUNG
EINFACH, KOMPLEX = Archetyp.EINFACHER_ANTRAG, Archetyp.KOMPLEXER_ANTRAG
KOMBI = Archetyp.LEISTUNGSKOMBINATION
P1, P2, P3, DEPRIO = (
    Prioritaet.PRIO_1,
    Prioritaet.PRIO_2,
    Prioritaet.PRIO_3,
    Prioritaet.DEPRIORISIERT,
)
LABOR = Vorgehensmodell.DIGITALISIERUNGSLABOR
WERKBANK = Vorgehensmodell.DIGITALISIERUNGSWERKBANK
DIREKT = Vorgehensmodell.DIREKT_DIGITALISIERUNG
VORHANDEN = Vorgehensmodell.VORHANDENE_LOESUNG
KEINE_UMSETZUNG = Vorgehensmodell.KEINE_UMSETZUNG
EFA = Nachnutzungsmodell.EFA
DEZENTRAL = Nachnutzungsmodell.DEZENTRAL
FIM = Nachnutzungsmodell.FIM_EIGENENTWICKLUNG


@dataclass(frozen=True)
class LeistungDaten:
    ozg_id: int
    name: str
    themenfeld: int
    lebenslage: str
    archetyp: str
    prioritaet: str
    vorgehensmodell: str
    welle: int | None
    modell: str
    fortschritt: str
    #: LeiKa-Leistungen als (Verrichtung, LeiKa-Typ)
    leika: tuple[tuple[str, str], ...]
    gesetz: str = ""
    ansatz: str = ""
    #: kommunal vollzogen: Umsetzungsstände auch für Kreise und Gemeinden
    kommunal: bool = False
    ausserhalb_ozg: str = ""
    #: (Grund, Begründung, Entscheidung) bei depriorisierten Leistungen
    depriorisierung: tuple[str, str, str] | None = None

    @property
    def nur_bund(self) -> bool:
        return all(typ == "1" for _, typ in self.leika)

    @property
    def einheitlich(self) -> bool:
        """One nationwide solution: the same Reifegrad in every Land (Typ 1, ELSTER)."""
        return self.nur_bund or self.ausserhalb_ozg == AusserhalbOzg.ELSTER

    @property
    def depriorisiert(self) -> bool:
        return self.prioritaet == DEPRIO

    @property
    def phase(self) -> str:
        return FORTSCHRITT_PHASE[self.fortschritt]

    @property
    def steckbrief(self) -> str:
        teile = [f"Umsetzungsansatz: {self.ansatz}" if self.ansatz else ""]
        if self.depriorisierung:
            teile.append(
                f"Depriorisiert – Grund: {Depriorisierungsgrund(self.depriorisierung[0]).label}."
            )
        if self.vorgehensmodell:
            teile.append(f"Vorgehensmodell: {Vorgehensmodell(self.vorgehensmodell).label}.")
        if self.modell:
            teile.append(f"Nachnutzung: {Nachnutzungsmodell(self.modell).label}.")
        if self.welle:
            teile.append(f"Umsetzung in Welle {self.welle}.")
        if self.gesetz:
            teile.append(f"Rechtsgrundlage: {self.gesetz}.")
        return " ".join(t for t in teile if t)


_D = Depriorisierungsgrund
_E = Depriorisierungsentscheidung

# fmt: off
LEISTUNGEN = (
    # 1 Arbeit & Ruhestand
    LeistungDaten(
        10001, "Arbeitslosengeld", 1, "Arbeitssuche und Arbeitslosigkeit", KOMPLEX, P1, LABOR,
        1, EFA, LIVE, (("Bewilligung", "1"), ("Arbeitslosmeldung", "1")), "SGB III",
        "Bundesweiter Online-Antrag mit Arbeitslosmeldung und Hochladen der Nachweise.",
    ),
    LeistungDaten(
        10002, "Grundsicherung für Arbeitsuchende", 1, "Arbeitssuche und Arbeitslosigkeit",
        KOMPLEX, P2, LABOR, 1, EFA, UMSETZUNG, (("Bewilligung", "1"), ("Weiterbewilligung", "2/3")),
        "SGB II", "Ein Antrag für gemeinsame Einrichtungen und zugelassene kommunale Träger.",
        kommunal=True,
    ),
    LeistungDaten(
        10003, "Altersrente", 1, "Ruhestand", KOMPLEX, P3, VORHANDEN, 2, EFA, LIVE,
        (("Bewilligung", "1"),), "SGB VI",
        "Vorhandener Online-Antrag der Rentenversicherung, angebunden an das Nutzerkonto.",
    ),
    LeistungDaten(
        10004, "Kurzarbeitergeld", 1, "Beschäftigung von Personal", EINFACH, P3, DIREKT, 2, EFA,
        LIVE, (("Anzeige des Arbeitsausfalls", "1"), ("Leistungsantrag", "1")), "SGB III",
        "Anzeige und Abrechnungslisten direkt online, auch als Massenverfahren.",
    ),
    # 2 Bauen & Wohnen
    LeistungDaten(
        10041, "Baugenehmigung", 2, "Bauen und Renovieren", KOMPLEX, P1, LABOR, 1, EFA, LIVE,
        (("Erteilung", "5"), ("Verlängerung", "5"), ("Vorbescheid", "5")), "Landesbauordnungen",
        "Digitaler Bauantrag mit Beteiligung der Fachbehörden und Übergabe per XBau.",
        kommunal=True,
    ),
    LeistungDaten(
        10042, "Wohngeld", 2, "Wohnen und Miete", KOMPLEX, P1, LABOR, 1, EFA, LIVE,
        (("Mietzuschuss Bewilligung", "2/3"), ("Lastenzuschuss Bewilligung", "2/3")), "WoGG",
        "EfA-Antrag mit Weiterleitung an die zuständige Wohngeldbehörde.",
        kommunal=True,
    ),
    LeistungDaten(
        10043, "Wohnberechtigungsschein", 2, "Wohnen und Miete", EINFACH, P3, WERKBANK, 2, EFA,
        UMSETZUNG, (("Erteilung", "5"),), "WoFG",
        "Baukasten der Werkbank; nutzt die Bausteine des Wohngeldantrags.",
        kommunal=True,
    ),
    LeistungDaten(
        10044, "Denkmalschutzrechtliche Genehmigung", 2, "Bauen und Renovieren", EINFACH, P3,
        DIREKT, 3, DEZENTRAL, KONZEPTION, (("Erteilung", "5"),), "Denkmalschutzgesetze",
        "Erweiterung des digitalen Bauantrags um das denkmalrechtliche Verfahren.",
        kommunal=True,
    ),
    # 3 Bildung
    LeistungDaten(
        10081, "BAföG", 3, "Studium", KOMPLEX, P1, LABOR, 1, EFA, LIVE,
        (("Bewilligung für Studierende", "2/3"),
         ("Bewilligung für Schülerinnen und Schüler", "2/3")),
        "BAföG", "Bundesweit einheitlicher Antrag mit elektronischer Übermittlung an die Ämter.",
    ),
    LeistungDaten(
        10082, "Aufstiegs-BAföG", 3, "Berufliche Weiterbildung", KOMPLEX, P2, LABOR, 1, EFA, LIVE,
        (("Bewilligung", "2/3"),), "AFBG", "Baut auf der BAföG-Lösung auf.",
    ),
    LeistungDaten(
        10083, "Schulanmeldung", 3, "Schule", EINFACH, P3, DIREKT, 2, FIM, UMSETZUNG,
        (("Anmeldung Grundschule", "5"), ("Anmeldung weiterführende Schule", "4")),
        "Schulgesetze der Länder", "Anmeldung über das Schulportal des Landes.",
        kommunal=True,
    ),
    # 4 Ein- & Auswanderung
    LeistungDaten(
        10121, "Aufenthaltstitel", 4, "Einreise und Aufenthalt", KOMPLEX, P1, LABOR, 1, EFA,
        UMSETZUNG, (("Erteilung", "2/3"), ("Verlängerung", "2/3")), "AufenthG",
        "EfA-Antrag mit Übergabe an die Fachverfahren der Ausländerbehörden.",
        kommunal=True,
    ),
    LeistungDaten(
        10122, "Einbürgerung", 4, "Einbürgerung", KOMPLEX, P2, LABOR, 2, EFA, LIVE,
        (("Anspruchseinbürgerung", "2/3"), ("Ermessenseinbürgerung", "2/3")), "StAG",
        "Antrag mit Einbürgerungstest-Nachweis und Terminvergabe.",
        kommunal=True,
    ),
    LeistungDaten(
        10123, "Visum", 4, "Einreise und Aufenthalt", EINFACH, P3, VORHANDEN, 2, EFA, LIVE,
        (("Schengen-Visum", "1"), ("Nationales Visum", "1")), "AufenthG",
        "Vorhandenes Auslandsportal des Bundes.",
    ),
    LeistungDaten(
        10124, "Anerkennung ausländischer Berufsqualifikationen", 4, "Fachkräfteeinwanderung",
        KOMPLEX, P3, WERKBANK, 2, EFA, UMSETZUNG,
        (("Bundesrechtlich geregelte Berufe", "1"), ("Landesrechtlich geregelte Berufe", "4"),
         ("Anerkennung durch Kammern", "2/3")),
        "BQFG", "Ein Einstieg für alle Anerkennungsstellen mit Weiterleitung.",
    ),
    # 5 Engagement & Hobby
    LeistungDaten(
        10161, "Fischereischein", 5, "Freizeit und Natur", EINFACH, P3, WERKBANK, 2, EFA, LIVE,
        (("Erteilung", "5"), ("Verlängerung", "5")), "Landesfischereigesetze",
        "Antrag mit Online-Zahlung der Fischereiabgabe.",
        kommunal=True,
    ),
    LeistungDaten(
        10162, "Jagdschein", 5, "Freizeit und Natur", EINFACH, P3, DIREKT, 3, DEZENTRAL, UMSETZUNG,
        (("Erteilung", "2/3"), ("Verlängerung", "2/3")), "BJagdG",
        "Software der Werkbank, betrieben von den unteren Jagdbehörden.",
        kommunal=True,
    ),
    LeistungDaten(
        10163, "Waffenbesitzkarte", 5, "Freizeit und Natur", KOMPLEX, P3, WERKBANK,
        3, FIM, KONZEPTION, (("Erteilung", "2/3"),), "WaffG",
        kommunal=True,
        depriorisierung=(
            _D.RECHTLICH,
            "Die Prüfung von Zuverlässigkeit und persönlicher Eignung setzt nach Auffassung "
            "des Themenfelds das persönliche Erscheinen voraus.",
            _E.ABGELEHNT,
        ),
    ),
    LeistungDaten(
        10164, "Ehrenamtskarte", 5, "Ehrenamt und Vereine", EINFACH, P3, DIREKT, 3, FIM,
        KONZEPTION, (("Ausstellung", "4"),), "Verwaltungsvorschriften der Länder",
        "Einfacher Antrag mit Bestätigung der Einsatzstelle.",
    ),
    # 6 Familie & Kind
    LeistungDaten(
        10201, "Elterngeld", 6, "Geburt", KOMPLEX, P1, LABOR, 1, EFA, LIVE,
        (("Bewilligung", "2/3"), ("ElterngeldPlus", "2/3"), ("Partnerschaftsbonus", "2/3")),
        "BEEG", "EfA-Antrag, Daten der Geburtsurkunde werden mit Einwilligung übernommen.",
    ),
    LeistungDaten(
        10202, "Kindergeld", 6, "Geburt", EINFACH, P3, VORHANDEN, 1, EFA, LIVE,
        (("Bewilligung", "1"),), "EStG",
        "Vorhandener Online-Antrag der Familienkasse.",
    ),
    LeistungDaten(
        10203, "Geburtsurkunde", 6, "Geburt", EINFACH, P1, LABOR, 1, EFA, LIVE,
        (("Ausstellung", "2/3"),), "PStG",
        "Beurkundung nach elektronischer Geburtsanzeige, Urkunde per Post oder digital.",
        kommunal=True,
    ),
    LeistungDaten(
        10204, "Unterhaltsvorschuss", 6, "Alleinerziehend", KOMPLEX, P2, LABOR, 1, EFA, UMSETZUNG,
        (("Bewilligung", "2/3"),), "UVG",
        "EfA-Antrag für die Unterhaltsvorschussstellen der Jugendämter.",
        kommunal=True,
    ),
    LeistungDaten(
        10205, "Anmeldung zur Kindertagesbetreuung", 6, "Kinderbetreuung", EINFACH, P3, WERKBANK,
        2, DEZENTRAL, UMSETZUNG, (("Platzvergabe", "5"), ("Beitragsermäßigung", "5")), "SGB VIII",
        "Kita-Platzbörse als Software im Lizenzmodell, betrieben von den Kommunen.",
        kommunal=True,
    ),
    LeistungDaten(
        10206, "Eheschließung", 6, "Heirat und Partnerschaft", EINFACH, DEPRIO, KEINE_UMSETZUNG,
        None, "", KEINE, (("Anmeldung", "2/3"), ("Durchführung", "2/3")), "BGB",
        kommunal=True,
        depriorisierung=(
            _D.RECHTLICH,
            "Die Ehe wird nur geschlossen, wenn beide persönlich und gleichzeitig vor dem "
            "Standesamt anwesend sind (§ 1311 BGB); die Anmeldung wird nach 2022 neu bewertet.",
            _E.BESTAETIGT,
        ),
    ),
    # 7 Forschung & Förderung
    LeistungDaten(
        10241, "Projektförderung des Bundes", 7, "Förderung von Projekten", KOMPLEX, P3, VORHANDEN,
        2, EFA, LIVE, (("Zuwendung", "1"),), "BHO",
        "Vorhandenes elektronisches Antragssystem der Projektträger.",
    ),
    LeistungDaten(
        10242, "Forschungszulage", 7, "Forschungsvorhaben", KOMPLEX, P2, LABOR, 2, EFA, UMSETZUNG,
        (("Bescheinigung", "1"), ("Festsetzung", "2/3")), "FZulG",
        "Bescheinigung des Bundes und Festsetzung durch das Finanzamt in einem Ablauf.",
    ),
    LeistungDaten(
        10244, "Genehmigung von Tierversuchen", 7, "Forschungsvorhaben", KOMPLEX, "", "", None,
        "", PLANUNG, (("Genehmigung", "2/3"), ("Anzeige", "2/3")), "TierSchG",
    ),
    # 8 Gesundheit
    LeistungDaten(
        10281, "Schwerbehindertenausweis", 8, "Behinderung", KOMPLEX, P1, LABOR, 1, EFA,
        UMSETZUNG,
        (("Feststellung des Grades der Behinderung", "2/3"), ("Ausstellung des Ausweises", "2/3")),
        "SGB IX", "EfA-Antrag mit Übermittlung ärztlicher Unterlagen.",
        kommunal=True,
    ),
    LeistungDaten(
        10282, "Approbation als Ärztin oder Arzt", 8, "Gesundheitsberufe", KOMPLEX, P3, WERKBANK,
        2, EFA, LIVE, (("Erteilung", "2/3"),), "BÄO",
        "Gemeinsamer Antrag der Approbationsbehörden.",
    ),
    LeistungDaten(
        10283, "Infektionsschutzbelehrung", 8, "Gesundheitsberufe", EINFACH, P3, DIREKT, 2, FIM,
        LIVE, (("Belehrung und Bescheinigung", "2/3"),), "IfSG",
        "Belehrung per Video, Bescheinigung zum Herunterladen.",
        kommunal=True,
    ),
    LeistungDaten(
        10284, "Leichenpass", 8, "Todesfall", EINFACH, DEPRIO, KEINE_UMSETZUNG, None, "", KEINE,
        (("Ausstellung", "4"),), "Bestattungsgesetze der Länder",
        kommunal=True,
        depriorisierung=(
            _D.WIRTSCHAFTLICH,
            "Sehr geringe Fallzahlen; der Aufwand einer Online-Lösung steht in keinem "
            "Verhältnis zum Nutzen.",
            _E.VORGESCHLAGEN,
        ),
    ),
    # 9 Mobilität & Reisen
    LeistungDaten(
        10321, "Fahrzeugzulassung", 9, "Kraftfahrzeug", KOMPLEX, P3, VORHANDEN, 1, DEZENTRAL, LIVE,
        (("Neuzulassung", "2/3"), ("Umschreibung", "2/3"), ("Außerbetriebsetzung", "2/3")), "FZV",
        "Internetbasierte Fahrzeugzulassung der Zulassungsbehörden.",
        kommunal=True,
        ausserhalb_ozg=AusserhalbOzg.IKFZ,
    ),
    LeistungDaten(
        10322, "Führerschein", 9, "Führerschein", KOMPLEX, P2, LABOR, 1, EFA, UMSETZUNG,
        (("Ersterteilung", "2/3"), ("Umtausch", "2/3")), "FeV",
        "Antrag mit Lichtbild-Upload und Anbindung der Fahrschulen.",
        kommunal=True,
    ),
    LeistungDaten(
        10323, "Bewohnerparkausweis", 9, "Kraftfahrzeug", EINFACH, P3, WERKBANK, 2, EFA, LIVE,
        (("Ausstellung", "2/3"),), "StVO",
        "Antrag mit Halterabfrage und Online-Zahlung.",
        kommunal=True,
    ),
    # 10 Querschnitt
    LeistungDaten(
        10361, "Zugang zu amtlichen Informationen", 10, "Auskunft und Information", EINFACH, P3,
        DIREKT, 2, FIM, LIVE,
        (("Auskunft nach Bundesrecht", "1"), ("Auskunft nach Landesrecht", "4")),
        "IFG und Informationsfreiheitsgesetze der Länder",
        "Anfrageformular mit Weiterleitung an die zuständige Stelle.",
    ),
    LeistungDaten(
        10362, "Amtliche Beglaubigung", 10, "Dokumente und Bescheinigungen", EINFACH, P3, WERKBANK,
        3, DEZENTRAL, KONZEPTION, (("Beglaubigung von Abschriften", "2/3"),), "VwVfG",
        "Antrag online, Abholung oder elektronisch beglaubigte Kopie.",
        kommunal=True,
    ),
    # 11 Recht & Ordnung
    LeistungDaten(
        10401, "Ummeldung", 11, "Umzug", MELDUNG, P1, LABOR, 1, EFA, LIVE,
        (("Anmeldung", "2/3"), ("Abmeldung", "2/3")), "Bundesmeldegesetz",
        "Digitale Wohnsitzanmeldung mit elektronischer Wohnungsgeberbestätigung.",
        kommunal=True,
    ),
    LeistungDaten(
        10402, "Personalausweis", 11, "Ausweisdokumente", KOMPLEX, P3, DIREKT, 2, EFA, UMSETZUNG,
        (("Ausstellung", "2/3"), ("Verlustanzeige", "2/3")), "PAuswG",
        "Vorbereitung online, Identifizierung weiterhin vor Ort.",
        kommunal=True,
    ),
    LeistungDaten(
        10403, "Führungszeugnis", 11, "Öffentliche Sicherheit", EINFACH, P3, VORHANDEN, 1, EFA,
        LIVE, (("Erteilung", "1"),), "BZRG",
        "Vorhandenes Online-Portal des Bundes mit Online-Ausweis.",
    ),
    LeistungDaten(
        10405, "Herausgabe von Fundsachen", 11, "Öffentliche Sicherheit", EINFACH, DEPRIO,
        KEINE_UMSETZUNG, None, "", KEINE, (("Herausgabe", "5"),), "BGB",
        kommunal=True,
        depriorisierung=(
            _D.FAKTISCH,
            "Die Fundsache wird gegen Nachweis der Berechtigung körperlich übergeben; eine "
            "Online-Abwicklung ist der Sache nach nicht möglich.",
            _E.BESTAETIGT,
        ),
    ),
    LeistungDaten(
        10406, "Versammlungsanzeige", 11, "Vereine und Versammlungen", MELDUNG, P3, WERKBANK, 2,
        EFA, UMSETZUNG, (("Anzeige", "4"),), "Versammlungsgesetze",
        "Anzeige mit Kartenausschnitt für Route und Kundgebungsort.",
    ),
    # 12 Steuern & Zoll
    LeistungDaten(
        10441, "Einkommensteuererklärung", 12, "Steuern für Privatpersonen", KOMPLEX, P3,
        VORHANDEN, 1, EFA, LIVE, (("Veranlagung", "2/3"),), "EStG",
        "Gemeinsames Verfahren der Steuerverwaltungen.",
        ausserhalb_ozg=AusserhalbOzg.ELSTER,
    ),
    LeistungDaten(
        10442, "Hundesteuer", 12, "Steuern für Privatpersonen", MELDUNG, P3, WERKBANK, 2, EFA, LIVE,
        (("Anmeldung", "5"), ("Abmeldung", "5")), "Hundesteuersatzungen",
        "An- und Abmeldung mit Übergabe an das kommunale Steuerverfahren.",
        kommunal=True,
    ),
    LeistungDaten(
        10443, "Grundsteuer", 12, "Steuern für Privatpersonen", KOMPLEX, P3, VORHANDEN, 2, EFA,
        LIVE, (("Feststellung des Grundsteuerwerts", "2/3"), ("Festsetzung", "5")), "GrStG",
        "Erklärung über das vorhandene Steuerportal, Festsetzung durch die Gemeinde.",
        kommunal=True,
    ),
    LeistungDaten(
        10444, "Zollanmeldung", 12, "Import und Export", KOMPLEX, P3, VORHANDEN, 2, EFA, LIVE,
        (("Einfuhranmeldung", "1"), ("Ausfuhranmeldung", "1")), "Zollkodex der Union",
        "Vorhandenes IT-Verfahren der Zollverwaltung.",
    ),
    LeistungDaten(
        10445, "Umsatzsteuer-Voranmeldung", 12, "Steuern und Abgaben für Unternehmen", MELDUNG,
        P3, VORHANDEN, 1, EFA, LIVE, (("Voranmeldung", "2/3"), ("Vergütungsverfahren", "1")),
        "UStG", "Vorhandene elektronische Übermittlung.",
    ),
    # 13 Umwelt
    LeistungDaten(
        10481, "Immissionsschutzrechtliche Genehmigung", 13, "Anlagen und Emissionen", KOMPLEX,
        P2, LABOR, 1, EFA, UMSETZUNG, (("Genehmigung", "2/3"), ("Änderungsanzeige", "2/3")),
        "BImSchG", "Antrag mit Gutachten-Upload und Beteiligung der Träger öffentlicher Belange.",
    ),
    LeistungDaten(
        10482, "Sperrmüllabholung", 13, "Abfall", EINFACH, P3, DIREKT, 3, FIM, UMSETZUNG,
        (("Terminvergabe", "5"),), "Abfallsatzungen",
        "Terminbuchung beim kommunalen Entsorger.",
        kommunal=True,
    ),
    LeistungDaten(
        10484, "Wasserrechtliche Erlaubnis", 13, "Natur und Gewässer", KOMPLEX, P3, WERKBANK, 2,
        EFA, UMSETZUNG, (("Erlaubnis", "2/3"), ("Bewilligung", "4")), "WHG",
        "Gemeinsamer Antrag der unteren Wasserbehörden.",
        kommunal=True,
    ),
    LeistungDaten(
        10485, "Badegewässerqualität", 13, "Natur und Gewässer", INFO, P3, DIREKT, 2, EFA, LIVE,
        (("Information", "4"),), "Badegewässerverordnungen der Länder",
        "Tagesaktuelle Messwerte als offene Daten und Karte.",
    ),
    # 14 Unternehmensführung & -entwicklung
    LeistungDaten(
        10521, "Gewerbeanmeldung", 14, "Unternehmensgründung", MELDUNG, P1, LABOR, 1, EFA, LIVE,
        (("Anmeldung", "2/3"), ("Ummeldung", "2/3"), ("Abmeldung", "2/3")), "GewO",
        "EfA-Gewerbeservice mit Weiterleitung an die empfangsberechtigten Stellen.",
        kommunal=True,
    ),
    LeistungDaten(
        10522, "Gaststättenerlaubnis", 14, "Gastronomie und Handel", KOMPLEX, P2, LABOR, 1, EFA,
        LIVE, (("Erlaubnis", "5"), ("Gestattung", "5")), "Gaststättengesetze",
        "Baut auf dem Gewerbeservice auf.",
        kommunal=True,
    ),
    LeistungDaten(
        10524, "Unternehmensgründung", 14, "Unternehmensgründung", KOMBI, P3, WERKBANK, 3, EFA,
        KONZEPTION,
        (("Handelsregisteranmeldung", "2/3"), ("Gewerbeanmeldung", "2/3"),
         ("Steuerliche Erfassung", "1")),
        "HGB, GewO, AO", "Gründung in einem Ablauf über Register, Gewerbe und Finanzamt.",
    ),
    LeistungDaten(
        10525, "Sondernutzungserlaubnis für Außengastronomie", 14, "Gastronomie und Handel",
        EINFACH, P3, DIREKT, 2, DEZENTRAL, UMSETZUNG, (("Erlaubnis", "4"), ("Verlängerung", "5")),
        "Straßengesetze der Länder", "Antrag mit Skizze der Fläche.",
        kommunal=True,
    ),
)
# fmt: on

# --------------------------------------------------------------------------------------
# Umsetzungsprojekte, Marktplatz, Anforderungen
# --------------------------------------------------------------------------------------

#: (Themenfeld, Name, umsetzendes Land, OZG-IDs, Beschreibung)
# fmt: off
UMSETZUNGSPROJEKTE = (
    (6, "Familienleistungen rund um die Geburt", "04", (10201, 10203, 10204),
     "Geburtsurkunde, Elterngeld und Unterhaltsvorschuss in einem Antragsweg."),
    (2, "Digitales Baugenehmigungsverfahren", "13", (10041, 10044),
     "Bauantrag und denkmalrechtliche Genehmigung auf einer Plattform."),
    (2, "Wohnen digital", "01", (10042, 10043),
     "Wohngeld und Wohnberechtigungsschein mit gemeinsamen Bausteinen."),
    (3, "Ausbildungsförderung digital", "15", (10081, 10082),
     "BAföG und Aufstiegs-BAföG."),
    (4, "Aufenthalt und Einbürgerung", "11", (10121, 10122, 10124),
     "Anträge der Ausländer- und Einbürgerungsbehörden."),
    (8, "Anerkennung in Gesundheitsberufen", "05", (10282, 10283),
     "Approbation und Bescheinigungen für Gesundheitsberufe."),
    (9, "Rund ums Fahrzeug", "06", (10322, 10323),
     "Führerschein und Bewohnerparken."),
    (11, "Meldewesen und Ausweisdokumente", "02", (10401, 10402),
     "Wohnsitzanmeldung und Ausweise."),
    (13, "Umweltgenehmigungen", "01", (10481, 10484),
     "Anlagen- und wasserrechtliche Zulassungen."),
    (14, "Gewerbe und Gastronomie", "02", (10521, 10522, 10525),
     "Gewerbeservice mit Gaststättenerlaubnis und Außengastronomie."),
)
# fmt: on

_R = Rechtsgrundlage
_F = Finanzierung
_N = Nachnutzungsstatus


@dataclass(frozen=True)
class AngebotDaten:
    ozg_id: int
    titel: str
    status: str
    rechtsgrundlage: str
    finanzierung: str
    #: Zahl der nachnutzenden Länder (zufällig gewählt, dazu ``fest``)
    nachnutzer: int
    beschreibung: str
    fest: tuple[tuple[str, str], ...] = ()


# fmt: off
ANGEBOTE = (
    AngebotDaten(10201, "Elterngeld digital (EfA)", Angebotsstatus.NACHNUTZBAR,
                 _R.VERWALTUNGSVEREINBARUNG, _F.PAUSCHALBETRAG, 8,
                 "Online-Antrag als Software as a Service; Anbindung je Land über das "
                 "Fachverfahren der Elterngeldstellen.", fest=(("06", _N.LIVE),)),
    AngebotDaten(10042, "Wohngeld-Antrag (EfA)", Angebotsstatus.NACHNUTZBAR,
                 _R.VERWALTUNGSVEREINBARUNG, _F.EINZELABRECHNUNG, 10,
                 "Antrag mit automatischer Zuständigkeitsermittlung."),
    AngebotDaten(10041, "Digitaler Bauantrag", Angebotsstatus.NACHNUTZBAR, _R.FIT_STORE,
                 _F.PAUSCHALBETRAG, 7, "Bauantrag für die unteren Bauaufsichtsbehörden, XBau."),
    AngebotDaten(10081, "BAföG digital", Angebotsstatus.NACHNUTZBAR,
                 _R.VERWALTUNGSVEREINBARUNG, _F.PAUSCHALBETRAG, 14,
                 "Bundesweit einheitlicher Antrag für alle Ämter für Ausbildungsförderung."),
    AngebotDaten(10401, "Digitale Wohnsitzanmeldung", Angebotsstatus.NACHNUTZBAR, _R.FIT_STORE,
                 _F.EINZELABRECHNUNG, 6,
                 "Anmeldung mit Online-Ausweis und Wohnungsgeber-Bestätigung."),
    AngebotDaten(10521, "Gewerbeservice (EfA)", Angebotsstatus.NACHNUTZBAR, _R.FIT_STORE,
                 _F.PAUSCHALBETRAG, 8, "Gewerbean-, -um- und -abmeldung mit XGewerbeanzeige."),
    AngebotDaten(10161, "Fischereischein online", Angebotsstatus.NACHNUTZBAR,
                 _R.VERWALTUNGSVEREINBARUNG, _F.EINZELABRECHNUNG, 4,
                 "Antrag und Zahlung der Fischereiabgabe."),
    AngebotDaten(10323, "Bewohnerparken digital", Angebotsstatus.NACHNUTZBAR, _R.SONSTIGE,
                 _F.SONSTIGE, 3, "Bewohnerparkausweis mit Halterabfrage."),
    AngebotDaten(10124, "Anerkennungsportal Berufsqualifikationen",
                 Angebotsstatus.PARTNER_GESUCHT, "", "", 3,
                 "Gesucht: Länder, die die landesrechtlich geregelten Berufe einbringen."),
    AngebotDaten(10205, "Kita-Platzbörse (Lizenzmodell)", Angebotsstatus.PARTNER_GESUCHT,
                 _R.SONSTIGE, "", 2,
                 "Gesucht: Entwicklungspartner für die Beitragsermäßigung."),
    AngebotDaten(10484, "Wasserrecht digital", Angebotsstatus.PARTNER_GESUCHT, "", "", 2,
                 "Gesucht: Länder mit eigenem Fachverfahren der Wasserbehörden."),
)
# fmt: on

#: Ansprechpersonen der Angebote (erfunden).
# fmt: off
KONTAKTE = (
    "Anna Keller", "Daniel Wolf", "Miriam Krüger", "Stefan Albrecht", "Nina Vogt",
    "Ole Hansen", "Katrin Brandl", "Jörg Meier", "Elif Demir", "Thomas Richter", "Sandra Lorenz",
)
# fmt: on

_A = Anforderungsart
_S = Anforderungsstatus


@dataclass(frozen=True)
class AnforderungDaten:
    art: str
    titel: str
    beschreibung: str
    eingereicht_von: str
    themenfeld: int | None = None
    ozg_id: int | None = None
    hemmnisart: str = ""
    status: str = Anforderungsstatus.EINGEREICHT
    entscheidung: str = ""


# fmt: off
ANFORDERUNGEN = (
    AnforderungDaten(
        _A.DIGITALISIERUNGSHEMMNIS, "Schriftformerfordernis beim Unterhaltsvorschuss",
        "Der Antrag verlangt eine eigenhändige Unterschrift; die OZG-Referenzinformationen "
        "zeigen, dass die Schriftform entfallen kann.",
        "federfuehrung-familie", 6, 10204, Hemmnisart.RECHTLICH, _S.ANGENOMMEN,
        "Wird in das nächste Paket zur Bereinigung von Schriftformerfordernissen aufgenommen.",
    ),
    AnforderungDaten(
        _A.DIGITALISIERUNGSHEMMNIS, "Keine standardisierte Schnittstelle der Ausländerbehörden",
        "Die Fachverfahren der Ausländerbehörden können Anträge nicht strukturiert "
        "übernehmen; ein XÖV-Standard fehlt.",
        "koordinator-hessen", 4, 10121, Hemmnisart.TECHNISCH, _S.IN_PRUEFUNG,
    ),
    AnforderungDaten(
        _A.DIGITALISIERUNGSHEMMNIS, "Sperrmüll: Zuständigkeit je Kommune unterschiedlich",
        "Teils Kommune, teils Zweckverband, teils beauftragtes Unternehmen; die "
        "Zuständigkeitsfinder kennen die Zuordnung nicht.",
        "koordinator-hessen", 13, 10482, Hemmnisart.ORGANISATORISCH,
    ),
    AnforderungDaten(
        _A.DIGITALISIERUNGSHEMMNIS, "Persönliches Erscheinen bei der Waffenbesitzkarte",
        "Das Themenfeld hält das persönliche Erscheinen für zwingend und hat die Leistung "
        "deshalb depriorisiert.",
        "koordinator-hessen", 5, 10163, Hemmnisart.RECHTLICH, _S.ABGELEHNT,
        "Persönliches Erscheinen ist nur für einzelne Prüfschritte nötig, nicht für den "
        "Antrag; die Depriorisierung wird nicht bestätigt.",
    ),
    AnforderungDaten(
        _A.AENDERUNGSANFRAGE, "Reifegrad Elterngeld in Hessen aktualisieren",
        "Hessen ist an die EfA-Lösung angebunden; bitte Reifegrad 3 mit der Adresse des "
        "Dienstes eintragen.",
        "lv-elterngeld-hessen", 6, 10201, status=_S.ERLEDIGT,
        entscheidung="Umsetzungsstand vom Themenfeld aktualisiert.",
    ),
    AnforderungDaten(
        _A.AENDERUNGSANFRAGE, "Ansprechperson im Themenfeld Querschnitt fehlt",
        "Auf der Themenfeldseite ist keine Ansprechperson der Federführung angegeben.",
        "leser", 10,
    ),
)
# fmt: on

# --------------------------------------------------------------------------------------
# Demo-Zugänge
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Zugang:
    username: str
    vorname: str
    nachname: str
    rolle: str
    #: Bereich der Rollenzuweisung: organisation (ARS oder Kurzname), themenfeld (Nummer),
    #: umsetzungsprojekt (Name), leistung (OZG-ID)
    bereich: dict[str, Any] = field(default_factory=dict)
    funktion: str = ""
    kontakt_veroeffentlichen: bool = False
    admin: bool = False

    @property
    def passwort(self) -> str:
        """Öffentlich dokumentiertes Demo-Passwort."""
        return f"demo-{self.username}-2026"

    @property
    def email(self) -> str:
        return f"{self.username}@{DOMAIN}"

    @property
    def bereich_text(self) -> str:
        teile = []
        for feld_name, wert in self.bereich.items():
            if feld_name == "organisation":
                teile.append(_ORGANISATIONSNAMEN[wert])
            elif feld_name == "themenfeld":
                teile.append(f"Themenfeld {_THEMENFELDNAMEN[wert]}")
            elif feld_name == "umsetzungsprojekt":
                teile.append(f"Umsetzungsprojekt {wert}")
            elif feld_name == "leistung":
                teile.append(f"Leistung {wert} {_LEISTUNGSNAMEN[wert]}")
        if self.rolle in (Rolle.PROGRAMMMANAGEMENT, Rolle.LESER):
            teile.insert(0, "programmweit")
        return ", ".join(teile)


# fmt: off
DEMO_ZUGAENGE = (
    Zugang("programmmanagement", "Paula", "Brandt", Rolle.PROGRAMMMANAGEMENT,
           {"organisation": "BMI"}, "OZG-Programmmanagement", True, admin=True),
    Zugang("koordinator-hessen", "Markus", "Schäfer", Rolle.OZG_KOORDINATOR,
           {"organisation": "06"}, "OZG-Koordination des Landes", True),
    Zugang("federfuehrung-familie", "Jana", "Wiegand", Rolle.FEDERFUEHRER,
           {"themenfeld": 6, "organisation": "04"}, "Themenfeldmanagement Familie & Kind", True),
    Zugang("umsetzung-familienleistungen", "Tobias", "Lange", Rolle.UMSETZUNGSKOORDINATOR,
           {"umsetzungsprojekt": "Familienleistungen rund um die Geburt"},
           "Projektbüro Familienleistungen"),
    Zugang("ressort-bmfsfj", "Sabine", "Hoffmann", Rolle.RESSORTANSPRECHPARTNER,
           {"organisation": "BMFSFJ"}, "OZG-Ressortkoordination", True),
    Zugang("lv-elterngeld", "Mehmet", "Yılmaz", Rolle.LEISTUNGSVERANTWORTLICHER,
           {"leistung": 10201}, "Product Owner Elterngeld", True),
    Zugang("lv-elterngeld-hessen", "Claudia", "Becker", Rolle.LV_NACHNUTZENDES_LAND,
           {"leistung": 10201, "organisation": "06"}, "Elterngeldstelle, Fachaufsicht"),
    Zugang("leser", "Lea", "Neumann", Rolle.LESER, {}, "Fachlich interessiert"),
)
# fmt: on

#: Beginn der Gültigkeit aller Demo-Rollenzuweisungen.
ROLLEN_GUELTIG_VON = dt.date(2020, 1, 1)
#: Iterations of the demo password hashes. The passwords are public, so a cheap hash keeps
#: the build fast; Django re-hashes at full strength on the first login.
DEMO_PASSWORT_ITERATIONEN = 10_000

_ORGANISATIONSNAMEN = {
    **{kurz: kurz for kurz, _ in (*BUNDESRESSORTS, FITKO)},
    **dict(LAENDER),
}
_THEMENFELDNAMEN = {tf.nummer: tf.name for tf in THEMENFELDER}
_LEISTUNGSNAMEN = {ld.ozg_id: ld.name for ld in LEISTUNGEN}


def zugaenge_tabelle() -> str:
    """The demo logins as a plain-text table (for ``demo_daten --zugaenge`` and the README)."""
    kopf = ("Benutzername", "Passwort", "Rolle", "Bereich")
    zeilen = [(z.username, z.passwort, Rolle(z.rolle).label, z.bereich_text) for z in DEMO_ZUGAENGE]
    breiten = [max(len(z[i]) for z in (kopf, *zeilen)) for i in range(3)]

    def zeile(werte):
        return "  ".join(
            [*(w.ljust(b) for w, b in zip(werte[:3], breiten, strict=True)), werte[3]]
        ).rstrip()

    trenner = "  ".join("-" * b for b in [*breiten, len(kopf[3])])
    return "\n".join([zeile(kopf), trenner, *(zeile(z) for z in zeilen)])


# --------------------------------------------------------------------------------------
# Aufbau
# --------------------------------------------------------------------------------------


class DemodatenKonflikt(Exception):
    """The database holds other data under the natural keys of the demo data."""


def _rng(*schluessel: object) -> random.Random:
    # Not for security: reproducible demo values only.
    return random.Random(":".join(map(str, (SEED, *schluessel))))  # noqa: S311


def _slug(text: str) -> str:
    for alt, neu in (
        ("ä", "ae"),
        ("ö", "oe"),
        ("ü", "ue"),
        ("ß", "ss"),
        ("Ä", "Ae"),
        ("Ö", "Oe"),
        ("Ü", "Ue"),
    ):
        text = text.replace(alt, neu)
    return slugify(text)


def _monatsende(tag: dt.date, monate: int) -> dt.date:
    """Last day of the month ``monate`` months after the month of ``tag``."""
    jahr, monat = divmod(tag.month - 1 + monate + 1, 12)
    return dt.date(tag.year + jahr, monat + 1, 1) - dt.timedelta(days=1)


def _typ(roh: str) -> str:
    return ", ".join(rules.leika_typ_parsen(roh).typen)


def _unveraendert(obj: models.Model, daten: dict[str, Any]) -> bool:
    """Whether ``obj`` already holds ``daten`` (so a rerun need not call the service)."""
    for name, wert in daten.items():
        feld = obj._meta.get_field(name)
        if feld.many_to_many:
            if set(getattr(obj, name).values_list("pk", flat=True)) != {w.pk for w in wert}:
                return False
        elif feld.is_relation:
            if getattr(obj, feld.attname) != (wert.pk if wert is not None else None):
                return False
        elif getattr(obj, name) != wert:
            return False
    return True


_VERZUG_TAGE = (-21, -7, 0, 0, 0, 14, 30, 60, 120, 200)


class _Aufbau:
    """Writes the demo data through the services; every step is get-or-update."""

    def __init__(self, user) -> None:
        self.user = user
        self.heute = timezone.localdate()
        self.org: dict[str, Organisation] = {}
        self.themenfelder: dict[int, Themenfeld] = {}
        self.lebenslagen: dict[tuple[int, str], Lebenslage] = {}
        self.leistungen: dict[int, Leistung] = {}
        self.projekte: dict[str, Umsetzungsprojekt] = {}
        self.umsetzer: dict[int, str] = {}
        self.staende: dict[int, dict[str, int]] = {}
        self.nachnutzer: dict[int, dict[str, str]] = {}
        self.users: dict[str, Any] = {}
        self._cache: dict[tuple, dict[tuple, models.Model]] = {}

    # --- generic get-or-update ---

    def sichern(
        self,
        model: type[models.Model],
        schluessel: dict[str, Any],
        daten: dict[str, Any],
        anlegen: Callable[..., Any] | None = None,
        aendern: Callable[..., Any] | None = None,
    ):
        """Find ``model`` by ``schluessel`` and update it with ``daten``, or create it."""
        felder = tuple(sorted(schluessel))
        vorhanden = self._vorhandene(model, felder)
        schluesselwert = tuple(
            w.pk if isinstance(w, models.Model) else w for _, w in sorted(schluessel.items())
        )
        obj = vorhanden.get(schluesselwert)
        if obj is None:
            if anlegen is None:
                obj = objekt_anlegen(model, user=self.user, grund=GRUND, **schluessel, **daten)
            else:
                obj = anlegen(user=self.user, grund=GRUND, **schluessel, **daten)
            vorhanden[schluesselwert] = obj
            return obj
        if _unveraendert(obj, daten):
            return obj
        if aendern is None:
            return objekt_aendern(obj, user=self.user, grund=GRUND, **daten)
        return aendern(obj, user=self.user, grund=GRUND, **daten)

    def _vorhandene(self, model, felder: tuple[str, ...]) -> dict[tuple, models.Model]:
        """Existing rows of ``model`` by natural key, loaded once (one query per model)."""
        if (model, felder) not in self._cache:
            attnames = [model._meta.get_field(f).attname for f in felder]
            self._cache[model, felder] = {
                tuple(getattr(obj, a) for a in attnames): obj
                for obj in model._default_manager.all()
            }
        return self._cache[model, felder]

    def organisation(self, schluessel: dict[str, Any], **daten: Any) -> Organisation:
        return self.sichern(Organisation, schluessel, daten, anlegen=organisation_anlegen)

    # --- steps ---

    def konflikte_pruefen(self) -> None:
        erwartet = {ld.ozg_id: ld.name for ld in LEISTUNGEN}
        fremd = [
            (ozg_id, name)
            for ozg_id, name in Leistung.objects.filter(ozg_id__in=erwartet).values_list(
                "ozg_id", "name"
            )
            if name != erwartet[ozg_id]
        ]
        if fremd:
            beispiele = ", ".join(f"{i} „{n}“" for i, n in sorted(fremd)[:3])
            raise DemodatenKonflikt(
                f"Die Datenbank enthält {len(fremd)} andere Leistung(en) unter OZG-IDs der "
                f"Demodaten (z. B. {beispiele}); Demodaten werden nicht darüber geschrieben."
            )

    def organisationen(self) -> None:
        art = OrganisationsArt
        bund = self.organisation({"art": art.BUND, "kurzname": BUND[0]}, name=BUND[1])
        self.org[BUND[0]] = bund
        for kurz, name in BUNDESRESSORTS:
            self.org[kurz] = self.organisation(
                {"art": art.BUNDESRESSORT, "kurzname": kurz}, name=name, parent=bund
            )
        for liste, organisationsart in (
            ((FITKO,), art.FITKO),
            (IT_DIENSTLEISTER, art.IT_DIENSTLEISTER),
            (SONSTIGE, art.SONSTIGE),
        ):
            for kurz, name in liste:
                self.org[kurz] = self.organisation(
                    {"art": organisationsart, "kurzname": kurz}, name=name
                )
        for ars, name in LAENDER:
            self.org[ars] = self.organisation(
                {"ars": ars}, art=art.LAND, name=name, website=f"https://{_slug(name)}.{DOMAIN}"
            )
        unterebenen = ((KREISE, art.KREIS, 2), (GEMEINDEN, art.GEMEINDE, 5))
        for liste, organisationsart, laenge in unterebenen:
            for ars, name in liste:
                self.org[ars] = self.organisation(
                    {"ars": ars}, art=organisationsart, name=name, parent=self.org[ars[:laenge]]
                )

    def themenfelder_anlegen(self) -> None:
        for tf in THEMENFELDER:
            mitglieder = [self.org[k] for k in (tf.land, tf.ressort, *tf.steuerungskreis)]
            themenfeld = self.sichern(
                Themenfeld,
                {"nummer": tf.nummer},
                {
                    "name": tf.name,
                    "beschreibung": tf.beschreibung,
                    "federfuehrendes_land": self.org[tf.land],
                    "federfuehrendes_ressort": self.org[tf.ressort],
                    "phase": tf.phase,
                    "steuerungskreis": mitglieder,
                },
                anlegen=themenfeld_anlegen,
                aendern=lambda obj, **kw: themenfeld_aendern(themenfeld=obj, **kw),
            )
            self.themenfelder[tf.nummer] = themenfeld
            for name, zielgruppe in tf.lebenslagen:
                self.lebenslagen[tf.nummer, name] = self.sichern(
                    Lebenslage,
                    {"themenfeld": themenfeld, "name": name},
                    {"zielgruppe": zielgruppe},
                    anlegen=lebenslage_anlegen,
                    aendern=lambda obj, **kw: lebenslage_aendern(lebenslage=obj, **kw),
                )
        personas = {}
        for nummer, name, beschreibung in PERSONAS:
            personas[name] = self.sichern(
                Persona,
                {"themenfeld": self.themenfelder[nummer], "name": name},
                {"beschreibung": beschreibung},
                anlegen=persona_anlegen,
            )
        for nummer, name, persona, lebenslage, beschreibung in NUTZERREISEN:
            self.sichern(
                Nutzerreise,
                {"themenfeld": self.themenfelder[nummer], "name": name},
                {
                    "persona": personas[persona],
                    "lebenslage": self.lebenslagen[nummer, lebenslage],
                    "beschreibung": beschreibung,
                },
                anlegen=nutzerreise_anlegen,
            )

    def leistungen_anlegen(self) -> None:
        for ld in LEISTUNGEN:
            grund, begruendung, entscheidung = ld.depriorisierung or ("", "", "")
            leistung = self.sichern(
                Leistung,
                {"ozg_id": ld.ozg_id},
                {
                    "name": ld.name,
                    "themenfeld": self.themenfelder[ld.themenfeld],
                    "lebenslage": self.lebenslagen[ld.themenfeld, ld.lebenslage],
                    "archetyp": ld.archetyp,
                    "prioritaet": ld.prioritaet,
                    "vorgehensmodell": ld.vorgehensmodell,
                    "depriorisierungsgrund": grund,
                    "depriorisierung_begruendung": begruendung,
                    "depriorisierung_entscheidung": entscheidung,
                    "welle": ld.welle,
                    "phase": ld.phase,
                    "nachnutzungsmodell": ld.modell,
                    "ausserhalb_ozg": ld.ausserhalb_ozg,
                    "steckbrief": ld.steckbrief,
                },
                anlegen=leistung_anlegen,
                aendern=lambda obj, **kw: leistung_aendern(leistung=obj, **kw),
            )
            self.leistungen[ld.ozg_id] = leistung
            for nr, (verrichtung, typ) in enumerate(ld.leika, start=1):
                self.sichern(
                    LeikaLeistung,
                    {"schluessel": f"99{ld.ozg_id % 1000:03d}{nr:03d}{nr:03d}000"},
                    {
                        "name": f"{ld.name} – {verrichtung}",
                        "typ": _typ(typ),
                        "typ_original": typ,
                        "leistung": leistung,
                        "gesetz_kuerzel": ld.gesetz,
                    },
                    anlegen=leika_leistung_anlegen,
                    aendern=lambda obj, **kw: leika_leistung_aendern(leika_leistung=obj, **kw),
                )

    def umsetzungsprojekte_anlegen(self) -> None:
        for nummer, name, land, ozg_ids, beschreibung in UMSETZUNGSPROJEKTE:
            self.projekte[name] = self.sichern(
                Umsetzungsprojekt,
                {"themenfeld": self.themenfelder[nummer], "name": name},
                {
                    "federfuehrendes_land": self.org[land],
                    "beschreibung": beschreibung,
                    "leistungen": [self.leistungen[i] for i in ozg_ids],
                },
                anlegen=umsetzungsprojekt_anlegen,
                aendern=lambda obj, **kw: umsetzungsprojekt_aendern(projekt=obj, **kw),
            )
            for ozg_id in ozg_ids:
                self.umsetzer[ozg_id] = land
        for ld in LEISTUNGEN:
            self.umsetzer.setdefault(
                ld.ozg_id, next(tf.land for tf in THEMENFELDER if tf.nummer == ld.themenfeld)
            )

    def nachnutzungen_planen(self) -> None:
        """Which Länder reuse which Marktplatz offer (decides their Reifegrad, too)."""
        laender = [ars for ars, _ in LAENDER]
        for angebot in ANGEBOTE:
            rng = _rng("nachnutzung", angebot.ozg_id)
            anbieter = self.umsetzer[angebot.ozg_id]
            plan = dict(angebot.fest)
            kandidaten = [a for a in laender if a != anbieter and a not in plan]
            for ars in rng.sample(kandidaten, max(0, angebot.nachnutzer - len(plan))):
                if angebot.status == Angebotsstatus.PARTNER_GESUCHT:
                    plan[ars] = rng.choice((_N.INTERESSE, _N.INTERESSE, _N.VEREINBART))
                else:
                    plan[ars] = rng.choices(
                        (_N.LIVE, _N.IN_UMSETZUNG, _N.VEREINBART, _N.INTERESSE), (5, 2, 2, 1)
                    )[0]
            self.nachnutzer[angebot.ozg_id] = plan

    def url(self, ld: LeistungDaten, gebiet_ars: str | None) -> str:
        """Invented address of the online service; ``None`` = the nationwide service."""
        if gebiet_ars is None:
            return f"https://bund.{DOMAIN}/{_slug(ld.name)}"
        return f"https://{_slug(self.org[gebiet_ars].name)}.{DOMAIN}/{_slug(ld.name)}"

    def umsetzungsstaende(self) -> None:
        verteilung = {
            LIVE: (1, 2, 2, 3, 3, 3, 4),
            UMSETZUNG: (0, 1, 1, 2, 2, 3),
            KONZEPTION: (0, 1, 1, 1, 2),
            PLANUNG: (0, 0, 1, 1),
            KEINE: (0, 0, 1, 1, 1),
        }
        # Kommunal vollzogene Leistungen sind seltener landesweit verfügbar.
        verteilung_kommunal = {
            **verteilung,
            LIVE: (1, 2, 2, 3, 3),
            UMSETZUNG: (0, 1, 1, 2),
            KONZEPTION: (0, 1, 1),
        }
        for ld in LEISTUNGEN:
            rng = _rng("stand", ld.ozg_id)
            leistung = self.leistungen[ld.ozg_id]
            umsetzer = self.umsetzer[ld.ozg_id]
            nachnutzer = self.nachnutzer.get(ld.ozg_id, {})
            einheitlich = None
            if ld.einheitlich:
                einheitlich = {LIVE: rng.choice((3, 4)), UMSETZUNG: 2, KONZEPTION: 1}.get(
                    ld.fortschritt, 0
                )
                if ld.ausserhalb_ozg == AusserhalbOzg.ELSTER:
                    einheitlich = 4
            staende: dict[str, int] = {}
            for ars, _ in LAENDER:
                bemerkung = ""
                url = ""
                if einheitlich is not None:
                    stufe = einheitlich
                    url = self.url(ld, None)
                    bemerkung = "Bundesweit einheitliche Lösung."
                elif ars == umsetzer and not ld.depriorisiert:
                    stufe = {
                        LIVE: rng.choice((3, 4)),
                        UMSETZUNG: rng.choice((2, 2, 3)),
                        KONZEPTION: rng.choice((1, 2)),
                    }.get(ld.fortschritt, 1)
                    url = self.url(ld, ars)
                    bemerkung = "Umsetzendes Land."
                elif ars in nachnutzer:
                    status = nachnutzer[ars]
                    stufe = {
                        _N.LIVE: rng.choice((3, 3, 4)),
                        _N.IN_UMSETZUNG: 2,
                        _N.VEREINBART: rng.choice((1, 2)),
                    }.get(status, rng.choice((0, 1, 2)))
                    url = f"{self.url(ld, umsetzer)}?land={ars}"
                    bemerkung = (
                        f"Nachnutzung der Lösung aus {self.org[umsetzer].name} "
                        f"({Nachnutzungsstatus(status).label})."
                    )
                else:
                    stufe = rng.choice(
                        (verteilung_kommunal if ld.kommunal else verteilung)[ld.fortschritt]
                    )
                    url = self.url(ld, ars)
                staende[ars] = stufe
                self.melden(leistung, ars, stufe, url, bemerkung, rng)
            self.staende[ld.ozg_id] = staende
            if ld.kommunal and ld.fortschritt not in (PLANUNG, KEINE):
                kommunal = {
                    LIVE: (2, 3, 3, 4),
                    UMSETZUNG: (1, 2, 3, 3),
                    KONZEPTION: (0, 1, 2),
                }[ld.fortschritt]
                for ars, _ in (*KREISE, *GEMEINDEN):
                    if rng.random() < 0.12:
                        self.melden(leistung, ars, rng.choice(kommunal), self.url(ld, ars), "", rng)

    def melden(self, leistung, ars, stufe, url, bemerkung, rng) -> None:
        daten = {
            "reifegrad": stufe,
            "online_url": url if stufe >= 2 else "",
            "stichtag": min(rng.choice(STICHTAGE), self.heute),
            "bemerkung": bemerkung,
        }
        gebiet = self.org[ars]
        vorhanden = self._vorhandene(Umsetzungsstand, ("gebiet", "leistung"))
        stand = vorhanden.get((gebiet.pk, leistung.pk))
        if stand is None or not _unveraendert(stand, daten):
            umsetzungsstand_melden(
                leistung=leistung, gebiet=gebiet, user=self.user, grund=GRUND, **daten
            )

    def ergebnisse(self) -> None:
        for ld in LEISTUNGEN:
            leistung = self.leistungen[ld.ozg_id]
            for typ, daten in self.ergebnisse_planen(ld).items():
                if daten == {"status": Ergebnisstatus.OFFEN}:
                    continue  # a missing Ergebnis counts as "offen" anyway
                felder = {
                    "status": Ergebnisstatus.OFFEN,
                    "ff_erforderlich": None,
                    "fim_status": "",
                    "nachweis_url": "",
                    "repository_url": "",
                    "verzicht_begruendung": "",
                    "geliefert_am": None,
                    **daten,
                }
                ergebnis = self._vorhandene(Ergebnis, ("ergebnistyp", "leistung")).get(
                    (typ, leistung.pk)
                )
                if ergebnis is None or not _unveraendert(ergebnis, felder):
                    ergebnis_setzen(
                        leistung=leistung, ergebnistyp=typ, user=self.user, grund=GRUND, **felder
                    )

    def ergebnisse_planen(self, ld: LeistungDaten) -> dict[str, dict[str, Any]]:
        """Status per Ergebnistyp, consistent with Abbildung 2 and the Leistung's progress."""
        rng = _rng("ergebnis", ld.ozg_id)
        t = Ergebnistyp
        s = Ergebnisstatus
        start = dt.date(2019, 9, 30) + dt.timedelta(days=183 * ((ld.welle or 2) - 1))
        basis = f"https://referenz.{DOMAIN}/ozg-{ld.ozg_id}"

        def geliefert(tage: int, url: str, **extra: Any) -> dict[str, Any]:
            datum = start + dt.timedelta(days=tage + rng.randint(0, 45))
            return {"status": s.GELIEFERT, "nachweis_url": url, "geliefert_am": datum, **extra}

        fim_url = f"https://fim.{DOMAIN}/stamminformationen/{ld.ozg_id}"
        if not ld.prioritaet:
            return {t.FIM_STAMMINFORMATIONEN: {"status": s.IN_ARBEIT}}
        if ld.depriorisiert:
            return {t.FIM_STAMMINFORMATIONEN: geliefert(0, fim_url, fim_status=FimStatus.SILBER)}

        f = ld.fortschritt
        labor = ld.prioritaet in (P1, P2)
        ri_objekt = f == LIVE and not ld.einheitlich
        plan: dict[str, dict[str, Any]] = {}

        if f == KONZEPTION:
            plan[t.FIM_STAMMINFORMATIONEN] = (
                geliefert(0, fim_url, fim_status=FimStatus.SILBER)
                if rng.random() < 0.5
                else {"status": s.IN_ARBEIT}
            )
        else:
            gold = rng.random() < (0.8 if f == LIVE else 0.4)
            plan[t.FIM_STAMMINFORMATIONEN] = geliefert(
                0, fim_url, fim_status=FimStatus.GOLD if gold else FimStatus.SILBER
            )

        if f == KONZEPTION:
            ref = {"status": s.IN_ARBEIT if rng.random() < 0.6 else s.OFFEN}
        elif not labor and not ri_objekt and rng.random() < 0.35:
            ref = {
                "status": s.VERZICHTET,
                "verzicht_begruendung": "Die FIM-Stamminformationen bilden Datenfelder und "
                "Prozess vollständig ab; eigene Referenzinformationen bringen keinen Mehrwert.",
            }
        else:
            ref = geliefert(90, f"{basis}/referenzinformationen")
        plan[t.OZG_REFERENZINFORMATIONEN] = ref

        verzicht_klick = {
            "status": s.VERZICHTET,
            "verzicht_begruendung": "Fachliche Einschätzung des Themenfelds: einfacher Ablauf "
            "mit wenigen Datenfeldern; die Nutzerführung wurde am bestehenden Formular getestet.",
        }
        if f == KONZEPTION:
            klick = (
                {"status": s.IN_ARBEIT}
                if labor
                else (verzicht_klick if rng.random() < 0.3 else {"status": s.OFFEN})
            )
        elif not labor and rng.random() < 0.5:
            klick = verzicht_klick
        else:
            klick = geliefert(150, f"https://prototyp.{DOMAIN}/{_slug(ld.name)}")
        plan[t.KLICK_PROTOTYP] = klick

        umsetzer = None if ld.einheitlich else self.umsetzer[ld.ozg_id]
        repo = f"https://code.{DOMAIN}/ozg/{_slug(ld.name)}"
        plan[t.REFERENZIMPLEMENTIERUNG] = {
            KONZEPTION: {"status": s.OFFEN},
            UMSETZUNG: {"status": s.IN_ARBEIT, "repository_url": repo},
            LIVE: geliefert(420, self.url(ld, umsetzer), repository_url=repo),
        }[f]

        konzept_url = f"{basis}/nachnutzungskonzept.pdf"
        if f == KONZEPTION:
            konzept = {"status": s.IN_ARBEIT if rng.random() < 0.5 else s.OFFEN}
        elif f == UMSETZUNG and rng.random() < 0.5:
            konzept = {"status": s.IN_ARBEIT}
        else:
            konzept = geliefert(300, konzept_url)
        plan[t.KONZEPT_NACHNUTZUNG] = konzept

        ff = rng.choice((True, True, False, None))
        if ff is None:
            antrag = {"status": s.OFFEN}
        elif ff is False:
            antrag = {
                "status": s.VERZICHTET,
                "verzicht_begruendung": "Vom Federführer nicht gefordert: der Antragsprozess "
                "entspricht dem OZG-Referenzprozess.",
            }
        elif f == LIVE or (f == UMSETZUNG and rng.random() < 0.5):
            antrag = geliefert(200, f"{basis}/antragsprozess")
        else:
            antrag = {"status": s.IN_ARBEIT}
        plan[t.ANTRAGSPROZESS] = {**antrag, "ff_erforderlich": ff}
        return plan

    def referenzimplementierungen(self) -> None:
        for ld in LEISTUNGEN:
            if ld.einheitlich or ld.fortschritt not in (LIVE, UMSETZUNG):
                continue
            rng = _rng("referenzimplementierung", ld.ozg_id)
            land = self.umsetzer[ld.ozg_id]
            stufe = self.staende[ld.ozg_id][land]
            if ld.fortschritt == LIVE:
                kriterien = {
                    "live_im_land": True,
                    "nachnutzbar_fuer_andere": True,
                    "deckt_leistungsbreite_ab": True,
                    "standards_initiiert": True,
                }
                bemerkung = "Alle vier Kriterien erfüllt."
            else:
                kriterien = {
                    "live_im_land": stufe >= 3,
                    "nachnutzbar_fuer_andere": False,
                    "deckt_leistungsbreite_ab": rng.random() < 0.5,
                    "standards_initiiert": rng.random() < 0.4,
                }
                offen = ["Nachnutzungsvereinbarung in Vorbereitung"]
                if not kriterien["live_im_land"]:
                    offen.insert(0, "noch nicht live im umsetzenden Land")
                if not kriterien["deckt_leistungsbreite_ab"]:
                    offen.append("noch nicht alle LeiKa-Leistungen abgedeckt")
                if not kriterien["standards_initiiert"]:
                    offen.append("Schnittstelle zum Fachverfahren noch nicht standardisiert")
                bemerkung = "Offen: " + "; ".join(offen) + "."
            daten = {
                "land": self.org[land],
                "url": self.url(ld, land) if stufe >= 2 else "",
                "bemerkung": bemerkung,
                **kriterien,
            }
            leistung = self.leistungen[ld.ozg_id]
            ri = self._vorhandene(Referenzimplementierung, ("leistung",)).get((leistung.pk,))
            if ri is None or not _unveraendert(ri, daten):
                referenzimplementierung_setzen(
                    leistung=leistung, user=self.user, grund=GRUND, **daten
                )

    def marktplatz(self) -> None:
        for nr, angebot in enumerate(ANGEBOTE):
            ld = next(x for x in LEISTUNGEN if x.ozg_id == angebot.ozg_id)
            anbieter = self.umsetzer[ld.ozg_id]
            obj = self.sichern(
                Nachnutzungsangebot,
                {"leistung": self.leistungen[ld.ozg_id], "titel": angebot.titel},
                {
                    "anbieter": self.org[anbieter],
                    "beschreibung": angebot.beschreibung,
                    "nachnutzungsmodell": ld.modell,
                    "status": angebot.status,
                    "rechtsgrundlage": angebot.rechtsgrundlage,
                    "finanzierung": angebot.finanzierung,
                    "url": self.url(ld, anbieter),
                    "kontakt_name": KONTAKTE[nr % len(KONTAKTE)],
                    "kontakt_email": f"ozg-{_slug(ld.name)}@{_slug(self.org[anbieter].name)}"
                    f".{DOMAIN}",
                    "veroeffentlicht": True,
                },
            )
            rng = _rng("nachnutzung-datum", angebot.ozg_id)
            for ars, status in sorted(self.nachnutzer[ld.ozg_id].items()):
                self.sichern(
                    Nachnutzung,
                    {"angebot": obj, "land": self.org[ars]},
                    {
                        "status": status,
                        "datum": dt.date(2021, 1, 15) + dt.timedelta(days=rng.randint(0, 1400)),
                    },
                )

    def meilensteine(self) -> None:
        reihenfolge = list(Phase.values)
        vorlagen = (
            (
                Phase.THEMENFELDPLANUNG,
                "Leistungssteckbriefe für alle Leistungen erstellt",
                dt.date(2019, 6, 30),
            ),
            (Phase.THEMENFELDPLANUNG, "Personas und Nutzerreisen erarbeitet", dt.date(2019, 9, 30)),
            (
                Phase.KONZEPTION,
                "Leistungsverantwortliche für alle Leistungen benannt",
                dt.date(2020, 3, 31),
            ),
            (
                Phase.KONZEPTION,
                "Umsetzungsprojekte gebildet und Nachnutzungsmodelle gewählt",
                dt.date(2020, 9, 30),
            ),
            (
                Phase.REFERENZIMPLEMENTIERUNG,
                "Referenzimplementierungen der Laborleistungen live",
                dt.date(2021, 6, 30),
            ),
            (
                Phase.REFERENZIMPLEMENTIERUNG,
                "Referenzimplementierungen aller priorisierten Leistungen abgeschlossen",
                dt.date(2022, 6, 30),
            ),
            (
                Phase.NACHNUTZUNG,
                "OZG-Frist: alle Leistungen flächendeckend ab Reifegrad 3",
                OZG_FRIST,
            ),
            (Phase.NACHNUTZUNG, "Nachnutzung der EfA-Lösungen in allen Ländern vereinbart", None),
        )
        for tf in THEMENFELDER:
            rng = _rng("meilenstein", tf.nummer)
            aktuell = reihenfolge.index(tf.phase)
            erster_der_phase: set[str] = set()
            for phase, name, basis in vorlagen:
                stufe = reihenfolge.index(phase)
                erster = phase not in erster_der_phase
                erster_der_phase.add(phase)
                erreicht = None
                if basis == OZG_FRIST:
                    geplant = OZG_FRIST
                    bemerkung = "Gesetzliche Frist; flächendeckende Verfügbarkeit steht aus."
                elif stufe < aktuell:
                    geplant = basis + dt.timedelta(days=rng.randint(0, 45))
                    erreicht = geplant + dt.timedelta(days=rng.choice(_VERZUG_TAGE))
                    bemerkung = ""
                elif stufe == aktuell and erster and basis is not None:
                    geplant = basis + dt.timedelta(days=rng.randint(0, 45))
                    erreicht = geplant + dt.timedelta(days=rng.choice((30, 75, 140, 260)))
                    bemerkung = "Mit Verzug erreicht."
                elif stufe == aktuell:
                    geplant = _monatsende(self.heute, rng.choice((-4, -2, 3, 6)))
                    bemerkung = "Neu geplant in der Feinplanung."
                else:
                    geplant = _monatsende(self.heute, 3 + 4 * (stufe - aktuell) + (not erster))
                    bemerkung = ""
                self.meilenstein(
                    self.themenfelder[tf.nummer], None, phase, name, geplant, erreicht, bemerkung
                )

        labor = [ld for ld in LEISTUNGEN if ld.prioritaet in (P1, P2)]
        for ld in labor:
            rng = _rng("meilenstein", ld.ozg_id)
            aktuell = _FORTSCHRITT_INDEX[ld.fortschritt]
            start = dt.date(2019, 12, 31) + dt.timedelta(days=183 * ((ld.welle or 1) - 1))
            live_nachnutzer = sum(
                1 for s in self.nachnutzer.get(ld.ozg_id, {}).values() if s == _N.LIVE
            )
            namen = (
                (Phase.KONZEPTION, "Klick-Prototyp abgenommen"),
                (
                    Phase.REFERENZIMPLEMENTIERUNG,
                    "Online-Dienst bundesweit live"
                    if ld.einheitlich
                    else "Referenzimplementierung live im umsetzenden Land",
                ),
                (
                    Phase.NACHNUTZUNG,
                    "Anbindung an das Nutzerkonto abgeschlossen"
                    if ld.einheitlich
                    else "Nachnutzung in mindestens fünf Ländern live",
                ),
            )
            for i, (phase, name) in enumerate(namen):
                stufe = i + 1
                geplant = start + dt.timedelta(days=365 * i + rng.randint(0, 30))
                erreicht = None
                bemerkung = ""
                fertig = stufe < aktuell or (
                    stufe == aktuell == 3 and (ld.einheitlich or live_nachnutzer >= 5)
                )
                if fertig:
                    erreicht = geplant + dt.timedelta(days=rng.choice(_VERZUG_TAGE))
                elif stufe == aktuell and rng.random() < 0.5:
                    bemerkung = "Verzögert; neuer Termin in Abstimmung."
                elif stufe >= aktuell:
                    geplant = _monatsende(self.heute, 2 + 4 * (stufe - aktuell) + i)
                    bemerkung = "Neu geplant." if stufe == aktuell else ""
                self.meilenstein(
                    self.themenfelder[ld.themenfeld],
                    self.leistungen[ld.ozg_id],
                    phase,
                    name,
                    geplant,
                    erreicht,
                    bemerkung,
                )

    def meilenstein(self, themenfeld, leistung, phase, name, geplant, erreicht, bemerkung):
        self.sichern(
            Meilenstein,
            {"themenfeld": themenfeld, "leistung": leistung, "name": name},
            {"phase": phase, "geplant": geplant, "erreicht": erreicht, "bemerkung": bemerkung},
            anlegen=meilenstein_anlegen,
            aendern=lambda obj, **kw: meilenstein_aendern(meilenstein=obj, **kw),
        )

    def zugaenge(self) -> None:
        user_model = get_user_model()
        hasher = PBKDF2PasswordHasher()
        for z in DEMO_ZUGAENGE:
            salt = hashlib.sha256(f"{SEED}:{z.username}".encode()).hexdigest()[:24]
            felder = {
                "first_name": z.vorname,
                "last_name": z.nachname,
                "email": z.email,
                "is_active": True,
                "is_staff": z.admin,
                "is_superuser": z.admin,
                "password": hasher.encode(z.passwort, salt, DEMO_PASSWORT_ITERATIONEN),
            }
            benutzer = user_model._default_manager.filter(username=z.username).first()
            if benutzer is None:
                benutzer = user_model(username=z.username, **felder)
                benutzer.full_clean()
                benutzer.save()
            elif any(getattr(benutzer, k) != v for k, v in felder.items()):
                for k, v in felder.items():
                    setattr(benutzer, k, v)
                benutzer.full_clean()
                benutzer.save()
            self.users[z.username] = benutzer

            bereich = {}
            for feld_name, wert in z.bereich.items():
                bereich[feld_name] = {
                    "organisation": lambda w: self.org[w],
                    "themenfeld": lambda w: self.themenfelder[w],
                    "umsetzungsprojekt": lambda w: self.projekte[w],
                    "leistung": lambda w: self.leistungen[w],
                }[feld_name](wert)
            schluessel = {
                f: bereich.get(f)
                for f in ("organisation", "themenfeld", "umsetzungsprojekt", "leistung")
            }
            daten = {
                "gueltig_von": ROLLEN_GUELTIG_VON,
                "gueltig_bis": None,
                "funktion": z.funktion,
                "kontakt_veroeffentlichen": z.kontakt_veroeffentlichen,
            }
            zuweisung = Rollenzuweisung.objects.filter(
                user=benutzer, rolle=z.rolle, **schluessel
            ).first()
            if zuweisung is None:
                rollenzuweisung_anlegen(
                    benutzer=benutzer,
                    rolle=z.rolle,
                    user=self.user,
                    grund=GRUND,
                    **bereich,
                    **daten,
                )
            else:
                objekt_aendern(zuweisung, user=self.user, grund=GRUND, **daten)

    def anforderungen(self) -> None:
        for a in ANFORDERUNGEN:
            self.sichern(
                Anforderung,
                {"art": a.art, "titel": a.titel},
                {
                    "beschreibung": a.beschreibung,
                    "hemmnisart": a.hemmnisart,
                    "themenfeld": self.themenfelder[a.themenfeld] if a.themenfeld else None,
                    "leistung": self.leistungen[a.ozg_id] if a.ozg_id else None,
                    "status": a.status,
                    "eingereicht_von": self.users[a.eingereicht_von],
                    "entscheidung_begruendung": a.entscheidung,
                },
            )


#: Models the demo writes, for the summary (label, model).
ZAEHLUNG = (
    ("Organisationen", Organisation),
    ("Themenfelder", Themenfeld),
    ("Lebenslagen", Lebenslage),
    ("Personas", Persona),
    ("Nutzerreisen", Nutzerreise),
    ("Leistungen", Leistung),
    ("LeiKa-Leistungen", LeikaLeistung),
    ("Umsetzungsprojekte", Umsetzungsprojekt),
    ("Umsetzungsstände", Umsetzungsstand),
    ("Ergebnisse", Ergebnis),
    ("Referenzimplementierungen", Referenzimplementierung),
    ("Meilensteine", Meilenstein),
    ("Nachnutzungsangebote", Nachnutzungsangebot),
    ("Nachnutzungen", Nachnutzung),
    ("Anforderungen", Anforderung),
    ("Rollenzuweisungen", Rollenzuweisung),
)


def demo_daten_anlegen() -> dict[str, int]:
    """Create or update the whole demo programme in one transaction; returns counts.

    Every write goes through the services (validated, with history attributed to the
    system account). Raises :class:`DemodatenKonflikt` when the database holds other
    Leistungen under the demo OZG-IDs.
    """
    with transaction.atomic(), als_benutzer():
        # user=None: a trusted server-side caller; als_benutzer() attributes the history.
        aufbau = _Aufbau(None)
        aufbau.konflikte_pruefen()
        aufbau.organisationen()
        aufbau.themenfelder_anlegen()
        aufbau.leistungen_anlegen()
        aufbau.umsetzungsprojekte_anlegen()
        aufbau.nachnutzungen_planen()
        aufbau.umsetzungsstaende()
        aufbau.ergebnisse()
        aufbau.referenzimplementierungen()
        aufbau.marktplatz()
        aufbau.meilensteine()
        aufbau.zugaenge()
        aufbau.anforderungen()
        # Berichtswesen: a monthly Themenfeld-Bericht per Steuerungskreis (idempotent).
        from berichtswesen.services import themenfeld_berichtsplaene_einrichten

        themenfeld_berichtsplaene_einrichten()
    return {label: model._default_manager.count() for label, model in ZAEHLUNG}
