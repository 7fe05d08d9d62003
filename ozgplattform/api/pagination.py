from rest_framework.pagination import PageNumberPagination


class Seitenweise(PageNumberPagination):
    """``?page=2&page_size=100``; at most 500 rows per page (default ``PAGE_SIZE``)."""

    page_size_query_param = "page_size"
    max_page_size = 500
