"""Roles are Django groups with permissions; this module is the one place that says which.

Apps above this one grant their permissions to roles by listing them here as strings (never by
import), so the layering ``lms -> lti -> content -> adaptive -> question_bank -> accounts`` holds.
Permissions that do not exist (an app not installed) make ``roles_sync`` fail loudly, so a typo
cannot silently leave a role without a right.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    SSC_CURATOR = "SSC curator"
    CONTENT_EDITOR = "Content editor"
    TRAINER = "Trainer"
    ASSESSOR = "Assessor"
    LEARNER = "Learner"
    ADMINISTRATOR = "Administrator"

    @property
    def label(self) -> str:
        """The role's name in the reader's language (the value is the group's stored name)."""
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.SSC_CURATOR: _("SSC curator"),
    Role.CONTENT_EDITOR: _("Content editor"),
    Role.TRAINER: _("Trainer"),
    Role.ASSESSOR: _("Assessor"),
    Role.LEARNER: _("Learner"),
    Role.ADMINISTRATOR: _("Administrator"),
}


_FRAMEWORK_VIEW = [
    "question_bank.view_qualificationpack",
    "question_bank.view_nationaloccupationalstandard",
    "question_bank.view_element",
    "question_bank.view_performancecriterion",
    "question_bank.view_knowledgeitem",
    "question_bank.view_genericskill",
]
_FRAMEWORK_IMPORT = [
    "question_bank.add_qualificationpack",
    "question_bank.import_qualificationpack",
    # The Hindi texts of QP/NOS/element/PC/KU/GS, typed or imported beside the English.
    "question_bank.translate_qualificationpack",
]

# Content: Wagtail page and media rights are granted per page tree / collection by
# content.services.content_permissions_grant; this is the model-wide right around them.
_CONTENT_AUTHORING = ["content.view_coverage_report"]

_ITEMS_VIEW = [
    "question_bank.view_item",
    "question_bank.view_itemversion",
    "question_bank.view_itemstatistics",
]
_ITEMS_CURATE = [
    *_ITEMS_VIEW,
    "question_bank.add_item",
    "question_bank.change_item",
    "question_bank.review_item",
    "question_bank.approve_item",
    "question_bank.import_item",
]

_CALIBRATION = ["adaptive.view_calibrationrun", "adaptive.run_calibration"]

# Graded assessments: set them up (blueprint from the QP, CAT or LOFT) and read the results.
_ASSESSMENTS = [
    "adaptive.view_assessment",
    "adaptive.add_assessment",
    "adaptive.change_assessment",
    "adaptive.view_results",
]

# The LTI tool (lti app): registrations, keys, batches, grade deliveries (retry needs change).
_LTI_ADMINISTER = [
    "lti.view_platformregistration",
    "lti.add_platformregistration",
    "lti.change_platformregistration",
    "lti.view_dynamicregistrationinvite",
    "lti.add_dynamicregistrationinvite",
    "lti.view_toolkey",
    "lti.view_batch",
    "lti.change_batch",
    "lti.view_trainingcentre",
    "lti.change_trainingcentre",
    "lti.view_scorepost",
    "lti.change_scorepost",
]

# Permissions per role, as "app_label.codename". Extended by each app as it grows.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.SSC_CURATOR: [
        *_FRAMEWORK_VIEW,
        *_FRAMEWORK_IMPORT,
        *_ITEMS_CURATE,
        "wagtailadmin.access_admin",
        *_CONTENT_AUTHORING,
        "content.create_course",
        *_CALIBRATION,
    ],
    Role.CONTENT_EDITOR: [*_FRAMEWORK_VIEW, "wagtailadmin.access_admin", *_CONTENT_AUTHORING],
    # Trainers appointed here also manage their batches in the Wagtail admin: that access is
    # given per user by ``user_assign_role`` (not by the group), so a Trainer role that came from
    # an LMS never opens an admin by itself.
    Role.TRAINER: ["question_bank.view_qualificationpack"],
    Role.ASSESSOR: [
        *_FRAMEWORK_VIEW,
        *_ITEMS_VIEW,
        "wagtailadmin.access_admin",
        *_ASSESSMENTS,
        # Essays are marked by assessors only (adaptive.marking), never by the engine.
        "adaptive.mark_essay",
    ],
    Role.LEARNER: [],
    Role.ADMINISTRATOR: [
        *_FRAMEWORK_VIEW,
        *_FRAMEWORK_IMPORT,
        *_ITEMS_CURATE,
        "wagtailadmin.access_admin",
        *_CONTENT_AUTHORING,
        "content.create_course",
        *_CALIBRATION,
        *_ASSESSMENTS,
        *_LTI_ADMINISTER,
    ],
}


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    try:
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)
    except Permission.DoesNotExist as exc:
        raise LookupError(f"Role permission {dotted!r} does not exist") from exc


