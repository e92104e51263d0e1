"""A test LTI 1.3 platform, built on the ``lti1p3platform`` package (not written here), served
over real HTTP on 127.0.0.1 by a threaded ``http.server``.

It has its own RSA keys and JWKS, answers the OIDC flow (lti1p3platform's OIDC login builds the
login initiation, its MessageLaunch validates our auth request and signs the id_token), issues
access tokens (lti1p3platform checks our signed client assertion against our JWKS), and serves
AGS line items/scores/results and NRPS memberships through lti1p3platform's service classes.

Hooks let a test break one thing at a time: ``mutate_claims`` edits the id_token payload before it
is signed, ``sign_with`` signs with a key the platform does not publish, ``fail_next`` makes an
endpoint answer 503 for the next N calls.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
import typing as t
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK
from lti1p3platform.exceptions import LineItemNotFoundException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
)

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
ROLES = {
    "learner": LIS + "membership#Learner",
    "instructor": LIS + "membership#Instructor",
    "content_developer": LIS + "membership#ContentDeveloper",
    "administrator": LIS + "institution/person#Administrator",
}


_POOL: list[KeyPair] = []


@dataclass
class KeyPair:
    kid: str
    private_pem: str
    public_pem: str

    @classmethod
    def generate(cls) -> KeyPair:
        """A key pair from a small per-process pool (RSA generation dominates test time); the
        pool cycles through 8 distinct keys, more than any one test uses."""
        if len(_POOL) < 8:
            _POOL.append(cls.fresh())
            return _POOL[-1]
        _POOL.append(_POOL.pop(0))
        return _POOL[-1]

    @classmethod
    def fresh(cls) -> KeyPair:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public_pem = (
            private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        return cls(kid=uuid.uuid4().hex[:12], private_pem=private_pem, public_pem=public_pem)

    def jwk(self) -> dict:
        jwk = json.loads(JWK.from_pem(self.public_pem.encode()).export_public())
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return jwk


@dataclass
class LaunchSpec:
    """What the platform will launch for a given lti_message_hint."""

    sub: str = "user-1"
    roles: tuple[str, ...] = ("learner",)
    name: str = "Asha Verma"
    email: str = "asha@example.org"
    message_type: str = "LtiResourceLinkRequest"
    resource_link_id: str = "rl-1"
    resource_link_title: str = "Week 1"
    context_id: str = "course-42"
    context_title: str = "Solar PV Installer, batch A"
    custom: dict = field(default_factory=dict)
    deployment_id: str | None = None
    with_ags: bool = True
    lineitem: str | None = None  # a fixed line item URL (platform-created column)
    deep_link_data: dict | None = field(default_factory=lambda: {"opaque": "x1"})
    accept_multiple: bool = True  # lti1p3platform always sends True; False is set after it
    # The launch_presentation claim as sent (e.g. {"locale": "hi-IN"}); None: not sent
    launch_presentation: object = None


class PlainRequest(Request):
    def build_metadata(self, request: dict) -> dict:
        return request


class PlatformRegistration(Registration):
    """lti1p3platform Registration whose tokens carry a kid and go through the test's hooks."""

    def __init__(self, platform: TestPlatform):
        self.platform = platform

    def get_kid(self):
        return self.platform.signing_key.kid

    def platform_encode_and_sign(self, payload, expiration=None):
        now = int(time.time())
        if expiration:
            payload.update({"iat": now, "exp": now + expiration})
        payload = self.platform.mutate_claims(dict(payload))
        key = self.platform.sign_with or self.platform.signing_key
        headers = {"kid": self.platform.header_kid or key.kid}
        return jwt.encode(payload, key.private_pem, algorithm="RS256", headers=headers)


