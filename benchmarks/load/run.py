"""The load benchmark: the real stack on this machine, N candidates sitting at once over HTTP.

Starts gunicorn with ``lms.settings.production`` on a free port, a Celery worker, on a fresh
PostgreSQL database and Redis dbs 5 (cache) and 6 (broker); seeds N candidates assigned to the demo
LOFT and CAT assessments (``seed.py``); then drives every candidate concurrently as a browser
would, with one asyncio httpx client each: log in through the login form (CSRF), open the
assessment, start, fetch each question page, post an answer after a think time, follow the
redirect to the next question, until the result page. Half the candidates sit the LOFT paper,
half the CAT.

It prints p50/p95/p99 of "start" (POST start + first question page) and "answer -> next"
(POST answer + the page it redirects to), per delivery, the errors, and compares the client's
log of answers with the database: every answer posted and acknowledged is stored exactly once
and no other is. Exit status 1 on any error or mismatch (``--max-p95-loft/--max-p95-cat`` also
fail the run on speed, off by default: CI checks correctness, not speed).

    .venv/bin/python benchmarks/load/run.py --candidates 200 --think 2      # the benchmark
    .venv/bin/python benchmarks/load/run.py --smoke                        # CI: 20, no think time

The server speaks plain http on localhost: the client sends ``X-Forwarded-Proto: https`` as the
TLS-terminating proxy in front of gunicorn would (``SECURE_PROXY_SSL_HEADER``), and keeps the
``Secure`` cookies itself. Everything it starts is stopped and its database dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM_VERSION = re.compile(r'name="item_version" value="(\d+)"')
# The answer inputs of the widgets (adaptive/templates/adaptive/widgets/): the type, then any
# attributes, the name, and the option's value where it has one.
ANSWER_INPUT = re.compile(
    r'<input type="(radio|checkbox|text)"[^>]*? name="answer"(?:[^>]*? value="([^"]*)")?'
)
ERROR_MESSAGE = re.compile(r'<li class="[^"]*error[^"]*">([^<]*)</li>')
ATTEMPT_URL = re.compile(r"/assess/attempts/(\d+)/$")
RESULT_URL = re.compile(r"/assess/attempts/(\d+)/result/$")


class StepError(Exception):
    """A candidate's browser would have shown something unexpected."""


@dataclass
class Candidate:
    username: str
    slug: str
    delivery: str
    attempt: int | None = None
    answers: list[int] = field(default_factory=list)  # item version ids acknowledged
    unacknowledged: list[int] = field(default_factory=list)  # posted, connection dropped
    finished: bool = False


@dataclass
class Timings:
    start: dict[str, list[float]] = field(default_factory=lambda: {"loft": [], "cat": []})
    answer: dict[str, list[float]] = field(default_factory=lambda: {"loft": [], "cat": []})
    login: list[float] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # answers whose reply never came
    errors: list[str] = field(default_factory=list)


class Browser:
    """One candidate's browser: its own connection and cookies (kept here because the
    production cookies are ``Secure`` and this client talks plain http to gunicorn)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.origin = "https://" + urlsplit(base).netloc
        self.cookies: dict[str, str] = {}
        self.client = httpx.AsyncClient(base_url=base, timeout=120.0, follow_redirects=False)

    async def request(self, method: str, path: str, data: dict | None = None) -> httpx.Response:
        headers = {"X-Forwarded-Proto": "https", "User-Agent": "kaushal-load"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        response = await self.client.request(method, path, data=data, headers=headers)
        for raw in response.headers.get_list("set-cookie"):
            jar: SimpleCookie = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        self.client.cookies.clear()  # never let httpx's own jar send anything
        return response

    async def get_page(self, path: str) -> tuple[str, str]:
        """GET a page, following redirects as a browser does; (final path, HTML)."""
        for _ in range(5):
            try:
                response = await self.request("GET", path)
            except httpx.RemoteProtocolError:
                # A kept-alive connection the server closed as we reused it: a browser sends an
                # idempotent request again on a new connection, and so do we, once.
                response = await self.request("GET", path)
            if response.status_code in (301, 302, 303):
                path = urlsplit(response.headers["location"]).path
                continue
            if response.status_code != 200:
                raise StepError(f"GET {path}: HTTP {response.status_code}")
            return path, response.text
        raise StepError(f"GET {path}: too many redirects")

    async def post(self, path: str, data: dict) -> str:
        """POST a form; the path it redirects to (every form here answers with a redirect)."""
        response = await self.request("POST", path, data)
        if response.status_code not in (302, 303):
            raise StepError(f"POST {path}: HTTP {response.status_code}")
        return urlsplit(response.headers["location"]).path

    async def close(self) -> None:
        await self.client.aclose()


def _csrf(html: str, where: str) -> str:
    match = CSRF_INPUT.search(html)
    if not match:
        raise StepError(f"{where}: no CSRF token on the page")
    return match.group(1)


def _page_error(html: str) -> str | None:
    match = ERROR_MESSAGE.search(html)
    return match.group(1).strip() if match else None


async def _post_maybe_twice(browser: Browser, path: str, form: dict, twice: bool) -> str:
    """POST ``form``; with ``twice``, the same form twice at once. The first one's redirect."""
    if not twice:
        return await browser.post(path, form)
    first, _ = await asyncio.gather(browser.post(path, form), browser.post(path, form))
    return first


