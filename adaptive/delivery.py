"""Delivering a graded assessment: start (or resume) an attempt, serve one question at a time,
record answers, stop, score, and hand the grade to the LMS.

LOFT: at start the whole paper is assembled (``adaptive.irt.assemble_paper``) to meet the
blueprint exactly, peaked at the pass cut, with at most ``max_overlap`` of it shared with any
paper already issued under the same assessment (the centre). When the bank is too small for that
cap the cap is raised step by step and the attempt records the cap it got, so an assessor sees it
rather than the candidate being turned away. CAT: each next question is chosen by the shadow-test
method under the blueprint with progressive + Sympson-Hetter exposure control
(``adaptive.irt.select_next_item``); the shadow test is stored with the attempt between requests.

Either way: items the candidate saw in an earlier summative attempt of the QP are excluded; the
candidate can only answer the question on their screen, once; a finished attempt is scored by
EAP (Bock & Mislevy 1982) and, for the reported percent, by the expected percent of the QP's
theory marks at that ability (CAT) or by marks earned on the paper (LOFT); the grade is enqueued
by task name (``lti.tasks.attempt_grade_publish``) once, after the commit.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from celery import current_app
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from adaptive.irt import (
    Blueprint,
    BlueprintInfeasibleError,
    CatSession,
    ExposureControl,
    ShadowTest,
    StoppingRule,
    assemble_paper,
    assemble_paper_fast,
    estimate_ability,
    subscores,
)
from question_bank.api import item_for_learner, item_type_spec
from question_bank.items.content import item_content_of
from question_bank.models import ItemStatus, ItemVersion, QualificationPack

from .models import Assessment, Attempt, Delivery, Mode, Response
from .options import (
    option_order,
    option_order_seed,
    options_in_order,
    options_shown,
    showing_rng,
)
from .papers import (
    AssessmentBank,
    bank_build,
    blueprint_build,
    blueprint_shortfalls,
    pool_version_ids,
)
from .selectors import assessment_start_decision
from .services import DuplicateResponseError, response_record

logger = logging.getLogger(__name__)

OVERLAP_STEPS = (0.25, 0.35, 0.5, 0.75, 1.0)  # caps tried after the assessment's own


class AssessmentUnavailableError(ValidationError):
    """The candidate cannot start (or continue) this assessment; the message says why."""


class QuestionWithdrawnError(AssessmentUnavailableError):
    """The question on screen was withdrawn meanwhile; the attempt has moved to another."""


def pass_percentage(assessment: Assessment) -> float:
    if assessment.pass_percentage is not None:
        return float(assessment.pass_percentage)
    qp = QualificationPack.objects.filter(
        code=assessment.qualification_pack_code, is_current=True
    ).first()
    return float(qp.pass_percentage) if qp and qp.pass_percentage is not None else 50.0


def attempt_in_progress(*, user, assessment: Assessment, preview: bool = False) -> Attempt | None:
    return (
        Attempt.objects.filter(
            user=user, assessment=assessment, finished_at__isnull=True, is_preview=preview
        )
        .order_by("-number")
        .first()
    )


def attempts_used(*, user, assessment: Assessment, preview: bool = False) -> int:
    return Attempt.objects.filter(user=user, assessment=assessment, is_preview=preview).count()


def _seen_item_ids(*, user, qualification_pack_code: str) -> set[int]:
    return set(
        Response.objects.filter(
            user=user,
            mode=Mode.SUMMATIVE,
            attempt__qualification_pack_code=qualification_pack_code,
            attempt__is_preview=False,
        ).values_list("item_id", flat=True)
    )


def assessment_bank(assessment: Assessment) -> AssessmentBank:
    """The current pool of an assessment: its QP's, or only its scoped NOS'. Found among the
    banks built in this process by its versions and their IRT parameters (four queries), and
    built only when one of them changed: 200 candidates starting together share one build
    instead of each paying ~45 queries and the content reads."""
    nos_codes = list(assessment.scoped_nos or [])
    ids = pool_version_ids(
        qualification_pack_code=assessment.qualification_pack_code, nos_codes=nos_codes or None
    )
    return _bank_cached(assessment.qualification_pack_code, ids, nos_codes)[0]


def assessment_blueprint(assessment: Assessment, bank: AssessmentBank) -> Blueprint:
    """A LOFT paper meets the marks-per-PC blueprint exactly at its length; a CAT keeps the
    maxima at its longest length and the NOS minima at its shortest (see adaptive.papers)."""
    cat = assessment.delivery == Delivery.CAT
    return blueprint_build(
        bank, length=assessment.length, min_length=assessment.min_length if cat else None
    )


def _exposure_for(assessment: Assessment, bank: AssessmentBank) -> ExposureControl:
    state = assessment.exposure_state or {}
    counts = state.get("items", {})
    rows = np.array(
        [counts.get(str(p.item_id), [0, 0]) for p in bank.items], dtype=np.int64
    ).reshape(-1, 2)  # per pool item: administrations, tests eligible
    return ExposureControl(
        n_items=len(bank.items),
        method="progressive",
        max_rate=assessment.max_exposure if assessment.max_exposure else None,
        counts=rows[:, 0].copy(),
        eligible_counts=rows[:, 1].copy(),
        n_tests=int(state.get("tests", 0)),
    )


@dataclass(frozen=True)
class _Given:
    """What an attempt has answered so far: pool indices, IRT score categories (0/1, or more
    for partial credit), the responses. An essay not yet marked is left out of the IRT lists
    (administered, results) until an assessor marks it."""

    administered: list[int]
    results: list[float]
    responses: list[Response]


def _given(attempt: Attempt, bank: AssessmentBank) -> _Given:
    index = {p.version_id: i for i, p in enumerate(bank.items)}
    responses = list(attempt.responses.order_by("created_at", "id"))
    scored = [r for r in responses if r.score is not None]
    return _Given(
        [index[r.item_version_id] for r in scored],
        [float(bank.category(index[r.item_version_id], r.score or 0.0)) for r in scored],
        responses,
    )


def _attempt_bank(attempt: Attempt) -> AssessmentBank:
    """The attempt's frozen pool, in the order its bank indices refer to."""
    return _attempt_bank_checked(attempt)[0]


