"""The demo world ``demo_setup`` builds on top of the seeds and the demo bank: training centres,
batches with trainers, simulated candidates and their summative attempts, then item statistics
and a calibration, so every demo account lands on a page with something in it.

Candidates' responses are drawn from the 2PL model (``adaptive.irt.probability``) with "true"
item parameters made up from each item's author difficulty estimate; a handful of items get a
low true discrimination so the curator's flags have something to show. LOFT papers are assembled
and CAT tests are run by the same IRT core as live delivery (``assemble_paper``, ``CatSession``),
then written with ``bulk_create``. Each candidate has also answered some of the lessons'
knowledge checks (practice items, drawn from the same model at the candidate's ability per NOS,
recorded as the lesson page records them: practice responses without an attempt), so the
trainer's PC drill-down and the learner's progress page show practice next to assessments.
After calibration the attempts are scored on the calibrated bank, as a live attempt would be had
the bank been calibrated beforehand.

Everything here is demo data: idempotent (a second run finds the world and leaves it as it is).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from adaptive.calibration import calibration_run_execute, calibration_run_start
from adaptive.delivery import assessment_blueprint, attempts_score_fields, pass_percentage
from adaptive.irt import (
    CatSession,
    ExposureControl,
    PreparedBank,
    StoppingRule,
    assemble_paper,
    blueprint_violations,
)
from adaptive.models import (
    Assessment,
    AssessmentAssignment,
    Attempt,
    CalibrationRun,
    Mode,
    NosMark,
    Reassessment,
    Response,
)
from adaptive.papers import AssessmentBank, bank_build
from adaptive.tasks import item_statistics_compute
from lti.models import Batch, BatchMembership, TrainingCentre
from question_bank.models import (
    Item,
    ItemPurpose,
    ItemStatus,
    ItemType,
    ItemVersion,
    QualificationPack,
)

QP_CODE = "ASC/Q0202"
LOFT_SLUG = "asc-q0202-theory"
CAT_SLUG = "asc-q0202-adaptive"
N_CANDIDATES = 300

CENTRES = [
    ("pune", "Kaushal Skills Centre", "Pune", "Asia/Kolkata"),
    ("dubai", "Skill India International Centre", "Dubai", "Asia/Dubai"),
]
# (name, centre code, trainer username, candidates, mean ability, NOS it is weak on)
BATCHES = [
    ("Pune morning batch 2026-A", "pune", "trainer", 120, 0.9, "ASC/N0203"),
    ("Pune evening batch 2026-B", "pune", "trainer", 100, 0.5, "ASC/N0002"),
    ("Dubai weekend batch 2026-1", "dubai", "trainer2", 80, 0.7, "ASC/N0004"),
]
FIRST_NAMES = [
    "Aarav",
    "Aditi",
    "Akash",
    "Ananya",
    "Arjun",
    "Bhavna",
    "Chetan",
    "Deepa",
    "Divya",
    "Farhan",
    "Gaurav",
    "Geeta",
    "Harish",
    "Isha",
    "Jaya",
    "Karan",
    "Kavya",
    "Manoj",
    "Meera",
    "Naveen",
    "Neha",
    "Pooja",
    "Pranav",
    "Priya",
    "Rahul",
    "Rekha",
    "Rohan",
    "Sana",
    "Shreya",
    "Suresh",
    "Tanvi",
    "Uday",
    "Varun",
    "Vidya",
    "Yash",
    "Zoya",
    "Imran",
    "Lakshmi",
    "Mohan",
    "Nisha",
]
LAST_NAMES = [
    "Sharma",
    "Verma",
    "Iyer",
    "Nair",
    "Reddy",
    "Patel",
    "Shah",
    "Gupta",
    "Das",
    "Banerjee",
    "Khan",
    "Singh",
    "Rao",
    "Pillai",
    "Menon",
    "Joshi",
    "Kulkarni",
    "Deshpande",
    "Chatterjee",
    "Bose",
    "Naidu",
    "Mishra",
    "Pandey",
    "Kapoor",
    "Fernandes",
]
LEARNER = BatchMembership.Role.LEARNER
LOW_DISCRIMINATION_ITEMS = 4  # planted so the curator's flags show something
PRACTICE_SHARE = (0.3, 0.8)  # each candidate answered this share of the knowledge checks


@dataclass
class _Sitting:
    user_id: int
    batch: int
    assessment: Assessment
    number: int
    started_at: datetime
    administered: list[int]
    results: list[float]
    paper: list[int]
    stop_reason: str
    overlap_cap: float | None
    attempt: Attempt | None = None  # once written


@contextmanager
def _timestamps_as_given(*models) -> Iterator[None]:
    """Let bulk_create keep the past dates we give (auto_now_add would stamp "now")."""
    fields = [
        f for m in models for f in m._meta.concrete_fields if getattr(f, "auto_now_add", False)
    ]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def demo_world_build(*, say: Callable[[str], None], seed: int = 2026) -> None:
    """Build the world once; ``say`` prints progress."""
    pack = QualificationPack.objects.filter(code=QP_CODE, is_current=True).first()
    if pack is None:
        say(f"{QP_CODE} is not imported: no demo batches, candidates or results.")
        return
    loft = Assessment.objects.filter(slug=LOFT_SLUG).first()
    cat = Assessment.objects.filter(slug=CAT_SLUG).first()
    if loft is None or cat is None:
        say("The demo assessments are missing: no demo batches, candidates or results.")
        return
    if Batch.objects.filter(name=BATCHES[0][0]).exists():
        say("Demo batches already exist: the demo world is kept as it is.")
        return
    rng = np.random.default_rng(seed)
    started = time.monotonic()
    batches = _centres_and_batches(say)
    candidates = _candidates(batches, rng, say)
    bank = bank_build(qualification_pack_code=QP_CODE)
    true_a, true_b = _true_parameters(bank, rng)
    now = timezone.now()
    _assign(loft, cat, batches, now)
    abilities: dict[int, dict[str, float]] = {}
    sittings = _simulate(
        bank, batches, candidates, loft, cat, true_a, true_b, now, rng, say, abilities
    )
    _write(bank, sittings, rng, say)
    _practice(abilities, now, rng, say)
    say("Calibrating the ASC/Q0202 bank (2PL, marginal maximum likelihood) ...")
    run = calibration_run_start(
        qualification_pack_code=QP_CODE, calibration_mode=CalibrationRun.CalibrationMode.FULL
    )
    # In-process, now: the demo must show a calibrated bank even with a broker and no worker
    # (a worker that gets the queued task later finds it done and leaves it).
    calibration_run_execute(run.pk)
    run.refresh_from_db()
    say(
        f"  calibration {run.status}: {run.stage} ({run.n_items} items, "
        f"{run.n_persons} attempts, {run.iterations} EM iterations)"
    )
    say(f"Computing item statistics ({Response.objects.count()} responses) ...")
    item_statistics_compute(QP_CODE)  # after calibration: misfit flags read its item fit
    _score(sittings, say)
    _practical_marks(loft, sittings, rng)
    say(f"Demo world ready in {time.monotonic() - started:.1f} s.")


def _centres_and_batches(say) -> list[tuple[Batch, int, float, str]]:
    centres = {}
    for code, name, city, zone in CENTRES:
        centres[code], _ = TrainingCentre.objects.get_or_create(
            code=code, defaults={"name": name, "city": city, "time_zone": zone}
        )
    centre_admin = User.objects.filter(username="centre").first()
    if centre_admin:
        centres["pune"].administrators.add(centre_admin)
    assessor = User.objects.filter(username="assessor").first()
    if assessor:  # the demo assessor assesses both centres (assigns from their own page)
        for assessed in centres.values():
            assessed.assessors.add(assessor)
    out = []
    today = timezone.localdate()
    for name, centre, trainer, n, mean, weak in BATCHES:
        batch = Batch.objects.create(
            name=name,
            qualification_pack_code=QP_CODE,
            centre=centres[centre],
            starts_on=today - timedelta(days=60),
            ends_on=today + timedelta(days=30),
        )
        user = User.objects.get(username=trainer)
        BatchMembership.objects.create(batch=batch, user=user, role=BatchMembership.Role.TRAINER)
        centres[centre].trainers.add(user)  # on the centre's staff: opens its next batch there
        out.append((batch, n, mean, weak))
        say(f"Batch {name} at {centres[centre]}: {n} candidates, trainer {user.full_name}")
    return out


def _candidates(batches, rng, say) -> list[list[User]]:
    """Candidates per batch; the demo learner is the first of the first batch."""
    names = [f"{f} {last}" for last in LAST_NAMES for f in FIRST_NAMES]
    rng.shuffle(names)
    users = [
        User(
            username=f"cand{k + 1:03d}",
            full_name=names[k],
            email=f"cand{k + 1:03d}@kaushal.example",
            password="!",  # unusable: simulated candidates never sign in
        )
        for k in range(N_CANDIDATES - 1)
    ]
    User.objects.bulk_create(users)
    created = list(User.objects.filter(username__startswith="cand").order_by("username"))
    learner = User.objects.get(username="learner")
    pool = [learner, *created]
    group = Group.objects.get(name=Role.LEARNER.value)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in created],
        ignore_conflicts=True,
    )
    out, start = [], 0
    for batch, n, _, _ in batches:
        members = pool[start : start + n]
        start += n
        BatchMembership.objects.bulk_create(
            [BatchMembership(batch=batch, user=u, role=LEARNER) for u in members]
        )
        out.append(members)
    say(f"{len(pool)} candidates enrolled in {len(batches)} batches")
    return out


def _true_parameters(bank: AssessmentBank, rng) -> tuple[np.ndarray, np.ndarray]:
    """Made-up "true" 2PL parameters: b near the author's estimate, a around 1.2."""
    n = len(bank.items)
    a = np.exp(rng.normal(0.15, 0.25, n))
    b = 0.8 * np.asarray(bank.irt.difficulty, dtype=float) + rng.normal(0.0, 0.5, n)
    a[rng.choice(n, size=min(LOW_DISCRIMINATION_ITEMS, n), replace=False)] = 0.12
    return a, b