async def _log_in(browser: Browser, candidate: Candidate, password: str, timings: Timings) -> None:
    """The login form, as a browser fills it in; its time goes to ``timings.login``."""
    t0 = time.perf_counter()
    _, html = await browser.get_page("/accounts/login/")
    where = await browser.post(
        "/accounts/login/",
        {
            "username": candidate.username,
            "password": password,
            "csrfmiddlewaretoken": _csrf(html, "login"),
        },
    )
    if where.startswith("/accounts/login"):
        raise StepError("login refused")
    timings.login.append(time.perf_counter() - t0)


async def sit(
    candidate: Candidate,
    *,
    base: str,
    password: str,
    think: float,
    timings: Timings,
    deadline: float,
    rng: random.Random,
    double_click: bool = False,
    ramp: float = 0.0,
    everyone_in: asyncio.Event | None = None,
    logged_in: list | None = None,
    total: int = 0,
) -> None:
    """One candidate from the login form to the result page. ``double_click``: every form is
    posted twice at once (a double click, or a replay by a flaky network): still one attempt,
    every answer stored once."""
    browser = Browser(base)
    try:
        await asyncio.sleep(rng.uniform(0, ramp))  # candidates arrive over the ramp
        try:
            await _log_in(browser, candidate, password, timings)
        finally:  # the invigilator says "start" once everyone is in (or gave up)
            if logged_in is not None and everyone_in is not None:
                logged_in.append(candidate.username)
                if len(logged_in) >= total:
                    everyone_in.set()
        if everyone_in is not None:
            await everyone_in.wait()
        if think:
            await asyncio.sleep(rng.uniform(0, think))  # candidates do not all click at once
        start_path = f"/assess/{candidate.slug}/"
        _, html = await browser.get_page(start_path)
        token = _csrf(html, "start page")
        if think:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
        t0 = time.perf_counter()
        form = {"csrfmiddlewaretoken": token}
        where = await _post_maybe_twice(browser, start_path, form, double_click)
        path, html = await browser.get_page(where)
        timings.start[candidate.delivery].append(time.perf_counter() - t0)
        match = ATTEMPT_URL.search(path)
        if not match:
            raise StepError(f"start: landed on {path}: {_page_error(html) or 'no question'}")
        candidate.attempt = int(match.group(1))
        while True:
            if time.monotonic() > deadline:
                raise StepError("ran out of time (--max-seconds)")
            version = ITEM_VERSION.search(html)
            inputs = ANSWER_INPUT.findall(html)
            if not version or not inputs:
                raise StepError(f"{path}: no question form")
            kind = inputs[0][0]
            values = ["1"] if kind == "text" else [rng.choice([v for _, v in inputs])]
            if kind == "checkbox":
                values = sorted({v for _, v in inputs if rng.random() < 0.5} or {inputs[0][1]})
            form = {
                "csrfmiddlewaretoken": _csrf(html, path),
                "item_version": version.group(1),
                "answer": values,
            }
            if think:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
            t0 = time.perf_counter()
            try:
                where = await _post_maybe_twice(browser, path, form, double_click)
            except httpx.TransportError as exc:
                # The connection dropped before the answer's reply: the candidate reloads the
                # page and carries on. The answer may or may not be stored, but never twice.
                candidate.unacknowledged.append(int(version.group(1)))
                timings.dropped.append(f"{candidate.username}: {type(exc).__name__}")
                path, html = await browser.get_page(path)
                if RESULT_URL.search(path):
                    candidate.finished = True
                    return
                continue
            next_path, html = await browser.get_page(where)
            timings.answer[candidate.delivery].append(time.perf_counter() - t0)
            error = _page_error(html)
            if error:
                raise StepError(f"answer on {path}: {error}")
            candidate.answers.append(int(version.group(1)))
            if RESULT_URL.search(next_path):
                candidate.finished = True
                return
            if next_path != path:
                raise StepError(f"answer on {path}: landed on {next_path}")
    except (StepError, httpx.HTTPError) as exc:
        timings.errors.append(f"{candidate.username}: {type(exc).__name__}: {exc}")
    finally:
        await browser.close()


