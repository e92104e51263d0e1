"""Writes of the LTI tool: accepting a validated launch (user, roles, batch, resource link),
grades to platforms (AGS), rosters from platforms (NRPS), dynamic registration.

A launch is validated first (lti/launch.py) and only then reaches ``launch_accept``, which makes
all its changes in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import SplitResult, urlsplit

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import Role, user_assign_role

from . import adapters, outbound
from .connector import (
    LINEITEM_MEDIA,
    LINEITEMS_MEDIA,
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READ,
    SCOPE_NRPS,
    SCOPE_RESULT_READ,
    SCOPE_SCORE,
    SCORE_MEDIA,
    CachedServiceConnector,
    ServicePermanentError,
    ServiceTemporaryError,
    with_path,
)
from .models import (
    Batch,
    BatchMembership,
    DynamicRegistrationInvite,
    LaunchTarget,
    LineItem,
    PlatformRegistration,
    PlatformUser,
    ResourceLink,
    ScorePost,
)

logger = logging.getLogger(__name__)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

# What each LIS role (the part after '#', the principal role for sub-roles) becomes here. A
# learner is a learner everywhere; what an instructor, content developer or administrator of a
# platform becomes is that platform's registration's decision, approved by a Kaushal
# administrator (PlatformRegistration.instructor_role and friends).
LIS_ROLE_FIELDS: dict[str, str] = {
    "Instructor": "instructor_role",
    "ContentDeveloper": "content_developer_role",
    "Administrator": "administrator_role",
}
BATCH_ROLE_OF: dict[Role, str] = {
    Role.LEARNER: BatchMembership.Role.LEARNER,
    Role.TRAINER: BatchMembership.Role.TRAINER,
    Role.CONTENT_EDITOR: BatchMembership.Role.CONTENT_EDITOR,
    Role.ADMINISTRATOR: BatchMembership.Role.ADMINISTRATOR,
}
BATCH_ROLE_RANK = ["learner", "trainer", "content_editor", "administrator"]


def lis_role_names(roles: object) -> list[str]:
    """The LIS role names in a roles claim (context, institution or system roles; short names
    too): ".../membership#Instructor" and ".../membership/Instructor#TeachingAssistant" both
    give "Instructor"."""
    names: list[str] = []
    for uri in roles if isinstance(roles, list) else []:
        if not isinstance(uri, str):
            continue
        match = re.search(r"/membership/(\w+)#", uri)
        name = match.group(1) if match else uri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if name not in names:
            names.append(name)
    return names


def lti_roles_map(roles: object, *, registration: PlatformRegistration) -> list[tuple[Role, str]]:
    """Map LTI role URIs to our roles and batch roles, as the platform's registration says."""
    mapped: list[tuple[Role, str]] = []
    for name in lis_role_names(roles):
        if name == "Learner":
            role = Role.LEARNER
        elif name in LIS_ROLE_FIELDS:
            role = Role(getattr(registration, LIS_ROLE_FIELDS[name]))
        else:
            continue  # observers, mentors and other roles are not mapped
        if role in BATCH_ROLE_OF and (role, BATCH_ROLE_OF[role]) not in mapped:
            mapped.append((role, BATCH_ROLE_OF[role]))
    return mapped


@dataclass
class LaunchResult:
    user: object
    roles: list[Role]
    resource_link: ResourceLink | None
    batch: Batch | None
    target: LaunchTarget | None


def platform_user_sync(
    *,
    issuer: str,
    sub: str,
    name: str = "",
    email: str = "",
    given_name: str = "",
    family_name: str = "",
):
    """The local user for (iss, sub), created on first sight; name and email kept up to date."""
    User = get_user_model()
    identity = PlatformUser.objects.select_related("user").filter(issuer=issuer, sub=sub).first()
    if identity is None:
        digest = hashlib.sha256(f"{issuer}|{sub}".encode()).hexdigest()[:24]
        user, created = User.objects.get_or_create(username=f"lti-{digest}")
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        # get_or_create: a concurrent first launch of the same person may have just made it.
        identity, _ = PlatformUser.objects.get_or_create(
            issuer=issuer, sub=sub, defaults={"user": user}
        )
    user = identity.user
    changed = []
    for field, value in (
        ("full_name", name or " ".join(p for p in (given_name, family_name) if p)),
        ("email", email),
        ("first_name", given_name[:150]),
        ("last_name", family_name[:150]),
    ):
        if value and getattr(user, field) != value:
            setattr(user, field, value)
            changed.append(field)
    if changed:
        user.save(update_fields=changed)
    return user


