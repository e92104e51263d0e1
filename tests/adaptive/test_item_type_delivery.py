"""Every question type is delivered on the candidate's question page through its own widget,
read back from the form and scored by its type (question_bank.items.types), with no key in the
page; essays wait for an assessor, who marks them on the marking page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from adaptive.models import Assessment, Attempt, EssayMark, Response
from question_bank.items.content import ItemContent, OptionText, Translation
from tests.question_bank.factories import item_make, user_in

from .assessment_factories import BANK_PCS, assessment_make, assessor_of, assign

pytestmark = pytest.mark.django_db


def _content(item_type: str, stem: str, options=(), texts=None, **kw) -> ItemContent:
    t = Translation(stem)
    for key, _ in options:
        t.options[key] = OptionText((texts or {}).get(key, f"<p>{key}</p>"))
    return ItemContent(item_type=item_type, translations={"en": t}, options=list(options), **kw)


def short_answer() -> ItemContent:
    return _content(
        "short_answer",
        "<p>Capital of India?</p>",
        [("A", Decimal(1)), ("B", Decimal("0.5"))],
        texts={"A": "New Delhi", "B": "Del*"},
    )


def numeric() -> ItemContent:
    return _content(
        "numeric",
        "<p>Height of the mast?</p>",
        numeric_answer=Decimal(1822),
        numeric_tolerance=Decimal(0),
        type_data={
            "answers": [{"value": "1822", "tolerance": "5", "fraction": "0.5"}],
            "units": [{"unit": "m", "multiplier": "1"}, {"unit": "cm", "multiplier": "100"}],
        },
    )


def matching() -> ItemContent:
    return _content(
        "matching",
        "<p>Match the tools.</p>",
        type_data={
            "pairs": [
                {"question_html": "<p>Screw</p>", "answer": "Screwdriver"},
                {"question_html": "<p>Nail</p>", "answer": "Hammer"},
                {"question_html": "", "answer": "Spanner"},
            ]
        },
    )


def ordering() -> ItemContent:
    return _content(
        "ordering",
        "<p>Order the steps.</p>",
        [("A", Decimal(0)), ("B", Decimal(0)), ("C", Decimal(0))],
        texts={"A": "<p>Switch off</p>", "B": "<p>Isolate</p>", "C": "<p>Test dead</p>"},
        type_data={"order": ["A", "B", "C"], "grading": "absolute_position"},
        shuffle_options=False,
    )


def cloze() -> ItemContent:
    return ItemContent(
        item_type="cloze",
        translations={"en": Translation("<p>Paris is in {#1}; 2+2={#2}.</p>")},
        type_data={
            "parts": [
                {"kind": "multichoice", "weight": 1, "answers": [
                    {"text": "France", "fraction": "1"}, {"text": "Spain", "fraction": "0"}]},
                {"kind": "numerical", "weight": 1, "answers": [
                    {"text": "4", "fraction": "1", "tolerance": "0"}]},
            ]
        },
    )  # fmt: skip


def essay() -> ItemContent:
    return _content(
        "essay",
        "<p>Describe a lockout.</p>",
        type_data={"lines": 8, "grader_info_html": "<p>Look for the padlock.</p>"},
        default_mark=Decimal(4),
    )


def _paper_of(make, approver, candidate, client):
    """A 4-question LOFT paper of one item per PC, every item of the type ``make`` builds."""
    for nos, pc in BANK_PCS:
        item_make(nos=nos, pc=pc, content=make(), approver=approver)
    assessment = assessment_make()
    assign(assessment, candidate)
    client.force_login(candidate)
    client.post("/assess/asc-theory/")
    return Attempt.objects.get(user=candidate, assessment=assessment)


def _page(client, attempt) -> str:
    return client.get(f"/assess/attempts/{attempt.pk}/").content.decode()


def _post(client, attempt, page, data):
    version = int(re.search(r'name="item_version" value="(\d+)"', page).group(1))
    return client.post(f"/assess/attempts/{attempt.pk}/", {"item_version": version, **data})


def _select_values(page: str, name: str) -> dict[str, str]:
    """The options of select ``name``: label -> value."""
    block = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return {
        label.strip(): value
        for value, label in re.findall(r'<option value="([^"]*)">([^<]*)</option>', block)
        if value
    }


def _answer_every_question(client, attempt, answer) -> list[str]:
    pages = []
    for _ in range(4):
        page = _page(client, attempt)
        pages.append(page)
        _post(client, attempt, page, answer(page))
    return pages


def test_short_answer_is_a_text_box_scored_by_accepted_answers(
    client, asc_q0202, approver, candidate
):
    attempt = _paper_of(short_answer, approver, candidate, client)
    page = _page(client, attempt)
    assert 'type="text" name="answer"' in page and 'type="radio"' not in page
    answers = iter(["new  DELHI", "Delhi", "Mumbai", "new delhi"])
    _answer_every_question(client, attempt, lambda p: {"answer": next(answers)})
    assert sorted(Response.objects.values_list("score", flat=True)) == [0.0, 0.5, 1.0, 1.0]
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and attempt.raw_score == 2.5


def test_numeric_box_takes_the_unit_and_gives_partial_credit(
    client, asc_q0202, approver, candidate
):
    attempt = _paper_of(numeric, approver, candidate, client)
    page = _page(client, attempt)
    assert 'inputmode="decimal"' in page and '<option value="cm">cm</option>' in page
    posts = iter(
        [
            {"answer": "182200", "unit": "cm"},
            {"answer": "1825", "unit": "m"},
            {"answer": "1822 m", "unit": "cm"},  # a unit typed after the number wins
            {"answer": "2000", "unit": "m"},
        ]
    )
    _answer_every_question(client, attempt, lambda p: next(posts))
    assert list(Response.objects.order_by("id").values_list("score", flat=True)) == [
        1.0,
        0.5,
        1.0,
        0.0,
    ]


def test_numeric_answer_that_is_not_a_number_is_refused_and_nothing_stored(
    client, asc_q0202, approver, candidate
):
    attempt = _paper_of(numeric, approver, candidate, client)
    page = _page(client, attempt)
    refused = client.post(
        f"/assess/attempts/{attempt.pk}/",
        {"item_version": re.search(r'name="item_version" value="(\d+)"', page).group(1),
         "answer": "about 1800", "unit": "m"},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "is not a number" in refused
    assert not Response.objects.exists()


def test_matching_has_a_select_per_question_and_credit_per_pair(
    client, asc_q0202, approver, candidate
):
    attempt = _paper_of(matching, approver, candidate, client)
    first = _page(client, attempt)
    assert set(_select_values(first, "match_0")) == {"Screwdriver", "Hammer", "Spanner"}
    answers = iter(
        [("Screwdriver", "Hammer"), ("Screwdriver", "Spanner"), ("Hammer", "Screwdriver")] * 2
    )

    def post(page):
        one, two = next(answers)
        return {"match_0": _select_values(page, "match_0")[one],
                "match_1": _select_values(page, "match_1")[two]}  # fmt: skip

    _answer_every_question(client, attempt, post)
    assert list(Response.objects.order_by("id").values_list("score", flat=True)) == [
        1.0,
        0.5,
        0.0,
        1.0,
    ]


def test_matching_needs_every_question_answered(client, asc_q0202, approver, candidate):
    attempt = _paper_of(matching, approver, candidate, client)
    page = _page(client, attempt)
    refused = client.post(
        f"/assess/attempts/{attempt.pk}/",
        {"item_version": re.search(r'name="item_version" value="(\d+)"', page).group(1),
         "match_0": "Hammer"},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "every question" in refused and not Response.objects.exists()


def _ordering_post(page: str, order: list[str]) -> dict[str, str]:
    labels = {"A": "Switch off", "B": "Isolate", "C": "Test dead"}
    values = _select_values(page, "order_1")
    return {f"order_{place}": values[labels[key]] for place, key in enumerate(order, start=1)}


def test_ordering_is_a_select_per_position_shuffled_even_when_the_author_said_not_to(
    client, asc_q0202, approver, candidate
):
    attempt = _paper_of(ordering, approver, candidate, client)
    orders = iter([["A", "B", "C"], ["A", "C", "B"], ["C", "B", "A"], ["B", "C", "A"]])
    pages = _answer_every_question(client, attempt, lambda p: _ordering_post(p, next(orders)))
    # Moodle's absolute-position grading: the share of items in their right place.
    assert list(Response.objects.order_by("id").values_list("score", flat=True)) == pytest.approx(
        [1.0, 1 / 3, 1 / 3, 0.0]
    )
    assert all(f'name="order_{n}"' in pages[0] for n in (1, 2, 3))
    shown = [
        re.findall(r"<li[^>]*><p>([^<]*)</p></li>", p) for p in pages
    ]  # the list of items as each page showed it
    assert any(s != ["Switch off", "Isolate", "Test dead"] for s in shown)


def test_ordering_refuses_an_item_chosen_twice(client, asc_q0202, approver, candidate):
    attempt = _paper_of(ordering, approver, candidate, client)
    page = _page(client, attempt)
    post = _ordering_post(page, ["A", "A", "B"])
    refused = _post(client, attempt, page, post)
    assert "chosen twice" in client.get(refused["Location"]).content.decode()
    assert not Response.objects.exists()


def test_cloze_puts_each_blank_inline_and_scores_the_sum_of_parts(
    client, asc_q0202, approver, candidate
):
    attempt = _paper_of(cloze, approver, candidate, client)
    page = _page(client, attempt)
    assert re.search(r'<p>Paris is in <select name="blank_1"', page)
    assert re.search(r'; 2\+2=<input type="text" name="blank_2"', page)
    assert "{#1}" not in page
    posts = iter([("France", "4"), ("Spain", "4"), ("France", ""), ("Spain", "5")])

    def post(p):
        country, total = next(posts)
        return {"blank_1": _select_values(p, "blank_1")[country], "blank_2": total}

    _answer_every_question(client, attempt, post)
    assert list(Response.objects.order_by("id").values_list("score", flat=True)) == [
        1.0,
        0.5,
        0.5,
        0.0,
    ]


def test_essay_waits_for_an_assessor_and_the_result_says_so_until_marked(
    client, asc_q0202, approver, candidate, django_capture_on_commit_callbacks, monkeypatch
):
    grades: list[dict] = []
    monkeypatch.setattr("adaptive.delivery._grade_enqueue", grades.append)
    attempt = _paper_of(essay, approver, candidate, client)
    page = _page(client, attempt)
    assert '<textarea id="essay-answer" name="answer" rows="8"' in page
    assert "padlock" not in page  # the markers' information is not the candidate's
    with django_capture_on_commit_callbacks(execute=True):
        _answer_every_question(client, attempt, lambda p: {"answer": "Lock, tag, try."})
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and attempt.state["awaiting_marking"] == 4
    assert not grades  # no grade goes to the LMS while essays wait
    assert set(Response.objects.values_list("score", flat=True)) == {None}
    result = client.get(f"/assess/attempts/{attempt.pk}/result/").content.decode()
    assert "Awaiting marking" in result

    assessor = assessor_of(attempt.assessment)  # assesses the candidate's centre
    client.force_login(assessor)
    url = f"/admin/assessment-results/{attempt.assessment_id}/essays/"
    queue = client.get(url).content.decode()
    assert "Lock, tag, try." in queue and "Waiting for a mark (4)" in queue
    dashboard = client.get("/dashboard/").content.decode()  # the assessor's count of the queue
    assert f'href="{url}">4</a>' in dashboard
    assert "padlock" in queue  # the markers' information is shown to the assessor
    responses = list(Response.objects.order_by("id"))
    bad = client.post(url, {"response": responses[0].pk, "marks": "5"}, follow=True)
    assert "between 0 and 4" in bad.content.decode() and not EssayMark.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        for response, marks in zip(responses, ["4", "2", "3", "1"], strict=True):
            client.post(url, {"response": response.pk, "marks": marks, "comment": "ok"})
    assert len(grades) == 1  # the grade goes once, after the last mark
    attempt.refresh_from_db()
    assert attempt.state["awaiting_marking"] == 0
    assert attempt.raw_score == pytest.approx(2.5) and attempt.percent == pytest.approx(62.5)
    assert EssayMark.objects.filter(marked_by=assessor).count() == 4
    client.post(url, {"response": responses[3].pk, "marks": "4", "comment": "on review"})
    assert EssayMark.objects.filter(response=responses[3]).count() == 2  # the audit stays
    client.force_login(candidate)
    result = client.get(f"/assess/attempts/{attempt.pk}/result/").content.decode()
    assert "Awaiting marking" not in result


def test_an_assessor_of_another_centre_neither_sees_nor_marks_the_centres_essays(
    client, asc_q0202, approver, candidate
):
    """The candidate sits at Pune; an assessor of Agra, where the same assessment is assigned
    too, finds no essay of theirs in the queue or in the dashboard's count, and cannot mark one
    by posting its id."""
    from lti.models import Batch, TrainingCentre

    attempt = _paper_of(essay, approver, candidate, client)
    _answer_every_question(client, attempt, lambda p: {"answer": "Lock, tag, try."})
    agra = TrainingCentre.objects.create(code="agra", name="Agra centre")
    batch = Batch.objects.create(name="Agra", qualification_pack_code="ASC/Q0202", centre=agra)
    attempt.assessment.assignments.create(
        batch=batch,
        opens_at=attempt.started_at,
        closes_at=attempt.started_at + timezone.timedelta(days=1),
    )
    elsewhere = user_in(Role.ASSESSOR)
    agra.assessors.add(elsewhere)
    client.force_login(elsewhere)
    url = f"/admin/assessment-results/{attempt.assessment_id}/essays/"
    queue = client.get(url).content.decode()
    assert "Lock, tag, try." not in queue and str(candidate) not in queue
    assert f'href="{url}">' not in client.get("/dashboard/").content.decode()
    response = Response.objects.first()
    client.post(url, {"response": response.pk, "marks": "4"})
    response.refresh_from_db()
    assert response.score is None and not EssayMark.objects.exists()
    # An assessor of no centre of it does not even learn that the assessment exists.
    client.force_login(user_in(Role.ASSESSOR))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.SSC_CURATOR])
def test_only_assessors_mark_essays(client, asc_q0202, approver, candidate, role):
    attempt = _paper_of(essay, approver, candidate, client)
    _answer_every_question(client, attempt, lambda p: {"answer": "Lock, tag, try."})
    client.force_login(user_in(role))
    url = f"/admin/assessment-results/{attempt.assessment_id}/essays/"
    response = Response.objects.first()
    refused = client.post(url, {"response": response.pk, "marks": "4"})
    assert refused.status_code in (302, 403)
    assert client.get(url).status_code in (302, 403)
    response.refresh_from_db()
    assert response.score is None and not EssayMark.objects.exists()


def test_the_review_after_an_attempt_shows_every_new_type(client, asc_q0202, approver, candidate):
    """The learner's review (Assessment.review_after) draws the answers of matching items, whose
    answer is one choice per question, not an option key."""
    attempt = _paper_of(matching, approver, candidate, client)
    Assessment.objects.filter(pk=attempt.assessment_id).update(review_after="immediately")

    def post(page):
        return {"match_0": _select_values(page, "match_0")["Screwdriver"],
                "match_1": _select_values(page, "match_1")["Hammer"]}  # fmt: skip

    _answer_every_question(client, attempt, post)
    review = client.get(f"/assess/attempts/{attempt.pk}/review/")
    assert review.status_code == 200
    assert review.content.decode().count('class="review-item"') == 4