def _assign(loft: Assessment, cat: Assessment, batches, now: datetime) -> None:
    """LOFT: all three batches, window opened three weeks ago and open a week more, two
    attempts for those who failed. CAT: Pune morning (open now) and Dubai (closed)."""
    rows = [
        AssessmentAssignment(
            assessment=loft,
            batch=batch,
            opens_at=now - timedelta(days=21),
            closes_at=now + timedelta(days=7),
            attempts_allowed=2,
            reassessment=Reassessment.FAILED,
        )
        for batch, _, _, _ in batches
    ]
    rows.append(
        AssessmentAssignment(
            assessment=cat,
            batch=batches[0][0],
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=14),
            attempts_allowed=3,
            reassessment=Reassessment.ANY,
        )
    )
    rows.append(
        AssessmentAssignment(
            assessment=cat,
            batch=batches[2][0],
            opens_at=now - timedelta(days=10),
            closes_at=now - timedelta(days=3),
            attempts_allowed=1,
            reassessment=Reassessment.NONE,
        )
    )
    AssessmentAssignment.objects.bulk_create(rows)


def _simulate(bank, batches, candidates, loft, cat, true_a, true_b, now, rng, say, abilities):
    """Who sat what, when, and how they answered (by the 2PL with the true parameters);
    ``abilities`` receives each candidate's true ability per NOS code."""
    nos_codes = list(bank.nos_titles)
    nos_of_item = np.array([nos_codes.index(p.nos_code) for p in bank.items])
    loft_blueprint = assessment_blueprint(loft, bank)
    cat_blueprint = assessment_blueprint(cat, bank)
    prepared = PreparedBank.from_bank(bank.irt)
    exposure = ExposureControl(
        n_items=len(bank.items), method="progressive", max_rate=cat.max_exposure
    )
    cut = bank.theta_for_percent(pass_percentage(loft))
    sittings: list[_Sitting] = []
    t0 = time.monotonic()
    for k, ((_, _, mean, weak), members) in enumerate(zip(batches, candidates, strict=True)):
        for user in members:
            theta = rng.normal(mean, 0.9)
            # Ability per NOS around the person's ability; the batch is weak on one NOS.
            per_nos = theta + rng.normal(0.0, 0.45, len(nos_codes))
            if weak in nos_codes:
                per_nos[nos_codes.index(weak)] -= 0.9
            abilities[user.pk] = dict(zip(nos_codes, per_nos.tolist(), strict=True))
            p_true = _p2pl(per_nos[nos_of_item], true_a, true_b)
            seen: list[int] = []
            when = now - timedelta(days=int(rng.integers(14, 20)), hours=int(rng.integers(0, 8)))
            if k in (0, 1):
                for number in (1, 2):
                    paper = _paper(bank, loft_blueprint, seen, cut, rng)
                    results = [float(rng.random() < p_true[i]) for i in paper]
                    sittings.append(
                        _Sitting(
                            user.pk, k, loft, number, when, paper, results, paper,
                            "paper_complete", 1.0,
                        )
                    )  # fmt: skip
                    seen += paper
                    # Reassessment only for those likely to have failed, a week later.
                    if float(np.mean(results)) * 100 >= pass_percentage(loft) - 8:
                        break
                    when += timedelta(days=7)
            else:
                session = CatSession(
                    prepared,
                    cat_blueprint,
                    stopping=StoppingRule(
                        se_target=cat.se_target, min_length=cat.min_length, max_length=cat.length
                    ),
                    exposure=exposure,
                    resolve_threshold=1.0,  # fewer shadow-test solves: the demo must be quick
                    rng=rng,
                )
                while (item := session.next_item()) is not None:
                    session.record(item, float(rng.random() < p_true[item]))
                sittings.append(
                    _Sitting(
                        user.pk, k, cat, 1, now - timedelta(days=int(rng.integers(4, 10))),
                        list(session.administered), list(session.responses), [],
                        session.stop_reason or "max_length", None,
                    )
                )  # fmt: skip
    cat.exposure_state = {
        "items": {
            str(p.item_id): [int(exposure.counts[i]), int(exposure.eligible_counts[i])]
            for i, p in enumerate(bank.items)
        },
        "tests": int(exposure.n_tests),
    }
    cat.save(update_fields=["exposure_state"])
    say(f"Simulated {len(sittings)} attempts in {time.monotonic() - t0:.1f} s")
    return sittings


