"""Seed the load benchmark's database: the seeds, the demo bank, the demo LOFT and CAT
assessments, and N candidates in one batch assigned to both (a window open now).

Run by ``benchmarks/load/run.py`` in a subprocess with the production settings, after
``migrate``; prints one JSON line: the usernames, the password and the two assessments' slugs.
Reuses the demo builders (``demo_setup``'s seed import, ``load_demo_bank``,
``load_demo_assessments``) so the benchmark sits the same bank a demo shows.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

PASSWORD = "kaushal-load"  # noqa: S105 - benchmark accounts in a throwaway database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, required=True)
    parser.add_argument("--seeds", type=Path, default=REPO.parent / "shared" / "seeds")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role, user_assign_role
    from adaptive.management.commands.load_demo_assessments import DEMO_ASSESSMENTS
    from adaptive.models import Assessment, AssessmentAssignment, Reassessment
    from lti.models import Batch, BatchMembership, TrainingCentre

    paths = sorted(str(p) for p in args.seeds.glob("*.txt"))
    if not paths:
        raise SystemExit(f"no seed documents in {args.seeds}")
    call_command("import_qp", *paths, verbosity=0, stdout=sys.stderr)
    call_command("load_demo_bank", stdout=sys.stderr)
    call_command("load_demo_assessments", stdout=sys.stderr)
    slugs = {spec["delivery"]: spec["slug"] for spec in DEMO_ASSESSMENTS}
    assessments = list(Assessment.objects.filter(slug__in=slugs.values()))
    if len(assessments) != 2:
        raise SystemExit("the demo assessments were not created (is ASC/Q0202 in the seeds?)")

    with transaction.atomic():
        password = make_password(PASSWORD)  # hashed once: the same hash for every candidate
        users = User.objects.bulk_create(
            [
                User(username=f"load{k:04d}", password=password, full_name=f"Load candidate {k}")
                for k in range(args.candidates)
            ]
        )
        for user in users:
            user_assign_role(user=user, role=Role.LEARNER, staff=False)
        centre, _ = TrainingCentre.objects.get_or_create(
            code="load", defaults={"name": "Load test centre", "time_zone": "Asia/Kolkata"}
        )
        batch = Batch.objects.create(
            name="Load test batch", qualification_pack_code="ASC/Q0202", centre=centre
        )
        BatchMembership.objects.bulk_create(
            [BatchMembership(batch=batch, user=u, role=BatchMembership.Role.LEARNER) for u in users]
        )
        now = timezone.now()
        AssessmentAssignment.objects.bulk_create(
            [
                AssessmentAssignment(
                    assessment=a,
                    batch=batch,
                    opens_at=now - timedelta(hours=1),
                    closes_at=now + timedelta(days=1),
                    attempts_allowed=1,
                    reassessment=Reassessment.NONE,
                )
                for a in assessments
            ]
        )
    print(
        json.dumps(
            {
                "usernames": [u.username for u in users],
                "password": PASSWORD,
                "loft": slugs["loft"],
                "cat": slugs["cat"],
            }
        )
    )


if __name__ == "__main__":
    main()
