"""DIF of a bank between groups that matter here (issue 14): the language of the answers, the
centre of the assessment event, and a grouping the caller supplies (gender), on sparse data as
CAT and LOFT papers leave it, with candidates matched on their ability."""

from __future__ import annotations

import io

import numpy as np
import pytest

from accounts.roles import Role
from adaptive.dif import item_dif
from adaptive.models import Assessment, Attempt, Mode, Response
from tests.question_bank.factories import content_single, item_make, user_in

pytestmark = pytest.mark.django_db

PCS = [("ASC/N0001", f"PC{i}") for i in range(1, 10)] + [("ASC/N0002", "PC1")]
A = np.array([1.0, 1.2, 0.8, 1.1, 0.9, 1.3, 1.0, 0.7, 1.2, 1.0])
B = np.array([0.0, -1.0, -0.5, 0.5, 1.0, 0.2, -0.2, 0.8, -0.8, 0.3])


@pytest.fixture
def calibrated_bank(asc_q0202):
    author, approver = user_in(Role.SSC_CURATOR), user_in(Role.SSC_CURATOR)
    items = [
        item_make(nos=nos, pc=pc, content=content_single(f"Q{k}?"), author=author,
                  approver=approver)
        for k, (nos, pc) in enumerate(PCS)
    ]  # fmt: skip
    for item, a, b in zip(items, A, B, strict=True):
        item.discrimination, item.difficulty = float(a), float(b)
        item.save(update_fields=["discrimination", "difficulty"])
    return items


def _sit(items, n: int, seed: int, *, group_of) -> list:
    """n attempts, 6 of the 10 items each (random), the focal side 0.5 lower in ability and
    item 0 one logit harder for it; ``group_of(i)`` -> (language, assessment, focal?). The two
    sides' attempts belong to two learners (returned: reference side's, focal side's)."""
    rng = np.random.default_rng(seed)
    learners = [user_in(Role.LEARNER), user_in(Role.LEARNER)]
    sides = [group_of(i) for i in range(n)]
    attempts = Attempt.objects.bulk_create(
        Attempt(user=learners[focal], mode=Mode.SUMMATIVE, qualification_pack_code="ASC/Q0202",
                assessment=assessment, number=i + 1)
        for i, (_, assessment, focal) in enumerate(sides)
    )  # fmt: skip
    rows = []
    for attempt, (language, _, focal) in zip(attempts, sides, strict=True):
        learner = learners[focal]
        theta = rng.normal(-0.5 if focal else 0.0, 1.0)
        for j in rng.choice(len(items), 6, replace=False):
            b = B[j] + (1.0 if focal and j == 0 else 0.0)
            right = bool(rng.random() < 1 / (1 + np.exp(-A[j] * (theta - b))))
            rows.append(Response(user=learner, attempt=attempt, item=items[j],
                                 item_version=items[j].versions.get(), mode=Mode.SUMMATIVE,
                                 language=language, answer=["A"], score=float(right),
                                 is_correct=right))  # fmt: skip
    Response.objects.bulk_create(rows)
    return learners


def _flagged(result) -> dict[int, str | None]:
    return {r.item_id: r.category for r in result}


def test_an_item_harder_in_hindi_is_flagged_by_language_and_impact_is_not_dif(calibrated_bank):
    items = calibrated_bank
    _sit(items, 3000, 1, group_of=lambda i: ("hi" if i % 2 else "en", None, i % 2))
    result = item_dif(qualification_pack_code="ASC/Q0202", by="language", focal="hi",
                      reference="en")  # fmt: skip
    by_item = {r.item_id: r for r in result}
    assert by_item[items[0].pk].category == "C" and by_item[items[0].pk].delta < -1.5
    assert sum(by_item[i.pk].category != "A" for i in items[1:]) <= 1
    assert all(r.n_focal + r.n_reference >= 1500 for r in result)


