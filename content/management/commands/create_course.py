"""``python manage.py create_course ASC/Q0202``: a course for an imported QP, one module per NOS."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from content.services import course_create_for_code


class Command(BaseCommand):
    help = "Create (or complete) the course for an imported qualification pack, by QP code."

    def add_arguments(self, parser):
        parser.add_argument("code", help="QP code as published, e.g. ASC/Q0202")

    def handle(self, *args, code: str, **options):
        try:
            course = course_create_for_code(code=code)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        modules = course.get_children().count()
        self.stdout.write(
            f"Course {course.title!r} ({code}) at {course.url_path}: {modules} modules"
        )
