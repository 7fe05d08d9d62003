"""Settings of the OZG-Plattform.

Everything comes from environment variables with embedded defaults: with no variable
set the platform runs on SQLite with Celery tasks executed in-process. See
``docs/configuration.md`` for the full list.
"""

import re
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else a random key kept in DATA_DIR (like pretix)."""
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    path = DATA_DIR / ".secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    key = path.read_text().strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{path} enthält keinen gültigen SECRET_KEY.")
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Django's own form templates for the project form renderer (TemplatesSetting).
    "django.forms",
    "django_htmx",
    "rest_framework",
    "django_filters",
    # OpenAPI schema of API v1 and its docs, from the sidecar's static files (no CDN).
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "axes",
    "ozgplattform",
    "themenfelder",
    "leistungen",
    "marktplatz",
    "berichtswesen",
    "anforderungen",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a lockout flagged during the request into
    # the lockout page (HTTP 429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ozgplattform.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ozgplattform.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "ozgplattform.wsgi.application"

#: One form renderer for the whole project: KERN-UX markup for every form rendered with
#: ``{{ form }}`` (templates/django/forms/), labels, hints and errors wired by ARIA.
FORM_RENDERER = "ozgplattform.forms.KernFormRenderer"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

AUTHENTICATION_BACKENDS = [
    # First: refuses every login attempt of a locked-out username or IP address before
    # the password is even checked (see "Anmeldung" below and docs/konto.md).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Anmeldung, Sitzungen, Sperre nach Fehlversuchen (docs/konto.md)
LOGIN_URL = "konto:anmelden"
LOGIN_REDIRECT_URL = "konto:profil"
LOGOUT_REDIRECT_URL = "konto:anmelden"
#: Absolute lifetime of a login session (seconds); default one working day of 8 hours.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_COOKIE_SAMESITE = "Lax"
#: Password-reset links expire after one day (Django's default is three).
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60

#: Number of reverse proxies in front of the application that append to
#: X-Forwarded-For. 0: the header is ignored and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT darf nicht negativ sein.")

# django-axes 8: every failed login is recorded per (username, IP, user agent); a login
# is refused when the failures within the cool-off window reach the limit for the
# *username* (summed over all IPs) OR for the *IP address* (summed over all usernames).
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
_AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
if _AXES_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("AXES_COOLOFF_MINUTES muss mindestens 1 sein.")
AXES_COOLOFF_TIME = timedelta(minutes=_AXES_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = True
#: Database handler, but a successful login forgets only the failures for that
#: username, not every failure from the same IP (see ozgplattform/konto/sperre.py).
AXES_HANDLER = "ozgplattform.konto.sperre.SperrHandler"
AXES_LOCKOUT_TEMPLATE = "konto/gesperrt.html"
AXES_HTTP_RESPONSE_CODE = 429
#: Client IP: REMOTE_ADDR, X-Forwarded-For only behind TRUSTED_PROXY_COUNT proxies.
#: (django-ipware is not installed, so the AXES_IPWARE_* settings would have no effect.)
AXES_CLIENT_IP_CALLABLE = "ozgplattform.konto.sperre.client_ip"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Language chosen with the switch in the page header (Django's set_language view).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-Mail (Django 6.1 MAILERS): console backend unless EMAIL_BACKEND says otherwise.
_EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
_EMAIL_OPTIONS: dict = {}
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    _EMAIL_OPTIONS = {
        "host": env.str("EMAIL_HOST", default="localhost"),
        "port": env.int("EMAIL_PORT", default=25),
        "username": env.str("EMAIL_HOST_USER", default=""),
        "password": env.str("EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env.bool("EMAIL_USE_TLS", default=False),
        "timeout": env.int("EMAIL_TIMEOUT", default=30),
    }
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OZG-Plattform <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: on by default whenever DEBUG is off (production); see `manage.py check --deploy`.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Celery: without a broker, tasks run in-process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

# Berichtswesen (docs/berichte.md, "Berichtsaufträge, Zeitpläne und Betrieb").
#: Private storage of generated reports (never under MEDIA_ROOT, never served directly).
BERICHTE_ROOT = Path(env.str("BERICHTE_ROOT", default=str(DATA_DIR / "berichte")))
#: Hard time limit of one report run (seconds); the soft limit ends it cleanly before.
BERICHT_ZEITLIMIT = env.int("BERICHT_ZEITLIMIT", default=30 * 60)
if BERICHT_ZEITLIMIT < 2:
    raise ImproperlyConfigured("BERICHT_ZEITLIMIT muss mindestens 2 Sekunden sein.")
#: Days a requested report stays downloadable; scheduled (archive) reports stay longer.
BERICHT_AUFBEWAHRUNG_TAGE = env.int("BERICHT_AUFBEWAHRUNG_TAGE", default=30)
BERICHT_ARCHIV_AUFBEWAHRUNG_TAGE = env.int("BERICHT_ARCHIV_AUFBEWAHRUNG_TAGE", default=400)
#: Base of the exponential backoff between retries after transient errors (seconds).
BERICHT_WIEDERHOLUNG_SEKUNDEN = env.int("BERICHT_WIEDERHOLUNG_SEKUNDEN", default=30)
#: Open report jobs (waiting or running) one user may have at a time; more are refused
#: (page message, API 429 with Retry-After).
BERICHT_MAX_OFFEN_JE_BENUTZER = env.int("BERICHT_MAX_OFFEN_JE_BENUTZER", default=5)
if BERICHT_MAX_OFFEN_JE_BENUTZER < 1:
    raise ImproperlyConfigured("BERICHT_MAX_OFFEN_JE_BENUTZER muss mindestens 1 sein.")
#: Queue of the report task ("" = Celery's default queue).
BERICHT_QUEUE = env.str("BERICHT_QUEUE", default="")
#: Seconds to wait for the broker when a report is requested; then the user is told the
#: report service is unavailable (no minutes-long hang of the request).
BERICHT_BROKER_TIMEOUT = env.float("BERICHT_BROKER_TIMEOUT", default=3.0)
#: Redis redelivers a message that was taken but not acknowledged (acks_late) after this
#: many seconds. It must exceed the longest task run (hard time limit plus retries'
#: backoff), else a still running report would be started a second time.
CELERY_VISIBILITY_TIMEOUT = env.int(
    "CELERY_VISIBILITY_TIMEOUT", default=max(3600, 2 * BERICHT_ZEITLIMIT)
)
_RESTORE_INTERVALL = max(1, min(60, CELERY_VISIBILITY_TIMEOUT // 10))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Workers look for messages of dead workers every tenth of the visibility timeout
    # (at most every minute), not only every ~100 s (kombu's interval × throttle).
    "unacked_restore_interval": _RESTORE_INTERVALL,
    "unacked_restore_throttle": 1,
    # The lock around that scan outlives a worker killed while holding it; kombu's 300 s
    # would delay the redelivery of its report by five minutes. The scan takes
    # milliseconds, so the lock expires after one interval (at least 5 s).
    "unacked_mutex_expire": max(5, _RESTORE_INTERVALL),
    "socket_connect_timeout": BERICHT_BROKER_TIMEOUT,
    "socket_timeout": max(BERICHT_BROKER_TIMEOUT, 10.0),
}
CELERY_BROKER_CONNECTION_TIMEOUT = BERICHT_BROKER_TIMEOUT
CELERY_BEAT_SCHEDULE = {
    "rechte-abgleichen": {
        "task": "ozgplattform.rechte_abgleichen",
        "schedule": crontab(hour=0, minute=5),
    },
    # Idempotency keys of the API live 24 hours (docs/api.md).
    "idempotenzschluessel-aufraeumen": {
        "task": "ozgplattform.idempotenzschluessel_aufraeumen",
        "schedule": crontab(minute=17),
    },
    # Daily snapshot of the key figures (berichtswesen.kennzahlen, docs/berichte.md).
    "kennzahlen-festhalten": {
        "task": "berichtswesen.kennzahlen_festhalten",
        "schedule": crontab(hour=23, minute=45),
    },
    "berichtsplaene-ausfuehren": {
        "task": "berichtswesen.berichtsplaene_ausfuehren",
        "schedule": crontab(minute=15),
    },
    "berichte-aufraeumen": {
        "task": "berichtswesen.berichte_aufraeumen",
        "schedule": crontab(hour=3, minute=30),
    },
}

_RATE = r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$"


def _api_rate(name: str, default: str) -> str | None:
    """A DRF rate such as ``1000/hour``; empty or ``none`` switches the limit off."""
    wert = env.str(name, default=default).strip()
    if wert.lower() in ("", "none"):
        return None
    if not re.match(_RATE, wert):
        raise ImproperlyConfigured(
            f"{name} muss die Form Anzahl/Zeitraum haben (z. B. 1000/hour; Zeitraum "
            f"second, minute, hour oder day), nicht {wert!r}."
        )
    return wert


#: API rate limits (docs/configuration.md): per token, per session user, per client IP.
API_RATE_TOKEN = _api_rate("API_RATE_TOKEN", "1000/hour")
API_RATE_USER = _api_rate("API_RATE_USER", "2000/hour")
API_RATE_ANON = _api_rate("API_RATE_ANON", "600/hour")

REST_FRAMEWORK = {
    # Personal API tokens (Authorization: Token <key>) first, then the browser session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ozgplattform.konto.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Read-only tokens may only use safe methods. Views that set their own
    # permission_classes must keep TokenScopePermission in the list.
    "DEFAULT_PERMISSION_CLASSES": ["ozgplattform.konto.permissions.TokenScopePermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # API v1 (docs/api.md): ?page=&page_size= (at most 500), errors as German JSON.
    "DEFAULT_PAGINATION_CLASS": "ozgplattform.api.pagination.Seitenweise",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "ozgplattform.api.exceptions.exception_handler",
    # Rate limits: per API token, per session user, per IP (ozgplattform/api/drosselung.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "ozgplattform.api.drosselung.TokenDrossel",
        "ozgplattform.api.drosselung.BenutzerDrossel",
        "ozgplattform.api.drosselung.AnonymDrossel",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": API_RATE_TOKEN,
        "user": API_RATE_USER,
        "anon": API_RATE_ANON,
    },
    # OpenAPI 3 (drf-spectacular): every error response of the platform documented.
    "DEFAULT_SCHEMA_CLASS": "ozgplattform.api.schema.OzgAutoSchema",
}

# OpenAPI schema at /api/schema/, Swagger UI at /api/docs/, Redoc at /api/redoc/
# (docs/api.md). The UIs load their JavaScript and CSS from drf-spectacular-sidecar's
# static files, never from a CDN.
SPECTACULAR_SETTINGS = {
    "TITLE": "OZG-Plattform – REST-API",
    "DESCRIPTION": (
        "Schnittstelle der OZG-Plattform für Skripte der Länder, IT-Dienstleister und "
        "anderer Systeme: Themenfelder, Leistungen, Ergebnisse, Umsetzungsstände, "
        "Meilensteine, Marktplatz und Anforderungen. Anmeldung mit einem persönlichen "
        "Token (`Authorization: Token <token>`, im Profil unter /konto/) oder der "
        "Browser-Sitzung; ohne Anmeldung nur Lesen öffentlicher Daten. Fehler sind JSON "
        "mit deutschen Meldungen. Anleitung und Beispiele: docs/api.md."
    ),
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Separate request components: read-only fields (id, url, …) are not input.
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No schema validator badge: it would load from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Several models have a "status" with their own choices: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "AnforderungsstatusEnum": "anforderungen.choices.Anforderungsstatus",
        "ErgebnisstatusEnum": "leistungen.choices.Ergebnisstatus",
        "AngebotsstatusEnum": "marktplatz.choices.Angebotsstatus",
        "NachnutzungsstatusEnum": "marktplatz.choices.Nachnutzungsstatus",
        "BerichtsstatusEnum": "berichtswesen.models.Status",
        "OrganisationsartEnum": "ozgplattform.choices.OrganisationsArt",
        "AnforderungsartEnum": "anforderungen.choices.Anforderungsart",
    },
}

# django-guardian
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# django-simple-history
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Catalogue quirks the importer reports; programme start for "verzögert" etc.
OZG_UMSETZUNGSFRIST = "2022-12-31"

# Operator data for the legal pages (Impressum, Datenschutz, Barrierefreiheit); see
# docs/configuration.md. Neutral defaults: set them for every real installation.
OZG_BETREIBER_NAME = env.str("OZG_BETREIBER_NAME", default="Betreiberin der OZG-Plattform")
OZG_BETREIBER_ANSCHRIFT = env.str(
    "OZG_BETREIBER_ANSCHRIFT", default="Musterstraße 1, 12345 Musterstadt"
)
OZG_BETREIBER_VERTRETEN_DURCH = env.str("OZG_BETREIBER_VERTRETEN_DURCH", default="")
OZG_BETREIBER_EMAIL = env.str("OZG_BETREIBER_EMAIL", default="kontakt@example.org")
OZG_BETREIBER_TELEFON = env.str("OZG_BETREIBER_TELEFON", default="")
OZG_DATENSCHUTZ_EMAIL = env.str("OZG_DATENSCHUTZ_EMAIL", default="datenschutz@example.org")
OZG_QUELLCODE_URL = env.str("OZG_QUELLCODE_URL", default="")
#: Feedback contact of the accessibility statement (BITV 2.0).
OZG_KONTAKT_EMAIL = env.str("OZG_KONTAKT_EMAIL", default="barrierefreiheit@example.org")
#: Date the accessibility statement was written or last reviewed (ISO date).
OZG_BARRIEREFREIHEIT_STAND = env.str("OZG_BARRIEREFREIHEIT_STAND", default="2026-11-29")
#: Retention of login records (django-axes) stated in the privacy notice; the operator
#: deletes older ones daily (docs/configuration.md).
OZG_ANMELDEPROTOKOLL_TAGE = env.int("OZG_ANMELDEPROTOKOLL_TAGE", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Token creation and revocation, lockouts (never token plaintext or passwords).
        "ozgplattform.sicherheit": {"level": "INFO"},
        # WeasyPrint logs every layout step (and its own stylesheets at import) at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
