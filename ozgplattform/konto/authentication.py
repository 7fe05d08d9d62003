"""DRF authentication with personal API tokens (``Authorization: Token <key>``)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from ozgplattform.models import ApiToken

SCHLUESSELWOERTER = (b"token", b"bearer")

#: ``zuletzt_benutzt`` is written at most this often per token (one UPDATE, not per request).
NUTZUNG_SCHREIBEN_NACH = datetime.timedelta(minutes=1)

#: Far longer than any token we issue; longer values are rejected without hashing.
MAX_LAENGE = 200


class ApiTokenAuthentication(BaseAuthentication):
    """Authenticate with a personal API token; ``request.auth`` is the ``ApiToken``.

    Accepts ``Token <key>`` and ``Bearer <key>``. A request without such a header is
    left to the next authentication class (session). A present but unusable token is
    refused with 401 at once — expired, revoked, or its owner deactivated.
    """

    def authenticate(self, request):
        teile = get_authorization_header(request).split()
        if not teile or teile[0].lower() not in SCHLUESSELWOERTER:
            return None
        if len(teile) == 1:
            raise AuthenticationFailed("Ungültiger Authorization-Header: Das Token fehlt.")
        if len(teile) > 2:
            raise AuthenticationFailed(
                "Ungültiger Authorization-Header: Das Token darf keine Leerzeichen enthalten."
            )
        try:
            klartext = teile[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("Ungültiges Token.") from None
        if len(klartext) > MAX_LAENGE:
            raise AuthenticationFailed("Ungültiges Token.")
        return self.authenticate_credentials(klartext)

    def authenticate_credentials(self, klartext: str):
        token = (
            ApiToken.objects.select_related("user")
            .filter(schluessel_hash=ApiToken.hash_von(klartext))
            .first()
        )
        if token is None:
            raise AuthenticationFailed("Ungültiges Token.")
        jetzt = timezone.now()
        if token.widerrufen_am is not None:
            raise AuthenticationFailed("Dieses Token wurde widerrufen.")
        if token.gueltig_bis <= jetzt:
            raise AuthenticationFailed("Dieses Token ist abgelaufen.")
        if not token.user.is_active:
            raise AuthenticationFailed("Das Benutzerkonto dieses Tokens ist deaktiviert.")
        if token.zuletzt_benutzt is None or jetzt - token.zuletzt_benutzt >= NUTZUNG_SCHREIBEN_NACH:
            ApiToken.objects.filter(pk=token.pk).update(zuletzt_benutzt=jetzt)
            token.zuletzt_benutzt = jetzt
        return token.user, token

    def authenticate_header(self, request) -> str:
        # A WWW-Authenticate header makes DRF answer 401 (not 403) to failed authentication.
        return "Token"
