"""Differential item functioning of a QP's bank between two groups of candidates (issue 14):

    python manage.py item_dif ASC/Q0202 --by language --focal hi --reference en
    python manage.py item_dif ASC/Q0202 --by centre --focal "Agra centre"
    python manage.py item_dif ASC/Q0202 --by user --groups genders.csv --focal F --reference M

``--groups``: a CSV of ``username,group`` rows (e.g. gender from the LMS roster; the platform stores
none). Right/wrong items get the Mantel-Haenszel D-DIF, partial-credit items Mantel's test and the
standardized mean difference (``adaptive.dif``). Prints one line per item (``--json``: a list of
objects); items flagged C first.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from adaptive.dif import GROUPINGS, item_dif
from question_bank.models import Item

ORDER = {"C": 0, "B": 1, "A": 2, None: 3}


def _user_groups(path: str) -> dict[int, str]:
    """username,group rows -> user pk -> group; unknown usernames are an error, not skipped."""
    try:
        with Path(path).open(newline="", encoding="utf-8") as fh:
            rows = [r for r in csv.reader(fh) if r and r[0].strip()]
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["username", "group"]:
        rows = rows[1:]
    if any(len(r) < 2 or not r[1].strip() for r in rows):
        raise CommandError(f"{path}: every row needs a username and a group")
    names = {r[0].strip(): r[1].strip() for r in rows}
    users = dict(get_user_model().objects.filter(username__in=names).values_list("username", "pk"))
    unknown = sorted(set(names) - set(users))
    if unknown:
        raise CommandError(f"{path}: no such user(s): {', '.join(unknown[:10])}")
    return {users[name]: group for name, group in names.items()}


class Command(BaseCommand):
    help = (
        "DIF of a QP's bank between two groups (language, centre, users): Mantel-Haenszel "
        "for right/wrong items, Mantel's test for partial-credit items."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("qualification_pack")
        parser.add_argument("--by", choices=GROUPINGS, required=True)
        parser.add_argument("--focal", required=True)
        parser.add_argument("--reference", help="default: everyone not in the focal group")
        parser.add_argument("--groups", help="CSV of username,group (needed with --by user)")
        parser.add_argument("--min-per-group", type=int, default=20)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options) -> None:
        groups = _user_groups(options["groups"]) if options["groups"] else None
        try:
            rows = item_dif(
                qualification_pack_code=options["qualification_pack"],
                by=options["by"],
                focal=options["focal"],
                reference=options["reference"],
                user_groups=groups,
                min_per_group=options["min_per_group"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows.sort(key=lambda r: (ORDER[r.category], -abs(r.delta or 0.0)))
        if options["json"]:
            self.stdout.write(json.dumps([asdict(r) for r in rows], indent=2))
            return
        names = dict(Item.objects.filter(pk__in=[r.item_id for r in rows]).values_list("pk", "uid"))
        reference = options["reference"] or "the rest"
        self.stdout.write(f"DIF {options['focal']} against {reference} (by {options['by']})")
        for r in rows:
            verdict = "too few answers" if r.category is None else f"ETS {r.category}"
            delta = ""
            if r.delta is not None:
                delta = f", MH D-DIF {r.delta:+.2f}, p {r.p_value:.3g}"
            elif r.smd is not None:  # a partial-credit item: Mantel's test
                size = "" if r.effect_size is None else f", SMD/SD {r.effect_size:+.2f}"
                delta = f", Mantel SMD {r.smd:+.3f}{size}, p {r.p_value:.3g}"
            self.stdout.write(
                f"item {r.item_id} ({names.get(r.item_id, '')}): {verdict}{delta} "
                f"[{r.n_focal} focal, {r.n_reference} reference answers]"
            )
