"""Ordering: the options (keys, texts) and ``type_data["order"]``, the keys in the right order.

``type_data["grading"]`` picks Moodle's qtype_ordering grading type: ``all_or_nothing`` (the
default, as QTI's match_correct template scores an orderInteraction), ``absolute_position``
(share of items in their right place), ``relative_next_exclude_last`` /
``relative_next_include_last`` (share of items followed by their right successor),
``longest_ordered_subset`` and ``longest_contiguous_subset`` (the longest run in the right
relative order, not necessarily / necessarily adjacent; a run of one scores nothing).

The page shows the items in an order drawn per showing even when the author turned shuffling
off (``always_shuffle``): the stored order is often the right one.
"""

from __future__ import annotations

from decimal import Decimal

from .base import ItemTypeSpec, form_value, shown_key

GRADINGS = (
    "all_or_nothing",
    "absolute_position",
    "relative_next_exclude_last",
    "relative_next_include_last",
    "longest_ordered_subset",
    "longest_contiguous_subset",
)


def _longest_ordered(rank: list[int]) -> int:
    """Longest increasing subsequence of the right positions, O(n^2) (n is a handful)."""
    best = [1] * len(rank)
    for i in range(len(rank)):
        for j in range(i):
            if rank[j] < rank[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


def _longest_contiguous(rank: list[int]) -> int:
    longest = run = 1 if rank else 0
    for prev, cur in zip(rank, rank[1:], strict=False):
        run = run + 1 if cur == prev + 1 else 1
        longest = max(longest, run)
    return longest


def ordering_credit(order: list[str], response: list[str], grading: str) -> tuple[int, int]:
    """(points earned, points possible) of ``response`` under Moodle's ``grading``."""
    n = len(order)
    position = {key: i for i, key in enumerate(order)}
    rank = [position[k] for k in response]
    if grading == "absolute_position":
        return sum(1 for i, r in enumerate(rank) if i == r), n
    if grading in ("relative_next_exclude_last", "relative_next_include_last"):
        earned = sum(1 for prev, cur in zip(rank, rank[1:], strict=False) if cur == prev + 1)
        if grading == "relative_next_include_last":
            return earned + (1 if rank and rank[-1] == n - 1 else 0), n
        return earned, n - 1
    if grading in ("longest_ordered_subset", "longest_contiguous_subset"):
        run = (
            _longest_ordered(rank)
            if grading == "longest_ordered_subset"
            else _longest_contiguous(rank)
        )
        return (run if run > 1 else 0), n
    return (1 if rank == list(range(n)) else 0), 1


class Ordering(ItemTypeSpec):
    name = "ordering"
    export_writers = {"qti": "ordering", "moodle": "ordering", "gift": "ordering"}
    deliverable = True
    widget = "ordering"
    shows_options = True
    always_shuffle = True

    def validate(self, content):
        keys = [k for k, _ in content.options]
        order = content.type_data.get("order", [])
        problems = []
        if len(keys) < 2:
            problems.append("an ordering item needs at least two items to order")
        if sorted(order) != sorted(keys):
            problems.append("the right order must list every item once")
        if content.type_data.get("grading", "all_or_nothing") not in GRADINGS:
            problems.append(f"unknown ordering grading; one of {', '.join(GRADINGS)}")
        return problems

    def learner_view(self, content, language):
        t = content.translations.get(language) or next(iter(content.translations.values()))
        return {"options": [{"key": k, "html": t.options[k].html} for k, _ in content.options]}

    def score(self, content, response):
        order = content.type_data.get("order", [])
        if not isinstance(response, list | tuple):
            raise ValueError("an ordering answer is the list of keys in order")
        given = [str(r) for r in response]
        if sorted(given) != sorted(order):
            raise ValueError("an ordering answer lists every item once")
        earned, possible = ordering_credit(
            order, given, content.type_data.get("grading", "all_or_nothing")
        )
        return Decimal(earned) / Decimal(possible) if possible else Decimal(0)

    def answer_from_form(self, content, form, shown):
        """One select per position ("order_1" first) names the item's on-screen number."""
        keys = []
        for place in range(1, len(shown) + 1):
            chosen = form_value(form, f"order_{place}")
            if not chosen:
                raise ValueError("Choose an item for every position first.")
            keys.append(shown_key(shown, chosen))
        if len(set(keys)) != len(keys):
            raise ValueError("Each item goes in one position only: an item was chosen twice.")
        return keys

    def score_levels(self, content):
        grading = content.type_data.get("grading", "all_or_nothing")
        if grading == "all_or_nothing":
            return [0.0, 1.0]
        n = len(content.type_data.get("order", []))
        possible = n - 1 if grading == "relative_next_exclude_last" else n
        attainable = {
            k / possible
            for k in range(possible + 1)
            if not (grading.startswith("longest") and k == 1)
        }
        return sorted(attainable | {0.0, 1.0})

    def review_parts(self, content, language, response):
        """Position by position: the item the candidate put there and the item that belongs
        there, in the language shown (so both orders read top to bottom)."""
        t = content.translations.get(language) or next(iter(content.translations.values()))
        text = {k: t.options[k].html for k, _ in content.options if k in t.options}
        given = [str(k) for k in response] if isinstance(response, list | tuple) else []
        order = content.type_data.get("order", [])
        return [
            {
                "label_html": str(place),
                "given_html": text.get(given[place - 1], "") if place <= len(given) else "",
                "key_html": text.get(key, ""),
                "right": place <= len(given) and given[place - 1] == key,
            }
            for place, key in enumerate(order, start=1)
        ]
