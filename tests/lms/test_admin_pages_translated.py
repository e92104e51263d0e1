"""The staff pages we add to the Wagtail admin are translated like Wagtail's own: no literal
English left outside {% trans %}/{% blocktrans %} in their templates (text, the attributes a
person reads or hears, and the header titles passed to Wagtail's include). Codes as published
(QP, NOS, PC, KU, GS), file formats and IRT symbols are not words to translate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

ADMIN_TEMPLATES = [
    "adaptive/templates/adaptive/admin/essays.html",
    "adaptive/templates/adaptive/admin/nos_marks.html",
    "adaptive/templates/adaptive/admin/results.html",
    "adaptive/templates/adaptive/calibration/index.html",
    "adaptive/templates/adaptive/calibration/run.html",
    "adaptive/templates/adaptive/try_again.html",
    "content/templates/content/admin/coverage_index.html",
    "content/templates/content/admin/coverage_report.html",
    "content/templates/content/admin/knowledge_check_preview.html",
    "lms/templates/lms/admin/assessment_assign.html",
    "lms/templates/lms/admin/assign_refused.html",
    "lms/templates/lms/admin/batch_form.html",
    "lms/templates/lms/admin/batch_index.html",
    "question_bank/templates/question_bank/framework/_hindi_rows.html",
    "question_bank/templates/question_bank/framework/hindi_nos.html",
    "question_bank/templates/question_bank/framework/hindi_qualification_pack.html",
    "question_bank/templates/question_bank/framework/import.html",
    "question_bank/templates/question_bank/framework/index.html",
    "question_bank/templates/question_bank/framework/nos.html",
    "question_bank/templates/question_bank/framework/qualification_pack.html",
    "question_bank/templates/question_bank/items/choose_qp.html",
    "question_bank/templates/question_bank/items/coverage.html",
    "question_bank/templates/question_bank/items/detail.html",
    "question_bank/templates/question_bank/items/diff.html",
    "question_bank/templates/question_bank/items/form.html",
    "question_bank/templates/question_bank/items/import.html",
    "question_bank/templates/question_bank/items/import_job.html",
    "question_bank/templates/question_bank/items/index.html",
    "question_bank/templates/question_bank/items/preview.html",
]

# Published codes, formats and brand: the same in Hindi.
NOT_WORDS = {"QP", "NOS", "PC", "PCs", "KU", "KUs", "GS", "CSV", "XLSX", "IRT", "SE", "PL"}
NOT_WORDS |= {"GPCM", "LMS", "Kaushal", "id"}
WORD = re.compile(r"[A-Za-z]{2,}")
# An HTML tag may hold template tags ({% if %} class="..."{% endif %}), whose ">" is not its end.
HTML_TAG = r"<[A-Za-z/!](?:\{%.*?%\}|\{\{.*?\}\}|[^>])*>"
TOKEN = re.compile(rf"({HTML_TAG}|\{{%.*?%\}}|\{{\{{.*?\}}\}}|\{{#.*?#\}})", re.S)
SPOKEN_ATTRIBUTE = re.compile(r'\b(aria-label|title|placeholder|alt)="([^"]*)"')
SKIPPED_BLOCKS = [
    (re.compile(r"<script\b.*?</script>", re.S | re.I)),
    (re.compile(r"<style\b.*?</style>", re.S | re.I)),
    (re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)),
    (re.compile(r"\{%\s*blocktrans\b.*?\{%\s*endblocktrans\s*%\}", re.S)),
    (re.compile(r"\{%\s*trans\s.*?%\}", re.S)),
]


def english_left(source: str) -> list[str]:
    """Each piece of literal English a person would see or hear on the page."""
    for block in SKIPPED_BLOCKS:
        source = block.sub(" ", source)
    found = []
    for piece in TOKEN.split(source):
        if piece.startswith("<"):
            found += [value for _, value in SPOKEN_ATTRIBUTE.findall(piece)]
        elif piece.startswith("{%"):
            if "header.html" in piece:
                found += re.findall(r'\b(?:title|subtitle)="([^"]*)"', piece)
            found += re.findall(r'\bcaption="([^"]*)"', piece)
        elif not piece.startswith(("{{", "{#")):
            found.append(piece)
    texts = (re.sub(r"\{\{.*?\}\}", " ", text) for text in found)
    return [t.strip() for t in texts if any(w not in NOT_WORDS for w in WORD.findall(t))]


@pytest.mark.parametrize("template", ADMIN_TEMPLATES)
def test_admin_page_has_no_untranslated_english(template):
    source = (ROOT / template).read_text(encoding="utf-8")
    assert "{% load i18n" in source or "load i18n" in source.split("\n", 2)[0]
    assert english_left(source) == []


def test_the_check_finds_english_where_it_is_left():
    """The check itself: it would fail on each kind of miss."""
    assert english_left("<p>Save mark</p>") == ["Save mark"]
    assert english_left('<table aria-label="Attempts">') == ["Attempts"]
    assert english_left('{% include "wagtailadmin/shared/header.html" with title="Batches" %}')
    assert english_left("<p>{% trans 'Save' %} {{ n }} QP · NOS/PC</p>") == []
    assert english_left("{% blocktrans with n=n %}{{ n }} rows{% endblocktrans %}") == []
