"""Settings for the test suite: fast password hashing, eager Celery unless a broker is given."""

from .base import *  # noqa: F403
from .base import VAR_DIR

VAR_DIR.mkdir(parents=True, exist_ok=True)
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
WAGTAILADMIN_BASE_URL = "http://testserver"

# Tasks run in-process in tests; tests/lms/test_celery_broker.py drives a real worker through the
# broker named by CELERY_BROKER_URL (Redis in CI) separately.
CELERY_TASK_ALWAYS_EAGER = True
if REDIS_URL:  # noqa: F405
    import os as _os

    # xdist workers share one Redis: keep their keys apart.
    CACHES["default"]["KEY_PREFIX"] = "kaushal-test-" + _os.environ.get(  # noqa: F405
        "PYTEST_XDIST_WORKER", "main"
    )

# whitenoise warns about a missing static folder before collectstatic has run
(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405
