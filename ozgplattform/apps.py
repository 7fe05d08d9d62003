from django.apps import AppConfig


class OzgplattformConfig(AppConfig):
    name = "ozgplattform"
    verbose_name = "OZG-Plattform: Organisationen und Rollen"
