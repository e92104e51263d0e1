"""Ordering: the options (keys, texts) and ``type_data["order"]``, the keys in the right order.
All or nothing, as QTI's match_correct template scores an orderInteraction."""

from __future__ import annotations

from decimal import Decimal

from .base import ItemTypeSpec


class Ordering(ItemTypeSpec):
    name = "ordering"

    def validate(self, content):
        keys = [k for k, _ in content.options]
        order = content.type_data.get("order", [])
        problems = []
        if len(keys) < 2:
            problems.append("an ordering item needs at least two items to order")
        if sorted(order) != sorted(keys):
            problems.append("the right order must list every item once")
        return problems

    def learner_view(self, content, language):
        t = content.translations.get(language) or next(iter(content.translations.values()))
        return {"options": [{"key": k, "html": t.options[k].html} for k, _ in content.options]}

    def score(self, content, response):
        if not isinstance(response, list | tuple):
            raise ValueError("an ordering answer is the list of keys in order")
        return (
            Decimal(1)
            if [str(r) for r in response] == content.type_data.get("order")
            else Decimal(0)
        )