def _paper(bank: AssessmentBank, blueprint, excluded: list[int], cut: float, rng) -> list[int]:
    """A LOFT paper drawn at random within the blueprint (checked by ``blueprint_violations``),
    so that 300 candidates take a few seconds; ``assemble_paper`` when the draw misses."""
    banned = set(excluded)
    member: list[list[int]] = [[] for _ in bank.items]
    for k, c in enumerate(blueprint.constraints):
        for i in c.items:
            member[i].append(k)
    for _ in range(30):
        counts = [0] * len(blueprint.constraints)
        chosen: list[int] = []
        order = [int(i) for i in rng.permutation(len(bank.items)) if int(i) not in banned]
        for first_pass in (True, False):
            for i in order:
                if len(chosen) == blueprint.length:
                    break
                if i in chosen:
                    continue
                cons = [blueprint.constraints[k] for k in member[i]]
                if any(counts[k] + 1 > c.maximum for k, c in zip(member[i], cons, strict=True)):
                    continue
                if first_pass and not any(
                    counts[k] < c.minimum for k, c in zip(member[i], cons, strict=True)
                ):
                    continue
                chosen.append(i)
                for k in member[i]:
                    counts[k] += 1
        if len(chosen) == blueprint.length and not blueprint_violations(blueprint, chosen):
            return chosen
    paper = assemble_paper(bank.irt, blueprint, target_thetas=[cut], excluded=excluded, rng=rng)
    return [int(i) for i in paper]


