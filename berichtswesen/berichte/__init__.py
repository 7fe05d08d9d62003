"""Report types of the Berichtswesen (domain.md §5.5) and the one way to produce them.

Every report type is a :class:`Berichtsart` registered in :data:`ARTEN` under its key.
The job machinery (``berichtswesen.tasks``, pages, API) knows only this interface:

* ``art = berichtsart("gesamtfortschritt")`` — the type, ``KeyError`` if unknown;
* ``parameter = art.parameter_pruefen(daten, user)`` — validates the request's parameters
  (Themenfeld, Land, Stichtag, catalogue filters …) with the type's form and returns a
  JSON-serialisable dict (ids, ISO dates); raises ``ValidationError`` with field errors;
* ``art.darf_anfordern(user, parameter)`` — only those who may see the underlying data
  may request (and download) the report; ``art.darf_anfordern_alle(user, parameter_liste)``
  answers the same for many jobs at once with a fixed number of queries (lists, archive);
* ``art.erzeugen(parameter, format, user=…, fortschritt=…)`` — renders the report and
  returns an :class:`Ergebnis`. ``user=None`` is the trusted server-side caller
  (scheduled reports): the report then shows the internal view. ``fortschritt(prozent,
  schritt)`` is called from time to time so a progress bar can follow.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms

from ..choices import Format


@dataclass(frozen=True)
class Ergebnis:
    """A rendered report: suggested file name (with extension), bytes and MIME type."""

    dateiname: str
    inhalt: bytes
    content_type: str


Fortschritt = Callable[[int, str], None]


def _kein_fortschritt(prozent: int, schritt: str) -> None:
    return None


class Berichtsart(ABC):
    """Base class of a report type. Subclasses set the class attributes and implement
    :meth:`darf_anfordern` and :meth:`erzeugen`."""

    schluessel: ClassVar[str]
    titel: ClassVar[str]
    beschreibung: ClassVar[str] = ""
    #: Validates the parameters; ``cleaned_data`` is turned into JSON by :meth:`parameter_pruefen`.
    parameter_form: ClassVar[type[forms.Form]]
    formate: ClassVar[tuple[str, ...]] = (Format.PDF, Format.XLSX, Format.CSV)

    @abstractmethod
    def parameter_pruefen(self, daten: dict[str, Any], user) -> dict[str, Any]: ...

    @abstractmethod
    def darf_anfordern(self, user, parameter: dict[str, Any]) -> bool: ...

    #: Parameter keys ``darf_anfordern`` depends on (``None``: possibly all of them).
    #: ``darf_anfordern_alle`` asks once per distinct combination of these values.
    rechte_parameter: ClassVar[tuple[str, ...] | None] = None

    def darf_anfordern_alle(self, user, parameter_liste: list[dict[str, Any]]) -> list[bool]:
        """``darf_anfordern`` for each of many parameter sets (e.g. every archived job of
        this type), asked once per distinct value of :attr:`rechte_parameter`. Types whose
        check reads the database per value override this with one query for all."""
        ergebnis: dict[str, bool] = {}
        antworten = []
        for parameter in parameter_liste:
            schluessel = _rechte_schluessel(self.rechte_parameter, parameter)
            if schluessel not in ergebnis:
                ergebnis[schluessel] = bool(self.darf_anfordern(user, parameter))
            antworten.append(ergebnis[schluessel])
        return antworten

    def mitgegebene_parameter(self, daten, user) -> tuple[list[tuple[str, str]], list[str]]:
        """Parameters handed over by a link (the query string of the request page, e.g.
        the catalogue's filters) that the form itself does not show: ``(hidden, text)``
        — name/value pairs for hidden inputs and readable lines. None by default."""
        return [], []

    @abstractmethod
    def erzeugen(
        self,
        parameter: dict[str, Any],
        format: str,
        *,
        user=None,
        fortschritt: Fortschritt = _kein_fortschritt,
    ) -> Ergebnis: ...


def _rechte_schluessel(namen: tuple[str, ...] | None, parameter) -> str:
    if not isinstance(parameter, dict):
        return json.dumps(parameter, default=str)
    if namen is not None:
        parameter = {n: parameter.get(n) for n in namen}
    return json.dumps(parameter, sort_keys=True, default=str)


#: All report types by key, in the order they are offered.
ARTEN: dict[str, Berichtsart] = {}


def registrieren(cls: type[Berichtsart]) -> type[Berichtsart]:
    """Class decorator: registers one instance of the report type under its key."""
    ARTEN[cls.schluessel] = cls()
    return cls


def berichtsart(schluessel: str) -> Berichtsart:
    return ARTEN[schluessel]


# The report types register themselves on import, in the order they are offered.
from . import (  # noqa: E402, F401, I001 (order = order offered)
    gesamtfortschritt,
    themenfeld,
    land,
    steuerungsindikatoren,
    steckbrief,
)
