# ruff: noqa: F811, E501  (pytest fixtures are imported from tests.question_bank.factories)
"""The shipped demo bank loads, covers every PC of ASC/Q0202 in proportion to its theory marks,
covers SSC/Q2211, has Hindi variants, and loading it twice changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from question_bank.items.selectors import qualification_pack_coverage
from question_bank.models import Item, ItemStatus, ItemVersion, ItemVersionTranslation

from .factories import asc_q0202, ssc_q2211  # noqa: F401

pytestmark = pytest.mark.django_db


def test_demo_bank_meets_the_blueprint_of_both_qps(asc_q0202, ssc_q2211):
    out = StringIO()
    call_command("load_demo_bank", stdout=out)
    assert "ASC/Q0202: asc_q0202.gift.txt: 185 created" in out.getvalue()
    # Only the trainer's file waits for curators: 5 untagged drafts (each with a suggested PC)
    # and 3 tagged questions submitted for review; none of them can reach an assessment.
    waiting = ItemVersion.objects.exclude(status=ItemStatus.APPROVED)
    assert waiting.filter(status=ItemStatus.DRAFT, item__performance_criterion=None).count() == 5
    assert not waiting.filter(item__suggested_performance_criterion=None, item__nos=None).exists()
    assert waiting.filter(status=ItemStatus.SUBMITTED).exclude(item__nos=None).count() == 3
    assert waiting.count() == 8
    assert "asc_q0202_trainer_drafts.gift.txt: 8 created" in out.getvalue()
    for code in ("ASC/Q0202", "SSC/Q2211"):
        for nos in qualification_pack_coverage(code=code):
            for row in nos.rows:
                assert row.approved >= row.needed, (code, nos.nos.code, row.ref)
    asc_rows = [r for n in qualification_pack_coverage(code="ASC/Q0202") for r in n.rows]
    assert all(r.approved >= 3 for r in asc_rows if r.marks_source == "pc")
    five_marks = [r for r in asc_rows if r.theory_marks == 5]
    assert five_marks and all(r.approved >= 5 for r in five_marks)
    hindi = ItemVersionTranslation.objects.filter(language="hi")
    assert hindi.filter(version__item__nos__code__startswith="ASC/").count() >= 5
    assert hindi.filter(version__item__nos__code__startswith="SSC/").count() >= 5
    assert Item.objects.filter(knowledge_items__isnull=False).distinct().count() > 120
    types = set(
        ItemVersion.objects.filter(status=ItemStatus.APPROVED).values_list("item_type", flat=True)
    )
    assert types == {"single_choice", "multiple_response", "true_false", "numeric"}
    again = StringIO()
    call_command("load_demo_bank", stdout=again)
    assert "0 created, 0 new versions, 185 unchanged" in again.getvalue()


def test_demo_bank_skips_a_qp_that_is_not_imported(asc_q0202):
    out = StringIO()
    call_command("load_demo_bank", stdout=out)
    assert "SSC/Q2211 is not imported" in out.getvalue()
    assert not Item.objects.filter(nos__code__startswith="SSC/").exists()
    with pytest.raises(CommandError, match="SSC/Q2211 is not imported"):
        call_command("load_demo_bank", "--strict", stdout=StringIO())


def test_the_admin_home_shows_what_waits_in_the_bank(client, asc_q0202, ssc_q2211):
    """The Wagtail home page's bank panel: counts that link to the filtered bank list, for
    users who may view the bank, and not for a content editor who may not."""
    from accounts.roles import Role

    from .factories import user_in

    call_command("load_demo_bank", stdout=StringIO())
    client.force_login(user_in(Role.SSC_CURATOR))
    page = client.get("/admin/").content.decode()
    assert "Question bank" in page and "?status=submitted" in page
    assert ">Awaiting review</a></td><td>3</td>" in page
    assert ">To be tagged to a NOS and PC</a></td><td>5</td>" in page
    listed = client.get("/admin/items/?status=submitted").content.decode()
    assert listed.count("When a customer") == 1 and "Keeping a customer" in listed
    editor = user_in(Role.CONTENT_EDITOR)
    assert not editor.has_perm("question_bank.view_item")
    client.force_login(editor)
    home = client.get("/admin/")
    assert home.status_code == 200 and "kaushal-question-bank" not in home.content.decode()
