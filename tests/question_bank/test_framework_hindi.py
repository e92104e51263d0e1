# ruff: noqa: F811  (the asc_q0202 fixture is imported from the factories)
"""The framework's Hindi texts: the one choice of text per language, the curators' Hindi sheet
(template, import, dry run, errors), the admin pages beside the English, new revisions keeping
the Hindi of unchanged texts, and the demo's Hindi for ASC/Q0202."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accounts.roles import Role
from question_bank.interchange import hindi_sheet
from question_bank.models import (
    Element,
    KnowledgeItem,
    NationalOccupationalStandard,
    PerformanceCriterion,
    QualificationPack,
)
from question_bank.services import document_import
from question_bank.translations import FrameworkText, framework_text, framework_texts
from tests.question_bank.factories import ASC, SEEDS_DIR, asc_q0202, user_in  # noqa: F401

pytestmark = pytest.mark.django_db


def _nos(code: str) -> NationalOccupationalStandard:
    return NationalOccupationalStandard.objects.get(code=code, is_current=True)


def _pc(nos_code: str, position: int) -> PerformanceCriterion:
    return PerformanceCriterion.objects.get(
        nos__code=nos_code, nos__is_current=True, position=position
    )


def _sheet(texts, hindi: dict) -> bytes:
    """The CSV template with the Hindi of the texts whose key is in ``hindi`` filled in."""
    rows = list(csv.reader(io.StringIO(hindi_sheet.render_csv(texts).decode("utf-8-sig"))))
    for row in rows[1:]:
        key = (row[0], row[1], int(row[2]) if row[2] else None)
        if key in hindi:
            row[5] = hindi[key]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


# -- the one choice ------------------------------------------------------------------------------


def test_hindi_pages_show_the_hindi_and_fall_back_to_english_per_text(asc_q0202):
    nos = _nos("ASC/N0001")
    nos.title_hi = "टीम में काम"
    nos.save()
    pc = _pc("ASC/N0001", 1)
    pc.text_hi = "   "  # blank in all but name: never an empty heading
    pc.save()
    assert framework_text(nos, language="hi") == "टीम में काम"
    assert framework_text(nos, language="hi-in") == "टीम में काम"
    assert framework_text(nos, language="en") == nos.title
    assert framework_text(pc, language="hi") == pc.text
    row = {"nos_title": "Plan work", "nos_title_hi": "काम की योजना"}
    assert framework_text(row, "nos_title", language="hi") == "काम की योजना"
    assert framework_text({"nos_title": "Plan work"}, "nos_title", language="hi") == "Plan work"
    with translation.override("hi"):
        out = Template("{% load framework_text %}{{ nos|framework_text }}|{{ pc|framework_text }}")
        assert out.render(Context({"nos": nos, "pc": pc})) == f"टीम में काम|{pc.text}"
    with translation.override("en"):
        assert out.render(Context({"nos": nos, "pc": pc})) == f"{nos.title}|{pc.text}"


# -- the Hindi sheet -----------------------------------------------------------------------------


def test_template_lists_every_text_of_the_qp_with_its_english(asc_q0202):
    texts = framework_texts(qualification_pack=asc_q0202)
    kinds = {t.kind for t in texts}
    assert kinds == {"qp", "nos", "element", "pc", "ku", "gs"}
    pcs = PerformanceCriterion.objects.filter(nos__pack_links__qualification_pack=asc_q0202)
    assert sum(t.kind == "pc" for t in texts) == pcs.count()
    table = list(csv.reader(io.StringIO(hindi_sheet.render_csv(texts).decode("utf-8-sig"))))
    assert table[0] == hindi_sheet.HEADER
    assert table[1][:5] == ["qp", "", "", "ASC/Q0202", asc_q0202.title]
    workbook = load_workbook(io.BytesIO(hindi_sheet.render_xlsx(texts)), read_only=True)
    assert sum(1 for _ in workbook.worksheets[0].iter_rows()) == len(texts) + 1


def test_import_sets_only_the_hindi_and_a_second_import_changes_nothing(asc_q0202):
    texts = framework_texts(qualification_pack=asc_q0202)
    english_before = [(t.kind, t.english) for t in texts]
    data = _sheet(
        texts,
        {
            ("nos", "ASC/N0001", None): "अपेक्षित परिणामों के लिए काम की योजना बनाना",
            ("element", "ASC/N0001", 2): "संसाधनों का उचित उपयोग",
            ("pc", "ASC/N0001", 1): "अपने कार्य-क्षेत्र को साफ़ रखना",
            ("ku", "ASC/N0001", 1): "संगठन की नीतियाँ",
        },
    )
    report = hindi_sheet.sheet_import(texts=texts, data=data, name="asc.csv")
    assert report.applied and not report.errors
    assert len(report.updated) == 4 and report.unchanged == len(texts) - 4
    assert _nos("ASC/N0001").title_hi == "अपेक्षित परिणामों के लिए काम की योजना बनाना"
    assert Element.objects.get(nos=_nos("ASC/N0001"), position=2).title_hi
    assert _pc("ASC/N0001", 1).text_hi == "अपने कार्य-क्षेत्र को साफ़ रखना"
    assert KnowledgeItem.objects.get(nos=_nos("ASC/N0001"), position=1).text_hi
    again = framework_texts(qualification_pack=asc_q0202)
    assert [(t.kind, t.english) for t in again] == english_before
    second = hindi_sheet.sheet_import(texts=again, data=hindi_sheet.render_csv(again), name="x.csv")
    assert second.applied and second.updated == [] and second.cleared == []
    assert second.unchanged == len(texts)


def test_a_blank_hindi_cell_clears_that_hindi(asc_q0202):
    pc = _pc("ASC/N0002", 3)
    pc.text_hi = "पुराना अनुवाद"
    pc.save()
    texts = framework_texts(qualification_pack=asc_q0202)
    report = hindi_sheet.sheet_import(
        texts=texts, data=_sheet(texts, {("pc", "ASC/N0002", 3): ""}), name="a.csv"
    )
    assert report.cleared == ["performance criterion PC3 of ASC/N0002"]
    assert _pc("ASC/N0002", 3).text_hi == ""


def test_dry_run_reports_what_would_change_and_changes_nothing(asc_q0202):
    texts = framework_texts(qualification_pack=asc_q0202)
    data = _sheet(texts, {("pc", "ASC/N0001", 2): "गोपनीय जानकारी"})
    report = hindi_sheet.sheet_import(texts=texts, data=data, name="a.csv", dry_run=True)
    assert report.dry_run and not report.applied
    assert report.updated == ["performance criterion PC2 of ASC/N0001"]
    assert _pc("ASC/N0001", 2).text_hi == ""


def test_one_bad_row_changes_nothing_and_every_error_names_its_row(asc_q0202):
    texts = framework_texts(qualification_pack=asc_q0202)
    template = _sheet(texts, {("pc", "ASC/N0001", 1): "साफ़ रखना"}).decode().splitlines()
    header = template[0]
    good = next(line for line in template if line.startswith("pc,ASC/N0001,1,"))
    bad = [
        "pc,ASC/N0001,99,PC99,no such criterion,कुछ",  # no such position
        "pc,ASC/N9999,1,PC1,x,कुछ",  # a NOS not in this QP
        "zz,ASC/N0001,1,PC1,x,कुछ",  # no such kind
        "pc,ASC/N0001,one,PC1,x,कुछ",  # not a number
        "pc,ASC/N0001,2,PC7,treat confidential information as per the organisations "
        "guidelines,कुछ",  # the code does not match
        "pc,ASC/N0001,3,PC3,an English text from another revision,कुछ",
        "nos,ASC/N0002,,ASC/N0002,Work effectively in a team," + "क" * 501,  # too long
        good,  # the same PC again (first on row 2)
    ]
    data = "\n".join([header, good, *bad]).encode()
    report = hindi_sheet.sheet_import(texts=texts, data=data, name="bad.csv")
    assert not report.applied
    assert _pc("ASC/N0001", 1).text_hi == ""  # the good row was not applied either
    assert report.rows == 1 + len(bad)
    by_row = dict(report.errors)
    assert sorted(by_row) == list(range(3, 3 + len(bad)))
    assert "no performance criterion 99 of ASC/N0001" in by_row[3]
    assert "ASC/N9999" in by_row[4]
    assert "kind 'zz'" in by_row[5]
    assert "not a whole number" in by_row[6]
    assert "the code is 'PC7', expected 'PC2'" in by_row[7]
    assert "the English differs" in by_row[8]
    assert "at most 500" in by_row[9]
    assert "is also on row 2" in by_row[10]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ("kind,nos,position,code,english,hindi\n".encode("utf-16"), "a.csv", "not UTF-8"),
        (b"", "a.csv", "empty"),
        (b"code,english\nASC/N0001,x\n", "a.csv", "missing: kind, nos, position, hindi"),
        (b"PK\x03\x04 not really a workbook", "a.xlsx", "not a readable .xlsx"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(asc_q0202, data, name, message):
    with pytest.raises(hindi_sheet.HindiSheetError, match=message):
        hindi_sheet.sheet_import(
            texts=framework_texts(qualification_pack=asc_q0202), data=data, name=name
        )


def test_xlsx_template_filled_in_imports(asc_q0202):
    texts = framework_texts(qualification_pack=asc_q0202)
    workbook = load_workbook(io.BytesIO(hindi_sheet.render_xlsx(texts)))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "pc" and row[1].value == "ASC/N0004" and row[2].value == 6:
            row[5].value = "कम से कम समय में निवारण"
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = hindi_sheet.sheet_import(texts=texts, data=buffer.getvalue(), name="asc.xlsx")
    assert report.applied and len(report.updated) == 1
    assert _pc("ASC/N0004", 6).text_hi == "कम से कम समय में निवारण"


CELL = st.text(
    alphabet=st.sampled_from(list("कखगघचजटडतदनपबमयरलवशसहािीुूेैोौंँ्।,.;:\"' -/\n0123456789abcXYZ")),
    max_size=60,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(hindi=st.lists(CELL, min_size=3, max_size=3), as_xlsx=st.booleans())
def test_any_hindi_text_survives_the_sheet_unchanged(hindi, as_xlsx):
    """Commas, quotes, newlines and Devanagari in a cell come back exactly as written."""
    texts = [
        FrameworkText(kind="pc", nos_code="X/N1", position=k, code=f"PC{k}", english=f"e{k}",
                      hindi=h, obj=PerformanceCriterion())
        for k, h in enumerate(hindi, start=1)
    ]  # fmt: skip
    data = (hindi_sheet.render_xlsx if as_xlsx else hindi_sheet.render_csv)(texts)
    rows, problems = hindi_sheet.read(data, name="s.xlsx" if as_xlsx else "s.csv")
    assert problems == []
    assert [r.hindi for r in rows] == [t.hindi for t in texts]
    assert [(r.kind, r.nos_code, r.position, r.code) for r in rows] == [
        (t.kind, t.nos_code, t.position, t.code) for t in texts
    ]


# -- new revisions ---------------------------------------------------------------------------------


def test_a_new_revision_keeps_the_hindi_of_unchanged_texts_only(asc_q0202):
    nos = _nos("ASC/N0001")
    nos.title_hi = "काम की योजना"
    nos.save()
    for position, hindi in ((1, "साफ़ रखना"), (2, "गोपनीय जानकारी")):
        pc = _pc("ASC/N0001", position)
        pc.text_hi = hindi
        pc.save()
    text = (SEEDS_DIR / ASC).read_text()
    old = "treat confidential information as per the organisations guidelines"
    assert old in text
    changed = text.replace(old, "treat confidential information as the organisation says")
    document_import(text=changed, source_name="asc-changed.txt")
    new = _nos("ASC/N0001")
    assert new.revision == nos.revision + 1
    assert new.title_hi == "काम की योजना"
    assert _pc("ASC/N0001", 1).text_hi == "साफ़ रखना"
    assert _pc("ASC/N0001", 2).text_hi == ""  # its English changed: the Hindi must be redone
    qp = QualificationPack.objects.get(code="ASC/Q0202", is_current=True)
    assert qp.revision == asc_q0202.revision + 1


# -- the admin pages -----------------------------------------------------------------------------


def test_curator_edits_a_nos_hindi_beside_the_english(client, asc_q0202):
    nos = _nos("ASC/N0002")
    client.force_login(user_in(Role.SSC_CURATOR))
    page = client.get(reverse("framework:nos_hindi", args=[nos.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Work effectively in a team" in html and "maintain clear communication" in html
    form = {"hi:nos:ASC/N0002:": "टीम में प्रभावी ढंग से काम करना", "hi:pc:ASC/N0002:1": "संवाद"}
    response = client.post(reverse("framework:nos_hindi", args=[nos.pk]), form)
    assert response.status_code == 302
    assert _nos("ASC/N0002").title_hi == "टीम में प्रभावी ढंग से काम करना"
    assert _pc("ASC/N0002", 1).text_hi == "संवाद"
    assert _nos("ASC/N0002").title == "Work effectively in a team"
    too_long = client.post(
        reverse("framework:nos_hindi", args=[nos.pk]), {"hi:nos:ASC/N0002:": "क" * 501}
    )
    assert too_long.status_code == 400
    assert _nos("ASC/N0002").title_hi == "टीम में प्रभावी ढंग से काम करना"


def test_curator_downloads_the_template_and_imports_it_with_a_dry_run_first(client, asc_q0202):
    client.force_login(user_in(Role.SSC_CURATOR))
    url = reverse("framework:qualification_pack_hindi", args=[asc_q0202.pk])
    assert client.get(url).status_code == 200
    csv_file = client.get(
        reverse("framework:qualification_pack_hindi_template", args=[asc_q0202.pk, "csv"])
    )
    assert csv_file["Content-Disposition"] == 'attachment; filename="ASC-Q0202-hindi.csv"'
    xlsx = client.get(
        reverse("framework:qualification_pack_hindi_template", args=[asc_q0202.pk, "xlsx"])
    )
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    texts = framework_texts(qualification_pack=asc_q0202)
    data = _sheet(texts, {("qp", "", None): "क्षेत्रीय बिक्री विकास/सीआरएम मैनेजर"})
    dry = client.post(
        url, {"sheet": SimpleUploadedFile("asc.csv", data), "dry_run": "on"}
    ).content.decode()
    assert "Dry run: nothing was changed" in dry and "QP title of ASC/Q0202" in dry
    assert QualificationPack.objects.get(pk=asc_q0202.pk).title_hi == ""
    client.post(url, {"sheet": SimpleUploadedFile("asc.csv", data)})
    assert QualificationPack.objects.get(pk=asc_q0202.pk).title_hi.startswith("क्षेत्रीय")
    broken = data + b"pc,ASC/N0001,99,PC99,x,y\n"
    refused = client.post(url, {"sheet": SimpleUploadedFile("asc.csv", broken)})
    assert refused.status_code == 400
    assert "Nothing was changed" in refused.content.decode()
    assert "no performance criterion 99 of ASC/N0001" in refused.content.decode()


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.CONTENT_EDITOR, Role.ASSESSOR])
def test_only_curators_reach_the_hindi_pages(client, asc_q0202, role):
    nos = _nos("ASC/N0001")
    client.force_login(user_in(role))
    urls = [
        reverse("framework:nos_hindi", args=[nos.pk]),
        reverse("framework:qualification_pack_hindi", args=[asc_q0202.pk]),
        reverse("framework:qualification_pack_hindi_template", args=[asc_q0202.pk, "csv"]),
    ]
    for url in urls:
        assert client.get(url).status_code in (302, 403), url
    assert client.post(urls[0], {"hi:nos:ASC/N0001:": "x"}).status_code in (302, 403)
    assert _nos("ASC/N0001").title_hi == ""


def test_logged_out_visitors_are_sent_to_the_login(client, asc_q0202):
    url = reverse("framework:qualification_pack_hindi_template", args=[asc_q0202.pk, "csv"])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


# -- the demo --------------------------------------------------------------------------------------


def test_demo_bank_loader_gives_asc_q0202_its_hindi_nos_elements_and_pcs(asc_q0202):
    call_command("load_demo_bank", stdout=io.StringIO())
    asc_q0202.refresh_from_db()
    texts = framework_texts(qualification_pack=asc_q0202)
    wanted = [t for t in texts if t.kind in ("qp", "nos", "element", "pc")]
    assert wanted and all(t.hindi for t in wanted), [t.label for t in wanted if not t.hindi]
    devanagari = all(any("\u0900" <= ch <= "\u097f" for ch in t.hindi) for t in wanted)
    assert devanagari
    assert _nos("ASC/N0003").title_hi == "स्वस्थ, सुरक्षित और संरक्षित कार्य वातावरण बनाए रखना"
    out = io.StringIO()
    call_command("load_demo_bank", stdout=out)  # idempotent
    assert "0 Hindi texts set" in out.getvalue()
