"""Pages of the leistungen app: Leistungskatalog (list, export), Umsetzungsstand-Matrix
and Steckbrief. Thin: reads through ``restrict`` (``selectors.leistungen_sichtbar``),
filters with THE ``LeistungFilterSet``, derived values from ``selectors``."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ozgplattform.charts import FARBE_KEINE_DATEN, FARBEN_REIFEGRAD
from ozgplattform.choices import Aktion
from ozgplattform.rechte import darf

from . import exporte, selectors
from .choices import Reifegrad
from .filtersets import LeistungFilterSet

#: Leistungen per page (list and matrix).
PRO_SEITE = 50
SEITE = "seite"

#: Filter panel: always visible, then "Weitere Filter" (folded unless one is active).
HAUPTFILTER = ("q", "themenfeld", "typ", "prioritaet", "land", "reifegrad_min", "sortierung")


@dataclass(frozen=True)
class Chip:
    label: str
    wert: str
    entfernen_url: str


def _filterset(request) -> LeistungFilterSet:
    """THE FilterSet over what the user may read; the form gets page-friendly widgets
    (choices of Länder and Reifegrade) – validation stays the FilterSet's."""
    filterset = LeistungFilterSet(
        request.GET, queryset=selectors.leistungen_sichtbar(request.user), request=request
    )
    felder = filterset.form.fields
    felder["land"].widget = forms.Select(
        choices=[("", _("alle Länder"))] + [(land.ars, land.name) for land in selectors.laender()]
    )
    felder["reifegrad_min"].widget = forms.Select(
        choices=[("", _("beliebig"))] + [(str(v), label) for v, label in Reifegrad.choices]
    )
    felder["reifegrad_min"].help_text = _(
        "Mit Land: Reifegrad im Land; ohne Land: irgendwo in Deutschland."
    )
    felder["themenfeld"].widget = forms.CheckboxSelectMultiple()
    felder["themenfeld"].widget.choices = felder["themenfeld"].choices
    felder["lebenslage"].widget.attrs["size"] = 6
    return filterset


def _ohne(request, name: str, wert: str | None = None) -> str:
    """The current URL without parameter ``name`` (or only without its value ``wert``)."""
    daten = _sauber(request)
    daten.pop(SEITE, None)
    if wert is None:
        daten.pop(name, None)
    else:
        daten.setlist(name, [w for w in daten.getlist(name) if w != wert])
    abfrage = daten.urlencode()
    return f"{request.path}?{abfrage}" if abfrage else request.path


def _chips(request, filterset: LeistungFilterSet) -> list[Chip]:
    """One chip per active filter value, each with a link that removes just it."""
    form = filterset.form
    if not form.is_valid():
        return []
    chips = []
    for name, feld in form.fields.items():
        if name == "sortierung":
            continue
        wert = form.cleaned_data.get(name)
        if wert in (None, "", [], ()) or (hasattr(wert, "exists") and not wert):
            continue
        label = str(feld.label)
        if isinstance(feld, forms.ModelMultipleChoiceField):
            for obj in wert:
                chips.append(Chip(label, str(obj), _ohne(request, name, str(obj.pk))))
        elif isinstance(feld, forms.MultipleChoiceField):
            anzeige = dict(feld.choices)
            for w in wert:
                chips.append(Chip(label, str(anzeige.get(w, w)), _ohne(request, name, w)))
        else:
            choices = getattr(feld.widget, "choices", None)
            if isinstance(wert, bool):
                anzeige = _("ja") if wert else _("nein")
            elif choices:
                anzeige = str(dict(choices).get(str(wert), wert))
            else:
                anzeige = str(wert)
            chips.append(Chip(label, anzeige, _ohne(request, name)))
    return chips


def _seitenlinks(request, seite) -> list[tuple[int | None, str]]:
    """(number, URL) of the page links around the current page; None = gap."""
    anzahl = seite.paginator.num_pages
    if anzahl <= 1:
        return []
    nummern = sorted(
        {1, anzahl, *range(max(1, seite.number - 2), min(anzahl, seite.number + 2) + 1)}
    )
    links, vorige = [], 0
    for nr in nummern:
        if nr - vorige > 1:
            links.append((None, ""))
        daten = _sauber(request)
        daten[SEITE] = str(nr)
        links.append((nr, f"{request.path}?{daten.urlencode()}"))
        vorige = nr
    return links


def _liste_kontext(request) -> dict:
    filterset = _filterset(request)
    gueltig = filterset.is_valid()
    queryset = filterset.qs if gueltig else filterset.queryset.none()
    seite = Paginator(queryset, PRO_SEITE).get_page(request.GET.get(SEITE))
    laender = selectors.laender()
    zeilen = selectors.katalogzeilen(
        seite.object_list, request.user, [land.ars for land in laender]
    )
    abfrage = _sauber(request)
    abfrage.pop(SEITE, None)
    weitere = [f for f in filterset.form if f.name not in HAUPTFILTER]
    return {
        "filterset": filterset,
        "form": filterset.form,
        "hauptfelder": [filterset.form[n] for n in HAUPTFILTER],
        "weitere_felder": weitere,
        "weitere_offen": any(request.GET.getlist(f.name) for f in weitere)
        or any(f.errors for f in weitere),
        "gueltig": gueltig,
        "seite": seite,
        "seitenlinks": _seitenlinks(request, seite),
        "zeilen": zeilen,
        "laender": laender,
        "chips": _chips(request, filterset),
        "abfrage": abfrage.urlencode(),
    }


