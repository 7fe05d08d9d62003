# syntax=docker/dockerfile:1
# Produktionsimage der OZG-Plattform (gunicorn; Celery-Worker/-Beat nutzen dasselbe Image).
# Siehe docs/deployment.md.

# --- Abhängigkeiten (uv.lock, ohne Dev-Gruppe) --------------------------------
FROM python:3.13-slim AS build

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

RUN pip install --no-cache-dir uv==0.13.9

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project

# --- Laufzeit ------------------------------------------------------------------
FROM python:3.13-slim

# WeasyPrint (PDF-Berichte) braucht Pango/HarfBuzz und mindestens eine Schrift.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 ozg \
    && useradd --system --uid 10001 --gid ozg --home-dir /app --no-create-home ozg \
    && mkdir -p /data \
    && chown ozg:ozg /data

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=ozgplattform.settings \
    DATA_DIR=/data \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY . /app

# Statische Dateien beim Build einsammeln (WhiteNoise liefert sie aus). Der Schlüssel
# gilt nur für diesen RUN-Schritt und landet nicht in der Umgebung des Images.
ARG COLLECTSTATIC_SECRET_KEY=nur-fuer-collectstatic-beim-build-kein-echter-schluessel-0000
RUN SECRET_KEY="$COLLECTSTATIC_SECRET_KEY" DATA_DIR=/tmp/build-data \
        python manage.py collectstatic --noinput -v 1 \
    && rm -rf /tmp/build-data

USER ozg
EXPOSE 8000
CMD ["gunicorn", "ozgplattform.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
