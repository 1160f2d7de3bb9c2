"""Newsdesk settings: one module, every deployment choice read from the environment.

DEBUG is off unless NEWSDESK_DEBUG=1. SQLite by default; DATABASE_URL selects PostgreSQL.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("NEWSDESK_DEBUG")
SECRET_KEY = os.environ.get("NEWSDESK_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("NEWSDESK_ALLOW_INSECURE_KEY"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "Set NEWSDESK_SECRET_KEY (or NEWSDESK_DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("NEWSDESK_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("NEWSDESK_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "newsdesk.apps.AdminConfig",  # django.contrib.admin, every list's search bounded
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "csp",
    "axes",
    # The body editor's build of ProseMirror (Tiptap), as static files (articles/editing.py).
    "django_prose_editor",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # An ETag for every page that may be cached, and 304 for a browser that has it already.
    "django.middleware.http.ConditionalGetMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "newsdesk.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers keep reading while an import writes; IMMEDIATE transactions and a
    # busy timeout make concurrent writers wait instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it counts failed logins and turns away a locked-out user.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("NEWSDESK_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("NEWSDESK_STATIC_ROOT", BASE_DIR / "staticfiles"))

MEDIA_URL = os.environ.get("NEWSDESK_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("NEWSDESK_MEDIA_ROOT", BASE_DIR / "media"))

# Uploaded and imported images go through STORAGES["default"]: the local disk unless
# NEWSDESK_MEDIA_STORAGE names another backend, "s3" (django-storages, `pip install
# newsdesk[s3]`, settings from AWS_* variables) or any storage class by dotted path, with
# NEWSDESK_MEDIA_STORAGE_OPTIONS as a JSON object of its options.
MEDIA_STORAGE_BACKENDS = {
    "filesystem": "django.core.files.storage.FileSystemStorage",
    "s3": "storages.backends.s3.S3Storage",
}
MEDIA_STORAGE = os.environ.get("NEWSDESK_MEDIA_STORAGE", "filesystem")
MEDIA_STORAGE_OPTIONS = json.loads(os.environ.get("NEWSDESK_MEDIA_STORAGE_OPTIONS") or "{}")
if MEDIA_STORAGE == "s3":
    S3_FROM_ENV = {
        "bucket_name": "AWS_STORAGE_BUCKET_NAME",
        "endpoint_url": "AWS_S3_ENDPOINT_URL",
        "region_name": "AWS_S3_REGION_NAME",
        "custom_domain": "AWS_S3_CUSTOM_DOMAIN",
        "location": "AWS_LOCATION",
    }
    MEDIA_STORAGE_OPTIONS = {
        # Public images by plain URL; never overwrite a file that has the same name.
        "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH"),
        "file_overwrite": False,
        **{option: os.environ[name] for option, name in S3_FROM_ENV.items() if name in os.environ},
        **MEDIA_STORAGE_OPTIONS,
    }

# Static files are served by WhiteNoise from STATIC_ROOT (`manage.py collectstatic`), with
# hashed, compressed names that browsers may cache for ever. NEWSDESK_STATIC_MANIFEST=0 (the
# default with NEWSDESK_DEBUG=1, and in tests) serves them straight from the source folders.
STATIC_MANIFEST = env_bool("NEWSDESK_STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {
        "BACKEND": MEDIA_STORAGE_BACKENDS.get(MEDIA_STORAGE, MEDIA_STORAGE),
        "OPTIONS": MEDIA_STORAGE_OPTIONS,
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST

# -- HTTPS and security headers ---------------------------------------------------------------
# Behind a proxy that ends TLS, NEWSDESK_PROXY_SSL_HEADER names the header it sets
# (X-Forwarded-Proto) so that Django knows the request came over https; never set it
# when clients can reach Django without that proxy.
if PROXY_SSL_HEADER := os.environ.get("NEWSDESK_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = env_bool("NEWSDESK_SSL_REDIRECT")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("NEWSDESK_SECURE_COOKIES", not DEBUG)
# HSTS goes out on https responses only; turning off subdomains or preload is a deliberate
# choice, so the deploy check's warning about it is silenced then.
SECURE_HSTS_SECONDS = int(os.environ.get("NEWSDESK_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("NEWSDESK_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("NEWSDESK_HSTS_PRELOAD", True)
SILENCED_SYSTEM_CHECKS = [
    check
    for check, chosen in [
        ("security.W005", not SECURE_HSTS_INCLUDE_SUBDOMAINS),
        ("security.W021", not SECURE_HSTS_PRELOAD),
    ]
    if chosen and SECURE_HSTS_SECONDS
]
SECURE_CONTENT_TYPE_NOSNIFF = True
# Sources see that a reader came from the newsroom, not from which page.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere, the admin included (django-csp). Images may come from
# any https address: a story whose image was not downloaded shows it from the original URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "https:", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
    }
}

# -- Admin login throttling (django-axes) -----------------------------------------------------
# Five failed logins for one username from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("NEWSDESK_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("NEWSDESK_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsdesk.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "newsdesk.security.client_ip"
# How many proxies of our own stand in front of Django and append to X-Forwarded-For
# (0: REMOTE_ADDR is the client).
NEWSDESK_TRUSTED_PROXIES = int(os.environ.get("NEWSDESK_TRUSTED_PROXIES", "0"))

TAGGIT_CASE_INSENSITIVE = True

# Local memory by default (one copy per process). REDIS_URL (redis://host:port/db) selects a
# Redis shared by every process and app server, so each page is rendered once for all. Either
# way, an editor's change reaches every process at once (the page generation, articles/cache.py).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "newsdesk",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsdesk",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# How long anonymous readers may be served a cached page; 0 turns the page cache off.
# Edits and imports reach readers at once (articles/cache.py), so this only bounds memory.
NEWSDESK_PAGE_CACHE_SECONDS = int(os.environ.get("NEWSDESK_PAGE_CACHE_SECONDS", "600"))
# HTTP caching of public pages by a shared cache or CDN (Cache-Control s-maxage and
# stale-while-revalidate): how long a published change may take to reach readers through one.
NEWSDESK_SHARED_CACHE_SECONDS = int(os.environ.get("NEWSDESK_SHARED_CACHE_SECONDS", "10"))
NEWSDESK_STALE_WHILE_REVALIDATE_SECONDS = int(
    os.environ.get("NEWSDESK_STALE_WHILE_REVALIDATE_SECONDS", "60")
)

# The class that keeps the search index: by default in the database (SQLite FTS5 or
# PostgreSQL full-text search, articles/search_backends.py); another engine is another class.
SEARCH_BACKEND = os.environ.get(
    "NEWSDESK_SEARCH_BACKEND", "articles.search_backends.DatabaseBackend"
)
# A search counts its matches up to this many and ranks this many by relevance (the newest,
# when a word is in more stories); the older matches follow, newest first.
SEARCH_RANKED_MATCHES = 1000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NEWSDESK_LOG_LEVEL", "WARNING")},
}

# The importer's limits on downloaded images. The timeout is one deadline for the whole
# download of an image (connection, redirects and body), not for each read.
NEWSDESK_IMAGE_TIMEOUT = float(os.environ.get("NEWSDESK_IMAGE_TIMEOUT", "5"))
NEWSDESK_IMAGE_MAX_BYTES = int(os.environ.get("NEWSDESK_IMAGE_MAX_BYTES", str(15 * 1024 * 1024)))
NEWSDESK_IMAGE_MAX_PIXELS = int(os.environ.get("NEWSDESK_IMAGE_MAX_PIXELS", str(40_000_000)))
