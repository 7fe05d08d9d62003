"""Every API resource four ways (anonymous, no permission, permission, permission on one
object only) through ``ozgplattform.testing.api.ApiViewTests``."""

from __future__ import annotations

import datetime as dt

import pytest

from anforderungen.choices import Anforderungsart, Hemmnisart
from anforderungen.models import Anforderung
from leistungen.choices import Archetyp, Ergebnisstatus, Ergebnistyp, Reifegrad
from leistungen.models import (
    Ergebnis,
    LeikaLeistung,
    Leistung,
    Meilenstein,
    Umsetzungsprojekt,
    Umsetzungsstand,
)
from marktplatz.choices import Angebotsstatus, Nachnutzungsstatus
from marktplatz.models import Nachnutzung, Nachnutzungsangebot
from ozgplattform.choices import OrganisationsArt, Rolle
from ozgplattform.models import Organisation, Rollenzuweisung
from ozgplattform.testing import factories as f
from ozgplattform.testing.api import ApiViewTests, mit_rolle
from themenfelder.choices import Phase
from themenfelder.models import Lebenslage, Themenfeld

pytestmark = pytest.mark.django_db


def federfuehrer(themenfeld):
    return mit_rolle(Rolle.FEDERFUEHRER, themenfeld=themenfeld)


def koordinator(land):
    return mit_rolle(Rolle.OZG_KOORDINATOR, organisation=land)


# --------------------------------------------------------------------------------------
# ozgplattform
# --------------------------------------------------------------------------------------


class TestOrganisationApi(ApiViewTests):
    basename = "organisation"
    model = Organisation
    nicht_angeboten = ("delete",)

    def objekt(self):
        return f.LandFactory()

    def aenderung(self, obj):
        return {"kurzname": "NEU"}

    def pruefe_aenderung(self, obj):
        assert obj.kurzname == "NEU"

    def neu(self):
        return {"name": "Dataport", "art": OrganisationsArt.IT_DIENSTLEISTER}

    def pruefe_neu(self, obj, daten):
        assert (obj.name, obj.art, obj.ars) == ("Dataport", "it_dienstleister", None)

    def bereichsrolle(self, obj):
        return koordinator(obj)  # coordinates the Land, does not administer it


class TestRollenzuweisungApi(ApiViewTests):
    basename = "rollenzuweisung"
    model = Rollenzuweisung
    loeschbar = True

    def objekt(self):
        return f.RollenzuweisungFactory(kontakt_veroeffentlichen=True)

    def aenderung(self, obj):
        return {"funktion": "Referat DV 2"}

    def pruefe_aenderung(self, obj):
        assert obj.funktion == "Referat DV 2"

    def neu(self):
        self._person = f.UserFactory()
        return {"user": self._person.pk, "rolle": Rolle.LESER}

    def pruefe_neu(self, obj, daten):
        assert (obj.user_id, obj.rolle) == (self._person.pk, Rolle.LESER)
        # The service syncs the grants: the new Leser reads internal data at once.
        assert self._person.groups.filter(name__contains="Leser").exists()

    def bereichsrolle(self, obj):
        return federfuehrer(obj.leistung.themenfeld)


# --------------------------------------------------------------------------------------
# themenfelder
# --------------------------------------------------------------------------------------


class TestThemenfeldApi(ApiViewTests):
    basename = "themenfeld"
    model = Themenfeld
    nicht_angeboten = ("post", "delete")

    def objekt(self):
        return f.ThemenfeldFactory()

    def aenderung(self, obj):
        return {"beschreibung": f"Neu für {obj.name}", "phase": Phase.KONZEPTION}

    def pruefe_aenderung(self, obj):
        assert obj.beschreibung == f"Neu für {obj.name}"
        assert obj.phase == Phase.KONZEPTION

    def berechtigter(self, obj):
        return federfuehrer(obj)

    def nur_fuer(self, obj):
        return federfuehrer(obj), f.ThemenfeldFactory()


class TestLebenslageApi(ApiViewTests):
    basename = "lebenslage"
    model = Lebenslage
    nicht_angeboten = ("post", "put", "patch", "delete")

    def objekt(self):
        return f.LebenslageFactory()


# --------------------------------------------------------------------------------------
# leistungen
# --------------------------------------------------------------------------------------


class TestLeistungApi(ApiViewTests):
    basename = "leistung"
    model = Leistung
    nicht_angeboten = ("delete",)

    def objekt(self):
        return f.LeistungFactory()

    def aenderung(self, obj):
        return {"archetyp": Archetyp.EINFACHER_ANTRAG, "steckbrief": "Umsetzungsansatz"}

    def pruefe_aenderung(self, obj):
        assert (obj.archetyp, obj.steckbrief) == ("einfacher_antrag", "Umsetzungsansatz")

    def berechtigter(self, obj):
        return federfuehrer(obj.themenfeld)

    def nur_fuer(self, obj):
        return federfuehrer(obj.themenfeld), f.LeistungFactory()

    def neu(self):
        return {"ozg_id": 99001, "name": "Neue Leistung", "themenfeld": f.ThemenfeldFactory().pk}

    def pruefe_neu(self, obj, daten):
        assert (obj.ozg_id, obj.name, obj.themenfeld_id) == (
            99001,
            "Neue Leistung",
            daten["themenfeld"],
        )

    def neu_ausserhalb(self):
        # Federführer edit Leistungen, but the catalogue is the Programmmanagement's.
        daten = self.neu()
        return federfuehrer(Themenfeld.objects.get(pk=daten["themenfeld"])), daten