def _target_from_claims(claims: dict) -> LaunchTarget | None:
    custom = claims.get(CLAIM + "custom") or {}
    target_type, target_key = custom.get("target_type"), custom.get("target_key")
    if target_type not in LaunchTarget.TargetType.values or not target_key:
        return None
    target, _ = LaunchTarget.objects.get_or_create(
        target_type=target_type, target_key=str(target_key)[:200]
    )
    return target


def _membership_upsert(*, batch: Batch, user, batch_role: str) -> None:
    membership, created = BatchMembership.objects.get_or_create(
        batch=batch, user=user, defaults={"role": batch_role}
    )
    if not created and (
        not membership.is_active
        or BATCH_ROLE_RANK.index(batch_role) > BATCH_ROLE_RANK.index(membership.role)
    ):
        membership.is_active = True
        membership.role = max(membership.role, batch_role, key=BATCH_ROLE_RANK.index)
        membership.save(update_fields=["is_active", "role"])


def _service_url_accept(
    url: object, *, registration: PlatformRegistration, what: str
) -> tuple[str, str]:
    """(url, "") for a service address of the registration's own, ("", why not) for any other:
    the launch goes on for learning, grades or rosters show why they cannot be exchanged, and
    nothing is ever sent there (lti/outbound.py)."""
    try:
        outbound.service_url_check(url, registration=registration, resolve=False)
    except outbound.ServiceAddressRefusedError as exc:
        logger.warning(
            "LTI %s address refused for registration %s (%s): %s",
            what,
            registration.pk,
            registration.issuer[:200],
            exc,
        )
        return "", str(exc)
    assert isinstance(url, str)
    return url, ""


@transaction.atomic
def launch_accept(*, registration: PlatformRegistration, claims: dict) -> LaunchResult:
    """Apply a validated launch: user, roles, batch (context), resource link and its target."""
    user = platform_user_sync(
        issuer=claims["iss"],
        sub=claims["sub"],
        name=claims.get("name", ""),
        email=claims.get("email", ""),
        given_name=claims.get("given_name", ""),
        family_name=claims.get("family_name", ""),
    )
    mapped = lti_roles_map(claims.get(CLAIM + "roles", []), registration=registration)
    for role, _ in mapped:
        user_assign_role(user=user, role=role, staff=False)  # never the Django admin

    target = _target_from_claims(claims)
    batch = None
    context = claims.get(CLAIM + "context") or {}
    if context.get("id"):
        batch, _ = Batch.objects.get_or_create(
            registration=registration,
            context_id=str(context["id"]),
            defaults={"name": context.get("title") or context.get("label") or context["id"]},
        )
        nrps = claims.get(NRPS_CLAIM) or {}
        updates = []
        if isinstance(nrps, dict) and nrps.get("context_memberships_url"):
            url, refusal = _service_url_accept(
                nrps["context_memberships_url"], registration=registration, what="roster (NRPS)"
            )
            if (batch.context_memberships_url, batch.roster_refusal) != (url, refusal):
                batch.context_memberships_url, batch.roster_refusal = url, refusal
                updates += ["context_memberships_url", "roster_refusal"]
        if target and not batch.qualification_pack_code:
            code = adapters.course_code_of(target.target_type, target.target_key)
            if code:
                batch.qualification_pack_code = code
                updates.append("qualification_pack_code")
        if updates:
            batch.save(update_fields=updates)
        if mapped:  # observers, mentors and other unmapped roles are not batch members
            batch_role = max((r for _, r in mapped), key=BATCH_ROLE_RANK.index)
            _membership_upsert(batch=batch, user=user, batch_role=batch_role)

    resource_link = None
    link_claim = claims.get(CLAIM + "resource_link") or {}
    if link_claim.get("id"):
        resource_link, _ = ResourceLink.objects.get_or_create(
            registration=registration,
            resource_link_id=str(link_claim["id"]),
            defaults={"deployment_id": claims[CLAIM + "deployment_id"]},
        )
        ags = claims.get(AGS_CLAIM) or {}
        ags = ags if isinstance(ags, dict) else {}
        resource_link.deployment_id = claims[CLAIM + "deployment_id"]
        resource_link.title = (link_claim.get("title") or "")[:300]
        resource_link.batch = batch or resource_link.batch
        resource_link.target = target or resource_link.target
        refusals = []
        for field, member in (("ags_lineitems_url", "lineitems"), ("ags_lineitem_url", "lineitem")):
            url, refusal = "", ""
            if ags.get(member):
                url, refusal = _service_url_accept(
                    ags[member], registration=registration, what="grade service (AGS)"
                )
            setattr(resource_link, field, url)
            refusals += [refusal] if refusal else []
        resource_link.ags_refusal = " ".join(refusals)
        scopes = ags.get("scope", [])
        resource_link.ags_scopes = (
            [s for s in scopes if isinstance(s, str)][:20] if isinstance(scopes, list) else []
        )
        resource_link.save()
        target = resource_link.target
    return LaunchResult(
        user=user,
        roles=[r for r, _ in mapped],
        resource_link=resource_link,
        batch=batch,
        target=target,
    )


