"""The learner's review of matching, ordering and cloze answers reads as a person reads them:
each premise with the match chosen and the right one, the candidate's order beside the right
order, each gap's answer beside the accepted one; in Hindi where the item was answered in Hindi;
and never a key when the assessment shows no answers, nor to another learner."""

from __future__ import annotations

import re

import pytest

from accounts.roles import Role
from adaptive.models import Assessment, Response
from question_bank.items.content import OptionText, Translation
from tests.question_bank.factories import user_in

from .test_item_type_delivery import (
    _answer_every_question,
    _ordering_post,
    _paper_of,
    _select_values,
    cloze,
    matching,
    numeric,
    ordering,
    short_answer,
)

pytestmark = pytest.mark.django_db


def _reviewable(attempt) -> None:
    Assessment.objects.filter(pk=attempt.assessment_id).update(review_after="immediately")


def _review(client, attempt) -> str:
    response = client.get(f"/assess/attempts/{attempt.pk}/review/")
    assert response.status_code == 200
    return response.content.decode()


def _part_rows(page: str) -> list[list[str]]:
    """The rows of every part-by-part table of the review: [label, given, key] as text."""
    rows = []
    for body in re.findall(r'(?s)<table class="review-parts">.*?<tbody>(.*?)</tbody>', page):
        for row in re.findall(r"(?s)<tr[^>]*>(.*?)</tr>", body):
            cells = re.findall(r"(?s)<t[hd][^>]*>(.*?)</t[hd]>", row)
            text = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]
            rows.append(text)
    return rows


def test_matching_review_shows_each_premise_with_the_match_chosen_and_the_right_one(
    client, asc_q0202, approver, candidate
):
    attempt = _paper_of(matching, approver, candidate, client)
    _reviewable(attempt)

    def post(page):  # Screw -> Hammer (wrong), Nail -> Hammer (right)
        return {"match_0": _select_values(page, "match_0")["Hammer"],
                "match_1": _select_values(page, "match_1")["Hammer"]}  # fmt: skip

    _answer_every_question(client, attempt, post)
    page = _review(client, attempt)
    rows = _part_rows(page)
    assert ["Screw", "Hammer ✗ not right", "Screwdriver"] in rows
    assert ["Nail", "Hammer ✓ right", "Hammer"] in rows
    assert len(rows) == 8  # two premises in each of four questions; the distractor asks nothing


def test_ordering_review_shows_the_candidates_order_beside_the_right_order(
    client, asc_q0202, approver, candidate
):
    attempt = _paper_of(ordering, approver, candidate, client)
    _reviewable(attempt)
    _answer_every_question(client, attempt, lambda p: _ordering_post(p, ["C", "B", "A"]))
    page = _review(client, attempt)
    assert "Your order" in page and "Right order" in page
    rows = _part_rows(page)[:3]  # the first question's three positions
    assert rows == [
        ["1", "Test dead ✗ not right", "Switch off"],
        ["2", "Isolate ✓ right", "Isolate"],
        ["3", "Switch off ✗ not right", "Test dead"],
    ]
    assert not re.search(r"Your answer[^<]*: <strong>[ABC]", page)  # no raw option keys


def test_cloze_review_shows_each_gaps_answer_and_the_accepted_one(
    client, asc_q0202, approver, candidate
):
    attempt = _paper_of(cloze, approver, candidate, client)
    _reviewable(attempt)

    def post(page):
        return {"blank_1": _select_values(page, "blank_1")["Spain"], "blank_2": "4"}

    _answer_every_question(client, attempt, post)
    page = _review(client, attempt)
    assert _part_rows(page)[:2] == [
        ["[1]", "Spain ✗ not right", "France"],
        ["[2]", "4 ✓ right", "4"],
    ]
    # The sentence is shown with its gaps numbered, not the raw placeholders.
    assert '<p>Paris is in <span class="gap">[1]</span>; 2+2=<span class="gap">[2]</span>.</p>' in (
        page
    )
    assert "{#1}" not in page


def _ordering_in_hindi():
    content = ordering()
    hindi = Translation("<p>चरणों को क्रम में रखें।</p>")
    for key, text in (("A", "बंद करें"), ("B", "अलग करें"), ("C", "जाँचें")):
        hindi.options[key] = OptionText(f"<p>{text}</p>")
    content.translations["hi"] = hindi
    return content


def test_the_review_is_in_hindi_where_the_item_was_answered_in_hindi(
    client, asc_q0202, approver, candidate
):
    attempt = _paper_of(_ordering_in_hindi, approver, candidate, client)
    _reviewable(attempt)
    _answer_every_question(client, attempt, lambda p: _ordering_post(p, ["C", "B", "A"]))
    Response.objects.update(language="hi")  # as if the candidate had answered in Hindi
    page = _review(client, attempt)
    assert ["1", "जाँचें ✗ not right", "बंद करें"] in _part_rows(page)
    assert 'lang="hi"' in page and "Switch off" not in page