def test_dif_by_centre_and_by_a_grouping_the_caller_supplies(calibrated_bank):
    items = calibrated_bank
    pune = Assessment.objects.create(slug="pune", title="Pune", qualification_pack_code="ASC/Q0202",
                                     centre="Pune")  # fmt: skip
    agra = Assessment.objects.create(slug="agra", title="Agra", qualification_pack_code="ASC/Q0202",
                                     centre="Agra")  # fmt: skip
    learners = _sit(items, 3000, 2, group_of=lambda i: ("en", agra if i % 2 else pune, i % 2))
    centre = _flagged(item_dif(qualification_pack_code="ASC/Q0202", by="centre", focal="Agra"))
    assert centre[items[0].pk] == "C"
    assert sum(centre[i.pk] != "A" for i in items[1:]) <= 1

    # The platform stores no gender: the caller maps users to groups (e.g. from the LMS).
    genders = {learners[0].pk: "M", learners[1].pk: "F"}
    gender = _flagged(item_dif(qualification_pack_code="ASC/Q0202", by="user", focal="F",
                               reference="M", user_groups=genders))  # fmt: skip
    assert gender == centre
    with pytest.raises(ValueError, match="no answers from group 'X'"):
        item_dif(qualification_pack_code="ASC/Q0202", by="user", focal="X", user_groups=genders)


def test_bad_requests_say_what_is_wrong_and_change_nothing(calibrated_bank, asc_q0202):
    items = calibrated_bank
    _sit(items, 200, 3, group_of=lambda i: ("hi" if i % 2 else "en", None, i % 2))
    before = Response.objects.count()
    with pytest.raises(ValueError, match="unknown grouping 'gender'"):
        item_dif(qualification_pack_code="ASC/Q0202", by="gender", focal="F")
    with pytest.raises(ValueError, match="stores no such attribute"):
        item_dif(qualification_pack_code="ASC/Q0202", by="user", focal="F")
    with pytest.raises(ValueError, match="groups with answers: en, hi"):
        item_dif(qualification_pack_code="ASC/Q0202", by="language", focal="ta")
    small = item_dif(qualification_pack_code="ASC/Q0202", by="language", focal="hi",
                     min_per_group=500)  # fmt: skip
    assert all(r.category is None and r.delta is None for r in small)
    Item = type(items[0])
    Item.objects.update(discrimination=None, difficulty=None)
    with pytest.raises(ValueError, match="calibrate the bank first"):
        item_dif(qualification_pack_code="ASC/Q0202", by="language", focal="hi")
    assert Response.objects.count() == before


