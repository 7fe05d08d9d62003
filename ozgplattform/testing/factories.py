"""factory_boy factories for every domain model.

Every factory builds an object that passes ``full_clean()`` with its defaults. Gebiete
get unique, well-formed Amtliche Regionalschlüssel (ARS): a Land has two digits (from
20 on, so the real Länder 01–16 stay free for tests that need them), a Kreis extends its
Land's ARS by three digits, a Gemeinde its Kreis's ARS by seven.

Factories save directly (no service), so their history rows carry no user; tests that
check attribution write through the services instead.
"""

from __future__ import annotations

import datetime as dt
import functools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from anforderungen.choices import Anforderungsart
from anforderungen.models import Anforderung
from leistungen.choices import (
    Depriorisierungsgrund,
    Ergebnisstatus,
    Ergebnistyp,
    Nachnutzungsmodell,
    Prioritaet,
    Reifegrad,
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
from marktplatz.choices import Angebotsstatus, Nachnutzungsstatus
from marktplatz.models import Nachnutzung, Nachnutzungsangebot
from ozgplattform.choices import OrganisationsArt, Rolle
from ozgplattform.models import Organisation, Rollenzuweisung
from themenfelder.choices import Phase
from themenfelder.models import Lebenslage, Nutzerreise, Persona, Themenfeld

PASSWORT = "Testpasswort-ozg-2020"


@functools.cache
def _passwort_hash() -> str:
    """Hash PASSWORT once per process: the production hasher takes ~0.5 s per call."""
    return make_password(PASSWORT)


# --------------------------------------------------------------------------------------
# Benutzer und Organisationen
# --------------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Sequence(lambda n: f"Vorname{n}")
    last_name = factory.Sequence(lambda n: f"Nachname{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    #: Every user's password is PASSWORT (``client.login(username=..., password=PASSWORT)``).
    password = factory.LazyFunction(_passwort_hash)
    is_active = True


class ProgrammmanagementFactory(UserFactory):
    """A user holding the Programmmanagement role (may do everything, through the roles)."""

    username = factory.Sequence(lambda n: f"pm{n}")

    @factory.post_generation
    def rolle(obj, create, extracted, **kwargs):
        if create:
            from ozgplattform.choices import Rolle
            from ozgplattform.services import rollenzuweisung_anlegen

            rollenzuweisung_anlegen(benutzer=obj, rolle=Rolle.PROGRAMMMANAGEMENT)


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A non-territorial organisation (IT-Dienstleister); no ARS."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    art = OrganisationsArt.IT_DIENSTLEISTER
    ars = None


def _naechste_land_ars() -> str:
    """The next free two-digit ARS from 20 upwards (never one of the real 01–16), above
    every Land already there: Länder made one after the other sort by ARS in the order
    they were made, whatever other tests (or pytest-xdist processes) made before."""
    vorhanden = set(
        Organisation.objects.filter(art=OrganisationsArt.LAND).values_list("ars", flat=True)
    )
    hoechste = max((int(a) for a in vorhanden if a and a.isdigit()), default=19)
    for kandidat in [*range(max(hoechste + 1, 20), 100), *range(20, 100)]:
        if f"{kandidat:02d}" not in vorhanden:
            return f"{kandidat:02d}"
    raise RuntimeError("Kein freier Amtlicher Regionalschlüssel 20–99 für ein weiteres Land.")


class LandFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Land {n}")
    kurzname = factory.LazyAttribute(lambda o: f"L{o.ars}")
    art = OrganisationsArt.LAND
    ars = factory.LazyFunction(_naechste_land_ars)


class KreisFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Kreis {n}")
    art = OrganisationsArt.KREIS
    parent = factory.SubFactory(LandFactory)
    ars = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.ars}{n % 1000:03d}")


class GemeindeFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Gemeinde {n}")
    art = OrganisationsArt.GEMEINDE
    parent = factory.SubFactory(KreisFactory)
    ars = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.ars}{n % 10**7:07d}")


class RessortFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Bundesministerium {n}")
    kurzname = factory.Sequence(lambda n: f"BM{n}")
    art = OrganisationsArt.BUNDESRESSORT


# --------------------------------------------------------------------------------------
# Themenfelder
# --------------------------------------------------------------------------------------


class ThemenfeldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Themenfeld
        skip_postgeneration_save = True

    #: From 100 on, so the real Themenfelder 1–14 stay free.
    nummer = factory.Sequence(lambda n: 100 + n)
    name = factory.Sequence(lambda n: f"Themenfeld {n}")
    phase = Phase.THEMENFELDPLANUNG

    @factory.post_generation
    def steuerungskreis(self, create, extracted, **kwargs):
        if create and extracted:
            self.steuerungskreis.set(extracted)


class LebenslageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lebenslage

    name = factory.Sequence(lambda n: f"Lebenslage {n}")
    themenfeld = factory.SubFactory(ThemenfeldFactory)


class PersonaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Persona

    name = factory.Sequence(lambda n: f"Persona {n}")
    themenfeld = factory.SubFactory(ThemenfeldFactory)


class NutzerreiseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nutzerreise

    name = factory.Sequence(lambda n: f"Nutzerreise {n}")
    themenfeld = factory.SubFactory(ThemenfeldFactory)


# --------------------------------------------------------------------------------------
# Leistungen
# --------------------------------------------------------------------------------------


