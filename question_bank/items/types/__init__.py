"""The item-type registry: one module per type (``choice``, ``numeric``, ``short_answer``,
``essay``, ``matching``, ``ordering``, ``cloze``, ``description``), one ``ItemTypeSpec`` each.

Validation (``..content.item_content_validate``), the learner's view and scoring
(``question_bank.api``), the assessment and knowledge-check pools (``deliverable_types``) and IRT
(``auto_scored_types``) ask the registry: ``item_type_spec(name)``.
"""

from __future__ import annotations

from .base import (
    ItemTypeSpec,
    distinct_score_levels,
    score_categories_of,
    score_category_of,
)
from .choice import MultipleResponse, SingleChoice, TrueFalse
from .cloze import Cloze
from .description import Description
from .essay import Essay
from .matching import Matching
from .numeric import Numeric, numeric_answers
from .ordering import Ordering
from .short_answer import ShortAnswer, answer_matches

REGISTRY: dict[str, ItemTypeSpec] = {
    spec.name: spec
    for spec in (
        SingleChoice(), MultipleResponse(), TrueFalse(), Numeric(), ShortAnswer(), Essay(),
        Matching(), Ordering(), Cloze(), Description(),
    )
}  # fmt: skip

__all__ = [
    "REGISTRY",
    "ItemTypeSpec",
    "answer_matches",
    "auto_scored_types",
    "deliverable_types",
    "distinct_score_levels",
    "item_type_spec",
    "numeric_answers",
    "score_categories_of",
    "score_category_of",
]


def item_type_spec(name: str) -> ItemTypeSpec:
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown item type {name!r}") from None


def deliverable_types(*, knowledge_check: bool = False) -> list[str]:
    """Types assessments may draw: every question type, each with its widget on the question
    page. ``knowledge_check``: the types a lesson's knowledge check can show (its widgets are
    the choice and numeric ones only; the others stay out explicitly)."""
    return [
        name
        for name, spec in REGISTRY.items()
        if spec.deliverable and (spec.in_knowledge_checks or not knowledge_check)
    ]


def auto_scored_types() -> list[str]:
    return [name for name, spec in REGISTRY.items() if spec.auto_scored and spec.is_question]
