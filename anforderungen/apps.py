from django.apps import AppConfig


class AnforderungenConfig(AppConfig):
    name = "anforderungen"
    verbose_name = "Anforderungsmanagement"
