"""Wagtail admin registrations of the question bank."""

from . import admin_framework  # noqa: F401  (registers its hooks on import)
