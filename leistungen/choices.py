from django.db import models


class Reifegrad(models.IntegerChoices):
    """Reifegradmodell (§3, Abbildung 1)."""

    OFFLINE = 0, "Stufe 0 – Offline"
    INFORMATIONEN = 1, "Stufe 1 – Informationen"
    FORMULAR_ASSISTENT = 2, "Stufe 2 – Formular-Assistent"
    ONLINE_LEISTUNG = 3, "Stufe 3 – Online-Leistung"
    ONLINE_TRANSAKTION = 4, "Stufe 4 – Online-Transaktion"


#: OZG obligation met from this Stufe on.
REIFEGRAD_OZG_KONFORM = Reifegrad.ONLINE_LEISTUNG
#: Online offers are only shown from this Stufe on (§5.6).
REIFEGRAD_URL_SICHTBAR = Reifegrad.FORMULAR_ASSISTENT


class Prioritaet(models.TextChoices):
    PRIO_1 = "prio1", "Prio 1 (Laborkandidat)"
    PRIO_2 = "prio2", "Prio 2 (Laborkandidat)"
    PRIO_3 = "prio3", "Prio 3 (mittlere Priorität)"
    DEPRIORISIERT = "depriorisiert", "depriorisiert"


class Vorgehensmodell(models.TextChoices):
    DIGITALISIERUNGSLABOR = "digitalisierungslabor", "Digitalisierungslabor"
    DIGITALISIERUNGSWERKBANK = "digitalisierungswerkbank", "Digitalisierungswerkbank"
    DIREKT_DIGITALISIERUNG = "direkt_digitalisierung", "Direkt-Digitalisierung"
    VORHANDENE_LOESUNG = "vorhandene_loesung", "Nutzung vorhandener Lösung"
    KEINE_UMSETZUNG = "keine_umsetzung", "Vorerst keine Umsetzung"


class Depriorisierungsgrund(models.TextChoices):
    FAKTISCH = "faktisch", "faktische Unmöglichkeit"
    RECHTLICH = "rechtlich", "rechtliche Unmöglichkeit (inkl. Sicherheit)"
    WIRTSCHAFTLICH = "wirtschaftlich", "wirtschaftliche Unmöglichkeit"


class Depriorisierungsentscheidung(models.TextChoices):
    VORGESCHLAGEN = "vorgeschlagen", "vorgeschlagen (Entscheidung des Programmmanagements offen)"
    BESTAETIGT = "bestaetigt", "vom Programmmanagement bestätigt"
    ABGELEHNT = "abgelehnt", "vom Programmmanagement abgelehnt"


class Archetyp(models.TextChoices):
    INFORMATION = "information", "Information"
    MELDUNG = "meldung", "Meldung an Verwaltung"
    EINFACHER_ANTRAG = "einfacher_antrag", "Einfacher Antrag"
    KOMPLEXER_ANTRAG = "komplexer_antrag", "Komplexer Antrag"
    LEISTUNGSKOMBINATION = "leistungskombination", "Leistungskombination"


class Nachnutzungsmodell(models.TextChoices):
    EFA = "efa", "Einer für Alle/Viele (EfA)"
    DEZENTRAL = "dezentral", "Nachnutzbare Software, dezentral betrieben"
    FIM_EIGENENTWICKLUNG = "fim_eigenentwicklung", "FIM-basierte Eigenentwicklung"


class AusserhalbOzg(models.TextChoices):
    """Leistungen umgesetzt außerhalb des OZG-Programms (§5.5), separat berichtet."""

    IKFZ = "ikfz", "internetbasierte Kfz-Zulassung (iKfZ)"
    ELSTER = "elster", "ELSTER"
    SONSTIGES = "sonstiges", "sonstiges Vorhaben außerhalb des OZG"


class Ergebnistyp(models.TextChoices):
    FIM_STAMMINFORMATIONEN = "fim_stamminformationen", "FIM-Stamminformationen"
    OZG_REFERENZINFORMATIONEN = "ozg_referenzinformationen", "OZG-Referenzinformationen"
    KLICK_PROTOTYP = "klick_prototyp", "Klick-Prototyp"
    REFERENZIMPLEMENTIERUNG = "referenzimplementierung", "Referenzimplementierung"
    KONZEPT_NACHNUTZUNG = "konzept_nachnutzung", "Konzept zur Nachnutzung"
    ANTRAGSPROZESS = "antragsprozess", "Antragsprozess"


class Ergebnisstatus(models.TextChoices):
    OFFEN = "offen", "offen"
    IN_ARBEIT = "in_arbeit", "in Arbeit"
    GELIEFERT = "geliefert", "geliefert"
    VERZICHTET = "verzichtet", "verzichtet (mit Begründung)"


class FimStatus(models.TextChoices):
    SILBER = "silber", "Silber (vorläufige Freigabe)"
    GOLD = "gold", "Gold"


class Anforderungsstufe(models.TextChoices):
    """Legend of Abbildung 2."""

    ERFORDERLICH = "erforderlich", "erforderlich"
    ENTSCHEIDUNG_FF = "entscheidung_ff", "Entscheidung durch FF"
    NICHT_ERFORDERLICH = "nicht_erforderlich", "nicht erforderlich"


class Flaechendeckung(models.TextChoices):
    """Category of area-wide availability at Stufe ≥ 3 (as in the federal dashboard)."""

    BUNDESWEIT = "bundesweit", "bundesweit flächendeckend"
    LANDESWEIT = "landesweit", "landesweit flächendeckend"
    KREISWEIT = "kreisweit", "kreisweit flächendeckend"
    KOMMUNE = "kommune", "in mindestens einer Kommune"
    KEINE = "keine", "nicht verfügbar"
