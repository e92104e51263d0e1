"""Shared fixtures. With KAUSHAL_REQUIRE_SERVICES=1 (CI), the suite refuses to run unless it is
really talking to PostgreSQL and Redis, so a misconfigured CI cannot pass on SQLite by accident."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS_DIR = Path(os.environ.get("KAUSHAL_SEEDS_DIR", REPO.parent / "shared" / "seeds"))


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("KAUSHAL_REQUIRE_SERVICES") == "1":
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(f"KAUSHAL_REQUIRE_SERVICES=1 but the database is {engine}")
        if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
            raise pytest.UsageError("KAUSHAL_REQUIRE_SERVICES=1 but the cache is not Redis")
        if not settings.CELERY_BROKER_URL.startswith("redis://"):
            raise pytest.UsageError("KAUSHAL_REQUIRE_SERVICES=1 but CELERY_BROKER_URL is not Redis")


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