class LeistungFactory(factory.django.DjangoModelFactory):
    """An unprioritised OZG-Leistung; traits set a consistent Priorität/Vorgehensmodell."""

    class Meta:
        model = Leistung

    ozg_id = factory.Sequence(lambda n: 20000 + n)
    name = factory.Sequence(lambda n: f"OZG-Leistung {n}")
    themenfeld = factory.SubFactory(ThemenfeldFactory)

    class Params:
        labor = factory.Trait(
            prioritaet=Prioritaet.PRIO_1,
            vorgehensmodell=Vorgehensmodell.DIGITALISIERUNGSLABOR,
        )
        werkbank = factory.Trait(
            prioritaet=Prioritaet.PRIO_3,
            vorgehensmodell=Vorgehensmodell.DIGITALISIERUNGSWERKBANK,
        )
        depriorisiert = factory.Trait(
            prioritaet=Prioritaet.DEPRIORISIERT,
            vorgehensmodell=Vorgehensmodell.KEINE_UMSETZUNG,
            depriorisierungsgrund=Depriorisierungsgrund.RECHTLICH,
            depriorisierung_begruendung="Persönliches Erscheinen ist vorgeschrieben.",
        )


class LeikaLeistungFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeikaLeistung

    schluessel = factory.Sequence(lambda n: f"{99000000000000 + n:014d}")
    name = factory.Sequence(lambda n: f"LeiKa-Leistung {n}")
    typ = "2/3"
    typ_original = factory.SelfAttribute("typ")
    leistung = factory.SubFactory(LeistungFactory)


class UmsetzungsprojektFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Umsetzungsprojekt
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Umsetzungsprojekt {n}")
    themenfeld = factory.SubFactory(ThemenfeldFactory)

    @factory.post_generation
    def leistungen(self, create, extracted, **kwargs):
        if create and extracted:
            self.leistungen.set(extracted)


class ErgebnisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ergebnis

    leistung = factory.SubFactory(LeistungFactory)
    ergebnistyp = Ergebnistyp.FIM_STAMMINFORMATIONEN
    status = Ergebnisstatus.OFFEN

    class Params:
        geliefert = factory.Trait(
            status=Ergebnisstatus.GELIEFERT,
            nachweis_url="https://fimportal.de/nachweis",
            geliefert_am=dt.date(2021, 6, 30),
        )


class UmsetzungsstandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Umsetzungsstand

    leistung = factory.SubFactory(LeistungFactory)
    gebiet = factory.SubFactory(LandFactory)
    reifegrad = Reifegrad.ONLINE_LEISTUNG
    online_url = "https://service.example.org/antrag"
    stichtag = factory.LazyFunction(timezone.localdate)


class MeilensteinFactory(factory.django.DjangoModelFactory):
    """A Themenfeld milestone; given a ``leistung`` it takes the Leistung's Themenfeld."""

    class Meta:
        model = Meilenstein

    leistung = None
    themenfeld = factory.Maybe(
        "leistung",
        yes_declaration=factory.SelfAttribute("leistung.themenfeld"),
        no_declaration=factory.SubFactory(ThemenfeldFactory),
    )
    phase = Phase.KONZEPTION
    name = factory.Sequence(lambda n: f"Steuerungsindikator {n}")
    geplant = dt.date(2021, 3, 31)
    erreicht = None


class ReferenzimplementierungFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referenzimplementierung

    leistung = factory.SubFactory(LeistungFactory)
    land = factory.SubFactory(LandFactory)
    url = "https://referenz.example.org/"


# --------------------------------------------------------------------------------------
# Marktplatz
# --------------------------------------------------------------------------------------


class NachnutzungsangebotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nachnutzungsangebot

    leistung = factory.SubFactory(LeistungFactory)
    anbieter = factory.SubFactory(LandFactory)
    titel = factory.Sequence(lambda n: f"EfA-Lösung {n}")
    nachnutzungsmodell = Nachnutzungsmodell.EFA
    status = Angebotsstatus.NACHNUTZBAR
    kontakt_name = "Erika Mustermann"
    kontakt_email = "erika.mustermann@example.org"


class NachnutzungFactory(factory.django.DjangoModelFactory):
    """A Land (not the offering one) reusing an offer."""

    class Meta:
        model = Nachnutzung

    angebot = factory.SubFactory(NachnutzungsangebotFactory)
    land = factory.SubFactory(LandFactory)
    status = Nachnutzungsstatus.INTERESSE


# --------------------------------------------------------------------------------------
# Anforderungsmanagement und Rollen
# --------------------------------------------------------------------------------------


class AnforderungFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Anforderung

    art = Anforderungsart.AENDERUNGSANFRAGE
    titel = factory.Sequence(lambda n: f"Änderungsanfrage {n}")
    beschreibung = "Bitte den Reifegrad korrigieren."
    leistung = factory.SubFactory(LeistungFactory)
    themenfeld = factory.SelfAttribute("leistung.themenfeld")
    eingereicht_von = factory.SubFactory(UserFactory)


class RollenzuweisungFactory(factory.django.DjangoModelFactory):
    """Leistungsverantwortlicher for a Leistung; traits for the other scopes."""

    class Meta:
        model = Rollenzuweisung

    user = factory.SubFactory(UserFactory)
    rolle = Rolle.LEISTUNGSVERANTWORTLICHER
    leistung = factory.SubFactory(LeistungFactory)

    class Params:
        ozg_koordinator = factory.Trait(
            rolle=Rolle.OZG_KOORDINATOR,
            leistung=None,
            organisation=factory.SubFactory(LandFactory),
        )
        federfuehrer = factory.Trait(
            rolle=Rolle.FEDERFUEHRER,
            leistung=None,
            themenfeld=factory.SubFactory(ThemenfeldFactory),
        )
        programmmanagement = factory.Trait(rolle=Rolle.PROGRAMMMANAGEMENT, leistung=None)
