from django.urls import path

from . import views

app_name = "konto"

urlpatterns = [
    path("", views.profil, name="profil"),
    path("anmelden/", views.Anmelden.as_view(), name="anmelden"),
    path("abmelden/", views.Abmelden.as_view(), name="abmelden"),
    path("passwort-aendern/", views.PasswortAendern.as_view(), name="passwort_aendern"),
    path("passwort-vergessen/", views.PasswortVergessen.as_view(), name="passwort_vergessen"),
    path(
        "passwort-vergessen/gesendet/",
        views.PasswortVergessenGesendet.as_view(),
        name="passwort_vergessen_gesendet",
    ),
    path("passwort-neu/<uidb64>/<token>/", views.PasswortNeu.as_view(), name="passwort_neu"),
    path("passwort-neu/fertig/", views.PasswortNeuFertig.as_view(), name="passwort_neu_fertig"),
    path("tokens/<int:pk>/widerrufen/", views.token_widerrufen, name="token_widerrufen"),
]
