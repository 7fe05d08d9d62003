from django.apps import AppConfig


class BerichtswesenConfig(AppConfig):
    name = "berichtswesen"
    verbose_name = "Berichtswesen"

    def ready(self) -> None:
        # Registers the snapshot task with Celery (autodiscovery only imports tasks.py).
        from . import tasks_kennzahlen  # noqa: F401