#: Values an empty form field sends (NullBooleanSelect: "unknown").
_LEER = ("", "unknown")


def _sauber(request) -> QueryDict:
    """A mutable copy of the parameters without the empty values a submitted filter form
    carries."""
    daten = request.GET.copy()
    for name in list(daten):
        werte = [v for v in daten.getlist(name) if v not in _LEER]
        if werte:
            daten.setlist(name, werte)
        else:
            daten.pop(name)
    return daten


def _bereinigt(request) -> str | None:
    """The URL without empty parameters, or None if there are none: shared links stay
    short and readable."""
    daten = _sauber(request)
    if daten == request.GET:
        return None
    abfrage = daten.urlencode()
    return f"{request.path}?{abfrage}" if abfrage else request.path


def _antwort(request, template: str, partial: str, kontext: dict) -> HttpResponse:
    """Whole page, or only the result region for an htmx request (not a history restore);
    htmx pushes the cleaned URL into the address bar."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = render(request, partial, {**kontext, "oob": True})
        sauber = _bereinigt(request)
        if sauber is not None:
            response["HX-Push-Url"] = sauber
    else:
        response = render(request, template, kontext)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _umleiten_falls_leer(request) -> HttpResponse | None:
    """A plain form submit (no JavaScript) is redirected to the URL without empty fields."""
    if getattr(request, "htmx", None):
        return None
    sauber = _bereinigt(request)
    return redirect(sauber) if sauber is not None else None


@require_GET
def liste(request):
    if umleitung := _umleiten_falls_leer(request):
        return umleitung
    kontext = _liste_kontext(request)
    return _antwort(
        request, "leistungen/liste.html", "leistungen/_katalog_ergebnisse.html", kontext
    )


@require_GET
def matrix(request):
    if umleitung := _umleiten_falls_leer(request):
        return umleitung
    kontext = _liste_kontext(request)
    kontext["legende"] = [
        (wert, label, FARBEN_REIFEGRAD[wert]) for wert, label in Reifegrad.choices
    ] + [(None, _("nicht gemeldet"), FARBE_KEINE_DATEN)]
    kontext["farbe_keine"] = FARBE_KEINE_DATEN
    kontext["zellen"] = [
        (
            zeile,
            [
                (
                    land,
                    stufe := zeile.reifegrad_land[land.ars],
                    FARBE_KEINE_DATEN if stufe is None else FARBEN_REIFEGRAD[stufe],
                )
                for land in kontext["laender"]
            ],
        )
        for zeile in kontext["zeilen"]
    ]
    return _antwort(
        request, "leistungen/matrix.html", "leistungen/_matrix_ergebnisse.html", kontext
    )


@require_GET
def export(request):
    """The filtered list (all pages) as CSV or XLSX: ``?format=csv|xlsx`` + the filters."""
    format_ = request.GET.get("format", "csv")
    if format_ not in ("csv", "xlsx"):
        return HttpResponseBadRequest(_("Unbekanntes Format; erlaubt sind csv und xlsx."))
    filterset = _filterset(request)
    if not filterset.is_valid():
        fehler = "; ".join(
            f"{filterset.form.fields[n].label}: {' '.join(e)}"
            for n, e in filterset.form.errors.items()
        )
        return HttpResponseBadRequest(
            _("Ungültige Filter: %(fehler)s") % {"fehler": fehler},
            content_type="text/plain; charset=utf-8",
        )
    laender_ars = [land.ars for land in selectors.laender()]
    zeilen = selectors.katalogzeilen(filterset.qs, request.user, laender_ars)
    datum = timezone.localdate().isoformat()
    if format_ == "xlsx":
        response = HttpResponse(
            exporte.als_xlsx(zeilen),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exporte.als_csv(zeilen), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ozg-leistungen-{datum}.{format_}"'
    return response


#: URL names of the edit page (the edit pages live in ``leistungen.bearbeiten``).
BEARBEITEN_URLS = ("bearbeiten:leistung", "leistungen:bearbeiten")


def _bearbeiten_url(leistung) -> str | None:
    """The edit page's URL, or None while no edit page is routed."""
    for name in BEARBEITEN_URLS:
        try:
            return reverse(name, args=[leistung.ozg_id])
        except NoReverseMatch:
            continue
    return None


@require_GET
def detail(request, ozg_id: int):
    leistung = selectors.leistungen_sichtbar(request.user).filter(ozg_id=ozg_id).first()
    if leistung is None:
        raise Http404(_("Diese Leistung gibt es nicht oder Sie dürfen sie nicht sehen."))
    steckbrief = selectors.steckbrief(leistung, request.user)
    bearbeiten_url = _bearbeiten_url(leistung)
    if bearbeiten_url and not darf(request.user, Aktion.LEISTUNG_BEARBEITEN, leistung):
        bearbeiten_url = None
    return render(
        request,
        "leistungen/detail.html",
        {
            "leistung": leistung,
            "s": steckbrief,
            "bearbeiten_url": bearbeiten_url,
        },
    )
