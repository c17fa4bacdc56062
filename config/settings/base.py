"""Settings for Rätt väg, read from the environment.

RATTVAG_ENV selects the mode:
- "development" (default for manage.py): DEBUG on, SQLite, demo users may skip 2FA.
- "production" (default for wsgi/asgi): refuses to start without SECRET_KEY,
  ALLOWED_HOSTS and DATABASE_URL; secure cookies, HSTS.
- "test": used by the test suite (config.settings.test).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

RATTVAG_ENV = os.environ.get("RATTVAG_ENV", "development")
if RATTVAG_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"RATTVAG_ENV must be development, production or test, not {RATTVAG_ENV!r}")
PRODUCTION = RATTVAG_ENV == "production"
DEBUG = RATTVAG_ENV == "development"


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if PRODUCTION and not value:
        raise ImproperlyConfigured(f"{name} must be set in production (RATTVAG_ENV=production)")
    return value


SECRET_KEY = _required("SECRET_KEY") or "insecure-development-key-never-used-in-production"
ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()] or [
    "127.0.0.1",
    "localhost",
]
DATABASES = {
    "default": dj_database_url.parse(
        _required("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Production keeps each worker's connection for ten minutes: a new PostgreSQL session reads the
        # catalogue for every table it touches, about 30 ms on the worklist's first request. The health
        # check replaces a connection that broke (a database restart). The development server starts a
        # thread per request, which a kept connection would not outlive, so development opens one per request.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer holds the lock; IMMEDIATE avoids
    # "database is locked" upgrades inside transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the statistics' large queries for seconds and saves nothing on this
    # workload (benchmarks: the unit mapping's queries 2.2 s with it, 0.4 s without; docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "rattvag.core",
    "rattvag.accounts",
    "rattvag.audit",
    "rattvag.clients",
    "rattvag.certificates",
    "rattvag.consent",
    "rattvag.meetings",
    "rattvag.plans",
    "rattvag.followup",
    "rattvag.imports",
    "rattvag.stats",
    "rattvag.outcomes",
    "rattvag.retention",
    "rattvag.dsr",
    "rattvag.ops",
    "rattvag.synthetic",
    "django_tasks",
    "django_tasks_db",
    "rattvag.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "ninja",  # serves Swagger UI from its own static files (no CDN)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rattvag.accounts.middleware.SessionRenewalMiddleware",
    "rattvag.core.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rattvag.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rattvag.core.context_processors.navigation",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: lock the username+IP pair after five failures for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Sessions end after 30 minutes without activity: a session in use is renewed at most once a minute
# (rattvag.accounts.middleware.SessionRenewalMiddleware), not written on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False

# Two-factor authentication: demo users may skip it only while DEBUG is on.
OTP_TOTP_ISSUER = "Rätt väg"
RATTVAG_DEMO_MAY_SKIP_2FA = DEBUG

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))

# Content-Security-Policy: no inline scripts or styles, nothing from other origins.
# Enforced in every mode so that development and the browser tests see what production does.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Email (reminders). Development prints mail to the console; production sends through SMTP.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "rattvag@localhost")
# The address links in emails point to (emails never carry personal data, only client ids).
RATTVAG_BASE_URL = os.environ.get("RATTVAG_BASE_URL", "http://127.0.0.1:8000")

# Statistics leaving a unit: counts from 1 to threshold-1 are shown as "<threshold" (never below 3).
RATTVAG_SUPPRESSION_THRESHOLD = int(os.environ.get("RATTVAG_SUPPRESSION_THRESHOLD", "5"))

# Statistics (a unit's mapping, the aggregates, the outcome reports) are kept this many seconds once computed, so
# that a page's dozen charts and a unit's staff share one computation; every page says when its figures were
# computed (rattvag.core.kept_figures). 0 computes them for every request.
RATTVAG_FIGURE_CACHE_SECONDS = int(os.environ.get("RATTVAG_FIGURE_CACHE_SECONDS", "300"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # In files shared by the server's worker processes (a directory only this user may read): a set of figures is
    # computed once per keeping time, not once per worker. They hold counts, never a person.
    "figures": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("RATTVAG_FIGURE_CACHE_DIR", str(BASE_DIR / "var" / "figures")),
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}

# Retention (gallring, SoL 12 kap. 1 §; socialtjänstförordningen 7 kap.): docs/retention.md
RATTVAG_RETENTION_YEARS = int(os.environ.get("RATTVAG_RETENTION_YEARS", "5"))
RATTVAG_RETENTION_RESEARCH_DAYS = (5, 15, 25)
RATTVAG_AUDIT_RETENTION_YEARS = int(os.environ.get("RATTVAG_AUDIT_RETENTION_YEARS", "5"))
# Where `manage.py backup` writes without --output (docs/backup.md)
RATTVAG_BACKUP_DIR = Path(os.environ.get("RATTVAG_BACKUP_DIR", BASE_DIR / "backups"))

# Background jobs (large imports): rows in the database, run by `python manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RATTVAG_IMPORT_MAX_BYTES = 50 * 1024 * 1024  # largest import file accepted
RATTVAG_IMPORT_INLINE_MAX_BYTES = 100 * 1024  # files up to this size are imported during the request

# Office hours for the log review: accesses outside them are flagged.
RATTVAG_OFFICE_HOURS = (7, 18)  # from 07:00 to 18:00 local time, Monday to Friday

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Request logs carry URLs; ours never hold personal data, but keep them quiet.
    "loggers": {"django.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
