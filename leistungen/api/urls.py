from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("leistungen", views.LeistungViewSet, basename="leistung")
router.register("leika-leistungen", views.LeikaLeistungViewSet, basename="leikaleistung")
router.register("umsetzungsprojekte", views.UmsetzungsprojektViewSet, basename="umsetzungsprojekt")
router.register("ergebnisse", views.ErgebnisViewSet, basename="ergebnis")
router.register("umsetzungsstaende", views.UmsetzungsstandViewSet, basename="umsetzungsstand")
router.register("meilensteine", views.MeilensteinViewSet, basename="meilenstein")
router.register(
    "opendata/umsetzungsstand",
    views.OpendataUmsetzungsstandViewSet,
    basename="opendata-umsetzungsstand",
)

urlpatterns = router.urls
