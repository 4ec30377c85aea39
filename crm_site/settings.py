"""Settings, read from environment variables (see .env.example for every variable).

Defaults give the embedded set-up of ``make run``: SQLite, no Redis (tasks run eagerly).
Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from crm_site import formats as site_formats

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is optional; real environment variables win over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    # Only for local development: a fixed, obviously insecure key.
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The project's own apps, each after the apps it depends on. An app registers its own parts in
# its AppConfig (URLs, role grants, demo data, navigation, my-work providers): adding an app
# is one line here.
PROJECT_APPS = [
    "core",
    "association",
    "manual",
    "customers",
    "messaging",
    "programmes",
    "finance",
    "opportunities",
    "complaints",
    "reports",
    "links",
    "campaigns",
    "surveys",
    "survey_analysis",
    "support",
]

INSTALLED_APPS = [
    # django.contrib.admin, with forms reading Arabic digits and day-first dates (core.admin).
    "core.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "core.apps.AxesConfig",  # django-axes, named in Arabic
    "django_celery_beat",
    "django_ratelimit",
    "csp",
    "anymail",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ArabicFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a login unless it is marked @login_not_required (public pages).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # With DEBUG on, the site's own 404 page rather than Django's technical one.
    "core.middleware.SitePageNotFoundMiddleware",
    # Personal files (PDFs, exports, attachments) are never cached: Cache-Control: no-store.
    "core.middleware.NoStoreFilesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm_site.urls"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "crm_site.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Each web process keeps its database connection for a minute (0: a new connection for
# every request, a few milliseconds each), checked before it is reused after an error or a
# restart of the database.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
# A PostgreSQL streaming replica (README: Scaling). Report production, exports and statistics
# read from it through core.replica; everything else, every write and anything read inside a
# transaction or right after a write, stays on the primary (core.db_router). Unset: one
# database for everything.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_HEALTH_CHECKS"]
# Switch replica reads off without removing the URL (DATABASE_REPLICA_READS=0), e.g. while
# the replica is rebuilt.
DATABASE_REPLICA_READS = env.bool("DATABASE_REPLICA_READS", default=True)
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username+IP before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend whose permissions are read from the cache (renewed on every change).
    "core.auth.CachedPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: lock a username *from one IP address* after repeated failures, so an
# attacker cannot lock every staff member out from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client's address (django-ipware). AXES_PROXY_COUNT is the number of reverse proxies in
# front of the app: 0 (direct) reads REMOTE_ADDR only, so a forged X-Forwarded-For changes
# nothing. Behind N proxies, X-Forwarded-For must hold exactly the client and the N-1 proxies
# before the last one (the last proxy, the one Django talks to, appends the client and is
# REMOTE_ADDR); any other chain (a visitor who sent their own header) counts as the proxy's
# address, so forging the header never gives a fresh address.
PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER: tuple[str, ...]
if PROXY_COUNT > 0:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
AXES_IPWARE_PROXY_ORDER = "left-most"
# Optional: the addresses (or prefixes, CIDR networks) of the proxies listed in the header.
AXES_IPWARE_PROXY_TRUSTED_IPS = env.list("AXES_PROXY_TRUSTED_IPS", default=[]) or None

# Internationalisation: Arabic first, English available.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Riyadh"
USE_I18N = True
USE_TZ = True
# Dates typed ISO or day first in both languages, never US month first (crm_site/formats);
# the same outside a request (commands, tasks) through the settings below.
FORMAT_MODULE_PATH = ["crm_site.formats"]
DATE_INPUT_FORMATS = site_formats.DATE_INPUT_FORMATS
DATETIME_INPUT_FORMATS = site_formats.DATETIME_INPUT_FORMATS
TIME_INPUT_FORMATS = site_formats.TIME_INPUT_FORMATS

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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
MEDIA_URL = "media/"
# Uploaded files (attachments, signed pledges, report files) live under MEDIA_ROOT, a volume
# shared by every web and worker container, or with AWS_STORAGE_BUCKET_NAME in an S3-
# compatible bucket (django-storages; README: Scaling). Imports waiting for their
# confirmation stay under MEDIA_ROOT either way (core.imports.uploads).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    # Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment (read by
    # boto3), or the machine's role. MinIO, Ceph, Wasabi…: their address in the endpoint URL.
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    AWS_S3_ADDRESSING_STYLE = env.str("AWS_S3_ADDRESSING_STYLE", default="") or None
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    # Files inside the bucket under this prefix.
    AWS_LOCATION = env.str("AWS_LOCATION", default="media")
    # Personal data: private objects (the bucket's own policy), never overwritten (a second
    # file of the same name gets a new name, as on disk). The app streams every file through
    # its own views after checking permissions; a link, if one is ever made, is signed and
    # lasts five minutes.
    AWS_DEFAULT_ACL = None
    AWS_S3_FILE_OVERWRITE = False
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = 300
# Where `manage.py backup` writes its archives when given no path (README: Operations).
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")

# Django's form renderer with its input, textarea and select templates written in Python (the
# same HTML, several times faster on forms with long option lists).
FORM_RENDERER = "core.form_renderer.FormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# A filter left empty reads "all", never "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("All")

# Email.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="crm@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# An e-mail provider through django-anymail (README: Messaging): EMAIL_BACKEND names its
# backend (anymail.backends.postmark.EmailBackend, …) and ANYMAIL, as JSON, its keys and the
# tracking webhook's WEBHOOK_SECRET ("user:password" of HTTP basic auth). Bounces and
# complaints reported to /hooks/email/<provider>/tracking/ feed the suppression list; without
# a WEBHOOK_SECRET every call is refused (403).
ANYMAIL = env.json("ANYMAIL", default={})

# SMS (messaging/backends): the file backend by default, one JSON line per message under
# SMS_FILE_PATH; production names a gateway, e.g. messaging.backends.unifonic.SmsBackend
# with SMS_BACKEND_OPTIONS='app_sid=…' (README: Messaging).
SMS_BACKEND = env.str("SMS_BACKEND", default="messaging.backends.filebased.SmsBackend")
SMS_BACKEND_OPTIONS = env.dict("SMS_BACKEND_OPTIONS", default={})
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=BASE_DIR / "sms-outbox")
# The gateway's webhooks (messaging/webhooks.py: delivery reports /hooks/sms/delivery/,
# replies /hooks/sms/inbound/): a body signed with HMAC-SHA256 of SMS_WEBHOOK_SECRET
# (header X-Signature: sha256=<hex>), or, for a gateway that cannot sign, the URL with
# /<SMS_WEBHOOK_TOKEN>/ at its end. Both empty: every call is refused (403).
SMS_WEBHOOK_SECRET = env.str("SMS_WEBHOOK_SECRET", default="")
SMS_WEBHOOK_TOKEN = env.str("SMS_WEBHOOK_TOKEN", default="")
# Calls per gateway address (django-ratelimit's "N/m"); past it the gateway gets 429 and
# retries later.
SMS_WEBHOOK_RATE = env.str("SMS_WEBHOOK_RATE", default="3000/m")
# A batch's claim older than this is a worker that died mid-batch: its recipients are marked
# «uncertain», never sent again (messaging.services.run_sending). Longer than any batch.
MESSAGING_STALE_CLAIM_SECONDS = env.int("MESSAGING_STALE_CLAIM_SECONDS", default=600)

# Celery. Without REDIS_URL (the `make run` default) tasks run in-process, eagerly, so the
# demo works with no broker; on_commit enqueueing still waits for the transaction.
REDIS_URL = env.str("REDIS_URL", default="")
# The cache holds the public pages' rate-limit counters: Redis, shared by every process,
# in production; process memory for `make run`.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# django-ratelimit only knows django-redis; Django's own RedisCache increments atomically
# (Redis INCR) too. Without REDIS_URL one runserver process shares its memory cache with
# itself, which is all the rate limits need on a development machine.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + (
    [] if REDIS_URL else ["django_ratelimit.E003"]
)
# Sessions are rows in the database, shared by every web process; with Redis they are read
# from the cache first (written to both), so a request costs no session query and a Redis
# restart logs nobody out.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
# Behind a reverse proxy every visitor arrives from the proxy's address: the rate limits read
# the client's address as the login lock does (AXES_PROXY_COUNT, django-ipware). Setting
# RATELIMIT_IP_META_KEY to a header name (e.g. HTTP_X_REAL_IP) overrides it.
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="core.client_ip.client_ip")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Security. Production (DEBUG off) gets secure cookies, HSTS and an HTTPS redirect; each can
# be relaxed through the environment, e.g. behind a proxy that already redirects.
SESSION_COOKIE_HTTPONLY = True
# A session lasts a working day (9 hours from login by default, not Django's 14 days);
# SESSION_EXPIRE_AT_BROWSER_CLOSE=1 also ends it when the browser closes.
SESSION_COOKIE_AGE = round(env.float("SESSION_HOURS", default=9.0) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from our own
# static files (no inline script, style block or style attribute; JavaScript lives under
# static/js/); data: images for Bootstrap's built-in SVG icons; no framing, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
    }
}
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The container health check calls the app over plain HTTP from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Name of the association, shown in page headers and printed documents.
# The address staff open the site at, for links in emails (reports sent to recipients).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
ASSOCIATION_NAME = env.str("ASSOCIATION_NAME", default="جمعية مراكز الأحياء بمنطقة مكة المكرمة")

# The programmes portfolio is handed over by strategic planning once a year ("annual") or
# every half-year ("half_yearly"); the planning director sees the cycle due on "عملي".
PORTFOLIO_CYCLE_CADENCE = env.str("PORTFOLIO_CYCLE_CADENCE", default="half_yearly")
if PORTFOLIO_CYCLE_CADENCE not in ("annual", "half_yearly"):
    raise ImproperlyConfigured("PORTFOLIO_CYCLE_CADENCE must be annual or half_yearly.")
# How long a visitor who came through a tracked link (/c/<code>) stays attributed to it
# (links.attribution: the first touch, in a signed cookie).
LINK_ATTRIBUTION_DAYS = env.int("LINK_ATTRIBUTION_DAYS", default=30)
# Visits of tracked links counted per visitor address; past it the visitor is still
# redirected, uncounted (django-ratelimit's "N/m" form).
LINK_FOLLOW_RATE = env.str("LINK_FOLLOW_RATE", default="30/m")
# Days after its pledge date when a pledge not covered by donations is proposed to the CRM
# manager as a problem threatening the donor relationship.
PLEDGE_OVERDUE_DAYS = env.int("PLEDGE_OVERDUE_DAYS", default=30)
