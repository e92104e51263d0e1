"""The items of the knowledge bank, their versions, translations, reviews and statistics.

Item (stable identity: one NOS and one PC tag, KU/GS tags, enemies, exposure counters and the
IRT calibration shared by every translation) -> ItemVersion (number, status, type, author,
difficulty estimate; immutable once approved: editing makes a new version) -> ItemOption (stable
keys with the answer key: ``fraction``) and ItemVersionTranslation (stem, general feedback and
per-option text/feedback in one language; a Hindi translation is a variant of the same version,
not a new item). ItemEvent is the audit trail (who did what when, with comments);
ItemStatistics holds the classical statistics a Celery task computes from recorded responses.

The answer key (``ItemOption.fraction``, ``ItemVersion.numeric_answer``) is never serialised for a
learner: ``question_bank.api.item_for_learner`` is the only learner-facing shape.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .framework import (
    GenericSkill,
    KnowledgeItem,
    NationalOccupationalStandard,
    PerformanceCriterion,
    QualificationPack,
)

ITEM_LANGUAGES = [("en", "English"), ("hi", "हिन्दी")]


class ItemType(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("single choice")
    MULTIPLE_RESPONSE = "multiple_response", _("multiple response")
    TRUE_FALSE = "true_false", _("true/false")
    NUMERIC = "numeric", _("numeric")
    SHORT_ANSWER = "short_answer", _("short answer")
    ESSAY = "essay", _("essay")
    MATCHING = "matching", _("matching")
    ORDERING = "ordering", _("ordering")
    CLOZE = "cloze", _("cloze (embedded answers)")
    DESCRIPTION = "description", _("description (shared stimulus, not a question)")


class ItemPurpose(models.TextChoices):
    """Where an item may be used. Kept apart by default so that a practice knowledge check can
    never reveal the key of a question that a graded assessment may draw."""

    PRACTICE = "practice", _("practice (knowledge checks)")
    SUMMATIVE = "summative", _("summative (graded assessments)")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETIRED = "retired", _("retired")


class Item(models.Model):
    """What stays the same across versions and translations of one question."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The QP an imported item was brought in for; it stays when the item is still to be tagged.
    qualification_pack = models.ForeignKey(
        QualificationPack, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    # Both empty: imported untagged, "to be tagged"; such an item cannot be approved.
    nos = models.ForeignKey(
        NationalOccupationalStandard,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    performance_criterion = models.ForeignKey(
        PerformanceCriterion, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    # Where an imported item came from: the file's category path, its free tags and its id
    # (Moodle idnumber, QTI identifier: any string), and a hash of its content for re-imports.
    source_category = models.CharField(
        _("source category"), max_length=500, blank=True, db_index=True
    )
    source_tags = models.JSONField(default=list, blank=True)
    source_id = models.CharField(_("source id"), max_length=255, blank=True, db_index=True)
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # A NOS/PC proposed from the text (TF-IDF against the QP's statements), for bulk acceptance.
    suggested_performance_criterion = models.ForeignKey(
        PerformanceCriterion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggestion_score = models.FloatField(null=True, blank=True)
    knowledge_items = models.ManyToManyField(KnowledgeItem, blank=True, related_name="items")
    generic_skills = models.ManyToManyField(GenericSkill, blank=True, related_name="items")
    enemies = models.ManyToManyField("self", blank=True, symmetrical=True)
    purpose = models.CharField(
        _("purpose"),
        max_length=12,
        choices=ItemPurpose.choices,
        default=ItemPurpose.SUMMATIVE,
        db_index=True,
        help_text=_("Practice items feed knowledge checks; summative items feed assessments."),
    )
    exposure_count = models.PositiveIntegerField(default=0)
    last_exposed_at = models.DateTimeField(null=True, blank=True)
    # 3PL calibration, shared by all versions' translations (None until calibrated).
    discrimination = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    guessing = models.FloatField(null=True, blank=True)
    discrimination_se = models.FloatField(null=True, blank=True)
    difficulty_se = models.FloatField(null=True, blank=True)
    guessing_se = models.FloatField(null=True, blank=True)
    # Partial-credit items (GPCM, Muraki 1992): step difficulties b_k, one per score step.
    step_difficulties = models.JSONField(default=list, blank=True)
    calibrated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nos__code", "performance_criterion__position", "id"]
        permissions = [
            ("review_item", "Can review (submit comments on) items"),
            ("approve_item", "Can approve and retire items"),
            ("import_item", "Can import and export items"),
        ]

    def __str__(self) -> str:
        if self.performance_criterion_id is None:
            return f"{self.nos.code if self.nos_id else 'to be tagged'} #{self.pk}"
        return f"{self.nos.code} {self.performance_criterion.code} #{self.pk}"

    @property
    def is_tagged(self) -> bool:
        return self.performance_criterion_id is not None

    @property
    def is_calibrated(self) -> bool:
        return self.calibrated_at is not None


class ItemVersion(models.Model):
    """One version of an item. Approved versions are never edited; responses point here."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=ItemStatus.choices, default=ItemStatus.DRAFT, db_index=True
    )
    item_type = models.CharField(max_length=24, choices=ItemType.choices, db_index=True)
    # The highest-numbered version of its item: the one curators list and edit.
    is_latest = models.BooleanField(default=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_item_versions",
    )
    difficulty_estimate = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Author's estimate: 1 (very easy) to 5 (very hard).")
    )
    shuffle_options = models.BooleanField(
        _("shuffle options"),
        default=True,
        help_text=_("Show the options in a new order to each candidate and attempt."),
    )
    numeric_answer = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    numeric_tolerance = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    name = models.CharField(_("name"), max_length=255, blank=True)
    default_mark = models.DecimalField(max_digits=12, decimal_places=7, default=Decimal("1"))
    penalty = models.DecimalField(max_digits=12, decimal_places=7, null=True, blank=True)
    # What a type needs beyond options (see question_bank.items.types): accepted answers' rules,
    # numeric answers and units, pairs, order, hints, combined feedback, what was not modelled.
    type_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_number_unique"),
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(status="approved"),
                name="item_one_approved_version",
            ),
        ]
        indexes = [models.Index(fields=["status", "item_type"])]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"

    @property
    def is_locked(self) -> bool:
        """Approved and retired versions are frozen: they may have been shown to someone."""
        return self.status in (ItemStatus.APPROVED, ItemStatus.RETIRED)

    def translation(self, language: str = "en") -> ItemVersionTranslation | None:
        translations = {t.language: t for t in self.translations.all()}
        return (
            translations.get(language)
            or translations.get("en")
            or next(iter(translations.values()), None)
        )

    @property
    def languages(self) -> list[str]:
        return sorted(t.language for t in self.translations.all())


class ItemOption(models.Model):
    """A choice with a stable key ("A", "true"); ``fraction`` is the answer key (1 = correct)."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(max_length=16)
    position = models.PositiveSmallIntegerField()
    # Moodle's grade set has seven decimals (1/3 is 0.3333333): stored exactly.
    fraction = models.DecimalField(max_digits=10, decimal_places=7, default=Decimal("0"))

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="item_option_key_unique")
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def is_correct(self) -> bool:
        return self.fraction > 0


class ItemVersionTranslation(models.Model):
    """The text of a version in one language. ``options``: {key: {"html", "feedback_html"}}."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8, choices=ITEM_LANGUAGES)
    stem_html = models.TextField()
    general_feedback_html = models.TextField(blank=True)
    options = models.JSONField(default=dict, blank=True)
    search_text = models.TextField(blank=True, help_text=_("Stem and options without markup."))

    class Meta:
        ordering = ["version", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language"], name="item_translation_language_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} [{self.language}]"


class ItemEvent(models.Model):
    """Audit trail: who did what to which version, when, and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        EDITED = "edited", _("edited")
        NEW_VERSION = "new_version", _("new version")
        SUBMITTED = "submitted", _("submitted for review")
        RETURNED = "returned", _("returned to author")
        APPROVED = "approved", _("approved")
        RETIRED = "retired", _("retired")
        COMMENTED = "commented", _("commented")
        IMPORTED = "imported", _("imported")
        ENEMIES = "enemies", _("enemies changed")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(
        ItemVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.item_id} by {self.actor_id}"


class ItemStatistics(models.Model):
    """Classical item statistics over recorded (summative and practice) responses."""

    version = models.OneToOneField(ItemVersion, on_delete=models.CASCADE, related_name="statistics")
    response_count = models.PositiveIntegerField(default=0)
    facility = models.FloatField(null=True, blank=True)
    discrimination = models.FloatField(
        null=True, blank=True, help_text=_("Corrected point-biserial (item vs rest score).")
    )
    # {key: {"all": share, "low": share, "middle": share, "high": share}}
    distractors = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "item statistics"

    def __str__(self) -> str:
        return f"statistics of {self.version}"
