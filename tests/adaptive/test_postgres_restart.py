"""PostgreSQL restarted during a sitting (issue #15), for real: a private cluster
(``tests/postgres_cluster.py``), gunicorn with the production settings on it, a candidate's
browser over HTTP. An answer is held inside its transaction (its response row written, not yet
committed) while the server is stopped; that answer and every request during the outage get a
clean 503 page that says to try again, nothing half-written survives, and once the server is
back (no restart of the web process) the candidate resumes at the same question, with the clock
as it was, and every acknowledged answer is stored exactly once to the end of the sitting.

Needs PostgreSQL's initdb and pg_ctl (marker ``postgres_cluster``: not collected, and named in
the summary as not applicable, where they are absent; required with KAUSHAL_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import threading
import time
from datetime import datetime
from http.cookies import SimpleCookie

import httpx
import psycopg
import pytest

from tests.conftest import REPO
from tests.postgres_cluster import PrivateCluster, free_port

pytestmark = pytest.mark.postgres_cluster

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ON_SCREEN = re.compile(r'name="item_version" value="(\d+)"')
SECONDS = re.compile(r'data-seconds="(\d+)"')
ANSWER_INPUT = re.compile(
    r'<input type="(radio|checkbox|text)"[^>]*? name="answer"(?:[^>]*? value="([^"]*)")?'
)
HOLD_LOCK = 15_000_015  # the advisory lock the trigger below waits on
SETUP_SECONDS = 600


class Browser:
    """One candidate's browser, keeping the production ``Secure`` cookies itself (the server
    speaks plain http here; ``X-Forwarded-Proto`` says https as the proxy in front would)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.client = httpx.Client(base_url=base, timeout=60.0, follow_redirects=False)

    def request(self, method: str, path: str, data: dict | None = None) -> httpx.Response:
        headers = {"X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Origin"] = "https://" + self.base.split("://", 1)[1]
        response = self.client.request(method, path, data=data, headers=headers)
        for raw in response.headers.get_list("set-cookie"):
            jar: SimpleCookie = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        self.client.cookies.clear()
        return response

    def page(self, path: str) -> str:
        response = self.request("GET", path)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response.text

    def answer_form(self, html: str) -> dict:
        inputs = ANSWER_INPUT.findall(html)
        kind = inputs[0][0]
        return {
            "csrfmiddlewaretoken": CSRF.search(html).group(1),
            "item_version": ON_SCREEN.search(html).group(1),
            "answer": ["1"] if kind == "text" else [inputs[0][1]],
        }


def _server_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(name, None)  # one web process: its local-memory cache is the whole cache
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "restart-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "0",
        "PYTHONUNBUFFERED": "1",
    }


def _manage(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=SETUP_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]