@transaction.atomic
def roles_sync() -> dict[Role, Group]:
    """Create or update one group per role with exactly its permissions (idempotent)."""
    groups: dict[Role, Group] = {}
    for role, dotted_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set([_permission(name) for name in dotted_names])
        groups[role] = group
    return groups


ROLE_NAMES_MEMO = "_kaushal_role_names"


def _role_names(user) -> frozenset[str]:
    """The names of the user's groups, read once per user object (i.e. once per request: every
    request loads its own ``request.user``), so the role checks of a view, its page's
    navigation and its template cost one query together, not one each. A change of groups
    through ``user.groups`` forgets it (``role_names_forget``)."""
    names = getattr(user, ROLE_NAMES_MEMO, None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, ROLE_NAMES_MEMO, names)
    return names


def role_names_forget(sender=None, instance=None, **kwargs) -> None:
    """``m2m_changed`` receiver for ``User.groups``: the memo of a user whose groups changed
    (or of every user object in hand, for a group whose members changed) is dropped."""
    if instance is not None and hasattr(instance, ROLE_NAMES_MEMO):
        delattr(instance, ROLE_NAMES_MEMO)


def user_has_role(user, role: Role) -> bool:
    """True for an active user in the role's group; superusers count as administrators."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser and role == Role.ADMINISTRATOR:
        return True
    return role.value in _role_names(user)


def user_roles(user) -> set[Role]:
    if not getattr(user, "is_authenticated", False):
        return set()
    names = _role_names(user)
    roles = {role for role in Role if role.value in names}
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    return roles


def user_may_open_admin(user) -> bool:
    """Whether the user has Wagtail's ``access_admin``, the way ``user.has_perm`` answers it
    (active superusers have every permission; otherwise directly or through a group), in one
    query instead of ModelBackend's two (its permission cache is worth it only for pages that
    ask many permissions; the navigation of every page asks this one)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    from django.db.models import Q

    return Permission.objects.filter(
        Q(user=user) | Q(group__user=user),
        content_type__app_label="wagtailadmin",
        codename="access_admin",
    ).exists()


def user_assign_role(*, user, role: Role, staff: bool = True) -> None:
    """Put a user in a role's group (creating the groups if migrations have not yet).

    With ``staff=False`` (LTI launches and rosters) the user never gets staff status, so a role
    that came from another system cannot open the Django admin; Wagtail's admin is decided by
    the group's ``wagtailadmin.access_admin`` permission alone, and a Trainer appointed by an
    LMS gets no admin access at all (see ``ROLE_PERMISSIONS``).
    """
    group = Group.objects.filter(name=role.value).first() or roles_sync()[role]
    user.groups.add(group)
    if staff and role is Role.TRAINER:
        # A trainer appointed by someone here manages their batches in the Wagtail admin
        # (lms.admin_batches shows them their own batches only).
        user.user_permissions.add(_permission("wagtailadmin.access_admin"))
    staff_roles = (Role.ADMINISTRATOR, Role.SSC_CURATOR, Role.CONTENT_EDITOR, Role.ASSESSOR)
    if staff and role in staff_roles and not user.is_staff:
        # The Django admin (and the bank pages) need staff status in addition to the permission.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
