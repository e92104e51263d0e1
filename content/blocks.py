"""StreamField blocks of a lesson body.

Text, media and structure blocks are plain Wagtail blocks. ``KnowledgeCheckBlock`` stores at most
the items an editor pinned (by item, not version): at render time it shows their current approved
versions first, then draws approved practice items from the question bank for the performance
criteria, knowledge items and generic skills the lesson is tagged with, so a lesson always shows
the bank's current approved versions, and records what it served
(``content.services.knowledge_check_serve``).
"""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from .choosers import ItemChooserBlock

TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        help_text=_(
            "What the image shows, for people who cannot see it. Leave empty only if "
            "the image is purely decorative."
        ),
        required=False,
        max_length=250,
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "content/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(help_text=_("Link to the video (YouTube, Vimeo...)."))
    title = blocks.CharBlock(
        max_length=200, help_text=_("Names the video for screen readers and the page outline.")
    )
    transcript = blocks.RichTextBlock(features=TEXT_FEATURES, required=False)

    class Meta:
        icon = "media"
        template = "content/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    description = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "doc-full"
        template = "content/blocks/document.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("tip", _("Tip")), ("important", _("Important")), ("safety", _("Safety"))],
        default="tip",
    )
    title = blocks.CharBlock(required=False, max_length=200)
    text = blocks.RichTextBlock(features=TEXT_FEATURES)

    class Meta:
        icon = "warning"
        template = "content/blocks/callout.html"


class WorkedExampleBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    situation = blocks.RichTextBlock(features=TEXT_FEATURES)
    steps = blocks.ListBlock(blocks.TextBlock(), min_num=1)
    outcome = blocks.RichTextBlock(features=TEXT_FEATURES, required=False)

    class Meta:
        icon = "list-ol"
        template = "content/blocks/worked_example.html"


class PinnedItemsBlock(blocks.ListBlock):
    """A list of pinned items that may be absent from a POST: an editor form opened before
    pinning existed (or a hand-written POST) simply pins nothing."""

    def value_from_datadict(self, data, files, prefix):
        if self.value_omitted_from_data(data, files, prefix):
            return self.normalize([])
        return super().value_from_datadict(data, files, prefix)


class KnowledgeCheckBlock(blocks.StructBlock):
    """Formative questions drawn from the bank for what the lesson teaches."""

    title = blocks.CharBlock(max_length=200, default=_("Check your understanding"))
    number_of_questions = blocks.IntegerBlock(min_value=1, max_value=10, default=3)
    pinned_items = PinnedItemsBlock(
        ItemChooserBlock(),
        default=[],
        label=_("Pinned questions"),
        help_text=_(
            "Optional: questions always shown first (approved practice questions only). "
            "The rest are drawn from the bank for what the lesson teaches; “Preview the "
            "knowledge check” in the page's menu shows what it would draw now."
        ),
    )

    class Meta:
        icon = "help"
        template = "content/blocks/knowledge_check.html"

    def get_context(self, value, parent_context=None):
        """Serving is a write (it records what this page view showed, so the check endpoint
        answers for nothing else); it happens here because each render is one serving."""
        from .services import knowledge_check_serve

        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        page = parent_context.get("page")
        request = parent_context.get("request")
        questions: list[dict] = []
        token = ""
        if page is not None and hasattr(page, "knowledge_items"):
            served = knowledge_check_serve(
                user=getattr(request, "user", None),
                lesson=page,
                limit=value["number_of_questions"],
                language=get_language() or "en",
                pinned_item_ids=pinned_item_ids(value),
            )
            questions, token = served.questions, served.token
        context["questions"] = questions
        context["token"] = token
        context["lesson"] = page
        return context


def pinned_item_ids(value) -> list[int]:
    """The pinned items' ids in the editor's order (a deleted item is simply left out)."""
    return [item.pk for item in value.get("pinned_items") or [] if item is not None]


class LessonStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(features=TEXT_FEATURES, icon="pilcrow")
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    worked_example = WorkedExampleBlock()
    knowledge_check = KnowledgeCheckBlock()
