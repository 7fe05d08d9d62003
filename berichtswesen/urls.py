from django.urls import path

from . import views

app_name = "berichtswesen"

urlpatterns = [
    path("", views.uebersicht, name="uebersicht"),
    path("neu/<str:art>/", views.anfordern, name="anfordern"),
    path("<uuid:pk>/", views.auftrag, name="auftrag"),
    path("<uuid:pk>/status/", views.status, name="status"),
    path("<uuid:pk>/datei", views.datei, name="datei"),
]
