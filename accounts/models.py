"""People. One user model for every role; what a person may do comes from their groups (roles)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A learner, trainer, curator, editor, assessor or administrator.

    ``full_name`` holds the name as an LMS sends it (one string), which is how Indian names are
    usually written; ``first_name``/``last_name`` stay for Django's admin.
    """

    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        blank=True,
        choices=[("en", "English"), ("hi", "हिन्दी")],
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        """The LMS's one-string name first: Wagtail's admin shows people by this (page history,
        workflow, item authors), so they appear by name rather than by username."""
        return self.full_name or super().get_full_name()

    def __str__(self) -> str:
        return self.get_full_name() or self.username
