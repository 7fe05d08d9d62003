"""A Gesamtfortschritt for the catalogue's current selection: the catalogue links to the
request page with its filters, the page shows and submits them."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from berichtswesen.berichte import berichtsart
from berichtswesen.models import Berichtsauftrag
from ozgplattform.choices import Rolle

from .conftest import rolle

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(welt):
    from ozgplattform.testing.factories import UserFactory

    return rolle(UserFactory(), Rolle.PROGRAMMMANAGEMENT)


def test_katalog_verlinkt_bericht_zur_auswahl(welt, client, pm):
    abfrage = f"themenfeld={welt.tf1.pk}"
    ziel = f"{reverse('berichtswesen:anfordern', args=['gesamtfortschritt'])}?{abfrage}"
    assert ziel not in html.unescape(client.get(f"/leistungen/?{abfrage}").content.decode())
    client.force_login(pm)
    seite = html.unescape(client.get(f"/leistungen/?{abfrage}").content.decode())
    assert f'href="{ziel}"' in seite
    assert "Bericht zu dieser Auswahl anfordern" in seite


def test_filter_aus_der_abfrage_landen_im_auftrag(welt, client, pm):
    client.force_login(pm)
    url = reverse("berichtswesen:anfordern", args=["gesamtfortschritt"])
    seite = client.get(f"{url}?themenfeld={welt.tf1.pk}&seite=2&sortierung=name")
    text = html.unescape(seite.content.decode())
    assert "Filter: Themenfeld = Familie & Kind" in text
    assert f'<input type="hidden" name="parameter-themenfeld" value="{welt.tf1.pk}">' in text
    assert "sortierung" not in text.split("<form", 1)[1].split("</form>")[0]

    antwort = client.post(
        url, {"parameter-themenfeld": str(welt.tf1.pk), "format": "xlsx"}, follow=False
    )
    assert antwort.status_code == 302, antwort.content.decode()
    auftrag = Berichtsauftrag.objects.get()
    assert auftrag.parameter["filter"] == {"themenfeld": [str(welt.tf1.pk)]}

    bericht = berichtsart("gesamtfortschritt").bericht_bauen(auftrag.parameter, pm)
    ueberblick = bericht.tabellen[0]
    assert ueberblick.zeilen[0][:2] == ["Leistungen", 3]  # l1–l3; l4 is in Themenfeld 2
    assert ("Filter: Themenfeld", "Familie & Kind") in bericht.parameter

    ungefiltert = berichtsart("gesamtfortschritt").bericht_bauen({}, pm)
    assert ungefiltert.tabellen[0].zeilen[0][:2] == ["Leistungen", 4]


def test_ungueltiger_filter_bleibt_sichtbar_mit_fehler(welt, client, pm):
    client.force_login(pm)
    url = reverse("berichtswesen:anfordern", args=["gesamtfortschritt"])
    antwort = client.post(url, {"parameter-prioritaet": "prio9", "format": "pdf"})
    assert antwort.status_code == 400
    text = html.unescape(antwort.content.decode())
    assert '<input type="hidden" name="parameter-prioritaet" value="prio9">' in text
    assert "prio9" in text
    assert not Berichtsauftrag.objects.exists()
