"""``manage.py load_demo_content``: the demo courses (run by ``demo_setup`` after the seed import).

Creates the course index (with editor/reviewer permissions and the lesson review workflow), the
ASC/Q0202 course with one written, published lesson per NOS, and the SSC/Q2211 course skeleton
(modules only). Idempotent: existing courses get missing modules, existing lessons are left as
editors may have changed them.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Locale

from content.demo_lessons import (
    DEMO_COURSE_TITLE_HI,
    DEMO_LESSONS,
    DEMO_MODULE_TITLES_HI,
    DEMO_QP_CODE,
    DEMO_TRANSLATIONS_HI,
    SKELETON_QP_CODE,
)
from content.models import LessonPage, ModulePage
from content.services import (
    course_create,
    course_index_ensure,
    lesson_create_or_update,
    lesson_translate,
    page_aliases_sync,
    page_title_translate,
)
from question_bank.models import QualificationPack


class Command(BaseCommand):
    help = "Create the demo courses (ASC/Q0202 with lessons, SSC/Q2211 skeleton). Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        # Hindi pages live in a Hindi tree: with the locale in place, every page created below
        # gets a Hindi alias (showing the English text until translated).
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
            Locale.objects.get_or_create(language_code=code)
        index = course_index_ensure()
        for page in index.get_descendants(inclusive=True).filter(locale=index.locale):
            page_aliases_sync(page=page)  # pages made before the locale existed
        for code in (DEMO_QP_CODE, SKELETON_QP_CODE):
            qualification_pack = QualificationPack.objects.filter(
                code=code, is_current=True
            ).first()
            if qualification_pack is None:
                self.stdout.write(
                    self.style.WARNING(f"{code} is not imported: no demo course for it.")
                )
                continue
            course = course_create(qualification_pack=qualification_pack, course_index=index)
            written = 0
            if code == DEMO_QP_CODE:
                for module in ModulePage.objects.child_of(course).specific():
                    for slug, title, summary, body, tags in DEMO_LESSONS.get(module.nos.code, []):
                        if LessonPage.objects.child_of(module).filter(slug=slug).exists():
                            continue
                        lesson_create_or_update(
                            module=module,
                            slug=slug,
                            title=title,
                            summary=summary,
                            body=body,
                            tags=tags,
                        )
                        written += 1
            if code == DEMO_QP_CODE:
                self._translate_demo_lessons(course)
            self.stdout.write(
                f"Course {code} at {course.url_path}: "
                f"{course.get_children().count()} modules, {written} lessons added"
            )

    def _translate_demo_lessons(self, course):
        hindi = Locale.objects.filter(language_code="hi").first()
        if hindi is None:
            return
        for (nos_code, slug), (title, summary, body) in DEMO_TRANSLATIONS_HI.items():
            module = ModulePage.objects.child_of(course).filter(nos__code=nos_code).first()
            if module is None:
                continue
            lesson = LessonPage.objects.child_of(module).filter(slug=slug).first()
            translated = lesson.get_translation_or_none(hindi) if lesson else None
            if translated is None or not translated.alias_of_id:
                continue  # no lesson, or already translated (maybe edited since): leave it
            lesson_translate(page=translated, title=title, summary=summary, body=body)
            self.stdout.write(f"Hindi translation of {slug!r} published")
        # The course and its modules get Hindi titles (a translated page is left as it is).
        pages = [(course, DEMO_COURSE_TITLE_HI)] + [
            (module, DEMO_MODULE_TITLES_HI[module.nos.code])
            for module in ModulePage.objects.child_of(course).specific()
            if module.nos.code in DEMO_MODULE_TITLES_HI
        ]
        for page, title in pages:
            translated = page.get_translation_or_none(hindi)
            if translated is not None and translated.alias_of_id:
                page_title_translate(page=translated, title=title)