async def drive(
    candidates, *, base, password, think, max_seconds, seed, double_click=0.0, ramp=0.0
) -> Timings:
    """Log everyone in over ``ramp`` seconds, then start them all at once."""
    timings = Timings()
    everyone_in = asyncio.Event()
    logged_in: list[str] = []
    deadline = time.monotonic() + max_seconds
    rng = random.Random(seed)
    tasks = [
        sit(
            c,
            base=base,
            password=password,
            think=think,
            timings=timings,
            deadline=deadline,
            rng=random.Random(rng.random()),
            double_click=k % 10 < 10 * double_click,
            ramp=ramp,
            everyone_in=everyone_in,
            logged_in=logged_in,
            total=len(candidates),
        )
        for k, c in enumerate(candidates)
    ]
    await asyncio.gather(*tasks)
    return timings


# --- the stack ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def admin_dsn(database_url: str) -> tuple[str, str]:
    """(DSN of the server's ``postgres`` database, the benchmark database's name)."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"unexpected database name {name!r}")
    return parts._replace(path="/postgres").geturl(), name


def database_recreate(database_url: str, *, drop_only: bool = False) -> None:
    dsn, name = admin_dsn(database_url)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def redis_flush(url: str) -> None:
    """Empty the benchmark's own Redis db (5 or 6), never another."""
    parts = urlsplit(url)
    subprocess.run(
        ["redis-cli", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 6379)]
        + ["-n", parts.path.lstrip("/"), "FLUSHDB"],
        check=True,
        capture_output=True,
    )


def stack_env(args, static_root: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "load-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CELERY_BROKER_URL": args.broker_url,
        "CACHE_KEY_PREFIX": "kaushal-load",
        "STATIC_ROOT": static_root,
        "SECURE_SSL_REDIRECT": "0",  # the client says https via X-Forwarded-Proto anyway
        "PYTHONUNBUFFERED": "1",
    }
    if args.db_pool:
        env["DATABASE_POOL_SIZE"] = str(args.db_pool)
    return env


def manage(env: dict[str, str], *command: str) -> str:
    done = subprocess.run(
        [str(BIN / "python"), "manage.py", *command],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"manage.py {' '.join(command)} failed")
    return done.stdout


def wait_http(base: str, process: subprocess.Popen, seconds: float = 300.0) -> None:
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited at start (see its log above)")
        try:
            response = httpx.get(
                base + "/accounts/login/", headers={"X-Forwarded-Proto": "https"}, timeout=2
            )
            if response.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {seconds:.0f} s")


