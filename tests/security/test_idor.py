"""Object URLs refuse other people's objects and leak nothing of them: another learner's
attempts and results, another trainer's batch, progress, lessons that are not live, launches.

The second learner (``OTHER_LEARNER_NAME``) answered every question wrongly ("B": 0 %); the
first learner answered them all rightly ("A": 100 %), so a leaked score is recognisable.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from accounts.roles import Role, user_roles
from adaptive.models import Assessment, Attempt, Response
from adaptive.results import assessment_results_table
from adaptive.selectors import (
    assessments_managed_by,
    assessments_with_results_for,
    attempts_with_results_for,
)
from content.models import LessonCompletion
from lms.selectors import dashboard_summary
from tests.question_bank.factories import user_in

from .world import (
    OTHER_ASSESSOR,
    OTHER_BATCH_NAME,
    OTHER_LEARNER_NAME,
    OTHER_TRAINER,
    OTHER_TRAINER_NAME,
    OWN_LEARNER_NAME,
    path_values,
)

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


# Staff see what their place entitles them to (adaptive.selectors.attempts_with_results_for):
# "Security theory" is assigned at Pune (the Assessor's) and Nagpur (the other assessor's).


def _names_in(body: str) -> set[str]:
    return {n for n in (OWN_LEARNER_NAME, OTHER_LEARNER_NAME) if n in body}


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        ("Assessor", {OWN_LEARNER_NAME}),
        (OTHER_ASSESSOR, {OTHER_LEARNER_NAME}),
        ("Administrator", {OWN_LEARNER_NAME, OTHER_LEARNER_NAME}),
    ],
)
def test_results_page_and_exports_show_only_the_candidates_of_the_readers_centres(
    role, seen, world, client_for
):
    client = client_for(role)
    url = f"/admin/assessment-results/{world.own_finished.assessment_id}/"
    assert _names_in(client.get(url).content.decode()) == seen
    assert _names_in(client.get(url, {"format": "csv"}).content.decode()) == seen
    xlsx = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).active
    cells = " ".join(str(c.value) for row in xlsx.iter_rows() for c in row)
    assert _names_in(cells) == seen


@pytest.mark.parametrize("role", ["Assessor", OTHER_ASSESSOR, "Administrator"])
def test_the_dashboard_counts_the_candidates_the_results_page_lists(role, world):
    """The assessor's dashboard figures (finished, sitting now) count the same candidates as
    the results page, through the same selector."""
    user = world.users[role]
    summary = dashboard_summary(user=user, roles=user_roles(user))
    glance = {g.assessment.pk: g for g in summary["assessments"]}
    for assessment_pk in (world.own_finished.assessment_id, world.own_open.assessment_id):
        assessment = Assessment.objects.get(pk=assessment_pk)
        rows = assessment_results_table(assessment=assessment, viewer=user)["rows"]
        finished = {r.attempt.user_id for r in rows if r.attempt.finished_at}
        sitting = [r for r in rows if r.attempt.finished_at is None]
        assert glance[assessment_pk].sat == len(finished)
        assert glance[assessment_pk].in_progress == len(sitting)
    expected_sat = 2 if role == "Administrator" else 1
    assert glance[world.own_finished.assessment_id].sat == expected_sat
    # The Pune paper is not the other centre's assessor's at all.
    assert (world.pune_only.pk in glance) is (role != OTHER_ASSESSOR)


def test_an_assessment_without_a_creator_is_managed_by_its_centres_assessors_and_admins(world):
    """ "Second paper" predates ``created_by`` (None): the assessors of the centres it is
    assigned at manage it and read their candidates; an assessor of no centre of it neither."""
    legacy = Assessment.objects.get(pk=world.own_open.assessment_id)
    assert legacy.created_by is None
    nowhere = user_in(Role.ASSESSOR)
    for user, manages in (
        (world.users["Assessor"], True),
        (world.users[OTHER_ASSESSOR], True),
        (world.users["Administrator"], True),
        (world.users["superuser"], True),
        (nowhere, False),
        (world.users["Trainer"], False),
        (world.users["SSC curator"], False),
    ):
        assert assessments_managed_by(user).filter(pk=legacy.pk).exists() is manages, user
    assert not assessments_with_results_for(nowhere).filter(pk=legacy.pk).exists()
    assert not attempts_with_results_for(nowhere, assessment=legacy).exists()
    other_open = attempts_with_results_for(world.users[OTHER_ASSESSOR], assessment=legacy)
    assert set(other_open.values_list("user_id", flat=True)) == {world.other_learner.pk}


def test_an_assessor_of_no_centre_of_an_assessment_learns_nothing_of_it(world, client_for):
    """Another centre's assessment answers as one that does not exist (404), on every page."""
    nowhere = user_in(Role.ASSESSOR)
    client = Client()
    client.force_login(nowhere)
    pk = world.own_open.assessment_id
    for url in (
        f"/admin/assessment-results/{pk}/",
        f"/admin/assessment-results/{pk}/?format=csv",
        f"/admin/assessment-results/{pk}/essays/",
        f"/admin/assessment-assign/{pk}/",
        f"/admin/assessments/edit/{pk}/",
        "/admin/assessment-assign/99999999/",
    ):
        assert client.get(url).status_code == 404, url
    listing = client.get("/admin/assessments/").content.decode()
    assert "Second paper" not in listing and "Security theory" not in listing


@pytest.mark.parametrize("role", ["SSC curator", "Content editor", "Trainer"])
def test_staff_without_the_right_to_assign_are_told_so(role, world, client_for):
    response = client_for(role).get(f"/admin/assessment-assign/{world.pune_only.pk}/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Only assessors (for the centres they assess) and administrators assign" in body
    assert "Pune paper" not in body  # nor which assessment the id is


def test_the_assign_link_shows_only_where_the_page_opens(world, client_for):
    assessor = client_for("Assessor")
    results = f"/admin/assessment-results/{world.pune_only.pk}/"
    assign = f"/admin/assessment-assign/{world.pune_only.pk}/"
    assert f'href="{assign}"' in assessor.get(results).content.decode()
    assert f'href="{assign}"' in assessor.get("/dashboard/").content.decode()
    Assessment.objects.filter(pk=world.pune_only.pk).update(is_active=False)
    assert f'href="{assign}"' not in assessor.get(results).content.decode()
    refused = assessor.get(assign)
    assert refused.status_code == 403
    assert "Pune paper is closed: make it active again" in refused.content.decode()


@pytest.mark.parametrize(
    ("role", "learner"), [("Trainer", "Learner"), (OTHER_TRAINER, "Learner of another batch")]
)
def test_a_trainers_results_scope_is_their_own_batches_candidates(role, learner, world):
    """Trainers read no results page (no right to), but the one rule still says whose results
    are theirs, should any page ask: their batches' learners, never another centre's."""
    seen = attempts_with_results_for(world.users[role]).values_list("user_id", flat=True)
    assert set(seen) == {world.users[learner].pk}