# --- Assignment and Grade Services ---------------------------------------------------------------


def line_item_ensure(*, resource_link: ResourceLink, score_maximum: float) -> LineItem:
    """The link's line item: known, given in the launch, found on the platform, or created."""
    existing = LineItem.objects.filter(resource_link=resource_link).first()
    if existing:
        return existing
    label = resource_link.title or (str(resource_link.target) if resource_link.target else "Score")
    resource_id = resource_link.target.target_key if resource_link.target else ""
    if resource_link.ags_lineitem_url:
        url = resource_link.ags_lineitem_url
    elif resource_link.ags_lineitems_url:
        connector = CachedServiceConnector(resource_link.registration)
        url = None
        for page in connector.paged(
            scopes=[SCOPE_LINEITEM], url=resource_link.ags_lineitems_url, accept=LINEITEMS_MEDIA
        ):
            for item in page if isinstance(page, list) else []:
                if (
                    isinstance(item, dict)
                    and item.get("resourceLinkId") == resource_link.resource_link_id
                ):
                    url = item.get("id")
                    break
        if url is None:
            created = connector.request(
                scopes=[SCOPE_LINEITEM],
                url=resource_link.ags_lineitems_url,
                method="POST",
                json_body={
                    "scoreMaximum": score_maximum,
                    "label": label,
                    "resourceId": resource_id,
                    "resourceLinkId": resource_link.resource_link_id,
                },
                accept=LINEITEM_MEDIA,
                content_type=LINEITEM_MEDIA,
            ).json()
            url = created.get("id") if isinstance(created, dict) else None
    elif resource_link.ags_refusal:
        raise ServicePermanentError(resource_link.ags_refusal)
    else:
        raise ServicePermanentError("The platform gave this link no grade service (AGS).")
    try:  # the platform's answer named it: the same rules as the launch's addresses
        outbound.service_url_check(url, registration=resource_link.registration, resolve=False)
    except outbound.ServiceAddressRefusedError as exc:
        raise ServicePermanentError(str(exc)) from exc
    line_item, _ = LineItem.objects.get_or_create(
        resource_link=resource_link,
        defaults={
            "url": url,
            "label": label,
            "score_maximum": score_maximum,
            "resource_id": resource_id,
        },
    )
    return line_item


def _links_for(user, resource_link_or_assessment_key) -> list[ResourceLink]:
    if isinstance(resource_link_or_assessment_key, ResourceLink):
        return [resource_link_or_assessment_key]
    issuers = PlatformUser.objects.filter(user=user).values_list("issuer", flat=True)
    return list(
        ResourceLink.objects.filter(
            target__target_type=LaunchTarget.TargetType.ASSESSMENT,
            target__target_key=str(resource_link_or_assessment_key),
            registration__issuer__in=list(issuers),
            batch__memberships__user=user,
        ).distinct()
    )