@pytest.mark.parametrize("make", [matching, ordering, cloze])
def test_no_key_of_any_part_when_the_assessment_shows_no_answers(
    client, asc_q0202, approver, candidate, make
):
    attempt = _paper_of(make, approver, candidate, client)  # review_after: never (the default)

    def post(page):
        if 'name="order_1"' in page:
            return _ordering_post(page, ["C", "B", "A"])
        if 'name="blank_1"' in page:
            return {"blank_1": _select_values(page, "blank_1")["Spain"], "blank_2": "5"}
        return {"match_0": _select_values(page, "match_0")["Hammer"],
                "match_1": _select_values(page, "match_1")["Hammer"]}  # fmt: skip

    _answer_every_question(client, attempt, post)
    page = client.get(f"/assess/attempts/{attempt.pk}/review/", follow=True).content.decode()
    assert "does not show its answers" in page
    for key in ("review-parts", "Right order", "Screwdriver", "France", "Switch off"):
        assert key not in page


@pytest.mark.parametrize("make", [ordering, cloze])
def test_another_learner_never_sees_a_review(client, asc_q0202, approver, candidate, make):
    attempt = _paper_of(make, approver, candidate, client)
    _reviewable(attempt)

    def post(page):
        if 'name="order_1"' in page:
            return _ordering_post(page, ["C", "B", "A"])
        return {"blank_1": _select_values(page, "blank_1")["Spain"], "blank_2": "5"}

    _answer_every_question(client, attempt, post)
    client.force_login(user_in(Role.LEARNER))
    response = client.get(f"/assess/attempts/{attempt.pk}/review/")
    assert response.status_code in (403, 404)
    body = response.content.decode()
    assert "review-parts" not in body and "France" not in body and "Switch off" not in body


def test_part_answers_of_an_unanswered_gap_say_so(client, asc_q0202, approver, candidate):
    attempt = _paper_of(cloze, approver, candidate, client)
    _reviewable(attempt)
    _answer_every_question(
        client, attempt, lambda p: {"blank_1": _select_values(p, "blank_1")["France"]}
    )
    assert ["[2]", "no answer ✗ not right", "4"] in _part_rows(_review(client, attempt))


def test_a_numerical_gap_shows_its_tolerance():
    from question_bank.items.types import item_type_spec

    content = cloze()
    content.type_data["parts"][1]["answers"][0]["tolerance"] = "0.5"
    parts = item_type_spec("cloze").review_parts(content, "en", {"1": "France", "2": "4.4"})
    assert parts[1] == {
        "label_html": "2",
        "given_html": "4.4",
        "key_html": "4 ± 0.5",
        "right": True,
    }


def test_a_typed_numeric_answer_is_reviewed_with_the_number_as_written(
    client, asc_q0202, approver, candidate
):
    """A typed answer is stored as a one-element list: the review read it as the text "['1822']"
    and failed with a server error; and the key showed as "1.822E+3"."""
    attempt = _paper_of(numeric, approver, candidate, client)
    _reviewable(attempt)
    _answer_every_question(client, attempt, lambda page: {"answer": "1822", "unit": "m"})
    page = _review(client, attempt)
    assert page.count("result-right") == 4
    assert "<strong>1822 m</strong>" in page
    assert "<strong>1822</strong>" in page  # the key, in plain digits
    assert "E+" not in page


def test_a_right_short_answer_reads_as_right_in_the_review(client, asc_q0202, approver, candidate):
    attempt = _paper_of(short_answer, approver, candidate, client)
    _reviewable(attempt)
    _answer_every_question(client, attempt, lambda page: {"answer": "New Delhi"})
    page = _review(client, attempt)
    assert page.count("result-right") == 4 and "result-wrong" not in page


def test_each_reviewed_question_names_its_nos_and_pc(client, asc_q0202, approver, candidate):
    attempt = _paper_of(short_answer, approver, candidate, client)
    _reviewable(attempt)
    _answer_every_question(client, attempt, lambda page: {"answer": "New Delhi"})
    found = re.findall(r'<small class="review-pc">([^<]+)</small>', _review(client, attempt))
    assert sorted(found) == ["ASC/N0001 PC1", "ASC/N0001 PC2", "ASC/N0002 PC1", "ASC/N0002 PC2"]


def test_a_closed_review_says_why_once_on_the_result_page(client, asc_q0202, approver, candidate):
    attempt = _paper_of(short_answer, approver, candidate, client)  # review_after: never
    _answer_every_question(client, attempt, lambda page: {"answer": "New Delhi"})
    page = client.get(f"/assess/attempts/{attempt.pk}/review/", follow=True).content.decode()
    assert page.count("This assessment does not show its answers.") == 1
