"""Single choice, multiple response and true/false: options with stable keys and fractions.

Multiple response gives partial credit: the fractions of the chosen options add up (negative
fractions penalise wrong choices), clamped to [0, 1], as Moodle scores multichoice. A single-choice
item gives its one chosen option's fraction, so options worth part of the mark (Moodle's
single="true" multichoice with fractions 100/50/0, GIFT's ``~%50%``) are partial credit too.
Either way the IRT score levels are the totals an answer can reach (``reachable_score_levels``,
the one rule for both): an item with partial credit is polytomous (GPCM) and one whose only
reachable totals are 0 and 1 stays right/wrong (2PL).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .base import ItemTypeSpec, distinct_score_levels, shown_key

TRUE_FALSE_KEYS = ("true", "false")


def _chosen(response: Any) -> list[str]:
    if response is None:
        return []
    if isinstance(response, str):
        return [response]
    if isinstance(response, list | tuple | set):
        return [str(r) for r in response]
    raise ValueError("the answer must be an option key or a list of option keys")


def reachable_score_levels(fractions: list[Decimal], *, single: bool = False) -> list[float]:
    """The distinct totals, clamped to [0, 1], that an answer reaches, ascending: one IRT
    category each, and only reachable ones (a category no answer can reach would never be
    observed and keep the item right/wrong in calibration). ``single``: an answer is one option,
    so the totals are the options' own fractions; otherwise any subset of the options (none
    included, a total of 0). Totals are summed as ``score`` sums them (Decimal) so
    ``score_category`` finds each; totals closer than 0.01 (0.333 + 0.334 beside 0.333 + 0.333)
    are one level, its lowest. Subsets are built set by set: the cost is the number of distinct
    totals, not 2^n subsets. Fewer than two levels: [0, 1] (right/wrong)."""
    if single:
        sums = set(fractions)
    else:
        sums = {Decimal(0)}
        for f in fractions:
            sums |= {s + f for s in sums}
    levels = distinct_score_levels({min(Decimal(1), max(Decimal(0), s)) for s in sums})
    return levels if len(levels) > 1 else [0.0, 1.0]


class _Choice(ItemTypeSpec):
    deliverable = True
    in_knowledge_checks = True
    widget = "choice"
    shows_options = True
    single = True
    score_levels_read_options_only = True

    def score_levels(self, content):
        """Every total ``score`` can give, each one IRT category (``reachable_score_levels``).
        Single choice: the options' fractions, so 1 / 0.5 / 0 gives [0, 0.5, 1] and 1 / 0 / 0
        gives [0, 1]. Multiple response: the clamped sum of some set of chosen options, so two
        correct options at 0.5 give [0, 0.5, 1], and so does one correct option worth 1 beside
        a wrong one at -0.5 (both chosen: 0.5); one correct option worth 1 beside wrong ones at
        -1 gives [0, 1], right/wrong."""
        return self.score_levels_of_fractions([Decimal(f) for _, f in content.options])

    def score_levels_of_fractions(self, fractions: list[Decimal]) -> list[float]:
        """``score_levels`` from the options' fractions alone (a bank reads no texts for it)."""
        return reachable_score_levels(fractions, single=self.single)

    def learner_view(self, content, language):
        t = content.translations.get(language) or next(iter(content.translations.values()))
        return {"options": [{"key": k, "html": t.options[k].html} for k, _ in content.options]}

    def score(self, content, response):
        chosen = _chosen(response)
        fractions = {key: Decimal(f) for key, f in content.options}
        unknown = [k for k in chosen if k not in fractions]
        if unknown:
            raise ValueError(f"unknown option(s): {', '.join(unknown)}")
        if len(set(chosen)) != len(chosen):
            raise ValueError("an option was chosen twice")
        if self.single and len(chosen) > 1:
            raise ValueError("choose one option")
        total = sum((fractions[k] for k in chosen), Decimal(0))
        return min(Decimal(1), max(Decimal(0), total))

    def answer_from_form(self, content, form, shown):
        positions = [v for v in form.get("answer", ()) if v.strip()]
        if not positions:
            raise ValueError("Choose an answer first.")
        keys = [shown_key(shown, p) for p in positions]
        return keys if len(keys) > 1 else keys[0]

    def _common(self, content) -> list[str]:
        keys = [key for key, _ in content.options]
        problems = []
        if len(set(keys)) != len(keys):
            problems.append("option keys must be unique")
        if any(not key or len(key) > 16 for key in keys):
            problems.append("option keys must be 1 to 16 characters")
        if any(Decimal(f) > 1 or Decimal(f) < -1 for _, f in content.options):
            problems.append("option fractions must lie between -1 and 1")
        return problems


class SingleChoice(_Choice):
    name = "single_choice"
    export_writers = {"qti": "single_choice", "moodle": "choice", "gift": "choice"}

    def validate(self, content):
        problems = self._common(content)
        if len(content.options) < 2:
            problems.append("a single-choice item needs at least two options")
        if sum(1 for _, f in content.options if Decimal(f) == 1) != 1:
            problems.append("a single-choice item needs exactly one fully correct option")
        return problems


class MultipleResponse(_Choice):
    name = "multiple_response"
    export_writers = {"qti": "multiple_response", "moodle": "choice", "gift": "choice"}
    single = False

    def validate(self, content):
        problems = self._common(content)
        if len(content.options) < 2:
            problems.append("a multiple-response item needs at least two options")
        positive = sum((Decimal(f) for _, f in content.options if Decimal(f) > 0), Decimal(0))
        if not positive or abs(positive - 1) > Decimal("0.02"):
            problems.append("the correct options' fractions of a multiple-response item add to 1")
        return problems


class TrueFalse(_Choice):
    name = "true_false"
    export_writers = {"qti": "single_choice", "moodle": "true_false", "gift": "true_false"}

    def validate(self, content):
        problems = self._common(content)
        if sorted(k for k, _ in content.options) != sorted(TRUE_FALSE_KEYS):
            problems.append("a true/false item has exactly the options 'true' and 'false'")
        if sum(1 for _, f in content.options if Decimal(f) == 1) != 1:
            problems.append("exactly one of true/false is correct")
        return problems
