"""Factories and fixtures for the item bank tests: users in roles, the real seed QPs, items."""

from __future__ import annotations

import uuid
from decimal import Decimal

import factory
import pytest

from accounts.roles import Role, user_assign_role
from question_bank.items.content import ItemContent, OptionText, Translation
from question_bank.items.services import item_create, item_version_approve, item_version_submit
from question_bank.models import Item, ItemType, PerformanceCriterion, QualificationPack
from question_bank.services import document_import
from tests.conftest import SEEDS_DIR

ASC = "000_11998c2bd16f104f.txt"
SSC = "002_07583d1f727b72ad.txt"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw-12345-long")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            user_assign_role(user=self, role=extracted)
        self.save()


def user_in(role: Role | None, **kwargs):
    return UserFactory(role=role, **kwargs)


def seed_import(name: str) -> QualificationPack:
    report = document_import(text=(SEEDS_DIR / name).read_text(), source_name=name)
    return report.qualification_pack


def pc_of(nos_code: str, code: str = "PC1") -> PerformanceCriterion:
    return PerformanceCriterion.objects.filter(
        nos__code=nos_code, nos__is_current=True, code=code
    ).order_by("position")[0]


def content_single(
    stem: str = "Which is correct?", *, hindi: bool = False, difficulty=None
) -> ItemContent:
    translations = {
        "en": Translation(
            stem_html=f"<p>{stem}</p>",
            general_feedback_html="<p>General feedback.</p>",
            options={
                "A": OptionText("<p>Right answer</p>", "<p>Yes, because.</p>"),
                "B": OptionText("<p>Wrong answer</p>", "<p>No, because.</p>"),
                "C": OptionText("<p>Another wrong answer</p>", ""),
            },
        )
    }
    if hindi:
        translations["hi"] = Translation(
            stem_html="<p>कौन सा सही है?</p>",
            general_feedback_html="<p>सामान्य प्रतिक्रिया।</p>",
            options={
                "A": OptionText("<p>सही उत्तर</p>", "<p>हाँ।</p>"),
                "B": OptionText("<p>गलत उत्तर</p>", "<p>नहीं।</p>"),
                "C": OptionText("<p>एक और गलत उत्तर</p>", ""),
            },
        )
    return ItemContent(
        item_type=ItemType.SINGLE_CHOICE,
        translations=translations,
        options=[("A", Decimal(1)), ("B", Decimal(0)), ("C", Decimal(0))],
        difficulty_estimate=difficulty,
    )


def content_multiple() -> ItemContent:
    return ItemContent(
        item_type=ItemType.MULTIPLE_RESPONSE,
        translations={
            "en": Translation(
                "<p>Which two are hazards?</p>",
                "",
                {
                    "A": OptionText("Wet floor", "<p>A slip hazard.</p>"),
                    "B": OptionText("Frayed cable", ""),
                    "C": OptionText("Clean desk", "<p>Not a hazard.</p>"),
                },
            )
        },
        options=[("A", Decimal("0.5")), ("B", Decimal("0.5")), ("C", Decimal("-1"))],
    )


def content_true_false(*, correct: str = "true") -> ItemContent:
    return ItemContent(
        item_type=ItemType.TRUE_FALSE,
        translations={
            "en": Translation(
                "<p>A fire exit may be locked during working hours.</p>",
                "<p>Exits stay unlocked.</p>",
                {
                    "true": OptionText("", "<p>No: never lock exits.</p>"),
                    "false": OptionText("", "<p>Right.</p>"),
                },
            ),
            "hi": Translation("<p>काम के समय आग से बचने का रास्ता बंद किया जा सकता है।</p>", "", {}),
        },
        options=[("true", Decimal(correct == "true")), ("false", Decimal(correct == "false"))],
        difficulty_estimate=2,
    )


def content_numeric() -> ItemContent:
    return ItemContent(
        item_type=ItemType.NUMERIC,
        translations={
            "en": Translation(
                "<p>15 of 60 customers complained. What percentage is that?</p>",
                "<p>15/60 = 25%.</p>",
            )
        },
        numeric_answer=Decimal("25"),
        numeric_tolerance=Decimal("0.5"),
    )


def item_make(
    *,
    nos: str = "ASC/N0001",
    pc: str = "PC1",
    content: ItemContent | None = None,
    author=None,
    approver=None,
    **kwargs,
) -> Item:
    item = item_create(
        performance_criterion=pc_of(nos, pc),
        content=content or content_single(),
        author=author,
        uid=kwargs.pop("uid", None) or uuid.uuid4(),
        **kwargs,
    )
    if approver is not None:
        version = item.versions.get()
        item_version_submit(version=version, user=author)
        item_version_approve(version=version, user=approver)
    return item


@pytest.fixture
def asc_q0202(db) -> QualificationPack:
    return seed_import(ASC)


@pytest.fixture
def ssc_q2211(db) -> QualificationPack:
    return seed_import(SSC)


@pytest.fixture
def curator(db):
    return user_in(Role.SSC_CURATOR)


@pytest.fixture
def second_curator(db):
    return user_in(Role.SSC_CURATOR)
