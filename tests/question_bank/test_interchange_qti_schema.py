# ruff: noqa: F811, E501  (pytest fixtures are imported from tests.question_bank.factories)
"""Our QTI 3.0 export is valid QTI 3.0, item by item, and its imsmanifest.xml is valid against the
QTI 3.0 profile of IMS CP 1.2: every type we export (choice single/multiple, true/false, text
entry, numeric, essay, match, order, cloze with inline choices, description), with per-answer,
combined and general feedback, images and a Hindi translation. The check is ``qti30_structure``
(written from the 1EdTech XSDs, see its docstring and tests/data/README.md)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from question_bank.interchange import items_export, items_import_file
from question_bank.interchange.qti import KAUSHAL
from question_bank.interchange.qti_xml import _html_into
from question_bank.models import ItemType

from .factories import asc_q0202, content_single, curator, item_make  # noqa: F401
from .qti30_structure import item_problems, manifest_problems

DATA = Path(__file__).resolve().parents[1] / "data" / "interchange"
pytestmark = pytest.mark.django_db

# What our own namespace in a file's metadata may hold (the CP's strict wildcard needs its
# schema: this is it).
_K = f"{{{KAUSHAL}}}"
_KAUSHAL_ITEM = {"uid", "nos", "pc", "status", "type", "language", "difficulty"}
_KAUSHAL_CHILDREN = {f"{_K}extra", f"{_K}knowledge-item", f"{_K}generic-skill", f"{_K}enemy"}

# Moodle XML for what the real files lack: an ordering question, HTML that QTI spells another
# way (underline, a table without tbody, an image without alt text and with a CSS width,
# a span with lang), combined feedback and hints.
_MORE = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="ordering">
    <name><text>Steps of a fire drill</text></name>
    <questiontext format="html"><text><![CDATA[<p>Put the steps in order.</p>]]></text></questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>Raise the alarm first.</p>]]></text></generalfeedback>
    <defaultgrade>1</defaultgrade>
    <layouttype>VERTICAL</layouttype><selecttype>ALL</selecttype><selectcount>0</selectcount>
    <gradingtype>ALL_OR_NOTHING</gradingtype><showgrading>SHOW</showgrading>
    <answer fraction="1" format="html"><text>Raise the alarm</text></answer>
    <answer fraction="2" format="html"><text>Leave by the nearest exit</text></answer>
    <answer fraction="3" format="html"><text>Gather at the assembly point</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Formatted</text></name>
    <questiontext format="html"><text><![CDATA[<p>Which sign is <u>mandatory</u>? <span lang="hi">अनिवार्य</span></p>
<table><tr><td>Blue circle</td><td>Red ring</td></tr></table>
<p><img src="https://example.org/sign.png" width="120"></p>]]></text></questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>Blue circles instruct.</p>]]></text></generalfeedback>
    <defaultgrade>1</defaultgrade><single>true</single><shuffleanswers>true</shuffleanswers>
    <correctfeedback format="html"><text>Well done.</text></correctfeedback>
    <partiallycorrectfeedback format="html"><text>Nearly.</text></partiallycorrectfeedback>
    <incorrectfeedback format="html"><text>Look again.</text></incorrectfeedback>
    <answer fraction="100" format="html"><text>Blue circle</text><feedback format="html"><text>Yes.</text></feedback></answer>
    <answer fraction="0" format="html"><text>Red ring</text><feedback format="html"><text>That prohibits.</text></feedback></answer>
    <hint format="html"><text>Think of colours.</text></hint>
  </question>
  <question type="description">
    <name><text>Scenario</text></name>
    <questiontext format="html"><text><![CDATA[<p>A customer calls about a late delivery.</p>]]></text></questiontext>
    <defaultgrade>0</defaultgrade>
  </question>
</quiz>
"""


def _kaushal_metadata(element: ET.Element) -> list[str]:
    problems = []
    if element.tag != f"{_K}item":
        return [f"{element.tag} is not declared by the kaushal schema"]
    problems += [f"kaushal:item: attribute {a!r}" for a in set(element.attrib) - _KAUSHAL_ITEM]
    problems += [f"kaushal:item: child {c.tag}" for c in element if c.tag not in _KAUSHAL_CHILDREN]
    return problems


