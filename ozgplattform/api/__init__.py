"""REST API v1: shared framework (base viewset, serializers, errors, paging) and router.

See ``docs/api.md``. Each app keeps its resources in ``<app>/api/``; ``urls.py`` here
assembles them into one router mounted at ``/api/v1/``.
"""
