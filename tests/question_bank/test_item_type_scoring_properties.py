"""Property tests of the new types' scorers (hypothesis): scores stay in [0, 1], follow
Moodle's rules, and map onto IRT categories consistently."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from question_bank.items.content import ItemContent, OptionText, Translation
from question_bank.items.types import answer_matches, item_type_spec
from question_bank.items.types.ordering import GRADINGS

words = st.text(alphabet="abcdefghij XYZ.-", min_size=1, max_size=12).filter(str.strip)


@given(words, st.booleans())
def test_an_answer_without_wildcards_matches_itself_and_only_case_may_differ(text, case):
    assert answer_matches(text, text, case_sensitive=case)
    assert answer_matches(text, f"  {text.upper()} ", case_sensitive=False)


@given(words, words)
def test_a_star_matches_any_text_and_an_escaped_star_only_a_star(head, tail):
    assert answer_matches(f"{head}*", f"{head}{tail}", case_sensitive=True)
    assert answer_matches(f"{head}\\*", f"{head}*", case_sensitive=True)
    assert not answer_matches(f"{head}\\*", f"{head}{tail}", case_sensitive=True) or tail == "*"


def _numeric(value: Decimal, tolerance: Decimal, partial: Decimal) -> ItemContent:
    return ItemContent(
        item_type="numeric",
        translations={"en": Translation("<p>?</p>")},
        numeric_answer=value,
        numeric_tolerance=tolerance,
        type_data={"answers": [{"value": str(value), "tolerance": str(tolerance * 3 + 1),
                                "fraction": str(partial)}]},
    )  # fmt: skip


numbers = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)


@given(numbers, st.decimals(min_value=0, max_value=10, places=2), numbers,
       st.sampled_from([Decimal("0.5"), Decimal("0.3333333"), Decimal("0.1")]))  # fmt: skip
def test_numeric_score_is_the_best_answer_within_its_tolerance(value, tolerance, given_, partial):
    content = _numeric(value, tolerance, partial)
    spec = item_type_spec("numeric")
    score = spec.score(content, str(given_))
    off = abs(given_ - value)
    expected = Decimal(1) if off <= tolerance else partial if off <= tolerance * 3 + 1 else 0
    assert score == expected
    assert spec.score(content, str(value)) == 1
    assert spec.score_category(content, float(score)) == spec.score_levels(content).index(
        float(score)
    )


@given(st.permutations(["A", "B", "C", "D", "E"]), st.sampled_from(GRADINGS))
def test_ordering_scores_lie_in_0_1_and_the_right_order_gets_full_marks(response, grading):
    t = Translation("<p>?</p>", options={k: OptionText(k) for k in "ABCDE"})
    content = ItemContent(
        item_type="ordering",
        translations={"en": t},
        options=[(k, Decimal(0)) for k in "ABCDE"],
        type_data={"order": list("ABCDE"), "grading": grading},
    )
    spec = item_type_spec("ordering")
    score = spec.score(content, response)
    assert 0 <= score <= 1
    assert spec.score(content, list("ABCDE")) == 1
    if grading == "all_or_nothing":
        assert score == (1 if response == list("ABCDE") else 0)
    levels = spec.score_levels(content)
    assert levels[spec.score_category(content, float(score))] <= float(score) + 1e-6


@given(st.lists(st.sampled_from(["cat food", "dog food", "fish food", ""]), min_size=3,
                max_size=3))  # fmt: skip
def test_matching_scores_the_share_of_pairs_matched_right(chosen):
    pairs = [
        {"question_html": "<p>cat</p>", "answer": "cat food"},
        {"question_html": "<p>dog</p>", "answer": "dog food"},
        {"question_html": "<p>fish</p>", "answer": "fish food"},
    ]
    content = ItemContent(
        item_type="matching", translations={"en": Translation("<p>?</p>")},
        type_data={"pairs": pairs},
    )  # fmt: skip
    spec = item_type_spec("matching")
    score = spec.score(content, {str(i): c for i, c in enumerate(chosen)})
    right = sum(1 for p, c in zip(pairs, chosen, strict=True) if p["answer"] == c)
    assert score == Decimal(right) / 3
    assert spec.score_category(content, float(score)) == right


@given(st.lists(st.booleans(), min_size=1, max_size=5))
def test_cloze_score_is_the_mean_of_its_parts(rights):
    parts = [
        {"kind": "shortanswer", "weight": 1, "answers": [{"text": f"w{i}", "fraction": "1"}]}
        for i in range(len(rights))
    ]
    stem = "".join(f"{{#{i}}} " for i in range(1, len(rights) + 1))
    content = ItemContent(
        item_type="cloze", translations={"en": Translation(stem)}, type_data={"parts": parts}
    )
    spec = item_type_spec("cloze")
    response = {str(i + 1): (f"w{i}" if r else "no") for i, r in enumerate(rights)}
    score = spec.score(content, response)
    assert score == Decimal(sum(rights)) / len(rights)
    assert spec.score_category(content, float(score)) == sum(rights)


fractions = st.decimals(min_value=-1, max_value=1, places=3, allow_nan=False)


@given(st.lists(fractions, min_size=2, max_size=7), st.data())
def test_multiple_response_scores_land_on_a_score_level_of_their_own(options, data):
    """Every choice of options scores one of the item's levels (to 0.01, the closest two levels
    may be), and its IRT category is that level: partial credit is polytomous on the IRT scale."""
    keys = [f"K{i}" for i in range(len(options))]
    content = ItemContent(
        item_type="multiple_response",
        translations={"en": Translation("<p>?</p>", options={k: OptionText(k) for k in keys})},
        options=list(zip(keys, options, strict=True)),
    )
    spec = item_type_spec("multiple_response")
    chosen = data.draw(st.lists(st.sampled_from(keys), unique=True))
    score = float(spec.score(content, chosen))
    levels = spec.score_levels(content)
    assert levels[0] == 0.0 and levels == sorted(set(levels)) and len(levels) >= 2
    level = levels[spec.score_category(content, score)]
    assert level <= score + 1e-6 and score - level < 0.01


@given(st.lists(fractions.filter(lambda f: f < 1), min_size=1, max_size=6), st.data())
def test_single_choice_scores_land_on_a_score_level_of_their_own(others, data):
    """A single-choice item's levels are its options' own fractions, clamped to [0, 1] (Moodle
    single="true" with 100/50/0, GIFT ``~%50%``): the chosen option's score is one of them and
    its IRT category that level, so partial credit is polytomous as for multiple response."""
    keys = [f"K{i}" for i in range(len(others) + 1)]
    content = ItemContent(
        item_type="single_choice",
        translations={"en": Translation("<p>?</p>", options={k: OptionText(k) for k in keys})},
        options=list(zip(keys, [Decimal(1), *others], strict=True)),
    )
    spec = item_type_spec("single_choice")
    assert not spec.validate(content)
    levels = spec.score_levels(content)
    # Full marks is the top level (to 0.01: levels closer than that are one, its lowest).
    assert levels == sorted(levels) and levels[-1] > 0.99 - 1e-9 and len(levels) >= 2
    assert all(b - a >= 0.01 - 1e-12 for a, b in zip(levels, levels[1:], strict=False))
    distinct = {min(Decimal(1), max(Decimal(0), f)) for f in [Decimal(1), *others]}
    assert len(levels) <= max(2, len(distinct))
    chosen = data.draw(st.sampled_from(keys))
    score = float(spec.score(content, chosen))
    level = levels[spec.score_category(content, score)]
    assert level <= score + 1e-6 and score - level < 0.01
    assert spec.score_category(content, 1.0) == len(levels) - 1
