"""LTI 1.3 data: who the platforms are, our signing keys, where links point, and what we owe them.

TrainingCentre (where batches are trained, with its time zone) -> Batch -> BatchMembership.
PlatformRegistration (issuer + client id, with its deployments) -> ResourceLink (a placement in a
platform course, pointing at a LaunchTarget: course / module / assessment) -> LineItem (its grade
column). A platform course (context) maps to a Batch of trainees linked to a QualificationPack by
code. PlatformUser ties (issuer, sub) to a local user. ScorePost is one grade to send, unique per
(finished attempt, resource link), so a grade is sent exactly once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

# Kaushal roles an LMS role may be mapped to, per platform, by a Kaushal administrator.
MAPPABLE_ROLES = [
    (Role.LEARNER.value, _("Learner")),
    (Role.TRAINER.value, _("Trainer")),
    (Role.CONTENT_EDITOR.value, _("Content editor")),
    (Role.ADMINISTRATOR.value, _("Administrator")),
]


class PlatformRegistration(models.Model):
    """A platform (Moodle, Blackboard...) that may launch us: what the platform gave us."""

    name = models.CharField(max_length=200, blank=True)
    issuer = models.URLField(_("issuer"), max_length=500)
    client_id = models.CharField(_("client id"), max_length=500)
    auth_login_url = models.URLField(_("OIDC authentication URL"), max_length=500)
    auth_token_url = models.URLField(_("access token URL"), max_length=500)
    key_set_url = models.URLField(_("JWKS URL"), max_length=500)
    auth_audience = models.CharField(
        _("token endpoint audience"),
        max_length=500,
        blank=True,
        help_text=_("The 'aud' of our token requests when it differs from the token URL."),
    )
    deployment_ids = models.JSONField(
        _("deployment ids"),
        default=list,
        blank=True,
        help_text=_('A JSON list of strings, e.g. ["1", "2"]. A launch from any other is refused.'),
    )
    service_hosts = models.JSONField(
        _("other hosts of its services"),
        default=list,
        blank=True,
        help_text=_(
            "Hosts besides those of the issuer, authentication and token URLs that may serve "
            'grades and rosters, as a JSON list: ["school.blackboard.com", "lms.example:8443", '
            '"*.instructure.com"]. A service address on any other host is not used.'
        ),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # What the platform's roles become here. A platform says who is an administrator or an
    # instructor in *its* world; only a Kaushal administrator with the approve_role_mapping
    # permission decides what that is worth in ours. By default an LMS administrator or content
    # developer is a learner here and an instructor a trainer (no admin access either way).
    instructor_role = models.CharField(
        _("LMS instructors become"),
        max_length=40,
        choices=MAPPABLE_ROLES,
        default=Role.TRAINER.value,
    )
    content_developer_role = models.CharField(
        _("LMS content developers become"),
        max_length=40,
        choices=MAPPABLE_ROLES,
        default=Role.LEARNER.value,
    )
    administrator_role = models.CharField(
        _("LMS administrators become"),
        max_length=40,
        choices=MAPPABLE_ROLES,
        default=Role.LEARNER.value,
        help_text=_(
            "Institution, system or course administrators of the platform. A role with admin "
            "access opens the Wagtail admin for them; an LTI launch never opens the Django admin."
        ),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_issuer_client_unique")
        ]
        permissions = [
            ("approve_role_mapping", "Can decide what a platform's LMS roles become in Kaushal"),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.issuer} ({self.client_id})"


class ToolKey(models.Model):
    """One of our RSA key pairs. NEXT and RETIRING keys are published but do not sign."""

    class Status(models.TextChoices):
        NEXT = "next", _("published, not yet signing")
        ACTIVE = "active", _("signing")
        RETIRING = "retiring", _("published during the grace period")
        RETIRED = "retired", _("retired")

    kid = models.CharField(max_length=100, unique=True)
    private_key_pem = models.TextField()
    public_jwk = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEXT)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    retire_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="active"), name="lti_one_active_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kid} ({self.status})"


class LaunchTarget(models.Model):
    """What a resource link opens: a course (QP code), a module (NOS code), an assessment (slug)."""

    class TargetType(models.TextChoices):
        COURSE = "course", _("course (qualification pack)")
        MODULE = "module", _("module (NOS)")
        ASSESSMENT = "assessment", _("assessment")

    target_type = models.CharField(max_length=20, choices=TargetType.choices)
    target_key = models.CharField(max_length=200)
    title = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_key"], name="lti_target_type_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_target_type_display()}: {self.target_key}"


class TrainingCentre(models.Model):
    """A training centre: batches are trained there, and its times (assessment windows,
    results) are shown in its time zone. Centre administrators manage its batches; its trainers
    open batches there (a trainer listed nowhere opens none); its assessors assign assessments
    to them and read their candidates' results."""

    name = models.CharField(max_length=300)
    code = models.SlugField(max_length=64, unique=True)
    city = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default="Asia/Kolkata",
        help_text=_("An IANA time zone name, e.g. Asia/Kolkata."),
    )
    administrators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="administered_centres"
    )
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assessed_centres",
        help_text=_("Assessors who may assign assessments to this centre's batches."),
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="training_centres",
        help_text=_("Trainers on this centre's staff: they may open batches here."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}" if self.city else self.name


