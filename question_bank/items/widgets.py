"""A small rich-text editor for item stems, options and feedback.

The field stays a textarea holding HTML (what interchange formats carry and what the server
sanitises, ``items.html.html_sanitise``); with JavaScript the textarea is replaced by an editable
region with a toolbar (bold, italic, underline, lists, sub/superscript, link, image). Images are
inserted as ``data:`` URLs, which the sanitiser accepts and Moodle XML/QTI exports embed. Wagtail's
Draftail is not used here because it stores images as references to Wagtail's image library,
which item interchange cannot carry.
"""

from __future__ import annotations

from django import forms

MAX_IMAGE_BYTES = 512 * 1024


class RichHtmlTextarea(forms.Textarea):
    template_name = "question_bank/widgets/rich_html.html"

    def __init__(self, attrs: dict | None = None, *, compact: bool = False) -> None:
        super().__init__({"rows": 1 if compact else 3, **(attrs or {})})
        # Compact: one line high, toolbar shown only while the field has focus (option rows).
        self.compact = compact

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["max_image_bytes"] = MAX_IMAGE_BYTES
        context["compact"] = self.compact
        return context

    class Media:
        js = ("question_bank/rich_html.js",)
        css = {"all": ("question_bank/rich_html.css",)}
