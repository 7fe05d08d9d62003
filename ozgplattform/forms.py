"""The project form renderer: KERN-UX markup for every form, not per form.

``settings.FORM_RENDERER`` points here. ``{{ form }}`` then renders
``templates/django/forms/div.html`` (error summary linking to the fields, then the
fields) and each field ``templates/django/forms/field.html`` (label, hint, widget, error
message). ``KernBoundField`` adds the KERN classes to the widgets; Django itself sets
``aria-invalid="true"`` on fields with errors and ``aria-describedby`` pointing to the
hint (``<id>_helptext``) and the error message (``<id>_error``).

No field takes the focus on page load (Django's login and password forms set
``autofocus``): keyboard and screen-reader users start at the top of the page with the
skip link. After a failed submit the error summary takes the focus instead.

Because templates come from the project's template settings (``TemplatesSetting``), a
form or an app can still override a template by name.
"""

from __future__ import annotations

from django.forms import widgets
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting


def kern_klasse(widget: widgets.Widget) -> str:
    """The KERN CSS class for ``widget`` (empty for hidden inputs and unknown widgets)."""
    if widget.is_hidden:
        return ""
    if isinstance(widget, widgets.RadioSelect):
        return "kern-form-check__radio"
    if isinstance(widget, (widgets.CheckboxInput, widgets.CheckboxSelectMultiple)):
        return "kern-form-check__checkbox"
    if isinstance(widget, widgets.Select):  # also SelectMultiple, NullBooleanSelect
        return "kern-form-input__select"
    if isinstance(widget, (widgets.Input, widgets.Textarea)):
        return "kern-form-input__input"
    return ""


class KernBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        attrs["autofocus"] = False  # rendered as no attribute at all
        klasse = kern_klasse(widget)
        if klasse:
            if self.errors:
                klasse = f"{klasse} {klasse}--error"
            # Widget attrs are overridden by these attrs: keep a class set on the widget.
            vorhanden = attrs.get("class") or widget.attrs.get("class")
            attrs["class"] = f"{vorhanden} {klasse}" if vorhanden else klasse
        return attrs


class KernFormRenderer(TemplatesSetting):
    """TemplatesSetting with KERN markup (``templates/django/forms/``)."""

    bound_field_class = KernBoundField