class Batch(models.Model):
    """A group of trainees at a training centre, linked to a QualificationPack by its code.

    Batches made from an LTI context carry the registration and the context id; batches made
    in the admin carry a centre, dates and a trainer (a membership with the trainer role).
    """

    name = models.CharField(max_length=300)
    qualification_pack_code = models.CharField(max_length=64, blank=True)
    centre = models.ForeignKey(
        TrainingCentre,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("training centre"),
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    registration = models.ForeignKey(
        PlatformRegistration, null=True, blank=True, on_delete=models.CASCADE
    )
    context_id = models.CharField(max_length=255, blank=True)
    context_memberships_url = models.URLField(max_length=500, blank=True)
    roster_refusal = models.TextField(
        _("roster address refused"),
        blank=True,
        help_text=_("Why the roster (NRPS) address the platform gave was not used."),
    )
    roster_synced_at = models.DateTimeField(null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="BatchMembership", related_name="batches"
    )

    class Meta:
        verbose_name_plural = "batches"
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "context_id"],
                condition=~models.Q(context_id=""),
                name="lti_batch_context_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def time_zone(self) -> str:
        """The centre's zone; LMS-made batches without a centre use the project's."""
        return self.centre.time_zone if self.centre else settings.TIME_ZONE


class BatchMembership(models.Model):
    class Role(models.TextChoices):
        LEARNER = "learner", _("learner")
        TRAINER = "trainer", _("trainer")
        CONTENT_EDITOR = "content_editor", _("content editor")
        ADMINISTRATOR = "administrator", _("administrator")

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.LEARNER)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "user"], name="lti_batch_user_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.batch} ({self.role})"


class PlatformUser(models.Model):
    """A platform's user (iss + sub) and the local user it maps to."""

    issuer = models.URLField(max_length=500)
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "sub"], name="lti_issuer_sub_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sub} @ {self.issuer}"


class ResourceLink(models.Model):
    """A placement of our tool in a platform course, and the AGS endpoints the platform gave it."""

    registration = models.ForeignKey(PlatformRegistration, on_delete=models.CASCADE)
    deployment_id = models.CharField(max_length=255)
    resource_link_id = models.CharField(max_length=255)
    title = models.CharField(max_length=300, blank=True)
    target = models.ForeignKey(LaunchTarget, null=True, blank=True, on_delete=models.SET_NULL)
    batch = models.ForeignKey(Batch, null=True, blank=True, on_delete=models.SET_NULL)
    ags_lineitems_url = models.URLField(max_length=500, blank=True)
    ags_lineitem_url = models.URLField(max_length=500, blank=True)
    ags_scopes = models.JSONField(default=list, blank=True)
    ags_refusal = models.TextField(
        _("grade service address refused"),
        blank=True,
        help_text=_("Why the grade service (AGS) address the platform gave was not used."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "resource_link_id"], name="lti_resource_link_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.resource_link_id


class LineItem(models.Model):
    """The platform's grade column for a resource link (found or created by us)."""

    resource_link = models.OneToOneField(
        ResourceLink, on_delete=models.CASCADE, related_name="line_item"
    )
    url = models.URLField(max_length=500)
    label = models.CharField(max_length=300, blank=True)
    score_maximum = models.FloatField(default=100)
    resource_id = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return self.label or self.url


class ScorePost(models.Model):
    """One grade to send to a platform; unique per attempt and link, so it is sent once.

    The rows are the outbox: a task that the broker lost or a worker killed mid-send is found
    again by ``lti.tasks.score_posts_requeue`` (pending past ``next_try_at``, or "sending" for
    longer than a send can take), and sending claims the row by a conditional update, so two
    workers never send the same grade at once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    attempt_key = models.CharField(max_length=255)
    resource_link = models.ForeignKey(ResourceLink, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    score_given = models.FloatField()
    score_maximum = models.FloatField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    tries = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_try_at = models.DateTimeField(null=True, blank=True)
    next_try_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the retry after a temporary failure is due.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt_key", "resource_link"], name="lti_score_once_per_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt_key} -> {self.resource_link} ({self.status})"


class DynamicRegistrationInvite(models.Model):
    """A one-time URL an admin pastes into a platform to register us by LTI Dynamic Registration."""

    token = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    registration = models.ForeignKey(
        PlatformRegistration, null=True, blank=True, on_delete=models.SET_NULL
    )

    def __str__(self) -> str:
        return self.name or self.token[:8]
