"""``manage.py import_qp PATH [PATH ...]``: import qualification documents in one transaction."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from question_bank.services import DocumentError, documents_import


class _DryRunRollbackError(Exception):
    """Raised to roll back a dry run."""


def read_document(path: Path) -> str:
    """Read a document as text; binary or non-UTF-8 input is a clear error, not a crash."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if b"\x00" in raw:
        raise CommandError(f"{path}: this is a binary file, not a text document")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not UTF-8 text (byte {exc.start})") from exc


class Command(BaseCommand):
    help = (
        "Import QP/NOS documents (NSQC QPs, course outlines, IT-ITeS OS packs, Hong Kong units "
        "of competency). All documents are imported in one transaction and a validation report "
        "is printed; a document that cannot be understood changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and report, write nothing"
        )

    def handle(self, *args, paths: list[Path], dry_run: bool, **options) -> None:
        documents = [(str(path), read_document(path)) for path in paths]
        try:
            with transaction.atomic():
                reports = documents_import(documents=documents)
                if dry_run:
                    raise _DryRunRollbackError
        except _DryRunRollbackError:
            pass
        except DocumentError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from exc
        for report in reports:
            self.stdout.write(report.as_text())
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
