from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("anforderungen", views.AnforderungViewSet, basename="anforderung")

urlpatterns = router.urls
