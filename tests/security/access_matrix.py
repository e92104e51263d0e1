"""Who may open what: the expectation table of ``test_access_matrix.py``.

Every URL pattern of the URL conf must be covered here, or the matrix fails and names it:

- ``VIEWS``: one entry per pattern name (``adaptive:attempt``), or per route for patterns without
  a name. Our own views (including our Wagtail admin pages) must be listed here, one by one.
  **Adding a view is one line**, e.g.::

      "reports:batch_detail": Expect(TRAINERS, path="/trainer/reports/{own_batch}/"),

  ``allowed`` roles must get the page (2xx, or a redirect that is not to a login page); every
  other role must be refused (403, 404, a redirect to a login page, or Wagtail's "no permission"
  redirect to the admin home) and the refusal must not contain another user's data. ``path``
  may use ``{name}`` placeholders filled from ``World.path_values()`` (object ids), and is
  optional for routes without parameters. A tuple of ``Expect`` checks several URLs of one
  pattern (Wagtail's page serving: the home page, a course, a lesson).

- Places: every role set below holds the learner, trainer and assessor *of another batch or
  centre* too (``world.ELSEWHERE``: same rights, other place). A path to an object of the own
  place (the own batch, the own learner's attempt, the Pune-only assessment) names its roles
  with ``here(...)``, which leaves them out: they must be refused it. Pages they may open must
  not show them the own place's learner or batch (``test_access_matrix.OWN_SECRETS``).

- ``THIRD_PARTY_PREFIXES``: Wagtail's and Django's own admin pages, grouped by route prefix
  (``admin/pages/``). Every pattern under the prefix is requested by the roles that must be
  refused; the allowed roles request the group's ``samples``. Only views from outside this
  project may be covered by a prefix: a new view of ours needs an entry in ``VIEWS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .world import ANONYMOUS, ELSEWHERE, OTHER_TRAINER, ROLES, SUPERUSER

CURATOR, EDITOR, TRAINER, ASSESSOR, LEARNER, ADMINISTRATOR = (
    "SSC curator",
    "Content editor",
    "Trainer",
    "Assessor",
    "Learner",
    "Administrator",
)


def roles(*names: str) -> frozenset[str]:
    """The named roles, each with its counterpart of another place (same rights)."""
    return frozenset(names) | {ELSEWHERE[n] for n in names if n in ELSEWHERE}


def here(allowed: frozenset[str]) -> frozenset[str]:
    """``allowed`` without the roles of another place: for a path to an own-place object."""
    return allowed - set(ELSEWHERE.values())


EVERYONE = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()
SIGNED_IN = EVERYONE - {ANONYMOUS}
ADMINS = roles(ADMINISTRATOR, SUPERUSER)
LEARNERS = roles(LEARNER)
TRAINERS = roles(TRAINER, *ADMINS)
# Roles with wagtailadmin.access_admin (accounts/roles.py) and the bank/framework rights.
# Trainers appointed here open it too, for their batches (accounts.roles.user_assign_role).
WAGTAIL_USERS = roles(CURATOR, EDITOR, ASSESSOR, TRAINER, *ADMINS)
FRAMEWORK_VIEWERS = WAGTAIL_USERS
FRAMEWORK_IMPORTERS = roles(CURATOR, *ADMINS)
FRAMEWORK_TRANSLATORS = roles(CURATOR, *ADMINS)  # the framework's Hindi texts
ITEM_VIEWERS = roles(CURATOR, ASSESSOR, *ADMINS)
ITEM_CURATORS = roles(CURATOR, *ADMINS)
CALIBRATORS = roles(CURATOR, *ADMINS)
CONTENT_AUTHORS = roles(CURATOR, EDITOR, *ADMINS)
ASSESSMENT_ADMINS = roles(ASSESSOR, *ADMINS)
# Staff who preview assessments as a candidate sees them (attempts that never count).
CANDIDATES_AND_PREVIEWERS = roles(LEARNER, TRAINER, ASSESSOR, *ADMINS)


@dataclass(frozen=True)
class Expect:
    allowed: frozenset[str]
    path: str = ""  # default: the route itself (no parameters)
    method: str = "GET"
    data: dict[str, str] = field(default_factory=dict)
    # Roles not requested at all (the behaviour is someone else's test, see ``note``).
    skip: frozenset[str] = NOBODY
    # Outcomes that count as "allowed" besides a page: a public endpoint that answers a request
    # without its parameters with 400 is working as intended.
    also_ok: frozenset[int] = frozenset()
    note: str = ""


@dataclass(frozen=True)
class Group:
    allowed: frozenset[str]
    samples: tuple[str, ...]  # URLs the allowed roles must get
    # The roles that request every pattern of the group (and must be refused everywhere).
    # Empty: a public group, whose every page anonymous users must get.
    refused: frozenset[str] = roles(ANONYMOUS, LEARNER)


NO_JOB = "00000000-0000-4000-8000-000000000000"

# POST-only views are requested with POST and no data: refusals must not depend on valid input.
POST = "POST"

VIEWS: dict[str, Expect | tuple[Expect, ...]] = {
    # --- project pages (lms/urls.py, lms/app_urls.py)
    "health": Expect(EVERYONE),
    "login": Expect(EVERYONE),
    "logout": Expect(EVERYONE, method=POST),
    "set_language": Expect(EVERYONE, method=POST, data={"language": "hi"}),
    "dashboard": Expect(SIGNED_IN),
    "trainer_batches": Expect(TRAINERS),
    # A batch's pages: its own trainer (and the centre's administrators), not another centre's.
    "batch_mastery": (
        Expect(here(TRAINERS), path="/trainer/batches/{own_batch}/"),
        Expect(roles(OTHER_TRAINER, *ADMINS), path="/trainer/batches/{other_batch}/"),
    ),
    "batch_nos": Expect(here(TRAINERS), path="/trainer/batches/{own_batch}/nos/ASC/N0001/"),
    "batch_learner": Expect(
        here(TRAINERS), path="/trainer/batches/{own_batch}/learners/{learner}/"
    ),
    "lms_batch_index": Expect(TRAINERS, path="/admin/batches/"),
    "lms_batch_create": Expect(TRAINERS, path="/admin/batches/new/"),
    "lms_batch_edit": (
        Expect(here(TRAINERS), path="/admin/batches/{own_batch}/"),
        Expect(roles(OTHER_TRAINER, *ADMINS), path="/admin/batches/{other_batch}/"),
    ),
    # The assessor's assignment page (lms/admin_assignments.py): an assessment they manage (the
    # shared one is assigned at both centres; the Pune paper only at the Assessor's).
    "lms_assessment_assign": (
        Expect(ASSESSMENT_ADMINS, path="/admin/assessment-assign/{assessment_pk}/"),
        Expect(here(ASSESSMENT_ADMINS), path="/admin/assessment-assign/{pune_only_pk}/"),
    ),
    "my_mastery": Expect(SIGNED_IN),
    # --- LTI (lti/urls.py). Launch-id and token endpoints are requested with ids that do not
    # exist: nobody may get anything from them (their deep checks: tests/security/test_lti_*).
    "lti:login": Expect(EVERYONE, also_ok=frozenset({400})),
    "lti:launch": Expect(EVERYONE, method=POST, also_ok=frozenset({400, 403})),
    "lti:launched": Expect(NOBODY, path="/lti/launch/no-such-launch/"),
    "lti:continue": Expect(
        NOBODY, method=POST, data={"launch": "no-such-launch", "secret": "no-such-secret"}
    ),
    "lti:continue_confirm": Expect(
        NOBODY, method=POST, data={"launch": "no-such-launch", "secret": "no-such-secret"}
    ),
    "lti:deep_link": Expect(NOBODY, path="/lti/deep-link/no-such-launch/"),
    "lti:jwks": Expect(EVERYONE),
    "lti:configuration": Expect(EVERYONE),
    "lti:register": Expect(NOBODY, path="/lti/register/no-such-token/"),
    # --- learner actions (content/urls.py); the knowledge check's answers: test_answer_keys.py
    "content:lesson_complete": Expect(
        SIGNED_IN, path="/learn/lessons/{lesson}/complete/", method=POST
    ),
    "content:knowledge_check": Expect(
        SIGNED_IN, path="/learn/lessons/{lesson}/check/", method=POST
    ),
    # --- graded assessments (adaptive/urls.py): learners only, and only their own attempts
    "adaptive:assessments": Expect(CANDIDATES_AND_PREVIEWERS),
    "adaptive:assessment_start": Expect(CANDIDATES_AND_PREVIEWERS, path="/assess/{assessment}/"),
    "adaptive:attempt": Expect(here(LEARNERS), path="/assess/attempts/{own_open}/"),
    "adaptive:attempt_result": Expect(
        here(LEARNERS), path="/assess/attempts/{own_finished}/result/"
    ),
    # Autosave: without a question the own attempt answers 400 (test_drafts.py for the rest).
    "adaptive:attempt_draft": Expect(
        here(LEARNERS),
        path="/assess/attempts/{own_open}/draft/",
        method=POST,
        also_ok=frozenset({400}),
    ),
    "adaptive:attempt_review": Expect(
        here(LEARNERS), path="/assess/attempts/{own_finished}/review/"
    ),
    # --- Wagtail's page serving: the site, the course tree (signed-in only), a draft (nobody)
    "wagtail_serve": (
        Expect(EVERYONE, path="/"),
        Expect(EVERYONE, path="/courses/"),
        Expect(SIGNED_IN, path="{course_url}"),
        Expect(SIGNED_IN, path="{module_url}"),
        Expect(SIGNED_IN, path="{lesson_url}"),
        Expect(NOBODY, path="{draft_url}"),
    ),
    "wagtailcore_login": Expect(EVERYONE),
    "wagtailcore_authenticate_with_password": Expect(
        NOBODY, path="/_util/authenticate_with_password/999999/{lesson}/"
    ),
    # Wagtail serves documents to anyone who has the URL (no collection privacy is set).
    "wagtaildocs_serve": Expect(EVERYONE, path="/documents/{document}/{document_filename}"),
    "wagtaildocs_authenticate_with_password": Expect(
        NOBODY, path="/documents/authenticate_with_password/999999/"
    ),
    # --- our Wagtail admin pages: qualifications (question_bank/admin_framework.py)
    "framework:index": Expect(FRAMEWORK_VIEWERS),
    "framework:qualification_pack": Expect(FRAMEWORK_VIEWERS, path="/admin/framework/qp/{qp}/"),
    "framework:nos": Expect(FRAMEWORK_VIEWERS, path="/admin/framework/nos/{nos}/"),
    "framework:import": Expect(FRAMEWORK_IMPORTERS),
    "framework:qualification_pack_hindi": Expect(
        FRAMEWORK_TRANSLATORS, path="/admin/framework/qp/{qp}/hindi/"
    ),
    "framework:qualification_pack_hindi_template": Expect(
        FRAMEWORK_TRANSLATORS, path="/admin/framework/qp/{qp}/hindi/template.csv"
    ),
    "framework:nos_hindi": Expect(FRAMEWORK_TRANSLATORS, path="/admin/framework/nos/{nos}/hindi/"),
    # item bank (question_bank/admin_items.py)
    "items:index": Expect(ITEM_VIEWERS),
    "items:coverage": Expect(ITEM_VIEWERS),
    "items:detail": Expect(ITEM_VIEWERS, path="/admin/items/{item}/"),
    "items:create": Expect(ITEM_CURATORS),
    "items:edit": Expect(ITEM_CURATORS, path="/admin/items/{item}/edit/"),
    "items:import": Expect(ITEM_CURATORS),
    "items:import_template": Expect(ITEM_CURATORS, path="/admin/items/import/template.xlsx"),
    "items:export": Expect(ITEM_CURATORS, path="/admin/items/export/?qp=ASC/Q0202&format=csv"),
    # An import job's page and status: the job is in the cache, so a made-up id is "not found"
    # for the curators who may open such pages (test_item_import_jobs covers real jobs).
    "item_imports:job": Expect(
        ITEM_CURATORS, path=f"/admin/item-imports/{NO_JOB}/", also_ok=frozenset({404})
    ),
    "item_imports:job_status": Expect(
        ITEM_CURATORS, path=f"/admin/item-imports/{NO_JOB}/status/", also_ok=frozenset({404})
    ),
    "items:bulk": Expect(
        ITEM_CURATORS, method=POST, data={"action": "retire", "version": "{item_version}"}
    ),
    "items:enemies": Expect(ITEM_CURATORS, path="/admin/items/{item}/enemies/", method=POST),
    "items:preview": Expect(ITEM_VIEWERS, path="/admin/items/{item}/preview/"),
    "items:preview_frame": Expect(
        ITEM_VIEWERS, path="/admin/items/version/{item_version}/preview/en/"
    ),
    "items:diff": Expect(ITEM_VIEWERS, path="/admin/items/{item}/diff/"),
    "items:action": Expect(
        ITEM_CURATORS, path="/admin/items/version/{item_version}/submit/", method=POST
    ),
    # assessments and their results (adaptive/admin_assessments.py)
    "assessments:index": Expect(ASSESSMENT_ADMINS),
    "assessments:index_results": Expect(ASSESSMENT_ADMINS),
    "assessments:add": Expect(ASSESSMENT_ADMINS),
    # An assessment's own pages: its centres' assessors and its creator; the Pune paper is
    # not the other centre's assessor's to know about.
    "assessments:edit": (
        Expect(ASSESSMENT_ADMINS, path="/admin/assessments/edit/{assessment_pk}/"),
        Expect(here(ASSESSMENT_ADMINS), path="/admin/assessments/edit/{pune_only_pk}/"),
    ),
    "assessments:copy": (
        Expect(ASSESSMENT_ADMINS, path="/admin/assessments/copy/{assessment_pk}/"),
        Expect(here(ASSESSMENT_ADMINS), path="/admin/assessments/copy/{pune_only_pk}/"),
    ),
    "assessments:history": (
        Expect(ASSESSMENT_ADMINS, path="/admin/assessments/history/{assessment_pk}/"),
        Expect(here(ASSESSMENT_ADMINS), path="/admin/assessments/history/{pune_only_pk}/"),
    ),
    "assessments:history_results": (
        Expect(ASSESSMENT_ADMINS, path="/admin/assessments/history-results/{assessment_pk}/"),
        Expect(here(ASSESSMENT_ADMINS), path="/admin/assessments/history-results/{pune_only_pk}/"),
    ),
    "assessments:usage": (
        Expect(ASSESSMENT_ADMINS, path="/admin/assessments/usage/{assessment_pk}/"),
        Expect(here(ASSESSMENT_ADMINS), path="/admin/assessments/usage/{pune_only_pk}/"),
    ),
    # Nobody but a superuser deletes an assessment (its attempts are results).
    "assessments:delete": Expect(
        roles(SUPERUSER), path="/admin/assessments/delete/{assessment_pk}/"
    ),
    # Results: the shared assessment's page opens for both centres' assessors, each reading only
    # their centre's candidates (the secrets checks); a Pune candidate's marks and grade, and the
    # Pune paper, are not the other centre's.
    "assessment_nos_marks": Expect(
        here(ASSESSMENT_ADMINS), path="/admin/assessment-results/{assessment_pk}/marks/{learner}/"
    ),
    "assessment_essays": (
        Expect(
            roles(ASSESSOR, SUPERUSER), path="/admin/assessment-results/{assessment_pk}/essays/"
        ),
        Expect(
            here(roles(ASSESSOR, SUPERUSER)),
            path="/admin/assessment-results/{pune_only_pk}/essays/",
        ),
    ),
    "assessment_results": (
        Expect(ASSESSMENT_ADMINS, path="/admin/assessment-results/{assessment_pk}/"),
        Expect(ASSESSMENT_ADMINS, path="/admin/assessment-results/{assessment_pk}/?format=csv"),
        Expect(here(ASSESSMENT_ADMINS), path="/admin/assessment-results/{pune_only_pk}/"),
        Expect(
            here(ASSESSMENT_ADMINS), path="/admin/assessment-results/{pune_only_pk}/?format=xlsx"
        ),
    ),
    "assessment_attempt_grade": Expect(
        here(ASSESSMENT_ADMINS),
        path="/admin/assessment-results/attempts/{own_finished}/grade/",
        method=POST,
    ),
    # calibration (adaptive/admin_calibration.py)
    "calibration:index": Expect(CALIBRATORS),
    "calibration:start": Expect(CALIBRATORS, method=POST),
    "calibration:run": Expect(CALIBRATORS, path="/admin/calibration/runs/{calibration_run}/"),
    "calibration:run_status": Expect(
        CALIBRATORS, path="/admin/calibration/runs/{calibration_run}/status/"
    ),
    # course coverage and course creation (content/admin_views.py)
    "content_coverage_index": Expect(CONTENT_AUTHORS),
    "content_coverage_report": Expect(CONTENT_AUTHORS, path="/admin/content/coverage/{qp}/"),
    "content_course_create": Expect(
        roles(CURATOR, *ADMINS), path="/admin/content/courses/create/{qp}/", method=POST
    ),
    # the editor's tools of lessons (content/admin_views.py, content/choosers.py)
    "content_lesson_create": Expect(CONTENT_AUTHORS, path="/admin/content/lessons/new/{module}/"),
    "content_knowledge_check_preview": Expect(
        CONTENT_AUTHORS, path="/admin/content/lessons/{lesson}/knowledge-check/"
    ),
    "knowledge_check_item_chooser:choose": Expect(CONTENT_AUTHORS),
    "knowledge_check_item_chooser:choose_results": Expect(CONTENT_AUTHORS),
    "knowledge_check_item_chooser:chosen": Expect(
        CONTENT_AUTHORS, path="/admin/content/items/choose/chosen/{practice_item}/"
    ),
    "knowledge_check_item_chooser:chosen_multiple": Expect(CONTENT_AUTHORS),
    # --- Wagtail admin pages outside any group
    "wagtailadmin_home": Expect(WAGTAIL_USERS, path="/admin/"),
    # (signed-in users are sent on from the login pages, everyone from the logout ones)
    "wagtailadmin_login": Expect(EVERYONE, also_ok=frozenset({302})),
    "wagtailadmin_logout": Expect(EVERYONE, method=POST, also_ok=frozenset({302})),
    "wagtailadmin_password_reset": Expect(EVERYONE),
    "wagtailadmin_sprite": Expect(EVERYONE),
    "wagtailadmin_javascript_catalog": Expect(EVERYONE),
    "admin:login": Expect(EVERYONE, also_ok=frozenset({302})),
    "admin:logout": Expect(EVERYONE, method=POST, also_ok=frozenset({302})),
}

# Third-party admin pages by route prefix. Wagtail's own permission checks refine these per
# page (only a superuser manages users, groups, sites, locales, workflows, redirects).
SUPERUSERS = roles(SUPERUSER)
THIRD_PARTY_PREFIXES: dict[str, Group] = {
    "admin/": Group(WAGTAIL_USERS, ("/admin/",)),  # the top-level pages (account, sprite, ...)
    "admin/pages/": Group(CONTENT_AUTHORS, ("/admin/pages/{course_page}/",)),
    "admin/api/": Group(WAGTAIL_USERS, ("/admin/api/main/pages/",)),
    "admin/bulk/": Group(WAGTAIL_USERS, ()),
    "admin/choose-page/": Group(WAGTAIL_USERS, ("/admin/choose-page/",)),
    "admin/collections/": Group(SUPERUSERS, ("/admin/collections/",)),
    "admin/documents/": Group(CONTENT_AUTHORS, ("/admin/documents/",)),
    "admin/editing-sessions/": Group(WAGTAIL_USERS, ()),
    "admin/embeds/": Group(WAGTAIL_USERS, ("/admin/embeds/chooser/",)),
    "admin/forms/": Group(CONTENT_AUTHORS, ("/admin/forms/",)),
    "admin/groups/": Group(SUPERUSERS, ("/admin/groups/",)),
    "admin/images/": Group(CONTENT_AUTHORS, ("/admin/images/",)),
    "admin/locales/": Group(SUPERUSERS, ("/admin/locales/",)),
    "admin/password_reset/": Group(EVERYONE, (), refused=NOBODY),  # public: reset by e-mail
    "admin/redirects/": Group(SUPERUSERS, ("/admin/redirects/",)),
    "admin/reports/": Group(SUPERUSERS, ("/admin/reports/locked/",)),
    "admin/settings/": Group(SUPERUSERS, ()),
    "admin/sites/": Group(SUPERUSERS, ("/admin/sites/",)),
    "admin/snippets/": Group(NOBODY, ()),
    "admin/tag-autocomplete/": Group(WAGTAIL_USERS, ("/admin/tag-autocomplete/",)),
    "admin/translation/": Group(WAGTAIL_USERS, ()),
    "admin/users/": Group(SUPERUSERS, ("/admin/users/",)),
    "admin/workflows/": Group(SUPERUSERS, ("/admin/workflows/list/",)),
    "admin/^.*/": Group(WAGTAIL_USERS, ()),  # Wagtail's admin 404 page
    # The Django admin: administrators only (accounts/admin_site.py); staff in other roles too
    # must be refused everywhere.
    "django-admin/": Group(
        ADMINS,
        (
            "/django-admin/",
            "/django-admin/lti/platformregistration/",
            "/django-admin/lti/batch/",
            "/django-admin/lti/trainingcentre/",
            "/django-admin/lti/scorepost/",
        ),
        refused=roles(ANONYMOUS, LEARNER, TRAINER, CURATOR, EDITOR, ASSESSOR),
    ),
}

# Packages of this project: their views must have a VIEWS entry, never just a prefix.
OUR_PACKAGES = ("lms", "accounts", "question_bank", "adaptive", "content", "lti")
