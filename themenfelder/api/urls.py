from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("themenfelder", views.ThemenfeldViewSet, basename="themenfeld")
router.register("lebenslagen", views.LebenslageViewSet, basename="lebenslage")

urlpatterns = router.urls
