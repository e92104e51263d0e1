"""Question-bank models: the QP/NOS framework (``framework``) and, later, the items."""

from .framework import (
    AwardingBody,
    DocumentImport,
    Element,
    GenericSkill,
    KnowledgeItem,
    NationalOccupationalStandard,
    PerformanceCriterion,
    QualificationPack,
    QualificationPackNos,
    Sector,
)
from .items import (
    Item,
    ItemEvent,
    ItemOption,
    ItemPurpose,
    ItemStatistics,
    ItemStatus,
    ItemType,
    ItemVersion,
    ItemVersionTranslation,
)

__all__ = [
    "AwardingBody",
    "DocumentImport",
    "Element",
    "GenericSkill",
    "Item",
    "ItemEvent",
    "ItemOption",
    "ItemPurpose",
    "ItemStatistics",
    "ItemStatus",
    "ItemType",
    "ItemVersion",
    "ItemVersionTranslation",
    "KnowledgeItem",
    "NationalOccupationalStandard",
    "PerformanceCriterion",
    "QualificationPack",
    "QualificationPackNos",
    "Sector",
]
