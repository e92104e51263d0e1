"""Local development and the demo: DEBUG on unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: E402,F403
from .base import VAR_DIR  # noqa: E402

VAR_DIR.mkdir(parents=True, exist_ok=True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# whitenoise warns about a missing static folder before collectstatic has run
(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405
