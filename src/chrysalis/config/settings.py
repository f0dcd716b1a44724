"""Settings, all driven by the environment.

CHRYSALIS_DATA_DIR   data folder: SQLite database, uploads, indexes (default ./var)
DATABASE_URL         use this database instead of SQLite (e.g. postgres://user@host:5432/db)
CHRYSALIS_SECRET_KEY secret key; generated once into the data folder when unset
CHRYSALIS_DEBUG      1 for debug mode
CHRYSALIS_ALLOWED_HOSTS comma-separated host names (default: localhost names)
CHRYSALIS_TASKS      "db" (default) or "immediate" (tests run tasks inline)
CHRYSALIS_ROUTING_WEEKLY_CAP      questions routed to one person per 7 days (default 5)
CHRYSALIS_ROUTING_ESCALATE_HOURS  hours before an unanswered routed question goes to the next experts (24)
CHRYSALIS_UPLOADS_URL where uploads are stored: unset (the data folder) or s3://bucket/prefix?endpoint=URL&region=R
CHRYSALIS_REDIS_URL  a Redis server for the cache shared by every process (unset: a memory cache per process)
CHRYSALIS_HTTPS      1 behind a TLS proxy: Secure cookies, HSTS, redirect to https
CHRYSALIS_EMAIL_URL  where e-mail goes: smtp://user:pass@host:587?tls=1, smtps://host:465, console:// (default:
                     console, e-mail is printed by the worker and not sent)
CHRYSALIS_EMAIL_FROM sender of e-mail (default "Chrysalis <chrysalis@localhost>")
CHRYSALIS_BASE_URL   absolute address of the site for links in e-mail (default http://127.0.0.1:8000)
CHRYSALIS_DIGEST_HOUR hour of the day (UTC) when daily and weekly (Mondays) digests are due (default 7)
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CHRYSALIS_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("CHRYSALIS_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("CHRYSALIS_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("CHRYSALIS_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "ninja",
    "django_htmx",
    "django_tasks_db",
    "chrysalis.web",
    "chrysalis.people",
    "chrysalis.spaces",
    "chrysalis.posts",
    "chrysalis.feed",
    "chrysalis.search",
    "chrysalis.notifications",
    "chrysalis.qa",
    "chrysalis.integrations",
    "chrysalis.experts",
    "chrysalis.insights",
    "chrysalis.connections",
    "chrysalis.ops",
    "chrysalis.impact",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chrysalis.web.middleware.PagesLoginRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "chrysalis.config.urls"
WSGI_APPLICATION = "chrysalis.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chrysalis.web.context_processors.chrome",
            ],
            "builtins": ["django.templatetags.static"],
        },
    }
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    DATABASES["default"].setdefault("TEST", {})
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "chrysalis.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA mmap_size=268435456; PRAGMA cache_size=-64000;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

if os.environ.get("CHRYSALIS_TESTING") == "1":
    # Tests create many people; a fast hasher keeps the suite quick (never used outside tests).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("CHRYSALIS_TASKS") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "uploads"

# Uploads (attachments, avatars) and the cache, for one machine or several (docs/deploy.md).
# CHRYSALIS_UPLOADS_URL unset: files under the data folder. s3://BUCKET[/PREFIX]?endpoint=URL&region=R:
# an S3-compatible store through django-storages (credentials from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY). Uploads are always served through the access-checked views, never by URL.
# CHRYSALIS_REDIS_URL (redis://host:6379/0): the cache is shared by every process there; unset: each
# process has its own memory cache.
from chrysalis.core.deploy import cache_settings, storage_settings  # noqa: E402

STORAGES = storage_settings(os.environ.get("CHRYSALIS_UPLOADS_URL", ""))
CACHES = cache_settings(os.environ.get("CHRYSALIS_REDIS_URL", ""))

# Uploads: attachments are stored under the data folder and served through an access-checked view.
CHRYSALIS_MAX_ATTACHMENT_BYTES = int(os.environ.get("CHRYSALIS_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))
CHRYSALIS_MAX_POST_CHARS = 20_000
CHRYSALIS_MAX_COMMENT_CHARS = 5_000
# Expertise: proactive routing of questions to experts (chrysalis.experts).
CHRYSALIS_ROUTING_WEEKLY_CAP = int(os.environ.get("CHRYSALIS_ROUTING_WEEKLY_CAP", 5))
CHRYSALIS_ROUTING_ESCALATE_AFTER = timedelta(hours=float(os.environ.get("CHRYSALIS_ROUTING_ESCALATE_HOURS", 24)))
CHRYSALIS_ROUTING_MAX_ROUNDS = 3
CHRYSALIS_EXPERTISE_COMMENTS = True  # comments count as weak expertise evidence

# E-mail (chrysalis.notifications): one URL from the environment, the console when unset.
from chrysalis.notifications.email_url import parse_email_url  # noqa: E402

MAILERS, CHRYSALIS_EMAIL_DESCRIPTION = parse_email_url(os.environ.get("CHRYSALIS_EMAIL_URL", ""))
DEFAULT_FROM_EMAIL = os.environ.get("CHRYSALIS_EMAIL_FROM", "Chrysalis <chrysalis@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CHRYSALIS_BASE_URL = os.environ.get("CHRYSALIS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CHRYSALIS_DIGEST_HOUR = int(os.environ.get("CHRYSALIS_DIGEST_HOUR", 7))

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Behind a TLS-terminating proxy (docs/deploy.md): CHRYSALIS_HTTPS=1 marks cookies Secure, trusts the
# proxy's X-Forwarded-Proto, redirects plain HTTP and sends HSTS (CHRYSALIS_HSTS_SECONDS, default one year).
if os.environ.get("CHRYSALIS_HTTPS") == "1":
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("CHRYSALIS_HSTS_SECONDS", 31_536_000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if h and not h.startswith(".")]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it for the X-CSRFToken header
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CHRYSALIS_LOG_LEVEL", "WARNING")},
}
