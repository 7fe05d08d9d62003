from django.apps import AppConfig


class BerichtswesenConfig(AppConfig):
    name = "berichtswesen"
    verbose_name = "Berichtswesen"
