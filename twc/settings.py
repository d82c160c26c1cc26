"""Settings for one deployment (one network), configured by environment variables.

Safe by default: without DJANGO_DEBUG=1 this is production mode, which needs a
SECRET_KEY and serves only over HTTPS. `manage.py dev` sets what development needs.
"""

import base64
import hashlib
import os
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key"
    else:
        raise ImproperlyConfigured("Set SECRET_KEY (or DJANGO_DEBUG=1 for development).")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The network this deployment serves: its name and texts are configuration.
NETWORK_NAME = os.environ.get("NETWORK_NAME", "Tech Workers Coalition")
NETWORK_SHORT_NAME = os.environ.get("NETWORK_SHORT_NAME", "TWC")

# Federation with allied networks (federation/): the Ed25519 key our chapter feed is signed
# with (32 bytes, base64url; derived from SECRET_KEY when unset), and the limits a peer's
# feed is fetched under.
FEDERATION_SIGNING_KEY = os.environ.get("FEDERATION_SIGNING_KEY", "")
FEDERATION_TIMEOUT = float(os.environ.get("FEDERATION_TIMEOUT", "10"))
FEDERATION_SYNC_SECONDS = float(os.environ.get("FEDERATION_SYNC_SECONDS", "60"))
FEDERATION_MAX_FEED_BYTES = int(os.environ.get("FEDERATION_MAX_FEED_BYTES", str(4 * 1024 * 1024)))
FEDERATION_SYNC_INTERVAL = int(os.environ.get("FEDERATION_SYNC_INTERVAL", "900"))
# Peers are reached over HTTPS only; plain HTTP is for development and tests.
FEDERATION_ALLOW_HTTP = os.environ.get("FEDERATION_ALLOW_HTTP", "1" if DEBUG else "0") == "1"
# The public address of this deployment, for links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "https://example.org").rstrip("/")
NETWORK_CONTACT_EMAIL = os.environ.get("NETWORK_CONTACT_EMAIL", "hello@example.org")
# Optional online map tiles; without them the map uses the vendored world outline.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

INSTALLED_APPS = [
    "members.apps.NetworkAdminConfig",  # Django's admin, asking members/permissions.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    # core before django_tasks_db: its `db_worker` (heartbeat, recovery, outages) wins.
    "core",
    "django_tasks_db",
    # The apps in their layers, lower first: the demo loader and the privacy registry
    # (core.demo, core.personal_data) visit them in this order.
    "chapters",
    "members",
    "onboarding",
    "cdp",
    "federation",
    "outreach",
    "network",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "twc.middleware.CrossOriginPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a cookie, the path or a form: NUL bytes are a 400 (twc/middleware.py).
    "twc.middleware.RefuseNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Second factor and organizer roles from the session, checked against the person's
    # roles version (members/roles.py): two queries fewer on every signed-in page.
    "members.middleware.KeepRolesInSessionMiddleware",
    "twc.middleware.PrivatePagesNoStoreMiddleware",
    "twc.i18n.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "twc.middleware.ShortSessionsForSecondFactorMiddleware",
    "members.middleware.RequireMfaForRolesMiddleware",
]

ROOT_URLCONF = "twc.urls"
WSGI_APPLICATION = "twc.wsgi.application"
ASGI_APPLICATION = "twc.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "twc.context_processors.network",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Behind PgBouncer in transaction pooling mode, a connection's session state does not outlive
# its transaction: no server-side cursors (`.iterator()` would lose its cursor between
# fetches). Django's psycopg 3 backend already prepares no statements (prepare_threshold
# None), which PgBouncer before 1.21 requires. See docs/operations.md, multi-server.
if env_bool("DATABASE_TRANSACTION_POOLING", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # A shared cache: allauth's rate limits must hold across worker processes.
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "twc_cache",
    },
    # Rendered public pages, shared by every worker (core.pagecache): kept with the versions
    # of the data they show, so never stale. A table of its own, so that culling it never
    # drops a rate limit.
    "pages": {
        "BACKEND": "core.pagecache.DatabasePageCache",
        "LOCATION": "twc_pagecache",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
    # ... and in front of it, the pages each worker served lately, in its memory.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "twc-fragments",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
# How many reverse proxies append to X-Forwarded-For in front of the app (nginx with
# $proxy_add_x_forwarded_for: 1). allauth's rate limits and ours read the client address
# from it; with 0 they read REMOTE_ADDR, which behind a proxy is the proxy for everyone.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Emails the app sends to an address nobody has confirmed yet: (how many, per seconds) for
# each recipient address, client address and account (core/ratelimit.py, in the shared
# cache). Over a limit the email is silently not sent; the page looks the same.
RATE_LIMITS = {
    "signup_email_address": (3, 3600),
    "signup_email_client": (20, 3600),
    "invitation_address": (3, 86400),
    "invitation_client": (40, 86400),
    "invitation_account": (20, 86400),
}
# How long a worker trusts the data versions it read: anonymous visitors see a change to a
# public page at most this many seconds late (signed-in people at once, never cached).
PAGECACHE_VERSION_SECONDS = float(os.environ.get("PAGECACHE_VERSION_SECONDS", "1"))

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Workers write a heartbeat every few seconds; a RUNNING task whose worker has not been seen
# for TASK_WORKER_TIMEOUT_SECONDS goes back to READY (core/workers.py), a task of a worker
# that never wrote one after TASKS_STUCK_AFTER_SECONDS; after TASK_MAX_ATTEMPTS claims a task
# is given up (FAILED).
TASK_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("TASK_WORKER_HEARTBEAT_SECONDS", "5"))
TASK_WORKER_TIMEOUT_SECONDS = float(os.environ.get("TASK_WORKER_TIMEOUT_SECONDS", "30"))
TASKS_STUCK_AFTER_SECONDS = float(os.environ.get("TASKS_STUCK_AFTER_SECONDS", "900"))
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "5"))

