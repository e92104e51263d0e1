"""The qualification framework, as the SSCs publish it.

QualificationPack -> (QualificationPackNos: weightage, compulsory/elective/option) ->
NationalOccupationalStandard -> Element -> PerformanceCriterion; KnowledgeItem and GenericSkill
hang off the NOS. A NOS is stored once and shared by every QP that lists it (ASC/N0001 is in
many QPs). Hong Kong units of competency are NOS rows with ``framework = HK-SCS``.

Hindi: each text a learner reads (QP, NOS and element titles; PC, KU and GS texts) has a
``<field>_hi`` twin, blank until a curator enters or imports it; ``question_bank.translations``
is the one place that picks the text for the page's language (Hindi, else the English).

Versions: a changed document never overwrites what items, lessons and papers point to. Each
import that changes a QP or NOS adds a new ``revision`` and moves ``is_current`` to it; the old
rows stay. ``version`` is the version printed in the document, ``revision`` is ours.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MARKS = {"max_digits": 7, "decimal_places": 2, "null": True, "blank": True}


class MarksMixin(models.Model):
    """Theory/practical/project/viva marks; null where the document gives none."""

    theory_marks = models.DecimalField(**MARKS)
    practical_marks = models.DecimalField(**MARKS)
    project_marks = models.DecimalField(**MARKS)
    viva_marks = models.DecimalField(**MARKS)

    class Meta:
        abstract = True

    def marks_dict(self) -> dict[str, Decimal | None]:
        return {
            "theory": self.theory_marks,
            "practical": self.practical_marks,
            "project": self.project_marks,
            "viva": self.viva_marks,
        }

    @property
    def has_marks(self) -> bool:
        return any(v is not None for v in self.marks_dict().values())


class AwardingBody(models.Model):
    """A Sector Skill Council or other body that publishes qualifications."""

    name = models.CharField(max_length=255, unique=True)
    short_name = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Sector(models.Model):
    name = models.CharField(max_length=255, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Framework(models.TextChoices):
    NOS = "NOS", _("National Occupational Standard (India)")
    HK_SCS = "HK-SCS", _("Hong Kong unit of competency (SCS)")


class NationalOccupationalStandard(models.Model):
    """A NOS (or a unit of competency of another framework), one row per revision."""

    code = models.CharField(max_length=64, db_index=True)
    revision = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    framework = models.CharField(max_length=16, choices=Framework.choices, default=Framework.NOS)
    title = models.CharField(max_length=500)
    title_hi = models.CharField(_("title in Hindi"), max_length=500, blank=True)
    description = models.TextField(blank=True)
    scope = models.TextField(blank=True)
    range_statement = models.TextField(blank=True)
    level = models.CharField(max_length=32, blank=True)
    credits = models.CharField(max_length=64, blank=True)
    version = models.CharField(max_length=32, blank=True)
    sector = models.CharField(max_length=255, blank=True)
    sub_sector = models.CharField(max_length=255, blank=True)
    occupation = models.CharField(max_length=255, blank=True)
    code_is_provisional = models.BooleanField(default=False)
    theory_marks = models.DecimalField(**MARKS)
    practical_marks = models.DecimalField(**MARKS)
    project_marks = models.DecimalField(**MARKS)
    viva_marks = models.DecimalField(**MARKS)
    content_checksum = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("national occupational standard")
        ordering = ["code", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["code", "revision"], name="nos_code_revision_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="nos_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def marks_dict(self) -> dict[str, Decimal | None]:
        return MarksMixin.marks_dict(self)  # type: ignore[arg-type]


class QualificationPack(models.Model):
    """A QP (or a course built on one), one row per revision of the imported document."""

    class LevelFramework(models.TextChoices):
        NSQF = "NSQF", "NSQF"
        NVEQF = "NVEQF", "NVEQF"

    code = models.CharField(max_length=64, db_index=True)
    revision = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    title = models.CharField(max_length=500)
    title_hi = models.CharField(_("title in Hindi"), max_length=500, blank=True)
    version = models.CharField(max_length=32, blank=True)
    nsqf_level = models.CharField(max_length=32, blank=True)
    level_framework = models.CharField(
        max_length=8, choices=LevelFramework.choices, default=LevelFramework.NSQF
    )
    awarding_body = models.ForeignKey(
        AwardingBody, null=True, blank=True, on_delete=models.PROTECT, related_name="packs"
    )
    sector = models.ForeignKey(
        Sector, null=True, blank=True, on_delete=models.PROTECT, related_name="packs"
    )
    sub_sector = models.CharField(max_length=255, blank=True)
    occupation = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    pass_percentage = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    last_reviewed_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    code_is_provisional = models.BooleanField(default=False)
    source_name = models.CharField(max_length=255, blank=True)
    source_checksum = models.CharField(max_length=64, db_index=True)
    document_family = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    nos = models.ManyToManyField(
        NationalOccupationalStandard, through="QualificationPackNos", related_name="packs"
    )

    class Meta:
        verbose_name = _("qualification pack")
        ordering = ["code", "-revision"]
        permissions = [
            ("import_qualificationpack", "Can import qualification documents"),
            ("translate_qualificationpack", "Can enter and import the Hindi texts of a QP"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code", "revision"], name="qp_code_revision_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="qp_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class QualificationPackNos(models.Model):
    """A NOS as one QP uses it: its weightage in the QP and whether it is compulsory."""

    class Kind(models.TextChoices):
        COMPULSORY = "compulsory", _("compulsory")
        ELECTIVE = "elective", _("elective")
        OPTION = "option", _("option")

    qualification_pack = models.ForeignKey(
        QualificationPack, on_delete=models.CASCADE, related_name="nos_links"
    )
    nos = models.ForeignKey(
        NationalOccupationalStandard, on_delete=models.PROTECT, related_name="pack_links"
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.COMPULSORY)
    weightage = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    theory_marks = models.DecimalField(**MARKS)
    practical_marks = models.DecimalField(**MARKS)
    project_marks = models.DecimalField(**MARKS)
    viva_marks = models.DecimalField(**MARKS)

    class Meta:
        ordering = ["qualification_pack", "position"]
        constraints = [
            models.UniqueConstraint(fields=["qualification_pack", "nos"], name="qp_nos_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.qualification_pack.code} / {self.nos.code}"


class Element(MarksMixin):
    """An element of a NOS; marks are its subtotal (or the only marks, where given per element)."""

    nos = models.ForeignKey(
        NationalOccupationalStandard, on_delete=models.CASCADE, related_name="elements"
    )
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=1000)
    title_hi = models.CharField(_("title in Hindi"), max_length=1000, blank=True)

    class Meta:
        ordering = ["nos", "position"]

    def __str__(self) -> str:
        return self.title


class PerformanceCriterion(MarksMixin):
    """A PC. Codes are not unique within a NOS: documents repeat them (ASC/N0004 has PC6 twice),
    and ``position`` is what tells them apart."""

    nos = models.ForeignKey(
        NationalOccupationalStandard, on_delete=models.CASCADE, related_name="performance_criteria"
    )
    element = models.ForeignKey(
        Element, on_delete=models.CASCADE, related_name="performance_criteria"
    )
    position = models.PositiveIntegerField()
    code = models.CharField(max_length=32)
    text = models.TextField()
    text_hi = models.TextField(_("text in Hindi"), blank=True)

    class Meta:
        verbose_name = _("performance criterion")
        verbose_name_plural = _("performance criteria")
        ordering = ["nos", "position"]

    def __str__(self) -> str:
        return f"{self.nos.code} {self.code}"


class KnowledgeItem(models.Model):
    """Knowledge and understanding (KU, or KA organisational / KB technical)."""

    nos = models.ForeignKey(
        NationalOccupationalStandard, on_delete=models.CASCADE, related_name="knowledge_items"
    )
    position = models.PositiveIntegerField()
    code = models.CharField(max_length=32)
    text = models.TextField()
    text_hi = models.TextField(_("text in Hindi"), blank=True)
    category = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["nos", "position"]

    def __str__(self) -> str:
        return f"{self.nos.code} {self.code}"


class GenericSkill(models.Model):
    """Generic skills (GS, or SA core / SB professional / SC technical) with their group."""

    nos = models.ForeignKey(
        NationalOccupationalStandard, on_delete=models.CASCADE, related_name="generic_skills"
    )
    position = models.PositiveIntegerField()
    code = models.CharField(max_length=32)
    text = models.TextField()
    text_hi = models.TextField(_("text in Hindi"), blank=True)
    group = models.CharField(max_length=255, blank=True)
    category = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["nos", "position"]

    def __str__(self) -> str:
        return f"{self.nos.code} {self.code}"


class DocumentImport(models.Model):
    """One import of one document: what it produced and the validation report shown to curators."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("created")
        NEW_REVISION = "new_revision", _("new revision")
        UNCHANGED = "unchanged", _("unchanged")

    source_name = models.CharField(max_length=255)
    source_checksum = models.CharField(max_length=64, db_index=True)
    family = models.CharField(max_length=32)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    findings = models.JSONField(default=list)
    qualification_pack = models.ForeignKey(
        QualificationPack, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )
    units = models.ManyToManyField(NationalOccupationalStandard, blank=True, related_name="imports")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_outcome_display()})"
