"""Short answer: several accepted answers (the options: text in each translation, a fraction),
matched in order as Moodle does; ``*`` in an answer matches any characters; case matters only
when ``type_data["case_sensitive"]``. The answers are the key: they are never shown to learners
(``learner_view`` has no options), so a short answer never becomes a choice question.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from .base import ItemTypeSpec, form_value


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def answer_matches(pattern: str, response: str, *, case_sensitive: bool) -> bool:
    """Moodle's rule (qtype_shortanswer::compare_string_with_wildcard): a run of ``*`` matches
    any characters, ``\\*`` is a literal asterisk, everything else is literal; surrounding
    space is ignored (and, here, runs of spaces count as one)."""
    bits = re.split(r"(?<!\\)\*+", _normalise(pattern))
    regex = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.fullmatch(regex, _normalise(response), flags | re.DOTALL) is not None


class ShortAnswer(ItemTypeSpec):
    name = "short_answer"
    export_writers = {"qti": "short_answer", "moodle": "short_answer", "gift": "short_answer"}
    deliverable = True
    widget = "short_answer"

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
        """The first accepted answer that matches, in the author's order (Moodle's rule), in
        any of the item's languages: a Hindi candidate may answer in Hindi or in English."""
        from ..html import html_to_text

        text = "" if response is None else str(response)
        case = bool(content.type_data.get("case_sensitive"))
        for key, fraction in content.options:
            for t in content.translations.values():
                option = t.options.get(key)
                if option is not None and answer_matches(
                    html_to_text(option.html), text, case_sensitive=case
                ):
                    return Decimal(fraction)
        return Decimal(0)

    def answer_from_form(self, content, form, shown):
        text = form_value(form, "answer")
        if not text:
            raise ValueError("Type an answer first.")
        if len(text) > 1000:
            raise ValueError("That answer is too long (1000 characters at most).")
        return text

    def score_levels(self, content):
        """Partly right accepted answers (a fraction below 1) make it polytomous."""
        return sorted({0.0, 1.0} | {float(f) for _, f in content.options if Decimal(f) > 0})
