"""Wagtail admin registrations of the adaptive app."""

from . import admin_calibration  # noqa: F401  (registers its hooks on import)
