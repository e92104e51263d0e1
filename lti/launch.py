"""OIDC login initiation and launch validation, on top of pylti1p3, as strict as the 1EdTech
Security Framework.

pylti1p3 2.0.0 alone accepts a re-posted launch (state stays valid for the same id_token), skips
``azp`` and ``target_link_uri``, accepts a token without ``exp``/``iat``, has no clock-skew leeway,
and keeps using a cached JWKS after the platform rotates its key. ``ToolMessageLaunch.validate``
replaces its pipeline with one that checks all of these; each check has a test in
tests/lti/test_launch_security.py.

Storage is the Django cache (LocMem or Redis), keyed by ``state`` and by launch id, never by the
session cookie alone, so the flow works in an iframe whose third-party cookies are blocked. The
state cookie pylti1p3 sets is ``SameSite=None; Secure``; when the browser sends it back, it must
match, and when it is blocked the server-side state (single use, bound to its nonce) decides.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from urllib.parse import urlsplit

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from jwcrypto.jwk import JWK
from pylti1p3.contrib.django.cookie import DjangoCookieService
from pylti1p3.contrib.django.message_launch import DjangoMessageLaunch
from pylti1p3.contrib.django.oidc_login import DjangoOIDCLogin
from pylti1p3.contrib.django.request import DjangoRequest
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.session import SessionService

from . import outbound
from .tool_conf import DatabaseToolConf

logger = logging.getLogger(__name__)

LTI_VERSION = "1.3.0"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_SETTINGS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
SUPPORTED_MESSAGE_TYPES = {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"}
STATE_TTL = 600  # seconds between login initiation and launch
LAUNCH_TTL = 30 * 60  # how long a launch's data (deep linking, fallback page) can be read


def leeway() -> int:
    """Seconds of clock skew tolerated on exp/iat (platform clocks drift a little)."""
    return int(getattr(settings, "LTI_CLOCK_LEEWAY_SECONDS", 30))


def jwks_cache_seconds() -> int:
    return int(getattr(settings, "LTI_JWKS_CACHE_SECONDS", 3600))


class LaunchRejectedError(Exception):
    """A login or launch we refuse; ``reason`` is shown to the user and logged."""

    def __init__(self, reason: str, status: int = 403):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def _key(kind: str, value: str) -> str:
    return f"lti:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


class CacheSessionService(SessionService):
    """pylti1p3 session service backed by the shared cache instead of the session cookie."""

    def __init__(self, request):
        self._request = request
        self._last_nonce: str | None = None

    def save_nonce(self, nonce: str):
        self._last_nonce = nonce

    def save_state_params(self, state: str, params):
        cache.set(_key("state", state), {**params, "nonce": self._last_nonce}, STATE_TTL)

    def get_state_params(self, state: str):
        return cache.get(_key("state", state))

    def save_launch_data(self, key: str, jwt_body):
        cache.set(_key("launch", key), jwt_body, LAUNCH_TTL)

    def get_launch_data(self, key: str):
        return cache.get(_key("launch", key))

    def check_nonce(self, nonce: str) -> bool:  # pragma: no cover - replaced by validate_nonce
        raise NotImplementedError

    def check_state_is_valid(self, state, id_token_hash) -> bool:  # pragma: no cover
        return False


class ToolCookieService(DjangoCookieService):
    """State cookie that survives in a cross-site iframe where third-party cookies are allowed."""

    def update_response(self, response):
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(
                key,
                data["value"],
                max_age=data["exp"],
                secure=True,
                httponly=True,
                samesite="None",
                path="/",
            )


def launch_data_get(launch_id: str) -> dict | None:
    return cache.get(_key("launch", launch_id))


HANDOFF_SECONDS = 120  # a launch may be continued in a window of its own this soon after it


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def handoff_issue(*, launch_id: str, user_id: int) -> str:
    """A secret that lets the browser of this launch continue it in a window of its own, for
    HANDOFF_SECONDS and once. It travels only in a URL fragment (never sent to a server, so in
    no access log) and then in a POST body; the cache keeps only its digest."""
    secret = secrets.token_urlsafe(32)
    cache.set(
        _key("handoff", launch_id),
        {"digest": _digest(secret), "user_id": user_id, "issued": time.time(), "armed": False},
        HANDOFF_SECONDS,
    )
    return secret


def handoff_arm(*, launch_id: str, next_url: str) -> bool:
    """The framed page after the launch arrived without the session cookie the launch set: the
    browser really lost it, so the hand-off may now be used (and lead to ``next_url``)."""
    record = cache.get(_key("handoff", launch_id))
    if not record:
        return False
    remaining = HANDOFF_SECONDS - (time.time() - record["issued"])
    if remaining <= 0:
        return False
    record.update(armed=True, next=next_url)
    cache.set(_key("handoff", launch_id), record, int(remaining) + 1)
    return True


def handoff_revoke(*, launch_id: str, user_id: int) -> None:
    """The launch's user came back with the cookie: no hand-off is needed, so none is valid."""
    record = cache.get(_key("handoff", launch_id))
    if record and record["user_id"] == user_id:
        cache.delete(_key("handoff", launch_id))


