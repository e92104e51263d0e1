# ruff: noqa: E501
"""Property tests for the GIFT grammar as Moodle reads it and for Moodle's grade set: questions
built from the grammar (titles, escaped specials, weights, feedback, categories at any depth,
comments, with or without blank lines between questions, with or without a BOM) parse back to
what was written; every grade in Moodle's set is kept exactly and nothing else is accepted."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from question_bank.interchange import gift
from question_bank.interchange.common import category_parse
from question_bank.interchange.moodle_fractions import (
    MOODLE_FRACTIONS,
    moodle_fraction,
    moodle_percent,
)

WORD = st.text(alphabet="abcdefgXYZ019 ", min_size=1, max_size=12).map(str.strip).filter(bool)
SPECIAL = st.sampled_from(list("~=#{}:"))


@st.composite
def text_with_specials(draw) -> str:
    parts = draw(st.lists(st.one_of(WORD, SPECIAL), min_size=1, max_size=5))
    text = " ".join(parts).strip()
    return text if any(c.isalnum() for c in text) else text + " a"


def esc(text: str) -> str:
    return "".join("\\" + c if c in "~=#{}:" else c for c in text)


POSITIVE = [f for f in MOODLE_FRACTIONS if 0 < f < 1]


@st.composite
def question(draw) -> tuple[str, dict]:
    kind = draw(
        st.sampled_from(["single", "multiple", "short", "truefalse", "numeric", "match", "essay"])
    )
    title = draw(WORD)
    stem = draw(text_with_specials())
    expected: dict = {"title": title, "stem": stem}
    if kind == "single":
        answers = [(Decimal(1), draw(WORD))] + [
            (Decimal(0), draw(WORD)) for _ in range(draw(st.integers(1, 3)))
        ]
        body = " ".join(
            ("=" if f == 1 else "~")
            + esc(t)
            + (f"#{esc(fb)}" if (fb := draw(st.one_of(st.just(""), WORD))) else "")
            for f, t in answers
        )
        expected.update(type="single_choice", fractions=[f for f, _ in answers])
    elif kind == "multiple":
        share = draw(st.sampled_from([Decimal("0.5"), Decimal("0.3333333"), Decimal("0.25")]))
        n = {Decimal("0.5"): 2, Decimal("0.3333333"): 3, Decimal("0.25"): 4}[share]
        wrong = draw(st.sampled_from(list(MOODLE_FRACTIONS[:5])))  # negatives of Moodle's set
        answers = [(share, draw(WORD)) for _ in range(n)] + [(wrong, draw(WORD))]
        body = " ".join(f"~%{moodle_percent(f)}%{esc(t)}" for f, t in answers)
        expected.update(type="multiple_response", fractions=[f for f, _ in answers])
    elif kind == "short":
        answers = [(Decimal(1), draw(WORD)), (draw(st.sampled_from(POSITIVE)), draw(WORD))]
        body = " ".join(f"=%{moodle_percent(f)}%{esc(t)}" for f, t in answers)
        expected.update(type="short_answer", fractions=[f for f, _ in answers])
    elif kind == "truefalse":
        value = draw(st.sampled_from(["T", "F", "TRUE", "FALSE"]))
        body = value + draw(st.sampled_from(["", "#wrong#right"]))
        expected.update(
            type="true_false",
            fractions=[Decimal(value.startswith("T")), Decimal(not value.startswith("T"))],
        )
    elif kind == "numeric":
        low = draw(st.integers(-50, 50))
        body = draw(st.sampled_from([f"#{low}:2", f"#{low}..{low + 4}", f"#={low}:0 =%50%{low}:3"]))
        expected.update(type="numeric", fractions=[])
    elif kind == "match":
        pairs = [(draw(WORD), draw(WORD)) for _ in range(draw(st.integers(2, 4)))]
        body = " ".join(f"={esc(q)} -> {esc(a)}" for q, a in pairs)
        expected.update(type="matching", fractions=[], pairs=[a.strip() for _, a in pairs])
    else:
        body = ""
        expected.update(type="essay", fractions=[])
    general = draw(st.one_of(st.just(""), WORD))
    if general and kind != "essay":
        body += f"####{esc(general)}"
    expected["general"] = general if kind != "essay" else ""
    fmt = draw(st.sampled_from(["", "[plain]", "[moodle]", "[html]"]))
    return f"::{esc(title)}::{fmt}{esc(stem)}{{{body}}}", expected


@settings(max_examples=120, deadline=None)
@given(
    questions=st.lists(question(), min_size=1, max_size=6),
    separators=st.lists(
        st.sampled_from(["\n\n", "\n", "\n// a comment\n\n", "\n\n\n"]), min_size=6, max_size=6
    ),
    depth=st.integers(0, 4),
    bom=st.booleans(),
)
def test_questions_written_in_the_grammar_read_back(questions, separators, depth, bom):
    names = [f"level{i}" for i in range(depth)]
    head = f"$CATEGORY: $course$/top/{'/'.join(names)}\n\n" if depth else ""
    text = head + "".join(q + separators[i] for i, (q, _) in enumerate(questions))
    data = ("\ufeff" if bom else "").encode() + text.encode()
    parsed = gift.read(data)
    assert parsed.skipped == []
    assert len(parsed.records) == len(questions)
    for record, (_, expected) in zip(parsed.records, questions, strict=True):
        content = record.content
        assert content.item_type == expected["type"]
        assert record.title == " ".join(expected["title"].split())
        assert [f for _, f in content.options] == expected["fractions"]
        assert (
            expected["stem"] in content.translations["en"].stem_html.replace("&amp;", "&")
            or "<" in expected["stem"]
        )
        assert category_parse(record.source_category) == names
        if expected.get("pairs"):
            assert [p["answer"] for p in content.type_data["pairs"]] == expected["pairs"]
        if expected["general"]:
            assert expected["general"].strip() in content.translations["en"].general_feedback_html


@given(st.sampled_from(MOODLE_FRACTIONS))
def test_every_moodle_grade_is_kept_exactly_and_written_as_moodle_writes_it(fraction):
    assert moodle_fraction(fraction) == fraction
    assert moodle_fraction(Decimal(moodle_percent(fraction)) / 100) == fraction
    body = f"::q::Pick{{~%{moodle_percent(fraction)}%a ~%100%b ~c}}"
    if fraction > 0:
        (record,) = gift.read(body.encode()).records
        assert record.content.options[0][1] == fraction


def test_one_third_is_moodles_33_33333():
    assert moodle_percent(Decimal("0.3333333")) == "33.33333"
    assert moodle_fraction(Decimal("0.33")) is None


@given(st.decimals(min_value=-1, max_value=1, places=4))
def test_a_grade_outside_moodles_set_is_refused(value):
    near = min(abs(value - f) for f in MOODLE_FRACTIONS)
    assert (moodle_fraction(value) is None) == (near >= Decimal("0.00001"))
    if near >= Decimal("0.00001") and value != 0:
        parsed = gift.read(f"::q::Pick{{~%{moodle_percent(value)}%a ~=b}}".encode())
        assert parsed.records == [] or moodle_fraction(Decimal(moodle_percent(value)) / 100)
