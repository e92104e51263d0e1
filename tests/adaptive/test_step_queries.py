"""The answer step under load: how many queries one answer (POST, then the next question page)
costs, pinned so a regression in the hot path fails here rather than at a centre with 200
candidates. Figures in benchmarks/README.md (load benchmark)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from adaptive import delivery as delivery_module
from adaptive.models import Attempt, Delivery, Response

from .assessment_factories import assessment_make, assign, shown_value

pytestmark = pytest.mark.django_db

# Queries of one POST of an answer, and of the question page it redirects to (the session,
# the user and role, the attempt with the question on screen, the answer's write, the pool's
# status and parameters, the attempt's update; the page's template adds its own).
# Before the load work (2026-12-04) the two cost 34 and 14; then 16 and 12. Since: the session
# comes from the cache (cached_db), the role checks of a request share one query for the
# user's groups (accounts.roles), the framing origins are cached (lti.framing) and the admin
# link asks one query (1 instead of 2); the page's navigation adds 2, the progress bar 1.
ANSWER_POST_QUERIES = {Delivery.LOFT: 14, Delivery.CAT: 14}
QUESTION_PAGE_QUERIES = 7


def _started(client, candidate, delivery: str) -> Attempt:
    assessment = assessment_make(delivery=delivery, length=4, min_length=4)
    assign(assessment, candidate)
    client.force_login(candidate)
    client.post(reverse("adaptive:assessment_start", args=[assessment.slug]))
    return Attempt.objects.get(user=candidate)


@pytest.mark.parametrize("delivery", [Delivery.LOFT, Delivery.CAT])
def test_an_answer_step_costs_a_fixed_number_of_queries(
    small_bank, candidate, client, delivery, django_assert_num_queries
):
    attempt = _started(client, candidate, delivery)
    url = reverse("adaptive:attempt", args=[attempt.pk])
    delivery_module._attempt_bank(attempt)  # the frozen pool's bank is built once per process
    for step in range(3):
        attempt.refresh_from_db()
        form = {
            "item_version": attempt.current_item_version_id,
            "answer": shown_value(attempt.pk, "A"),
        }
        with django_assert_num_queries(ANSWER_POST_QUERIES[delivery]):
            response = client.post(url, form)
        assert response.status_code == 302 and response["Location"] == url
        with django_assert_num_queries(QUESTION_PAGE_QUERIES):
            page = client.get(url)
        assert page.status_code == 200
        assert Response.objects.filter(attempt=attempt).count() == step + 1


def test_a_recalibrated_item_is_not_served_from_the_cached_bank(small_bank, candidate, client):
    """The per-process bank cache is keyed by the pool's IRT parameters: a calibration that
    moves an item meanwhile is seen by the next step (and by the final score)."""
    delivery = delivery_module
    attempt = _started(client, candidate, Delivery.CAT)
    before = delivery._attempt_bank(attempt)
    item = small_bank[0]
    item.difficulty = 2.5
    item.save(update_fields=["difficulty"])
    after = delivery._attempt_bank(attempt)
    k = after.version_ids.index(item.versions.get().pk)
    assert float(after.irt.difficulty[k]) == pytest.approx(2.5)
    assert before is not after
    assert delivery._attempt_bank(attempt) is after  # and cached again


def test_a_withdrawn_pool_item_is_seen_through_the_cached_bank(small_bank, candidate, client):
    from question_bank.models import ItemStatus, ItemVersion

    delivery = delivery_module

    attempt = _started(client, candidate, Delivery.LOFT)
    delivery._attempt_bank(attempt)
    version = ItemVersion.objects.get(pk=attempt.pool[attempt.paper[-1]])
    ItemVersion.objects.filter(pk=version.pk).update(status=ItemStatus.RETIRED)
    _, withdrawn = delivery._attempt_bank_checked(attempt)
    assert withdrawn == {attempt.paper[-1]}


def test_a_replayed_last_answer_is_already_recorded_not_an_error(small_bank, candidate, client):
    """A double click on the last question: the second post finds the attempt finished and
    says the answer was recorded (the load run's double clicks found "finished" instead)."""
    attempt = _started(client, candidate, Delivery.LOFT)
    replay = None
    while attempt.finished_at is None:
        replay = attempt.current_item_version_id
        attempt = delivery_module.attempt_answer(
            attempt=attempt, user=candidate, item_version_id=replay, answer="A"
        )
    with pytest.raises(delivery_module.DuplicateResponseError):
        delivery_module.attempt_answer(
            attempt=attempt, user=candidate, item_version_id=replay, answer="A"
        )
    assert Response.objects.filter(attempt=attempt, item_version_id=replay).count() == 1
