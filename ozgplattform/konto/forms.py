from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ozgplattform.models import API_TOKEN_MAX_GUELTIGKEIT


class AnmeldeForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # Same message for unknown user, wrong password and deactivated account.
        "invalid_login": _(
            "Benutzername oder Passwort ist falsch. Bitte beachten Sie die Groß- und "
            "Kleinschreibung."
        ),
    }


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Bezeichnung"),
        max_length=100,
        help_text=_("Wofür Sie das Token verwenden, z. B. „Export-Skript Referat DV 1“."),
    )
    schreibrecht = forms.TypedChoiceField(
        label=_("Berechtigung"),
        choices=[
            ("0", _("Nur lesen (GET)")),
            ("1", _("Lesen und schreiben – im Rahmen Ihrer Rollen")),
        ],
        coerce=lambda wert: wert == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    gueltig_tage = forms.IntegerField(
        label=_("Gültigkeit in Tagen"),
        min_value=1,
        max_value=API_TOKEN_MAX_GUELTIGKEIT.days,
        initial=90,
        help_text=format_lazy(_("1 bis {tage} Tage."), tage=API_TOKEN_MAX_GUELTIGKEIT.days),
    )
