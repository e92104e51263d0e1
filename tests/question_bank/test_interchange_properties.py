# ruff: noqa: E501
"""Property tests: for any valid item content (awkward characters, Hindi, partial credit),
render then parse gives the same record in every format. No database needed."""

from __future__ import annotations

import uuid
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from question_bank.interchange import FORMATS
from question_bank.interchange.common import ItemRecord, category_parse
from question_bank.items.content import ItemContent, OptionText, Translation, item_content_validate

# A backslash before "n" cannot be written in GIFT (Moodle reads "\\n" as a newline).
ALPHABET = st.sampled_from(list("abcXYZ019 ~=#{}:%\\&<>'\"!?.,-") + ["कौन", "सही", "\n", "₹"])
TEXT = (
    st.lists(ALPHABET, min_size=1, max_size=25)
    .map("".join)
    .filter(lambda t: any(c.isalnum() for c in t))
)


@st.composite
def contents(draw) -> ItemContent:
    item_type = draw(
        st.sampled_from(["single_choice", "multiple_response", "true_false", "numeric"])
    )
    languages = draw(st.sampled_from([["en"], ["en", "hi"]]))
    options: list[tuple[str, Decimal]] = []
    if item_type == "true_false":
        right = draw(st.sampled_from(["true", "false"]))
        options = [("true", Decimal(right == "true")), ("false", Decimal(right == "false"))]
    elif item_type == "single_choice":
        n = draw(st.integers(2, 5))
        right = draw(st.integers(0, n - 1))
        others = st.sampled_from([Decimal(0), Decimal(0), Decimal("0.5"), Decimal("-0.25")])
        options = [("ABCDE"[i], Decimal(1) if i == right else draw(others)) for i in range(n)]
    elif item_type == "multiple_response":
        n = draw(st.integers(2, 5))
        k = draw(st.integers(1, n))
        share = {1: Decimal(1), 2: Decimal("0.5"), 3: None, 4: Decimal("0.25"), 5: Decimal("0.2")}[
            k
        ]
        wrong = st.sampled_from([Decimal(-1), Decimal(0), Decimal("-0.5")])
        for i in range(n):
            if i < k:
                fraction = (
                    share if share is not None else Decimal("0.3333333")  # Moodle's 1/3
                )
            else:
                fraction = draw(wrong)
            options.append(("ABCDE"[i], fraction))
    translations = {}
    for lang in languages:
        texts = {
            key: OptionText(draw(TEXT), draw(st.one_of(st.just(""), TEXT))) for key, _ in options
        }
        translations[lang] = Translation(draw(TEXT), draw(st.one_of(st.just(""), TEXT)), texts)
    numeric = tolerance = None
    if item_type == "numeric":
        numeric = Decimal(draw(st.integers(-(10**6), 10**6))) / 100
        tolerance = Decimal(draw(st.integers(0, 500))) / 100
    return ItemContent(
        item_type=item_type,
        translations=translations,
        options=options,
        numeric_answer=numeric,
        numeric_tolerance=tolerance,
        difficulty_estimate=draw(st.one_of(st.none(), st.integers(1, 5))),
    )


@settings(max_examples=150, deadline=None)
@given(content=contents(), status=st.sampled_from(["draft", "approved"]), enemy=st.booleans())
def test_render_then_parse_is_identity_in_every_format(content, status, enemy):
    assert item_content_validate(content) == []
    record = ItemRecord(
        uid=str(uuid.uuid4()),
        nos_code="ASC/N0004",
        pc_ref="PC6#2",
        content=content,
        knowledge_codes=["KU3"],
        generic_skill_codes=["GS12"],
        status=status,
        enemies=[str(uuid.uuid4())] if enemy else [],
    )
    for name, module in FORMATS.items():
        data = module.render([record], qualification_pack_code="ASC/Q0202")
        (parsed,) = module.parse(data)
        if parsed.source_category:  # Moodle XML, GIFT: the tags travel as the category path
            assert category_parse(parsed.source_category) == ["ASC/Q0202", "ASC/N0004", "PC6#2"]
            parsed.nos_code, parsed.pc_ref, parsed.source_category = "ASC/N0004", "PC6#2", ""
        assert parsed.comparable() == record.comparable(), name
