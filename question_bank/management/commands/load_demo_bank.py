"""``manage.py load_demo_bank``: load the shipped demo items (ASC/Q0202 as GIFT, SSC/Q2211 as
Moodle XML) after the seed documents are imported. Idempotent: items are matched by their id, so
a second run reports them unchanged. ``demo_setup`` calls this by name."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from question_bank.interchange import ItemImportError, items_import_file
from question_bank.items.selectors import qualification_pack_current

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo_bank"
DEMO_FILES = [
    ("ASC/Q0202", "asc_q0202.gift.txt", "gift"),
    ("SSC/Q2211", "ssc_q2211.xml", "moodle"),
]


class Command(BaseCommand):
    help = "Load the demo item banks for ASC/Q0202 and SSC/Q2211 (run after importing the seeds)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--strict", action="store_true", help="fail (instead of skipping) if a QP is missing"
        )

    def handle(self, *args, strict: bool, **options) -> None:
        for code, name, fmt in DEMO_FILES:
            if qualification_pack_current(code=code) is None:
                message = f"{code} is not imported (run import_qp on the seeds first)"
                if strict:
                    raise CommandError(message)
                self.stdout.write(self.style.WARNING(f"{message}; skipping {name}"))
                continue
            try:
                result = items_import_file(
                    data=(DEMO_DIR / name).read_bytes(), qualification_pack_code=code, strict=True,
                    format=fmt, filename=name, keep_status=True,
                )  # fmt: skip
            except ItemImportError as exc:
                for problem in exc.problems:
                    self.stderr.write(f"{name}: {problem}")
                raise CommandError(f"the demo bank {name} could not be loaded") from exc
            self.stdout.write(f"{code}: {name}: {result}")
