"""Delivery records: an Attempt (one sitting: a practice set or a summative paper) and the
Responses given in it, each pointing to the exact ItemVersion shown.

Practice and summative responses live in the same table on the same score scale; ``mode`` keeps
them apart so practice never leaks into summative results, while item statistics may use both.

Assessment -> AssessmentAssignment (a batch, its window, attempts allowed, reassessment rule):
a candidate sits an assessment through the assignment of a batch they are a learner in.
NosMark holds the practical/viva marks an assessor enters per candidate and NOS, so the QP
aggregate follows the QP's weightage of theory, practical and viva.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    PRACTICE = "practice", _("practice")
    SUMMATIVE = "summative", _("summative")


class Delivery(models.TextChoices):
    CAT = "cat", _("adaptive (CAT)")
    LOFT = "loft", _("unique fixed paper per candidate (LOFT)")


class ReviewAfter(models.TextChoices):
    """When a candidate may see their answers, the key and the feedback after an attempt."""

    NONE = "none", _("never: the items are reused")
    AFTER_CLOSE = "after_close", _("once the assessment's window has closed")
    IMMEDIATELY = "immediately", _("as soon as the attempt is finished")


class Assessment(models.Model):
    """A graded theory assessment of one QP: how papers are made and scored.

    One Assessment is one assessment event (e.g. a batch at a training centre): papers issued
    under it are the "papers already issued at the same centre" whose overlap LOFT caps, and its
    exposure counters drive CAT exposure control. The blueprint is derived from the QP's theory
    marks per PC and per NOS (``adaptive.papers``), so a paper follows the marks of the QP.
    """

    slug = models.SlugField(max_length=80, unique=True, help_text=_("Key used in LMS links."))
    title = models.CharField(max_length=255)
    qualification_pack_code = models.CharField(max_length=64, db_index=True)
    centre = models.CharField(
        max_length=255, blank=True, help_text=_("Training centre or batch this event is for.")
    )
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.LOFT)
    length = models.PositiveSmallIntegerField(
        default=30, help_text=_("Questions in a paper (LOFT), or the most a CAT may give.")
    )
    min_length = models.PositiveSmallIntegerField(
        default=15, help_text=_("CAT only: the fewest questions before the test may stop.")
    )
    se_target = models.FloatField(
        default=0.3, help_text=_("CAT only: stop once the ability's standard error is this small.")
    )
    max_exposure = models.FloatField(
        default=0.2, help_text=_("CAT only: target maximum share of candidates seeing an item.")
    )
    max_overlap = models.FloatField(
        default=0.15, help_text=_("LOFT only: share of a paper it may have in common with another.")
    )
    pass_percentage = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Blank: the QP's pass percentage (or 50 if the QP gives none)."),
    )
    scoped_nos = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "NOS codes this assessment is explicitly limited to. Empty: every NOS of the QP "
            "that carries theory marks, which is what a QP result needs."
        ),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    max_attempts = models.PositiveSmallIntegerField(default=1)
    review_after = models.CharField(
        max_length=16,
        choices=ReviewAfter.choices,
        default=ReviewAfter.NONE,
        help_text=_(
            "When candidates may review their answers with the key and feedback. A summative "
            "test whose items are reused keeps 'never'."
        ),
    )
    is_active = models.BooleanField(default=True)
    # Shared CAT exposure control: per item id [administrations, tests eligible], tests so far.
    exposure_state = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["qualification_pack_code", "title"]
        permissions = [("view_results", "Can see candidates' assessment results")]

    def __str__(self) -> str:
        return f"{self.title} ({self.qualification_pack_code})"


class Attempt(models.Model):
    """One sitting. For an assessment: the frozen pool of item versions it draws from (bank
    indices below refer to it), the LOFT paper or the CAT shadow-test state, the question on
    screen, and, once finished, the scores."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.PRACTICE)
    qualification_pack_code = models.CharField(max_length=64, blank=True, db_index=True)
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(default=1)
    pool = models.JSONField(default=list, blank=True, help_text=_("Item version ids."))
    paper = models.JSONField(default=list, blank=True, help_text=_("LOFT: pool indices."))
    state = models.JSONField(default=dict, blank=True)
    current_item_version = models.ForeignKey(
        "question_bank.ItemVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    stop_reason = models.CharField(max_length=32, blank=True)
    theta = models.FloatField(null=True, blank=True)
    standard_error = models.FloatField(null=True, blank=True)
    raw_score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(null=True, blank=True)
    percent = models.FloatField(
        null=True, blank=True, help_text=_("The reported score, 0-100 (graded to the LMS).")
    )
    passed = models.BooleanField(null=True, blank=True)
    subscores = models.JSONField(default=list, blank=True)
    is_preview = models.BooleanField(
        default=False,
        help_text=_("Staff trying the assessment as a candidate would: never counts or grades."),
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "user", "number"],
                condition=models.Q(assessment__isnull=False, is_preview=False),
                name="attempt_number_unique_per_assessment",
            )
        ]

    def __str__(self) -> str:
        return f"attempt {self.pk} of {self.user_id} ({self.mode})"

    @property
    def stop_reason_label(self) -> str:
        """Why the attempt ended, as a sentence for the results page (the stored value is a code
        set by delivery and the CAT engine: ``paper_complete``, ``se_target``...)."""
        return str(STOP_REASONS.get(self.stop_reason, self.stop_reason))


