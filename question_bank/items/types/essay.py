"""Essay: stored and delivered, marked by an assessor, never by the engine (``score`` is None),
and left out of IRT calibration until marked. ``type_data``: ``response_format``,
``response_required``, ``lines``, ``grader_info_html``, ``response_template_html``.
"""

from __future__ import annotations

from .base import ItemTypeSpec

ESSAY_MAX_CHARACTERS = 20000


class Essay(ItemTypeSpec):
    name = "essay"
    export_writers = {"qti": "essay", "moodle": "essay", "gift": "essay"}
    auto_scored = False
    deliverable = True
    widget = "essay"
    has_options = False

    def validate(self, content):
        return ["an essay item has no options"] if content.options else []

    def learner_view(self, content, language):
        return {
            "lines": content.type_data.get("lines", 10),
            "response_template_html": content.type_data.get("response_template_html", ""),
        }

    def score(self, content, response):
        return None

    def answer_from_form(self, content, form, shown):
        text = "\n".join(v for v in form.get("answer", ()) if v.strip()).strip()
        if not text:
            raise ValueError("Write your answer first.")
        if len(text) > ESSAY_MAX_CHARACTERS:
            raise ValueError(
                f"That answer is too long ({ESSAY_MAX_CHARACTERS} characters at most)."
            )
        return text

    def score_levels(self, content):
        """Once marked: the assessor's mark in quarters of the item's mark (GPCM categories;
        finer steps would leave categories nobody reaches in a bank's sample)."""
        return [0.0, 0.25, 0.5, 0.75, 1.0]
