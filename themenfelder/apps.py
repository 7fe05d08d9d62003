from django.apps import AppConfig


class ThemenfelderConfig(AppConfig):
    name = "themenfelder"
    verbose_name = "Themenfelder"
