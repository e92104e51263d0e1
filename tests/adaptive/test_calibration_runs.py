"""Calibrating a QP's bank from recorded responses (Celery task, progress, write-back)."""

from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse

from accounts.roles import Role
from adaptive.calibration import (
    NotEnoughResponsesError,
    calibration_data_collect,
    calibration_run_start,
    recalibration_due_start,
)
from adaptive.models import Attempt, CalibrationRun, Mode, Response
from question_bank.models import Item
from tests.question_bank.factories import content_single, item_make, user_in

pytestmark = pytest.mark.django_db

TRUE_A = np.array([0.8, 1.0, 1.2, 1.5, 0.9, 1.1, 1.3, 0.7, 1.4, 1.0])
TRUE_B = np.array([-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, -0.2, 0.3, 0.8])
PCS = [("ASC/N0001", f"PC{i}") for i in range(1, 10)] + [("ASC/N0002", "PC1")]


def _bank(n: int, author, approver) -> list[Item]:
    return [
        item_make(
            nos=nos,
            pc=pc,
            content=content_single(f"Question {k} about {nos} {pc}?"),
            author=author,
            approver=approver,
        )
        for k, (nos, pc) in enumerate(PCS[:n])
    ]


def _simulate(items: list[Item], a, b, n_persons: int, seed: int, learner) -> None:
    """Record 2PL responses of ``n_persons`` simulated candidates, one attempt each."""
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(n_persons)
    p = 1 / (1 + np.exp(-(a[None, :] * (theta[:, None] - b[None, :]))))
    correct = rng.random(p.shape) < p
    attempts = Attempt.objects.bulk_create(
        Attempt(user=learner, mode=Mode.SUMMATIVE, qualification_pack_code="ASC/Q0202")
        for _ in range(n_persons)
    )
    versions = [item.versions.get() for item in items]
    Response.objects.bulk_create(
        Response(
            user=learner,
            attempt=attempt,
            item=item,
            item_version=version,
            mode=Mode.SUMMATIVE,
            answer=["A"],
            score=float(correct[i, j]),
            is_correct=bool(correct[i, j]),
        )
        for i, attempt in enumerate(attempts)
        for j, (item, version) in enumerate(zip(items, versions, strict=True))
    )


@pytest.fixture
def people(db):
    return user_in(Role.SSC_CURATOR), user_in(Role.SSC_CURATOR), user_in(Role.LEARNER)


def test_a_run_recovers_known_parameters_and_writes_them_with_standard_errors(
    asc_q0202, people, django_capture_on_commit_callbacks
):
    author, approver, learner = people
    items = _bank(10, author, approver)
    _simulate(items, TRUE_A, TRUE_B, 1500, seed=1, learner=learner)
    with django_capture_on_commit_callbacks(execute=True):
        run = calibration_run_start(qualification_pack_code="ASC/Q0202", model="2pl")
    run.refresh_from_db()
    assert run.status == CalibrationRun.Status.SUCCEEDED, run.error
    assert (run.progress, run.n_items, run.n_persons, run.n_responses) == (100, 10, 1500, 15000)
    assert run.converged
    fitted = Item.objects.in_bulk([i.pk for i in items])
    b = np.array([fitted[i.pk].difficulty for i in items])
    a = np.array([fitted[i.pk].discrimination for i in items])
    # 1,500 persons: the SE of b is about 0.07-0.12 here, so 0.35 is a 3-SE bound.
    assert np.max(np.abs(b - TRUE_B)) < 0.35
    assert np.max(np.abs(a - TRUE_A)) < 0.45
    assert all(fitted[i.pk].difficulty_se and fitted[i.pk].difficulty_se < 0.2 for i in items)
    assert all(fitted[i.pk].calibrated_at is not None for i in items)


def test_anchored_run_places_new_items_and_keeps_calibrated_ones_fixed(
    asc_q0202, people, django_capture_on_commit_callbacks
):
    author, approver, learner = people
    items = _bank(10, author, approver)
    old, new = items[:7], items[7:]
    for item, a, b in zip(old, TRUE_A[:7], TRUE_B[:7], strict=True):
        Item.objects.filter(pk=item.pk).update(discrimination=a, difficulty=b)
    _simulate(items, TRUE_A, TRUE_B, 1500, seed=2, learner=learner)
    with django_capture_on_commit_callbacks(execute=True):
        run = calibration_run_start(qualification_pack_code="ASC/Q0202")
    run.refresh_from_db()
    assert run.status == CalibrationRun.Status.SUCCEEDED, run.error
    assert run.n_anchors == 7
    assert "linking constants A = " in run.stage
    for item, b in zip(old, TRUE_B[:7], strict=True):
        assert Item.objects.get(pk=item.pk).difficulty == pytest.approx(b)
    placed = [Item.objects.get(pk=i.pk).difficulty for i in new]
    assert np.max(np.abs(np.array(placed) - TRUE_B[7:])) < 0.35


def test_items_with_too_few_responses_are_left_out_and_listed(asc_q0202, people):
    author, approver, learner = people
    items = _bank(3, author, approver)
    _simulate(items[:2], TRUE_A[:2], TRUE_B[:2], 40, seed=3, learner=learner)
    _simulate(items[2:], TRUE_A[2:3], TRUE_B[2:3], 5, seed=4, learner=learner)
    data = calibration_data_collect(qualification_pack_code="ASC/Q0202", min_responses=30)
    assert data.item_ids == sorted(i.pk for i in items[:2])
    assert data.skipped == {items[2].pk: 5}
    assert data.responses.n_persons == 40


