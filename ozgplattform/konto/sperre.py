"""Login throttling with django-axes: the client IP and the attempt handler.

Settings (``ozgplattform/settings.py``): a login is refused once the failed attempts
within ``AXES_COOLOFF_TIME`` reach ``AXES_FAILURE_LIMIT`` for the username (over all
IPs) or for the IP address (over all usernames).
"""

from __future__ import annotations

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest


def _ip(wert: str) -> str | None:
    try:
        return str(ipaddress.ip_address(wert.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address as seen by the first trusted hop.

    Without trusted proxies (``TRUSTED_PROXY_COUNT = 0``) that is ``REMOTE_ADDR``, and
    ``X-Forwarded-For`` is ignored: a client could write anything into it and so dodge
    the per-IP lockout. Behind N proxies that each append the address they received
    the request from, the client is the N-th entry from the right; entries further left
    were written by the client and are never trusted. A missing, short or malformed
    header falls back to ``REMOTE_ADDR``.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    anzahl = settings.TRUSTED_PROXY_COUNT
    if anzahl > 0:
        kette = [
            eintrag.strip()
            for eintrag in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if eintrag.strip()
        ]
        if len(kette) >= anzahl:
            ip = _ip(kette[-anzahl])
            if ip:
                return ip
    return remote_addr


class SperrHandler(AxesDatabaseHandler):
    """django-axes' database handler; on success it forgets only the user's failures.

    With ``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]`` the stock handler
    deletes, on a successful login, every attempt of that username *and every attempt
    from that IP address* — including failures against other usernames. Anyone with a
    working account could then guess another person's password without limit: four
    guesses, one login of their own, four guesses, ... Here a successful login resets
    the failures recorded for its own username only.
    """

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        anzahl, _ = AccessAttempt.objects.filter(username=username).delete()
        return anzahl
