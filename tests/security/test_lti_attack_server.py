"""The attacker's script (tests/security/attacker.py) against a real server: gunicorn with the
production settings on a free loopback port, a SQLite file in a temporary folder. A genuine
platform (tests/lti/platform.py) is registered and launches once, so a real hand-off exists to be
replayed. The attacker gets no registration changed, none of its keys trusted, no admin page.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import requests

from tests.lti.platform import TestPlatform

REPO = Path(__file__).resolve().parents[2]
MIGRATE_SECONDS = 600  # all migrations on SQLite: a minute alone, four under a load of 18
READY_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTEST"))}
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{tmp / 'kaushal.sqlite3'}",
        KAUSHAL_VAR_DIR=str(tmp),
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        SECURE_SSL_REDIRECT="0",  # plain http on loopback: no TLS proxy in front here
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    (tmp / "static").mkdir()
    return env


SEED = """
import django, json, sys
django.setup()
from django.core.management import call_command
from datetime import timedelta
from lti import services
from lti.models import PlatformRegistration
call_command("migrate", verbosity=0, interactive=False)
PlatformRegistration.objects.create(name="College Moodle", **json.loads(sys.argv[1]))
print(services.dynamic_registration_invite_create(name="x", valid_for=timedelta(hours=1)).token)
"""


def legitimate_launch(base: str, platform: TestPlatform) -> tuple[str, str]:
    """A genuine launch whose frame lost its cookie; return its (launch id, hand-off secret)
    after the learner's own window used it."""
    login = requests.get(
        f"{base}/lti/login/?{urlencode(platform.login_params())}",
        allow_redirects=False,
        timeout=10,
    )
    assert login.status_code == 302, login.text[:500]
    form = requests.get(login.headers["Location"], timeout=10).text
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    launched = requests.post(
        f"{base}/lti/launch/",
        data={k: unescape(v) for k, v in fields.items()},
        allow_redirects=False,
        timeout=10,
    )
    assert launched.status_code == 302, launched.text[:500]
    url, _, fragment = launched.headers["Location"].partition("#")
    secret = fragment.removeprefix("lti-handoff=")
    launch_id = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    frame = requests.get(f"{base}{url}", allow_redirects=False, timeout=10)  # no cookie
    assert frame.status_code == 200 and 'id="lti-handoff"' in frame.text
    window = requests.post(
        f"{base}/lti/continue/",
        data={"launch": launch_id, "secret": secret},
        allow_redirects=False,
        timeout=10,
    )
    assert window.status_code == 302 and "sessionid" in window.cookies
    return launch_id, secret


def registrations(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as db:
        return db.execute(
            "SELECT issuer, client_id, auth_login_url, key_set_url, auth_token_url, "
            "administrator_role FROM lti_platformregistration ORDER BY id"
        ).fetchall()


@pytest.fixture
def production_server(tmp_path):
    platform = TestPlatform()
    env = server_env(tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    platform.connect_tool(base)
    seed = subprocess.run(
        [sys.executable, "-c", SEED, json.dumps(platform.registration_fields())],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=MIGRATE_SECONDS,
    )
    assert seed.returncode == 0, seed.stderr[-3000:]
    invite = seed.stdout.strip().splitlines()[-1]
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",  # one process: the local-memory cache holds launch state
            "--threads",
            "4",
            "--timeout",
            "60",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + READY_SECONDS
        while True:
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            try:
                if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or still loading
                pass
            assert time.monotonic() < deadline, "gunicorn did not become ready"
            time.sleep(0.2)  # polling for readiness only
        yield base, platform, invite, tmp_path / "kaushal.sqlite3"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        platform.close()


def test_the_attackers_script_gets_nowhere_against_the_production_server(production_server):
    base, platform, invite, db_path = production_server
    before = registrations(db_path)
    launch_id, secret = legitimate_launch(base, platform)

    attack = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.security.attacker",
            base,
            "--invite",
            invite,
            "--victim-issuer",
            platform.issuer,
            "--victim-client-id",
            platform.client_id,
            "--handoff-launch",
            launch_id,
            "--handoff-secret",
            secret,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    results = json.loads(attack.stdout)
    succeeded = [r for r in results if r["succeeded"]]
    assert succeeded == [], json.dumps(results, indent=1)
    assert attack.returncode == 0
    status = {r["attempt"]: r.get("status") for r in results}
    assert status["forged launch"] == 403  # it reached the launch checks and was refused there
    assert status["hand-off replay"] == 403
    assert status["registration takeover"] == 400
    attempts = set(status)
    assert {"registration takeover", "forged launch", "hand-off replay"} <= attempts
    assert {"admin page /admin/", "admin page /django-admin/"} <= attempts
    assert registrations(db_path) == before  # nothing changed, nothing added
    with sqlite3.connect(db_path) as db:
        assert db.execute(
            "SELECT COUNT(*) FROM lti_platformuser WHERE sub = 'attacker'"
        ).fetchone() == (0,)
        invite_used = db.execute(
            "SELECT used_at FROM lti_dynamicregistrationinvite WHERE token = ?", (invite,)
        ).fetchone()
    assert invite_used == (None,)