def test_a_bank_without_enough_responses_is_refused_in_words(asc_q0202, people):
    author, approver, learner = people
    items = _bank(2, author, approver)
    with pytest.raises(NotEnoughResponsesError, match="no question of its bank has been answered"):
        calibration_run_start(qualification_pack_code="ASC/Q0202")
    _simulate(items[:1], TRUE_A[:1], TRUE_B[:1], 4, seed=5, learner=learner)
    with pytest.raises(NotEnoughResponsesError, match="the most any question has is 4") as exc:
        calibration_run_start(qualification_pack_code="ASC/Q0202")
    assert "ValueError" not in str(exc.value)
    assert not CalibrationRun.objects.exists()
    assert not Item.objects.filter(discrimination__isnull=False).exists()


def test_unknown_qp_or_model_is_refused(asc_q0202):
    with pytest.raises(ValueError, match="no current qualification pack"):
        calibration_run_start(qualification_pack_code="XXX/Q9999")
    with pytest.raises(ValueError, match="unknown model"):
        calibration_run_start(qualification_pack_code="ASC/Q0202", model="7pl")
    assert not CalibrationRun.objects.exists()


def test_scheduled_recalibration_starts_only_when_responses_grew(
    asc_q0202, people, django_capture_on_commit_callbacks
):
    author, approver, learner = people
    items = _bank(10, author, approver)
    _simulate(items, TRUE_A, TRUE_B, 300, seed=5, learner=learner)
    with django_capture_on_commit_callbacks(execute=True):
        first = recalibration_due_start()
    assert len(first) == 1
    assert CalibrationRun.objects.get(pk=first[0]).status == CalibrationRun.Status.SUCCEEDED
    with django_capture_on_commit_callbacks(execute=True):
        assert recalibration_due_start() == []  # nothing new since
    _simulate(items, TRUE_A, TRUE_B, 100, seed=6, learner=learner)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(recalibration_due_start()) == 1


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.CONTENT_EDITOR])
def test_only_curators_and_admins_reach_the_calibration_pages(client, asc_q0202, role):
    client.force_login(user_in(role))
    assert client.get(reverse("calibration:index")).status_code in (302, 403)
    response = client.post(reverse("calibration:start"), {"qualification_pack_code": "ASC/Q0202"})
    assert response.status_code in (302, 403)
    assert not CalibrationRun.objects.exists()


def test_curator_starts_a_run_from_the_admin_and_reads_its_progress(
    client, asc_q0202, people, django_capture_on_commit_callbacks
):
    author, approver, learner = people
    items = _bank(10, author, approver)
    _simulate(items, TRUE_A, TRUE_B, 400, seed=7, learner=learner)
    client.force_login(author)
    page = client.get(reverse("calibration:index")).content.decode()
    assert "ASC/Q0202" in page and "4000" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("calibration:start"),
            {"qualification_pack_code": "ASC/Q0202", "model": "2pl", "calibration_mode": "full"},
        )
    run = CalibrationRun.objects.get()
    assert response.url == reverse("calibration:run", args=[run.pk])
    status = client.get(reverse("calibration:run_status", args=[run.pk])).json()
    assert status == {
        "status": "succeeded",
        "progress": 100,
        "stage": "10 items calibrated",
        "error": "",
        "finished": True,
    }


def test_a_run_without_priors_gives_the_ml_estimates_of_adaptive_irt(
    asc_q0202, people, django_capture_on_commit_callbacks
):
    from adaptive.calibration import calibration_data_collect as collect
    from adaptive.irt import calibrate

    author, approver, learner = people
    items = _bank(10, author, approver)
    _simulate(items, TRUE_A, TRUE_B, 300, seed=8, learner=learner)
    with django_capture_on_commit_callbacks(execute=True):
        run = calibration_run_start(
            qualification_pack_code="ASC/Q0202", calibration_mode="full", estimator="ML"
        )
    run.refresh_from_db()
    assert run.status == CalibrationRun.Status.SUCCEEDED, run.error
    assert run.estimator == "ML"
    data = collect(qualification_pack_code="ASC/Q0202")
    ml = calibrate(data.responses, priors=False)
    fitted = Item.objects.in_bulk(data.item_ids)
    b = np.array([fitted[pk].difficulty for pk in data.item_ids])
    np.testing.assert_allclose(b, ml.b, atol=1e-9)
    assert run.log_likelihood == pytest.approx(ml.log_likelihood)


def test_unknown_estimator_is_refused(asc_q0202):
    with pytest.raises(ValueError, match="unknown estimator"):
        calibration_run_start(qualification_pack_code="ASC/Q0202", estimator="EAP")


def test_curator_asks_for_ml_estimates_from_the_admin(
    client, asc_q0202, people, django_capture_on_commit_callbacks
):
    author, approver, learner = people
    items = _bank(10, author, approver)
    _simulate(items, TRUE_A, TRUE_B, 200, seed=9, learner=learner)
    client.force_login(author)
    page = client.get(reverse("calibration:index")).content.decode()
    assert 'name="estimator"' in page and 'value="ML"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("calibration:start"),
            {"qualification_pack_code": "ASC/Q0202", "calibration_mode": "full", "estimator": "ML"},
        )
    run = CalibrationRun.objects.get()
    assert run.estimator == "ML" and run.status == CalibrationRun.Status.SUCCEEDED
    detail = client.get(reverse("calibration:run", args=[run.pk])).content.decode()
    assert "maximum likelihood, no priors (ML)" in detail
