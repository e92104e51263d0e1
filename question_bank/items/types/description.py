"""Description: a shared stimulus or instructions shown with other questions; not a question, so
it is never counted, scored, calibrated or drawn into a paper."""

from __future__ import annotations

from .base import ItemTypeSpec


class Description(ItemTypeSpec):
    name = "description"
    export_writers = {"qti": "description", "moodle": "description", "gift": "description"}
    is_question = False
    auto_scored = False
    has_options = False

    def validate(self, content):
        return ["a description has no options"] if content.options else []

    def score(self, content, response):
        return None
