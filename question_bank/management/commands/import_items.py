"""``manage.py import_items FILE --qp CODE``: import a Moodle XML, GIFT, QTI 3.0 or CSV file.

Each question that cannot be imported is refused on its own and reported with its title, line
(and file inside a zip) and reason; the others are imported as drafts (untagged ones "to be
tagged"). A file that cannot be read at all changes nothing and exits non-zero. ``--dry-run``
reports without writing; ``--json`` prints the report as JSON; ``--keep-status`` carries the
statuses in the file over (a trusted file, e.g. the demo bank).
"""

from __future__ import annotations

import json as json_module
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
        parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, file: Path, qp: str, format: str, keep_status: bool, user: str,  # noqa: A002
               dry_run: bool = False, json: bool = False, **kw):  # fmt: skip
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
                user=importer, keep_status=keep_status, dry_run=dry_run,
            )  # fmt: skip
        except ItemImportError as exc:
            if json:
                self.stdout.write(json_module.dumps({
                    "questions_found": 0, "imported": 0, "skipped": [],
                    "errors": [p.as_dict() for p in exc.problems],
                }, ensure_ascii=False, indent=2))  # fmt: skip
            for problem in exc.problems:
                self.stderr.write(f"{file.name}: {problem}")
            raise CommandError(
                f"{len(exc.problems)} problem(s); nothing was imported from {file}"
            ) from exc
        if json:
            self.stdout.write(json_module.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        for problem in result.skipped:
            self.stderr.write(f"{file.name}: skipped: {problem}")
        for problem in result.not_modelled:
            self.stdout.write(f"{file.name}: kept, but not modelled: {problem}")
        self.stdout.write(f"{file.name}: {result.questions_found} questions found; {result}")
