"""Where a finished attempt's grade goes, as the results page needs to know it: adaptive sends
grades by task name and never imports lti, so the LTI app registers a provider here at start-up
(``grade_links_provider_register``) that answers for the LMS links of attempts and sends again.
Without a provider (no LTI app) no attempt has an LMS link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .models import Attempt

__all__ = [
    "GradeLink",
    "GradeLinksProvider",
    "grade_links",
    "grade_links_provider_register",
    "grade_send_again",
]


@dataclass(frozen=True)
class GradeLink:
    """One LMS grade column an attempt's grade goes to, and what happened to it."""

    where: str  # e.g. "Moodle demo: Theory assessment"
    status: str  # "not sent yet", "pending", "sending", "sent", "failed"
    error: str = ""
    queued_now: bool = False  # this "send again" queued it (else it was left as it was)


class GradeLinksProvider(Protocol):
    def links(self, attempts: list[Attempt]) -> dict[int, list[GradeLink]]: ...

    def send_again(self, attempt: Attempt) -> list[GradeLink]: ...


_provider: GradeLinksProvider | None = None


def grade_links_provider_register(provider: GradeLinksProvider) -> None:
    global _provider  # noqa: PLW0603 - one process-wide provider, set once at start-up
    _provider = provider


def grade_links(attempts: list[Attempt]) -> dict[int, list[GradeLink]]:
    """Per attempt pk, its LMS grade links; attempts without one are absent."""
    if _provider is None or not attempts:
        return {}
    return _provider.links(attempts)


def grade_send_again(attempt: Attempt) -> list[GradeLink]:
    """Send a finished attempt's grade again to each LMS link; returns what happened."""
    if _provider is None:
        return []
    return _provider.send_again(attempt)
