"""Importing a QP exactly as published: a PC printed twice is one PC, and the pass percentage is
read in every wording NSQC documents use (issue 14)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from question_bank.importers import parse_document
from question_bank.models import NationalOccupationalStandard, QualificationPack
from question_bank.services import document_import

pytestmark = pytest.mark.django_db

QP_FILE = "000_11998c2bd16f104f.txt"
PASS_LINE = "Recommended Pass % aggregate for QP : 75"
N0004_PC6 = (
    "PC6. ensure least turnaround time for any customer query handling/redressal especially "
    "issues related to warranty claims and other performance related issues"
)


def _seed(seeds_dir: Path) -> str:
    text = (seeds_dir / QP_FILE).read_text(encoding="utf-8")
    assert text.count(PASS_LINE) == 1
    return text


def _import(text: str):
    document_import(text=text, source_name=QP_FILE)
    return parse_document(text).findings


def _pcs(code: str) -> list[tuple[str, str, Decimal | None, Decimal | None]]:
    nos = NationalOccupationalStandard.objects.get(code=code, is_current=True)
    return [
        (pc.code, pc.text, pc.theory_marks, pc.practical_marks)
        for pc in nos.performance_criteria.order_by("position")
    ]


def _codes(findings) -> list[str]:
    return [f.code for f in findings]


# --------------------------------------------------------------------------------------------
# Repeated PCs


def test_asc_n0004_pc6_printed_twice_imports_as_one_pc_with_the_marks_of_its_row(seeds_dir):
    findings = _import(_seed(seeds_dir))
    pcs = _pcs("ASC/N0004")
    assert [c for c, *_ in pcs] == [f"PC{k}" for k in range(1, 10)]
    pc6 = [p for p in pcs if p[0] == "PC6"]
    assert len(pc6) == 1 and pc6[0][2:] == (Decimal(5), Decimal(9))
    assert all(theory for _, _, theory, _ in pcs)  # no phantom PC with 0 theory marks
    dup = [f for f in findings if f.code == "pc-duplicate"]
    assert len(dup) == 1 and dup[0].line == 410 and "kept once" in dup[0].message
    assert "marks-pc-missing" not in _codes(findings)
    nos = NationalOccupationalStandard.objects.get(code="ASC/N0004", is_current=True)
    assert (nos.theory_marks, nos.practical_marks) == (Decimal(30), Decimal(70))


def test_a_pc_repeated_with_the_same_text_up_to_case_and_punctuation_is_one_pc(seeds_dir):
    text = _seed(seeds_dir).replace(
        "- PC6..** ensure least turnaround time",
        "- PC 6.** Ensure least  turnaround time",
    )
    findings = _import(text)
    assert [c for c, *_ in _pcs("ASC/N0004")].count("PC6") == 1
    assert _codes(findings).count("pc-duplicate") == 1


def test_a_pc_number_repeated_with_a_different_text_stays_two_pcs_and_is_reported(seeds_dir):
    text = _seed(seeds_dir).replace(
        "- PC6..** ensure least turnaround time for any customer query",
        "- PC6..** escalate unresolved complaints within a day for any customer query",
    )
    findings = _import(text)
    pc6 = [p for p in _pcs("ASC/N0004") if p[0] == "PC6"]
    assert len(pc6) == 2 and pc6[0][1] != pc6[1][1]
    assert pc6[1][1].startswith("escalate unresolved complaints")
    repeated = [f for f in findings if f.code == "pc-number-repeated"]
    assert len(repeated) == 1 and repeated[0].line == 410
    assert "both are kept" in repeated[0].message
    assert "pc-duplicate" not in _codes(findings)
    # The table has one PC6 row (besides the merged PC5/PC6 one): the second PC6 has none.
    assert [f.line for f in findings if f.code == "marks-pc-missing"] == [410]


def test_a_pc_repeated_in_another_element_of_the_same_nos_is_one_pc(seeds_dir):
    text = _seed(seeds_dir)
    # ASC/N0001 lists PC6 in its second element; print it again at the end of that element.
    n0001_pc9 = "- PC9.** "
    start = text.index(n0001_pc9)
    end = text.index("\n", start)
    pc6_line = next(line for line in text[:start].splitlines()[::-1] if line.startswith("- PC6.**"))
    text = text[: end + 1] + pc6_line + "\n" + text[end + 1 :]
    findings = _import(text)
    codes = [c for c, *_ in _pcs("ASC/N0001")]
    assert codes.count("PC6") == 1 and len(codes) == 9
    assert _codes(findings).count("pc-duplicate") == 2  # ASC/N0001's and ASC/N0004's


def test_a_pc_printed_twice_with_its_marks_row_printed_twice_keeps_the_first_row(seeds_dir):
    row = (
        "PC6.. ensure least turnaround time for any customer query handling/redressal "
        "especially issues related to warranty claims and other performance related issues\t5\t9"
    )
    text = _seed(seeds_dir)
    assert row in text
    text = text.replace(row, row + "\n" + row.replace("\t5\t9", "\t1\t2"))
    findings = _import(text)
    pc6 = [p for p in _pcs("ASC/N0004") if p[0] == "PC6"]
    assert len(pc6) == 1 and pc6[0][2:] == (Decimal(5), Decimal(9))
    dup_row = [f for f in findings if f.code == "marks-duplicate-row"]
    assert len(dup_row) == 1 and "PC6" in dup_row[0].message


# --------------------------------------------------------------------------------------------
# Pass percentage


@pytest.mark.parametrize(
    ("wording", "expected"),
    [
        pytest.param(PASS_LINE, "75", id="older NSQC: after a spaced colon"),
        pytest.param("Recommended Pass % aggregate for QP: 70%", "70", id="colon, with %"),
        pytest.param("Recommended Pass % aggregate for QP\t80", "80", id="table cell"),
        pytest.param(
            "<table><tr><td>Recommended Pass % aggregate for QP</td><td>65</td></tr></table>",
            "65",
            id="HTML table cells",
        ),
        pytest.param("Recommended Pass % aggregate for QP\n70%", "70", id="value on next line"),
        pytest.param(
            "Minimum Aggregate Passing % at QP Level : 70 (Please note: Every Trainee should "
            "score a minimum aggregate passing percentage as specified above, to successfully "
            "clear the Qualification Pack assessment.)",
            "70",
            id="NCVET layout",
        ),
        pytest.param("Minimum Aggregate Passing % at QP Level:\t50", "50", id="NCVET cell"),
        pytest.param("Pass percentage: 60%", "60", id="pass percentage, colon"),
        pytest.param("Pass Marks (%)\t55", "55", id="pass marks (%) cell"),
        pytest.param("QP pass percentage – 72.5%", "72.5", id="dash, decimal"),
        pytest.param("Pass percentage (QP)\t70", "70", id="(QP) after the label, cell"),
        pytest.param("Recommended Pass %aggregate for QP : 75", "75", id="words run together"),
        pytest.param(
            "To pass the Qualification Pack, every trainee should score a minimum of 70% in "
            "aggregate.",
            "70",
            id="sentence: a minimum of",
        ),
        pytest.param(
            "Every trainee should score at least 60% to pass the QP assessment.",
            "60",
            id="sentence: at least",
        ),
        pytest.param("The passing percentage for the QP is 70", "70", id="sentence: is, no %"),
        pytest.param(
            "The pass percentage for the Qualification Pack is 50 percent",
            "50",
            id="sentence: percent",
        ),
    ],
)
def test_pass_percentage_is_read_in_every_wording(seeds_dir, wording, expected):
    findings = _import(_seed(seeds_dir).replace(PASS_LINE, wording))
    assert QualificationPack.objects.get(code="ASC/Q0202").pass_percentage == Decimal(expected)
    assert "missing-pass-percentage" not in _codes(findings)


def test_pass_percentage_stated_only_in_the_qp_header_is_read(seeds_dir):
    text = _seed(seeds_dir).replace(PASS_LINE, "")
    text = text.replace(
        "Qualification Pack (QP) Parameters\n",
        "Qualification Pack (QP) Parameters\nPass Percentage\t70\n",
        1,
    )
    assert "Pass Percentage\t70" in text
    findings = _import(text)
    assert QualificationPack.objects.get(code="ASC/Q0202").pass_percentage == Decimal(70)
    assert "missing-pass-percentage" not in _codes(findings)


@pytest.mark.parametrize(
    "wording",
    [
        pytest.param("", id="no pass percentage at all"),
        pytest.param("Minimum Passing % at NOS Level: 50", id="only a NOS-level minimum"),
        pytest.param("Recommended Pass % aggregate for QP : 175", id="not a percentage"),
    ],
)
def test_no_pass_percentage_is_reported(seeds_dir, wording):
    findings = _import(_seed(seeds_dir).replace(PASS_LINE, wording))
    assert QualificationPack.objects.get(code="ASC/Q0202").pass_percentage is None
    missing = [f for f in findings if f.code == "missing-pass-percentage"]
    assert len(missing) == 1 and "ASC/Q0202" in missing[0].message


def test_a_course_outline_whose_guidelines_state_a_pass_percentage_gets_it(seeds_dir):
    name = "001_5789784e4a68579e.txt"
    text = (seeds_dir / name).read_text(encoding="utf-8")
    sentence = "every trainee should score the Recommended Pass % aggregate for the QP."
    assert sentence in text
    text = text.replace(sentence, "every trainee should score a minimum of 60% in aggregate.")
    parsed = parse_document(text)
    assert parsed.qualification_pack.pass_percentage == Decimal(60)
    assert "missing-pass-percentage" not in _codes(parsed.findings)
    document_import(text=text, source_name=name)
    code = parsed.qualification_pack.code
    assert QualificationPack.objects.get(code=code).pass_percentage == Decimal(60)


@pytest.mark.parametrize(
    "wording", ["Recommended Pass % aggregate for QP : 70", "Pass percentage: 70%"]
)
def test_the_older_ssc_layout_reads_a_stated_pass_percentage_too(seeds_dir, wording):
    """SSC/Q2211 (older layout) states none and says so; the same document with one gets it."""
    text = (seeds_dir / "002_07583d1f727b72ad.txt").read_text(encoding="utf-8")
    assert "missing-pass-percentage" in _codes(parse_document(text).findings)
    parsed = parse_document(text.rstrip() + "\n" + wording + "\n")
    assert parsed.qualification_pack.pass_percentage == Decimal(70)
    assert "missing-pass-percentage" not in _codes(parsed.findings)
