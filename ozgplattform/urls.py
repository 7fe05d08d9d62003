from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from ozgplattform.api.doku import RedocDoku, SwaggerDoku

admin.site.site_header = "OZG-Plattform – Verwaltung"
admin.site.site_title = "OZG-Plattform"
admin.site.index_title = "Programmdaten pflegen"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("konto/", include("ozgplattform.konto.urls")),
    # Language switch in the page header: Django's set_language (POST, works without JS).
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("ozgplattform.api.urls")),
    # OpenAPI 3 schema of API v1 and its interactive docs (docs/api.md).
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerDoku.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", RedocDoku.as_view(url_name="api-schema"), name="api-redoc"),
    path("themenfelder/", include("themenfelder.urls")),
    path("leistungen/", include("leistungen.urls")),
    path("leistungen/", include("leistungen.bearbeiten.urls")),
    path("berichte/", include("berichtswesen.urls")),
    path("", include("ozgplattform.urls_seiten")),
]

#: JSON 404 for unmatched paths under /api/ (ozgplattform.api.exceptions).
handler404 = "ozgplattform.api.exceptions.nicht_gefunden"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
