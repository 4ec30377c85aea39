# Production image: gunicorn serves the app, whitenoise its static files.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=crm_site.settings

WORKDIR /app

# The PostgreSQL client (pg_dump, pg_restore for `manage.py backup` / `restore`) of the same
# major version as the postgres service in docker-compose.yml, from the PostgreSQL project's
# Debian repository (bookworm itself ships 15).
ARG PG_MAJOR=16

# Pango and HarfBuzz for WeasyPrint (the PDF forms and reports).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && install -d /usr/share/postgresql-common/pgdg \
    && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
       https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
       > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       postgresql-client-${PG_MAJOR} \
    && apt-get purge -y curl && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml requirements.lock README.md ./
RUN pip install -c requirements.lock . && useradd --create-home --uid 1000 crm

COPY . .
# collectstatic needs settings but no database or real secret.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p /app/media /backups && chown -R crm:crm /app/media /backups

USER crm
EXPOSE 8000
# Workers and threads: gunicorn.conf.py (WEB_CONCURRENCY, GUNICORN_THREADS).
CMD ["gunicorn", "crm_site.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