def grade_publish(
    *,
    user,
    resource_link_or_assessment_key,
    score_given: float,
    score_maximum: float,
    attempt_key: str,
) -> list[ScorePost]:
    """Queue a finished attempt's score for each platform link it belongs to, once per attempt.

    Calling it again with the same ``attempt_key`` queues nothing new. The score is sent by the
    Celery task ``lti.tasks.score_post`` after the transaction commits.
    """
    if score_maximum <= 0 or not 0 <= score_given <= score_maximum:
        raise ValueError("score_given must lie between 0 and a positive score_maximum")
    posts = []
    for link in _links_for(user, resource_link_or_assessment_key):
        try:
            with transaction.atomic():
                post, created = ScorePost.objects.get_or_create(
                    attempt_key=attempt_key,
                    resource_link=link,
                    defaults={
                        "user": user,
                        "score_given": score_given,
                        "score_maximum": score_maximum,
                    },
                )
        except IntegrityError:  # a concurrent call created it first
            post = ScorePost.objects.get(attempt_key=attempt_key, resource_link=link)
            created = False
        posts.append(post)
        if created:
            transaction.on_commit(lambda pk=post.pk: score_post_enqueue(score_post_id=pk))
    return posts


def score_post_enqueue(*, score_post_id: int) -> None:
    from .tasks import score_post

    score_post.delay(score_post_id)


SENDING_STUCK_AFTER = timedelta(minutes=10)  # far beyond a send: a few calls, 15 s time-out each


def score_post_claim_filter(*, now=None) -> Q:
    """Posts a worker may claim: pending ones, and ones left "sending" by a worker that died
    (longer than any send can take: a few calls of at most the connector's timeout)."""
    now = now or timezone.now()
    return Q(status=ScorePost.Status.PENDING) | Q(
        status=ScorePost.Status.SENDING, last_try_at__lt=now - SENDING_STUCK_AFTER
    )


def score_post_send(*, score_post_id: int) -> bool:
    """Send one score; True when sent now. Raises ServiceTemporaryError to be retried.

    Exactly once: the row is claimed by one conditional UPDATE (pending -> sending), so a
    redelivered or re-enqueued task finds it taken or sent and does nothing. The score carries
    the time the grade was queued, not the time of sending, so a resend after a lost answer is
    the same score at the same timestamp and the platform keeps one result (AGS 1.3, 3.4.5)."""
    now = timezone.now()
    claimed = ScorePost.objects.filter(score_post_claim_filter(now=now), pk=score_post_id).update(
        status=ScorePost.Status.SENDING, tries=F("tries") + 1, last_try_at=now
    )
    if not claimed:
        return False  # already sent or being sent by another worker: exactly once
    post = ScorePost.objects.select_related("resource_link__registration", "user").get(
        pk=score_post_id
    )
    link = post.resource_link
    try:
        identity = PlatformUser.objects.filter(
            user=post.user, issuer=link.registration.issuer
        ).first()
        if identity is None:
            raise ServicePermanentError("The learner has no identity on this platform.")
        line_item = line_item_ensure(resource_link=link, score_maximum=post.score_maximum)
        CachedServiceConnector(link.registration).request(
            scopes=[SCOPE_SCORE],
            url=with_path(line_item.url, "/scores"),
            method="POST",
            json_body={
                "userId": identity.sub,
                "scoreGiven": post.score_given,
                "scoreMaximum": post.score_maximum,
                "activityProgress": "Completed",
                "gradingProgress": "FullyGraded",
                "timestamp": post.created_at.isoformat(timespec="milliseconds"),
            },
            accept="application/json",
            content_type=SCORE_MEDIA,
        )
    except ServiceTemporaryError as exc:
        ScorePost.objects.filter(pk=post.pk).update(
            status=ScorePost.Status.PENDING, last_error=str(exc)[:2000]
        )
        raise
    except ServicePermanentError as exc:
        ScorePost.objects.filter(pk=post.pk).update(
            status=ScorePost.Status.FAILED, last_error=str(exc)[:2000], next_try_at=None
        )
        logger.error("LTI score %s failed permanently: %s", post.pk, exc)
        return False
    ScorePost.objects.filter(pk=post.pk).update(
        status=ScorePost.Status.SENT, sent_at=timezone.now(), last_error="", next_try_at=None
    )
    return True


