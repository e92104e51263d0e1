"""The public surface of the question bank for other apps (content, adaptive, lms).

Contract: ``approved_items_for`` returns approved ItemVersions tagged to any of the given PCs,
KU or GS items (in the requested language where a translation exists, falling back to English),
optionally of one ``ItemPurpose`` only.
``item_for_learner`` is the only shape of an item that may reach a learner's browser before they
answer: id, type, stem and options (key + html) — never which option is correct, never feedback.
``response_evaluate`` scores an answer (a list of option keys, one key, or a number for numeric
items) and returns what may be shown AFTER answering: correct, score in [0, 1], general and
per-option feedback and the correct keys. Recording the response (with practice/summative mode
and the double-submission guard) is ``adaptive.services.response_record``, which calls this.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q

from .items.content import item_content_of
from .items.selectors import item_versions_score_levels, qualification_pack_nos
from .items.services import item_exposure_record
from .items.types import (
    auto_scored_types,
    deliverable_types,
    distinct_score_levels,
    item_type_spec,
    score_categories_of,
    score_category_of,
)
from .models import (
    GenericSkill,
    ItemStatus,
    ItemType,
    ItemVersion,
    KnowledgeItem,
    PerformanceCriterion,
)
from .translations import framework_text, hindi_is_active, nos_hindi_titles

__all__ = [
    "approved_items_for",
    "auto_scored_types",
    "deliverable_types",
    "distinct_score_levels",
    "framework_text",
    "hindi_is_active",
    "nos_hindi_titles",
    "item_exposure_record",
    "item_for_learner",
    "item_type_spec",
    "item_versions_score_levels",
    "qualification_pack_nos",
    "response_evaluate",
    "response_review_parts",
    "score_categories_of",
    "score_category_of",
]


def _ids(objects: Iterable) -> list[int]:
    return [getattr(o, "pk", o) for o in objects]


def approved_items_for(
    *,
    performance_criteria: Iterable[PerformanceCriterion | int] = (),
    knowledge_items: Iterable[KnowledgeItem | int] = (),
    generic_skills: Iterable[GenericSkill | int] = (),
    language: str = "en",
    limit: int = 5,
    purpose: str | None = None,
) -> list[ItemVersion]:
    """Approved versions tagged to any of the given framework rows; those translated into
    ``language`` first, least exposed first (spreads exposure across lessons). ``purpose``
    (an ``ItemPurpose``) keeps only items meant for that use."""
    pcs, kus, gss = _ids(performance_criteria), _ids(knowledge_items), _ids(generic_skills)
    if not (pcs or kus or gss):
        return []
    tags = Q()
    if pcs:
        tags |= Q(item__performance_criterion__in=pcs)
    if kus:
        tags |= Q(item__knowledge_items__in=kus)
    if gss:
        tags |= Q(item__generic_skills__in=gss)
    scope = Q(status=ItemStatus.APPROVED)
    if purpose is not None:
        scope &= Q(item__purpose=purpose)
    versions = list(
        ItemVersion.objects.filter(tags, scope)
        # Types whose lesson widget is not built yet stay out (see deliverable_types).
        .filter(item_type__in=deliverable_types(knowledge_check=True))
        .distinct()
        .select_related("item")
        .prefetch_related("options", "translations")
        .order_by("item__exposure_count", "item_id")[: max(limit * 4, limit)]
    )
    versions.sort(key=lambda v: language not in v.languages)
    return versions[:limit]


def widget_template(item_type: str) -> str:
    """The template that draws an item type's answer input (named by its type spec): the
    candidate's question page and the curator's preview both include it."""
    return item_type_spec(item_type).widget_template


def item_for_learner(
    *, item_version: ItemVersion, language: str = "en", rng: random.Random | None = None
) -> dict:
    """What a learner may see before answering. No answer key and no feedback, by construction:
    the type's ``learner_view`` (question_bank.items.types) decides what else is shown, and a
    short answer shows no options at all. ``rng``: this showing's order of the lists whose
    stored order would give the key away (matching's answers, cloze choices); ``widget`` names
    the type's input widget."""
    translation = item_version.translation(language)
    if translation is None:
        raise ValidationError("this item has no text")
    content = item_content_of(item_version)
    spec = item_type_spec(item_version.item_type)
    view = spec.learner_view(content, translation.language)
    if rng is not None:
        view = spec.shuffle_view(view, rng)
    return {
        "id": item_version.pk,
        "type": item_version.item_type,
        "widget": spec.widget,
        "language": translation.language,
        "stem_html": translation.stem_html,
        "options": view.pop("options", []),
        **view,
    }


def _chosen_keys(answer) -> list[str]:
    if answer is None:
        return []
    if isinstance(answer, str):
        return [answer]
    if isinstance(answer, list | tuple | set):
        return [str(a) for a in answer]
    raise ValidationError("the answer must be an option key or a list of option keys")


def response_evaluate(*, item_version: ItemVersion, answer, language: str = "en") -> dict:
    """Score ``answer`` with the item type's ``score`` and return the feedback to show after
    answering (see module doc). ``score`` is None for an essay: an assessor marks it."""
    translation = item_version.translation(language)
    options = list(item_version.options.all())
    correct_keys = [o.key for o in options if o.fraction > 0]
    content = item_content_of(item_version)
    spec = item_type_spec(item_version.item_type)
    try:
        fraction = spec.score(content, answer)
    except (ValueError, TypeError, InvalidOperation) as exc:
        raise ValidationError(str(exc)) from exc
    chosen: list[str] = []
    if item_version.item_type == ItemType.NUMERIC:
        correct_keys = [format(item_version.numeric_answer.normalize(), "f")]  # 9000, not 9E+3
    elif spec.has_options and item_version.item_type not in (
        ItemType.SHORT_ANSWER,
        ItemType.ORDERING,
    ):
        chosen = _chosen_keys(answer)
    score = None if fraction is None else float(fraction)
    if item_version.item_type in (
        ItemType.SINGLE_CHOICE,
        ItemType.MULTIPLE_RESPONSE,
        ItemType.TRUE_FALSE,
    ):
        correct = sorted(chosen) == sorted(correct_keys)
    else:
        correct = fraction is not None and fraction == 1
    option_feedback = {}
    if translation is not None:
        option_feedback = {
            key: value.get("feedback_html", "")
            for key, value in translation.options.items()
            if key in chosen and value.get("feedback_html")
        }
    return {
        "correct": bool(correct),
        "score": score,
        "feedback_html": translation.general_feedback_html if translation else "",
        "option_feedback": option_feedback,
        "correct_keys": correct_keys,
    }


def response_review_parts(*, item_version: ItemVersion, answer, language: str = "en") -> list[dict]:
    """The answer beside the key, part by part (matching, ordering, cloze; empty for the other
    types), in ``language`` where the item has it. It carries the key: only for a review the
    assessment allows (``adaptive.review``)."""
    translation = item_version.translation(language)
    spec = item_type_spec(item_version.item_type)
    return spec.review_parts(
        item_content_of(item_version), translation.language if translation else language, answer
    )
