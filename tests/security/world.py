"""One small, complete world for the security tests: a user per role (and a second learner,
trainer and assessor to trespass on), the ASC/Q0202 seed with a calibrated bank, a course with a
lesson that has a knowledge check, two assessments with finished and unfinished attempts of two
learners, two batches of two trainers at two centres (Pune: the roles' own; Nagpur: the
"other" learner's, trainer's and assessor's), a third assessment assigned at Pune only, a
calibration run, an LTI registration and a Wagtail document.

Places: the Assessor assesses Pune, the other assessor Nagpur; the Trainer trains the Pune batch
and is on Pune's staff, the other trainer likewise at Nagpur. "Security theory" is the
Assessor's (created by them) and assigned at both centres, "Second paper" has no creator (made
before ``created_by`` existed) and is assigned at both, "Pune paper" is the Assessor's and
assigned at Pune only.

Built once per test module (``tests/security/conftest.py``) inside a transaction that is rolled
back afterwards, so nothing leaks into other tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.roles import Role
from adaptive import delivery
from adaptive.models import Assessment, AssessmentAssignment, Attempt, CalibrationRun, Delivery
from content.models import LessonPage, ModulePage
from content.services import LessonTags, course_create, course_index_ensure, lesson_complete
from content.services import lesson_create_or_update as lesson_save
from lti.models import (
    Batch,
    BatchMembership,
    DynamicRegistrationInvite,
    PlatformRegistration,
    TrainingCentre,
)
from question_bank.models import Item, ItemPurpose, NationalOccupationalStandard, QualificationPack
from tests.adaptive.assessment_factories import assessment_make, bank_make
from tests.question_bank.factories import ASC, item_make, seed_import, user_in

# Roles as the matrix names them; "superuser" is Django's, not a group.
ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
# The same roles at another place: a learner of the other batch, the trainer and the assessor of
# the other centre. They hold their role's rights and must still be refused the own place's
# objects (and never see its people).
OTHER_LEARNER = "Learner of another batch"
OTHER_TRAINER = "Trainer of another centre"
OTHER_ASSESSOR = "Assessor of another centre"
ELSEWHERE = {
    Role.LEARNER.value: OTHER_LEARNER,
    Role.TRAINER.value: OTHER_TRAINER,
    Role.ASSESSOR.value: OTHER_ASSESSOR,
}
ROLES: tuple[str, ...] = (
    ANONYMOUS,
    *(role.value for role in Role),
    SUPERUSER,
    *ELSEWHERE.values(),
)

# Words that must never reach another user: the second learner's name and their results.
OTHER_LEARNER_NAME = "Zorawar Trespassed-Upon"
OTHER_TRAINER_NAME = "Vidya Other-Trainer"
OTHER_BATCH_NAME = "Nagpur batch 99 (secret)"
OTHER_ASSESSOR_NAME = "Asha Other-Assessor"
# And what the other place's roles must never see of the own place.
OWN_LEARNER_NAME = "Learner Person"
OWN_BATCH_NAME = "Pune batch 7"


@dataclass
class World:
    users: dict[str, object] = field(default_factory=dict)
    other_learner: object = None
    other_trainer: object = None
    other_assessor: object = None
    own_centre: TrainingCentre | None = None
    other_centre: TrainingCentre | None = None
    pune_only: Assessment | None = None
    qualification_pack: QualificationPack | None = None
    nos: NationalOccupationalStandard | None = None
    items: list[Item] = field(default_factory=list)
    lesson: LessonPage | None = None
    module: ModulePage | None = None
    other_lesson_draft: LessonPage | None = None
    assessment_slug: str = ""
    # The learner's own attempts and the second learner's (finished and unfinished).
    own_finished: Attempt | None = None
    own_open: Attempt | None = None
    other_finished: Attempt | None = None
    other_open: Attempt | None = None
    own_batch: Batch | None = None
    other_batch: Batch | None = None
    calibration_run: CalibrationRun | None = None
    registration: PlatformRegistration | None = None
    invite: DynamicRegistrationInvite | None = None
    document_id: int = 0
    document_filename: str = ""
    # pattern name -> {kwarg: value}, filled in by build()
    kwargs: dict[str, dict[str, object]] = field(default_factory=dict)


def _attempt_finish(attempt: Attempt, user, answer: str) -> Attempt:
    while attempt.finished_at is None:
        attempt = delivery.attempt_answer(
            attempt=attempt,
            user=user,
            item_version_id=attempt.current_item_version_id,
            answer=answer,
        )
        attempt.refresh_from_db()
    return attempt


def _document_make() -> tuple[int, str]:
    from wagtail.documents import get_document_model

    document = get_document_model()(title="Workshop safety sheet")
    document.file.save("safety-sheet.txt", ContentFile(b"wear boots"), save=False)
    document.save()
    return document.pk, document.filename


def build() -> World:
    world = World()
    for role in Role:
        world.users[role.value] = user_in(role, full_name=f"{role.value} Person")
    world.users[SUPERUSER] = user_in(None, is_superuser=True, is_staff=True)
    learner = world.users[Role.LEARNER.value]
    trainer = world.users[Role.TRAINER.value]
    world.other_learner = user_in(Role.LEARNER, full_name=OTHER_LEARNER_NAME)
    world.other_trainer = user_in(Role.TRAINER, full_name=OTHER_TRAINER_NAME)
    world.other_assessor = user_in(Role.ASSESSOR, full_name=OTHER_ASSESSOR_NAME)
    world.users[OTHER_LEARNER] = world.other_learner
    world.users[OTHER_TRAINER] = world.other_trainer
    world.users[OTHER_ASSESSOR] = world.other_assessor

    pack = seed_import(ASC)
    world.qualification_pack = pack
    world.items = bank_make(world.users[Role.SSC_CURATOR.value])
    world.nos = NationalOccupationalStandard.objects.get(code="ASC/N0001", is_current=True)
    # Knowledge checks draw practice items only: one for the lesson below, with the same stem.
    practice = item_make(
        pc="PC1", author=world.users[Role.SSC_CURATOR.value], approver=world.users[SUPERUSER]
    )
    Item.objects.filter(pk=practice.pk).update(purpose=ItemPurpose.PRACTICE)

    course = course_create(qualification_pack=pack, course_index=course_index_ensure())
    world.module = ModulePage.objects.child_of(course).get(nos__code="ASC/N0001").specific
    check = {"type": "knowledge_check", "value": {"title": "Check", "number_of_questions": 3}}
    text = {"type": "text", "value": "<p>Plan the day.</p>"}
    tags = LessonTags(performance_criteria=("PC1", "PC2"))
    world.lesson = lesson_save(
        module=world.module, slug="plan", title="Plan", summary="", body=[text, check], tags=tags
    )
    world.other_lesson_draft = lesson_save(
        module=world.module,
        slug="draft",
        title="Unpublished draft",
        summary="",
        body=[text],
        tags=tags,
        publish=False,
    )
    lesson_complete(user=world.other_learner, lesson=world.lesson)

    theory = assessment_make(
        slug="sec-theory",
        title="Security theory",
        max_attempts=3,
        created_by=world.users[Role.ASSESSOR.value],  # the assessor manages it
    )
    second = assessment_make(slug="sec-second", title="Second paper", delivery=Delivery.LOFT)
    world.assessment_slug = theory.slug

    world.own_centre = TrainingCentre.objects.create(
        code="pune", name="Pune centre", time_zone="Asia/Kolkata"
    )
    world.other_centre = TrainingCentre.objects.create(
        code="nagpur", name="Nagpur centre", time_zone="Asia/Kolkata"
    )
    world.own_centre.assessors.add(world.users[Role.ASSESSOR.value])
    world.other_centre.assessors.add(world.other_assessor)
    world.own_centre.trainers.add(trainer)
    world.other_centre.trainers.add(world.other_trainer)
    world.own_batch = Batch.objects.create(
        name=OWN_BATCH_NAME, qualification_pack_code=pack.code, centre=world.own_centre
    )
    BatchMembership.objects.create(
        batch=world.own_batch, user=trainer, role=BatchMembership.Role.TRAINER
    )
    BatchMembership.objects.create(batch=world.own_batch, user=learner)
    world.other_batch = Batch.objects.create(
        name=OTHER_BATCH_NAME, qualification_pack_code=pack.code, centre=world.other_centre
    )
    BatchMembership.objects.create(
        batch=world.other_batch, user=world.other_trainer, role=BatchMembership.Role.TRAINER
    )
    BatchMembership.objects.create(batch=world.other_batch, user=world.other_learner)
    # Learners sit only what is assigned to a batch of theirs: both papers, open now.
    now = timezone.now()
    for batch in (world.own_batch, world.other_batch):
        for assessment in (theory, second):
            AssessmentAssignment.objects.create(
                assessment=assessment, batch=batch, opens_at=now - timedelta(hours=1),
                closes_at=now + timedelta(days=2), attempts_allowed=3,
            )  # fmt: skip
    world.pune_only = assessment_make(
        slug="sec-pune", title="Pune paper", created_by=world.users[Role.ASSESSOR.value]
    )
    AssessmentAssignment.objects.create(
        assessment=world.pune_only, batch=world.own_batch, opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=2), attempts_allowed=3,
    )  # fmt: skip
    world.own_finished = _attempt_finish(
        delivery.attempt_start(user=learner, assessment=theory), learner, "A"
    )
    world.own_open = delivery.attempt_start(user=learner, assessment=second)
    world.other_finished = _attempt_finish(
        delivery.attempt_start(user=world.other_learner, assessment=theory),
        world.other_learner,
        "B",
    )
    world.other_open = delivery.attempt_start(user=world.other_learner, assessment=second)

    world.calibration_run = CalibrationRun.objects.create(qualification_pack_code=pack.code)
    world.registration = PlatformRegistration.objects.create(
        issuer="https://moodle.example.org",
        client_id="sec-client",
        auth_login_url="https://moodle.example.org/auth",
        auth_token_url="https://moodle.example.org/token",
        key_set_url="https://moodle.example.org/jwks",
        deployment_ids=["1"],
    )
    world.document_id, world.document_filename = _document_make()
    return world


def path_values(world: World) -> dict[str, object]:
    """The ``{placeholders}`` the access matrix and the IDOR tests fill paths with."""
    assert world.lesson and world.module and world.other_lesson_draft
    assert world.own_open and world.own_finished and world.other_open and world.other_finished
    assert world.own_batch and world.other_batch and world.calibration_run
    course = world.module.get_parent()
    item = world.items[0]
    return {
        "qp": world.qualification_pack.pk if world.qualification_pack else 0,
        "nos": world.nos.pk if world.nos else 0,
        "item": item.pk,
        "item_version": item.versions.order_by("-pk").first().pk,
        "assessment": world.assessment_slug,
        "assessment_pk": world.own_finished.assessment_id,
        "pune_only_pk": world.pune_only.pk if world.pune_only else 0,
        "pune_only": world.pune_only.slug if world.pune_only else "",
        "own_open": world.own_open.pk,
        "own_finished": world.own_finished.pk,
        "other_open": world.other_open.pk,
        "other_finished": world.other_finished.pk,
        "own_batch": world.own_batch.pk,
        "learner": world.users[Role.LEARNER.value].pk,
        "other_batch": world.other_batch.pk,
        "lesson": world.lesson.pk,
        "module": world.module.pk,
        "practice_item": Item.objects.filter(purpose=ItemPurpose.PRACTICE).first().pk,
        "course_page": course.pk,
        "course_url": course.url,
        "module_url": world.module.url,
        "lesson_url": world.lesson.url,
        "draft_url": world.module.url + world.other_lesson_draft.slug + "/",
        "calibration_run": world.calibration_run.pk,
        "document": world.document_id,
        "document_filename": world.document_filename,
    }
