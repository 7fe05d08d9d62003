"""Template context for the page layout (``templates/base.html``).

The main navigation and the footer links are lists of (label, URL name). An entry
whose URL name does not resolve (yet) is left out, so the navigation grows by itself
as the pages land: a new page only needs its URL name here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Eintrag:
    """One navigation entry: label, URL name, shown to anonymous visitors or not."""

    label: str | Promise
    url_name: str
    nur_angemeldet: bool = True


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url: str
    aktiv: bool = False


#: Main navigation, in this order. Names that do not resolve are skipped.
HAUPTNAVIGATION: tuple[Eintrag, ...] = (
    Eintrag(_("Übersicht"), "start", nur_angemeldet=False),
    Eintrag(_("Themenfelder"), "themenfelder:liste", nur_angemeldet=False),
    Eintrag(_("Leistungskatalog"), "leistungen:liste", nur_angemeldet=False),
    Eintrag(_("Umsetzungsstand"), "leistungen:matrix", nur_angemeldet=False),
    Eintrag(_("Marktplatz"), "marktplatz:liste"),
    Eintrag(_("Berichte"), "berichtswesen:uebersicht"),
    Eintrag(_("Anforderungen"), "anforderungen:liste"),
    Eintrag(_("Kontakte"), "kontakte", nur_angemeldet=False),
)

#: Footer links (legal pages), for everyone.
FUSSNAVIGATION: tuple[Eintrag, ...] = (
    Eintrag(_("Barrierefreiheit"), "barrierefreiheit", nur_angemeldet=False),
    Eintrag(_("Impressum"), "impressum", nur_angemeldet=False),
    Eintrag(_("Datenschutz"), "datenschutz", nur_angemeldet=False),
)


def _url(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _ist_aktiv(url: str, pfad: str) -> bool:
    # "/" would match every page; other entries also cover their sub-pages.
    return pfad == url or (url != "/" and pfad.startswith(url))


def links(eintraege: tuple[Eintrag, ...], request) -> list[Link]:
    """The entries of ``eintraege`` whose URL resolves and that ``request.user`` sees."""
    angemeldet = request.user.is_authenticated if hasattr(request, "user") else False
    sichtbar = [
        (eintrag.label, url)
        for eintrag in eintraege
        if not (eintrag.nur_angemeldet and not angemeldet)
        and (url := _url(eintrag.url_name)) is not None
    ]
    # Only the most specific entry is current: on /leistungen/matrix/ that is
    # "Umsetzungsstand", not also "Leistungskatalog" (/leistungen/).
    treffer = [url for _label, url in sichtbar if _ist_aktiv(url, request.path)]
    aktiv = max(treffer, key=len, default=None)
    return [Link(label, url, url == aktiv) for label, url in sichtbar]


def navigation(request) -> dict:
    """``navigation`` (main), ``fussnavigation`` (footer), ``startseite_url`` and
    ``sprachwahl_url`` (Django's set_language view, if routed)."""
    hauptnavigation = links(HAUPTNAVIGATION, request)
    start = _url("start")
    if start is None:
        angemeldet = hasattr(request, "user") and request.user.is_authenticated
        start = _url("konto:profil" if angemeldet else "konto:anmelden")
    return {
        "navigation": hauptnavigation,
        "fussnavigation": links(FUSSNAVIGATION, request),
        "startseite_url": start,
        "sprachwahl_url": _url("set_language"),
    }
