"""Server CPU of one answer step (POST of an answer + the question page it redirects to), in
process, with the production settings on PostgreSQL and Redis: what ``run.py``'s wall-clock
figures cannot show on a machine shared with other work.

One candidate sits the demo LOFT paper and one the demo CAT through Django's test client with
``lms.settings.production`` (CSRF enforced, https as the proxy says, Redis cache, the real
middleware, sessions and templates); each step's ``time.process_time`` (CPU of this process:
Django, psycopg, the templates, the IRT step; not PostgreSQL's or Redis's own CPU) and its
queries are recorded, and the CPU of its PostgreSQL backend (``/proc``). It prints the
median and p90 per delivery, the queries per POST and per
page, and with ``--profile`` the top functions (cProfile) of the steps after the first.

    .venv/bin/python benchmarks/load/step_cpu.py                       # fresh private database
    .venv/bin/python benchmarks/load/step_cpu.py --reuse-db --profile cat

The database (default ``kaushal_load_step``, never the load run's ``kaushal_load``) is created,
migrated and seeded by ``seed.py``, and dropped at the end unless ``--keep-db``. Note what the
test client does not show: gunicorn's own parsing and a connection per request (the test client
keeps one connection, as ``CONN_MAX_AGE``/the pool do in production).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (  # noqa: E402 - the load run's page parsing and database helpers
    ANSWER_INPUT,
    BIN,
    CSRF_INPUT,
    ITEM_VERSION,
    REPO,
    database_recreate,
    manage,
)

RESULT_URL = re.compile(r"/assess/attempts/\d+/result/$")


def stack_env(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "step-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "kaushal-step-" + secrets.token_hex(6),  # never another's keys
        "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "kaushal-step-static"),
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }


def seed(env: dict[str, str]) -> dict:
    manage(env, "migrate", "--noinput")
    done = subprocess.run(
        [str(BIN / "python"), str(Path(__file__).with_name("seed.py")), "--candidates", "2"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("seeding failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def backend_cpu() -> float:
    """CPU seconds so far of this process's PostgreSQL backend (``/proc``: same machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sit(client, slug: str, profile: cProfile.Profile | None) -> tuple[list[float], list, list]:
    """One sitting through the pages: CPU seconds, queries of each POST and of each page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    https = {"secure": True, "headers": {"Origin": "https://testserver"}}
    start = client.get(f"/assess/{slug}/", secure=True)
    token = CSRF_INPUT.search(start.content.decode()).group(1)
    where = client.post(f"/assess/{slug}/", {"csrfmiddlewaretoken": token}, **https)["Location"]
    html = client.get(where, secure=True).content.decode()
    cpu: list[float] = []
    post_queries: list[int] = []
    page_queries: list[int] = []
    while True:
        version = ITEM_VERSION.search(html)
        inputs = ANSWER_INPUT.findall(html)
        kind = inputs[0][0]
        form = {
            "csrfmiddlewaretoken": CSRF_INPUT.search(html).group(1),
            "item_version": version.group(1),
            "answer": ["1"] if kind == "text" else [inputs[0][1]],
        }
        if profile is not None and cpu:
            profile.enable()
        t0 = time.process_time()
        with CaptureQueriesContext(connection) as posted:
            response = client.post(where, form, **https)
        assert response.status_code == 302, response.status_code
        next_url = response["Location"]
        with CaptureQueriesContext(connection) as shown:
            page = client.get(next_url, secure=True)
        cpu.append(time.process_time() - t0)
        if profile is not None:
            profile.disable()
        assert page.status_code == 200, page.status_code
        post_queries.append(len(posted.captured_queries))
        page_queries.append(len(shown.captured_queries))
        if RESULT_URL.search(next_url):
            return cpu, post_queries, page_queries
        html = page.content.decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/kaushal_load_step"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--reuse-db", action="store_true", help="seeded by an earlier --keep-db")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--profile", choices=["loft", "cat"], help="cProfile this delivery")
    parser.add_argument("--sittings", type=int, default=3, help="sittings per delivery")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.database_url.rstrip("/").endswith("/kaushal_load"):
        raise SystemExit("kaushal_load is the load run's database: use another")

    env = stack_env(args.database_url, args.redis_url)
    world_file = Path(tempfile.gettempdir()) / "kaushal-step-world.json"
    if args.reuse_db and world_file.exists():
        world = json.loads(world_file.read_text())
    else:
        database_recreate(args.database_url)
        world = seed(env)
        world_file.write_text(json.dumps(world))
    manage(env, "collectstatic", "--noinput")  # the manifest storage needs its manifest
    os.environ.update(env)
    import django

    django.setup()
    from django.test import Client

    from adaptive.models import Attempt

    report = {}
    try:
        for username, delivery in zip(world["usernames"], ("loft", "cat"), strict=True):
            client = Client(enforce_csrf_checks=True)
            login = client.get("/accounts/login/", secure=True).content.decode()
            client.post(
                "/accounts/login/",
                {
                    "username": username,
                    "password": world["password"],
                    "csrfmiddlewaretoken": CSRF_INPUT.search(login).group(1),
                },
                secure=True,
                headers={"Origin": "https://testserver"},
            )
            profile = cProfile.Profile(time.process_time) if args.profile == delivery else None
            cpu, post_q, page_q, steps, backend = [], [], [], 0, 0.0
            for _ in range(args.sittings):
                Attempt.objects.filter(user__username=username).delete()  # sit it again
                backend -= backend_cpu()
                one_cpu, one_post, one_page = sit(client, world[delivery], profile)
                backend += backend_cpu()
                steps += len(one_cpu)
                cpu += one_cpu[1:]  # the first step builds the process's bank and caches
                post_q += one_post[1:]
                page_q += one_page[1:-1]  # the last page is the result
            ms = sorted(1000 * c for c in cpu)
            report[delivery] = {
                "steps": steps,
                "postgres_backend_cpu_ms_per_step": round(1000 * backend / steps, 1),
                "cpu_ms_median": round(statistics.median(ms), 1),
                "cpu_ms_p90": round(ms[int(0.9 * (len(ms) - 1))], 1),
                "queries_post_median": statistics.median(post_q),
                "queries_page_median": statistics.median(page_q),
            }
            print(delivery, json.dumps(report[delivery]), flush=True)
            if profile is not None:
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(140)
                print(out.getvalue())
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(25)
                print(out.getvalue())
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db and not args.reuse_db:
            database_recreate(args.database_url, drop_only=True)
            world_file.unlink(missing_ok=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