def score_post_retry_schedule(*, score_post_id: int, countdown: int) -> None:
    """Record when the retry of a temporary failure is due, so the outbox job can tell a
    retry still waiting in the broker from one the broker lost."""
    ScorePost.objects.filter(pk=score_post_id, status=ScorePost.Status.PENDING).update(
        next_try_at=timezone.now() + timedelta(seconds=countdown)
    )


def score_post_mark_failed(*, score_post_id: int, error: str) -> None:
    ScorePost.objects.filter(pk=score_post_id).exclude(status=ScorePost.Status.SENT).update(
        status=ScorePost.Status.FAILED, last_error=error[:2000], next_try_at=None
    )
    logger.error("LTI score %s failed after retries: %s", score_post_id, error)


def score_post_retry(*, score_post_id: int) -> bool:
    """A person's retry of a failed score: queue it again with a fresh round of retries. A post
    that is pending, sending or sent is left alone (True only when queued now)."""
    updated = ScorePost.objects.filter(pk=score_post_id, status=ScorePost.Status.FAILED).update(
        status=ScorePost.Status.PENDING, tries=0, next_try_at=None
    )
    if updated:
        transaction.on_commit(lambda: score_post_enqueue(score_post_id=score_post_id))
    return bool(updated)


def score_posts_lost(*, lost_after: timedelta, now=None) -> list[int]:
    """The outbox's stragglers: pending posts whose task (first or retry) should have run more
    than ``lost_after`` ago, and posts a dead worker left "sending" (made pending again)."""
    now = now or timezone.now()
    ScorePost.objects.filter(
        status=ScorePost.Status.SENDING, last_try_at__lt=now - SENDING_STUCK_AFTER
    ).update(status=ScorePost.Status.PENDING, next_try_at=None)
    due = Coalesce("next_try_at", "last_try_at", "created_at")
    return list(
        ScorePost.objects.filter(status=ScorePost.Status.PENDING)
        .annotate(due=due)
        .filter(due__lt=now - lost_after)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- Names and Role Provisioning -----------------------------------------------------------------

NRPS_MEDIA = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


@transaction.atomic
def _roster_apply(*, batch: Batch, members: list[dict]) -> dict[str, int]:
    issuer = batch.registration.issuer
    seen_users = set()
    counts = {"added": 0, "updated": 0, "deactivated": 0}
    for member in members:
        sub = member.get("user_id")
        if not sub:
            continue
        user = platform_user_sync(
            issuer=issuer,
            sub=str(sub),
            name=member.get("name", ""),
            email=member.get("email", ""),
            given_name=member.get("given_name", ""),
            family_name=member.get("family_name", ""),
        )
        mapped = lti_roles_map(member.get("roles", []), registration=batch.registration)
        if not mapped:  # observers, mentors and other unmapped roles are not batch members
            continue
        batch_role = max((r for _, r in mapped), key=BATCH_ROLE_RANK.index)
        active = member.get("status", "Active") == "Active"
        membership, created = BatchMembership.objects.update_or_create(
            batch=batch, user=user, defaults={"role": batch_role, "is_active": active}
        )
        counts["added" if created else "updated"] += 1
        if active:
            for role, _ in mapped:
                user_assign_role(user=user, role=role, staff=False)
            seen_users.add(user.pk)
    counts["deactivated"] = (
        BatchMembership.objects.filter(batch=batch, is_active=True)
        .exclude(user_id__in=seen_users)
        .update(is_active=False)
    )
    batch.roster_synced_at = timezone.now()
    batch.save(update_fields=["roster_synced_at"])
    return counts


def batch_roster_sync(*, batch: Batch) -> dict[str, int]:
    """Bring a batch's members in line with the platform's roster (all pages)."""
    if batch.registration and batch.roster_refusal and not batch.context_memberships_url:
        raise ServicePermanentError(batch.roster_refusal)
    if not batch.registration or not batch.context_memberships_url:
        raise ServicePermanentError("This batch has no platform roster (NRPS) to sync from.")
    pages = CachedServiceConnector(batch.registration).paged(
        scopes=[SCOPE_NRPS], url=batch.context_memberships_url, accept=NRPS_MEDIA
    )
    members = [
        m
        for page in pages
        if isinstance(page, dict) and isinstance(page.get("members", []), list)
        for m in page.get("members", [])
        if isinstance(m, dict)
    ]
    return _roster_apply(batch=batch, members=members)


# --- Dynamic registration ------------------------------------------------------------------------


def dynamic_registration_invite_create(*, name: str = "", valid_for: timedelta = timedelta(days=7)):
    return DynamicRegistrationInvite.objects.create(
        token=secrets.token_urlsafe(32), name=name, expires_at=timezone.now() + valid_for
    )


class RegistrationFailedError(Exception):
    pass


def tool_configuration(*, urls: dict[str, str], domain: str) -> dict:
    """Our registration request (LTI Dynamic Registration 1.0, section 3.5)."""
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls["login"],
        "redirect_uris": [urls["launch"]],
        "client_name": "Kaushal",
        "jwks_uri": urls["jwks"],
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(
            [SCOPE_LINEITEM, SCOPE_LINEITEM_READ, SCOPE_RESULT_READ, SCOPE_SCORE, SCOPE_NRPS]
        ),
        "https://purl.imsglobal.org/spec/lti-tool-configuration": {
            "domain": domain,
            "target_link_uri": urls["launch"],
            "custom_parameters": {"platform_context_id": "$Context.id"},
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [
                {"type": "LtiResourceLinkRequest", "target_link_uri": urls["launch"]},
                {
                    "type": "LtiDeepLinkingRequest",
                    "target_link_uri": urls["launch"],
                    "label": "Add Kaushal content",
                    "placements": ["ContentArea"],
                    "supported_types": ["ltiResourceLink"],
                },
            ],
        },
    }


PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
REGISTRATION_MAX_BYTES = 64 * 1024  # a platform configuration is a few KB
URL_MAX_LENGTH = 500  # PlatformRegistration's URL fields
# Configuration members that are arrays of strings when present (OpenID Connect Discovery 1.0).
STRING_ARRAYS = (
    "scopes_supported",
    "response_types_supported",
    "subject_types_supported",
    "id_token_signing_alg_values_supported",
    "claims_supported",
    "token_endpoint_auth_methods_supported",
    "token_endpoint_auth_signing_alg_values_supported",
)


def registration_timeout() -> float:
    """Seconds allowed for each of the two requests to the platform (whole body included)."""
    return float(getattr(settings, "LTI_REGISTRATION_TIMEOUT_SECONDS", 10))


def _url_parts(value: object, what: str) -> tuple[str, str, int, str, SplitResult]:
    """(scheme, host, port, path) of an absolute URL, normalised (lower-case scheme and host,
    explicit default port); https only, unless DEBUG."""
    if not isinstance(value, str) or not value or len(value) > URL_MAX_LENGTH:
        raise RegistrationFailedError(f"The platform's {what} is not a URL.")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise RegistrationFailedError(f"The platform's {what} is not a URL.") from exc
    schemes = {"https", "http"} if settings.DEBUG else {"https"}
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        raise RegistrationFailedError(f"The platform's {what} must be an https URL.")
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise RegistrationFailedError(f"The platform's {what} is not a URL.")
    port = port or (443 if scheme == "https" else 80)
    if not private_platforms_allowed() and outbound.host_is_local(parts.hostname):
        # Whoever holds an invite names the configuration URL, and the configuration names
        # the rest: without this, a probe of the private network or the cloud metadata service.
        raise RegistrationFailedError(f"The platform's {what} is on a private or local network.")
    return scheme, parts.hostname.lower(), port, parts.path, parts


def private_platforms_allowed() -> bool:
    """Dynamic registration of a platform on a private network (an on-premises Moodle beside
    an on-premises Kaushal): LTI_ALLOW_PRIVATE_PLATFORMS, or DEBUG (local test platforms)."""
    return bool(settings.DEBUG or getattr(settings, "LTI_ALLOW_PRIVATE_PLATFORMS", False))


