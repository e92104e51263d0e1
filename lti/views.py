"""LTI endpoints: OIDC login, launch, deep linking picker, JWKS, dynamic registration.

Views stay thin: validation lives in lti/launch.py, writes in lti/services.py. Every page a
platform shows in its iframe is exempt from X-Frame-Options and reads its state from the launch
id in its URL, not from a cookie.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import jwt
from django.contrib.auth import get_user_model, login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem as LtiLineItem

from accounts.languages import lms_language_keep

from . import adapters, selectors, services
from .keys import tool_jwks
from .launch import (
    CLAIM,
    LaunchRejectedError,
    ToolMessageLaunch,
    handoff_arm,
    handoff_check,
    handoff_issue,
    handoff_redeem,
    handoff_revoke,
    launch_data_forget,
    launch_data_get,
    oidc_login_redirect,
)
from .models import DynamicRegistrationInvite, LaunchTarget
from .tool_conf import registration_for

logger = logging.getLogger(__name__)
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
# LMS roles that may place our content in their course (a choice within the LMS, not a right here)
DEEP_LINKING_LIS_ROLES = {"Instructor", "ContentDeveloper", "Administrator"}
GRADED_SCORE_MAXIMUM = 100


def _launch_locale(claims: dict | None) -> object:
    """The launch's ``launch_presentation.locale`` ("hi-IN"), or None; a rogue platform may
    send any shape, and anything but a string is ignored (``language_from_locale``)."""
    presentation = (claims or {}).get(CLAIM + "launch_presentation")
    return presentation.get("locale") if isinstance(presentation, dict) else None


def tool_urls(request: HttpRequest) -> dict[str, str]:
    return {
        "login": request.build_absolute_uri(reverse("lti:login")),
        "launch": request.build_absolute_uri(reverse("lti:launch")),
        "jwks": request.build_absolute_uri(reverse("lti:jwks")),
    }


def _loggable(value: object) -> str:
    """A claim as it may go into a log line: a short repr, so it cannot forge log lines."""
    return repr(value)[:200] if value is not None else "-"


def unverified_claims_of(request: HttpRequest) -> tuple[str, str]:
    """(iss, client id) a refused launch's id_token *claims*, read without verifying it (it was
    refused, perhaps for its signature): for the log only, never for a decision."""
    token = request.POST.get("id_token", "")
    if not token or len(token) > 20_000:
        return "-", "-"
    try:
        body = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return "-", "-"
    if not isinstance(body, dict):
        return "-", "-"
    aud = body.get("aud")
    client_id = body.get("azp") or (aud[0] if isinstance(aud, list) and aud else aud)
    return _loggable(body.get("iss")), _loggable(client_id)


def rejected(request: HttpRequest, exc: LaunchRejectedError, stage: str) -> HttpResponse:
    iss, client_id = unverified_claims_of(request)
    logger.warning(
        "LTI %s rejected (%s): %s [login iss=%s] [unverified id_token iss=%s client_id=%s]",
        stage,
        exc.status,
        exc.reason,
        _loggable(request.POST.get("iss") or request.GET.get("iss")),
        iss,
        client_id,
    )
    return render(
        request, "lti/error.html", {"reason": exc.reason, "stage": stage}, status=exc.status
    )


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request: HttpRequest) -> HttpResponse:
    """Third-party initiated login (GET or POST), answered with a redirect to the platform."""
    try:
        return oidc_login_redirect(request, launch_url=tool_urls(request)["launch"])
    except LaunchRejectedError as exc:
        return rejected(request, exc, "login")


@csrf_exempt
@xframe_options_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """The platform's id_token arrives here; nothing is written unless every check passes."""
    message_launch = ToolMessageLaunch(request, launch_url=tool_urls(request)["launch"])
    try:
        message_launch.validate()
    except LaunchRejectedError as exc:
        return rejected(request, exc, "launch")
    claims = message_launch.claims()
    result = services.launch_accept(registration=message_launch.registration_model(), claims=claims)
    login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
    # The LMS's language for this session, unless the learner has chosen one (accounts.languages)
    lms_language_keep(request, locale=_launch_locale(claims))
    launch_id = message_launch.get_launch_id()
    if claims.get(CLAIM + "message_type") == "LtiDeepLinkingRequest":
        return redirect("lti:deep_link", launch_id=launch_id)
    url = None
    if result.target is not None:
        url = adapters.target_url(result.target.target_type, result.target.target_key)
    if url is None:
        url = reverse("lti:launched", args=[launch_id])
    else:
        url = f"{url}{'&' if '?' in url else '?'}{urlencode({'lti_launch': launch_id})}"
    # The hand-off secret rides in the fragment: the browser keeps it, no server ever logs it,
    # and the page reads it only if our cookie did not come back (open_in_window).
    secret = handoff_issue(launch_id=launch_id, user_id=result.user.pk)
    return redirect(f"{url}#lti-handoff={secret}")


