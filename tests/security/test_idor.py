"""Object URLs refuse other people's objects and leak nothing of them: another learner's
attempts and results, another trainer's batch, progress, lessons that are not live, launches.

The second learner (``OTHER_LEARNER_NAME``) answered every question wrongly ("B": 0 %); the
first learner answered them all rightly ("A": 100 %), so a leaked score is recognisable.
"""

from __future__ import annotations

import pytest

from adaptive.models import Attempt, Response
from content.models import LessonCompletion

from .world import OTHER_BATCH_NAME, OTHER_LEARNER_NAME, OTHER_TRAINER_NAME, path_values

pytestmark = pytest.mark.django_db

SECRETS = (OTHER_LEARNER_NAME, OTHER_BATCH_NAME, OTHER_TRAINER_NAME)


def assert_refused_without_data(response, *secrets: str) -> None:
    assert response.status_code in (403, 404), response.status_code
    body = response.content.decode()
    for secret in (*SECRETS, *secrets):
        assert secret not in body, f"{secret!r} leaked"


@pytest.mark.parametrize(
    "path",
    [
        "/assess/attempts/{other_open}/",
        "/assess/attempts/{other_finished}/",
        "/assess/attempts/{other_open}/result/",
        "/assess/attempts/{other_finished}/result/",
    ],
)
def test_a_learner_cannot_open_another_learners_attempt_or_result(path, world, client_for):
    other = world.other_finished
    response = client_for("Learner").get(path.format(**path_values(world)))
    assert_refused_without_data(response, f"{other.percent:.1f}%", "Security theory")


def test_a_learner_cannot_answer_on_another_learners_attempt(world, client_for):
    attempt = world.other_open
    before = Response.objects.filter(attempt=attempt).count()
    response = client_for("Learner").post(
        f"/assess/attempts/{attempt.pk}/",
        {"item_version": attempt.current_item_version_id, "answer": "A"},
    )
    assert_refused_without_data(response)
    assert Response.objects.filter(attempt=attempt).count() == before
    attempt.refresh_from_db()
    assert attempt.current_item_version_id == world.other_open.current_item_version_id


@pytest.mark.parametrize("role", ["Trainer", "Assessor", "Administrator", "SSC curator"])
def test_no_other_role_opens_a_learners_attempt_page(role, world, client_for):
    """Assessors read results in the admin, not on the candidate's own pages."""
    for path in ("/assess/attempts/{other_open}/", "/assess/attempts/{other_finished}/result/"):
        response = client_for(role).get(path.format(**path_values(world)))
        assert_refused_without_data(response)


def test_a_learners_own_result_shows_their_score_not_the_other_learners(world, client_for):
    page = client_for("Learner").get(f"/assess/attempts/{world.own_finished.pk}/result/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f'<span class="score">{world.own_finished.percent:.1f}%</span>' in body
    assert world.own_finished.percent != world.other_finished.percent
    assert f'<span class="score">{world.other_finished.percent:.1f}%</span>' not in body
    assert OTHER_LEARNER_NAME not in body


def test_progress_shows_only_the_signed_in_learners_own_answers(world, client_for):
    own = client_for("Learner").get("/me/progress/").content.decode()
    other = client_for("other_learner").get("/me/progress/").content.decode()
    assert OTHER_LEARNER_NAME not in own
    # Same QP, opposite answers: the two pages must differ in the learner's own mastery.
    assert "no answers yet" not in own.split("ASC/N0001", 1)[1].split("</tr>", 1)[0]
    assert own != other


@pytest.mark.parametrize("role", ["Learner", "Trainer", "Assessor", "Content editor"])
def test_a_trainer_cannot_open_another_trainers_batch(role, world, client_for):
    response = client_for(role).get(f"/trainer/batches/{world.other_batch.pk}/")
    if role == "Trainer":
        assert_refused_without_data(response)
    else:
        assert response.status_code in (302, 403, 404)
        assert OTHER_BATCH_NAME not in response.content.decode()


def test_a_trainer_lists_and_opens_only_their_own_batches(world, client_for):
    listing = client_for("Trainer").get("/trainer/").content.decode()
    assert world.own_batch.name in listing and OTHER_BATCH_NAME not in listing
    assert f"/trainer/batches/{world.other_batch.pk}/" not in listing
    own = client_for("Trainer").get(f"/trainer/batches/{world.own_batch.pk}/").content.decode()
    assert world.users["Learner"].full_name in own and OTHER_LEARNER_NAME not in own


def test_a_batch_id_that_does_not_exist_looks_like_another_trainers(world, client_for):
    """404 for both: a trainer cannot tell which batch numbers exist."""
    missing = client_for("Trainer").get("/trainer/batches/99999999/")
    other = client_for("Trainer").get(f"/trainer/batches/{world.other_batch.pk}/")
    assert missing.status_code == other.status_code == 404


def test_an_unpublished_lesson_is_not_served_or_completable(world, client_for):
    values = path_values(world)
    draft = world.other_lesson_draft
    learner = client_for("Learner")
    assert learner.get(values["draft_url"]).status_code == 404
    response = learner.post(f"/learn/lessons/{draft.pk}/complete/")
    assert response.status_code == 404
    assert not LessonCompletion.objects.filter(lesson_id=draft.pk).exists()
    response = learner.post(f"/learn/lessons/{draft.pk}/check/", {"item_version": "1"})
    assert response.status_code == 404


def test_another_learners_lesson_completion_is_not_shown_as_mine(world, client_for):
    assert LessonCompletion.objects.filter(user=world.other_learner, lesson=world.lesson).exists()
    page = client_for("Learner").get(world.lesson.url).content.decode()
    other = client_for("other_learner").get(world.lesson.url).content.decode()
    assert page != other  # the completed state is the learner's own
    assert OTHER_LEARNER_NAME not in page


@pytest.mark.parametrize(
    "path",
    ["/lti/launch/{launch}/", "/lti/deep-link/{launch}/", "/lti/continue/{launch}/"],
)
def test_a_launch_id_that_is_not_stored_gives_nothing(path, world, client_for):
    """Launch pages are found by an unguessable id; a wrong one shows no launch. (The
    hand-off's own rules are tests/security/test_lti_*.py's.)"""
    for role in ("anonymous", "Learner", "Trainer"):
        response = client_for(role).get(path.format(launch=Attempt.objects.count()))
        assert_refused_without_data(response)
