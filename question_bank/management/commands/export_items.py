"""``manage.py export_items --qp CODE --format F [--output FILE]``: export a QP's items."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from question_bank.interchange import FORMATS, items_export
from question_bank.models import ItemStatus


class Command(BaseCommand):
    help = "Export the latest version of every item of a QP as Moodle XML, GIFT, QTI 3.0 or CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--qp", required=True)
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--status", choices=ItemStatus.values, default="")
        parser.add_argument("--output", type=Path, help="default: standard output")

    def handle(self, *args, qp: str, format: str, status: str, output: Path | None, **kw):  # noqa: A002
        try:
            data = items_export(qualification_pack_code=qp, format=format, status=status)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if output:
            output.write_bytes(data)
            self.stdout.write(f"wrote {output}")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
