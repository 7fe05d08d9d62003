"""Daily snapshot (Kennzahlenstand): idempotent, equal to gesamtfortschritt, rebuilt from
history, registered with Celery."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from berichtswesen.kennzahlen import kennzahlen_festhalten, kennzahlen_nachbilden
from berichtswesen.models import Ebene, Kennzahlenstand
from leistungen.choices import Flaechendeckung
from leistungen.models import Ergebnis, Leistung, Meilenstein, Umsetzungsstand
from leistungen.selectors import gesamtfortschritt
from leistungen.services import umsetzungsstand_melden
from themenfelder.models import Themenfeld

pytestmark = pytest.mark.django_db


def _stand(ebene, bezug="", stichtag=None) -> Kennzahlenstand:
    return Kennzahlenstand.objects.get(
        stichtag=stichtag or timezone.localdate(), ebene=ebene, bezug=bezug
    )


def _vergleich(stand: Kennzahlenstand, k) -> None:
    assert stand.anzahl_leistungen == k.anzahl_leistungen
    assert stand.online == k.online_bund
    assert stand.flaechendeckend == k.flaechendeckung[Flaechendeckung.BUNDESWEIT]
    assert stand.ergebnisse_vollstaendig == k.ergebnisse_vollstaendig
    assert stand.ergebnisse_mit_anforderungen == k.ergebnisse_mit_anforderungen
    assert stand.meilensteine == k.meilensteine
    assert stand.meilensteine_verzoegert == k.meilensteine_verzoegert
    assert stand.verteilung["reifegrad"] == {
        ("keine" if s is None else str(s)): n for s, n in k.reifegrad_bund.items()
    }
    assert stand.verteilung["flaechendeckung"] == k.flaechendeckung


def test_festhalten_gleich_gesamtfortschritt(welt):
    heute = timezone.localdate()
    anzahl = kennzahlen_festhalten(heute)
    themenfelder = list(Themenfeld.objects.all())
    assert anzahl == 1 + len(themenfelder) + 3
    k = gesamtfortschritt(stichtag=heute)
    _vergleich(_stand(Ebene.GESAMT), k)
    assert _stand(Ebene.GESAMT).online == 2  # not only equal, but the expected figure
    for tf in themenfelder:
        _vergleich(
            _stand(Ebene.THEMENFELD, str(tf.pk)),
            gesamtfortschritt(Leistung.objects.im_katalog().filter(themenfeld=tf), heute),
        )
    for land in k.laender:
        stand = _stand(Ebene.LAND, land.ars)
        assert stand.online == k.online_je_land[land.ars]
        assert stand.flaechendeckend == k.landesweit_je_land[land.ars]
        assert stand.verteilung["reifegrad"] == {
            ("keine" if s is None else str(s)): n for s, n in k.reifegrad_land[land.ars].items()
        }
        assert stand.meilensteine is None


def test_festhalten_idempotent(welt):
    kennzahlen_festhalten()
    kennzahlen_festhalten()
    assert Kennzahlenstand.objects.count() == 1 + Themenfeld.objects.count() + 3
    assert _stand(Ebene.GESAMT).online == 2
    umsetzungsstand_melden(leistung=welt.l3, gebiet=welt.laender[2], reifegrad=4)
    kennzahlen_festhalten()
    assert Kennzahlenstand.objects.count() == 1 + Themenfeld.objects.count() + 3
    assert _stand(Ebene.GESAMT).online == 3
    assert _stand(Ebene.LAND, "22").flaechendeckend == 1


def test_vergangener_stichtag_zaehlt_nur_gemeldete_staende(welt):
    gestern = timezone.localdate() - dt.timedelta(days=1)
    kennzahlen_festhalten(gestern)
    _vergleich(_stand(Ebene.GESAMT, stichtag=gestern), gesamtfortschritt(stichtag=gestern))
    assert _stand(Ebene.GESAMT, stichtag=gestern).online == 0


def _historie_zurueckdatieren(tage: int) -> dt.datetime:
    """Pretend everything so far happened ``tage`` days ago."""
    damals = timezone.now() - dt.timedelta(days=tage)
    for model in (Leistung, Umsetzungsstand, Ergebnis, Meilenstein):
        model.history.all().update(history_date=damals)
    Umsetzungsstand.objects.update(stichtag=damals.date())
    Umsetzungsstand.history.all().update(stichtag=damals.date())
    return damals


def test_nachbilden_liefert_den_alten_wert(welt):
    heute = timezone.localdate()
    gestern = heute - dt.timedelta(days=1)
    _historie_zurueckdatieren(3)
    # Today Nordland lowers the Elterngeld from Stufe 3 to 1 and Südland's Stufe 4 goes.
    umsetzungsstand_melden(leistung=welt.l1, gebiet=welt.laender[0], reifegrad=1, stichtag=heute)
    Umsetzungsstand.objects.get(leistung=welt.l1, gebiet=welt.laender[1]).delete()
    kennzahlen_festhalten(heute)
    assert _stand(Ebene.LAND, "20").online == 1  # only the Kreis' Kindergeld
    assert _stand(Ebene.GESAMT).online == 1

    anzahl = kennzahlen_nachbilden(heute - dt.timedelta(days=4), gestern)
    assert anzahl == 4 * (1 + Themenfeld.objects.count() + 3)
    alt = _stand(Ebene.GESAMT, stichtag=gestern)
    assert alt.nachgebildet
    assert alt.online == 2
    assert alt.verteilung["reifegrad"]["4"] == 1
    assert _stand(Ebene.LAND, "20", stichtag=gestern).online == 2
    assert _stand(Ebene.LAND, "21", stichtag=gestern).online == 1
    # Before the history starts there is nothing.
    vorher = _stand(Ebene.GESAMT, stichtag=heute - dt.timedelta(days=4))
    assert (vorher.anzahl_leistungen, vorher.online) == (0, 0)
    # The day the data appeared equals what was recorded then (same figures as today's
    # snapshot would have given): three days ago, the Meilensteine already existed.
    damals = _stand(Ebene.GESAMT, stichtag=heute - dt.timedelta(days=3))
    assert (damals.anzahl_leistungen, damals.online, damals.meilensteine) == (4, 2, 3)
    # Rebuilding today's snapshot from history equals the one taken from current data.
    heute_festgehalten = {
        (s.ebene, s.bezug): (s.online, s.flaechendeckend, s.verteilung, s.meilensteine_verzoegert)
        for s in Kennzahlenstand.objects.filter(stichtag=heute)
    }
    kennzahlen_nachbilden(heute, heute)
    assert {
        (s.ebene, s.bezug): (s.online, s.flaechendeckend, s.verteilung, s.meilensteine_verzoegert)
        for s in Kennzahlenstand.objects.filter(stichtag=heute)
    } == heute_festgehalten


def test_nachbilden_entfernte_leistung_und_meilenstein(welt):
    heute = timezone.localdate()
    _historie_zurueckdatieren(2)
    welt.l4.im_katalog = False
    welt.l4.save()
    kennzahlen_nachbilden(heute - dt.timedelta(days=1), heute)
    assert _stand(Ebene.GESAMT, stichtag=heute - dt.timedelta(days=1)).anzahl_leistungen == 4
    assert _stand(Ebene.GESAMT, stichtag=heute).anzahl_leistungen == 3
    _vergleich(_stand(Ebene.GESAMT, stichtag=heute), gesamtfortschritt(stichtag=heute))


def test_nachbilden_abfragen_konstant(welt, django_assert_max_num_queries):
    heute = timezone.localdate()
    _historie_zurueckdatieren(400)
    with django_assert_max_num_queries(12):
        kennzahlen_nachbilden(heute - dt.timedelta(days=365), heute - dt.timedelta(days=1))
    assert Kennzahlenstand.objects.filter(ebene=Ebene.GESAMT).count() == 365


def test_befehl_kennzahlen_nachbilden(welt, capsys):
    heute = timezone.localdate()
    call_command("kennzahlen_nachbilden", von=(heute - dt.timedelta(days=2)).isoformat())
    assert "nachgebildet" in capsys.readouterr().out
    assert Kennzahlenstand.objects.filter(ebene=Ebene.GESAMT).count() == 2
    with pytest.raises(CommandError, match="kein Datum"):
        call_command("kennzahlen_nachbilden", von="gestern")
    with pytest.raises(CommandError, match="nach --bis"):
        call_command("kennzahlen_nachbilden", von="2026-02-01", bis="2026-01-01")


def test_celery_task_registriert_und_laeuft(welt):
    from ozgplattform.celery import app

    app.loader.import_default_modules()
    assert "berichtswesen.kennzahlen_festhalten" in app.tasks
    ergebnis = app.tasks["berichtswesen.kennzahlen_festhalten"].apply(
        args=[timezone.localdate().isoformat()]
    )
    assert ergebnis.get() == 1 + Themenfeld.objects.count() + 3
    assert _stand(Ebene.GESAMT).online == 2


def test_nachbilden_stand_zaehlt_ab_seinem_stichtag(welt):
    heute = timezone.localdate()
    _historie_zurueckdatieren(5)
    vor_zwei_tagen = heute - dt.timedelta(days=2)
    stand = Umsetzungsstand.objects.get(leistung=welt.l4)
    Umsetzungsstand.objects.filter(pk=stand.pk).update(stichtag=vor_zwei_tagen, reifegrad=3)
    Umsetzungsstand.history.filter(id=stand.pk).update(stichtag=vor_zwei_tagen, reifegrad=3)
    kennzahlen_nachbilden(heute - dt.timedelta(days=4), heute - dt.timedelta(days=1))
    assert _stand(Ebene.LAND, "22", stichtag=heute - dt.timedelta(days=3)).online == 0
    assert _stand(Ebene.LAND, "22", stichtag=vor_zwei_tagen).online == 1
    assert _stand(Ebene.GESAMT, stichtag=heute - dt.timedelta(days=1)).online == 3
