"""The candidate's review of a finished attempt: when it is allowed, what it shows, and the
per-PC feedback on strengths and gaps.

``Assessment.review_after`` decides when the answers, the key and the feedback may be shown:
never (a summative test whose items are reused), once the candidate's window has closed (every
assignment of the candidate to the assessment closed; an assessment handed out by an LMS with
no assignment: once it is made inactive), or as soon as the attempt is finished. The check is
made here, server-side, on every request: the page never carries the key when it is not allowed.

The per-PC feedback reveals no key (only how the candidate did per PC), so it is always shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from question_bank.api import (
    item_for_learner,
    nos_hindi_titles,
    response_evaluate,
    response_review_parts,
)

from .models import Attempt, ReviewAfter
from .selectors import assignments_for_candidate

BANK_VIEW_PERMISSION = "question_bank.view_item"
STRENGTH_SHARE = 0.75  # at least this share of a PC's marks: a strength
GAP_SHARE = 0.5  # below this share: a gap to revise


@dataclass(frozen=True)
class ReviewDecision:
    allowed: bool
    reason: str  # why not, in words, when not allowed ("" when allowed)


def attempt_review_decision(*, attempt: Attempt, now: datetime | None = None) -> ReviewDecision:
    """Whether the candidate may see answers, key and feedback of ``attempt`` now."""
    assessment = attempt.assessment
    if assessment is None or attempt.finished_at is None:
        return ReviewDecision(False, _("The attempt is not finished."))
    # Previews are unlimited: a previewer who may not read the bank (a trainer) would collect
    # the key of every item drawn. Assessors and administrators read the bank anyway.
    if attempt.is_preview and not attempt.user.has_perm(BANK_VIEW_PERMISSION):
        return ReviewDecision(False, _("Previews do not show the answers."))
    rule = assessment.review_after
    if rule == ReviewAfter.IMMEDIATELY:
        return ReviewDecision(True, "")
    if rule == ReviewAfter.AFTER_CLOSE:
        now = now or timezone.now()
        closes = [
            a.closes_at
            for a in assignments_for_candidate(user=attempt.user).filter(assessment=assessment)
        ]
        if closes and max(closes) <= now:
            return ReviewDecision(True, "")
        if not closes and not assessment.assignments.exists() and not assessment.is_active:
            return ReviewDecision(True, "")
        return ReviewDecision(
            False, _("You can review your answers once this assessment's window has closed.")
        )
    return ReviewDecision(False, _("This assessment does not show its answers."))


@dataclass(frozen=True)
class ReviewOption:
    html: str
    chosen: bool
    is_key: bool
    feedback_html: str


@dataclass(frozen=True)
class ReviewPart:
    """One part of an answer given part by part: a matching premise, an ordering position, a
    cloze gap, with what the candidate gave and the key (HTML-safe)."""

    label_html: str
    given_html: str
    key_html: str
    right: bool


@dataclass(frozen=True)
class ReviewQuestion:
    number: int
    stem_html: str
    language: str
    item_type: str
    options: list[ReviewOption]
    answer_text: str  # what was given, for items without options (numeric)
    key_text: str  # the right answer, for items without options
    correct: bool
    feedback_html: str
    pc_code: str
    parts: list[ReviewPart] = field(default_factory=list)
    nos_code: str = ""  # with pc_code, names the criterion the way the result page does


def attempt_review(*, attempt: Attempt, language: str = "en") -> list[ReviewQuestion]:
    """The attempt's questions in the order answered, each with the candidate's answer, the key
    and the feedback. Call only when ``attempt_review_decision`` allows it."""
    questions = []
    responses = attempt.responses.select_related(
        "item_version", "item__performance_criterion", "item__nos"
    ).order_by("created_at", "id")
    for number, response in enumerate(responses, start=1):
        version = response.item_version
        shown = item_for_learner(item_version=version, language=response.language or language)
        evaluated = response_evaluate(
            item_version=version, answer=_as_given(response.answer), language=shown["language"]
        )
        keys = set(evaluated["correct_keys"])
        answer = response.answer
        # Option keys (choice), a typed value (numeric, short answer, essay), or one answer per
        # part (matching, ordering, cloze: a mapping), which has no option to mark as chosen.
        given = list(answer.values()) if isinstance(answer, dict) else answer
        given = given if isinstance(given, list) else [given]
        chosen = {str(a) for a in given if not isinstance(a, (dict, list))}
        by_key = {str(o["key"]): o for o in shown["options"]}
        order = [k for k in response.option_order if k in by_key] or list(by_key)
        options = [
            ReviewOption(
                html=by_key[key]["html"],
                chosen=key in chosen,
                is_key=key in keys,
                feedback_html=evaluated["option_feedback"].get(key, ""),
            )
            for key in order
        ]
        parts = [
            ReviewPart(**part)
            for part in response_review_parts(
                item_version=version, answer=answer, language=shown["language"]
            )
        ]
        if parts:  # read part by part below, not as a list of option keys
            options = []
        pc = response.item.performance_criterion
        questions.append(
            ReviewQuestion(
                number=number,
                stem_html=shown["stem_html"] or _gaps_marked(shown),
                language=shown["language"],
                item_type=shown["type"],
                options=options,
                answer_text="" if options or parts else ", ".join(str(a) for a in given),
                key_text="" if options or parts else ", ".join(sorted(str(k) for k in keys)),
                correct=response.is_correct,
                feedback_html=evaluated["feedback_html"],
                pc_code=pc.code if pc else "",
                parts=parts,
                nos_code=response.item.nos.code if pc and response.item.nos else "",
            )
        )
    return questions


def _as_given(stored):
    """The answer as the page gave it to ``response_record``, which stores a typed answer
    (numeric, short answer, essay: one string) as a one-element list: scoring that list read it
    as the text "['4']" (a numeric answer's review failed, a short answer's read as wrong)."""
    if isinstance(stored, list) and len(stored) == 1 and isinstance(stored[0], str):
        return stored[0]
    return stored


def _gaps_marked(shown: dict) -> str:
    """A cloze stem (shown as segments around its gaps) with each gap numbered in place, so
    the gaps listed below can be found in the sentence."""
    html = []
    for segment in shown.get("segments", []):
        html.append(segment["html"])
        if segment.get("part"):
            html.append(f'<span class="gap">[{escape(segment["part"]["index"])}]</span>')
    return "".join(html)


def attempt_subscores(*, attempt: Attempt) -> list[dict]:
    """The attempt's stored per-NOS sub-scores, each with its NOS's Hindi title where a curator
    has entered one (``nos_title_hi``): the stored rows keep the English title only, and the
    Hindi may be entered after the attempt."""
    rows = attempt.subscores or []
    hindi = nos_hindi_titles(row.get("nos_code", "") for row in rows)
    return [{**row, "nos_title_hi": hindi.get(row.get("nos_code", ""), "")} for row in rows]


@dataclass(frozen=True)
class PcFeedback:
    nos_code: str
    pc_code: str
    pc_text: str
    questions: int
    share: float  # of the marks of this PC's questions, 0-1
    pc_text_hi: str = ""


def attempt_pc_feedback(*, attempt: Attempt) -> dict[str, list[PcFeedback]]:
    """{"strengths": [...], "gaps": [...]}: the PCs the candidate did well on and those to
    revise, from their scores on each PC's questions (strongest / weakest first)."""
    totals: dict[int, list] = {}
    responses = attempt.responses.select_related("item__performance_criterion__nos")
    for response in responses:
        pc = response.item.performance_criterion
        if pc is None or response.score is None:  # untagged, or an essay awaiting its mark
            continue
        row = totals.setdefault(pc.pk, [pc, 0, 0.0])
        row[1] += 1
        row[2] += float(response.score)
    rows = [
        PcFeedback(pc.nos.code, pc.code, pc.text, n, score / n, pc.text_hi)
        for pc, n, score in totals.values()
    ]
    return {
        "strengths": sorted((r for r in rows if r.share >= STRENGTH_SHARE), key=lambda r: -r.share),
        "gaps": sorted((r for r in rows if r.share < GAP_SHARE), key=lambda r: r.share),
    }
