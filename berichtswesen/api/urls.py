from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("berichtsauftraege", views.BerichtsauftragViewSet, basename="berichtsauftrag")

urlpatterns = router.urls
