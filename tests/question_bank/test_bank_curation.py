# ruff: noqa: F811  (pytest fixtures are imported from tests.question_bank.factories)
"""The curator's bank pages of issue #13: the listing shows the question and its statistics
without N+1 queries; the preview is the candidate's own page in both languages with the key
only for curators; the compact form keeps Moodle's grade set; the diff between versions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from question_bank.items.content import OptionText
from question_bank.items.diff import item_content_diff
from question_bank.items.services import item_edit
from question_bank.models import Item, ItemStatistics

from .factories import (  # noqa: F401
    asc_q0202,
    content_single,
    curator,
    item_make,
    pc_of,
    second_curator,
    user_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(asc_q0202, curator, second_curator) -> Item:
    curator.first_name, curator.last_name = "Chitra", "Rao"
    curator.save()
    item = item_make(
        author=curator,
        approver=second_curator,
        content=content_single("Whom do you ask about a task outside your role?", hindi=True),
    )
    ItemStatistics.objects.create(
        version=item.versions.get(), response_count=42, facility=0.61, discrimination=0.37
    )
    Item.objects.filter(pk=item.pk).update(
        discrimination=1.23, difficulty=-0.45, guessing=0.2, calibrated_at=timezone.now()
    )
    return item


def test_listing_shows_the_question_its_pc_statement_author_and_statistics(
    client, approved, curator
):
    client.force_login(curator)
    html = client.get(reverse("items:index")).content.decode()
    assert "Whom do you ask about a task outside your role?" in html
    pc = approved.performance_criterion
    assert f'title="{pc.text}"' in html
    assert "Chitra Rao" in html
    assert "p 0.61" in html and "r 0.37" in html and "n 42" in html
    assert "a 1.23" in html and "b -0.45" in html


def test_listing_makes_the_same_number_of_queries_for_3_or_30_items(
    client, asc_q0202, curator, django_assert_max_num_queries
):
    client.force_login(curator)
    for i in range(3):
        item_make(author=curator, content=content_single(f"Question {i}?"))
    client.get(reverse("items:index"))  # warm caches (session, permissions, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("items:index"))
    for i in range(27):
        item_make(author=user_in(Role.SSC_CURATOR), content=content_single(f"More {i}?"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("items:index"))
    assert response.context["page"].paginator.count == 30


def test_preview_shows_the_candidate_page_in_both_languages_and_the_key_to_curators(
    client, approved, curator
):
    client.force_login(curator)
    page = client.get(reverse("items:preview", args=[approved.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="answer-key"' in html and "100 %" in html
    version = approved.versions.get()
    for language, stem in (("en", "Whom do you ask"), ("hi", "कौन सा सही है?")):
        url = reverse("items:preview_frame", args=[version.pk, language])
        assert url in html
        frame = client.get(url)
        assert frame.status_code == 200
        body = frame.content.decode()
        assert stem in body and 'name="answer"' in body
        # the candidate's page: no key, no feedback
        assert "Yes, because" not in body and "हाँ।" not in body and "fraction" not in body
        assert frame.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_answering_in_the_preview_records_nothing(client, approved, curator):
    client.force_login(curator)
    version = approved.versions.get()
    url = reverse("items:preview_frame", args=[version.pk, "en"])
    response = client.post(url, {"item_version": version.pk, "answer": "A"})
    assert response.status_code == 200
    from adaptive.models import Response

    assert not Response.objects.exists()


def test_assessor_previews_without_the_key_and_learners_are_refused(client, approved):
    assessor = user_in(Role.ASSESSOR)
    client.force_login(assessor)
    page = client.get(reverse("items:preview", args=[approved.pk]))
    assert page.status_code == 200
    assert 'id="answer-key"' not in page.content.decode()
    assert "Right answer" not in page.content.decode()
    client.force_login(user_in(Role.LEARNER))
    version = approved.versions.get()
    for url in (
        reverse("items:preview", args=[approved.pk]),
        reverse("items:preview_frame", args=[version.pk, "en"]),
        reverse("items:diff", args=[approved.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "Whom do you ask" not in response.content.decode()


def test_diff_between_versions_shows_changed_option_text_and_score(client, approved, curator):
    content = content_single("Whom do you ask about a task outside your role?", hindi=True)
    content.translations["en"].options["B"] = OptionText("<p>Your supervisor's manager</p>")
    content.options = [("A", Decimal(1)), ("B", Decimal("0.5")), ("C", Decimal(0))]
    item_edit(item=approved, user=curator, content=content, comment="better distractor")
    client.force_login(curator)
    response = client.get(reverse("items:diff", args=[approved.pk]))
    assert response.status_code == 200
    changed = [r for r in response.context["rows"] if r.op == "changed"]
    assert any(
        "Option B (0 %): Wrong answer" in r.old
        and "Option B (50 %): Your supervisor's manager" in r.new
        for r in changed
    )
    assert all("Stem" not in r.old for r in changed)  # the stem did not change
    assert "<del>" in response.content.decode()


def test_diff_of_an_item_with_one_version_says_so(client, approved, curator):
    client.force_login(curator)
    response = client.get(reverse("items:diff", args=[approved.pk]), follow=True)
    assert "only one version" in response.content.decode()


def test_diff_lists_added_and_removed_options():
    old = content_single()
    new = content_single()
    del new.translations["en"].options["C"]
    new.options = new.options[:2]
    rows = item_content_diff(old=old.normalised(), new=new.normalised())
    assert [r.old for r in rows if r.op == "removed"] == [
        "[en] Option C (0 %): Another wrong answer"
    ]


def _form_data(pc, **extra):
    data = {
        "performance_criterion": pc.pk, "item_type": "single_choice",
        "en_stem_html": "<p>Which glove protects against solvents?</p>",
        "en_option_A": "Nitrile", "fraction_A": "1",
        "en_option_B": "Cotton", "fraction_B": "0",
    }  # fmt: skip
    data.update(extra)
    return data


def test_item_form_accepts_moodle_grades_and_refuses_others(client, asc_q0202, curator):
    pc = pc_of("ASC/N0001", "PC4")
    client.force_login(curator)
    url = reverse("items:create") + "?qp=ASC/Q0202"
    refused = client.post(url, _form_data(pc, item_type="multiple_response", fraction_A="0.33",
                                           fraction_B="0.67"))  # fmt: skip
    assert refused.status_code == 400
    assert "0.33 is not one of Moodle" in refused.content.decode()
    assert not Item.objects.exists()
    accepted = client.post(
        url,
        _form_data(pc, item_type="multiple_response", fraction_A="0.3333333",
                   fraction_B="0.6666667"),
    )  # fmt: skip
    assert accepted.status_code == 302
    fractions = [o.fraction for o in Item.objects.get().versions.get().options.all()]
    assert fractions == [Decimal("0.3333333"), Decimal("0.6666667")]


def test_item_form_keeps_the_sum_rule_of_single_choice(client, asc_q0202, curator):
    client.force_login(curator)
    response = client.post(
        reverse("items:create") + "?qp=ASC/Q0202",
        _form_data(pc_of("ASC/N0001", "PC4"), fraction_B="1"),
    )
    assert response.status_code == 400
    assert "exactly one fully correct option" in response.content.decode()
    assert not Item.objects.exists()


def test_edit_form_shows_the_options_as_rows_with_their_scores(client, approved, curator):
    client.force_login(curator)
    response = client.get(reverse("items:edit", args=[approved.pk]))
    form = response.context["form"]
    rows = form.option_rows()
    assert [r["used"] for r in rows] == [True, True, True, False, False, False]
    html = response.content.decode()
    assert '<option value="1" selected>100 %</option>' in html
    assert '<option value="0.3333333">33.33333 %</option>' in html
    # KU/GS ticks show their statements
    ku = approved.nos.knowledge_items.first()
    assert f"{ku.code} — {ku.text}" in html
