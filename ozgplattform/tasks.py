"""Periodic tasks of the shared framework."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from .models import IdempotenzSchluessel
from .rechte import rechte_synchronisieren


@shared_task(name="ozgplattform.rechte_abgleichen")
def rechte_abgleichen() -> int:
    """Daily: grants follow assignments whose validity starts or ends today.

    Changes made through the services take effect at once; this covers the calendar.
    Task arguments: none; idempotent. Returns the number of users checked.
    """
    benutzer = (
        get_user_model()
        .objects.filter(
            Q(rollenzuweisungen__isnull=False)
            | Q(userobjectpermission__isnull=False)
            | Q(groups__name__startswith="Rolle: ")
        )
        .distinct()
    )
    anzahl = 0
    for user in benutzer.iterator():
        rechte_synchronisieren(user)
        anzahl += 1
    return anzahl


@shared_task(name="ozgplattform.idempotenzschluessel_aufraeumen")
def idempotenzschluessel_aufraeumen() -> int:
    """Hourly: delete the API's idempotency keys older than 24 hours (their responses
    are no longer replayed anyway). Idempotent; returns the number deleted."""
    grenze = timezone.now() - IdempotenzSchluessel.GUELTIGKEIT
    anzahl, _ = IdempotenzSchluessel.objects.filter(erstellt__lte=grenze).delete()
    return anzahl