def attempt_bank(attempt: Attempt) -> AssessmentBank:
    """The attempt's frozen pool as the answer path builds it (cached per process)."""
    return _attempt_bank(attempt)


# Built banks of frozen pools, per process: every candidate of an assessment event shares a pool,
# and rebuilding it (QP, NOS, PCs, versions, enemies) was most of an answer step's queries.
_BANKS: OrderedDict[tuple, AssessmentBank] = OrderedDict()
_BANKS_KEPT = 16
_BANKS_LOCK = threading.Lock()


def bank_cache_clear() -> None:
    """Forget the built banks (tests: a rolled-back database reuses primary keys)."""
    with _BANKS_LOCK:
        _BANKS.clear()


def _attempt_bank_checked(attempt: Attempt) -> tuple[AssessmentBank, set[int]]:
    """The attempt's bank and the pool indices withdrawn since it froze (see _bank_cached)."""
    return _bank_cached(attempt.qualification_pack_code, list(attempt.pool))


def _bank_cached(
    qualification_pack_code: str, pool: list[int], nos_codes: list[str] | None = None
) -> tuple[AssessmentBank, set[int]]:
    """The bank of ``pool`` (version ids, in order) and its indices no longer approved, in one
    query when the pool was built before: that query reads every pool version's status and its
    item's IRT parameters, so a recalibrated or withdrawn item is never served from a stale
    bank."""
    rows = {
        pk: (status, a, b, c)
        for pk, status, a, b, c in ItemVersion.objects.filter(pk__in=pool).values_list(
            "pk", "status", "item__discrimination", "item__difficulty", "item__guessing"
        )
    }
    key = (
        qualification_pack_code,
        tuple(nos_codes or ()),
        tuple(pool),
        tuple(rows[pk][1:] if pk in rows else None for pk in pool),
    )
    with _BANKS_LOCK:
        bank = _BANKS.get(key)
        if bank is not None:
            _BANKS.move_to_end(key)
    if bank is None:
        bank = bank_build(
            qualification_pack_code=qualification_pack_code,
            version_ids=pool,
            nos_codes=nos_codes or None,
        )
        with _BANKS_LOCK:
            _BANKS[key] = bank
            while len(_BANKS) > _BANKS_KEPT:
                _BANKS.popitem(last=False)
    approved = {pk for pk, row in rows.items() if row[0] == ItemStatus.APPROVED}
    withdrawn = {i for i, p in enumerate(bank.items) if p.version_id not in approved}
    return bank, withdrawn


