from django.urls import path

from . import views

app_name = "themenfelder"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("<int:nummer>/", views.detail, name="detail"),
]
