"""``manage.py load_demo_bank``: load the shipped demo items (ASC/Q0202 as GIFT, SSC/Q2211 as
Moodle XML) after the seed documents are imported. Idempotent: items are matched by their id, so
a second run reports them unchanged. ``demo_setup`` calls this by name.

The graded banks are summative items (the default purpose); ``asc_q0202_practice.gift.txt``
holds separate practice items for the demo lessons' knowledge checks, which show keys after
answering and so must never share items with an assessment. The files carry no purpose of
their own (the interchange formats have none), so this loader sets it from the file it came
from. ``asc_q0202_trainer_drafts.gift.txt`` is a trainer's own untagged file (drafts to be
tagged, with suggestions) and three questions submitted for review, so the curator and the
reviewer have work waiting.

``asc_q0202_hindi.csv`` is the Hindi of ASC/Q0202's QP, NOS and element titles and PCs, in
the curators' Hindi sheet format (``question_bank.interchange.hindi_sheet``), imported the way a
curator imports it; its KUs and GS stay English, so the demo also shows the fallback.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from question_bank.interchange import FORMATS, ItemImportError, hindi_sheet, items_import_file
from question_bank.items.selectors import qualification_pack_current
from question_bank.models import Item, ItemPurpose
from question_bank.translations import framework_texts

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo_bank"
DEMO_FILES = [
    ("ASC/Q0202", "asc_q0202.gift.txt", "gift", ItemPurpose.SUMMATIVE),
    ("ASC/Q0202", "asc_q0202_practice.gift.txt", "gift", ItemPurpose.PRACTICE),
    ("ASC/Q0202", "asc_q0202_trainer_drafts.gift.txt", "gift", ItemPurpose.SUMMATIVE),
    ("SSC/Q2211", "ssc_q2211.xml", "moodle", ItemPurpose.SUMMATIVE),
]
DEMO_HINDI = [("ASC/Q0202", "asc_q0202_hindi.csv")]


class Command(BaseCommand):
    help = "Load the demo item banks for ASC/Q0202 and SSC/Q2211 (run after importing the seeds)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--strict", action="store_true", help="fail (instead of skipping) if a QP is missing"
        )

    def handle(self, *args, strict: bool, **options) -> None:
        for code, name, fmt, purpose in DEMO_FILES:
            if qualification_pack_current(code=code) is None:
                message = f"{code} is not imported (run import_qp on the seeds first)"
                if strict:
                    raise CommandError(message)
                self.stdout.write(self.style.WARNING(f"{message}; skipping {name}"))
                continue
            data = (DEMO_DIR / name).read_bytes()
            try:
                result = items_import_file(
                    data=data, qualification_pack_code=code, strict=True, format=fmt,
                    filename=name, keep_status=True,
                )  # fmt: skip
            except ItemImportError as exc:
                for problem in exc.problems:
                    self.stderr.write(f"{name}: {problem}")
                raise CommandError(f"the demo bank {name} could not be loaded") from exc
            uids = [r.uid for r in FORMATS[fmt].parse(data, source=name) if r.uid]
            Item.objects.filter(uid__in=uids).exclude(purpose=purpose).update(purpose=purpose)
            self.stdout.write(f"{code}: {name}: {result}")
        self._load_hindi()

    def _load_hindi(self) -> None:
        for code, name in DEMO_HINDI:
            pack = qualification_pack_current(code=code)
            if pack is None:
                continue  # said above
            report = hindi_sheet.sheet_import(
                texts=framework_texts(qualification_pack=pack),
                data=(DEMO_DIR / name).read_bytes(),
                name=name,
            )
            if report.errors:
                for line, message in report.errors:
                    self.stderr.write(f"{name}: row {line}: {message}")
                raise CommandError(f"the demo Hindi texts {name} could not be loaded")
            self.stdout.write(
                f"{code}: {name}: {len(report.updated)} Hindi texts set, "
                f"{report.unchanged} unchanged"
            )
