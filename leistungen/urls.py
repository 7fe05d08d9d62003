from django.urls import path

from . import views

app_name = "leistungen"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("export/", views.export, name="export"),
    path("matrix/", views.matrix, name="matrix"),
    path("<int:ozg_id>/", views.detail, name="detail"),
]
