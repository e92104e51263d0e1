"""Wagtail admin registrations of the adaptive app."""

from . import admin_assessments, admin_calibration, admin_marking  # noqa: F401  (register their hooks on import)
