"""Wagtail page tests: where each page type may be created, and that pages route, render, edit
and preview; lesson tagging limited to the module's NOS in the admin form."""

from __future__ import annotations

from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from content.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from content.services import LessonTags, course_create, lesson_create_or_update

from .factories import Role, UserFactory, framework_build


def _lesson_form_data(slug: str, knowledge_item_ids: list[int]) -> dict:
    data = nested_form_data(
        {
            "title": slug.replace("-", " ").capitalize(),
            "slug": slug,
            "summary": "",
            "body": streamfield([("text", rich_text("<p>Hello</p>"))]),
        }
    )
    data["knowledge_items"] = [str(pk) for pk in knowledge_item_ids]
    return data


class CoursePagesTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.qualification_pack = framework_build()
        cls.course = course_create(qualification_pack=cls.qualification_pack)
        cls.index = cls.course.get_parent().specific
        cls.modules = list(ModulePage.objects.child_of(cls.course).specific())
        cls.lesson = lesson_create_or_update(
            module=cls.modules[0],
            slug="first",
            title="First lesson",
            summary="Summary",
            body=[
                {"type": "text", "value": "<h2>Heading</h2><p>Body text.</p>"},
                {
                    "type": "callout",
                    "value": {"kind": "safety", "title": "Careful", "text": "<p>Hot.</p>"},
                },
                {
                    "type": "worked_example",
                    "value": {
                        "title": "Example",
                        "situation": "<p>A case.</p>",
                        "steps": ["One", "Two"],
                        "outcome": "<p>Done.</p>",
                    },
                },
                {"type": "knowledge_check", "value": {"title": "Check", "number_of_questions": 2}},
            ],
            tags=LessonTags(knowledge_items=("KU1",), generic_skills=("GS1",)),
        )
        cls.learner = UserFactory(role=Role.LEARNER)

    def test_page_types_nest_course_module_lesson(self):
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage})
        self.assertAllowedSubpageTypes(ModulePage, {LessonPage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertCanCreateAt(Page, CourseIndexPage)
        self.assertCanNotCreateAt(Page, LessonPage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)
        self.assertCanNotCreateAt(CoursePage, LessonPage)

    def test_a_lesson_can_be_created_under_a_module_in_the_admin(self):
        module = self.modules[0]
        ku = module.nos.knowledge_items.get(code="KU2")
        self.client.force_login(UserFactory(is_superuser=True, is_staff=True))
        self.assertCanCreate(module, LessonPage, _lesson_form_data("written-in-the-admin", [ku.pk]))
        created = LessonPage.objects.get(slug="written-in-the-admin")
        self.assertEqual(list(created.knowledge_items.all()), [ku])

    def test_pages_are_routable_renderable_editable_and_previewable(self):
        for page in (self.index, self.course, self.modules[0], self.lesson):
            with self.subTest(page=page.specific_class.__name__):
                self.assertPageIsRoutable(page)
                self.assertPageIsRenderable(page, user=self.learner)
                edit_data = _lesson_form_data(page.slug, []) if page.pk == self.lesson.pk else None
                self.assertPageIsEditable(page, post_data=edit_data)
                self.assertPageIsPreviewable(page, post_data=edit_data)

    def test_lesson_renders_its_blocks_and_what_it_covers(self):
        self.client.force_login(self.learner)
        html = self.client.get(self.lesson.url).content.decode()
        self.assertIn("<h1>First lesson</h1>", html)
        self.assertIn('class="callout callout-safety"', html)
        self.assertIn("Worked example: Example", html)
        self.assertIn("No practice questions are available", html)
        self.assertIn("<strong>KU1</strong>", html)

    def test_admin_form_offers_only_the_modules_nos_items(self):
        self.client.force_login(UserFactory(is_superuser=True, is_staff=True))
        add_url = reverse(
            "wagtailadmin_pages:add", args=("content", "lessonpage", self.modules[0].pk)
        )
        form = self.client.get(add_url).context["form"]
        own = set(self.modules[0].nos.knowledge_items.values_list("pk", flat=True))
        self.assertEqual(
            set(form.fields["knowledge_items"].queryset.values_list("pk", flat=True)), own
        )

    def test_admin_form_refuses_an_item_of_another_nos(self):
        self.client.force_login(UserFactory(is_superuser=True, is_staff=True))
        foreign = self.modules[1].nos.knowledge_items.first()
        add_url = reverse(
            "wagtailadmin_pages:add", args=("content", "lessonpage", self.modules[0].pk)
        )
        response = self.client.post(add_url, _lesson_form_data("forged", [foreign.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["knowledge_items"])
        self.assertFalse(LessonPage.objects.filter(slug="forged").exists())

    def test_a_new_lesson_can_be_previewed_before_it_is_saved(self):
        self.client.force_login(UserFactory(is_superuser=True, is_staff=True))
        url = reverse(
            "wagtailadmin_pages:preview_on_add",
            args=("content", "lessonpage", self.modules[0].pk),
        )
        data = _lesson_form_data("unsaved-lesson", [])
        data["body-count"] = "2"
        data.update(
            {
                "body-1-type": "knowledge_check",
                "body-1-deleted": "",
                "body-1-order": "1",
                "body-1-value-title": "Check",
                "body-1-value-number_of_questions": "2",
            }
        )
        self.assertEqual(self.client.post(url, data).json()["is_valid"], True)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>Unsaved lesson</h1>", html=False)
        self.assertNotContains(response, "Mark lesson as complete")
