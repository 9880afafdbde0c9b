"""Django settings: wiring only. Every knob is a ``NEWSDESK_*`` environment
variable, documented in ``docs/configuration.md`` (a test keeps the two in step).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from newsdesk import conf
from newsdesk.config.logging import logging_config
from newsdesk.embeds.providers import frame_origins
from newsdesk.media import places

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(conf.get_str("DATA_DIR")).resolve()


def _secret_key() -> str:
    """Use NEWSDESK_SECRET_KEY, else a random key kept in the data directory."""
    key = conf.get_str("SECRET_KEY")
    if key:
        return key
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = conf.get_bool("DEBUG")
PRODUCTION = conf.get_bool("PRODUCTION")
ALLOWED_HOSTS = list(conf.value("ALLOWED_HOSTS"))
CSRF_TRUSTED_ORIGINS = list(conf.value("CSRF_TRUSTED_ORIGINS"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "newsdesk.media",
    "newsdesk.newsroom",
    "newsdesk.live",
    "newsdesk.pages",
    "newsdesk.desk",
    "newsdesk.engagement",
    "newsdesk.discovery",
    "newsdesk.api",
    "newsdesk.embeds",
    # Serves the API docs page (Swagger UI) from bundled files, not a CDN.
    "ninja",
    "newsdesk.search",
    # Content-Security-Policy header with per-request nonces.
    "csp",
    # Login throttling: failed sign-ins per username and address, desk and admin alike.
    "axes",
]

MIDDLEWARE = [
    # First, so its duration and status cover every other middleware.
    "newsdesk.config.middleware.RequestLogMiddleware",
    # Outside every other middleware: the database unreachable anywhere inside is a 503.
    "newsdesk.config.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsdesk.config.urls"
ASGI_APPLICATION = "newsdesk.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsdesk.pages.context_processors.site",
            ],
        },
    },
]


# Databases: SQLite (WAL) in the data directory unless NEWSDESK_DATABASE_URL is set.
_database_url = conf.get_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=0)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "newsdesk.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # How long a write waits for another writer's lock before "database is locked"
    # (a 503 for the request, newsdesk.config.middleware).
    _busy_timeout = conf.get_float("SQLITE_BUSY_TIMEOUT")
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a write transaction takes the write lock at BEGIN, so two
        # writers never deadlock upgrading a read lock ("database is locked");
        # WAL lets readers go on while one writer writes.
        "transaction_mode": "IMMEDIATE",
        "timeout": _busy_timeout,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            f"PRAGMA busy_timeout={round(_busy_timeout * 1000)};"
        ),
    }
if conf.get_str("TEST_DATABASE_NAME"):
    DATABASES["default"].setdefault("TEST", {})["NAME"] = conf.get_str("TEST_DATABASE_NAME")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: five failed sign-ins for one username from one address lock that
# pair out for fifteen minutes (https://django-axes.readthedocs.io/en/latest/4_configuration.html).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsdesk.config.security.lockout_response"
# The access log would add a row per successful sign-in; failures are what matters.
AXES_DISABLE_ACCESS_LOG = True
# The one rule for whom to believe about a client's address (NEWSDESK_PROXY_HOPS).
AXES_CLIENT_IP_CALLABLE = "newsdesk.proxies.client_ip_or_none"
LOGIN_URL = "desk:login"
LOGIN_REDIRECT_URL = "desk:story_list"
LOGOUT_REDIRECT_URL = "desk:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = conf.get_str("TIME_ZONE")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves from the finders until `collectstatic` fills this; it warns
# (and the test suite turns warnings into errors) when the directory is absent.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Photo renditions (newsdesk/media): content-addressed names, so a file is never
# replaced by different bytes and overwriting one is harmless.
MEDIA_ROOT = Path(conf.get("MEDIA_ROOT") or DATA_DIR / "media").resolve()
MEDIA_URL = conf.get("MEDIA_URL").strip() or "/media/"
if not MEDIA_URL.endswith("/"):
    MEDIA_URL += "/"
if conf.get("MEDIA_S3_BUCKET").strip():
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": conf.get("MEDIA_S3_BUCKET").strip(),
            "endpoint_url": conf.get("MEDIA_S3_ENDPOINT_URL").strip() or None,
            "region_name": conf.get("MEDIA_S3_REGION").strip() or None,
            "access_key": conf.get("MEDIA_S3_ACCESS_KEY_ID").strip() or None,
            "secret_key": conf.get("MEDIA_S3_SECRET_ACCESS_KEY").strip() or None,
            "location": conf.get("MEDIA_S3_PREFIX").strip().strip("/"),
            "file_overwrite": True,
            # Public, immutable URLs: no signatures that expire, cached for a year.
            "querystring_auth": False,
            "custom_domain": places.custom_domain(MEDIA_URL),
            "url_protocol": places.url_protocol(MEDIA_URL),
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            "default_acl": conf.get("MEDIA_S3_ACL").strip() or None,
        },
    }
else:
    _media_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(MEDIA_ROOT),
            "base_url": MEDIA_URL,
            "allow_overwrite": True,
            "file_permissions_mode": 0o644,
        },
    }
STORAGES = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

_redis_url = conf.get_str("REDIS_URL")
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": "newsdesk",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Read dedupe windows and rate limits (engagement): many small keys that must not
# be culled along with cached pages.
CACHES["counters"] = (
    {**CACHES["default"], "KEY_PREFIX": "newsdesk-counters"}
    if _redis_url
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "counters",
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
)

# Brokers follow Django's CACHES shape: a dict with a "default" entry.
NEWSDESK_BROKERS = {
    "default": {
        "BACKEND": (
            "newsdesk.live.brokers.redis.RedisBroker"
            if _redis_url
            else "newsdesk.live.brokers.memory.MemoryBroker"
        ),
        "LOCATION": _redis_url,
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"


def _media_image_origins() -> list[str]:
    return places.image_origins(
        media_url=MEDIA_URL,
        bucket=conf.get("MEDIA_S3_BUCKET").strip(),
        endpoint_url=conf.get("MEDIA_S3_ENDPOINT_URL").strip(),
        region=conf.get("MEDIA_S3_REGION").strip(),
    )


def _embed_frame_origins() -> list[str]:
    return frame_origins(mastodon_hosts=conf.value("EMBED_MASTODON_HOSTS"))


# A strict policy: scripts and styles only from this site's static files (script
# elements may also carry the request's nonce); frames only from the embed
# providers (newsdesk/embeds/providers.py), loaded when a reader asks for one;
# nothing may frame a page except the embed view, which replaces
# frame-ancestors (newsdesk/pages/embed.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Pictures from this site and its media storage only (photos and the embed
        # thumbnails re-hosted through it): nothing in a page can load an image
        # from elsewhere, so no tracking pixel. data: costs no request.
        "img-src": [SELF, "data:", *_media_image_origins()],
        "connect-src": [SELF],
        "font-src": [SELF],
        "frame-src": _embed_frame_origins(),
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = conf.get_bool("SSL_REDIRECT")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = conf.get_bool("HSTS_PRELOAD")
if PRODUCTION or conf.get_int("PROXY_HOPS") > 0:
    # The proxy in front terminates TLS and says so; without it, the SSL redirect
    # would send every request round again.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# One handler on the root logger, text or JSON lines (newsdesk/config/logging.py);
# uvicorn is given the same configuration.
LOGGING = logging_config()