class TestLeikaLeistungApi(ApiViewTests):
    basename = "leikaleistung"
    model = LeikaLeistung
    nicht_angeboten = ("post", "put", "patch", "delete")

    def objekt(self):
        return f.LeikaLeistungFactory()


class TestUmsetzungsprojektApi(ApiViewTests):
    basename = "umsetzungsprojekt"
    model = Umsetzungsprojekt
    nicht_angeboten = ("delete",)

    def objekt(self):
        return f.UmsetzungsprojektFactory()

    def aenderung(self, obj):
        self._leistung = f.LeistungFactory(themenfeld=obj.themenfeld)
        return {"beschreibung": "gemeinsam", "leistungen": [self._leistung.pk]}

    def pruefe_aenderung(self, obj):
        assert obj.beschreibung == "gemeinsam"
        assert list(obj.leistungen.values_list("pk", flat=True)) == [self._leistung.pk]

    def berechtigter(self, obj):
        return federfuehrer(obj.themenfeld)

    def nur_fuer(self, obj):
        return federfuehrer(obj.themenfeld), f.UmsetzungsprojektFactory()

    def neu(self):
        self._themenfeld = f.ThemenfeldFactory()
        leistung = f.LeistungFactory(themenfeld=self._themenfeld)
        return {
            "name": "Projekt Elterngeld",
            "themenfeld": self._themenfeld.pk,
            "leistungen": [leistung.pk],
        }

    def anleger(self, daten):
        return federfuehrer(self._themenfeld)

    def pruefe_neu(self, obj, daten):
        assert obj.name == "Projekt Elterngeld"
        assert list(obj.leistungen.values_list("pk", flat=True)) == daten["leistungen"]

    def neu_ausserhalb(self):
        daten = self.neu()
        return federfuehrer(f.ThemenfeldFactory()), daten


class TestErgebnisApi(ApiViewTests):
    basename = "ergebnis"
    model = Ergebnis
    nicht_angeboten = ("delete",)

    def objekt(self):
        return f.ErgebnisFactory()

    def aenderung(self, obj):
        return {"status": Ergebnisstatus.IN_ARBEIT}

    def pruefe_aenderung(self, obj):
        assert obj.status == Ergebnisstatus.IN_ARBEIT

    def berechtigter(self, obj):
        return federfuehrer(obj.leistung.themenfeld)

    def nur_fuer(self, obj):
        return federfuehrer(obj.leistung.themenfeld), f.ErgebnisFactory()

    def neu(self):
        self._leistung = f.LeistungFactory(labor=True)
        return {
            "leistung": self._leistung.pk,
            "ergebnistyp": Ergebnistyp.KLICK_PROTOTYP,
            "status": Ergebnisstatus.GELIEFERT,
            "nachweis_url": "https://prototyp.example.org/",
        }

    def anleger(self, daten):
        return mit_rolle(Rolle.LEISTUNGSVERANTWORTLICHER, leistung=self._leistung)

    def pruefe_neu(self, obj, daten):
        assert (obj.leistung_id, obj.ergebnistyp, obj.status) == (
            self._leistung.pk,
            "klick_prototyp",
            "geliefert",
        )

    def neu_ausserhalb(self):
        daten = self.neu()
        return mit_rolle(Rolle.LEISTUNGSVERANTWORTLICHER, leistung=f.LeistungFactory()), daten


class TestUmsetzungsstandApi(ApiViewTests):
    basename = "umsetzungsstand"
    model = Umsetzungsstand
    nicht_angeboten = ("delete",)

    def objekt(self):
        return f.UmsetzungsstandFactory(reifegrad=Reifegrad.ONLINE_LEISTUNG)

    def aenderung(self, obj):
        return {"reifegrad": Reifegrad.ONLINE_TRANSAKTION}

    def pruefe_aenderung(self, obj):
        assert obj.reifegrad == Reifegrad.ONLINE_TRANSAKTION
        # PATCH keeps what it does not name (the service takes the whole report).
        assert obj.online_url == "https://service.example.org/antrag"

    def berechtigter(self, obj):
        return koordinator(obj.gebiet)

    def nur_fuer(self, obj):
        return koordinator(obj.gebiet), f.UmsetzungsstandFactory()

    def neu(self):
        self._kreis = f.KreisFactory()
        return {
            "leistung": f.LeistungFactory().pk,
            "gebiet": self._kreis.pk,
            "reifegrad": Reifegrad.FORMULAR_ASSISTENT,
            "online_url": "https://kreis.example.org/antrag",
        }

    def anleger(self, daten):
        return koordinator(self._kreis.parent)  # the Land's coordinator reports for its Kreise

    def pruefe_neu(self, obj, daten):
        assert (obj.gebiet_id, obj.reifegrad) == (self._kreis.pk, 2)

    def neu_ausserhalb(self):
        daten = self.neu()
        return koordinator(f.LandFactory()), daten