@xframe_options_exempt
@require_GET
def launched(request: HttpRequest, launch_id: str) -> HttpResponse:
    """Our own page for a launch whose target has no product page (yet). Only the launch's own
    signed-in user sees who launched what; anyone else sees nothing personal."""
    claims = launch_data_get(launch_id)
    if not claims:
        return _expired(request)
    identity = selectors.platform_user_for(issuer=claims.get("iss", ""), sub=claims.get("sub", ""))
    if not request.user.is_authenticated:
        return open_in_window(request, launch_id)
    if identity is None or identity.user_id != request.user.pk:
        return _handoff_refused(request)
    handoff_revoke(launch_id=launch_id, user_id=request.user.pk)
    return render(request, "lti/launched.html", selectors.launch_summary(claims=claims))


def open_in_window(request: HttpRequest, launch_id: str) -> HttpResponse:
    """Shown in the LMS's frame when the page after a launch arrives without the session cookie
    the launch set (the browser blocks third-party cookies; see
    ``lti.framing.LaunchWindowMiddleware``): a button continues in a window of its own, posting
    the hand-off secret the page's script reads from its URL fragment. Nothing personal is
    shown: whoever has only the URL (an access log) learns nothing and can do nothing."""
    query = request.GET.copy()
    query.pop("lti_launch", None)
    next_url = request.path + (f"?{query.urlencode()}" if query else "")
    if not handoff_arm(launch_id=launch_id, next_url=next_url):
        return _expired(request)
    return render(request, "lti/open_in_window.html", {"launch_id": launch_id})


def _expired(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "lti/error.html",
        {
            "reason": "This launch has expired; open the link in your course again.",
            "stage": "launch",
        },
        status=404,
    )


def _handoff_refused(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "lti/error.html",
        {
            "reason": "This link can be used once, soon after the launch, from the browser that "
            "launched it. Open the activity in your course again.",
            "stage": "launch",
        },
        status=403,
    )


def _handoff_complete(request: HttpRequest, *, confirmed: bool) -> HttpResponse:
    launch_id = request.POST.get("launch", "")
    secret = request.POST.get("secret", "")
    record = handoff_check(launch_id=launch_id, secret=secret)
    user = None
    if record is not None:
        user = get_user_model().objects.filter(pk=record["user_id"], is_active=True).first()
    if user is None:
        logger.warning("LTI window hand-off refused for launch %s", _loggable(launch_id[:60]))
        return _handoff_refused(request)
    if request.user.is_authenticated and request.user.pk != user.pk and not confirmed:
        # Never switch accounts silently: the person at this browser decides.
        return render(
            request,
            "lti/handoff_confirm.html",
            {"launch_id": launch_id, "secret": secret},
        )
    if handoff_redeem(launch_id=launch_id, secret=secret) is None:
        return _handoff_refused(request)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    lms_language_keep(request, locale=_launch_locale(launch_data_get(launch_id)))
    next_url = record.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("dashboard")
    return redirect(next_url)


# Posted from the LMS's frame into a new window: that first-party window has no CSRF cookie of
# ours yet, so the single-use, two-minute, launch-bound secret in the body is the guard.
@csrf_exempt
@require_POST
def continue_in_window(request: HttpRequest) -> HttpResponse:
    """A launch continued in a window of its own (first-party: our cookies work): signs in the
    launch's user, once, within minutes, and only after the frame showed the cookie was lost."""
    return _handoff_complete(request, confirmed=False)


@csrf_protect
@require_POST
def continue_confirmed(request: HttpRequest) -> HttpResponse:
    """The hand-off, after the person signed in as someone else said to switch accounts."""
    return _handoff_complete(request, confirmed=True)


def _deep_link_claims(launch_id: str) -> dict:
    claims = launch_data_get(launch_id)
    if not claims or claims.get(CLAIM + "message_type") != "LtiDeepLinkingRequest":
        raise LaunchRejectedError("This deep linking session has expired or was already used.", 404)
    if not set(services.lis_role_names(claims.get(CLAIM + "roles", []))) & DEEP_LINKING_LIS_ROLES:
        raise LaunchRejectedError(
            "Only instructors, content developers and administrators may choose content."
        )
    settings = claims.get(DL_SETTINGS) or {}
    if "ltiResourceLink" not in settings.get("accept_types", []):
        raise LaunchRejectedError("The platform does not accept LTI resource links here.", 400)
    return claims


