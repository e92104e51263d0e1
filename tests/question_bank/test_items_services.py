# ruff: noqa: F811, E501  (pytest fixtures are imported from tests.question_bank.factories)
"""Items: creation, versions, the review workflow and its audit trail, enemies, exposure."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from question_bank.items.content import item_content_of, item_content_validate
from question_bank.items.html import html_sanitise
from question_bank.items.services import (
    item_comment_add,
    item_edit,
    item_enemies_set,
    item_exposure_record,
    item_version_approve,
    item_version_retire,
    item_version_return,
    item_version_submit,
)
from question_bank.models import ItemEvent, ItemStatus, ItemType, KnowledgeItem

from .factories import (  # noqa: F401
    asc_q0202,
    content_multiple,
    content_numeric,
    content_single,
    content_true_false,
    curator,
    item_make,
    pc_of,
    second_curator,
)

pytestmark = pytest.mark.django_db


def test_new_item_is_a_draft_version_1_tagged_to_the_pcs_nos(asc_q0202, curator):
    item = item_make(nos="ASC/N0003", pc="PC4", author=curator)
    version = item.versions.get()
    assert (version.number, version.status, version.author) == (1, ItemStatus.DRAFT, curator)
    assert item.nos.code == "ASC/N0003"
    assert item.performance_criterion.code == "PC4"
    assert ItemEvent.objects.filter(item=item, action="created", actor=curator).exists()


def test_approval_by_another_curator_records_who_and_when(asc_q0202, curator, second_curator):
    item = item_make(author=curator)
    version = item.versions.get()
    item_version_submit(version=version, user=curator, comment="ready")
    item_version_approve(version=version, user=second_curator, comment="good item")
    version.refresh_from_db()
    assert version.status == ItemStatus.APPROVED
    assert version.approved_by == second_curator and version.approved_at is not None
    actions = list(item.events.order_by("id").values_list("action", "actor", "comment"))
    assert actions == [
        ("created", curator.pk, ""),
        ("submitted", curator.pk, "ready"),
        ("approved", second_curator.pk, "good item"),
    ]


def test_author_cannot_approve_own_item(asc_q0202, curator):
    item = item_make(author=curator)
    version = item_version_submit(version=item.versions.get(), user=curator)
    with pytest.raises(PermissionDenied):
        item_version_approve(version=version, user=curator)
    version.refresh_from_db()
    assert version.status == ItemStatus.SUBMITTED


def test_draft_cannot_be_approved_without_submission(asc_q0202, curator, second_curator):
    item = item_make(author=curator)
    with pytest.raises(ValidationError):
        item_version_approve(version=item.versions.get(), user=second_curator)


def test_editing_an_approved_item_makes_a_new_version_and_leaves_the_old_untouched(
    asc_q0202, curator, second_curator
):
    item = item_make(author=curator, approver=second_curator)
    approved = item.versions.get()
    new = item_edit(item=item, user=curator, content=content_single("Reworded stem?"))
    assert new.number == 2 and new.status == ItemStatus.DRAFT and new.is_latest
    approved.refresh_from_db()
    assert approved.status == ItemStatus.APPROVED and not approved.is_latest
    assert "Which is correct?" in approved.translations.get(language="en").stem_html
    # approving v2 retires v1: at most one approved version per item
    item_version_submit(version=new, user=curator)
    item_version_approve(version=new, user=second_curator)
    approved.refresh_from_db()
    assert approved.status == ItemStatus.RETIRED
    assert item.versions.filter(status=ItemStatus.APPROVED).get() == new


def test_editing_a_draft_changes_it_in_place(asc_q0202, curator):
    item = item_make(author=curator)
    version = item_edit(item=item, user=curator, content=content_single("Second try?"))
    assert version.number == 1 and item.versions.count() == 1
    assert "Second try?" in version.translations.get(language="en").stem_html


def test_return_needs_a_comment_and_goes_back_to_draft(asc_q0202, curator, second_curator):
    item = item_make(author=curator)
    version = item_version_submit(version=item.versions.get(), user=curator)
    with pytest.raises(ValidationError):
        item_version_return(version=version, user=second_curator, comment=" ")
    item_version_return(version=version, user=second_curator, comment="Option C is ambiguous")
    assert version.status == ItemStatus.DRAFT
    assert item.events.filter(action="returned", comment="Option C is ambiguous").exists()


def test_retire_and_comment_are_audited(asc_q0202, curator, second_curator):
    item = item_make(author=curator, approver=second_curator)
    item_comment_add(item=item, user=second_curator, comment="Check the figures")
    item_version_retire(version=item.versions.get(), user=second_curator, comment="outdated")
    assert item.versions.get().status == ItemStatus.RETIRED
    assert set(item.events.values_list("action", flat=True)) >= {"commented", "retired"}


def test_hindi_translation_is_a_variant_of_the_same_version(asc_q0202, curator):
    item = item_make(author=curator, content=content_single(hindi=True))
    version = item.versions.get()
    assert version.languages == ["en", "hi"]
    assert item.versions.count() == 1
    assert "सही उत्तर" in version.translation("hi").options["A"]["html"]
    assert version.translation("ta").language == "en"  # falls back to English


def test_ku_tags_must_belong_to_the_items_nos(asc_q0202, curator):
    foreign = KnowledgeItem.objects.filter(nos__code="ASC/N0002").first()
    with pytest.raises(ValidationError, match="must belong to ASC/N0001"):
        item_make(author=curator, knowledge_items=[foreign])


def test_enemies_are_symmetric_and_exposure_counts(asc_q0202, curator):
    a, b = item_make(author=curator), item_make(author=curator, pc="PC2")
    item_enemies_set(item=a, enemies=[b], user=curator)
    assert list(b.enemies.all()) == [a]
    item_exposure_record(item=a)
    item_exposure_record(item=a)
    a.refresh_from_db()
    assert a.exposure_count == 2 and a.last_exposed_at is not None


@pytest.mark.parametrize(
    "content, message",
    [
        (lambda c: setattr(c, "options", [("A", Decimal(1)), ("B", Decimal(1))]), "exactly one"),
        (lambda c: c.translations["en"].options.pop("B"), "no text for option(s) B"),
        (lambda c: setattr(c, "difficulty_estimate", 9), "between 1 and 5"),
        (lambda c: setattr(c.translations["en"], "stem_html", "<p> </p>"), "stem is empty"),
        (lambda c: c.translations.update(ta=c.translations["en"]), "unsupported language"),
    ],
)
def test_invalid_content_is_rejected_with_a_named_problem(content, message):
    c = content_single()
    content(c)
    assert any(message in p for p in item_content_validate(c))


def test_every_type_validates_and_round_trips_through_storage(asc_q0202, curator):
    for content in (
        content_single(hindi=True),
        content_multiple(),
        content_true_false(),
        content_numeric(),
    ):
        assert item_content_validate(content) == []
        item = item_make(author=curator, content=content)
        stored = item_content_of(item.versions.prefetch_related("options", "translations").get())
        assert stored == content.normalised()
    # Every stored type has its module in the item-type registry.
    from question_bank.items.types import REGISTRY

    assert set(ItemType.values) == set(REGISTRY)


def test_html_sanitiser_keeps_formatting_and_images_and_drops_scripts():
    dirty = (
        '<p onclick="x()">Hi <b>there</b><script>alert(1)</script>'
        '<img src="javascript:alert(1)"><img src="data:image/png;base64,AAA" alt="a"></p>'
        '<a href="http://evil">link</a>'
    )
    assert (
        html_sanitise(dirty)
        == '<p>Hi <b>there</b><img src="data:image/png;base64,AAA" alt="a"/></p>link'
    )
