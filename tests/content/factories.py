"""Factories for the framework rows lessons are tagged with, and for users in a role."""

from __future__ import annotations

import factory

from accounts.models import User
from accounts.roles import Role, user_assign_role
from question_bank.models import QualificationPack, QualificationPackNos
from tests.question_bank.framework_factories import (
    ElementFactory,
    GenericSkillFactory,
    KnowledgeItemFactory,
    NosFactory,
    PerformanceCriterionFactory,
    QualificationPackFactory,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            user_assign_role(user=self, role=extracted)


def framework_build(*, nos_count: int = 2, per_kind: int = 2) -> QualificationPack:
    """A QP with ``nos_count`` NOS, each with ``per_kind`` PCs, KUs and GSs (codes 1..n)."""
    qualification_pack = QualificationPackFactory()
    for position in range(1, nos_count + 1):
        nos = NosFactory()
        QualificationPackNos.objects.create(
            qualification_pack=qualification_pack, nos=nos, position=position
        )
        element = ElementFactory(nos=nos, position=1)
        for i in range(1, per_kind + 1):
            PerformanceCriterionFactory(element=element, nos=nos, position=i, code=f"PC{i}")
            KnowledgeItemFactory(nos=nos, position=i, code=f"KU{i}")
            GenericSkillFactory(nos=nos, position=i, code=f"GS{i}")
    return qualification_pack


__all__ = [
    "ElementFactory",
    "GenericSkillFactory",
    "KnowledgeItemFactory",
    "NosFactory",
    "PerformanceCriterionFactory",
    "QualificationPackFactory",
    "Role",
    "UserFactory",
    "framework_build",
]


def approved_item_create(
    *,
    performance_criterion,
    knowledge_items=(),
    generic_skills=(),
    stem="Which is right?",
    purpose="practice",
    shuffle_options=True,
):
    """An approved single-choice bank item (key "a" correct), through the bank's own workflow;
    a practice item (for knowledge checks) unless ``purpose`` says otherwise."""
    from question_bank.items.content import ItemContent, OptionText, Translation
    from question_bank.items.services import (
        item_create,
        item_version_approve,
        item_version_latest,
        item_version_submit,
    )

    author, reviewer = UserFactory(), UserFactory()
    content = ItemContent(
        item_type="single_choice",
        translations={
            "en": Translation(
                stem_html=f"<p>{stem}</p>",
                general_feedback_html="<p>Because the standard says so.</p>",
                options={
                    "a": OptionText("<p>The right one</p>", "<p>Yes, exactly.</p>"),
                    "b": OptionText("<p>The wrong one</p>", "<p>No, think again.</p>"),
                },
            )
        },
        options=[("a", 1), ("b", 0)],
    )
    item = item_create(
        performance_criterion=performance_criterion,
        content=content,
        author=author,
        knowledge_items=knowledge_items,
        generic_skills=generic_skills,
    )
    type(item).objects.filter(pk=item.pk).update(purpose=purpose)
    latest = item_version_latest(item=item)
    type(latest).objects.filter(pk=latest.pk).update(shuffle_options=shuffle_options)
    latest.refresh_from_db()
    version = item_version_submit(version=latest, user=author)
    return item_version_approve(version=version, user=reviewer)
