"""Writes of the Konto part: personal API tokens."""

from __future__ import annotations

import datetime
import logging
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ozgplattform.models import ApiToken

logger = logging.getLogger("ozgplattform.sicherheit")

#: Random bytes per token; ``token_urlsafe`` turns 32 bytes into 43 characters.
TOKEN_BYTES = 32


@transaction.atomic
def api_token_erstellen(
    *, user, name: str, schreibrecht: bool, gueltig_bis: datetime.datetime
) -> tuple[ApiToken, str]:
    """Create a personal API token; return it and its plaintext.

    The plaintext exists only in the return value: the database keeps its SHA-256 and
    the first 8 characters. The caller shows it once and forgets it.
    """
    if not user.is_active:
        raise ValidationError(
            "Für ein deaktiviertes Konto können keine API-Tokens erstellt werden."
        )
    klartext = secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken(
        user=user,
        name=name.strip(),
        praefix=klartext[:8],
        schluessel_hash=ApiToken.hash_von(klartext),
        schreibrecht=schreibrecht,
        gueltig_bis=gueltig_bis,
    )
    token.full_clean()
    token.save()
    logger.info(
        "API-Token %s (Präfix %s, %s, gültig bis %s) für %s erstellt.",
        token.pk,
        token.praefix,
        "lesen und schreiben" if schreibrecht else "nur lesen",
        token.gueltig_bis.isoformat(),
        user.get_username(),
    )
    return token, klartext


def darf_token_widerrufen(user, token: ApiToken) -> bool:
    """The owner, or staff allowed to change tokens in the admin (Programmmanagement)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if token.user_id == user.pk:
        return True
    return user.is_staff and user.has_perm("ozgplattform.change_apitoken")


@transaction.atomic
def api_token_widerrufen(*, token: ApiToken, user) -> ApiToken:
    """Revoke a token at once. Revoking a revoked token changes nothing."""
    if not darf_token_widerrufen(user, token):
        raise PermissionDenied("Sie können nur Ihre eigenen API-Tokens widerrufen.")
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.widerrufen_am is None:
        token.widerrufen_am = timezone.now()
        token.save(update_fields=["widerrufen_am", "geaendert"])
        logger.info(
            "API-Token %s (Präfix %s) von %s durch %s widerrufen.",
            token.pk,
            token.praefix,
            token.user.get_username(),
            user.get_username(),
        )
    return token
