"""Benchmark: a 5,000-item bank lists and filters in under a second (issue 3's bar).

Run: ``.venv/bin/python benchmarks/bank_bench.py [--items 5000]``. It creates a throwaway test
database (SQLite in memory, or ``test_<name>`` on PostgreSQL when DATABASE_URL points there),
imports ASC/Q0202, bulk-creates the items with versions, options and English/Hindi translations,
then times the curators' listing page (a full request through the Wagtail admin: filters, count,
first page of 50 rendered) for typical filters, best of 5 runs each.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SEED = REPO.parent / "shared" / "seeds" / "000_11998c2bd16f104f.txt"
LIMIT_SECONDS = 1.0


def build(n_items: int) -> dict:
    from accounts.models import User
    from accounts.roles import Role, user_assign_role
    from question_bank.models import (
        Item,
        ItemOption,
        ItemVersion,
        ItemVersionTranslation,
        PerformanceCriterion,
    )  # fmt: skip
    from question_bank.services import document_import

    document_import(text=SEED.read_text(), source_name=SEED.name)
    curator = User.objects.create_user("bench-curator", password="x-bench-pass-1")
    user_assign_role(user=curator, role=Role.SSC_CURATOR)
    pcs = list(PerformanceCriterion.objects.filter(nos__code__startswith="ASC/"))
    rng = random.Random(7)
    items = [
        Item(uid=uuid.uuid4(), nos_id=pc.nos_id, performance_criterion=pc, created_by=curator)
        for pc in (rng.choice(pcs) for _ in range(n_items))
    ]
    Item.objects.bulk_create(items, batch_size=1000)
    statuses = ["draft", "submitted", "approved", "approved", "retired"]
    versions = [
        ItemVersion(item=item, number=1, status=rng.choice(statuses), author=curator,
                    item_type=rng.choice(["single_choice", "multiple_response"]))
        for item in items
    ]  # fmt: skip
    ItemVersion.objects.bulk_create(versions, batch_size=1000)
    words = [
        "customer",
        "warranty",
        "complaint",
        "dealer",
        "service",
        "safety",
        "hazard",
        "team",
        "report",
        "vehicle",
    ]
    options, translations = [], []
    for i, version in enumerate(versions):
        for position, key in enumerate("ABCD"):
            options.append(ItemOption(version=version, key=key, position=position,
                                      fraction=Decimal(1 if key == "A" else 0)))  # fmt: skip
        stem = " ".join(rng.choice(words) for _ in range(12)) + f" question {i}?"
        langs = ["en", "hi"] if i % 5 == 0 else ["en"]
        for lang in langs:
            translations.append(ItemVersionTranslation(
                version=version, language=lang, stem_html=f"<p>{stem}</p>",
                options={k: {"html": f"option {k}", "feedback_html": ""} for k in "ABCD"},
                search_text=stem,
            ))  # fmt: skip
    ItemOption.objects.bulk_create(options, batch_size=2000)
    ItemVersionTranslation.objects.bulk_create(translations, batch_size=2000)
    nos = items[0].nos_id
    return {"curator": curator, "nos": nos, "pc": items[0].performance_criterion_id}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        context = build(args.items)
        print(f"built {args.items} items in {time.perf_counter() - started:.1f}s "
              f"on {connection.vendor}")  # fmt: skip
        client = Client()
        client.force_login(context["curator"])
        cases = {
            "all items, first page": {},
            "QP + status approved": {"qp": "ASC/Q0202", "status": "approved"},
            "NOS + PC": {"nos": context["nos"], "pc": context["pc"]},
            "type + language hi": {"type": "single_choice", "language": "hi"},
            "search 'warranty'": {"q": "warranty"},
            "QP + search + status, page 3": {"qp": "ASC/Q0202", "q": "dealer", "status": "draft",
                                            "p": 3},
        }  # fmt: skip
        worst = 0.0
        for name, query in cases.items():
            timings = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                response = client.get("/admin/items/", query)
                timings.append(time.perf_counter() - t0)
                assert response.status_code == 200, response.status_code
            count = response.context["page"].paginator.count
            best = min(timings)
            worst = max(worst, best)
            print(f"{name:32s} {count:5d} items  best {best * 1000:7.1f} ms  "
                  f"median {sorted(timings)[len(timings) // 2] * 1000:7.1f} ms")  # fmt: skip
        verdict = "PASS" if worst < LIMIT_SECONDS else "FAIL"
        print(
            f"{verdict}: slowest case {worst * 1000:.0f} ms (limit {LIMIT_SECONDS * 1000:.0f} ms)"
        )
        return 0 if verdict == "PASS" else 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    raise SystemExit(main())