def handoff_check(*, launch_id: str, secret: str) -> dict | None:
    """The hand-off record when ``secret`` is this launch's, armed and fresh; else None."""
    if not launch_id or not secret or len(secret) > 200 or len(launch_id) > 200:
        return None
    record = cache.get(_key("handoff", launch_id))
    if not record or not record.get("armed"):
        return None
    if time.time() - record["issued"] > HANDOFF_SECONDS:
        return None
    if not hmac.compare_digest(record["digest"], _digest(secret)):
        return None
    return record


def handoff_redeem(*, launch_id: str, secret: str) -> dict | None:
    """Like handoff_check, and uses the hand-off up: the first caller wins, across processes."""
    record = handoff_check(launch_id=launch_id, secret=secret)
    if record is None or not cache.add(_key("handoff-used", launch_id), 1, HANDOFF_SECONDS * 2):
        return None
    cache.delete(_key("handoff", launch_id))
    return record


def launch_data_forget(launch_id: str) -> None:
    cache.delete(_key("launch", launch_id))


class ToolOIDCLogin(DjangoOIDCLogin):
    """Login initiation: remembers iss, client id, target_link_uri and nonce against the state."""

    def __init__(self, request, target_link_uri: str):
        django_request = DjangoRequest(request)
        super().__init__(
            django_request,
            DatabaseToolConf(),
            session_service=CacheSessionService(request),
            cookie_service=ToolCookieService(django_request),
        )
        self._target_link_uri = target_link_uri

    def validate_oidc_login(self):
        registration = super().validate_oidc_login()
        self.pass_params_to_launch(
            {
                "iss": registration.get_issuer(),
                "client_id": registration.get_client_id(),
                "target_link_uri": self._target_link_uri,
                "login_deployment_id": self._get_request_param("lti_deployment_id") or "",
            }
        )
        return registration


def oidc_login_redirect(request, *, launch_url: str):
    """Answer a platform's login initiation (GET or POST) with the redirect to its auth URL."""
    params = request.POST if request.method == "POST" else request.GET
    target_link_uri = params.get("target_link_uri", "")
    for name in ("iss", "login_hint", "target_link_uri"):
        if not params.get(name):
            raise LaunchRejectedError(f"The login request has no '{name}'.", status=400)
    if not same_origin(target_link_uri, launch_url):
        raise LaunchRejectedError("target_link_uri does not point to this tool.", status=400)
    login = ToolOIDCLogin(request, target_link_uri)
    try:
        return login.redirect(launch_url)
    except (OIDCException, LtiException) as exc:
        raise LaunchRejectedError(f"Login refused: {exc}") from exc


def same_origin(url: str, other: str) -> bool:
    a, b = urlsplit(url), urlsplit(other)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def jwks_refresh_seconds() -> int:
    """At most one refresh of a platform's JWKS this often: whoever starts a login (anyone)
    could otherwise make us fetch it on every forged launch with an unknown kid."""
    return int(getattr(settings, "LTI_JWKS_REFRESH_SECONDS", 60))


JWKS_MAX_BYTES = 256 * 1024  # a key set of a few RSA keys is a few KB
JWKS_TIMEOUT_SECONDS = 10
ID_TOKEN_MAX_BYTES = 64 * 1024  # launches are a few KB; Django alone would take 2.5 MB


def jwks_fetch(url: str, *, refresh: bool = False) -> dict:
    """The platform's JWKS, cached; ``refresh`` bypasses the cache (unknown kid: key rotation),
    at most once per jwks_refresh_seconds() per key set, else the cached one is returned."""
    cache_key = _key("jwks", url)
    cached = cache.get(cache_key)
    if cached and (
        not refresh or not cache.add(_key("jwks-refresh", url), 1, jwks_refresh_seconds())
    ):
        return cached
    try:
        with requests.get(
            url, timeout=JWKS_TIMEOUT_SECONDS, allow_redirects=False, stream=True
        ) as response:
            if response.status_code != 200:
                raise LaunchRejectedError(
                    f"The platform's key set could not be fetched (HTTP {response.status_code})."
                )
            outbound.body_read(response, max_bytes=JWKS_MAX_BYTES, seconds=JWKS_TIMEOUT_SECONDS)
        keyset = response.json()
    except (outbound.AnswerTooLargeError, outbound.AnswerTooSlowError) as exc:
        raise LaunchRejectedError(f"The platform's key set could not be fetched: {exc}") from exc
    except (requests.RequestException, ValueError) as exc:
        raise LaunchRejectedError(f"The platform's key set could not be fetched: {exc}") from exc
    if not isinstance(keyset, dict) or not isinstance(keyset.get("keys"), list):
        raise LaunchRejectedError("The platform's key set is not a JWKS.")
    cache.set(cache_key, keyset, jwks_cache_seconds())
    return keyset