def test_the_command_prints_flagged_items_first_and_refuses_bad_input(calibrated_bank, tmp_path):
    import json

    from django.core.management import CommandError, call_command

    items = calibrated_bank
    learners = _sit(items, 3000, 1, group_of=lambda i: ("hi" if i % 2 else "en", None, i % 2))
    out = io.StringIO()
    call_command("item_dif", "ASC/Q0202", "--by", "language", "--focal", "hi", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "DIF hi against the rest (by language)"
    assert lines[1].startswith(f"item {items[0].pk} ") and "ETS C" in lines[1]
    roster = tmp_path / "genders.csv"
    roster.write_text(f"username,group\n{learners[0].username},M\n{learners[1].username},F\n")
    out = io.StringIO()
    call_command("item_dif", "ASC/Q0202", "--by", "user", "--groups", str(roster), "--focal",
                 "F", "--reference", "M", "--json", stdout=out)  # fmt: skip
    rows = json.loads(out.getvalue())
    assert rows[0]["item_id"] == items[0].pk and rows[0]["category"] == "C"
    roster.write_text("username,group\nnobody,F\n")
    with pytest.raises(CommandError, match="no such user"):
        call_command("item_dif", "ASC/Q0202", "--by", "user", "--groups", str(roster),
                     "--focal", "F")  # fmt: skip
    with pytest.raises(CommandError, match="no answers from group 'ta'"):
        call_command("item_dif", "ASC/Q0202", "--by", "language", "--focal", "ta")


GPCM_A = {8: 1.2, 9: 1.0}
GPCM_STEPS = {8: np.array([-0.6, 0.5]), 9: np.array([-0.3, 0.7])}


def test_a_partial_credit_item_is_tested_on_its_credit_with_mantels_test(asc_q0202):
    """Items 8 and 9 are multiple-response items calibrated as GPCM (levels 0, 0.5, 1); item 8
    is one logit harder (every step) for Hindi answers at equal ability, item 9 is fair."""
    from tests.question_bank.factories import content_multiple

    author, approver = user_in(Role.SSC_CURATOR), user_in(Role.SSC_CURATOR)
    items = []
    for k, (nos, pc) in enumerate(PCS):
        content = content_multiple() if k in GPCM_A else content_single(f"Q{k}?")
        item = item_make(nos=nos, pc=pc, content=content, author=author, approver=approver)
        if k in GPCM_A:
            item.discrimination, item.step_difficulties = GPCM_A[k], list(GPCM_STEPS[k])
            item.difficulty = float(GPCM_STEPS[k].mean())
        else:
            item.discrimination, item.difficulty = float(A[k]), float(B[k])
        item.save(update_fields=["discrimination", "difficulty", "step_difficulties"])
        items.append(item)
    rng = np.random.default_rng(7)
    learners = [user_in(Role.LEARNER), user_in(Role.LEARNER)]
    n = 1600
    versions = [item.versions.get() for item in items]
    attempts = Attempt.objects.bulk_create(
        Attempt(user=learners[i % 2], mode=Mode.SUMMATIVE, qualification_pack_code="ASC/Q0202",
                number=i + 1)
        for i in range(n)
    )  # fmt: skip
    rows = []
    for i, attempt in enumerate(attempts):
        focal = i % 2 == 1
        theta = rng.normal(-0.5 if focal else 0.0, 1.0)
        for j in [8, 9, *rng.choice(8, 4, replace=False)]:
            if j in GPCM_A:
                steps = GPCM_STEPS[j] + (1.0 if focal and j == 8 else 0.0)
                z = np.array([0.0, *(GPCM_A[j] * (k * theta - steps[:k].sum()) for k in (1, 2))])
                p = np.exp(z - z.max())
                score = float(rng.choice(3, p=p / p.sum())) / 2
            else:
                score = float(rng.random() < 1 / (1 + np.exp(-A[j] * (theta - B[j]))))
            rows.append(Response(user=learners[i % 2], attempt=attempt, item=items[j],
                                 item_version=versions[j], mode=Mode.SUMMATIVE,
                                 language="hi" if focal else "en", answer=["A"], score=score,
                                 is_correct=score >= 1.0))  # fmt: skip
    Response.objects.bulk_create(rows)
    result = item_dif(qualification_pack_code="ASC/Q0202", by="language", focal="hi",
                      reference="en")  # fmt: skip
    by_item = {r.item_id: r for r in result}
    harder, fair = by_item[items[8].pk], by_item[items[9].pk]
    assert (harder.method, fair.method) == ("mantel", "mantel")
    assert harder.category == "C" and harder.smd < 0 and harder.effect_size < -0.25
    assert harder.delta is None and harder.p_value < 1e-4
    assert fair.category == "A"
    assert all(by_item[i.pk].method == "mantel-haenszel" for i in items[:8])
    # Matching on an ability the DIF item itself pulls down (no purification) can tip a fair
    # right/wrong item into B, never into C.
    assert all(by_item[i.pk].category in ("A", "B") for i in items[:8]), [
        (by_item[i.pk].category, by_item[i.pk].delta) for i in items[:8]
    ]
    out = io.StringIO()
    from django.core.management import call_command

    call_command("item_dif", "ASC/Q0202", "--by", "language", "--focal", "hi", stdout=out)
    first = out.getvalue().splitlines()[1]
    assert first.startswith(f"item {items[8].pk} ") and "ETS C, Mantel SMD -" in first
