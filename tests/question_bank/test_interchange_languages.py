"""Imports keep an item's language where the format has one (issue 13): Moodle's multilang
markup in Moodle XML and GIFT, ``xml:lang`` in QTI from other producers. Read only; the
importers themselves are tested in the other interchange tests."""

from __future__ import annotations

from question_bank.interchange import gift, moodle_xml, qti_foreign

HINDI_STEM = "कौन-सा विकल्प सही है?"


def _both(english: str, hindi: str) -> str:
    return (
        f'<span lang="en" class="multilang">{english}</span>'
        f'<span lang="hi" class="multilang">{hindi}</span>'
    )


def test_gift_multilang_gives_an_english_and_a_hindi_translation():
    text = gift.escape(_both("Which option is right?", HINDI_STEM))
    data = f"::q1::[html]{text}{{\n=Yes\n~No\n}}\n".encode()
    (record,) = gift.parse(data, source="q.gift.txt")
    assert set(record.content.translations) == {"en", "hi"}
    assert record.content.translations["hi"].stem_html == HINDI_STEM


def test_moodle_xml_multilang_gives_an_english_and_a_hindi_translation():
    from xml.sax.saxutils import escape

    stem = escape(_both("Which option is right?", HINDI_STEM))
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz><question type="truefalse"><name><text>q1</text></name>
<questiontext format="html"><text>{stem}</text></questiontext>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
</question></quiz>""".encode()
    (record,) = moodle_xml.parse(data, source="q.xml")
    assert set(record.content.translations) == {"en", "hi"}
    assert record.content.translations["hi"].stem_html == HINDI_STEM


def test_a_foreign_qti_item_in_hindi_is_stored_as_hindi():
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="q1" title="q1"
  adaptive="false" timeDependent="false" xml:lang="hi-IN">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>A</value></correctResponse></responseDeclaration>
  <itemBody><choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">
    <prompt>{HINDI_STEM}</prompt>
    <simpleChoice identifier="A">हाँ</simpleChoice><simpleChoice identifier="B">नहीं</simpleChoice>
  </choiceInteraction></itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>""".encode()
    (record,) = qti_foreign.item_file_read(data, source="q1.xml").records
    assert list(record.content.translations) == ["hi"]
    assert HINDI_STEM in record.content.translations["hi"].stem_html