def _cat_session(
    attempt: Attempt,
    assessment: Assessment,
    bank: AssessmentBank,
    given: _Given,
    rng: np.random.Generator,
) -> CatSession:
    blueprint = assessment_blueprint(assessment, bank)
    session = CatSession(
        bank.prepared,
        blueprint,
        stopping=StoppingRule(
            se_target=assessment.se_target or None,
            min_length=assessment.min_length,
            max_length=assessment.length,
        ),
        exposure=_exposure_for(assessment, bank),
        excluded=attempt.state.get("excluded", []),
        rng=rng,
    )
    for i, r in zip(given.administered, given.results, strict=True):
        session.record(i, r)
    if attempt.state.get("shadow"):
        session.shadow = ShadowTest.from_state(attempt.state["shadow"], len(bank.items))
    return session


def _withdrawn(bank: AssessmentBank) -> set[int]:
    """Pool indices whose version was retired (or otherwise un-approved) since the pool froze."""
    gone = set(
        ItemVersion.objects.filter(pk__in=bank.version_ids)
        .exclude(status=ItemStatus.APPROVED)
        .values_list("pk", flat=True)
    )
    return {i for i, p in enumerate(bank.items) if p.version_id in gone}


def _advance(
    attempt: Attempt,
    assessment: Assessment,
    bank: AssessmentBank,
    withdrawn: set[int] | None = None,
) -> None:
    """Put the next question on screen, or finish the attempt. Questions withdrawn by the
    curators meanwhile are skipped: dropped from a LOFT paper (which then counts fewer marks),
    excluded from a CAT's remaining choices. ``withdrawn``: already known (else read here)."""
    given = _given(attempt, bank)
    index = {p.version_id: i for i, p in enumerate(bank.items)}
    answered = {index[r.item_version_id] for r in given.responses}
    withdrawn = (_withdrawn(bank) if withdrawn is None else withdrawn) - answered
    if withdrawn:
        attempt.state = {
            **attempt.state,
            "withdrawn": sorted(set(attempt.state.get("withdrawn", [])) | withdrawn),
            "excluded": sorted(set(attempt.state.get("excluded", [])) | withdrawn),
        }
        attempt.paper = [i for i in attempt.paper if i not in withdrawn]
    if assessment.delivery == Delivery.LOFT:
        remaining = [i for i in attempt.paper if i not in answered]
        if remaining:
            attempt.current_item_version_id = bank.items[remaining[0]].version_id
            return
        _finish(attempt, assessment, bank, given, reason="paper_complete")
        return
    session = _cat_session(attempt, assessment, bank, given, np.random.default_rng())
    # A CAT chooses by the answers so far: an essay (no score until an assessor marks it)
    # cannot inform the next choice, so CATs leave essays to LOFT papers.
    session.excluded[list(bank.hand_marked)] = True
    try:
        item = session.next_item()
    except BlueprintInfeasibleError:
        logger.exception("CAT attempt %s: no shadow test; stopping", attempt.pk)
        item = None
        session.stop_reason = "bank_exhausted"
    if item is None:
        _finish(attempt, assessment, bank, given, reason=session.stop_reason or "max_length")
        return
    assert session.shadow is not None  # next_item() solved one
    # The standard error after the answers so far: the question page's progress bar reads it
    # instead of estimating the ability again.
    attempt.state = {
        **attempt.state,
        "shadow": session.shadow.to_state(),
        "standard_error": round(float(session.standard_error), 4),
    }
    attempt.current_item_version_id = bank.items[item].version_id