def issuer_matches_configuration_url(*, issuer: object, configuration_url: str) -> bool:
    """LTI Dynamic Registration 1.0, 3.5.1: the issuer and the openid_configuration URL it was
    read from must be on the same origin. Compared exactly (scheme, host and port after
    normalisation), never as string prefixes (``https://lms.example`` is not
    ``https://lms.example.evil.net``, port 809 is not 8091). The configuration's path must lie
    under the issuer's path, segment by segment: OpenID Discovery's ``<issuer>/.well-known/
    openid-configuration`` and Moodle's ``<issuer>/mod/lti/openid-configuration.php`` both do.
    An issuer has no query or fragment (OpenID Connect Core 1.0, 2)."""
    config = _url_parts(configuration_url, "openid_configuration URL")
    claimed = _url_parts(issuer, "issuer")
    if claimed[4].query or claimed[4].fragment or "?" in str(issuer) or "#" in str(issuer):
        return False
    if claimed[:3] != config[:3]:
        return False
    issuer_path = claimed[3].rstrip("/")
    return config[3] == issuer_path or config[3].startswith(issuer_path + "/")


def _json_object_fetch(method: str, url: str, *, what: str, **kwargs) -> dict:
    """A JSON object from the platform, or RegistrationFailedError: no redirects followed, at
    most REGISTRATION_MAX_BYTES read, the whole answer within registration_timeout()."""
    timeout = registration_timeout()
    try:
        with requests.request(
            method, url, timeout=timeout, stream=True, allow_redirects=False, **kwargs
        ) as response:
            if response.status_code != 200 and not (
                method == "POST" and response.status_code == 201
            ):
                raise RegistrationFailedError(
                    f"The platform refused the {what} (HTTP {response.status_code})."
                )
            body = outbound.body_read(response, max_bytes=REGISTRATION_MAX_BYTES, seconds=timeout)
    except outbound.AnswerTooLargeError as exc:
        raise RegistrationFailedError(f"The platform's {what} is too large.") from exc
    except outbound.AnswerTooSlowError as exc:
        raise RegistrationFailedError(f"The platform's {what} took too long.") from exc
    except requests.Timeout as exc:
        raise RegistrationFailedError(f"The platform's {what} took too long.") from exc
    except requests.RequestException as exc:
        raise RegistrationFailedError(
            f"Could not read the platform's {what}: {exc.__class__.__name__}."
        ) from exc
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise RegistrationFailedError(f"The platform's {what} is not JSON.") from exc
    if not isinstance(data, dict):
        raise RegistrationFailedError(f"The platform's {what} is not a JSON object.")
    return data


def _platform_configuration_check(config: dict, *, configuration_url: str) -> None:
    if not isinstance(config.get("issuer"), str) or not config["issuer"]:
        raise RegistrationFailedError("The platform configuration has no issuer.")
    if not issuer_matches_configuration_url(
        issuer=config["issuer"], configuration_url=configuration_url
    ):
        raise RegistrationFailedError("The platform's issuer does not match its configuration URL.")
    for required in (
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "registration_endpoint",
    ):
        if not config.get(required):
            raise RegistrationFailedError(f"The platform configuration has no {required}.")
        _url_parts(config[required], required)
    audience = config.get("authorization_server", "")
    if not isinstance(audience, str) or len(audience) > URL_MAX_LENGTH:
        raise RegistrationFailedError("The platform's authorization_server is not a string.")
    for name in STRING_ARRAYS:
        value = config.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RegistrationFailedError(f"The platform's {name} is not a list of strings.")
    platform_conf = config.get(PLATFORM_CONFIGURATION, {})
    if not isinstance(platform_conf, dict):
        raise RegistrationFailedError("The platform's LTI configuration is not an object.")
    messages = platform_conf.get("messages_supported", [])
    if not isinstance(messages, list) or not all(
        isinstance(m, dict) and isinstance(m.get("type"), str) for m in messages
    ):
        raise RegistrationFailedError("The platform's messages_supported is malformed.")
    if not isinstance(platform_conf.get("product_family_code", ""), str):
        raise RegistrationFailedError("The platform's product_family_code is not a string.")