@csrf_exempt  # runs in a cross-site iframe: the launch id, single-use and unguessable, guards it
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def deep_link(request: HttpRequest, launch_id: str) -> HttpResponse:
    """The catalogue an instructor picks from; the choice goes back as ltiResourceLink items."""
    try:
        claims = _deep_link_claims(launch_id)
    except LaunchRejectedError as exc:
        return rejected(request, exc, "deep linking")
    settings = claims[DL_SETTINGS]
    catalogue = {t: adapters.catalogue(t) for t in LaunchTarget.TargetType.values}
    if request.method == "GET":
        return render(
            request,
            "lti/deep_link.html",
            {
                "catalogue": catalogue,
                "launch_id": launch_id,
                "accept_multiple": settings.get("accept_multiple", True) not in (False, "false"),
            },
        )
    chosen = request.POST.getlist("item")
    if not chosen:
        return render(
            request,
            "lti/deep_link.html",
            {
                "catalogue": catalogue,
                "launch_id": launch_id,
                "error": "Choose at least one course, module or assessment.",
            },
            status=400,
        )
    if len(chosen) > 1 and settings.get("accept_multiple", True) in (False, "false"):
        return rejected(
            request, LaunchRejectedError("The platform accepts one item only.", 400), "deep linking"
        )
    resources = []
    for value in chosen:
        target_type, _, target_key = value.partition(":")
        entry = adapters.catalogue_entry(target_type, target_key)
        if entry is None:
            return rejected(
                request, LaunchRejectedError(f"Unknown item {value!r}.", 400), "deep linking"
            )
        resource = (
            DeepLinkResource()
            .set_url(tool_urls(request)["launch"])
            .set_title(entry.title or entry.target_key)
            .set_custom_params({"target_type": entry.target_type, "target_key": entry.target_key})
        )
        if entry.gradable:
            resource.set_lineitem(
                LtiLineItem()
                .set_score_maximum(GRADED_SCORE_MAXIMUM)
                .set_label(entry.title or entry.target_key)
                .set_resource_id(f"{entry.target_type}:{entry.target_key}")
            )
        resources.append(resource)
    registration = selectors.registration_get(issuer=claims["iss"], client_id=_audience(claims))
    deep_link_obj = DeepLink(
        registration_for(registration), claims[CLAIM + "deployment_id"], settings
    )
    message = deep_link_obj.get_message_jwt(resources)
    data_claim = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
    if message.get(data_claim) is None:
        message.pop(data_claim, None)  # pylti1p3 sends null when the platform sent no data
    jwt_value = deep_link_obj.encode_jwt(message)
    launch_data_forget(launch_id)
    return render(
        request,
        "lti/deep_link_return.html",
        {"return_url": settings["deep_link_return_url"], "jwt": jwt_value, "count": len(resources)},
    )


def _audience(claims: dict) -> str:
    aud = claims["aud"]
    if isinstance(aud, list):
        return claims.get("azp") or aud[0]
    return aud


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """Our public keys (current, next, and retiring during their grace period)."""
    response = JsonResponse(tool_jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def configuration(request: HttpRequest) -> JsonResponse:
    """The URLs an administrator enters when registering the tool by hand."""
    urls = tool_urls(request)
    return JsonResponse(
        {
            "tool_url": urls["launch"],
            "initiate_login_url": urls["login"],
            "redirection_uris": [urls["launch"]],
            "deep_linking_url": urls["launch"],
            "public_keyset_url": urls["jwks"],
            "tool_configuration": services.tool_configuration(urls=urls, domain=request.get_host()),
        }
    )


@xframe_options_exempt
@require_GET
def dynamic_registration(request: HttpRequest, token: str) -> HttpResponse:
    """LTI Dynamic Registration: the platform opens this with openid_configuration."""
    invite = DynamicRegistrationInvite.objects.filter(token=token).first()
    openid_configuration = request.GET.get("openid_configuration", "")
    if invite is None or not openid_configuration:
        return render(
            request,
            "lti/error.html",
            {
                "reason": "Unknown registration link, or no openid_configuration was sent.",
                "stage": "registration",
            },
            status=400 if invite else 404,
        )
    try:
        registration = services.platform_register_dynamically(
            invite=invite,
            openid_configuration_url=openid_configuration,
            registration_token=request.GET.get("registration_token", ""),
            urls=tool_urls(request),
            domain=request.get_host(),
        )
    except services.RegistrationFailedError as exc:
        logger.warning("LTI dynamic registration failed: %s", exc)
        return render(
            request, "lti/error.html", {"reason": str(exc), "stage": "registration"}, status=400
        )
    return render(request, "lti/registered.html", {"registration": registration})
