"""URLs for test_konto: the project's URLs plus a tiny DRF endpoint.

The endpoint uses the project's DEFAULT_AUTHENTICATION_CLASSES and
DEFAULT_PERMISSION_CLASSES, so the token tests exercise the settings as the real API
will, before that API exists.
"""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from ozgplattform.urls import urlpatterns as projekt_urls


class EchoView(APIView):
    """Answers with who the request is authenticated as."""

    def _antwort(self, request, status=200):
        token = request.auth
        return Response(
            {
                "user": request.user.get_username() if request.user.is_authenticated else None,
                "token": getattr(token, "pk", None),
            },
            status=status,
        )

    def get(self, request):
        return self._antwort(request)

    def post(self, request):
        return self._antwort(request, status=201)

    def patch(self, request):
        return self._antwort(request)

    def delete(self, request):
        return self._antwort(request, status=204)


urlpatterns = [
    *projekt_urls,
    path("test-api/echo/", EchoView.as_view(), name="test_echo"),
]