def _registration_answer_read(answer: dict) -> tuple[str, str | None]:
    """(client_id, deployment_id) from the platform's answer to our registration request."""
    client_id = answer.get("client_id")
    if not isinstance(client_id, str) or not client_id or len(client_id) > 500:
        raise RegistrationFailedError("The platform did not return a client_id.")
    tool_conf = answer.get(TOOL_CONFIGURATION, {})
    if not isinstance(tool_conf, dict):
        raise RegistrationFailedError("The platform's tool configuration is not an object.")
    deployment_id = tool_conf.get("deployment_id")
    if isinstance(deployment_id, int) and not isinstance(deployment_id, bool):
        deployment_id = str(deployment_id)
    if deployment_id is not None and (
        not isinstance(deployment_id, str) or not deployment_id or len(deployment_id) > 255
    ):
        raise RegistrationFailedError("The platform's deployment_id is not a string.")
    redirect_uris = answer.get("redirect_uris", [])
    if not isinstance(redirect_uris, list) or not all(isinstance(u, str) for u in redirect_uris):
        raise RegistrationFailedError("The platform's redirect_uris is not a list of strings.")
    return client_id, deployment_id


def platform_register_dynamically(
    *,
    invite: DynamicRegistrationInvite,
    openid_configuration_url: str,
    registration_token: str,
    urls: dict[str, str],
    domain: str,
) -> PlatformRegistration:
    """Complete a dynamic registration: read the platform's configuration, send ours, save a
    *new* registration. It never changes an existing one: an answer naming an (issuer,
    client_id) we already know is refused, and an administrator edits that registration by
    hand. Every malformed answer is refused before anything is stored."""
    if invite.used_at or invite.expires_at <= timezone.now():
        raise RegistrationFailedError("This registration link was already used or has expired.")
    _url_parts(openid_configuration_url, "openid_configuration URL")
    config = _json_object_fetch(
        "GET",
        openid_configuration_url,
        what="configuration",
        headers={"Accept": "application/json"},
    )
    _platform_configuration_check(config, configuration_url=openid_configuration_url)
    issuer = config["issuer"]
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    answer = _json_object_fetch(
        "POST",
        config["registration_endpoint"],
        what="registration",
        data=json.dumps(tool_configuration(urls=urls, domain=domain)),
        headers=headers,
    )
    client_id, deployment_id = _registration_answer_read(answer)
    platform_conf = config.get(PLATFORM_CONFIGURATION, {})
    try:
        return _registration_create(
            invite=invite,
            issuer=issuer,
            client_id=client_id,
            name=(invite.name or platform_conf.get("product_family_code") or issuer)[:200],
            config=config,
            deployment_id=deployment_id,
        )
    except IntegrityError as exc:  # a concurrent registration of the same client id won
        raise RegistrationFailedError(
            "This platform is already registered with this client id."
        ) from exc


@transaction.atomic
def _registration_create(
    *,
    invite: DynamicRegistrationInvite,
    issuer: str,
    client_id: str,
    name: str,
    config: dict,
    deployment_id: str | None,
) -> PlatformRegistration:
    if PlatformRegistration.objects.filter(issuer=issuer, client_id=client_id).exists():
        logger.warning(
            "LTI dynamic registration refused: %r already has a registration with client id %r",
            issuer[:200],
            client_id[:200],
        )
        raise RegistrationFailedError(
            "This platform is already registered with this client id. Nothing was changed; "
            "an administrator can update the existing registration in the admin."
        )
    registration = PlatformRegistration.objects.create(
        issuer=issuer,
        client_id=client_id,
        name=name,
        auth_login_url=config["authorization_endpoint"],
        auth_token_url=config["token_endpoint"],
        key_set_url=config["jwks_uri"],
        auth_audience=config.get("authorization_server", ""),
        deployment_ids=[deployment_id] if deployment_id else [],
        is_active=True,
    )
    updated = DynamicRegistrationInvite.objects.filter(pk=invite.pk, used_at__isnull=True).update(
        used_at=timezone.now(), registration=registration
    )
    if not updated:
        raise RegistrationFailedError("This registration link was already used.")
    return registration
