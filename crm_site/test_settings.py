"""Settings for the test suite: production settings (DEBUG off) with test-only relaxations.

DATABASE_URL and REDIS_URL still come from the environment, so CI runs the same suite on
PostgreSQL and SQLite.
"""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-for-the-test-suite-only")
os.environ["DEBUG"] = "0"

from .settings import *  # noqa: E402,F403
from .settings import DATABASES, STORAGES  # noqa: E402

# The test server speaks plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Static files straight from the source folders: no collectstatic before tests.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run in-process in tests; the Celery integration test talks to a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
# SMS kept in messaging.backends.locmem.outbox, as mail in django.core.mail.outbox.
SMS_BACKEND = "messaging.backends.locmem.SmsBackend"
CELERY_TASK_EAGER_PROPAGATES = True
AXES_VERBOSE = False

# Each test process keeps its rate-limit counters to itself: tests clear the cache, and a
# shared Redis cache would be flushed under the Celery broker's feet.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]

# The replica (DATABASE_REPLICA_URL, CI): the test database is made on the primary only and
# reaches a real replica by streaming replication, so the replica alias mirrors the primary
# for the test runner. Reads stay on the primary except in the tests that prove the replica
# is read (tests/core/test_replica.py switches them on): other tests only declare "default".
if "replica" in DATABASES:
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_REPLICA_READS = False

# The customer 360's queries compiled once (customers.compiled) are compared, on every page
# the tests open, with a fresh compilation of the request's own.
CUSTOMER_PROFILE_SQL_CHECK = True
