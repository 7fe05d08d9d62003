"""Rate limits of the API (DRF throttling, counted in the Django cache).

Exactly one of the three applies to a request:

* with an API token: per token (``API_RATE_TOKEN``) — two scripts of one person with
  two tokens do not slow each other down;
* with a browser session: per user (``API_RATE_USER``);
* anonymous: per client IP (``API_RATE_ANON``; behind proxies the address from
  ``TRUSTED_PROXY_COUNT``, as for the login lockout).

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (filled from the settings
above), read on every request so ``override_settings`` takes effect. Exceeding a rate
is a 429 with ``Retry-After`` (seconds) and a German ``detail``.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from ozgplattform.konto.sperre import client_ip
from ozgplattform.models import ApiToken


class ZuVieleAnfragen(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "gedrosselt"

    def __init__(self, wait: float | None):
        self.wait = max(1, math.ceil(wait)) if wait is not None else None
        if self.wait is None:
            text = "Zu viele Anfragen. Bitte später erneut versuchen."
        else:
            text = (
                f"Zu viele Anfragen. Bitte in {self.wait} Sekunden erneut versuchen "
                "(Ratenbegrenzung der API)."
            )
        super().__init__(text)


class _Drossel(ABC, SimpleRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or None

    @abstractmethod
    def kennung(self, request) -> str | None:
        """Whom this throttle counts the request against; None: not this throttle's."""

    def get_cache_key(self, request, view):
        kennung = self.kennung(request)
        if kennung is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": kennung}


class TokenDrossel(_Drossel):
    """Requests authenticated with an API token, counted per token."""

    scope = "token"

    def kennung(self, request):
        token = getattr(request, "auth", None)
        return str(token.pk) if isinstance(token, ApiToken) else None


class BenutzerDrossel(_Drossel):
    """Session users (the browsable API), counted per user."""

    scope = "user"

    def kennung(self, request):
        if isinstance(getattr(request, "auth", None), ApiToken):
            return None
        user = getattr(request, "user", None)
        return str(user.pk) if user is not None and user.is_authenticated else None


class AnonymDrossel(_Drossel):
    """Anonymous readers, counted per client IP."""

    scope = "anon"

    def kennung(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return client_ip(request) or "unbekannt"
