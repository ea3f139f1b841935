"""One settings module, fed by environment variables (documented in .env.example).

The defaults give the embedded single-machine run: SQLite under var/, the database task
backend, e-mail printed to the console.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TRYGHED_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The embedded default is meant for one machine; production must set its own key.
SECRET_KEY = os.environ.get("SECRET_KEY", "tryghed-embedded-insecure-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "tryghed.core",
    "tryghed.accounts",
    "tryghed.audit",
    "tryghed.organisation",
    "tryghed.plans",
    "tryghed.servicedesk",
    "tryghed.open311",
    "tryghed.statistics",
    "tryghed.incidents",
    "tryghed.guarantees",
    "tryghed.indicators",
    "tryghed.dashboard",
    "tryghed.citizen_meetings",
    "tryghed.meetings",
    "tryghed.portal",
    "tryghed.demo",
    "tryghed.api",
    # Serves the bundled Swagger UI of the API documentation from our own static files.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads a form's body.
    "tryghed.core.bodylimit.BodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tryghed.urls"
WSGI_APPLICATION = "tryghed.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tryghed" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# SQLite is the embedded default; DATABASE_URL=postgres://… switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tryghed.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids
    # "database is locked" when a read transaction later wants to write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}

# The database cache is shared by every web worker and the background worker, so rate
# limits hold across processes without another service.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tryghed_cache",
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "portal:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "tryghed" / "locale"]
# Day-first dates in English as well; see tryghed/formats.
FORMAT_MODULE_PATH = ["tryghed.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from npm (package-lock.json) and are served from node_modules;
# only the built parts, not their sources.
STATICFILES_DIRS = [
    BASE_DIR / "tryghed" / "static",
    *(
        (f"vendor/dkfds/{part}", BASE_DIR / "node_modules" / "dkfds" / "dist" / part)
        for part in ("css", "fonts", "img", "js")
    ),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    *(
        (f"vendor/{package}", BASE_DIR / "node_modules" / package / "build")
        for package in ("vega", "vega-lite", "vega-embed")
    ),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tryghed@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The SMTP server, for django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# A citizen's receipt is sent while they wait for the answer: a mail server that does not
# answer must not hold the page until the worker is killed.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The district the public front page presents, by its official number.
TRYGHED_DISTRICT = int(os.environ.get("TRYGHED_DISTRICT", "8"))
# The districts whose citizens' requests this deployment receives.
TRYGHED_SERVED_DISTRICTS = [
    int(n) for n in env_list("TRYGHED_SERVED_DISTRICTS", str(TRYGHED_DISTRICT))
]
# Anonymous submissions of citizen requests allowed per client address and form, as
# "count/period" pairs (period in s, m, h or d); every pair must hold.
TRYGHED_SUBMISSION_RATE = env_list("TRYGHED_SUBMISSION_RATE", "5/10m,20/1d")
# The same for forms sent back with errors (a citizen correcting one is not held back by
# the limit above; a flood of them is, by this one).
TRYGHED_REFUSED_SUBMISSION_RATE = env_list("TRYGHED_REFUSED_SUBMISSION_RATE", "30/10m,200/1d")
# Failed logins allowed per client address, and per account, before the login form is
# refused for the rest of the period.
TRYGHED_LOGIN_RATE = env_list("TRYGHED_LOGIN_RATE", "20/10m,100/1d")
# Behind a reverse proxy every client has the proxy's address; only then, and only when the
# proxy sets X-Forwarded-For, may the rate limit read the client from it.
TRYGHED_TRUST_X_FORWARDED_FOR = env_bool("TRYGHED_TRUST_X_FORWARDED_FOR", False)
# Background tiles for the public place picker, e.g. a municipality's own tile server
# ("https://tiles.example.dk/{z}/{x}/{y}.png"); empty draws only the municipality boundaries,
# so the map works offline and tells no third party where citizens look.
TRYGHED_MAP_TILE_URL = os.environ.get("TRYGHED_MAP_TILE_URL", "")
TRYGHED_MAP_TILE_ATTRIBUTION = os.environ.get("TRYGHED_MAP_TILE_ATTRIBUTION", "")
TRYGHED_REFERENCE_DIR = Path(
    os.environ.get("TRYGHED_REFERENCE_DIR", BASE_DIR / "data" / "reference")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
