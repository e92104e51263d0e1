"""Wagtail admin registrations of the adaptive app."""

from . import admin_assessments, admin_calibration  # noqa: F401  (register their hooks on import)