class PlatformConfig(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, platform: TestPlatform, **kwargs):
        self.platform = platform

    def get_registration_by_params(self, **kwargs):
        p = self.platform
        reg = PlatformRegistration(p)
        (
            reg.set_iss(p.issuer)
            .set_client_id(p.client_id)
            .set_deployment_id(p.deployment_id)
            .set_launch_url(p.tool["launch"])
            .set_deeplink_launch_url(p.tool["launch"])
            .set_oidc_login_url(p.tool["login"])
            .set_platform_public_key(p.signing_key.public_pem)
            .set_platform_private_key(p.signing_key.private_pem)
        )
        if p.tool.get("jwks", "").startswith("http"):
            reg.set_tool_key_set_url(p.tool["jwks"])
        else:
            reg.set_tool_key_set(p.tool_key_set())
        return reg


class PlatformOIDCLogin(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url):
        return url


class PlatformLaunch(LTIAdvantageMessageLaunchAbstract):
    def prepare_launch(self, preflight_response):
        # A real platform only posts to a redirect URI registered for the tool.
        if (
            preflight_response.get("redirect_uri")
            not in self._platform_config.platform.redirect_uris
        ):
            raise ValueError("redirect_uri not registered")

    def render_launch_form(self, launch_data, **kwargs):
        return (
            '<!DOCTYPE html><html><body><form id="f" method="post" action="{a}">'
            '<input type="hidden" name="id_token" value="{i}">'
            '<input type="hidden" name="state" value="{s}"></form>'
            '<script>document.getElementById("f").submit()</script></body></html>'
        ).format(
            a=html.escape(launch_data["launch_url"]),
            i=html.escape(launch_data["id_token"]),
            s=html.escape(launch_data["state"]),
        )


class PlatformAgs(AssignmentsGradesService):
    def __init__(self, request, config, platform: TestPlatform, context_id: str):
        base = f"{platform.url}/ags/{context_id}/lineitems"
        super().__init__(request, config, base)
        self.platform = platform
        self.context_id = context_id

    def find_lineitems(
        self,
        page=1,
        limit=None,
        line_item_id=None,
        resource_link_id=None,
        resource_id=None,
        tag=None,
    ):
        items = [
            i
            for i in self.platform.line_items.values()
            if (resource_link_id is None or i.get("resourceLinkId") == resource_link_id)
        ]
        return {"content": items, "has_next": False, "next": None}

    def find_lineitem(self, line_item_id):
        item = self.platform.line_items.get(line_item_id)
        if item is None:
            raise LineItemNotFoundException()
        return item

    def create_lineitem(self, creation_data):
        n = str(len(self.platform.line_items) + 1)
        item = {**creation_data, "id": f"{self.ags.lineitems_url}/{n}"}
        self.platform.line_items[n] = item
        return item

    def update_lineitem(self, update_data):  # pragma: no cover - not used by the tool
        raise LineItemNotFoundException()

    def delete_lineitem(self, line_item_id):  # pragma: no cover - not used by the tool
        raise LineItemNotFoundException()

    def update_score(self, line_item_id, score):
        if line_item_id not in self.platform.line_items:
            raise LineItemNotFoundException()
        self.platform.scores.append({"line_item": line_item_id, **score})
        return UpdateScoreStatus.SUCCESS

    def get_results(self, line_item_id, page=1, limit=None, user_id=None):
        if line_item_id not in self.platform.line_items:
            raise LineItemNotFoundException()
        latest: dict[str, dict] = {}
        for score in self.platform.scores:
            if score["line_item"] == line_item_id:
                latest[score["userId"]] = score
        content = [
            {
                "id": f"{self.ags.lineitems_url}/{line_item_id}/results/{uid}",
                "scoreOf": f"{self.ags.lineitems_url}/{line_item_id}",
                "userId": uid,
                "resultScore": s["scoreGiven"],
                "resultMaximum": s["scoreMaximum"],
            }
            for uid, s in latest.items()
        ]
        return {"content": content, "has_next": False, "next": None}


class PlatformNrps(NamesRoleProvisioningService):
    def __init__(self, request, config, platform: TestPlatform, context_id: str):
        # Mixed case on purpose: a next-page URL must be followed exactly as given.
        super().__init__(request, config, f"{platform.url}/NRPS/{context_id}/Memberships")
        self.platform = platform
        self.context_id = context_id

    def get_member_data_page(self, page=1, limit=None, role=None, since=None, **kwargs):
        members = self.platform.members
        if not limit:
            return {"content": members, "has_next": False, "next": None}
        start = (page - 1) * limit
        return {
            "content": members[start : start + limit],
            "has_next": start + limit < len(members),
            "next": None,
        }

    def get_context_by_id(self):
        return Context(id=self.context_id, label="PV-A", title="Solar PV Installer, batch A")


