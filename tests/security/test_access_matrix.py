"""The role x URL matrix: every URL pattern of the URL conf, requested as every role.

The patterns come from Django's resolver, so a new view without an entry in
``tests/security/access_matrix.py`` fails ``test_every_url_pattern_has_an_access_rule`` with
the line to add. Each pattern is then requested with a representative argument by the roles
its rule names; allowed roles must get the page, the others must be refused, and no refusal
(and no page a learner, trainer or assessor gets) may contain the second learner's name or
batch; no page the roles of the other place get may contain the own learner's name or batch.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, resolve

from .access_matrix import OUR_PACKAGES, THIRD_PARTY_PREFIXES, VIEWS, Expect, Group
from .resolver import Pattern, sample_path, url_patterns
from .world import (
    ANONYMOUS,
    ELSEWHERE,
    OTHER_ASSESSOR_NAME,
    OTHER_BATCH_NAME,
    OTHER_LEARNER_NAME,
    OTHER_TRAINER_NAME,
    OWN_BATCH_NAME,
    OWN_LEARNER_NAME,
    ROLES,
    path_values,
)

pytestmark = pytest.mark.django_db

PATTERNS = url_patterns()
LOGIN_PAGES = {"/accounts/login/", "/admin/login/", "/django-admin/login/", "/_util/login/"}
SECRETS = (OTHER_LEARNER_NAME, OTHER_BATCH_NAME, OTHER_TRAINER_NAME, OTHER_ASSESSOR_NAME)
# What the roles of the other place must never see: the own place's learner and batch.
OWN_SECRETS = (OWN_LEARNER_NAME, OWN_BATCH_NAME)
# Roles that see no one else's data on any page: the own place's roles see nothing of the
# other place, and the other place's nothing of the own.
NOSY = ("Learner", "Trainer", "Assessor")
ELSEWHERE_ROLES = frozenset(ELSEWHERE.values())


def group_key(route: str) -> str:
    """The prefix group of a third-party admin route: ``django-admin/``, ``admin/<segment>/``,
    or ``admin/`` for Wagtail's single top-level pages (``admin/account/``)."""
    if route.startswith("django-admin/"):
        return "django-admin/"
    segments = route.split("/")
    key = "/".join(segments[:2]) + "/"
    if key not in THIRD_PARTY_PREFIXES and route == key:
        return "admin/"
    return key


def is_ours(pattern: Pattern) -> bool:
    return pattern.view.startswith(tuple(f"{package}." for package in OUR_PACKAGES))


def rule_for(pattern: Pattern) -> Expect | tuple[Expect, ...] | Group | None:
    if pattern.key in VIEWS:
        return VIEWS[pattern.key]
    # The Django admin refuses non-administrators site-wide (accounts/admin_site.py), for our
    # ModelAdmins' views too; under Wagtail's admin only third-party views may go by prefix.
    if pattern.route.startswith("django-admin/") or (
        pattern.route.startswith("admin/") and not is_ours(pattern)
    ):
        return THIRD_PARTY_PREFIXES.get(group_key(pattern.route))
    return None


def missing_message(pattern: Pattern) -> str:
    where = "VIEWS" if is_ours(pattern) or not pattern.route.startswith("admin") else "a group"
    return (
        f"/{pattern.route} ({pattern.key!r}, view {pattern.view}) has no access rule: add it to "
        f"{where} in tests/security/access_matrix.py, e.g.\n"
        f'    "{pattern.key}": Expect(SIGNED_IN, path="/{pattern.route}"),'
    )


def test_every_url_pattern_has_an_access_rule():
    missing = [missing_message(p) for p in PATTERNS if rule_for(p) is None]
    assert not missing, "\n".join(missing)


def test_the_table_names_no_view_that_does_not_exist():
    keys = {p.key for p in PATTERNS}
    stale = sorted(set(VIEWS) - keys)
    assert not stale, f"tests/security/access_matrix.py lists views the URL conf lacks: {stale}"


def outcome(path: str, response: HttpResponse) -> str:
    """ "ok", "refused" or "error: ..." for one response."""
    code = response.status_code
    if code >= 500:
        return f"error: {code}"
    if code in (403, 404, 405):
        return "refused"
    if 300 <= code < 400:
        target = urlsplit(response["Location"]).path
        if target in LOGIN_PAGES:
            return "refused"
        # Wagtail's "Sorry, you do not have permission" goes to the admin home; the Django
        # admin's missing-object and logout pages go to its index.
        if target == "/admin/" and path.startswith("/admin/") and path != "/admin/":
            return "refused"
        if target == "/django-admin/" and path.startswith("/django-admin/"):
            return "refused"
        return "ok"
    if 200 <= code < 300:
        return "ok"
    return f"status {code}"


def request(client: Client, method: str, path: str, data: dict[str, str]) -> HttpResponse:
    if method == "POST":
        return client.post(path, data)
    return client.get(path)


