"""Wagtail admin registrations of the question bank."""

from . import (
    admin_framework,  # noqa: F401  (registers its hooks on import)
    admin_home,  # noqa: F401  (the bank's panel on the admin home page)
    admin_import,  # noqa: F401  (an item import job's progress and report)
    admin_items,  # noqa: F401,E402  (the item bank's pages)
)
