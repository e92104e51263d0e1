"""Shared fixtures. With KAUSHAL_REQUIRE_SERVICES=1 (CI), the suite refuses to run unless it is
really talking to PostgreSQL and Redis, so a misconfigured CI cannot pass on SQLite by accident,
and unless PostgreSQL's server binaries are there for the tests that start a private cluster.

Tests marked ``postgres_cluster`` (a PostgreSQL stopped and started under a sitting) need
``initdb`` and ``pg_ctl``. Where they are absent (and services are not required) those tests are
not collected, never skipped: the run's summary names them as not applicable on this machine,
so a green run cannot be mistaken for one that exercised them."""

from __future__ import annotations

import copy
import os
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS_DIR = Path(os.environ.get("KAUSHAL_SEEDS_DIR", REPO.parent / "shared" / "seeds"))


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("KAUSHAL_REQUIRE_SERVICES") == "1":
        from tests.postgres_cluster import cluster_binaries_missing

        missing = cluster_binaries_missing()
        if missing:
            raise pytest.UsageError(f"KAUSHAL_REQUIRE_SERVICES=1 but {missing}")
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(f"KAUSHAL_REQUIRE_SERVICES=1 but the database is {engine}")
        if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
            raise pytest.UsageError("KAUSHAL_REQUIRE_SERVICES=1 but the cache is not Redis")
        if not settings.CELERY_BROKER_URL.startswith("redis://"):
            raise pytest.UsageError("KAUSHAL_REQUIRE_SERVICES=1 but CELERY_BROKER_URL is not Redis")


NOT_APPLICABLE = pytest.StashKey[list[str]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need a private PostgreSQL cluster are left out where its binaries are not."""
    from tests.postgres_cluster import cluster_binaries_missing

    wanting = [item for item in items if item.get_closest_marker("postgres_cluster")]
    missing = cluster_binaries_missing() if wanting else None
    if not missing:
        return
    config.stash[NOT_APPLICABLE] = [f"{item.nodeid}: {missing}" for item in wanting]
    config.hook.pytest_deselected(items=wanting)
    items[:] = [item for item in items if item not in wanting]


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    lines = config.stash.get(NOT_APPLICABLE, [])
    if lines:
        terminalreporter.section("not applicable on this machine (not run, not passed)")
        for line in lines:
            terminalreporter.line(line)


@pytest.fixture(autouse=True)
def _assessment_banks_forgotten():
    """Each test starts without the web process's cache of built banks: a rolled-back test
    database hands out the same primary keys again (``adaptive.delivery.bank_cache_clear``)."""
    from adaptive.delivery import bank_cache_clear

    bank_cache_clear()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS_DIR.is_dir(), f"seed documents not found at {SEEDS_DIR}"
    return SEEDS_DIR


CHROMIUM = os.environ.get("KAUSHAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver per test process: a second sync_playwright() inside the first's
    event loop is refused, so every browser test starts its browsers from this one."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Debian's chromium is needed at {CHROMIUM} (make browser)"
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _wagtail_basics_ensure(sender, using="default", **kwargs) -> None:
    """Put back Wagtail's locale, root collection, root and home pages and site after a flush.

    They come from Wagtail's data migrations, which a transactional test's flush removes; Django
    then sends post_migrate (which also re-creates our role groups), and this receiver restores
    the rest, so tests that run after it in the same process find the database as migrated.
    """
    from django.apps import apps
    from django.conf import settings

    with_models = [a for a in apps.get_app_configs() if a.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    from wagtail.models import Collection, Locale, Page, Site

    locale, _ = Locale.objects.using(using).get_or_create(language_code=settings.LANGUAGE_CODE)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if not Site.objects.using(using).exists():
        home = root.add_child(instance=Page(title="Kaushal", slug="home", locale=locale))
        Site.objects.using(using).create(hostname="localhost", root_page=home, is_default_site=True)


@pytest.fixture(scope="session", autouse=True)
def _restore_wagtail_basics_after_flush():
    from django.db.models.signals import post_migrate

    post_migrate.connect(_wagtail_basics_ensure, dispatch_uid="tests.wagtail_basics_ensure")
    yield
    post_migrate.disconnect(dispatch_uid="tests.wagtail_basics_ensure")


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    """Every test gets a cache namespace of its own: nothing cached by an earlier test (Wagtail's
    site root paths, LTI nonces, tokens) can leak into it, whether the cache is local memory or
    a Redis shared with other test processes and kept between runs. (Never cache.clear(): on
    Redis that would flush the keys of the other test processes.)"""
    conf = copy.deepcopy(settings.CACHES)
    tag = uuid.uuid4().hex[:12]
    conf["default"]["KEY_PREFIX"] = f"{conf['default'].get('KEY_PREFIX', '')}-{tag}"
    if "locmem" in conf["default"]["BACKEND"].lower():
        conf["default"]["LOCATION"] = f"test-{tag}"
    settings.CACHES = conf
