"""Short answer: several accepted answers (the options: text in each translation, a fraction),
matched in order as Moodle does; ``*`` in an answer matches any characters; case matters only
when ``type_data["case_sensitive"]``. The answers are the key: they are never shown to learners
(``learner_view`` has no options), so a short answer never becomes a choice question.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from .base import ItemTypeSpec


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def answer_matches(pattern: str, response: str, *, case_sensitive: bool) -> bool:
    """Moodle's rule: ``*`` is a wildcard, everything else literal; surrounding space ignored."""
    regex = ".*".join(re.escape(part) for part in _normalise(pattern).split("*"))
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.fullmatch(regex, _normalise(response), flags | re.DOTALL) is not None


class ShortAnswer(ItemTypeSpec):
    name = "short_answer"

    def validate(self, content):
        problems = []
        if not content.options:
            problems.append("a short-answer item needs at least one accepted answer")
        if not any(Decimal(f) == 1 for _, f in content.options):
            problems.append("a short-answer item needs an answer worth 100%")
        if any(not 0 <= Decimal(f) <= 1 for _, f in content.options):
            problems.append("short answers' fractions lie between 0 and 1")
        return problems

    def score(self, content, response):
        from ..html import html_to_text

        text = "" if response is None else str(response)
        t = content.translations.get("en") or next(iter(content.translations.values()))
        case = bool(content.type_data.get("case_sensitive"))
        for key, fraction in content.options:
            if answer_matches(html_to_text(t.options[key].html), text, case_sensitive=case):
                return Decimal(fraction)
        return Decimal(0)
