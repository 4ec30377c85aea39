"""Settings for running on several machines (README: Scaling), read from the environment:
the replica, sessions in Redis and media in an S3-compatible bucket. Each case imports the
production settings in a fresh interpreter with its own environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
VARIABLES = (
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "DATABASE_REPLICA_READS",
    "REDIS_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_LOCATION",
    "CONN_MAX_AGE",
    "CONN_HEALTH_CHECKS",
)


def _settings(**environment):
    env = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    env.update(environment, DEBUG="0", SECRET_KEY="x" * 60)
    env["DJANGO_SETTINGS_MODULE"] = "crm_site.settings"
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'databases': {alias: [c['ENGINE'], c['NAME'], c.get('PORT')] "
        "for alias, c in s.DATABASES.items()},"
        "'connections': {alias: [c['CONN_MAX_AGE'], c['CONN_HEALTH_CHECKS']] "
        "for alias, c in s.DATABASES.items()},"
        "'routers': s.DATABASE_ROUTERS, 'replica_reads': s.DATABASE_REPLICA_READS,"
        "'session': s.SESSION_ENGINE, 'cache': s.CACHES['default']['BACKEND'],"
        "'storage': s.STORAGES['default']['BACKEND'],"
        "'bucket': [getattr(s, name, None) for name in ('AWS_STORAGE_BUCKET_NAME',"
        " 'AWS_S3_ENDPOINT_URL', 'AWS_LOCATION', 'AWS_DEFAULT_ACL', 'AWS_S3_FILE_OVERWRITE',"
        " 'AWS_QUERYSTRING_AUTH')]}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_one_machine_by_default():
    found = _settings()
    assert list(found["databases"]) == ["default"]
    assert found["routers"] == ["core.db_router.ReplicaRouter"]
    assert found["session"] == "django.contrib.sessions.backends.db"
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["storage"] == "django.core.files.storage.FileSystemStorage"


def test_the_replica_url_declares_a_second_database():
    found = _settings(
        DATABASE_URL="postgres://crm@db:5432/crm",
        DATABASE_REPLICA_URL="postgres://crm@db-replica:5433/crm",
    )
    assert found["databases"] == {
        "default": ["django.db.backends.postgresql", "crm", 5432],
        "replica": ["django.db.backends.postgresql", "crm", 5433],
    }
    assert found["replica_reads"] is True
    assert _settings(DATABASE_REPLICA_READS="0")["replica_reads"] is False


def test_with_redis_sessions_cache_and_rate_limits_are_shared():
    found = _settings(REDIS_URL="redis://redis:6379/0")
    assert found["session"] == "django.contrib.sessions.backends.cached_db"
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_a_bucket_name_puts_the_media_in_private_s3_storage():
    found = _settings(
        AWS_STORAGE_BUCKET_NAME="crm-media", AWS_S3_ENDPOINT_URL="https://s3.example.org"
    )
    assert found["storage"] == "storages.backends.s3.S3Storage"
    assert found["bucket"] == ["crm-media", "https://s3.example.org", "media", None, False, True]


def test_database_connections_are_kept_a_minute_and_checked_before_reuse():
    found = _settings(
        DATABASE_URL="postgres://crm@db:5432/crm",
        DATABASE_REPLICA_URL="postgres://crm@db-replica:5433/crm",
    )
    assert found["connections"] == {"default": [60, True], "replica": [60, True]}
    found = _settings(CONN_MAX_AGE="0", CONN_HEALTH_CHECKS="0")
    assert found["connections"] == {"default": [0, False]}


def test_gunicorn_runs_two_sync_processes_a_core_plus_one():
    code = (
        "import json, runpy; c = runpy.run_path('gunicorn.conf.py');"
        "print(json.dumps([c['workers'], c['threads'], c['worker_class']]))"
    )

    def read(**environment):
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("WEB_CONCURRENCY", "GUNICORN_THREADS")
        }
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=BASE_DIR,
            env={**env, **environment},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    assert read() == [2 * os.cpu_count() + 1, 1, "sync"]
    assert read(WEB_CONCURRENCY="3", GUNICORN_THREADS="2") == [3, 2, "gthread"]