@transaction.atomic
def attempt_start(*, user, assessment: Assessment, preview: bool = False) -> Attempt:
    """Resume the candidate's unfinished attempt, or start a new one with its first question.

    A candidate starts only inside the window of an assignment of their batch, within its
    attempts and reassessment rule (``adaptive.selectors.assessment_start_decision``).
    ``preview``: staff see the assessment as a candidate would; the attempt never counts (no
    window, no attempt number used, no exposure, no grade). Raises AssessmentUnavailableError
    (closed, not assigned, outside the window, no attempts left, bank too small)."""
    # The candidate is locked (a double-clicked start still makes one attempt); the assessment
    # only around a LOFT paper's assembly, and only when the overlap rule applies: its caps read
    # the papers earlier starts wrote. Everything else (the start decision, the bank, the seen
    # items) is read before, so 200 candidates starting in the same minute queue only for the
    # few milliseconds of the greedy assembly. A CAT start only reads the shared exposure counts
    # (written under the assessment's lock as each test finishes).
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    assessment = Assessment.objects.get(pk=assessment.pk)
    current = attempt_in_progress(user=user, assessment=assessment, preview=preview)
    if current is not None:
        if attempt_expire_if_due(current):
            current.refresh_from_db()
        elif preview or assessment.is_active:
            return current
    used = attempts_used(user=user, assessment=assessment, preview=preview)
    if not preview:
        decision = assessment_start_decision(user=user, assessment=assessment)
        if not decision.allowed:
            raise AssessmentUnavailableError(decision.reason)
        if decision.assignment is None and used >= assessment.max_attempts:
            raise AssessmentUnavailableError(
                f"You have used all {assessment.max_attempts} attempt(s) of this assessment."
            )
    bank = assessment_bank(assessment)
    if not bank.items:
        raise AssessmentUnavailableError("This assessment has no approved questions yet.")
    seen = (
        set()
        if preview
        else _seen_item_ids(user=user, qualification_pack_code=assessment.qualification_pack_code)
    )
    excluded = bank.index_of_items(seen)
    rng = np.random.default_rng()
    attempt = Attempt(
        user=user,
        mode=Mode.SUMMATIVE,
        qualification_pack_code=assessment.qualification_pack_code,
        assessment=assessment,
        number=used + 1,
        pool=bank.version_ids,
        state={"excluded": excluded},
        is_preview=preview,
    )
    if assessment.time_limit_minutes:
        attempt.deadline = timezone.now() + timedelta(minutes=assessment.time_limit_minutes)
    if assessment.delivery == Delivery.LOFT:
        attempt.paper, cap = _loft_paper(assessment, bank, excluded, rng)
        attempt.state["overlap_cap"] = cap
    else:
        blueprint = assessment_blueprint(assessment, bank)
        problems = blueprint_shortfalls(bank, blueprint, excluded)
        if problems:
            raise AssessmentUnavailableError(_unavailable(problems, bool(excluded)))
    attempt.save()
    _advance(attempt, assessment, bank)
    if attempt.finished_at is None and attempt.current_item_version_id is None:
        raise AssessmentUnavailableError("No question could be chosen for this assessment.")
    attempt.save()
    return attempt


def _unavailable(problems: list[str], reassessment: bool) -> str:
    why = "; ".join(problems[:3])
    if reassessment:
        return (
            "There are not enough questions you have not seen before for a new paper "
            f"({why}). Please tell your assessor."
        )
    return f"The question bank cannot make a paper for this assessment yet ({why})."


# Seconds the 0-1 program may take, under the assessment's lock, when the greedy is stuck at the
# assessment's own overlap cap; on a bank near its limit it would take seconds per paper.
LOFT_SOLVE_SECONDS = 0.25


@dataclass(frozen=True)
class _Issued:
    """The papers issued so far at an assessment, as indices of the current bank, and the cap
    the latest one got if it tells which lower caps are likely out of reach (its pool was the
    current one and its candidate had no exclusions: with more papers issued, a cap it could
    not meet is no easier now)."""

    papers: list[list[int]]
    latest_cap: float | None


def _issued_papers(assessment: Assessment, bank: AssessmentBank) -> _Issued:
    """One query for every issued paper; a paper drawn from another pool (an item revised since)
    is mapped to the current bank by item, reading only the versions the bank does not hold."""
    rows = list(
        Attempt.objects.filter(assessment=assessment, is_preview=False)
        .order_by("pk")
        .values_list("pool", "paper", "state__overlap_cap", "state__excluded")
    )
    current = list(bank.version_ids)
    index = {p.version_id: i for i, p in enumerate(bank.items)}
    by_item = {p.item_id: i for i, p in enumerate(bank.items)}
    foreign = {
        pool[i] for pool, paper, _, _ in rows if pool != current for i in paper
    } - index.keys()
    item_of = (
        dict(ItemVersion.objects.filter(pk__in=foreign).values_list("pk", "item_id"))
        if foreign
        else {}
    )
    papers: list[list[int]] = []
    for pool, paper, _, _ in rows:
        if pool == current:
            papers.append([int(i) for i in paper])
            continue
        versions = [pool[i] for i in paper]
        mapped = [index.get(v, by_item.get(item_of.get(v, -1), -1)) for v in versions]
        papers.append([i for i in mapped if i >= 0])
    latest_cap = None
    if rows:
        pool, _, cap, excluded = rows[-1]
        if pool == current and not excluded and isinstance(cap, int | float):
            latest_cap = float(cap)
    return _Issued(papers, latest_cap)