@pytest.fixture
def package(asc_q0202, curator) -> zipfile.ZipFile:
    for path, fmt in (
        (DATA / "gift" / "moodle_questions.gift.txt", "gift"),
        (DATA / "gift" / "pegjs_numerical1.gift", "gift"),
        (DATA / "moodle_xml" / "nested_categories_with_questions.xml", "moodle"),
        (DATA / "moodle_xml" / "sample_questions_with_old_image_tag.xml", "moodle"),
    ):
        items_import_file(data=path.read_bytes(), qualification_pack_code="ASC/Q0202",
                          format=fmt, filename=path.name)  # fmt: skip
    items_import_file(
        data=_MORE.encode(),
        qualification_pack_code="ASC/Q0202",
        format="moodle",
        filename="more.xml",
    )
    item_make(nos="ASC/N0003", pc="PC4", author=curator, content=content_single(hindi=True))
    return zipfile.ZipFile(
        io.BytesIO(items_export(qualification_pack_code="ASC/Q0202", format="qti"))
    )


def test_every_exported_item_is_valid_qti_3(package):
    manifest = ET.fromstring(package.read("imsmanifest.xml"))
    kinds: dict[str, int] = {}
    problems: dict[str, list[str]] = {}
    for meta in manifest.iter(f"{_K}item"):
        kinds[meta.get("type", "")] = kinds.get(meta.get("type", ""), 0) + 1
    for name in package.namelist():
        if name.startswith("items/") and name.endswith(".xml"):
            found = item_problems(package.read(name))
            if found:
                problems[name] = found
    assert problems == {}
    # Every type we export is in the package, so each has been checked.
    assert set(kinds) == {t.value for t in ItemType}, kinds
    bodies = b"".join(package.read(n) for n in package.namelist() if n.startswith("items/"))
    for construct in (b"qti-modal-feedback", b"<img", b'xml:lang="hi"', b"qti-underline",
                      b"<tbody", b"qti-inline-choice-interaction", b"qti-order-interaction"):  # fmt: skip
        assert construct in bodies, construct


def test_the_manifest_is_valid_against_the_qti_3_content_packaging_profile(package):
    problems = manifest_problems(
        package.read("imsmanifest.xml"), set(package.namelist()), foreign=_kaushal_metadata
    )
    assert problems == []


def test_our_own_package_imports_back_unchanged(package, curator):
    """The spellings the schema needs (qti-underline, xml:lang, the added tbody and alt) are
    undone on import: a re-import of the package finds every item unchanged."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as copy:
        for name in package.namelist():
            copy.writestr(name, package.read(name))
    result = items_import_file(
        data=buffer.getvalue(), qualification_pack_code="ASC/Q0202", format="qti", user=curator
    )
    assert (result.created, result.new_versions, result.skipped) == (0, 0, [])


def test_html_lengths_and_alt_are_written_as_the_schema_wants():
    parent = ET.Element("x")
    _html_into(parent, '<p><img src="/a.png" width="120px" height="50%"><u>u</u></p>')
    html = ET.tostring(parent, encoding="unicode")
    assert 'width="120"' in html and 'height="50%"' in html and 'alt=""' in html
    assert 'class="qti-underline"' in html


def test_the_check_refuses_what_the_schemas_refuse():
    """The check itself: a few things the XSDs refuse (so that an empty list above means
    something), and another producer's QTI 3.0 package that it accepts."""
    item = (
        b'<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="1x" '
        b'title="t"><qti-item-body><qti-text-entry-interaction response-identifier="R"/>'
        b'<p><u>x</u><img src="a.png"/></p></qti-item-body>'
        b'<qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>'
        b"</qti-assessment-item>"
    )
    problems = "\n".join(item_problems(item))
    for expected in ("identifier='1x'", "'time-dependent' is missing", "qti-text-entry-interaction is not permitted here",
                     "'R' is not declared", "u is not permitted", "'alt' is missing",
                     "out of order"):  # fmt: skip
        assert expected in problems, expected
    manifest = (
        b'<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1" '
        b'xmlns:k="urn:k" identifier="m"><metadata><schema>QTI Package</schema>'
        b"<schemaversion>3.0.0</schemaversion></metadata><organizations/><resources>"
        b'<resource identifier="r" type="imsqti_item_xmlv3p0" href="a.xml"><metadata><k:item/>'
        b'</metadata><file href="a.xml"/></resource></resources></manifest>'
    )
    assert "not permitted in its metadata" in "\n".join(manifest_problems(manifest, {"a.xml"}))
    foreign = zipfile.ZipFile(DATA / "qti30" / "longsight_basic_item_player.zip")
    for name in foreign.namelist():
        if name.startswith("items/") and name.endswith(".xml"):
            assert item_problems(foreign.read(name)) == [], name
