"""Non-trivial reads of the shared framework: the published contacts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .choices import Rolle
from .models import Rollenzuweisung

#: Roles listed on the public contact page, in this order.
KONTAKT_ROLLEN: tuple[str, ...] = (
    Rolle.FEDERFUEHRER,
    Rolle.OZG_KOORDINATOR,
    Rolle.LEISTUNGSVERANTWORTLICHER,
)


def veroeffentlichte_kontakte(zuweisungen: QuerySet[Rollenzuweisung]) -> QuerySet[Rollenzuweisung]:
    """Of ``zuweisungen`` (already restricted to the reader), the ones published as contact
    and valid today – the same for every reader, so pages never show more than that."""
    return (
        zuweisungen.gueltig()
        .filter(kontakt_veroeffentlichen=True)
        .select_related("user", "organisation", "themenfeld", "leistung", "umsetzungsprojekt")
        .order_by(
            "rolle",
            "themenfeld__nummer",
            "organisation__ars",
            "organisation__name",
            "leistung__ozg_id",
            "user__last_name",
            "user__first_name",
            "pk",
        )
    )


@dataclass(frozen=True)
class Kontaktgruppe:
    rolle: str
    label: str
    kontakte: list[Rollenzuweisung]


def kontakte_nach_rolle(
    zuweisungen: QuerySet[Rollenzuweisung], rollen: tuple[str, ...] = KONTAKT_ROLLEN
) -> list[Kontaktgruppe]:
    """Published contacts of ``rollen`` grouped by role (one query)."""
    gruppen: dict[str, list[Rollenzuweisung]] = {rolle: [] for rolle in rollen}
    for zuweisung in veroeffentlichte_kontakte(zuweisungen.filter(rolle__in=rollen)):
        gruppen[zuweisung.rolle].append(zuweisung)
    return [Kontaktgruppe(r, Rolle(r).label, gruppen[r]) for r in rollen]