def _loft_paper(
    assessment: Assessment,
    bank: AssessmentBank,
    excluded: list[int],
    rng: np.random.Generator,
) -> tuple[list[int], float]:
    """A unique paper and the overlap cap it met: the assessment's own cap if the bank allows,
    else the next step up. Each cap is tried by the greedy (milliseconds); at the assessment's
    own cap the 0-1 program gets a short try when the greedy is stuck, and when the greedy is
    stuck at every cap the 0-1 program decides at each (slow, but only on a bank nearly too
    small for the blueprint)."""
    blueprint = assessment_blueprint(assessment, bank)
    problems = blueprint_shortfalls(bank, blueprint, excluded)
    if problems:
        raise AssessmentUnavailableError(_unavailable(problems, bool(excluded)))
    target = [bank.theta_for_percent(pass_percentage(assessment))]
    caps = [assessment.max_overlap, *(c for c in OVERLAP_STEPS if c > assessment.max_overlap)]
    if caps[0] < 1.0:
        # The overlap rule reads the papers issued before: one assembly at a time.
        Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("pk").get()
    issued = _issued_papers(assessment, bank) if caps[0] < 1.0 else _Issued([], None)
    latest = issued.latest_cap
    found = _loft_paper_greedy(
        bank,
        blueprint,
        issued.papers,
        caps,
        excluded,
        target,
        rng,
        solve_own=caps[0] < 1.0 and (latest is None or latest <= caps[0] + 1e-9),
    )
    if found is None:
        found = _loft_paper_solved(bank, blueprint, issued.papers, caps, excluded, target, rng)
    if found is None:
        raise AssessmentUnavailableError(
            _unavailable(
                ["no paper meets the questions per PC and per NOS together with the enemy rules"],
                bool(excluded),
            )
        )
    paper, cap = found
    if cap > assessment.max_overlap:
        logger.warning(
            "assessment %s: overlap cap raised to %.0f%% (bank too small for %d papers)",
            assessment.slug,
            100 * cap,
            len(issued.papers) + 1,
        )
    return paper, cap


def _loft_paper_greedy(
    bank: AssessmentBank,
    blueprint: Blueprint,
    issued: list[list[int]],
    caps: list[float],
    excluded: list[int],
    target: list[float],
    rng: np.random.Generator,
    *,
    solve_own: bool,
) -> tuple[list[int], float] | None:
    """The first cap the greedy meets (three draws of the random weights per cap, a few ms
    each: fewer below the latest paper's cap made the rest of the centre's papers stay raised
    on one unlucky draw). ``solve_own``: at the
    assessment's own cap the 0-1 program also gets a short try (``LOFT_SOLVE_SECONDS``) when
    the greedy is stuck, as it finds papers the greedy cannot; not once a paper was raised
    (see ``_Issued``), so starts pay for it only until the bank first runs short."""
    for k, cap in enumerate(caps):
        papers = issued if cap < 1.0 else []
        paper = assemble_paper_fast(
            bank.irt,
            blueprint,
            target_thetas=target,
            issued_papers=papers,
            max_overlap=cap,
            excluded=excluded,
            rng=rng,
        )
        if paper is None and k == 0 and solve_own:
            try:
                paper = assemble_paper(
                    bank.irt,
                    blueprint,
                    target_thetas=target,
                    issued_papers=papers,
                    max_overlap=cap,
                    excluded=excluded,
                    rng=rng,
                    time_limit=LOFT_SOLVE_SECONDS,
                )
            except BlueprintInfeasibleError:
                paper = None
        if paper is not None:
            return [int(i) for i in paper], float(cap)
    return None


def _loft_paper_solved(
    bank: AssessmentBank,
    blueprint: Blueprint,
    issued: list[list[int]],
    caps: list[float],
    excluded: list[int],
    target: list[float],
    rng: np.random.Generator,
) -> tuple[list[int], float] | None:
    """The first cap the 0-1 program meets (each try may take seconds)."""
    for cap in caps:
        try:
            paper = assemble_paper(
                bank.irt,
                blueprint,
                target_thetas=target,
                issued_papers=issued if cap < 1.0 else (),
                max_overlap=cap,
                excluded=excluded,
                rng=rng,
            )
        except BlueprintInfeasibleError:
            continue
        return [int(i) for i in paper], float(cap)
    return None


