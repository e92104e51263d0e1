"""Reads of the LTI tool: registrations, what a launch was about, results on the platform."""

from __future__ import annotations

from . import adapters
from .connector import RESULTS_MEDIA, SCOPE_RESULT_READ, CachedServiceConnector, with_path
from .launch import CLAIM
from .models import LineItem, PlatformRegistration, PlatformUser, ResourceLink


def registration_get(*, issuer: str, client_id: str) -> PlatformRegistration:
    return PlatformRegistration.objects.get(issuer=issuer, client_id=client_id, is_active=True)


def platform_user_for(*, issuer: str, sub: str) -> PlatformUser | None:
    """The local identity a platform user was mapped to at launch (None if never launched)."""
    if not issuer or not sub:
        return None
    return PlatformUser.objects.select_related("user").filter(issuer=issuer, sub=sub).first()


def launch_summary(*, claims: dict) -> dict:
    """What the fallback page shows: who launched what, from where."""
    custom = claims.get(CLAIM + "custom") or {}
    target_type, target_key = custom.get("target_type", ""), custom.get("target_key", "")
    link = (
        ResourceLink.objects.select_related("target")
        .filter(
            registration__issuer=claims.get("iss"),
            resource_link_id=(claims.get(CLAIM + "resource_link") or {}).get("id", ""),
        )
        .first()
    )
    if not target_type and link and link.target:
        target_type, target_key = link.target.target_type, link.target.target_key
    entry = adapters.catalogue_entry(target_type, target_key) if target_type else None
    return {
        "name": claims.get("name") or claims.get("given_name") or claims.get("sub"),
        "target_type": target_type,
        "target_key": target_key,
        "target_title": entry.title if entry else "",
        "context_title": (claims.get(CLAIM + "context") or {}).get("title", ""),
        "link_title": (claims.get(CLAIM + "resource_link") or {}).get("title", ""),
        "roles": claims.get(CLAIM + "roles", []),
    }


def line_item_results(*, resource_link: ResourceLink) -> list[dict]:
    """The platform's results for a link's line item (AGS result service), all pages."""
    line_item = LineItem.objects.get(resource_link=resource_link)
    pages = CachedServiceConnector(resource_link.registration).paged(
        scopes=[SCOPE_RESULT_READ],
        url=with_path(line_item.url, "/results"),
        accept=RESULTS_MEDIA,
    )
    return [result for page in pages for result in (page if isinstance(page, list) else [])]