def _find_key(keyset: dict, kid: str) -> dict | None:
    for key in keyset["keys"]:
        if key.get("kid") == kid and key.get("alg", "RS256") == "RS256":
            return key
    return None


class ToolMessageLaunch(DjangoMessageLaunch):
    """A launch validated by every check of the 1EdTech Security Framework (see module doc)."""

    def __init__(self, request, *, launch_url: str):
        django_request = DjangoRequest(request, post_only=True)
        super().__init__(
            django_request,
            DatabaseToolConf(),
            session_service=CacheSessionService(request),
            cookie_service=ToolCookieService(django_request),
        )
        self._launch_url = launch_url
        self._state_params: dict = {}

    # -- the pipeline --------------------------------------------------------------------------
    def validate(self):
        self._validated = True
        try:
            self.validate_state()
            self.validate_jwt_format()
            self.validate_registration()
            self.validate_jwt_signature()
            self.validate_deployment()
            self.validate_message()
            self.validate_target_link_uri()
            self.validate_nonce()  # last: consumes state and nonce only for a valid message
            self.save_launch_data()
        except LaunchRejectedError:
            self._validated = False
            raise
        except LtiException as exc:
            self._validated = False
            raise LaunchRejectedError(str(exc)) from exc
        return self

    def validate_state(self):
        state = self._get_request_param("state")
        if not state:
            raise LaunchRejectedError("The launch has no state.", status=400)
        params = cache.get(_key("state", state))
        if not params:
            raise LaunchRejectedError("Unknown or expired state: start the launch again.")
        cookie = self._cookie_service.get_cookie(state)
        if cookie is not None and cookie != state:
            raise LaunchRejectedError("The state does not match this browser's login.")
        self._state_params = params
        return self

    def validate_jwt_format(self):
        id_token = self._get_request_param("id_token")
        if not id_token:
            raise LaunchRejectedError("The launch has no id_token.", status=400)
        if len(id_token) > ID_TOKEN_MAX_BYTES:
            raise LaunchRejectedError("The id_token is too large.", status=400)
        super().validate_jwt_format()
        # Valid base64 JSON is not yet a JWT: the checks below read both parts as objects.
        if not all(isinstance(self._jwt.get(part), dict) for part in ("header", "body")):
            raise LaunchRejectedError("The id_token is not a JWT.", status=400)
        return self

    def validate_registration(self):
        body = self._jwt.get("body", {})
        if body.get("iss") != self._state_params.get("iss"):
            raise LaunchRejectedError("The id_token issuer (iss) differs from the login.")
        aud = body.get("aud")
        auds = aud if isinstance(aud, list) else [aud]
        client_id = self._state_params.get("client_id")
        if client_id not in auds:
            raise LaunchRejectedError("The id_token audience (aud) lacks our client id.")
        if len(auds) > 1 and "azp" not in body:
            raise LaunchRejectedError("The id_token has several audiences but no azp.")
        if "azp" in body and body["azp"] != client_id:
            raise LaunchRejectedError("The id_token's azp is not our client id.")
        self._registration = self._tool_config.find_registration_by_params(body["iss"], client_id)
        if not self._registration:
            raise LaunchRejectedError("This platform is not registered.")
        return self

    def get_client_id(self) -> str:
        return self._state_params.get("client_id") or super().get_client_id()

    def get_public_key(self):
        kid = self._jwt.get("header", {}).get("kid")
        if not kid:
            raise LaunchRejectedError("The id_token header has no kid.")
        url = self._registration.get_key_set_url()
        key = _find_key(jwks_fetch(url), kid)
        if key is None:  # the platform may have rotated its key: refresh once
            key = _find_key(jwks_fetch(url, refresh=True), kid)
        if key is None:
            raise LaunchRejectedError(f"The platform has no key with kid {kid!r}.")
        return JWK.from_json(json.dumps(key)).export_to_pem(), "RS256"

    def validate_jwt_signature(self):
        if self._jwt.get("header", {}).get("alg") != "RS256":
            raise LaunchRejectedError("The id_token is not signed with RS256.")
        public_key, _alg = self.get_public_key()
        try:
            jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=["RS256"],
                audience=self.get_client_id(),
                issuer=self._state_params["iss"],
                leeway=leeway(),
                options={"require": ["exp", "iat", "iss", "aud", "nonce"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise LaunchRejectedError("The id_token has expired (exp).") from exc
        except jwt.ImmatureSignatureError as exc:
            raise LaunchRejectedError("The id_token was issued in the future (iat).") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise LaunchRejectedError(f"The id_token has no {exc.claim} claim.") from exc
        except jwt.InvalidSignatureError as exc:
            raise LaunchRejectedError("The id_token's signature is invalid.") from exc
        except jwt.InvalidTokenError as exc:
            raise LaunchRejectedError(f"The id_token is invalid: {exc}") from exc
        return self

    def validate_deployment(self):
        deployment_id = self._jwt["body"].get(CLAIM + "deployment_id")
        if not deployment_id:
            raise LaunchRejectedError("The id_token has no deployment_id.")
        login_deployment = self._state_params.get("login_deployment_id")
        if login_deployment and login_deployment != deployment_id:
            raise LaunchRejectedError("The deployment_id differs from the one given at login.")
        deployment = self._tool_config.find_deployment_by_params(
            self._jwt["body"]["iss"], deployment_id, self.get_client_id()
        )
        if not deployment:
            raise LaunchRejectedError(f"Deployment {deployment_id} is not registered.")
        return self

    def validate_message(self):
        body = self._jwt["body"]
        if body.get(CLAIM + "version") != LTI_VERSION:
            raise LaunchRejectedError("Unsupported LTI version (expected 1.3.0).")
        message_type = body.get(CLAIM + "message_type")
        if message_type not in SUPPORTED_MESSAGE_TYPES:
            raise LaunchRejectedError(f"Unsupported message type {message_type!r}.")
        sub = body.get("sub")
        if not sub:  # LTI 1.3 core 5.3.6: an anonymous launch; there is nobody to teach
            raise LaunchRejectedError(
                "This launch has no user (an anonymous launch): open it from your course "
                "while signed in to the LMS."
            )
        if not isinstance(sub, str) or len(sub) > 255:  # OpenID Connect Core 1.0, 2
            raise LaunchRejectedError(
                "The id_token's sub is not a string of at most 255 characters."
            )
        super().validate_message()
        if message_type == "LtiDeepLinkingRequest":
            self._validate_deep_link_return_url()
        return self

    def _validate_deep_link_return_url(self):
        """Our signed response is posted by the browser to this URL: only to the platform's
        own host (never another site, never a ``javascript:`` URL run on our origin)."""
        settings_claim = self._jwt["body"].get(DL_SETTINGS_CLAIM)
        url = (
            settings_claim.get("deep_link_return_url") if isinstance(settings_claim, dict) else None
        )
        try:
            outbound.service_url_check(url, registration=self.registration_model(), resolve=False)
        except outbound.ServiceAddressRefusedError as exc:
            raise LaunchRejectedError(
                f"The deep linking return address is not the platform's own: {exc}"
            ) from exc

    def validate_target_link_uri(self):
        target = self._jwt["body"].get(CLAIM + "target_link_uri")
        if not target:
            raise LaunchRejectedError("The id_token has no target_link_uri.")
        if target != self._state_params.get("target_link_uri") or not same_origin(
            target, self._launch_url
        ):
            raise LaunchRejectedError("The target_link_uri is not the one that started login.")
        return self

    def validate_nonce(self):
        nonce = self._jwt["body"].get("nonce")
        if not nonce or nonce != self._state_params.get("nonce"):
            raise LaunchRejectedError("The nonce does not match the login.")
        # cache.add is atomic in LocMem and Redis: a second use of a state or nonce fails here,
        # across processes.
        state = self._get_request_param("state")
        if not cache.add(_key("state-used", state), 1, STATE_TTL * 2):
            raise LaunchRejectedError("This launch was already used (replayed state).")
        if not cache.add(_key("nonce-used", nonce), 1, STATE_TTL * 2):
            raise LaunchRejectedError("This launch was already used (replayed nonce).")
        cache.delete(_key("state", state))
        return self

    def save_launch_data(self):
        self._session_service.save_launch_data(self._launch_id, self._jwt["body"])
        return self

    def claims(self) -> dict:
        return self._jwt["body"]

    def registration_model(self):
        return self._registration.model
