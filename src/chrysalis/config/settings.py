"""Settings, all driven by the environment.

CHRYSALIS_DATA_DIR   data folder: SQLite database, uploads, indexes (default ./var)
DATABASE_URL         use this database instead of SQLite (e.g. postgres://user@host:5432/db)
CHRYSALIS_SECRET_KEY secret key; generated once into the data folder when unset
CHRYSALIS_DEBUG      1 for debug mode
CHRYSALIS_ALLOWED_HOSTS comma-separated host names (default: localhost names)
CHRYSALIS_TASKS      "db" (default) or "immediate" (tests run tasks inline)
CHRYSALIS_ROUTING_WEEKLY_CAP      questions routed to one person per 7 days (default 5)
CHRYSALIS_ROUTING_ESCALATE_HOURS  hours before an unanswered routed question goes to the next experts (24)
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
    "chrysalis.ops",
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

# Uploads: attachments are stored under the data folder and served through an access-checked view.
CHRYSALIS_MAX_ATTACHMENT_BYTES = int(os.environ.get("CHRYSALIS_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))
CHRYSALIS_MAX_POST_CHARS = 20_000
CHRYSALIS_MAX_COMMENT_CHARS = 5_000
# Expertise: proactive routing of questions to experts (chrysalis.experts).
CHRYSALIS_ROUTING_WEEKLY_CAP = int(os.environ.get("CHRYSALIS_ROUTING_WEEKLY_CAP", 5))
CHRYSALIS_ROUTING_ESCALATE_AFTER = timedelta(hours=float(os.environ.get("CHRYSALIS_ROUTING_ESCALATE_HOURS", 24)))
CHRYSALIS_ROUTING_MAX_ROUNDS = 3
CHRYSALIS_EXPERTISE_COMMENTS = True  # comments count as weak expertise evidence

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

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