# Outreach: announcements an organizer may send per chapter and day (Global admins' network-wide
# announcements count against the network's own limit).
OUTREACH_DAILY_ANNOUNCEMENTS = int(os.environ.get("OUTREACH_DAILY_ANNOUNCEMENTS", "3"))
# Follow and watch requests: per client address per hour, per recipient address per day.
OUTREACH_FOLLOWS_PER_ADDRESS_HOUR = int(os.environ.get("OUTREACH_FOLLOWS_PER_ADDRESS_HOUR", "10"))
OUTREACH_FOLLOWS_PER_RECIPIENT_DAY = int(os.environ.get("OUTREACH_FOLLOWS_PER_RECIPIENT_DAY", "3"))
# `migrate` queues the periodic jobs (core/periodic.py); the test suite queues its own.
PERIODIC_JOBS_ON_MIGRATE = os.environ.get("PERIODIC_JOBS_ON_MIGRATE", "1") == "1"

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:me"

# django-allauth: the email address is the identity; no usernames, no required password.
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{NETWORK_SHORT_NAME}] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# TOTP keys and recovery-code seeds are stored encrypted (members/adapters.py): Fernet keys,
# comma-separated, newest first (the first encrypts, all decrypt). docs/operations.md says
# how to make one and how to rotate it.
MFA_ADAPTER = "members.adapters.MFAAdapter"
MFA_ENCRYPTION_KEYS = env_list("MFA_ENCRYPTION_KEY")
if not MFA_ENCRYPTION_KEYS:
    if DEBUG:
        # Development only: a key derived from the (development) secret key.
        MFA_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(
            hashlib.sha256(f"mfa-encryption:{SECRET_KEY}".encode()).digest()).decode()]
    else:
        raise ImproperlyConfigured(
            "Set MFA_ENCRYPTION_KEY (see docs/operations.md), or DJANGO_DEBUG=1 for development.")
for _key in MFA_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError as _error:
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEY: each key must be 32 url-safe base64-encoded bytes "
            "(make one with Fernet.generate_key()).") from _error
MFA_TOTP_ISSUER = NETWORK_NAME
USERSESSIONS_TRACK_ACTIVITY = False

# Sessions end: two weeks at most (shorter with DJANGO_SESSION_COOKIE_AGE); anyone can end
# their other sessions at /accounts/sessions/.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_COOKIE_AGE", str(14 * 24 * 3600)))
# Database sessions (the same table and rows), read by key without building a query
# (core/sessions.py).
SESSION_ENGINE = "core.sessions"
# People with a second factor (organizers, coaches, Global admins see members' data) sign in
# again after this many seconds without a change to their session.
ELEVATED_SESSION_AGE = int(os.environ.get("DJANGO_ELEVATED_SESSION_AGE", str(12 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("it", _("Italian")),
    ("de", _("German")),
    ("fr", _("French")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher's choice, remembered for a year; a signed-in person's choice is also saved
# on their profile (twc/i18n.py). Compiled catalogs (.mo) are committed: see README.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or not env_bool("DJANGO_STATIC_MANIFEST", True)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
# Serving straight from the app directories (development, tests) means nothing has been
# collected: whitenoise then looks files up per request instead of scanning STATIC_ROOT at
# start-up. Production serves only collected files, so a missing STATIC_ROOT still warns there.
WHITENOISE_AUTOREFRESH = DEBUG or WHITENOISE_USE_FINDERS
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Email: the console in development, SMTP from the environment in production.
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    }
}
if os.environ.get("EMAIL_FILE_PATH"):
    # Django's file backend (one file per message), for checks that read what was sent
    # (bench/fleet.py, the worker tests).
    MAILERS["default"]["OPTIONS"] = {"file_path": os.environ["EMAIL_FILE_PATH"]}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "587")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{NETWORK_NAME} <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production (DEBUG off) assumes HTTPS behind a proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
if not DEBUG:
    # __Host- cookies are bound to this exact host over HTTPS: no subdomain can set or read them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = 0 if DEBUG else 63_072_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"] + ([MAP_TILE_URL.split("/{")[0]] if MAP_TILE_URL else []),
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "manifest-src": [CSP.SELF],
    "upgrade-insecure-requests": not DEBUG,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
    },
}