def _p2pl(theta: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a * (theta - b)))


def _answers(bank: AssessmentBank) -> dict[int, tuple[list, list]]:
    """Per pool index: (a correct answer, wrong answers to draw from)."""
    versions = {
        v.pk: v
        for v in ItemVersion.objects.filter(pk__in=bank.version_ids).prefetch_related("options")
    }
    out = {}
    for i, p in enumerate(bank.items):
        v = versions[p.version_id]
        if v.item_type == ItemType.NUMERIC and v.numeric_answer is not None:
            right = v.numeric_answer
            step = (v.numeric_tolerance or 0) + 1
            out[i] = ([str(right)], [[str(right + step)], [str(right - step)]])
            continue
        keys = [o.key for o in v.options.all()]
        correct = [o.key for o in v.options.all() if o.fraction > 0]
        wrong = [[k] for k in keys if k not in correct] or [[]]
        out[i] = (correct, wrong)
    return out


def _write(bank: AssessmentBank, sittings: list[_Sitting], rng, say) -> None:
    answers = _answers(bank)
    with transaction.atomic(), _timestamps_as_given(Attempt, Response):
        attempts = Attempt.objects.bulk_create(
            [
                Attempt(
                    user_id=s.user_id,
                    mode=Mode.SUMMATIVE,
                    qualification_pack_code=QP_CODE,
                    assessment=s.assessment,
                    number=s.number,
                    pool=bank.version_ids,
                    paper=s.paper,
                    state={"overlap_cap": s.overlap_cap} if s.overlap_cap is not None else {},
                    started_at=s.started_at,
                    finished_at=s.started_at
                    + timedelta(minutes=int(rng.integers(12, 40)), seconds=int(rng.integers(60))),
                    stop_reason=s.stop_reason,
                )
                for s in sittings
            ]
        )
        responses = []
        for attempt, s in zip(attempts, sittings, strict=True):
            assert attempt.finished_at is not None
            step = (attempt.finished_at - s.started_at) / max(1, len(s.administered))
            for n, (i, r) in enumerate(zip(s.administered, s.results, strict=True)):
                right, wrong = answers[i]
                responses.append(
                    Response(
                        user_id=s.user_id,
                        attempt=attempt,
                        item_id=bank.items[i].item_id,
                        item_version_id=bank.items[i].version_id,
                        mode=Mode.SUMMATIVE,
                        answer=right if r else wrong[int(rng.integers(len(wrong)))],
                        score=r,
                        is_correct=bool(r),
                        created_at=s.started_at + step * (n + 1),
                    )
                )
        Response.objects.bulk_create(responses, batch_size=2000)
        exposure = np.zeros(len(bank.items), dtype=np.int64)
        for s in sittings:
            exposure[s.administered] += 1
        items = list(Item.objects.filter(pk__in=[p.item_id for p in bank.items]))
        by_id = {p.item_id: int(exposure[i]) for i, p in enumerate(bank.items)}
        for item in items:
            item.exposure_count = by_id.get(item.pk, 0)
        Item.objects.bulk_update(items, ["exposure_count"])
    for s, attempt in zip(sittings, attempts, strict=True):
        s.attempt = attempt
    say(f"Wrote {len(attempts)} attempts and {len(responses)} responses")


