"""Calls to a platform's LTI services (AGS, NRPS): pylti1p3's ServiceConnector with access tokens
cached in the shared cache until they expire, a 401 answered by one fresh token, errors sorted
into temporary (retry) and permanent, and paging that follows any ``Link: <...>; rel=next``.
"""

from __future__ import annotations

import hashlib
import logging
import re

import requests
from django.conf import settings
from django.core.cache import cache
from pylti1p3.exception import LtiServiceException
from pylti1p3.service_connector import ServiceConnector

from . import outbound
from .models import PlatformRegistration
from .tool_conf import registration_for

logger = logging.getLogger(__name__)

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READ = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_RESULT_READ = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
LINEITEM_MEDIA = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_MEDIA = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE_MEDIA = "application/vnd.ims.lis.v1.score+json"
RESULTS_MEDIA = "application/vnd.ims.lis.v2.resultcontainer+json"


class ServiceTemporaryError(Exception):
    """A platform call that may succeed later (network, 5xx, 429)."""


class ServicePermanentError(Exception):
    """A platform call that will not succeed by retrying (4xx other than 401/429)."""


def _next_link(link_header: str) -> str | None:
    # Both `<url>; rel="next"` and `<url>; rel=next`, URL case kept (pylti1p3 lowercases it and
    # requires the quotes).
    for part in link_header.split(","):
        match = re.match(r"\s*<([^>]+)>\s*;(.*)", part)
        if match and re.search(r'rel\s*=\s*"?next"?', match.group(2), re.IGNORECASE):
            return match.group(1)
    return None


def service_timeout() -> float:
    """Seconds for each call to a platform (connect, each read, and the whole answer)."""
    return float(getattr(settings, "LTI_SERVICE_TIMEOUT_SECONDS", 15))


def service_max_bytes() -> int:
    """The largest answer read from a platform: a roster page of thousands of members fits."""
    return int(getattr(settings, "LTI_SERVICE_MAX_BYTES", 16 * 1024 * 1024))


def service_max_pages() -> int:
    return int(getattr(settings, "LTI_SERVICE_MAX_PAGES", 200))


class CachedServiceConnector(ServiceConnector):
    """Access tokens cached in the shared cache until just before they expire. Every call
    (token endpoint included) has a timeout, a size limit and a deadline for its whole answer,
    and follows no redirect: a redirect could lead the bearer token's request, or the worker,
    anywhere (requests would drop the Authorization header only on a change of host)."""

    def __init__(self, registration: PlatformRegistration):
        super().__init__(registration_for(registration))
        self._model = registration
        self._requests_session.request = self._guarded(self._requests_session.request)

    @staticmethod
    def _guarded(request):
        def wrapped(method, url, **kwargs):
            timeout = service_timeout()
            kwargs["timeout"] = timeout
            kwargs["allow_redirects"] = False
            kwargs["stream"] = True
            response = request(method, url, **kwargs)
            try:
                if 300 <= response.status_code < 400:
                    location = response.headers.get("Location", "")
                    raise ServicePermanentError(
                        f"{url} answered with a redirect (HTTP {response.status_code}) to "
                        f"{location[:200]!r}: not followed"
                    )
                outbound.body_read(response, max_bytes=service_max_bytes(), seconds=timeout)
            except outbound.AnswerTooLargeError as exc:
                raise ServicePermanentError(f"{url}: {exc}") from exc
            except outbound.AnswerTooSlowError as exc:
                raise ServiceTemporaryError(f"{url}: {exc}") from exc
            finally:
                response.close()
            return response

        return wrapped

    def _token_key(self, scopes) -> str:
        # Keyed by our signing key too: after a key switch, the next token request is signed with
        # the new key rather than riding on a token the old key obtained.
        raw = "|".join([self._model.issuer, self._model.client_id, *sorted(scopes)])
        digest = hashlib.sha256(raw.encode()).hexdigest()[:24]
        return f"lti:token:{self._registration.get_kid()}:{digest}"

    def get_access_token(self, scopes) -> str:
        key = self._token_key(scopes)
        token = cache.get(key)
        if token:
            return token
        self._access_tokens = {}
        post = self._requests_session.post
        captured = {}

        def capture(url, **kwargs):
            response = post(url, **kwargs)
            captured["response"] = response
            return response

        self._requests_session.post = capture
        try:
            token = super().get_access_token(scopes)
        except requests.RequestException as exc:
            raise ServiceTemporaryError(f"token endpoint unreachable: {exc}") from exc
        except LtiServiceException as exc:
            response = captured.get("response")
            status = getattr(response, "status_code", 0)
            text = getattr(response, "text", "")[:300]
            if status >= 500 or status == 429:
                raise ServiceTemporaryError(f"token endpoint said {status}: {text}") from exc
            # 400 invalid_client / 401: our client id or signed assertion is not accepted.
            # Retrying cannot help until an administrator fixes the registration.
            raise ServicePermanentError(
                f"the platform refused the tool's credentials: token endpoint said {status}: {text}"
            ) from exc
        finally:
            self._requests_session.post = post
        expires_in = int(captured["response"].json().get("expires_in", 3600))
        cache.set(key, token, max(expires_in - 60, 1))
        return token

    def request(
        self,
        *,
        scopes,
        url,
        method="GET",
        json_body=None,
        accept="application/json",
        content_type="application/json",
    ) -> requests.Response:
        """One authenticated call; a 401 drops the cached token and tries once more. An
        address that is not the platform's own gets nothing, not even a token request."""
        try:
            outbound.service_url_check(url, registration=self._model)
        except outbound.ServiceAddressRefusedError as exc:
            logger.warning(
                "LTI service call refused for registration %s (%s): %s",
                self._model.pk,
                self._model.issuer[:200],
                exc,
            )
            raise ServicePermanentError(str(exc)) from exc
        for attempt in (1, 2):
            token = self.get_access_token(scopes)
            headers = {"Authorization": f"Bearer {token}", "Accept": accept}
            if json_body is not None:
                headers["Content-Type"] = content_type
            try:
                response = self._requests_session.request(
                    method, url, json=json_body, headers=headers
                )
            except requests.RequestException as exc:
                raise ServiceTemporaryError(f"{url} unreachable: {exc}") from exc
            if response.status_code == 401 and attempt == 1:
                cache.delete(self._token_key(scopes))
                continue
            if response.status_code >= 500 or response.status_code == 429:
                raise ServiceTemporaryError(f"{url} said {response.status_code}")
            if not response.ok:
                raise ServicePermanentError(
                    f"{url} said {response.status_code}: {response.text[:300]}"
                )
            return response
        raise ServicePermanentError(f"{url} refused our access token")  # pragma: no cover

    def paged(self, *, scopes, url, accept) -> list[dict]:
        """Every page of a paged GET, following ``Link: <...>; rel="next"``."""
        pages: list = []
        seen: set[str] = set()
        total = 0
        while url and url not in seen:
            if len(seen) >= service_max_pages() or total > 4 * service_max_bytes():
                raise ServicePermanentError(
                    f"{url}: the platform's answer goes on for more than {len(seen)} pages"
                )
            seen.add(url)
            response = self.request(scopes=scopes, url=url, accept=accept)
            total += len(response.content)
            try:
                pages.append(response.json())
            except ValueError as exc:
                raise ServicePermanentError(f"{url} did not answer JSON") from exc
            url = _next_link(response.headers.get("Link", ""))
        return pages


def with_path(url: str, suffix: str) -> str:
    """A line item URL with ``/scores`` or ``/results`` appended before its query string."""
    base, _, query = url.partition("?")
    return base.rstrip("/") + suffix + (f"?{query}" if query else "")
