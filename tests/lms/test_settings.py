"""Configuration comes from the environment, and production settings are deployable."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        base.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "lms.settings.production",
    "SECRET_KEY": "k3!Vq9#zP0@wLm2^Rt7&Yb5*Nc8(Hd4)Jf6_Gs1+Xa0=Ue3-Io9~Tp2",
    "ALLOWED_HOSTS": "kaushal.example.org",
}


def test_production_settings_pass_check_deploy():
    # The same command .ci/run runs.
    result = _run("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_keeps_debug_off_and_cookies_secure_whatever_the_environment_says():
    code = (
        "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, "
        "s.SESSION_COOKIE_HTTPONLY, s.ALLOWED_HOSTS)"
    )
    result = _run("shell", "-c", code, env={**PRODUCTION, "DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("False True True True True True ['kaushal.example.org']")


def test_production_refuses_an_insecure_or_short_secret_key():
    for key in ("insecure-" + "x" * 60, "too-short"):
        result = _run("check", env={**PRODUCTION, "SECRET_KEY": key})
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_real_secret_key():
    result = _run(
        "check",
        env={"DJANGO_SETTINGS_MODULE": "lms.settings.production", "ALLOWED_HOSTS": "a.example"},
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_database_url_selects_the_database(tmp_path):
    db = tmp_path / "other.sqlite3"
    result = _run(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['NAME'])",
        env={"DJANGO_SETTINGS_MODULE": "lms.settings.dev", "DATABASE_URL": f"sqlite:///{db}"},
    )
    assert result.returncode == 0, result.stderr
    assert str(db) in result.stdout


def test_without_a_broker_celery_is_eager_and_with_one_it_is_not():
    code = "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)"
    eager = _run("shell", "-c", code, env={"DJANGO_SETTINGS_MODULE": "lms.settings.dev"})
    queued = _run(
        "shell",
        "-c",
        code,
        env={
            "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9",
        },
    )
    assert eager.stdout.strip().endswith("True"), eager.stderr
    assert queued.stdout.strip().endswith("False"), queued.stderr


def test_production_reads_sessions_from_the_cache_and_checks_reused_connections():
    """The answer step's speed settings (benchmarks/README.md, load): sessions from Redis,
    written through to the database; persistent connections checked before reuse (a restarted
    PostgreSQL costs no failed request); templates compiled once per process."""
    code = (
        "from django.conf import settings as s; from django.template import engines; "
        "d = s.DATABASES['default']; "
        "print(s.SESSION_ENGINE, d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], "
        "type(engines['django'].engine.template_loaders[0]).__module__)"
    )
    env = {**PRODUCTION, "DATABASE_URL": "postgres://kaushal@db.example.org:5432/kaushal"}
    result = _run("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "lms.sessions",
        "60",
        "True",
        "django.template.loaders.cached",
    ]


def test_gunicorn_runs_threaded_workers_one_per_core_unless_told(monkeypatch):
    import multiprocessing
    import runpy

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    conf = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    assert conf["worker_class"] == "gthread" and conf["threads"] >= 2
    assert conf["workers"] == multiprocessing.cpu_count()
    assert conf["keepalive"] >= 5 and conf["max_requests"] > 0 and conf["max_requests_jitter"] > 0
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert runpy.run_path(str(REPO / "gunicorn.conf.py"))["workers"] == 3