class TestMeilensteinApi(ApiViewTests):
    basename = "meilenstein"
    model = Meilenstein
    nicht_angeboten = ("delete",)

    def objekt(self):
        return f.MeilensteinFactory()

    def aenderung(self, obj):
        return {"erreicht": "2021-04-15", "bemerkung": "verspätet"}

    def pruefe_aenderung(self, obj):
        assert obj.erreicht == dt.date(2021, 4, 15)

    def berechtigter(self, obj):
        return federfuehrer(obj.themenfeld)

    def nur_fuer(self, obj):
        return federfuehrer(obj.themenfeld), f.MeilensteinFactory()

    def neu(self):
        self._themenfeld = f.ThemenfeldFactory()
        return {
            "themenfeld": self._themenfeld.pk,
            "phase": Phase.KONZEPTION,
            "name": "Konzept abgestimmt",
            "geplant": "2021-06-30",
        }

    def anleger(self, daten):
        return federfuehrer(self._themenfeld)

    def pruefe_neu(self, obj, daten):
        assert (obj.themenfeld_id, obj.geplant) == (self._themenfeld.pk, dt.date(2021, 6, 30))

    def neu_ausserhalb(self):
        daten = self.neu()
        return federfuehrer(f.ThemenfeldFactory()), daten


# --------------------------------------------------------------------------------------
# marktplatz
# --------------------------------------------------------------------------------------


class TestNachnutzungsangebotApi(ApiViewTests):
    basename = "nachnutzungsangebot"
    model = Nachnutzungsangebot
    nicht_angeboten = ("delete",)

    def objekt(self):
        return f.NachnutzungsangebotFactory(veroeffentlicht=True)

    def aenderung(self, obj):
        return {"status": Angebotsstatus.PARTNER_GESUCHT, "dienst_url": "https://efa.example.org/"}

    def pruefe_aenderung(self, obj):
        assert (obj.status, obj.url) == ("partner_gesucht", "https://efa.example.org/")

    def neu(self):
        return {
            "leistung": f.LeistungFactory().pk,
            "anbieter": f.LandFactory().pk,
            "titel": "EfA Wohngeld",
            "nachnutzungsmodell": "efa",
            "status": Angebotsstatus.NACHNUTZBAR,
        }

    def pruefe_neu(self, obj, daten):
        assert (obj.titel, obj.veroeffentlicht) == ("EfA Wohngeld", False)

    def bereichsrolle(self, obj):
        return koordinator(obj.anbieter)


class TestNachnutzungApi(ApiViewTests):
    basename = "nachnutzung"
    model = Nachnutzung
    nicht_angeboten = ("put", "patch", "delete")

    def objekt(self):
        return f.NachnutzungFactory(angebot=f.NachnutzungsangebotFactory(veroeffentlicht=True))

    def neu(self):
        self._land = f.LandFactory()
        self._angebot = f.NachnutzungsangebotFactory(veroeffentlicht=True)
        return {
            "angebot": self._angebot.pk,
            "land": self._land.pk,
            "status": Nachnutzungsstatus.VEREINBART,
            "datum": "2021-05-01",
        }

    def anleger(self, daten):
        return koordinator(self._land)

    def pruefe_neu(self, obj, daten):
        assert (obj.angebot_id, obj.land_id, obj.status) == (
            self._angebot.pk,
            self._land.pk,
            "vereinbart",
        )

    def neu_ausserhalb(self):
        daten = self.neu()
        return koordinator(f.LandFactory()), daten


# --------------------------------------------------------------------------------------
# anforderungen
# --------------------------------------------------------------------------------------


class TestAnforderungApi(ApiViewTests):
    basename = "anforderung"
    model = Anforderung
    oeffentlich = False
    nicht_angeboten = ("put", "patch", "delete")

    def objekt(self):
        return f.AnforderungFactory()

    def neu(self):
        self._leistung = f.LeistungFactory()
        return {
            "art": Anforderungsart.DIGITALISIERUNGSHEMMNIS,
            "titel": "Schriftform verhindert Online-Antrag",
            "beschreibung": "§ 12 verlangt die eigenhändige Unterschrift.",
            "hemmnisart": Hemmnisart.RECHTLICH,
            "leistung": self._leistung.pk,
        }

    def anleger(self, daten):
        return federfuehrer(self._leistung.themenfeld)

    def pruefe_neu(self, obj, daten):
        assert obj.titel == daten["titel"]
        assert obj.eingereicht_von_id == obj.history.get().history_user_id

    def neu_ausserhalb(self):
        daten = self.neu()
        return federfuehrer(f.ThemenfeldFactory()), daten
