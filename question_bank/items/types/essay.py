"""Essay: stored and delivered, marked by an assessor, never by the engine (``score`` is None),
and left out of IRT calibration until marked. ``type_data``: ``response_format``,
``response_required``, ``lines``, ``grader_info_html``, ``response_template_html``.
"""

from __future__ import annotations

from .base import ItemTypeSpec


class Essay(ItemTypeSpec):
    name = "essay"
    auto_scored = False
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
