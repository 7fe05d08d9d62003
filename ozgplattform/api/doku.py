"""Interactive documentation of API v1: ``/api/docs/`` (Swagger UI), ``/api/redoc/``.

Both are served from this host only: JavaScript and CSS from the static files
(drf-spectacular-sidecar and ``static/api/``), the Swagger UI's start script from
``?script`` of the same view, no inline script, no web fonts from another host (the stock
Redoc template loads Google Fonts). Each page carries its own Content-Security-Policy
that enforces this in the browser. (Not in ``schema.py``: drf-spectacular's views import
the schema class, which would be circular.)
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

#: The documentation pages load nothing from another host and run no inline script:
#: JavaScript and CSS come from the static files (drf-spectacular-sidecar, static/api/),
#: the Swagger UI's start script from ``?script`` of the same view. Redoc needs inline
#: styles (styled-components) and a search worker from a ``blob:`` URL.
DOKU_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class _MitCsp:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOKU_CSP
        return response


class SwaggerDoku(_MitCsp, SpectacularSwaggerSplitView):
    """Swagger UI; the start script is a separate same-origin request (no inline JS)."""

    template_name = "api/swagger_ui.html"
    title = "OZG-Plattform – REST-API v1"


class RedocDoku(_MitCsp, SpectacularRedocView):
    """Redoc without the web fonts of the stock template (fonts.googleapis.com)."""

    template_name = "api/redoc.html"
    title = "OZG-Plattform – REST-API v1"