class TestPlatform:
    __test__ = False  # not a pytest test class

    def __init__(self, *, client_id: str = "kaushal-client", deployment_id: str = "dep-1"):
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.keys = [KeyPair.generate()]
        self.signing_key = self.keys[0]
        self.sign_with: KeyPair | None = None
        self.header_kid: str | None = None
        self.mutate_claims: t.Callable[[dict], dict] = lambda claims: claims
        self.tool: dict[str, str] = {}
        self.tool_keys: dict | None = None
        self.redirect_uris: list[str] = []
        self.launches: dict[str, LaunchSpec] = {}
        self.line_items: dict[str, dict] = {}
        self.scores: list[dict] = []
        self.members: list[dict] = []
        self.fail_next: dict[str, int] = {}
        # fault(method, path) -> None (answer normally), "fail" (503), "drop" (do the work, then
        # close the connection unanswered: an answer that comes too late), or (status, headers,
        # body) to answer instead.
        self.fault: t.Callable[[str, str], object] = lambda method, path: None
        self.calls: list[tuple[str, str]] = []
        self.jwks_fetches = 0
        self.registrations: list[dict] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.issuer = self.url
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    # -- configuration by tests ------------------------------------------------------------------
    def connect_tool(self, base_url: str, *, tool_key_set: t.Callable[[], dict] | None = None):
        """Point the platform at the tool (its URLs under ``base_url``)."""
        self.tool = {
            "login": f"{base_url}/lti/login/",
            "launch": f"{base_url}/lti/launch/",
            "jwks": f"{base_url}/lti/jwks/" if tool_key_set is None else "",
        }
        self._tool_key_set = tool_key_set
        self.redirect_uris = [self.tool["launch"]]

    def tool_key_set(self) -> dict:
        return self._tool_key_set()

    def registration_fields(self) -> dict:
        return {
            "issuer": self.issuer,
            "client_id": self.client_id,
            "auth_login_url": f"{self.url}/auth",
            "auth_token_url": f"{self.url}/token",
            "key_set_url": f"{self.url}/jwks",
            "deployment_ids": [self.deployment_id],
        }

    def rotate_key(self, *, keep_old: bool = False) -> KeyPair:
        new = KeyPair.generate()
        self.keys = [*self.keys, new] if keep_old else [new]
        self.signing_key = new
        return new

    def login_params(self, spec: LaunchSpec | None = None, **overrides) -> dict:
        """Third-party initiated login parameters, built by lti1p3platform's OIDC login."""
        spec = spec or LaunchSpec()
        hint = uuid.uuid4().hex
        self.launches[hint] = spec
        config = PlatformConfig(platform=self)
        login = PlatformOIDCLogin(PlainRequest({}), config)
        if spec.deployment_id:
            config.get_registration().set_deployment_id(spec.deployment_id)
        login.set_lti_message_hint(hint=hint)
        if spec.message_type == "LtiDeepLinkingRequest":
            login.set_deeplinking_launch_url()
        url = login.initiate_login(spec.sub)
        params = dict(parse_qsl(urlsplit(url).query))
        params.update(overrides)
        return params

    # -- endpoints -------------------------------------------------------------------------------
    def authorize(self, query: dict) -> tuple[int, dict, str]:
        """OIDC authorization endpoint: checks our auth request and returns the launch form."""
        if query.get("scope") != "openid" or query.get("response_type") != "id_token":
            return 400, {}, "bad auth request"
        if query.get("response_mode") != "form_post" or query.get("prompt") != "none":
            return 400, {}, "bad auth request"
        spec = self.launches.get(query.get("lti_message_hint", ""))
        if spec is None or query.get("login_hint") != spec.sub:
            return 400, {}, "unknown message hint"
        config = PlatformConfig(platform=self)
        registration = config.get_registration()
        if spec.deployment_id:
            registration.set_deployment_id(spec.deployment_id)
        launch = PlatformLaunch(PlainRequest({"get_data": query, "form_data": {}}), config)
        launch.set_user_data(
            spec.sub, [ROLES.get(r, r) for r in spec.roles], spec.name or None, spec.email or None
        )
        launch.set_launch_context_claim(
            spec.context_id,
            context_types=[LIS.replace("vocab/lis/v2/", "vocab/lis/v2/course#") + "CourseOffering"],
            context_title=spec.context_title,
        )
        if spec.custom:
            launch.set_custom_parameters_claim(spec.custom)
        if spec.message_type == "LtiDeepLinkingRequest":
            launch.set_dl(
                f"{self.url}/deep_link_return",
                title="Pick content",
                accept_types={"ltiResourceLink"},
                extra_data=spec.deep_link_data,
            )
            if not spec.accept_multiple:
                settings_claim = next(iter(launch._deep_linking_launch_data.values()))
                settings_claim["accept_multiple"] = False
        else:
            launch.set_resource_link_claim(spec.resource_link_id, title=spec.resource_link_title)
            if spec.message_type != "LtiResourceLinkRequest":
                launch.set_extra_claims(
                    {"https://purl.imsglobal.org/spec/lti/claim/message_type": spec.message_type}
                )
        if spec.launch_presentation is not None:
            claim = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
            launch.set_extra_claims({claim: spec.launch_presentation})
        if spec.with_ags:
            launch.set_ags(f"{self.url}/ags/{spec.context_id}/lineitems", spec.lineitem)
        launch.set_nrps(f"{self.url}/NRPS/{spec.context_id}/Memberships")
        try:
            return 200, {"Content-Type": "text/html"}, launch.lti_launch()
        except Exception as exc:  # noqa: BLE001 - the platform refuses a bad auth request
            return 400, {}, f"refused: {exc!r}"

    def token(self, form: dict) -> tuple[int, dict, str]:
        config = PlatformConfig(platform=self)
        config.get_registration()
        try:
            answer = config.get_access_token(form)
        except Exception as exc:  # noqa: BLE001 - invalid client assertion
            return 400, {}, json.dumps({"error": "invalid_client", "detail": repr(exc)})
        return 200, {"Content-Type": "application/json"}, json.dumps(answer)

    def service(self, method: str, path: str, query: dict, headers, body: bytes):
        config = PlatformConfig(platform=self)
        config.get_registration()
        json_body = json.loads(body) if body else None
        request = PlainRequest(
            {
                "method": method,
                "get_data": query,
                "form_data": {},
                "headers": headers,
                "json": json_body,
                "path": path,
            }
        )
        if match := re.fullmatch(
            r"/ags/([^/]+)/lineitems(?:/([^/]+))?(?:/(scores|results))?", path
        ):
            ags = PlatformAgs(request, config, self, match.group(1))
            line_item, sub = match.group(2), match.group(3)
            if line_item is None:
                resp = ags.handle_resp(
                    ags.handle_create_lineitem if method == "POST" else ags.handle_get_lineitems
                )
            elif sub == "scores":
                resp = ags.handle_resp(ags.handle_update_score, line_item_id=line_item)
            elif sub == "results":
                resp = ags.handle_resp(ags.handle_get_results, line_item_id=line_item)
            else:
                resp = ags.handle_resp(ags.handle_get_lineitem, line_item_id=line_item)
        elif match := re.fullmatch(r"/NRPS/([^/]+)/Memberships", path):
            nrps = PlatformNrps(request, config, self, match.group(1))
            resp = nrps.handle_resp(nrps.handle_get_members)
        else:
            return 404, {}, "not found"
        out_headers = {"Content-Type": resp.media_type}
        if resp.code >= 300:
            return resp.code, out_headers, json.dumps({"error": resp.message})
        result = resp.result
        has_content = isinstance(result, dict) and "content" in result
        data = result["content"] if has_content else result
        if isinstance(result, dict) and result.get("next"):
            out_headers["Link"] = f"<{result['next']}>; rel=next"
            if isinstance(data, dict):
                data = {k: v for k, v in data.items() if k != "next"}
        return resp.code, out_headers, json.dumps(data) if data is not None else ""

    def deep_link_items(self, jwt_value: str) -> list[dict]:
        """Validate a deep linking response as the platform does and return its items."""
        config = PlatformConfig(platform=self)
        config.get_registration()
        return config.validate_deeplinking_resp({"JWT": jwt_value})

    def openid_configuration(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.url}/auth",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "registration_endpoint": f"{self.url}/register",
            "authorization_server": f"{self.url}/token",
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "testplatform",
                "version": "1.0",
                "messages_supported": [
                    {"type": "LtiResourceLinkRequest"},
                    {"type": "LtiDeepLinkingRequest"},
                ],
            },
        }

    def register(self, headers, body: bytes) -> tuple[int, dict, str]:
        if headers.get("Authorization") != "Bearer reg-token-1":
            return 401, {}, "bad registration token"
        request = json.loads(body)
        self.registrations.append(request)
        answer = {
            **request,
            "client_id": self.client_id,
            "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                **request["https://purl.imsglobal.org/spec/lti-tool-configuration"],
                "deployment_id": self.deployment_id,
            },
        }
        self.tool = {
            "login": request["initiate_login_uri"],
            "launch": request["redirect_uris"][0],
            "jwks": request["jwks_uri"],
        }
        self.redirect_uris = request["redirect_uris"]
        return 200, {"Content-Type": "application/json"}, json.dumps(answer)

    # -- HTTP plumbing ---------------------------------------------------------------------------
    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _answer(self, status: int, headers: dict, body: str):
                data = body.encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _route(self, method: str):
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query))
                for name in ("page", "limit"):
                    if name in query:
                        query[name] = int(query[name])
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = parts.path
                platform.calls.append((method, path))
                endpoint = path.split("/")[1] if "/" in path else path
                if platform.fail_next.get(endpoint, 0) > 0:
                    platform.fail_next[endpoint] -= 1
                    return self._answer(503, {}, "temporarily unavailable")
                fault = platform.fault(method, path)
                if fault == "fail":
                    return self._answer(503, {}, "temporarily unavailable")
                if fault == "drop":
                    platform.service(method, path, query, self.headers, body)
                    self.close_connection = True
                    return None
                if isinstance(fault, tuple):
                    return self._answer(*fault)
                if path == "/jwks":
                    platform.jwks_fetches += 1
                    keys = {"keys": [k.jwk() for k in platform.keys]}
                    return self._answer(200, {"Content-Type": "application/json"}, json.dumps(keys))
                if path == "/auth":
                    data = query if method == "GET" else dict(parse_qsl(body.decode()))
                    return self._answer(*platform.authorize(data))
                if path == "/token" and method == "POST":
                    return self._answer(*platform.token(dict(parse_qsl(body.decode()))))
                if path == "/.well-known/openid-configuration":
                    return self._answer(
                        200,
                        {"Content-Type": "application/json"},
                        json.dumps(platform.openid_configuration()),
                    )
                if path == "/register" and method == "POST":
                    return self._answer(*platform.register(self.headers, body))
                if path == "/deep_link_return" and method == "POST":
                    platform.deep_link_returns.append(dict(parse_qsl(body.decode())))
                    return self._answer(
                        200, {"Content-Type": "text/html"}, "<p id='dl-done'>Content added</p>"
                    )
                if path.startswith("/frame"):
                    src = html.escape(platform.frame_src)
                    return self._answer(
                        200,
                        {"Content-Type": "text/html"},
                        f'<iframe id="tool" src="{src}" width="800" height="600"></iframe>',
                    )
                return self._answer(*platform.service(method, path, query, self.headers, body))

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

        self.deep_link_returns: list[dict] = []
        self.frame_src = ""
        return Handler

    def login_url(self, spec: LaunchSpec | None = None) -> str:
        return f"{self.tool['login']}?{urlencode(self.login_params(spec))}"

    def close(self):
        self._server.shutdown()
        self._server.server_close()
