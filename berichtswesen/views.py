"""Report pages: overview (request, Meine Berichte, Berichtsarchiv), request form per
report type, job page with progress (htmx polling) and the download.

Thin adapters over :mod:`berichtswesen.services` and :mod:`berichtswesen.selectors`.
A job the user may not see is a 404. The download answers 409 while the report is
still being made and 410 once it failed or expired, each with a German page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import ablage, selectors, services
from .berichte import ARTEN, Format
from .forms import (
    PARAMETER_PREFIX,
    FormatForm,
    fehler_uebernehmen,
    parameter_daten,
    parameter_form,
)
from .models import OFFEN, Berichtsauftrag, Status

#: Rows shown in "Meine Berichte" and in the archive.
LISTENLAENGE = 50


def _art_oder_404(schluessel: str):
    art = ARTEN.get(schluessel)
    if art is None:
        raise Http404(_("Diese Berichtsart gibt es nicht."))
    return art


def _auftrag_oder_404(user, pk) -> Berichtsauftrag:
    auftrag = selectors.sichtbarer_auftrag(user, pk)
    if auftrag is None:
        raise Http404(_("Diesen Bericht gibt es nicht oder Sie dürfen ihn nicht sehen."))
    return auftrag


def _titel(schluessel: str) -> str:
    art = ARTEN.get(schluessel)
    return _(art.titel) if art is not None else schluessel


def _mit_titeln(auftraege) -> list[Berichtsauftrag]:
    liste = list(auftraege)
    for auftrag in liste:
        auftrag.titel = _titel(auftrag.art)
    return liste


@login_required
@require_GET
def uebersicht(request):
    meine = selectors.meine_auftraege(request.user).select_related("plan")[:LISTENLAENGE]
    archiv = selectors.archiv(request.user).order_by("-erstellt")[:LISTENLAENGE]
    return render(
        request,
        "berichtswesen/uebersicht.html",
        {
            "arten": list(ARTEN.values()),
            "meine": _mit_titeln(meine),
            "archiv": _mit_titeln(archiv),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def anfordern(request, art: str):
    berichtsart = _art_oder_404(art)
    status = 200
    if request.method == "POST":
        form = parameter_form(berichtsart, request.POST, user=request.user)
        format_form = FormatForm(request.POST, art=berichtsart)
        if format_form.is_valid():
            try:
                auftrag = services.bericht_anfordern(
                    art=art,
                    format=format_form.cleaned_data["format"],
                    parameter=parameter_daten(request.POST),
                    user=request.user,
                )
            except ValidationError as fehler:
                if hasattr(fehler, "error_dict") and "format" in fehler.error_dict:
                    format_form.add_error("format", fehler.error_dict.pop("format"))
                fehler_uebernehmen(form, fehler)
                status = 400
            except PermissionDenied as fehler:
                messages.error(request, str(fehler) or _("Keine Berechtigung."))
                status = 403
            except services.BerichtsdienstNichtErreichbar as fehler:
                messages.error(request, fehler.message)
                status = 503
            except services.ZuVieleOffeneAuftraege as fehler:
                messages.error(request, fehler.message)
                status = 429
            else:
                if auftrag.status == Status.FERTIG:
                    messages.success(request, _("Der Bericht ist fertig."))
                else:
                    messages.success(
                        request,
                        _("Der Bericht wurde angefordert. Diese Seite zeigt den Fortschritt."),
                    )
                return redirect("berichtswesen:auftrag", pk=auftrag.pk)
        else:
            form.is_valid()
            status = 400
    else:
        form = parameter_form(berichtsart, user=request.user)
        format_form = FormatForm(art=berichtsart)
    # Parameters handed over by a link (e.g. the catalogue's filters) that the form does
    # not show: carried as hidden fields and listed readably.
    quelle = parameter_daten(request.POST) if request.method == "POST" else request.GET
    mitgegeben, mitgegeben_text = berichtsart.mitgegebene_parameter(quelle, request.user)
    return render(
        request,
        "berichtswesen/anfordern.html",
        {
            "art": berichtsart,
            "form": form,
            "format_form": format_form,
            "prefix": PARAMETER_PREFIX,
            "mitgegeben": [(n, w) for n, w in mitgegeben if n not in form.fields],
            "mitgegeben_text": mitgegeben_text,
        },
        status=status,
    )


def _status_kontext(auftrag: Berichtsauftrag) -> dict:
    return {
        "auftrag": auftrag,
        "titel": _titel(auftrag.art),
        "offen": auftrag.status in OFFEN,
        "format_label": Format(auftrag.format).label if auftrag.format in Format.values else "",
    }


@login_required
@require_GET
def auftrag(request, pk):
    auftrag = _auftrag_oder_404(request.user, pk)
    return render(request, "berichtswesen/auftrag.html", _status_kontext(auftrag))


@login_required
@require_GET
def status(request, pk):
    """The status fragment polled by the job page (also usable without htmx)."""
    auftrag = _auftrag_oder_404(request.user, pk)
    return render(
        request, "berichtswesen/_auftrag_status.html", {**_status_kontext(auftrag), "oob": True}
    )


@login_required
@require_GET
def datei(request, pk):
    auftrag = _auftrag_oder_404(request.user, pk)
    kontext = {**_status_kontext(auftrag), "seite_url": reverse("berichtswesen:auftrag", args=[pk])}
    if auftrag.status in OFFEN:
        return render(request, "berichtswesen/datei_nicht_bereit.html", kontext, status=409)
    if not auftrag.abrufbar or not ablage.vorhanden(auftrag):
        return render(request, "berichtswesen/datei_weg.html", kontext, status=410)
    return FileResponse(
        ablage.pfad(auftrag).open("rb"),
        as_attachment=True,
        filename=auftrag.dateiname or f"bericht.{auftrag.format}",
        content_type=auftrag.content_type or "application/octet-stream",
    )
