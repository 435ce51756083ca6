"""Pizhu settings, read from the environment (and from a local `.env` file, if any).

Production needs at least DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; the
secure-cookie, HSTS and HTTPS-redirect settings default on whenever DEBUG is off.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env", override=False)


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-pizhu-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DATA_DIR = Path(env_str("PIZHU_DATA_DIR", str(BASE_DIR / "data")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "taggit",
    "csp",
    "axes",
    "library",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "library.urls"
WSGI_APPLICATION = "library.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "library.context_processors.accounts",
                "annotations.context_processors.reading",
            ],
        },
    },
]

if database_url := env_str("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            database_url,
            conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "pizhu.sqlite3",
            "OPTIONS": {
                # WAL lets readers go on while an import writes; IMMEDIATE takes the
                # write lock at BEGIN so concurrent writers wait instead of deadlocking.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "library:document-list"
LOGOUT_REDIRECT_URL = "library:document-list"

LANGUAGE_CODE = "en-us"
# Most scraped dates ("2024-12-07 01:33:17") are Beijing time without an offset.
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security: everything on unless DEBUG, each switch overridable for a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Preloading commits the whole domain to HTTPS for months: an explicit choice.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp). Scripts and styles come from our own origin; an
# inline <script> or <style> needs the request's nonce (`{{ request.csp_nonce }}`). The
# reading page shows no remote images (image blocks keep their caption only), so img-src
# stays 'self'. PIZHU_CSP_REPORT_ONLY=1 sends the same policy as report-only, to try a
# change on a live site; PIZHU_CSP_REPORT_URI names where browsers send violations.
CSP_DIRECTIVES = {
    "default-src": [csp.SELF],
    "script-src": [csp.SELF, csp.NONCE],
    "style-src": [csp.SELF, csp.NONCE],
    "img-src": [csp.SELF],
    "object-src": [csp.NONE],
    "base-uri": [csp.NONE],
    "frame-ancestors": [csp.NONE],
    "form-action": [csp.SELF],
}
if csp_report_uri := env_str("PIZHU_CSP_REPORT_URI"):
    CSP_DIRECTIVES["report-uri"] = [csp_report_uri]
if env_bool("PIZHU_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_DIRECTIVES}

# Login throttling (django-axes): after PIZHU_LOGIN_FAILURES failed logins for one
# username from one address, that pair is locked out for PIZHU_LOGIN_COOLOFF_MINUTES;
# a successful login clears the count. Attempts live in the database, so every web
# worker sees them. Applies to /accounts/login/ and the admin's login alike.
AUTHENTICATION_BACKENDS = [
    "library.throttling.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("PIZHU_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PIZHU_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Failed attempts are what the lock needs; a log of every successful login (address,
# browser) would only be personal data to keep safe.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "library.throttling.locked_out"
AXES_CLIENT_IP_CALLABLE = "library.throttling.client_ip"
AXES_VERBOSE = False
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use the
# connection's address). Decides the address that login and sign-up throttling count.
PIZHU_TRUSTED_PROXIES = env_int("PIZHU_TRUSTED_PROXIES", 0)
# Sign-up: at most this many attempts per address per hour (Django's cache; per web
# worker process unless CACHES names a shared cache).
PIZHU_SIGNUPS_PER_HOUR = env_int("PIZHU_SIGNUPS_PER_HOUR", 10)

# Limits on what an import may bring in.
PIZHU_MAX_IMPORT_BYTES = env_int("PIZHU_MAX_IMPORT_BYTES", 10 * 1024 * 1024)

# Called with the document after each new revision (dotted paths; keeps library free of
# imports from the apps that react to revisions).
PIZHU_AFTER_REVISION = ["annotations.models.reanchor_document", "library.indexing.index_document"]
# Called by the reading page with (request, document, revision); each returns extra
# context (the reader's highlights, preferences and display script).
PIZHU_READING_LAYERS = [
    "annotations.reading.layer",
    "library.connections.layer",
    "annotations.connections.layer",
]

# Whether anyone may create an account at /accounts/signup/ (else admins create them).
PIZHU_ALLOW_SIGNUP = env_bool("PIZHU_ALLOW_SIGNUP", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO; lockouts are warnings.
    "loggers": {"axes": {"level": env_str("AXES_LOG_LEVEL", "WARNING")}},
}

# Bulk import (library/importing.py, library/archives.py): background tasks run by
# `manage.py run_worker` from a queue kept in the database (django-tasks).
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# One multipart request: total bytes and number of files (Django's own default is 100).
PIZHU_MAX_UPLOAD_BYTES = env_int("PIZHU_MAX_UPLOAD_BYTES", 512 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("PIZHU_MAX_UPLOAD_FILES", 2000)
FILE_UPLOAD_HANDLERS = [
    "library.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Zip archives: members, bytes once unpacked (all members together) and the largest
# compression ratio a member may have (zip bombs); a member's own cap is
# PIZHU_MAX_IMPORT_BYTES.
PIZHU_ARCHIVE_MAX_MEMBERS = env_int("PIZHU_ARCHIVE_MAX_MEMBERS", 20_000)
PIZHU_ARCHIVE_MAX_BYTES = env_int("PIZHU_ARCHIVE_MAX_BYTES", 2 * 1024 * 1024 * 1024)
PIZHU_ARCHIVE_MAX_RATIO = env_int("PIZHU_ARCHIVE_MAX_RATIO", 100)
# Uploads of up to this many items are imported during the request; larger batches go
# to the worker. A batch whose worker sent no heartbeat for this long is resumed.
PIZHU_IMPORT_INLINE_ITEMS = env_int("PIZHU_IMPORT_INLINE_ITEMS", 20)
PIZHU_IMPORT_STALE_SECONDS = env_int("PIZHU_IMPORT_STALE_SECONDS", 60)
