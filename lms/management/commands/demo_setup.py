"""``manage.py demo_setup``: everything ``make demo`` needs after ``migrate``.

Imports the seed documents, creates one demo account per role and prints them, then loads the
demo question bank and course content when those apps provide their loaders, and builds the demo
world of centres, batches and simulated candidates (``lms.demo_world``). Idempotent.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.roles import Role, user_assign_role
from lms.demo_world import demo_world_build
from question_bank.management.commands.import_qp import read_document
from question_bank.services import DocumentError, documents_import

DEMO_PASSWORD = "kaushal-demo"  # noqa: S105 - demo accounts only, printed on purpose
DEMO_ACCOUNTS: list[tuple[str, str, Role]] = [
    ("admin", "Asha Administrator", Role.ADMINISTRATOR),
    ("curator", "Chitra Curator (SSC)", Role.SSC_CURATOR),
    ("reviewer", "Ravi Reviewer (SSC)", Role.SSC_CURATOR),
    ("editor", "Esha Editor", Role.CONTENT_EDITOR),
    ("trainer", "Tarun Trainer", Role.TRAINER),
    ("trainer2", "Tanvi Trainer", Role.TRAINER),
    ("centre", "Chandra Centre-Admin", Role.TRAINER),
    ("assessor", "Anil Assessor", Role.ASSESSOR),
    ("learner", "Lata Learner", Role.LEARNER),
]


# What each demo account finds after logging in (all land on /dashboard/).
DEMO_LOOK_AT = {
    "admin": "everything: /dashboard/, /admin/",
    "curator": "/admin/ Item bank (statistics, IRT, flags), Calibration",
    "reviewer": "/admin/ Item bank review",
    "editor": "/admin/ courses and Course coverage",
    "trainer": "/trainer/ two Pune batches: heatmap, PCs, learners",
    "trainer2": "/trainer/ the Dubai batch (and not the Pune ones)",
    "centre": "/trainer/ every batch of the Pune centre; /admin/ Batches",
    "assessor": "/admin/ Assessments -> results; /assess/ previews",
    "learner": "/assess/ (a CAT open now), /me/progress/",
}


class Command(BaseCommand):
    help = "Import the seed documents, create demo accounts and load demo content."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--seeds",
            type=Path,
            default=Path(settings.BASE_DIR).parent / "shared" / "seeds",
            help="folder of seed documents (default: ../shared/seeds)",
        )

    def handle(self, *args, seeds: Path, **options) -> None:
        self._import_seeds(seeds)
        self._create_accounts()
        for loader in ("load_demo_bank", "load_demo_content", "load_demo_assessments"):
            if loader in get_commands():
                self.stdout.write(f"Running {loader} ...")
                call_command(loader, stdout=self.stdout, stderr=self.stderr)
        self.stdout.write("Building the demo world (centres, batches, candidates, results) ...")
        demo_world_build(say=self.stdout.write)
        self._print_accounts()

    def _import_seeds(self, seeds: Path) -> None:
        paths = sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
        if not paths:
            self.stdout.write(
                self.style.WARNING(
                    f"No seed documents found in {seeds}: starting without imported "
                    "qualifications. Import some later with `manage.py import_qp PATH`."
                )
            )
            return
        documents = [(path.name, read_document(path)) for path in paths]
        try:
            reports = documents_import(documents=documents)
        except DocumentError as exc:
            raise CommandError(f"Seed import failed, nothing imported: {exc}") from exc
        for report in reports:
            self.stdout.write(report.as_text())

    def _create_accounts(self) -> None:
        for username, full_name, role in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"full_name": full_name, "email": f"{username}@kaushal.example"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                if role == Role.ADMINISTRATOR:
                    user.is_superuser = True
                user.save()
            user_assign_role(user=user, role=role)

    def _print_accounts(self) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo accounts (password for all: kaushal-demo)"))
        for username, full_name, role in DEMO_ACCOUNTS:
            look = DEMO_LOOK_AT.get(username, "")
            self.stdout.write(f"  {role.value:<15} {username:<10} {full_name:<22} {look}")
        self.stdout.write("")
        self.stdout.write(
            "Log in at /accounts/login/: everyone lands on /dashboard/ "
            "(make demo serves http://127.0.0.1:8000 by default)."
        )
