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
