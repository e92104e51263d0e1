"""``manage.py export_qp CODE [CODE ...] | --all [--format FMT] [--output FILE_OR_DIRECTORY]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from question_bank.exporters import (
    FORMATS,
    ExportError,
    qualification_pack_export,
    qualification_pack_export_files,
)


class Command(BaseCommand):
    help = (
        "Export current qualification packs and standalone units (Hong Kong units of competency) "
        "as canonical JSON, a Moodle competency framework CSV, or 1EdTech CASE 1.1 packages. "
        "Prints to standard output, or writes --output FILE; if --output is an existing "
        "directory, writes one file per QP/unit there (Moodle imports one framework per file)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("codes", nargs="*", help="QP or unit codes, e.g. ASC/Q0202 108799L6")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="export_all",
            help="every current QP and standalone unit",
        )
        parser.add_argument("--format", choices=FORMATS, default="json", dest="fmt")
        parser.add_argument(
            "--output", type=Path, help="a file, or an existing directory for one file per QP"
        )

    def handle(
        self, *args, codes: list[str], export_all: bool, fmt: str, output: Path | None, **options
    ) -> None:
        if export_all and codes:
            raise CommandError("give either codes or --all, not both")
        if not export_all and not codes:
            raise CommandError("give one or more QP/unit codes, or --all")
        wanted = None if export_all else codes
        try:
            if output is not None and output.is_dir():
                files = qualification_pack_export_files(codes=wanted, fmt=fmt)
            else:
                files = {"": qualification_pack_export(codes=wanted, fmt=fmt)}
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        if output is None:
            self.stdout.write(files[""], ending="")
            return
        for name, text in files.items():
            path = output / name if name else output
            try:
                path.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{path}: cannot write: {exc.strerror or exc}") from exc
            self.stderr.write(f"Wrote {path}")
