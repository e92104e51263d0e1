"""Settings shared by every environment.

Configuration comes from the environment: ``DATABASE_URL`` (default: a SQLite file under
``var/``), ``CELERY_BROKER_URL`` (absent: Celery tasks run in-process, eagerly), ``REDIS_URL``
(cache; absent: local memory), ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DEBUG``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("KAUSHAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-dev-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "lms.views.csrf_failure"  # our own page, in the visitor's language

INSTALLED_APPS = [
    # project apps first so that their templates override Wagtail's where needed
    "accounts",
    "question_bank",
    "adaptive",
    "content",
    "lti",
    "lms",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    # Django
    "accounts.admin_site.AdministratorsAdminConfig",  # django.contrib.admin, admins only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # a signed-in person's chosen (or LMS-launched) language over the cookie/browser's
    "accounts.languages.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # frame-ancestors for the registered LMS platforms; must come before XFrameOptionsMiddleware
    "lti.framing.PlatformFramingMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # a launched page without our (blocked third-party) cookie offers its own window instead
    "lti.framing.LaunchWindowMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"
ASGI_APPLICATION = "lms.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",  # LANGUAGE_CODE for <html lang>
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kaushal.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
# A persistent connection is checked before a request reuses it: after a database restart or
# failover the first request of each web thread gets a new connection instead of failing on
# the dead one (one cheap round trip per request, only when the connection is reused).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite needs a generous lock timeout when Celery runs eagerly inside the web process.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/dashboard/"  # every role lands on its own work

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hi", "हिन्दी")]
WAGTAIL_I18N_ENABLED = True
# Pages created in one language get aliases in the others (Hindi learners see the English page
# until it is translated, never a 404); content.services does the same for pages it creates.
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Cache: Redis when REDIS_URL is set (shared by every web and worker process), else local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kaushal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions are read from the cache (Redis in production) and written through to the database:
# every request reads its session, and the answer step then costs no session query; a session
# evicted from the cache, or a cache that is down, falls back to the database row (lms.sessions).
SESSION_ENGINE = "lms.sessions"

# Celery: with no broker configured, tasks run in-process so the demo needs nothing installed.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Task modules outside the apps' tasks.py (autodiscovered) that workers must import.
CELERY_IMPORTS = ("adaptive.calibration",)
# Periodic jobs for `celery -A lms beat` (exactly one beat process per deployment).
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "recalibrate-grown-banks": {
        "task": "adaptive.recalibration_due_start",
        "schedule": 6 * 60 * 60,  # every six hours; a run starts only if responses grew enough
    },
    # A time limit is enforced even when the candidate's browser is gone.
    "close-overdue-attempts": {"task": "adaptive.attempts_close_overdue", "schedule": 60},
    "item-statistics": {"task": "adaptive.item_statistics_compute_all", "schedule": 60 * 60},
    "lti-roster-sync": {"task": "lti.tasks.roster_sync_all", "schedule": 6 * 60 * 60},
    "lti-retire-keys": {"task": "lti.tasks.tool_keys_retire", "schedule": 24 * 60 * 60},
    # The grade outbox: re-enqueue grades whose task a dead worker or broker lost.
    "lti-score-posts-requeue": {"task": "lti.tasks.score_posts_requeue", "schedule": 5 * 60},
}

WAGTAIL_SITE_NAME = "Kaushal"
# No Gravatar: the admin would ask gravatar.com for every user's picture (a third-party request
# with a hash of the e-mail, and a broken image offline); Wagtail shows its own default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "pptx", "txt", "xlsx", "zip", "xml"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail's background tasks log every page save at INFO: too chatty for the console.
        "django_tasks": {"level": "WARNING"},
    },
}
