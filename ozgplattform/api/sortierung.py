from rest_framework.filters import OrderingFilter


class Sortierung(OrderingFilter):
    """``?ordering=name,-welle`` from the view's whitelist ``ordering_fields`` only.

    Unknown fields are ignored (DRF's behaviour). The primary key always comes last so
    that pages are stable when the sort key is not unique.
    """

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            ordering = queryset.query.order_by or queryset.model._meta.ordering
        ordering = list(ordering)
        if not any(str(o).lstrip("-") in ("pk", "id") for o in ordering):
            ordering.append("pk")
        return ordering