def attempt_expire_if_due(attempt: Attempt) -> bool:
    """Finish an attempt whose time is up (unanswered questions score nothing); True if so."""
    if attempt.finished_at is not None or attempt.deadline is None:
        return False
    if timezone.now() < attempt.deadline:
        return False
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.finished_at is None:
            assessment = locked.assessment
            assert assessment is not None  # only assessment attempts have a deadline
            bank = _attempt_bank(locked)
            _finish(locked, assessment, bank, _given(locked, bank), reason="time_limit")
            locked.save()
    return True


def attempt_refresh(attempt: Attempt) -> bool:
    """Move on if the question on screen was withdrawn since it was shown; True if so."""
    if attempt.finished_at is not None or attempt.current_item_version_id is None:
        return False
    if Attempt.current_item_version.is_cached(attempt):  # type: ignore[attr-defined]
        shown = attempt.current_item_version  # read with the attempt in this request
        if shown is not None and shown.status == ItemStatus.APPROVED:
            return False
    elif ItemVersion.objects.filter(
        pk=attempt.current_item_version_id, status=ItemStatus.APPROVED
    ).exists():
        return False
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.finished_at is not None or locked.assessment is None:
            return False
        _advance(locked, locked.assessment, _attempt_bank(locked))
        locked.save()
    logger.info("attempt %s: question withdrawn while on screen, moved on", attempt.pk)
    return True


def attempt_option_order(*, attempt: Attempt, item_version: ItemVersion) -> list[str]:
    """The option order of this attempt's showing of an item: the same on every reload, new for
    every attempt and candidate (``adaptive.options``)."""
    seed = option_order_seed(scope=f"attempt:{attempt.pk}", item_id=item_version.item_id)
    return option_order(item_version=item_version, seed=seed)


def attempt_question_for_learner(*, attempt: Attempt, language: str = "en") -> dict:
    """The question on screen as the candidate may see it: no key, options (and the type's
    other lists, such as matching's answers) in this attempt's order."""
    version = attempt.current_item_version
    if version is None:
        raise AssessmentUnavailableError("There is no question on screen.")
    seed = option_order_seed(scope=f"attempt:{attempt.pk}", item_id=version.item_id)
    question = item_for_learner(item_version=version, language=language, rng=showing_rng(seed))
    order = attempt_option_order(attempt=attempt, item_version=version)
    return options_shown(options_in_order(question, order))


def attempt_answer_from_page(
    *, attempt: Attempt, item_version_id: int, values: list[str], form: dict | None = None
):
    """What the question page posted as the response ``attempt_answer`` takes, read by the item
    type's widget (``ItemTypeSpec.answer_from_form``: options are named by their position on
    screen). ``form``: every posted field, name -> values (``values``: the "answer" field). A
    question that is not the one on screen is left as it is: ``attempt_answer`` refuses it.
    ValidationError for an empty answer or a position the page did not show."""
    version = attempt.current_item_version
    form = {"answer": values} if form is None else form
    if version is None or version.pk != item_version_id:
        return values if len(values) > 1 else (values[0] if values else "")
    try:
        return item_type_spec(version.item_type).answer_from_form(
            item_content_of(version),
            form,
            attempt_option_order(attempt=attempt, item_version=version),
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def attempt_answer(*, attempt: Attempt, user, item_version_id: int, answer, language="en"):
    """Record the answer to the question on screen and move on; returns the updated attempt.

    Raises DuplicateResponseError for a re-submitted answer, AssessmentUnavailableError for a
    question that is not the one on screen, an attempt of someone else, or one that is over;
    ValidationError for a malformed answer. Nothing is written in any of those cases."""
    if attempt.user_id != user.pk:
        raise AssessmentUnavailableError("This attempt belongs to another candidate.")
    if attempt_expire_if_due(attempt):
        raise AssessmentUnavailableError("Time is up: this answer came too late to count.")
    cached = Attempt.current_item_version.is_cached(attempt)  # type: ignore[attr-defined]
    shown = attempt.current_item_version if cached else None
    if attempt_refresh(attempt):
        raise QuestionWithdrawnError(
            "That question has just been withdrawn from the bank and does not count. "
            "Here is the next one."
        )
    with transaction.atomic():
        # Lock only the attempt row (not its assessment, which every candidate reads).
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("assessment")
            .get(pk=attempt.pk)
        )
        if attempt.finished_at is not None:
            if attempt.responses.filter(item_version_id=item_version_id).exists():
                # a double-clicked (or replayed) last answer: it counted, once
                raise DuplicateResponseError("This answer was already recorded.")
            raise AssessmentUnavailableError("This attempt is finished.")
        if attempt.assessment is None:
            raise AssessmentUnavailableError("This attempt is not part of an assessment.")
        if attempt.current_item_version_id != item_version_id:
            if attempt.responses.filter(item_version_id=item_version_id).exists():
                raise DuplicateResponseError("This answer was already recorded.")
            raise AssessmentUnavailableError("That is not the question on your screen.")
        version = (
            shown  # the page's version, read with its options and texts in this request
            if shown is not None and shown.pk == item_version_id
            else ItemVersion.objects.select_related("item")
            .prefetch_related("options", "translations")
            .get(pk=item_version_id)
        )
        response_record(
            user=user,
            item_version=version,
            answer=answer,
            mode=Mode.SUMMATIVE,
            attempt=attempt,
            language=language,
            option_order=attempt_option_order(attempt=attempt, item_version=version),
        )
        bank, withdrawn = _attempt_bank_checked(attempt)
        _advance(attempt, attempt.assessment, bank, withdrawn)
        attempt.save()
    return attempt


