"""Importing qualification documents into the database: counts, revisions, all-or-nothing."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from question_bank.importers import parse_document
from question_bank.models import (
    DocumentImport,
    Element,
    GenericSkill,
    KnowledgeItem,
    NationalOccupationalStandard,
    PerformanceCriterion,
    QualificationPack,
    QualificationPackNos,
)
from question_bank.services import DocumentError, document_import, documents_import

pytestmark = pytest.mark.django_db

QP_FILE = "000_11998c2bd16f104f.txt"
COURSE_FILE = "001_5789784e4a68579e.txt"
IT_FILE = "002_07583d1f727b72ad.txt"
HK_FILES = ("003_1978a192bcc42aa4.txt", "004_190f605e25dfa122.txt")
ALL_MODELS = (
    QualificationPack,
    QualificationPackNos,
    NationalOccupationalStandard,
    Element,
    PerformanceCriterion,
    KnowledgeItem,
    GenericSkill,
    DocumentImport,
)


def snapshot() -> dict[str, list]:
    """Every framework row's primary key and content, to prove that nothing changed."""
    return {m.__name__: sorted(map(repr, m.objects.values())) for m in ALL_MODELS}


def _import(seeds_dir: Path, *names: str) -> str:
    out = StringIO()
    call_command("import_qp", *[str(seeds_dir / n) for n in names], stdout=out)
    return out.getvalue()


def test_all_five_seeds_import_in_one_command(seeds_dir):
    output = _import(seeds_dir, QP_FILE, COURSE_FILE, IT_FILE, *HK_FILES)
    assert "ASC/Q0202" in output and "SSC/Q2211" in output and "108799L6" in output
    assert set(QualificationPack.objects.values_list("code", flat=True)) == {
        "ASC/Q0202",
        "SSC/Q2211",
        QualificationPack.objects.get(code_is_provisional=True).code,
    }
    assert set(
        NationalOccupationalStandard.objects.filter(framework="HK-SCS").values_list(
            "code", flat=True
        )
    ) == {"108799L6", "108798L6"}


@pytest.mark.parametrize("name", [QP_FILE, IT_FILE, *HK_FILES])
def test_database_holds_exactly_what_the_parser_read(seeds_dir, name):
    text = (seeds_dir / name).read_text(encoding="utf-8")
    parsed = parse_document(text)
    document_import(text=text, source_name=name)
    for unit in parsed.units:
        nos = NationalOccupationalStandard.objects.get(code=unit.code, is_current=True)
        assert nos.title == unit.title
        assert nos.elements.count() == len(unit.elements)
        pcs = list(nos.performance_criteria.order_by("position"))
        parsed_pcs = [pc for e in unit.elements for pc in e.performance_criteria]
        assert [(p.code, p.text) for p in pcs] == [(p.code, p.text) for p in parsed_pcs]
        for stored, read in zip(pcs, parsed_pcs, strict=True):
            if read.marks is not None:
                assert stored.theory_marks == read.marks.theory
                assert stored.practical_marks == read.marks.practical
        assert [k.code for k in nos.knowledge_items.all()] == [k.code for k in unit.knowledge]
        assert [s.code for s in nos.generic_skills.all()] == [s.code for s in unit.skills]


def test_asc_q0202_has_its_six_nos_weightage_and_pass_percentage(seeds_dir):
    _import(seeds_dir, QP_FILE)
    qp = QualificationPack.objects.get(code="ASC/Q0202")
    assert qp.pass_percentage == Decimal("75")
    assert qp.nsqf_level == "6"
    assert qp.sector.name == "Automotive"
    links = list(qp.nos_links.select_related("nos").order_by("position"))
    assert [link.nos.code for link in links] == [
        "ASC/N0001",
        "ASC/N0002",
        "ASC/N0003",
        "ASC/N0004",
        "ASC/N0203",
        "ASC/N0204",
    ]
    assert all(link.kind == "compulsory" for link in links)
    assert sum(link.weightage for link in links) == Decimal("100")
    n0004 = NationalOccupationalStandard.objects.get(code="ASC/N0004")
    assert list(n0004.performance_criteria.values_list("code", flat=True)).count("PC6") == 1


def test_asc_n0001_pc_marks_are_those_of_the_document(seeds_dir):
    _import(seeds_dir, QP_FILE)
    n0001 = NationalOccupationalStandard.objects.get(code="ASC/N0001")
    marks = {
        pc.code: (pc.theory_marks, pc.practical_marks) for pc in n0001.performance_criteria.all()
    }
    assert marks["PC1"] == (Decimal(2), Decimal(9))
    assert marks["PC6"] == (Decimal(3), Decimal(11))
    assert marks["PC9"] == (Decimal(3), Decimal(8))
    elements = list(n0001.elements.order_by("position"))
    assert [(e.theory_marks, e.practical_marks) for e in elements] == [
        (Decimal(16), Decimal(47)),
        (Decimal(9), Decimal(28)),
    ]
    assert (n0001.theory_marks, n0001.practical_marks) == (Decimal(25), Decimal(75))


