"""factory_boy factories for the qualification framework (QP -> NOS -> Element -> PC, KU, GS)."""

from __future__ import annotations

import factory

from question_bank.models import (
    AwardingBody,
    Element,
    GenericSkill,
    KnowledgeItem,
    NationalOccupationalStandard,
    PerformanceCriterion,
    QualificationPack,
    QualificationPackNos,
    Sector,
)


class AwardingBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardingBody
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Sector Skill Council {n}")
    short_name = "SSC"


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("name",)

    name = "Automotive"


class NosFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NationalOccupationalStandard

    code = factory.Sequence(lambda n: f"TST/N{n:04d}")
    title = factory.Sequence(lambda n: f"Test occupational standard {n}")
    level = "4"
    content_checksum = factory.Sequence(lambda n: f"nos-checksum-{n}")


class QualificationPackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualificationPack

    code = factory.Sequence(lambda n: f"TST/Q{n:04d}")
    title = factory.Sequence(lambda n: f"Test qualification pack {n}")
    nsqf_level = "4"
    source_checksum = factory.Sequence(lambda n: f"qp-checksum-{n}")


class QualificationPackNosFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualificationPackNos

    qualification_pack = factory.SubFactory(QualificationPackFactory)
    nos = factory.SubFactory(NosFactory)
    position = factory.Sequence(lambda n: n + 1)


class ElementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Element

    nos = factory.SubFactory(NosFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Element {n}")


class PerformanceCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerformanceCriterion

    element = factory.SubFactory(ElementFactory)
    nos = factory.SelfAttribute("element.nos")
    position = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"PC{n + 1}")
    text = factory.Sequence(lambda n: f"perform task {n}")


class KnowledgeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeItem

    nos = factory.SubFactory(NosFactory)
    position = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"KU{n + 1}")
    text = factory.Sequence(lambda n: f"know fact {n}")


class GenericSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GenericSkill

    nos = factory.SubFactory(NosFactory)
    position = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"GS{n + 1}")
    text = factory.Sequence(lambda n: f"generic skill {n}")