STOP_REASONS = {
    "paper_complete": _("every question answered"),
    "max_length": _("longest test reached"),
    "se_target": _("level measured precisely enough"),
    "bank_exhausted": _("no more questions to choose from"),
    "time_limit": _("time ran out"),
}


class Reassessment(models.TextChoices):
    NONE = "none", _("no reassessment")
    FAILED = "failed", _("only candidates who failed may sit again")
    ANY = "any", _("any candidate may sit again")


class AssessmentAssignment(models.Model):
    """An assessment set for a batch: when it may be sat, how often, and who may sit again.

    The batch is ``lti.Batch`` referred to by name (adaptive never imports lti): batches and their
    memberships are the one roster of who a candidate is; this row only adds the window.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assignments")
    batch = models.ForeignKey(
        "lti.Batch", on_delete=models.CASCADE, related_name="assessment_assignments"
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    attempts_allowed = models.PositiveSmallIntegerField(default=1)
    reassessment = models.CharField(
        max_length=8, choices=Reassessment.choices, default=Reassessment.FAILED
    )
    reassess_after_days = models.PositiveSmallIntegerField(
        default=0,
        help_text=_(
            "Days a candidate waits after an attempt before sitting again (0: no wait), "
            "so a reassessment follows more training."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["opens_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "batch"], name="assignment_once_per_batch"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="assignment_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} for {self.batch}"


class NosMark(models.Model):
    """Practical and viva marks an assessor gave a candidate for one NOS of an assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="nos_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    nos_code = models.CharField(max_length=64)
    practical = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    viva = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "user", "nos_code"], name="nos_mark_once_per_candidate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nos_code} marks of {self.user_id} in {self.assessment_id}"


class Response(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="responses"
    )
    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.CASCADE, related_name="responses"
    )
    item = models.ForeignKey(
        "question_bank.Item", on_delete=models.PROTECT, related_name="responses"
    )
    item_version = models.ForeignKey(
        "question_bank.ItemVersion", on_delete=models.PROTECT, related_name="responses"
    )
    mode = models.CharField(max_length=16, choices=Mode.choices, db_index=True)
    language = models.CharField(max_length=8, default="en")
    answer = models.JSONField(help_text=_("Chosen option keys (list) or the number given."))
    option_order = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Option keys in the order the candidate saw them (see adaptive.options)."),
    )
    # None: an essay waiting for an assessor's mark (``EssayMark``); IRT leaves it out until then.
    score = models.FloatField(null=True, blank=True)
    is_correct = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "item"],
                condition=models.Q(attempt__isnull=False),
                name="response_once_per_item_per_attempt",
            )
        ]
        indexes = [models.Index(fields=["item_version", "mode"])]

    def __str__(self) -> str:
        return f"response {self.pk} to {self.item_version_id}"


class CalibrationRun(models.Model):
    """One calibration of a QP's bank from recorded responses, with progress for the admin page.

    ``mode``: "anchored" keeps already calibrated items fixed and puts new (pretest) items on
    their scale (Kim 2006 fixed-parameter calibration), so the bank grows without moving the
    scale; "full" re-estimates every item on a N(0, 1) ability scale.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    class CalibrationMode(models.TextChoices):
        ANCHORED = "anchored", _("new items onto the existing scale")
        FULL = "full", _("recalibrate every item")

    class Estimator(models.TextChoices):
        # MAP: item priors (lognormal slopes, normal intercepts), sound for small samples;
        # ML: plain marginal maximum likelihood, the figures ltm and mirt publish.
        MAP = "MAP", _("with priors (MAP), for small samples")
        ML = "ML", _("maximum likelihood, no priors (ML)")

    qualification_pack_code = models.CharField(max_length=64, db_index=True)
    model = models.CharField(
        max_length=8, choices=[("1pl", "1PL"), ("2pl", "2PL"), ("3pl", "3PL")], default="2pl"
    )
    calibration_mode = models.CharField(
        max_length=16, choices=CalibrationMode.choices, default=CalibrationMode.ANCHORED
    )
    estimator = models.CharField(max_length=3, choices=Estimator.choices, default=Estimator.MAP)
    min_responses = models.PositiveIntegerField(default=30)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("percent done"))
    stage = models.CharField(max_length=255, blank=True)
    n_persons = models.PositiveIntegerField(default=0)
    n_items = models.PositiveIntegerField(default=0)
    n_responses = models.PositiveIntegerField(default=0)
    n_anchors = models.PositiveIntegerField(default=0)
    skipped_items = models.JSONField(default=list, blank=True)
    # {item pk: [infit, outfit]} mean squares of the items this run calibrated (misfit flags)
    item_fit = models.JSONField(default=dict, blank=True)
    log_likelihood = models.FloatField(null=True, blank=True)
    iterations = models.PositiveIntegerField(default=0)
    converged = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("run_calibration", "Can start a calibration of a bank")]

    def __str__(self) -> str:
        return f"{self.qualification_pack_code} {self.model} calibration ({self.status})"


class EssayMark(models.Model):
    """An assessor's mark of one essay response, kept as an audit trail: the latest mark is the
    response's score; earlier ones stay to show who changed what."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="essay_marks")
    score = models.FloatField(help_text=_("Fraction of the item's mark, 0-1."))
    comment = models.TextField(blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-marked_at", "-id"]
        permissions = [("mark_essay", "Can mark candidates' essay answers")]

    def __str__(self) -> str:
        return f"mark {self.score:g} of response {self.response_id}"