def _finish(
    attempt: Attempt, assessment: Assessment, bank: AssessmentBank, given: _Given, *, reason: str
) -> None:
    """Score the attempt, update CAT exposure counts, and enqueue the grade after commit."""
    _score_set(attempt, assessment, bank, given)
    attempt.stop_reason = reason
    attempt.finished_at = timezone.now()
    attempt.current_item_version = None
    if attempt.is_preview:
        return  # a staff preview changes no counters and sends no grade
    if assessment.delivery == Delivery.CAT:
        index = {p.version_id: i for i, p in enumerate(bank.items)}
        shown = [index[r.item_version_id] for r in given.responses]
        _exposure_record(assessment, bank, shown, attempt.state.get("shadow"))
    if attempt.state.get("awaiting_marking"):
        return  # the grade goes to the LMS once the last essay is marked (attempt_rescore)
    payload = _grade_payload(attempt, assessment)
    transaction.on_commit(lambda: _grade_enqueue(payload))


def _score_set(attempt: Attempt, assessment: Assessment, bank: AssessmentBank, given) -> None:
    """Score fields from the marked responses; ``state["awaiting_marking"]``: essays to mark."""
    index = {p.version_id: i for i, p in enumerate(bank.items)}
    scored = [r for r in given.responses if r.score is not None]
    fields = attempt_score_fields(
        assessment=assessment,
        bank=bank,
        administered=[index[r.item_version_id] for r in scored],
        scores=[float(r.score) for r in scored],
        paper_length=len(attempt.paper),
    )
    for name, value in fields.items():
        setattr(attempt, name, value)
    waiting = len(given.responses) - len(scored)
    attempt.state = {**attempt.state, "awaiting_marking": waiting}


@transaction.atomic
def attempt_rescore(attempt: Attempt) -> Attempt:
    """Score a finished attempt again after an assessor marked one of its essays; once none is
    left to mark, its grade goes to the LMS (an attempt waiting for marks sent none)."""
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    assessment = locked.assessment
    if locked.finished_at is None or assessment is None:
        return locked
    was_waiting = bool(locked.state.get("awaiting_marking"))
    bank = _attempt_bank(locked)
    _score_set(locked, assessment, bank, _given(locked, bank))
    locked.save()
    if was_waiting and not locked.state["awaiting_marking"] and not locked.is_preview:
        payload = _grade_payload(locked, assessment)
        transaction.on_commit(lambda: _grade_enqueue(payload))
    return locked


def attempt_score_fields(
    *,
    assessment: Assessment,
    bank: AssessmentBank,
    administered: list[int],
    scores: list[float],
    paper_length: int,
) -> dict:
    """The score fields of one finished attempt; see ``attempts_score_fields``."""
    return attempts_score_fields(
        assessment=assessment, bank=bank, sittings=[(administered, scores, paper_length)]
    )[0]