def _practice(abilities: dict[int, dict[str, float]], now: datetime, rng, say) -> None:
    """Knowledge-check answers: each candidate answered a random share of the practice items
    in the weeks before the assessments, right with the 2PL probability at their ability in the
    item's NOS (true a around 1, b near the author's difficulty, as for the graded bank)."""
    versions = list(
        ItemVersion.objects.filter(
            status=ItemStatus.APPROVED,
            item__purpose=ItemPurpose.PRACTICE,
            item__nos__code__in={code for per_nos in abilities.values() for code in per_nos},
            item__performance_criterion__isnull=False,
        )
        .select_related("item__nos")
        .prefetch_related("options")
        .order_by("item_id")
    )
    if not versions:
        say("No practice items in the bank: no knowledge-check answers simulated.")
        return
    keys = []
    for v in versions:
        if v.item_type == ItemType.NUMERIC and v.numeric_answer is not None:
            step = (v.numeric_tolerance or 0) + 1
            keys.append(([str(v.numeric_answer)], [[str(v.numeric_answer + step)]]))
            continue
        correct = [o.key for o in v.options.all() if o.fraction > 0]
        wrong = [[o.key] for o in v.options.all() if o.fraction <= 0] or [[]]
        keys.append((correct, wrong))
    a = np.exp(rng.normal(0.0, 0.2, len(versions)))
    b = np.array([0.6 * ((v.difficulty_estimate or 3) - 3) for v in versions]) + rng.normal(
        0.0, 0.5, len(versions)
    )
    responses = []
    for user_id, per_nos in abilities.items():
        share = rng.uniform(*PRACTICE_SHARE)
        n = max(1, round(share * len(versions)))
        chosen = np.sort(rng.choice(len(versions), size=n, replace=False))
        for i in chosen:
            v = versions[i]
            theta = per_nos.get(v.item.nos.code)  # type: ignore[union-attr]
            if theta is None:
                continue
            right = bool(rng.random() < _p2pl(np.array(theta), a[i], b[i]))
            correct, wrong = keys[i]
            responses.append(
                Response(
                    user_id=user_id,
                    item_id=v.item_id,
                    item_version=v,
                    mode=Mode.PRACTICE,
                    answer=correct if right else wrong[int(rng.integers(len(wrong)))],
                    score=float(right),
                    is_correct=right,
                    created_at=now
                    - timedelta(days=int(rng.integers(21, 50)), minutes=int(rng.integers(600))),
                )
            )
    with transaction.atomic(), _timestamps_as_given(Response):
        Response.objects.bulk_create(responses, batch_size=2000)
    say(f"Wrote {len(responses)} knowledge-check answers ({len(versions)} practice items)")


