"""German account pages: login, logout, password reset and change, profile with tokens."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ozgplattform.models import ApiToken, Rollenzuweisung

from . import services
from .forms import AnmeldeForm, ApiTokenForm


class Anmelden(auth_views.LoginView):
    """Django's LoginView: ``login()`` rotates the session key; django-axes throttles."""

    template_name = "konto/anmelden.html"
    authentication_form = AnmeldeForm
    redirect_authenticated_user = True


class Abmelden(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET)."""

    def post(self, request, *args, **kwargs):
        antwort = super().post(request, *args, **kwargs)
        messages.success(request, _("Sie sind abgemeldet."))
        return antwort


class PasswortVergessen(auth_views.PasswordResetView):
    template_name = "konto/passwort_vergessen.html"
    email_template_name = "konto/email/passwort_zuruecksetzen.txt"
    subject_template_name = "konto/email/passwort_zuruecksetzen_betreff.txt"
    success_url = reverse_lazy("konto:passwort_vergessen_gesendet")


class PasswortVergessenGesendet(auth_views.PasswordResetDoneView):
    template_name = "konto/passwort_vergessen_gesendet.html"


class PasswortNeu(auth_views.PasswordResetConfirmView):
    template_name = "konto/passwort_neu.html"
    success_url = reverse_lazy("konto:passwort_neu_fertig")


class PasswortNeuFertig(auth_views.PasswordResetCompleteView):
    template_name = "konto/passwort_neu_fertig.html"


class PasswortAendern(auth_views.PasswordChangeView):
    """Keeps this session (``update_session_auth_hash``); other sessions end."""

    template_name = "konto/passwort_aendern.html"
    success_url = reverse_lazy("konto:profil")

    def form_valid(self, form):
        antwort = super().form_valid(form)
        messages.success(self.request, _("Ihr Passwort wurde geändert."))
        return antwort


def _profil_kontext(request, form: ApiTokenForm) -> dict:
    return {
        "rollen": Rollenzuweisung.objects.gueltig()
        .filter(user=request.user)
        .select_related("organisation", "themenfeld", "umsetzungsprojekt", "leistung"),
        "tokens": ApiToken.objects.filter(user=request.user),
        "form": form,
        "jetzt": timezone.now(),
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profil(request):
    """Profile: roles, API tokens, and the form creating a token.

    A new token's plaintext is rendered into this one response (``no-store``) and
    nowhere else: not into the session, a message, or a redirect URL. Reloading the
    page shows only its prefix.
    """
    neues_token = klartext = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                neues_token, klartext = services.api_token_erstellen(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    schreibrecht=form.cleaned_data["schreibrecht"],
                    gueltig_bis=timezone.now()
                    + datetime.timedelta(days=form.cleaned_data["gueltig_tage"]),
                )
            except ValidationError as fehler:
                form.add_error(None, fehler)
            else:
                form = ApiTokenForm()
    else:
        form = ApiTokenForm()
    kontext = _profil_kontext(request, form)
    kontext.update(neues_token=neues_token, klartext=klartext)
    return render(request, "konto/profil.html", kontext)


@login_required
@require_POST
def token_widerrufen(request, pk: int):
    """Revoke one of the user's own tokens (others' tokens: 404)."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_widerrufen(token=token, user=request.user)
    messages.success(
        request, _("Das API-Token „%(name)s“ wurde widerrufen.") % {"name": token.name}
    )
    return redirect("konto:profil")
