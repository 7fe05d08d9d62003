from django.urls import path

from . import views

app_name = "bearbeiten"

urlpatterns = [
    path("<int:ozg_id>/bearbeiten/", views.leistung, name="leistung"),
    path("<int:ozg_id>/ergebnisse/<str:ergebnistyp>/", views.ergebnis, name="ergebnis"),
    path("<int:ozg_id>/meilensteine/neu/", views.meilenstein_neu, name="meilenstein_neu"),
    path("meilensteine/<int:pk>/", views.meilenstein, name="meilenstein"),
    path(
        "umsetzungsprojekte/<int:pk>/bearbeiten/",
        views.umsetzungsprojekt,
        name="umsetzungsprojekt",
    ),
    path("umsetzungsstand/", views.umsetzungsstand, name="umsetzungsstand"),
    path(
        "umsetzungsstand/hochladen/",
        views.statusblatt_hochladen,
        name="statusblatt_hochladen",
    ),
    path(
        "umsetzungsstand/hochladen/<str:token>/",
        views.statusblatt_vorschau,
        name="statusblatt_vorschau",
    ),
]
