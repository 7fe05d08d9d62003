from django.apps import AppConfig


class MarktplatzConfig(AppConfig):
    name = "marktplatz"
    verbose_name = "Marktplatz"