def check(
    client_for, role: str, method: str, path: str, allowed: bool, also_ok=(), data=None
) -> str | None:
    """None when ``role`` gets what the table says at ``path``, else what went wrong."""
    response = request(client_for(role), method, path, data or {})
    got = outcome(path, response)
    if allowed and response.status_code in also_ok:
        got = "ok"
    want = "ok" if allowed else "refused"
    body = response.content.decode(errors="replace") if hasattr(response, "content") else ""
    if got != want:
        where = response.get("Location", "")
        return f"{role:>15}: {method} {path} -> {response.status_code} {where} (want {want})"
    # (The other place's roles are the "other" users: their own names are no secret to them.)
    mine = role not in ELSEWHERE_ROLES
    if mine and (not allowed or role in NOSY) and any(secret in body for secret in SECRETS):
        return f"{role:>15}: {method} {path} shows another user's data"
    if role in ELSEWHERE_ROLES and any(secret in body for secret in OWN_SECRETS):
        return f"{role:>15}: {method} {path} shows another place's data"
    return None


def _fill(template: str, values: dict[str, object], route: str) -> str:
    return template.format(**values) if template else sample_path(route)


def _resolves_to(path: str, pattern: Pattern) -> bool:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return False
    if pattern.name:
        return match.view_name == pattern.name
    return f"{match.func.__module__}.{getattr(match.func, '__name__', '')}" == pattern.view


@pytest.mark.parametrize(
    "pattern", [p for p in PATTERNS if p.key in VIEWS], ids=lambda p: p.key or p.route
)
def test_view_is_allowed_to_its_roles_only(pattern, world, client_for):
    values = path_values(world)
    expects = VIEWS[pattern.key]
    failures = []
    for expect in expects if isinstance(expects, tuple) else (expects,):
        path = _fill(expect.path, values, pattern.route)
        data = {name: value.format(**values) for name, value in expect.data.items()}
        assert _resolves_to(path, pattern), f"{path} does not reach {pattern.key}: fix its path"
        for role in ROLES:
            if role in expect.skip:
                continue
            allowed = role in expect.allowed
            problem = check(client_for, role, expect.method, path, allowed, expect.also_ok, data)
            if problem:
                failures.append(problem)
    assert not failures, "\n".join(failures)


GROUPED = [p for p in PATTERNS if p.key not in VIEWS and isinstance(rule_for(p), Group)]


@pytest.mark.parametrize("key", sorted(THIRD_PARTY_PREFIXES))
def test_admin_group_refuses_every_page_to_the_roles_without_access(key, world, client_for):
    group = THIRD_PARTY_PREFIXES[key]
    patterns = [p for p in GROUPED if group_key(p.route) == key]
    failures = []
    for pattern in patterns:
        path = sample_path(pattern.route)
        assert _resolves_to(path, pattern), f"{path} does not reach /{pattern.route}"
        for role in group.refused or (ANONYMOUS,):
            # A public group (Wagtail's password reset) must answer everyone without error.
            problem = check(client_for, role, "GET", path, allowed=not group.refused)
            if problem:
                failures.append(f"{problem}  [/{pattern.route}]")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("key", "sample"),
    [(key, sample) for key, group in THIRD_PARTY_PREFIXES.items() for sample in group.samples],
)
def test_admin_group_sample_is_allowed_to_its_roles_only(key, sample, world, client_for):
    group = THIRD_PARTY_PREFIXES[key]
    path = sample.format(**path_values(world))
    failures = []
    for role in ROLES:
        problem = check(client_for, role, "GET", path, allowed=role in group.allowed)
        if problem:
            failures.append(problem)
    assert not failures, "\n".join(failures)


# The only views that take a POST without our CSRF token, each for its stated reason
# (lti/views.py): the platform's cross-site login and launch, the frame's deep-linking form and
# the hand-off into a window of its own (guarded by single-use, unguessable ids and secrets).
CSRF_EXEMPT = {"lti:login", "lti:launch", "lti:continue", "lti:deep_link"}


def test_every_post_without_the_csrf_token_is_refused(world, session_cookies):
    """Every URL pattern, POSTed by a superuser (who may do everything) without the token, is
    refused by the CSRF check before its view runs; the few exempt ones are listed above."""
    values = path_values(world)
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = session_cookies["superuser"]
    failures = []
    for pattern in PATTERNS:
        expects = VIEWS.get(pattern.key)
        first = expects[0] if isinstance(expects, tuple) else expects
        path = _fill(first.path, values, pattern.route) if first else sample_path(pattern.route)
        marked_exempt = getattr(resolve(urlsplit(path).path).func, "csrf_exempt", False)
        if pattern.key in CSRF_EXEMPT:
            assert marked_exempt, f"{pattern.key} is listed as CSRF-exempt but is not"
            continue
        response = client.post(path, {})
        # Wagtail's admin API (Django REST framework) is exempt from the middleware and checks
        # the token itself: refused (403), or a read-only endpoint that takes no POST (405).
        refused = {403, 405} if marked_exempt else {403}
        if response.status_code not in refused:
            failures.append(f"POST {path} ({pattern.key}) -> {response.status_code}")
    assert not failures, "\n".join(failures)
