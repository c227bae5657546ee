"""Settings shared by every environment; values that differ come from the environment.

The Python configuration lives in ``config/`` because a package called ``site`` would shadow
the standard library's ``site`` module; ``site/`` holds the site-wide templates and static files.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SITE_DIR = BASE_DIR / "site"
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core",
    "home",
    "network",
    "casework",
    "documents",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "import_export",
    "django_q",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Italian unless the person chose English (core.middleware: a choice, not the browser).
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Security (casework.security.middleware): OTP verification state, second factor enforced on the
    # admin and documents, per-path Content-Security-Policy, no-store on personal data.
    "django_otp.middleware.OTPMiddleware",
    "casework.security.middleware.TwoFactorMiddleware",
    "casework.security.middleware.PathCSPMiddleware",
    "casework.security.middleware.NoStoreMiddleware",
    "casework.security.middleware.ScopedSideDoorsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'zeroottanta.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a qcluster worker writes; IMMEDIATE transactions and a
    # busy timeout make writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=20000;"
            "PRAGMA foreign_keys=ON;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "zeroottanta",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache"
            if env_bool("CACHE_IN_DATABASE")
            else "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "zeroottanta-cache",
        }
    }

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
# --- Account security (casework.security.twofactor, SECURITY.md) -----------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Keyed on username + address: an office of one Comune behind one public address does not lock
# out its colleagues when one of them mistypes a password.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "casework.security.axes.lockout_response"
AXES_VERBOSE = False
# Behind TRUSTED_PROXY_COUNT proxies the address is the forwarded one, as for the rate limit of
# the public form; otherwise REMOTE_ADDR.
AXES_CLIENT_IP_CALLABLE = "casework.security.axes.client_ip"
# Two-factor authentication (TOTP, django-otp) for every account that reaches the admin.
ZO_REQUIRE_2FA = env_bool("ZO_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "ZeroOttanta"
# Each failed code doubles the wait before the next attempt (1 s, 2 s, 4 s, ...).
OTP_TOTP_THROTTLE_FACTOR = 1
# Whether ``load_demo`` may run with these settings at all (its accounts have a published
# password). Off unless asked for; the development and test settings turn it on, production
# turns it off whatever the environment says.
ZO_ALLOW_DEMO_DATA = env_bool("ZO_ALLOW_DEMO_DATA", False)
# Keyed hash of tax codes in pseudonymised exports (casework.privacy.services); separate from SECRET_KEY
# so either can be rotated alone.
PSEUDONYMISATION_KEY = os.environ.get("PSEUDONYMISATION_KEY", "")

# --- Content-Security-Policy (django-csp 4; casework.security.middleware.PathCSPMiddleware) ------------
# The public site: no inline script or style at all.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
# The Wagtail admin still writes inline scripts and styles on some edit pages (and previews
# pages in an iframe): inline allowed there, never 'unsafe-eval'.
ZO_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
    }
}
ZO_ADMIN_PATH_PREFIXES = ("/admin/",)
# Responses under these prefixes carry personal data: never stored by a browser or proxy, and
# reached only after the second factor.
ZO_PERSONAL_DATA_PATH_PREFIXES = ("/admin/", "/documents/")
LOGIN_REDIRECT_URL = "wagtailadmin_home"

# Social-services data: a session ends after 30 minutes without activity.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Languages and time ---------------------------------------------------------------------
# Every screen is in Italian whatever the browser asks (no LocaleMiddleware): English only by
# choice, the public site's language switch or a staff member's Wagtail profile.
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
# Wagtail's date pickers read and write these: an Italian types 15/11/2026, and with Wagtail's
# default (%Y-%m-%d) the picker replaced such a date with today's on leaving the field.
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
# Our own formats per language (config/formats): dates shown gg/mm/aaaa and typed the Italian
# way in Italian and in English alike.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("it", "Italiano"), ("en", "English")]
WAGTAIL_I18N_ENABLED = False

# --- Static and media -----------------------------------------------------------------------
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [SITE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Signed scans of the pathway's papers: private, outside MEDIA_ROOT, never served by the media
# URL (casework.cases.signatures: only its scoped, audited download view hands them out).
SIGNED_SCANS_ROOT = Path(os.environ.get("SIGNED_SCANS_ROOT", VAR_DIR / "private" / "scans"))
SIGNED_SCAN_MAX_BYTES = int(os.environ.get("SIGNED_SCAN_MAX_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A mail server that hangs must not hold a web request or a worker for long (seconds).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ZeroOttanta <noreply@zeroottanta.it>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who hears about new registrations from the public form.
STAFF_NOTIFICATION_EMAILS = env_list("STAFF_NOTIFICATION_EMAILS", "pal@zeroottanta.it")
# Public registration of host organisations: a person needs at least this many seconds to fill
# the form; each IP may store this many submissions per window (seconds).
NETWORK_REGISTRATION_MIN_SECONDS = int(os.environ.get("NETWORK_REGISTRATION_MIN_SECONDS", "4"))
NETWORK_REGISTRATION_RATE_LIMIT = int(os.environ.get("NETWORK_REGISTRATION_RATE_LIMIT", "5"))
NETWORK_REGISTRATION_RATE_WINDOW = int(os.environ.get("NETWORK_REGISTRATION_RATE_WINDOW", "3600"))
# Reverse proxies in front of the site: the client's address is then read from X-Forwarded-For
# (the entry that many hops from the right), so the rate limit counts visitors, not the proxy.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Seconds a rendered page of the public directory is reused (changes invalidate it at once).
NETWORK_DIRECTORY_CACHE_SECONDS = int(os.environ.get("NETWORK_DIRECTORY_CACHE_SECONDS", "600"))

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "ZeroOttanta"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "xlsx"]
# The agency named in the pathway's papers (casework.papers).
ZO_AGENCY_NAME = os.environ.get("ZO_AGENCY_NAME", "Agenzia accreditata per i servizi al lavoro")
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Reports hold personal data: always through Django's permission checks, never the media URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: it would send a hash of each staff email to a third party (and
# the admin's Content-Security-Policy blocks it anyway).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# --- django-q2 ------------------------------------------------------------------------------
Q_CLUSTER = {
    "name": "zeroottanta",
    "orm": "default",
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    # A report over a whole programme year takes seconds, not minutes; timeout < retry keeps a
    # slow run from being picked up a second time while the first is still working.
    "timeout": 600,
    "retry": 900,
    "max_attempts": 2,
    "catch_up": False,
    "save_limit": 500,
    "label": "Coda attività",
}

# --- django-import-export -------------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
IMPORT_MAX_UPLOAD_SIZE = int(os.environ.get("IMPORT_MAX_UPLOAD_SIZE", 10 * 1024 * 1024))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 100_000))
# Import and export need their own permissions ("casework.import_referral", ...; see
# casework.permissions.roles), not just "add"/"view".
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# --- Programme rules ------------------------------------------------------------------------
# Years after the last referral or pathway closed before a person is anonymised.
RETENTION_YEARS = int(os.environ.get("RETENTION_YEARS", "5"))
AUDIT_RETENTION_MONTHS = int(os.environ.get("AUDIT_RETENTION_MONTHS", "24"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail 8 runs its background tasks inline and logs each one: noise in a terminal.
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
