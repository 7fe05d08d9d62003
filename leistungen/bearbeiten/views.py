"""Edit pages: Leistung, Ergebnisse, Meilensteine, Umsetzungsprojekte, Umsetzungsstand
(one by one or as a status sheet). Thin adapters over the services of
``leistungen/services.py`` – the same the API calls – which re-check every permission
inside their transaction.

Access, as everywhere: anonymous → login page; not visible (``restrict``) → 404;
visible but not permitted (``darf``/``darf_neu``) → 403. Optimistic concurrency: each
form carries the record's ``geaendert`` as ``version``; if someone saved in between,
the service raises ``Konflikt`` and the form comes back with the user's input, the
changes made meanwhile and nothing saved.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ozgplattform.choices import Aktion
from ozgplattform.models import Organisation
from ozgplattform.rechte import darf, darf_neu, restrict
from ozgplattform.services import Konflikt

from .. import services, statusblatt
from ..choices import Ergebnistyp
from ..models import Ergebnis, Leistung, Meilenstein, Umsetzungsprojekt, Umsetzungsstand
from . import forms

GET_POST = require_http_methods(["GET", "POST"])
#: Version of a record the form was loaded without (it did not exist yet).
VOR_ANLAGE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: Session key of the uploaded status sheets waiting for "Übernehmen" (token → rows).
SITZUNG_BLAETTER = "statusblaetter"
#: Sheets kept per session (older ones are dropped).
MAX_BLAETTER = 3


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _sichtbar[M: models.Model](queryset: models.QuerySet[M], user, **filter) -> M:
    obj = restrict(queryset, user).filter(**filter).first()
    if obj is None:
        raise Http404(_("Diesen Eintrag gibt es nicht oder Sie dürfen ihn nicht sehen."))
    return obj


def _erlaubt(erlaubt: bool) -> None:
    if not erlaubt:
        raise PermissionDenied(_("Sie dürfen diesen Eintrag nicht bearbeiten."))


def _steckbrief_url(leistung: Leistung | None) -> str | None:
    if leistung is None:
        return None
    try:
        return reverse("leistungen:detail", kwargs={"ozg_id": leistung.ozg_id})
    except NoReverseMatch:
        return None


def _speichern(
    request,
    form: forms.VersionForm,
    aufruf: Callable[..., models.Model],
    *,
    ziel: Callable[[models.Model], str | None],
    erfolg: str,
) -> tuple[HttpResponseRedirect | None, Konflikt | None]:
    """Validate ``form`` and call the service; a redirect on success, else the form (with
    the service's errors next to the fields) and the conflict, if one occurred."""
    if not form.is_valid():
        return None, None
    try:
        obj = aufruf(version=form.cleaned_data.get("version"), **form.daten())
    except Konflikt as konflikt:
        aktuell = type(konflikt.obj)._base_manager.get(pk=konflikt.obj.pk)
        form.version_setzen(aktuell.geaendert)
        return None, konflikt
    except ValidationError as fehler:
        form.fehler_uebernehmen(fehler)
        return None, None
    except PermissionDenied as fehler:
        form.add_error(None, str(fehler) or _("Keine Berechtigung."))
        return None, None
    messages.success(request, erfolg)
    return redirect(ziel(obj) or request.path), None


# --------------------------------------------------------------------------------------
# Leistung
# --------------------------------------------------------------------------------------


@login_required
@GET_POST
def leistung(request, ozg_id: int):
    leistung = _sichtbar(
        Leistung.objects.select_related("themenfeld", "lebenslage"), request.user, ozg_id=ozg_id
    )
    _erlaubt(darf(request.user, Aktion.LEISTUNG_BEARBEITEN, leistung))
    konflikt = None
    if request.method == "POST":
        form = forms.LeistungForm(request.POST, request.FILES, instance=leistung, user=request.user)
        antwort, konflikt = _speichern(
            request,
            form,
            lambda **daten: services.leistung_aendern(
                leistung=leistung, user=request.user, **daten
            ),
            ziel=_steckbrief_url,
            erfolg=_("Die Leistung wurde gespeichert."),
        )
        if antwort:
            return antwort
        leistung.refresh_from_db()
    else:
        form = forms.LeistungForm(instance=leistung, user=request.user)
    return render(
        request,
        "bearbeiten/leistung.html",
        {
            "leistung": leistung,
            "form": form,
            "konflikt": konflikt,
            "konflikt_titel": _konflikt_titel(_("Diese Leistung"), konflikt),
            "zurueck_url": _steckbrief_url(leistung),
            "ergebnistypen": _ergebnis_links(leistung),
            "meilensteine": leistung.meilensteine.order_by("geplant"),
        },
    )


def _konflikt_titel(was: str, konflikt: Konflikt | None) -> str:
    if konflikt is None:
        return ""
    if not konflikt.aenderungen:
        return _("%(was)s wurde inzwischen geändert.") % {"was": was}
    letzte = konflikt.aenderungen[-1]
    return _("%(was)s wurde inzwischen von %(wer)s am %(wann)s geändert.") % {
        "was": was,
        "wer": letzte.wer,
        "wann": timezone.localtime(letzte.wann).strftime("%d.%m.%Y um %H:%M Uhr"),
    }


def _ergebnis_links(leistung: Leistung) -> list[tuple[str, str, Ergebnis | None]]:
    vorhanden = {e.ergebnistyp: e for e in leistung.ergebnisse.all()}
    return [
        (
            label,
            reverse("bearbeiten:ergebnis", args=[leistung.ozg_id, wert]),
            vorhanden.get(wert),
        )
        for wert, label in Ergebnistyp.choices
    ]


# --------------------------------------------------------------------------------------
# Ergebnis
# --------------------------------------------------------------------------------------


@login_required
@GET_POST
def ergebnis(request, ozg_id: int, ergebnistyp: str):
    leistung = _sichtbar(Leistung.objects.all(), request.user, ozg_id=ozg_id)
    if ergebnistyp not in Ergebnistyp.values:
        raise Http404(_("Diesen Ergebnistyp gibt es nicht."))
    vorhanden = Ergebnis.objects.filter(leistung=leistung, ergebnistyp=ergebnistyp).first()
    if vorhanden is not None:
        _erlaubt(darf(request.user, Aktion.ERGEBNIS_BEARBEITEN, vorhanden))
        instanz = vorhanden
    else:
        instanz = Ergebnis(leistung=leistung, ergebnistyp=ergebnistyp)
        _erlaubt(darf_neu(request.user, Aktion.ERGEBNIS_BEARBEITEN, instanz))
    konflikt = None
    if request.method == "POST":
        # Loaded as new (no version) but meanwhile created by someone else: a conflict
        # too – every state of the record is newer than "before it existed".
        vor_anlage = VOR_ANLAGE if vorhanden is not None else None
        form = forms.ErgebnisForm(request.POST, request.FILES, instance=instanz)
        antwort, konflikt = _speichern(
            request,
            form,
            lambda version, **daten: services.ergebnis_setzen(
                leistung=leistung,
                ergebnistyp=ergebnistyp,
                user=request.user,
                version=version or vor_anlage,
                **daten,
            ),
            ziel=lambda e: _steckbrief_url(leistung),
            erfolg=_("Das Ergebnis wurde gespeichert."),
        )
        if antwort:
            return antwort
    else:
        form = forms.ErgebnisForm(instance=instanz)
    return render(
        request,
        "bearbeiten/ergebnis.html",
        {
            "leistung": leistung,
            "ergebnistyp_label": Ergebnistyp(ergebnistyp).label,
            "anforderung": instanz.anforderung,
            "form": form,
            "konflikt": konflikt,
            "konflikt_titel": _konflikt_titel(_("Dieses Ergebnis"), konflikt),
            "zurueck_url": _steckbrief_url(leistung)
            or reverse("bearbeiten:leistung", args=[leistung.ozg_id]),
        },
    )


# --------------------------------------------------------------------------------------
# Meilenstein
# --------------------------------------------------------------------------------------


def _meilenstein_seite(request, meilenstein: Meilenstein, form, konflikt=None):
    leistung = meilenstein.leistung
    return render(
        request,
        "bearbeiten/meilenstein.html",
        {
            "meilenstein": meilenstein,
            "leistung": leistung,
            "form": form,
            "konflikt": konflikt,
            "konflikt_titel": _konflikt_titel(_("Dieser Meilenstein"), konflikt),
            "zurueck_url": _steckbrief_url(leistung),
        },
    )


@login_required
@GET_POST
def meilenstein_neu(request, ozg_id: int):
    leistung = _sichtbar(Leistung.objects.all(), request.user, ozg_id=ozg_id)
    neu = Meilenstein(leistung=leistung, themenfeld_id=leistung.themenfeld_id)
    _erlaubt(darf_neu(request.user, Aktion.MEILENSTEIN_BEARBEITEN, neu))
    if request.method == "POST":
        form = forms.MeilensteinForm(request.POST, instance=neu)
        antwort, _k = _speichern(
            request,
            form,
            lambda version, **daten: services.meilenstein_anlegen(
                user=request.user, leistung=leistung, **daten
            ),
            ziel=lambda m: (
                _steckbrief_url(leistung) or reverse("bearbeiten:meilenstein", args=[m.pk])
            ),
            erfolg=_("Der Meilenstein wurde angelegt."),
        )
        if antwort:
            return antwort
    else:
        form = forms.MeilensteinForm(instance=neu)
    return _meilenstein_seite(request, neu, form)


@login_required
@GET_POST
def meilenstein(request, pk: int):
    meilenstein = _sichtbar(
        Meilenstein.objects.select_related("leistung", "themenfeld"), request.user, pk=pk
    )
    _erlaubt(darf(request.user, Aktion.MEILENSTEIN_BEARBEITEN, meilenstein))
    konflikt = None
    if request.method == "POST":
        form = forms.MeilensteinForm(request.POST, instance=meilenstein)
        antwort, konflikt = _speichern(
            request,
            form,
            lambda **daten: services.meilenstein_aendern(
                meilenstein=meilenstein, user=request.user, **daten
            ),
            ziel=lambda m: _steckbrief_url(m.leistung),
            erfolg=_("Der Meilenstein wurde gespeichert."),
        )
        if antwort:
            return antwort
    else:
        form = forms.MeilensteinForm(instance=meilenstein)
    return _meilenstein_seite(request, meilenstein, form, konflikt)


# --------------------------------------------------------------------------------------
# Umsetzungsprojekt
# --------------------------------------------------------------------------------------


@login_required
@GET_POST
def umsetzungsprojekt(request, pk: int):
    projekt = _sichtbar(Umsetzungsprojekt.objects.select_related("themenfeld"), request.user, pk=pk)
    _erlaubt(darf(request.user, Aktion.UMSETZUNGSPROJEKT_BEARBEITEN, projekt))
    konflikt = None
    if request.method == "POST":
        form = forms.UmsetzungsprojektForm(request.POST, instance=projekt, user=request.user)
        antwort, konflikt = _speichern(
            request,
            form,
            lambda **daten: services.umsetzungsprojekt_aendern(
                projekt=projekt, user=request.user, **daten
            ),
            ziel=lambda p: None,
            erfolg=_("Das Umsetzungsprojekt wurde gespeichert."),
        )
        if antwort:
            return antwort
    else:
        form = forms.UmsetzungsprojektForm(instance=projekt, user=request.user)
    return render(
        request,
        "bearbeiten/umsetzungsprojekt.html",
        {
            "projekt": projekt,
            "form": form,
            "konflikt": konflikt,
            "konflikt_titel": _konflikt_titel(_("Dieses Umsetzungsprojekt"), konflikt),
        },
    )


# --------------------------------------------------------------------------------------
# Umsetzungsstand (OZG-Koordinator)
# --------------------------------------------------------------------------------------


def _meldegebiete(user) -> models.QuerySet[Organisation]:
    """Gebiete the user may report for; none → 403."""
    gebiete = restrict(Organisation.objects.gebiete(), user, Aktion.UMSETZUNGSSTAND_MELDEN)
    _erlaubt(gebiete.exists())
    return gebiete


@login_required
@GET_POST
def umsetzungsstand(request):
    gebiete = _meldegebiete(request.user)
    if request.method == "POST":
        form = forms.UmsetzungsstandForm(request.POST, gebiete=gebiete)
        if form.is_valid():
            daten = form.cleaned_data
            try:
                services.umsetzungsstand_melden(
                    leistung=daten["leistung"],
                    gebiet=daten["gebiet"],
                    reifegrad=daten["reifegrad"],
                    online_url=daten["online_url"],
                    stichtag=daten["stichtag"],
                    bemerkung=daten["bemerkung"],
                    user=request.user,
                )
            except ValidationError as fehler:
                if hasattr(fehler, "error_dict"):
                    for feld, meldungen in fehler.message_dict.items():
                        form.add_error(feld if feld in form.fields else None, meldungen)
                else:
                    form.add_error(None, fehler)
            except PermissionDenied as fehler:
                form.add_error(None, str(fehler) or _("Keine Berechtigung."))
            else:
                messages.success(
                    request,
                    _("Umsetzungsstand gemeldet: %(leistung)s in %(gebiet)s.")
                    % {"leistung": daten["leistung"], "gebiet": daten["gebiet"].name},
                )
                return redirect("bearbeiten:umsetzungsstand")
    else:
        form = forms.UmsetzungsstandForm(initial=request.GET.dict(), gebiete=gebiete)
    letzte = (
        Umsetzungsstand.objects.filter(gebiet__in=gebiete)
        .select_related("leistung", "gebiet")
        .order_by("-geaendert")[:10]
    )
    return render(request, "bearbeiten/umsetzungsstand.html", {"form": form, "letzte": letzte})


def _blaetter(request) -> dict:
    return request.session.get(SITZUNG_BLAETTER, {})


@login_required
@GET_POST
def statusblatt_hochladen(request):
    _meldegebiete(request.user)
    blattfehler = None
    if request.method == "POST":
        form = forms.StatusblattForm(request.POST, request.FILES)
        if form.is_valid():
            datei = form.cleaned_data["datei"]
            try:
                if datei.size > statusblatt.MAX_BYTES:
                    raise statusblatt.BlattFehler(_("Die Datei ist größer als 5 MB."))
                zeilen = statusblatt.lesen(datei.read(), datei.name)
            except statusblatt.BlattFehler as fehler:
                form.add_error("datei", str(fehler))
            else:
                token = secrets.token_urlsafe(16)
                blaetter = _blaetter(request)
                # Keep only the newest few sheets in the session.
                for alt in list(blaetter)[: max(0, len(blaetter) - MAX_BLAETTER + 1)]:
                    del blaetter[alt]
                blaetter[token] = {"dateiname": datei.name, "zeilen": zeilen}
                request.session[SITZUNG_BLAETTER] = blaetter
                return redirect("bearbeiten:statusblatt_vorschau", token=token)
    else:
        form = forms.StatusblattForm()
    return render(
        request,
        "bearbeiten/statusblatt_hochladen.html",
        {"form": form, "blattfehler": blattfehler, "spalten": statusblatt.SPALTEN},
    )


@login_required
@GET_POST
def statusblatt_vorschau(request, token: str):
    """GET: every row with its change and its problems. POST: apply, all or nothing."""
    _meldegebiete(request.user)
    gespeichert = _blaetter(request).get(token)
    if gespeichert is None:
        messages.warning(
            request, _("Dieses Statusblatt liegt nicht mehr vor. Bitte laden Sie es erneut hoch.")
        )
        return redirect("bearbeiten:statusblatt_hochladen")
    # Checked against the database as it is now (also right before applying).
    blatt = statusblatt.pruefen(gespeichert["zeilen"], request.user)
    uebernahmefehler = None
    if request.method == "POST" and blatt.gueltig:
        try:
            anzahl = statusblatt.uebernehmen(
                blatt, user=request.user, grund=f"Statusblatt {gespeichert['dateiname']}"
            )
        except statusblatt.UebernahmeFehler as fehler:
            uebernahmefehler = str(fehler)
        else:
            blaetter = _blaetter(request)
            blaetter.pop(token, None)
            request.session[SITZUNG_BLAETTER] = blaetter
            messages.success(
                request,
                _("Statusblatt übernommen: %(anzahl)d von %(gesamt)d Zeilen haben etwas geändert.")
                % {"anzahl": anzahl, "gesamt": len(blatt.zeilen)},
            )
            return redirect("bearbeiten:umsetzungsstand")
    return render(
        request,
        "bearbeiten/statusblatt_vorschau.html",
        {
            "blatt": blatt,
            "dateiname": gespeichert["dateiname"],
            "uebernahmefehler": uebernahmefehler,
            "anzahl_neu": blatt.anzahl(statusblatt.NEU),
            "anzahl_geaendert": blatt.anzahl(statusblatt.GEAENDERT),
            "anzahl_unveraendert": blatt.anzahl(statusblatt.UNVERAENDERT),
        },
    )