def _score(sittings: list[_Sitting], say) -> None:
    """Score every simulated attempt on the calibrated bank, as delivery does."""
    bank = bank_build(qualification_pack_code=QP_CODE)
    attempts = []
    for assessment in {s.assessment.pk: s.assessment for s in sittings}.values():
        mine = [s for s in sittings if s.assessment.pk == assessment.pk]
        scored = attempts_score_fields(
            assessment=assessment,
            bank=bank,
            sittings=[(s.administered, s.results, len(s.paper)) for s in mine],
        )
        for s, fields in zip(mine, scored, strict=True):
            attempt = s.attempt
            assert attempt is not None
            for name, value in fields.items():
                setattr(attempt, name, value)
            attempts.append(attempt)
    names = ["theta", "standard_error", "raw_score", "max_score", "percent", "passed", "subscores"]
    with transaction.atomic():  # one UPDATE per row beats bulk_update's CASE on SQLite
        for attempt in attempts:
            Attempt.objects.filter(pk=attempt.pk).update(
                **{name: getattr(attempt, name) for name in names}
            )
    passed = sum(1 for a in attempts if a.passed)
    say(f"Scored {len(attempts)} attempts on the calibrated bank: {passed} passed")


def _practical_marks(loft: Assessment, sittings: list[_Sitting], rng) -> None:
    """The assessor's practical marks per NOS for the LOFT candidates (by theory ability)."""
    pack = QualificationPack.objects.get(code=QP_CODE, is_current=True)
    links = list(pack.nos_links.select_related("nos").order_by("position"))
    latest: dict[int, _Sitting] = {}
    for s in sittings:
        if s.assessment.pk == loft.pk:
            latest[s.user_id] = s
    rows = []
    for user_id, s in latest.items():
        theta = s.attempt.theta if s.attempt else None
        share = float(np.clip(0.55 + 0.12 * (theta or 0.0), 0.3, 0.98))
        for link in links:
            practical = link.nos.practical_marks or link.practical_marks
            if not practical:
                continue
            value = round(float(practical) * float(np.clip(rng.normal(share, 0.08), 0, 1)))
            rows.append(
                NosMark(assessment=loft, user_id=user_id, nos_code=link.nos.code, practical=value)
            )
    NosMark.objects.bulk_create(rows)
