"""Writes of the LTI tool: accepting a validated launch (user, roles, batch, resource link),
grades to platforms (AGS), rosters from platforms (NRPS), dynamic registration.

A launch is validated first (lti/launch.py) and only then reaches ``launch_accept``, which makes
all its changes in one transaction.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.roles import Role, user_assign_role

from . import adapters
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

# LIS role (the part after '#', principal role for sub-roles) -> our role and batch role.
ROLE_MAP: dict[str, tuple[Role, str]] = {
    "Learner": (Role.LEARNER, BatchMembership.Role.LEARNER),
    "Instructor": (Role.TRAINER, BatchMembership.Role.TRAINER),
    "ContentDeveloper": (Role.CONTENT_EDITOR, BatchMembership.Role.CONTENT_EDITOR),
    "Administrator": (Role.ADMINISTRATOR, BatchMembership.Role.ADMINISTRATOR),
}
BATCH_ROLE_RANK = ["learner", "trainer", "content_editor", "administrator"]


def lti_roles_map(roles: list[str]) -> list[tuple[Role, str]]:
    """Map LTI role URIs (context, institution or system roles; short names too) to ours."""
    mapped: list[tuple[Role, str]] = []
    for uri in roles or []:
        if not isinstance(uri, str):
            continue
        # ".../membership#Instructor", ".../membership/Instructor#TeachingAssistant", "Learner"
        match = re.search(r"/membership/(\w+)#", uri)
        name = match.group(1) if match else uri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if name in ROLE_MAP and ROLE_MAP[name] not in mapped:
            mapped.append(ROLE_MAP[name])
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
    mapped = lti_roles_map(claims.get(CLAIM + "roles", []))
    for role, _ in mapped:
        user_assign_role(user=user, role=role)

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
        if nrps.get("context_memberships_url") and (
            batch.context_memberships_url != nrps["context_memberships_url"]
        ):
            batch.context_memberships_url = nrps["context_memberships_url"]
            updates.append("context_memberships_url")
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
        resource_link.deployment_id = claims[CLAIM + "deployment_id"]
        resource_link.title = (link_claim.get("title") or "")[:300]
        resource_link.batch = batch or resource_link.batch
        resource_link.target = target or resource_link.target
        resource_link.ags_lineitems_url = ags.get("lineitems", "")
        resource_link.ags_lineitem_url = ags.get("lineitem", "")
        resource_link.ags_scopes = list(ags.get("scope", []))
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
                if item.get("resourceLinkId") == resource_link.resource_link_id:
                    url = item["id"]
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
            url = created["id"]
    else:
        raise ServicePermanentError("The platform gave this link no grade service (AGS).")
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


def score_post_send(*, score_post_id: int) -> bool:
    """Send one score; True when sent now. Raises ServiceTemporaryError to be retried."""
    claimed = ScorePost.objects.filter(
        pk=score_post_id, status__in=[ScorePost.Status.PENDING, ScorePost.Status.FAILED]
    ).update(status=ScorePost.Status.SENDING, tries=F("tries") + 1)
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
                "timestamp": timezone.now().isoformat(timespec="milliseconds"),
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
            status=ScorePost.Status.FAILED, last_error=str(exc)[:2000]
        )
        logger.error("LTI score %s failed permanently: %s", post.pk, exc)
        return False
    ScorePost.objects.filter(pk=post.pk).update(
        status=ScorePost.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def score_post_mark_failed(*, score_post_id: int, error: str) -> None:
    ScorePost.objects.filter(pk=score_post_id).exclude(status=ScorePost.Status.SENT).update(
        status=ScorePost.Status.FAILED, last_error=error[:2000]
    )
    logger.error("LTI score %s failed after retries: %s", score_post_id, error)


def score_post_retry(*, score_post_id: int) -> None:
    """Admin's retry of a failed score: queue it again."""
    updated = ScorePost.objects.filter(pk=score_post_id, status=ScorePost.Status.FAILED).update(
        status=ScorePost.Status.PENDING
    )
    if updated:
        transaction.on_commit(lambda: score_post_enqueue(score_post_id=score_post_id))


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
        mapped = lti_roles_map(member.get("roles", []))
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
                user_assign_role(user=user, role=role)
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
    if not batch.registration or not batch.context_memberships_url:
        raise ServicePermanentError("This batch has no platform roster (NRPS) to sync from.")
    pages = CachedServiceConnector(batch.registration).paged(
        scopes=[SCOPE_NRPS], url=batch.context_memberships_url, accept=NRPS_MEDIA
    )
    members = [m for page in pages for m in page.get("members", [])]
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


def platform_register_dynamically(
    *,
    invite: DynamicRegistrationInvite,
    openid_configuration_url: str,
    registration_token: str,
    urls: dict[str, str],
    domain: str,
) -> PlatformRegistration:
    """Complete a dynamic registration: read the platform's configuration, send ours, save."""
    if invite.used_at or invite.expires_at <= timezone.now():
        raise RegistrationFailedError("This registration link was already used or has expired.")
    try:
        config = requests.get(openid_configuration_url, timeout=15).json()
    except (requests.RequestException, ValueError) as exc:
        raise RegistrationFailedError(f"Could not read the platform configuration: {exc}") from exc
    issuer = config.get("issuer", "")
    if not issuer or not openid_configuration_url.startswith(issuer.rstrip("/")):
        raise RegistrationFailedError("The platform's issuer does not match its configuration URL.")
    for required in (
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "registration_endpoint",
    ):
        if not config.get(required):
            raise RegistrationFailedError(f"The platform configuration has no {required}.")
    headers = {"Content-Type": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    try:
        response = requests.post(
            config["registration_endpoint"],
            json=tool_configuration(urls=urls, domain=domain),
            headers=headers,
            timeout=15,
        )
        response.raise_for_status()
        answer = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise RegistrationFailedError(f"The platform refused the registration: {exc}") from exc
    client_id = answer.get("client_id")
    if not client_id:
        raise RegistrationFailedError("The platform did not return a client_id.")
    tool_conf = answer.get("https://purl.imsglobal.org/spec/lti-tool-configuration") or {}
    deployment_id = tool_conf.get("deployment_id")
    platform_conf = config.get("https://purl.imsglobal.org/spec/lti-platform-configuration") or {}
    with transaction.atomic():
        registration, _ = PlatformRegistration.objects.update_or_create(
            issuer=issuer,
            client_id=client_id,
            defaults={
                "name": invite.name or platform_conf.get("product_family_code", issuer),
                "auth_login_url": config["authorization_endpoint"],
                "auth_token_url": config["token_endpoint"],
                "key_set_url": config["jwks_uri"],
                "auth_audience": config.get("authorization_server", ""),
                "is_active": True,
            },
        )
        if deployment_id and str(deployment_id) not in registration.deployment_ids:
            registration.deployment_ids = [*registration.deployment_ids, str(deployment_id)]
            registration.save(update_fields=["deployment_ids"])
        updated = DynamicRegistrationInvite.objects.filter(
            pk=invite.pk, used_at__isnull=True
        ).update(used_at=timezone.now(), registration=registration)
        if not updated:
            raise RegistrationFailedError("This registration link was already used.")
    return registration
