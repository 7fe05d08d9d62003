"""Exceptions of the services that the pages and the API translate alike."""

from __future__ import annotations


class DienstNichtErreichbar(Exception):
    """A service the request depends on (e.g. the report broker) is down; nothing was
    done. The API answers 503 with ``Retry-After: retry_after`` and ``message``."""

    retry_after = 60

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
