"""Forms of the report pages: the report type's own parameter form plus the format."""

from __future__ import annotations

import inspect

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .berichte import Berichtsart, Format

#: Prefix of the parameter form's fields (``parameter-themenfeld``).
PARAMETER_PREFIX = "parameter"


class FormatForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), widget=forms.RadioSelect)

    def __init__(self, *args, art: Berichtsart, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(f), Format(f).label) for f in art.formate]
        self.fields["format"].choices = choices
        if choices:
            self.fields["format"].initial = choices[0][0]


def parameter_form(art: Berichtsart, data=None, *, user=None) -> forms.Form:
    """The type's parameter form, prefixed; given ``user`` if its constructor takes it."""
    kwargs = {"prefix": PARAMETER_PREFIX}
    try:
        if "user" in inspect.signature(art.parameter_form.__init__).parameters:
            kwargs["user"] = user
    except (TypeError, ValueError):
        pass
    return art.parameter_form(data, **kwargs)


def parameter_daten(post: QueryDict) -> QueryDict:
    """The parameter fields of a POST without their prefix (lists kept: a QueryDict)."""
    daten = QueryDict(mutable=True)
    praefix = f"{PARAMETER_PREFIX}-"
    for schluessel in post:
        if schluessel.startswith(praefix):
            daten.setlist(schluessel[len(praefix) :], post.getlist(schluessel))
    return daten


def fehler_uebernehmen(form: forms.Form, fehler) -> None:
    """Show the service's ValidationError on ``form`` (fields it has, else form-wide)."""
    form.is_valid()
    if hasattr(fehler, "error_dict"):
        for feld, meldungen in fehler.message_dict.items():
            ziel = feld if feld in form.fields else None
            vorhanden = set(form.errors.get(ziel or "__all__", []))
            for meldung in meldungen:
                if meldung not in vorhanden:
                    form.add_error(ziel, meldung)
    else:
        for meldung in fehler.messages:
            form.add_error(None, meldung)
