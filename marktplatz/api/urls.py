from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register(
    "nachnutzungsangebote", views.NachnutzungsangebotViewSet, basename="nachnutzungsangebot"
)
router.register("nachnutzungen", views.NachnutzungViewSet, basename="nachnutzung")

urlpatterns = router.urls
