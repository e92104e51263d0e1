"""``manage.py import_items FILE --qp CODE``: import a Moodle XML, GIFT, QTI 3.0 or CSV file.

All or nothing: on any problem every problem is printed with its item and line, and nothing is
written. ``--keep-status`` carries the statuses in the file over (a trusted file, e.g. the demo
bank); otherwise imported items are drafts that go through review.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from question_bank.interchange import FORMATS, ItemImportError, items_import_file


class Command(BaseCommand):
    help = "Import items for a qualification pack from Moodle XML, GIFT, QTI 3.0 (zip) or CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--qp", required=True, help="qualification pack code, e.g. ASC/Q0202")
        parser.add_argument("--format", choices=sorted(FORMATS), default="", help="default: guess")
        parser.add_argument("--keep-status", action="store_true", help="keep the file's statuses")
        parser.add_argument("--user", default="", help="username recorded as the importer")

    def handle(self, *args, file: Path, qp: str, format: str, keep_status: bool, user: str, **kw):  # noqa: A002
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: cannot read: {exc.strerror or exc}") from exc
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"no user {user!r}")
        try:
            result = items_import_file(
                data=data, qualification_pack_code=qp, format=format, filename=file.name,
                user=importer, keep_status=keep_status,
            )  # fmt: skip
        except ItemImportError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{file.name}: {problem}")
            raise CommandError(
                f"{len(exc.problems)} problem(s); nothing was imported from {file}"
            ) from exc
        self.stdout.write(f"{file.name}: {result}")
