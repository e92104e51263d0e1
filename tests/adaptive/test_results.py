"""The assessor's results: the QP aggregate follows the QP's weightage once practical marks are
entered, exports round their numbers and give times in the centre's zone, and "Send grade
again" is offered only where an LMS link exists."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from adaptive.models import Attempt, Mode, NosMark
from adaptive.results import assessment_results_table
from tests.question_bank.factories import user_in

from .assessment_factories import assessment_make, assessor_of, assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(small_bank, candidate):
    assessment = assessment_make()
    assign(assessment, candidate)  # the centre's zone: Asia/Kolkata
    start = timezone.now().replace(hour=3, minute=30, second=0, microsecond=0)
    attempt = Attempt.objects.create(
        user=candidate, mode=Mode.SUMMATIVE, qualification_pack_code="ASC/Q0202",
        assessment=assessment, started_at=start, finished_at=start, percent=100.0, passed=True,
        theta=1.23456, standard_error=0.4567, raw_score=4, max_score=4,
        subscores=[
            {"nos_code": "ASC/N0001", "expected_percent": 100.0, "questions": 2, "marks": 2.0},
            {"nos_code": "ASC/N0002", "expected_percent": 100.0, "questions": 2, "marks": 2.0},
        ],
    )  # fmt: skip
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=start, finished_at=start + timezone.timedelta(minutes=12, seconds=5)
    )
    return assessment, candidate


def _everything(assessment) -> dict:
    """The table as an administrator reads it (every candidate)."""
    return assessment_results_table(assessment=assessment, viewer=user_in(None, is_superuser=True))


def _row(assessment):
    return _everything(assessment)["rows"][0]


def test_the_qp_result_follows_the_weightage_once_practical_marks_are_entered(client, finished):
    assessment, candidate = finished
    row = _row(assessment)
    assert (row.aggregate, row.passed, row.includes_practical) == (100.0, True, False)
    client.force_login(assessor_of(assessment))
    url = f"/admin/assessment-results/{assessment.pk}/marks/{candidate.pk}/"
    assert "ASC/N0001 practical" in client.get(url).content.decode()
    client.post(url, {"practical:ASC/N0001": "0", "practical:ASC/N0002": "0"})
    row = _row(assessment)
    assert row.includes_practical and row.aggregate < 75 and row.passed is False
    maxima = {n.nos_code: n.practical_max for n in row.nos}
    client.post(
        url,
        {"practical:ASC/N0001": str(maxima["ASC/N0001"]),
         "practical:ASC/N0002": str(maxima["ASC/N0002"])},
    )  # fmt: skip
    row = _row(assessment)
    assert (row.aggregate, row.passed) == (100.0, True)
    assert NosMark.objects.filter(assessment=assessment).count() == 2
    page = client.get(f"/admin/assessment-results/{assessment.pk}/").content.decode()
    assert str(candidate) in page and "12 min 05 s" in page


def test_practical_marks_above_the_nos_maximum_are_refused(client, finished):
    assessment, candidate = finished
    client.force_login(assessor_of(assessment))
    url = f"/admin/assessment-results/{assessment.pk}/marks/{candidate.pk}/"
    page = client.post(url, {"practical:ASC/N0001": "9999"}).content.decode()
    assert "less than or equal to" in page
    assert not NosMark.objects.exists()


def test_exports_round_numbers_and_use_the_centres_zone(client, finished):
    assessment, candidate = finished
    client.force_login(assessor_of(assessment))
    url = f"/admin/assessment-results/{assessment.pk}/"
    header, line = client.get(url, {"format": "csv"}).content.decode().strip().splitlines()
    assert "started (Asia/Kolkata)" in header
    cells = dict(zip(header.split(","), line.split(","), strict=True))
    assert cells["theta"] == "1.23" and cells["standard_error"] == "0.46"
    assert cells["started (Asia/Kolkata)"].endswith("09:00")  # 03:30 UTC
    assert cells["time taken"] == "12 min 05 s" and cells["name"] == str(candidate)
    book = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    assert book.active["A2"].value == candidate.username


def test_send_grade_again_only_where_an_lms_link_exists(client, finished):
    assessment, candidate = finished
    client.force_login(assessor_of(assessment))
    page = client.get(f"/admin/assessment-results/{assessment.pk}/").content.decode()
    assert "Send grade again" not in page
    attempt = Attempt.objects.get()
    page = client.post(
        f"/admin/assessment-results/attempts/{attempt.pk}/grade/", follow=True
    ).content.decode()
    assert "did not reach this assessment from an LMS" in page


def test_previews_are_not_in_the_results(client, finished):
    assessment, _ = finished
    Attempt.objects.create(
        user=user_in(Role.ASSESSOR), mode=Mode.SUMMATIVE, assessment=assessment, is_preview=True
    )
    assert len(_everything(assessment)["rows"]) == 1


@pytest.fixture
def two_centres(finished):
    """The Pune candidate of ``finished`` and Dara of a Dubai batch, who started and finished at
    the same instants (03:30 and 03:42 UTC)."""
    from lti.models import Batch, BatchMembership, TrainingCentre

    assessment, candidate = finished
    dubai = TrainingCentre.objects.create(code="dubai", name="Dubai", time_zone="Asia/Dubai")
    batch = Batch.objects.create(name="Dubai batch", qualification_pack_code="ASC/Q0202",
                                 centre=dubai)  # fmt: skip
    abroad = user_in(Role.LEARNER, full_name="Dara Dubai")
    BatchMembership.objects.create(batch=batch, user=abroad)
    first = Attempt.objects.get(user=candidate)
    assessment.assignments.create(
        batch=batch, opens_at=first.started_at, closes_at=first.started_at + timezone.timedelta(1)
    )
    Attempt.objects.create(
        user=abroad, mode=Mode.SUMMATIVE, qualification_pack_code="ASC/Q0202",
        assessment=assessment, finished_at=first.finished_at, percent=66.7, passed=False,
        raw_score=2.6666667, max_score=4,
    )  # fmt: skip
    Attempt.objects.filter(user=abroad).update(started_at=first.started_at)
    return assessment, candidate


def test_exports_give_each_candidate_the_time_of_their_own_centre(client, two_centres):
    assessment, candidate = two_centres
    client.force_login(assessor_of(assessment))
    url = f"/admin/assessment-results/{assessment.pk}/"
    header, *lines = client.get(url, {"format": "csv"}).content.decode().strip().splitlines()
    rows = {r["name"]: r for r in (dict(zip(header.split(","), line.split(","), strict=True))
                                   for line in lines)}  # fmt: skip
    started = "started (candidate's centre time)"
    assert rows[str(candidate)][started].endswith("09:00")  # 03:30 UTC in Asia/Kolkata
    assert rows["Dara Dubai"][started].endswith("07:30")  # and in Asia/Dubai
    assert rows["Dara Dubai"]["time zone"] == "Asia/Dubai" and rows["Dara Dubai"]["marks"] == "2.67"


def _page_rows(html: str) -> list[str]:
    """The text of each row of the page's results table (tags stripped)."""
    import re

    body = html.split('aria-label="Attempts"', 1)[1].split("</table>", 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("<tr>")[2:]]


def test_the_results_page_shows_each_candidate_in_their_own_centres_time(client, two_centres):
    assessment, _ = two_centres
    client.force_login(assessor_of(assessment))
    html = client.get(f"/admin/assessment-results/{assessment.pk}/").content.decode()
    (dubai,) = [row for row in _page_rows(html) if "Dara Dubai" in row]
    (pune,) = [row for row in _page_rows(html) if "Dara Dubai" not in row]
    # Finished 03:42 UTC: 09:12 in Pune, 07:42 in Dubai; each row names its zone.
    assert "09:12 Asia/Kolkata" in pune and "07:42" not in pune
    assert "07:42 Asia/Dubai" in dubai
    assert "times in each candidate's centre's time zone" in html


def test_the_results_page_names_the_one_zone_when_every_candidate_shares_it(client, finished):
    assessment, _ = finished
    client.force_login(assessor_of(assessment))
    html = client.get(f"/admin/assessment-results/{assessment.pk}/").content.decode()
    assert "times in Asia/Kolkata" in html and "09:12" in html
