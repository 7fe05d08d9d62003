"""Public pages at the site root: Start, Kontakte and the legal pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.start, name="start"),
    path("kontakte/", views.kontakte, name="kontakte"),
    path(
        "barrierefreiheit/",
        views.RechtlicheSeite.as_view(template_name="seiten/barrierefreiheit.html"),
        name="barrierefreiheit",
    ),
    path(
        "impressum/",
        views.RechtlicheSeite.as_view(template_name="seiten/impressum.html"),
        name="impressum",
    ),
    path(
        "datenschutz/",
        views.RechtlicheSeite.as_view(template_name="seiten/datenschutz.html"),
        name="datenschutz",
    ),
]
