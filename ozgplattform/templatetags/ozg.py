"""Project template tags: ``{% load ozg %}``."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format

register = template.Library()


@register.simple_tag
def ozg_url(name: str, *args, **kwargs) -> str:
    """Like ``{% url %}``, but "" when ``name`` does not resolve (yet).

    For links to pages other apps provide: the template renders plain text instead of
    a link until the page exists, e.g.
    ``{% ozg_url "leistungen:detail" ozg_id=leistung.ozg_id as url %}``.
    """
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@register.filter
def prozent(anteil: float | None) -> str:
    """A share 0–1 as a localised percentage ("42,5 %", "50 %"; "–" for None).

    Rounded to one decimal and written like the value labels of ``charts.py``, so a
    chart and its data table show the same text.
    """
    if anteil is None:
        return "–"
    wert = round(anteil * 100, 1)
    return f"{number_format(wert, 0 if wert.is_integer() else 1)}\u00a0%"


@register.simple_tag
def anteil(teil: int, gesamt: int) -> str:
    """``teil`` of ``gesamt`` as a percentage (see :func:`prozent`); "–" when gesamt is 0."""
    return prozent(teil / gesamt if gesamt else None)