def stop(process: subprocess.Popen | None, name: str) -> None:
    """SIGTERM (gunicorn and Celery shut down gracefully on it), then SIGKILL after 20 s."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        print(f"load: {name} ignored SIGTERM; killing it and its workers", file=sys.stderr)
        os.killpg(process.pid, signal.SIGKILL)  # its own process group (start_new_session)
        process.wait()


# --- the database's view -----------------------------------------------------------------------


def database_check(database_url: str, candidates: list[Candidate]) -> dict:
    """Compare the client's log of answers with adaptive_response: exactly once each."""
    attempts = {c.attempt: c for c in candidates if c.attempt is not None}
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT attempt_id, item_version_id, count(*) FROM adaptive_response "
            "WHERE attempt_id = ANY(%s) GROUP BY attempt_id, item_version_id",
            (list(attempts),),
        ).fetchall()
        finished = {
            pk
            for (pk,) in conn.execute(
                "SELECT id FROM adaptive_attempt WHERE id = ANY(%s) AND finished_at IS NOT NULL",
                (list(attempts),),
            ).fetchall()
        }
        per_user = conn.execute(
            "SELECT u.username, count(*) FROM adaptive_attempt a JOIN accounts_user u "
            "ON u.id = a.user_id WHERE u.username LIKE 'load%%' GROUP BY u.username "
            "HAVING count(*) > 1"
        ).fetchall()
    stored = {(a, v): n for a, v, n in rows}
    logged = {(c.attempt, v) for c in attempts.values() for v in c.answers}
    unacknowledged = {(c.attempt, v) for c in attempts.values() for v in c.unacknowledged}
    logged_count = sum(len(c.answers) for c in attempts.values())
    return {
        "answers_logged": logged_count,
        "answers_stored": sum(stored.values()),
        "duplicates_in_log": logged_count - len(logged),
        "stored_twice": sorted(f"{a}:{v}" for (a, v), n in stored.items() if n > 1),
        "missing": sorted(f"{a}:{v}" for a, v in logged - set(stored)),
        "unexpected": sorted(f"{a}:{v}" for a, v in set(stored) - logged - unacknowledged),
        "unacknowledged_posted": len(unacknowledged - logged),
        "unacknowledged_stored": len((unacknowledged - logged) & set(stored)),
        "finished_in_client": sum(c.finished for c in attempts.values()),
        "finished_in_database": len(finished),
        "finished_mismatch": sorted(
            c.attempt for c in attempts.values() if c.finished != (c.attempt in finished)
        ),
        "candidates_with_two_attempts": [u for u, _ in per_user],
    }


# --- report ------------------------------------------------------------------------------------


def quantiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ms = sorted(1000.0 * v for v in values)

    def q(p: float) -> float:
        return round(ms[min(len(ms) - 1, int(p * len(ms)))], 1)

    return {
        "n": len(ms),
        "p50": round(statistics.median(ms), 1),
        "p95": q(0.95),
        "p99": q(0.99),
        "max": round(ms[-1], 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--think", type=float, default=2.0, help="mean think time, seconds")
    parser.add_argument(
        "--ramp",
        type=float,
        default=120.0,
        help="candidates log in over this many seconds; then all start at once",
    )
    parser.add_argument("--max-seconds", type=float, default=600.0, help="bound on the sitting")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--db-pool", type=int, default=0, help="psycopg pool size per worker")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/kaushal_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--smoke", action="store_true", help="CI: 20 candidates, no think time")
    parser.add_argument("--keep-db", action="store_true", help="leave the database for a look")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--max-p95-loft", type=float, help="fail if LOFT p95 (ms) is above")
    parser.add_argument("--max-p95-cat", type=float, help="fail if CAT p95 (ms) is above")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--double-click",
        type=float,
        default=0.0,
        help="share of candidates who post every form twice at once (smoke: 0.2)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.candidates, args.think, args.ramp, args.max_seconds = 20, 0.0, 10.0, 300.0
        args.double_click = args.double_click or 0.2
    for url in (args.redis_url, args.broker_url):
        if urlsplit(url).path.lstrip("/") not in ("5", "6"):
            raise SystemExit("the load benchmark uses Redis dbs 5 and 6 only")

    static_root = tempfile.mkdtemp(prefix="kaushal-load-static-")
    env = stack_env(args, static_root)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web = worker = None
    logs = Path(tempfile.mkdtemp(prefix="kaushal-load-logs-"))
    started = time.monotonic()
    try:
        database_recreate(args.database_url)
        for url in (args.redis_url, args.broker_url):
            redis_flush(url)
        print(f"load: migrating {admin_dsn(args.database_url)[1]} ...", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        seeded = subprocess.run(
            [str(BIN / "python"), str(Path(__file__).with_name("seed.py"))]
            + ["--candidates", str(args.candidates)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
        if seeded.returncode:
            sys.stderr.write(seeded.stdout + seeded.stderr)
            raise SystemExit("seeding failed")
        world = json.loads(seeded.stdout.strip().splitlines()[-1])
        print(
            f"load: seeded {args.candidates} candidates in {time.monotonic() - started:.0f} s",
            flush=True,
        )
        worker = subprocess.Popen(
            [str(BIN / "celery"), "-A", "lms", "worker", "--pool", "solo", "--loglevel", "WARNING"],
            cwd=REPO,
            env=env,
            stdout=(logs / "celery.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        web = subprocess.Popen(
            [str(BIN / "gunicorn"), "lms.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", str(args.workers), "--threads", str(args.threads)]
            + ["--worker-class", "gthread", "--backlog", "2048", "--log-level", "warning"]
            + ["--max-requests", "0", "--timeout", "60", "--keep-alive", "30"],
            cwd=REPO,
            env=env,
            stdout=(logs / "gunicorn.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_http(base, web)
        deliveries = ("loft", "cat")
        candidates = [
            Candidate(u, world[deliveries[k % 2]], deliveries[k % 2])
            for k, u in enumerate(world["usernames"])
        ]
        print(
            f"load: {len(candidates)} candidates at once against {base} "
            f"({args.workers} workers x {args.threads} threads), think {args.think} s ...",
            flush=True,
        )
        t0 = time.monotonic()
        timings = asyncio.run(
            drive(
                candidates,
                base=base,
                password=world["password"],
                think=args.think,
                max_seconds=args.max_seconds,
                seed=args.seed,
                double_click=args.double_click,
                ramp=args.ramp,
            )
        )
        wall = time.monotonic() - t0
        check = database_check(args.database_url, candidates)
    finally:
        stop(web, "gunicorn")
        stop(worker, "celery")
        shutil.rmtree(static_root, ignore_errors=True)
        if not args.keep_db:
            database_recreate(args.database_url, drop_only=True)
            for url in (args.redis_url, args.broker_url):
                redis_flush(url)
    server_log = (logs / "gunicorn.log").read_text()
    answers = sum(len(v) for v in timings.answer.values())
    report = {
        "candidates": len(candidates),
        "workers": args.workers,
        "threads": args.threads,
        "think_seconds": args.think,
        "double_click_share": args.double_click,
        "wall_seconds": round(wall, 1),
        "answers_per_second": round(answers / wall, 1) if wall else None,
        "ramp_seconds": args.ramp,
        "login_ms": quantiles(timings.login),
        "start_ms": {k: quantiles(v) for k, v in timings.start.items()},
        "answer_to_next_ms": {k: quantiles(v) for k, v in timings.answer.items()},
        "errors": timings.errors,
        "dropped_connections": timings.dropped,
        "server_errors_logged": server_log.count("Traceback"),
        "database": check,
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    failures = []
    if timings.errors:
        failures.append(f"{len(timings.errors)} candidate(s) hit an error")
    if report["server_errors_logged"]:
        failures.append(f"gunicorn logged {report['server_errors_logged']} traceback(s): {logs}")
    if check["stored_twice"] or check["missing"] or check["unexpected"]:
        failures.append("answers in the database differ from the client's log")
    if check["duplicates_in_log"] or check["candidates_with_two_attempts"]:
        failures.append("a question was served twice, or a candidate got two attempts")
    if check["finished_mismatch"] or check["finished_in_client"] != len(candidates):
        failures.append("not every candidate reached a finished attempt")
    for delivery, bound in (("loft", args.max_p95_loft), ("cat", args.max_p95_cat)):
        p95 = report["answer_to_next_ms"][delivery].get("p95")
        if bound is not None and p95 is not None and p95 > bound:
            failures.append(f"{delivery} p95 answer -> next {p95} ms > {bound} ms")
    for failure in failures:
        print(f"load: FAIL: {failure}", file=sys.stderr)
    if not failures:
        print("load: OK: no errors, every answer stored exactly once")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