def test_report_lists_duplicated_pc6_with_its_line_number(seeds_dir):
    output = _import(seeds_dir, QP_FILE)
    lines = (seeds_dir / QP_FILE).read_text(encoding="utf-8").splitlines()
    duplicate = [line for line in output.splitlines() if "[pc-duplicate]" in line]
    assert len(duplicate) == 1 and "ASC/N0004" in duplicate[0] and "PC6" in duplicate[0]
    line_number = int(duplicate[0].split("line ")[1].split(":")[0])
    assert "PC6" in lines[line_number - 1]


def test_reimport_of_unchanged_document_changes_nothing(seeds_dir):
    _import(seeds_dir, QP_FILE, COURSE_FILE, IT_FILE, *HK_FILES)
    before = snapshot()
    output = _import(seeds_dir, QP_FILE, COURSE_FILE, IT_FILE, *HK_FILES)
    assert snapshot() == before
    assert output.count("unchanged") == 5


def test_changed_document_becomes_a_new_revision_and_the_old_one_stays(seeds_dir):
    text = (seeds_dir / QP_FILE).read_text(encoding="utf-8")
    document_import(text=text, source_name=QP_FILE)
    old_qp = QualificationPack.objects.get(code="ASC/Q0202")
    old_n0001 = NationalOccupationalStandard.objects.get(code="ASC/N0001")
    old_pc_ids = set(old_n0001.performance_criteria.values_list("pk", flat=True))
    changed = text.replace("use resources in a responsible manner", "use resources responsibly")
    assert changed != text
    report = document_import(text=changed, source_name="revised.txt")
    assert report.outcome == "new_revision"
    old_qp.refresh_from_db()
    old_n0001.refresh_from_db()
    assert not old_qp.is_current and not old_n0001.is_current
    assert set(old_n0001.performance_criteria.values_list("pk", flat=True)) == old_pc_ids
    new_n0001 = NationalOccupationalStandard.objects.get(code="ASC/N0001", is_current=True)
    assert new_n0001.revision == 2
    assert new_n0001.performance_criteria.filter(text="use resources responsibly").exists()
    # NOS that did not change are shared by both revisions of the QP, not copied.
    new_qp = QualificationPack.objects.get(code="ASC/Q0202", is_current=True)
    assert new_qp.revision == 2
    assert NationalOccupationalStandard.objects.filter(code="ASC/N0002").count() == 1
    assert new_qp.nos.get(code="ASC/N0002") == old_qp.nos.get(code="ASC/N0002")


def test_a_nos_is_stored_once_and_shared_by_every_qp_that_uses_it(seeds_dir):
    _import(seeds_dir, QP_FILE, COURSE_FILE)
    assert NationalOccupationalStandard.objects.filter(code="ASC/N0001").count() == 1
    n0001 = NationalOccupationalStandard.objects.get(code="ASC/N0001")
    assert n0001.packs.count() == 2


def test_course_nos_known_by_title_are_matched_or_given_a_provisional_code(seeds_dir):
    output = _import(seeds_dir, COURSE_FILE, QP_FILE)  # order does not matter
    course = QualificationPack.objects.get(code_is_provisional=True)
    codes = [link.nos.code for link in course.nos_links.order_by("position")]
    assert codes[:3] == ["ASC/N0001", "ASC/N0002", "ASC/N0003"]
    provisional = course.nos.filter(code_is_provisional=True)
    assert provisional.count() == len(codes) - 3
    assert "matched ASC/N0001 by title" in output
    assert "[nos-provisional-code]" in output


def test_a_garbled_document_is_an_error_and_the_database_is_unchanged(seeds_dir, tmp_path):
    _import(seeds_dir, IT_FILE)
    before = snapshot()
    garbled = tmp_path / "garbled.txt"
    garbled.write_text("Qualification Pack\n\n%%%% \x7f nothing to see here\n" * 20)
    with pytest.raises(CommandError, match="Nothing was imported"):
        _import(tmp_path, garbled.name)
    assert snapshot() == before


def test_one_bad_document_among_several_imports_none_of_them(seeds_dir, tmp_path):
    good = (seeds_dir / QP_FILE).read_text(encoding="utf-8")
    truncated = good[: len(good) // 3]
    with pytest.raises(DocumentError):
        documents_import(documents=[("good.txt", good), ("truncated.txt", truncated)])
    assert not QualificationPack.objects.exists()
    assert not NationalOccupationalStandard.objects.exists()


def test_binary_file_is_refused_with_a_clear_message(tmp_path):
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02")
    with pytest.raises(CommandError, match="binary file"):
        call_command("import_qp", str(binary))
    assert not QualificationPack.objects.exists()


def test_dry_run_reports_and_writes_nothing(seeds_dir):
    out = StringIO()
    call_command("import_qp", str(seeds_dir / QP_FILE), "--dry-run", stdout=out)
    assert "ASC/Q0202" in out.getvalue() and "Dry run" in out.getvalue()
    assert not QualificationPack.objects.exists()