def attempts_score_fields(
    *,
    assessment: Assessment,
    bank: AssessmentBank,
    sittings: list[tuple[list[int], list[float], int]],
) -> list[dict]:
    """Score fields (theta, SE, marks, percent, passed, per-NOS sub-scores) of finished
    attempts, each given as (pool indices answered, their scores, LOFT paper length).

    EAP (Bock & Mislevy 1982), all attempts at once; percent: marks earned on a LOFT paper, the
    expected percent of theory marks at the ability for a CAT (the test characteristic curve
    weighted by PC marks, ``AssessmentBank.expected_percent``)."""
    if not sittings:
        return []
    y = np.full((len(sittings), len(bank.items)), np.nan)
    for row, (administered, scores, _) in enumerate(sittings):
        # One IRT category per score level: right/wrong (2PL) or partial credit (GPCM).
        y[row, administered] = [
            bank.category(i, s) for i, s in zip(administered, scores, strict=True)
        ]
    estimate = estimate_ability(y, bank.irt, "eap")
    areas = [p.nos_code for p in bank.items]
    by_nos = subscores(y, bank.irt, areas, "eap")
    nos_items = {
        nos: [i for i, p in enumerate(bank.items) if p.nos_code == nos] for nos in bank.nos_titles
    }
    cut = pass_percentage(assessment)
    out = []
    for row, (administered, scores, paper_length) in enumerate(sittings):
        theta = float(estimate.theta[row])
        raw = float(sum(scores))
        if assessment.delivery == Delivery.LOFT:
            maximum = float(paper_length)
            percent = 100.0 * raw / maximum if maximum else 0.0
        else:
            maximum = float(len(scores))
            percent = bank.expected_percent(theta)
        percent = round(percent, 2)
        out.append(
            {
                "theta": theta,
                "standard_error": float(estimate.standard_error[row]),
                "raw_score": raw,
                "max_score": maximum,
                "percent": percent,
                "passed": percent >= cut,
                "subscores": _nos_subscores(bank, administered, scores, by_nos, row, nos_items),
            }
        )
    return out


def _grade_payload(attempt: Attempt, assessment: Assessment) -> dict:
    """The arguments of ``lti.tasks.attempt_grade_publish`` for a finished attempt."""
    return {
        "user_id": attempt.user_id,
        "assessment_key": assessment.slug,
        "score_given": attempt.percent,
        "score_maximum": 100.0,
        "attempt_key": f"adaptive-attempt-{attempt.pk}",
    }


def _grade_enqueue(payload: dict) -> None:
    """By task name: adaptive may not import lti. A broker outage must not lose the result page;
    the attempt is stored and an admin can resend (``attempt_grade_resend``)."""
    try:
        current_app.signature("lti.tasks.attempt_grade_publish", kwargs=payload).delay()
    except Exception:  # noqa: BLE001 - logged; the attempt itself is already committed
        logger.exception("could not enqueue the grade of %s", payload["attempt_key"])


def attempt_grade_resend(attempt: Attempt) -> None:
    """Enqueue a finished attempt's grade again (the LTI side keeps it exactly once)."""
    if attempt.finished_at is None or attempt.assessment is None or attempt.percent is None:
        raise ValidationError("Only finished assessment attempts have a grade.")
    _grade_enqueue(_grade_payload(attempt, attempt.assessment))


def _nos_subscores(bank, administered, scores, by_nos, row, nos_items) -> list[dict]:
    if not administered:
        return []
    given: dict[str, list[float]] = {}
    for i, score in zip(administered, scores, strict=True):
        given.setdefault(bank.items[i].nos_code, []).append(score)
    out = []
    for nos, title in bank.nos_titles.items():
        if nos not in by_nos:
            continue
        rows = given.get(nos, [])
        theta = float(by_nos[nos].theta[row])
        out.append(
            {
                "nos_code": nos,
                "nos_title": title,
                "questions": len(rows),
                "marks": float(sum(rows)),
                "theta": round(theta, 3),
                "standard_error": round(float(by_nos[nos].standard_error[row]), 3),
                "expected_percent": round(bank.expected_percent(theta, nos_items[nos]), 1),
            }
        )
    return out


def _exposure_record(assessment, bank, administered, shadow) -> None:
    """Count this test in the assessment's shared exposure state (Sympson-Hetter needs
    administrations and eligibility per item, and the number of tests)."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    state = locked.exposure_state or {}
    items = state.setdefault("items", {})
    n = len(bank.items)
    eligible = ShadowTest.from_state(shadow, n).eligible if shadow else np.ones(n, dtype=bool)
    given = set(administered)
    for i, p in enumerate(bank.items):
        row = items.setdefault(str(p.item_id), [0, 0])
        if i in given:
            row[0] += 1
        if eligible[i]:
            row[1] += 1
    state["tests"] = int(state.get("tests", 0)) + 1
    locked.exposure_state = state
    locked.save(update_fields=["exposure_state"])
    assessment.exposure_state = state


def question_widget_template(item_type: str) -> str:
    """The include that draws an item type's answer input (named by its type spec, as the
    curator's preview uses it too)."""
    return item_type_spec(item_type).widget_template
