"""``/api/v1/``: one router over every app's resources (``<app>/api/urls.py``)."""

from rest_framework.routers import DefaultRouter, SimpleRouter

from anforderungen.api.urls import router as anforderungen
from berichtswesen.api.urls import router as berichtswesen
from leistungen.api.urls import router as leistungen
from marktplatz.api.urls import router as marktplatz
from themenfelder.api.urls import router as themenfelder

from . import views

app_name = "api"

ozgplattform = SimpleRouter()
ozgplattform.register("organisationen", views.OrganisationViewSet, basename="organisation")
ozgplattform.register("rollenzuweisungen", views.RollenzuweisungViewSet, basename="rollenzuweisung")

router = DefaultRouter()
for app_router in (
    ozgplattform,
    themenfelder,
    leistungen,
    marktplatz,
    anforderungen,
    berichtswesen,
):
    router.registry.extend(app_router.registry)

urlpatterns = router.urls
