"""Demo assessments of ASC/Q0202: a unique paper per candidate (LOFT) and an adaptive test.

Idempotent: existing assessments (by slug) are left as they are.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from adaptive.models import Assessment, Delivery
from adaptive.papers import bank_build

DEMO_ASSESSMENTS = [
    {
        "slug": "asc-q0202-theory",
        "title": "Regional Sales Development/CRM Manager: theory paper",
        "qualification_pack_code": "ASC/Q0202",
        "centre": "Demo training centre, Pune",
        "delivery": Delivery.LOFT,
        "length": 30,
        "time_limit_minutes": 45,
        "max_attempts": 2,
    },
    {
        "slug": "asc-q0202-adaptive",
        "title": "Regional Sales Development/CRM Manager: adaptive theory test",
        "qualification_pack_code": "ASC/Q0202",
        "centre": "Demo training centre, Pune",
        "delivery": Delivery.CAT,
        "length": 30,
        "min_length": 12,
        "max_attempts": 3,
        # A practice-style adaptive test: candidates learn from their answers straight away.
        "review_after": "immediately",
    },
]


class Command(BaseCommand):
    help = "Create the demo assessments (needs ASC/Q0202 and the demo bank loaded)."

    def handle(self, *args, **options) -> None:
        if not bank_build(qualification_pack_code="ASC/Q0202").items:
            self.stdout.write("ASC/Q0202 has no approved items: no demo assessment created.")
            return
        for spec in DEMO_ASSESSMENTS:
            assessment, created = Assessment.objects.get_or_create(
                slug=spec["slug"], defaults={k: v for k, v in spec.items() if k != "slug"}
            )
            verb = "Created" if created else "Kept"
            self.stdout.write(f"{verb} assessment {assessment.slug}: /assess/{assessment.slug}/")
