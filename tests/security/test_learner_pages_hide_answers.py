"""No answer key and no feedback in anything a learner's browser receives before answering:
the assessment pages (as HTML, and whatever a script asking for JSON gets), the lesson page
with its knowledge check, progress and dashboard. (The knowledge check's answer endpoint,
``/learn/lessons/<id>/check/``, is tests/security/test_answer_keys.py's.)

The world's bank items (``tests.question_bank.factories.content_single``) carry recognisable
feedback ("Yes, because.", "General feedback.") and have option "A" as the only key.
"""

from __future__ import annotations

import json
import re

import pytest

from .world import path_values

pytestmark = pytest.mark.django_db

FEEDBACK = ("Yes, because.", "No, because.", "General feedback.")
KEY_MARKERS = (
    "fraction",
    "correct_keys",
    "is_correct",
    "data-correct=",
    "data-key=",
    '"correct"',
    "numeric_answer",
    "tolerance",
)
LEARNER_PAGES = (
    "/assess/",
    "/assess/{assessment}/",
    "/assess/attempts/{own_open}/",
    "{lesson_url}",
    "{module_url}",
    "{course_url}",
    "/me/progress/",
    "/dashboard/",
)


def assert_no_answer_key(body: str, where: str) -> None:
    for text in FEEDBACK:
        assert text not in body, f"{where} shows feedback {text!r} before answering"
    # The page's own script names the fields of the answer it will receive; data does not.
    data = re.sub(r"<script\b.*?</script>", "", body, flags=re.DOTALL)
    for marker in KEY_MARKERS:
        assert marker not in data, f"{where} carries {marker!r}"


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
@pytest.mark.parametrize("path", LEARNER_PAGES)
def test_learner_page_carries_no_answer_key_or_feedback(path, accept, world, client_for):
    url = path.format(**path_values(world))
    response = client_for("Learner").get(url, HTTP_ACCEPT=accept)
    assert response.status_code == 200, url
    body = response.content.decode()
    assert_no_answer_key(body, url)
    if response["Content-Type"].startswith("application/json"):
        assert_no_answer_key(json.dumps(json.loads(body)), url)


def test_the_question_page_shows_the_question_and_nothing_that_tells_the_key(world, client_for):
    attempt = world.own_open
    page = client_for("Learner").get(f"/assess/attempts/{attempt.pk}/").content.decode()
    assert f'name="item_version" value="{attempt.current_item_version_id}"' in page
    assert "Right answer" in page and "Wrong answer" in page  # the options, as text only
    # Every option is an input of the same shape: none is marked, checked or ordered apart.
    inputs = re.findall(r'<input type="radio" name="answer" value="[^"]+"[^>]*>', page)
    assert len(inputs) == 3
    assert len({re.sub(r'value="[^"]+"', "", i) for i in inputs}) == 1
    assert "checked" not in page


def test_the_lesson_page_shows_its_knowledge_check_without_keys(world, client_for):
    page = client_for("Learner").get(world.lesson.url).content.decode()
    assert "data-knowledge-check" in page and "Which is correct?" in page
    assert_no_answer_key(page, world.lesson.url)


def test_the_result_page_shows_marks_but_not_which_options_were_right(world, client_for):
    page = client_for("Learner").get(f"/assess/attempts/{world.own_finished.pk}/result/")
    body = page.content.decode()
    assert page.status_code == 200 and "Marks:" in body
    assert_no_answer_key(body, "the result page")
    assert "Right answer" not in body and "Which is correct?" not in body
