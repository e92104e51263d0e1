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

__all__ = [
    "AwardingBody",
    "DocumentImport",
    "Element",
    "GenericSkill",
    "KnowledgeItem",
    "NationalOccupationalStandard",
    "PerformanceCriterion",
    "QualificationPack",
    "QualificationPackNos",
    "Sector",
]
