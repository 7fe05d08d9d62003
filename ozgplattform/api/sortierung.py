from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class Sortierung(OrderingFilter):
    """``?ordering=name,-welle`` from the view's whitelist ``ordering_fields`` only.

    A field outside the whitelist is a 400 naming the allowed ones (never ignored
    silently, never a side channel such as ordering by a password hash). The primary key
    always comes last so that pages are stable when the sort key is not unique.
    """

    def get_ordering(self, request, queryset, view):
        wert = request.query_params.get(self.ordering_param)
        if wert:
            erlaubt = [name for name, _label in self.get_valid_fields(queryset, view, {})]
            begriffe = [t.strip() for t in wert.split(",")]
            unbekannt = [t for t in begriffe if t.lstrip("-") not in erlaubt]
            if unbekannt:
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"Unbekanntes Sortierfeld: {', '.join(unbekannt)}. Erlaubt sind "
                            f"{', '.join(erlaubt)} (mit „-“ davor absteigend)."
                        ]
                    }
                )
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            ordering = queryset.query.order_by or queryset.model._meta.ordering
        ordering = list(ordering)
        if not any(str(o).lstrip("-") in ("pk", "id") for o in ordering):
            ordering.append("pk")
        return ordering