@pytest.fixture(scope="module")
def stack(seeds_dir, tmp_path_factory):
    """The private cluster, migrated and seeded with the demo LOFT paper and one candidate,
    and gunicorn (one worker, four threads, each with its own persistent connection)."""
    import json

    cluster = PrivateCluster()
    server = None
    logs = tmp_path_factory.mktemp("restart")
    try:
        cluster.start()
        with psycopg.connect(cluster.url(), autocommit=True) as admin:
            admin.execute("CREATE DATABASE kaushal")
        env = _server_env(cluster.url("kaushal"))
        env["STATIC_ROOT"] = str(logs / "static")
        _manage(env, "migrate", "--noinput")
        _manage(env, "collectstatic", "--noinput")
        seeded = subprocess.run(
            [sys.executable, str(REPO / "benchmarks" / "load" / "seed.py")]
            + ["--candidates", "1", "--seeds", str(seeds_dir)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=SETUP_SECONDS,
            check=False,
        )
        assert seeded.returncode == 0, seeded.stderr[-3000:]
        world = json.loads(seeded.stdout.strip().splitlines()[-1])
        port = free_port()
        log = (logs / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "lms.wsgi:application"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (logs / "gunicorn.log").read_text()[-3000:]
            try:
                if httpx.get(f"{base}/healthz", timeout=10).status_code == 200:
                    break
            except httpx.HTTPError:
                pass  # not listening yet
            assert time.monotonic() < deadline, "gunicorn did not become ready"
            time.sleep(0.2)  # polling for readiness only
        yield cluster, base, world, logs / "gunicorn.log"
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        cluster.remove()


def _stored(cluster: PrivateCluster, attempt: int) -> list[int]:
    with psycopg.connect(cluster.url("kaushal")) as db:
        rows = db.execute(
            "SELECT item_version_id FROM adaptive_response WHERE attempt_id = %s ORDER BY id",
            [attempt],
        ).fetchall()
    return [row[0] for row in rows]


def _deadline(cluster: PrivateCluster, attempt: int) -> datetime:
    with psycopg.connect(cluster.url("kaushal")) as db:
        return db.execute(
            "SELECT deadline FROM adaptive_attempt WHERE id = %s", [attempt]
        ).fetchone()[0]


def _a_clean_503(response: httpx.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text[:800])
    assert response.headers["Retry-After"]
    page = response.text
    assert "Please try again in a moment" in page and "Traceback" not in page


def test_a_postgresql_restart_mid_sitting_fails_cleanly_and_the_sitting_resumes(stack):
    cluster, base, world, log = stack
    browser = Browser(base)
    login = browser.page("/accounts/login/")
    response = browser.request(
        "POST",
        "/accounts/login/",
        {
            "username": world["usernames"][0],
            "password": world["password"],
            "csrfmiddlewaretoken": CSRF.search(login).group(1),
        },
    )
    assert response.status_code == 302
    start = f"/assess/{world['loft']}/"
    token = CSRF.search(browser.page(start)).group(1)
    url = browser.request("POST", start, {"csrfmiddlewaretoken": token}).headers["location"]
    attempt = int(re.search(r"/attempts/(\d+)/", url).group(1))
    acknowledged: list[int] = []
    html = browser.page(url)
    for _ in range(3):
        form = browser.answer_form(html)
        assert browser.request("POST", url, form).status_code == 302
        acknowledged.append(int(form["item_version"]))
        html = browser.page(url)
    # Four candidates' pages at once: gunicorn's four threads each open their own persistent
    # connection (a thread pool adds a thread only when every thread is busy), all of which the
    # restart below leaves dead.
    others = [Browser(base) for _ in range(4)]
    for other in others:
        other.cookies = dict(browser.cookies)
    pages = [threading.Thread(target=other.page, args=(url,)) for other in others]
    for thread in pages:
        thread.start()
    for thread in pages:
        thread.join(timeout=60)
    deadline = _deadline(cluster, attempt)
    seconds_before = int(SECONDS.search(html).group(1))
    in_flight = browser.answer_form(html)

    # The next answer's transaction is held just after its response row is written: a trigger
    # waits on an advisory lock this test holds, so the server stops with the row uncommitted.
    holder = psycopg.connect(cluster.url("kaushal"), autocommit=True)
    holder.execute(
        "CREATE FUNCTION hold_answer() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN PERFORM pg_advisory_xact_lock({HOLD_LOCK}); RETURN NEW; END $$"
    )
    holder.execute(
        "CREATE TRIGGER hold_answer AFTER INSERT ON adaptive_response "
        "FOR EACH ROW EXECUTE FUNCTION hold_answer()"
    )
    holder.execute("SELECT pg_advisory_lock(%s)", [HOLD_LOCK])
    replies: list[httpx.Response] = []
    posting = threading.Thread(
        target=lambda: replies.append(browser.request("POST", url, in_flight))
    )
    posting.start()
    waiting = None
    give_up = time.monotonic() + 60
    while waiting is None and time.monotonic() < give_up:  # each turn is a query, no sleep
        waiting = holder.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND wait_event = 'advisory' AND query LIKE 'INSERT INTO \"adaptive_response\"%%'"
        ).fetchone()
    assert waiting, "the answer never reached its response row"

    cluster.stop()  # a restart's fast shutdown: the held transaction is rolled back
    posting.join(timeout=60)
    holder.close()
    _a_clean_503(replies[0])
    # While the server is down: the question page and the same answer again, each a clean 503.
    _a_clean_503(browser.request("GET", url))
    _a_clean_503(browser.request("POST", url, in_flight))

    cluster.start()
    # Every web thread's persistent connection died with the server; each is replaced before
    # reuse (CONN_HEALTH_CHECKS), so no request after the restart fails. Idle threads take
    # requests in turn, so eight pages one after the other pass through all four.
    for _ in range(8):
        page = browser.page(url)
        assert int(ON_SCREEN.search(page).group(1)) == int(in_flight["item_version"])
    assert _stored(cluster, attempt) == acknowledged  # the held answer's row did not survive
    assert _deadline(cluster, attempt) == deadline  # the outage gave no extra time
    assert int(SECONDS.search(page).group(1)) <= seconds_before

    # The candidate submits the held answer again, and sits the paper to the end.
    html = page
    form = in_flight
    while True:
        form = browser.answer_form(html)
        moved = browser.request("POST", url, form)
        assert moved.status_code == 302, moved.text[:800]
        acknowledged.append(int(form["item_version"]))
        if moved.headers["location"].endswith("/result/"):
            break
        html = browser.page(url)
    assert browser.page(moved.headers["location"])
    stored = _stored(cluster, attempt)
    assert stored == acknowledged and len(set(stored)) == len(stored)
    with psycopg.connect(cluster.url("kaushal")) as db:
        finished = db.execute(
            "SELECT finished_at IS NOT NULL, (SELECT count(*) FROM adaptive_attempt) "
            "FROM adaptive_attempt WHERE id = %s",
            [attempt],
        ).fetchone()
    assert finished == (True, 1)
    server_log = log.read_text()
    assert "Internal Server Error" not in server_log, server_log[-3000:]
