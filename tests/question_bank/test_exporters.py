"""Exporting the framework: canonical JSON, Moodle competency framework CSV, CASE 1.1 packages."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from question_bank.exporters import ExportError, qualification_pack_export
from question_bank.exporters.moodle_competency_csv import HEADER
from question_bank.management.commands.export_qp import Command as ExportCommand
from question_bank.services import document_import

from .framework_factories import (
    AwardingBodyFactory,
    ElementFactory,
    GenericSkillFactory,
    KnowledgeItemFactory,
    NosFactory,
    PerformanceCriterionFactory,
    QualificationPackFactory,
    QualificationPackNosFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
NO_MARKS = {"theory": None, "practical": None, "project": None, "viva": None}


@pytest.fixture
def framework():
    """A QP with a duplicated PC code, half marks and a NOS with marks only per element; a Hong
    Kong unit; and old revisions that must never be exported."""
    old_qp = QualificationPackFactory(code="TST/Q0001", revision=1, is_current=False, title="Old")
    QualificationPackFactory(code="TST/Q0009", revision=1, is_current=False, title="Withdrawn")
    qp = QualificationPackFactory(
        code="TST/Q0001",
        revision=2,
        title="Test CRM Manager",
        version="1.0",
        nsqf_level="6",
        pass_percentage=D("75.00"),
        description="Leads the CRM team & <customers>",
        awarding_body=AwardingBodyFactory(name="Automotive Skills Development Council"),
        sector=SectorFactory(name="Automotive"),
    )
    manage = NosFactory(
        code="TST/N0004",
        title="Manage customer relationship",
        theory_marks=D("30"),
        practical_marks=D("70"),
    )
    element = ElementFactory(
        nos=manage, position=1, title="Handle queries", theory_marks=D("7.5"), practical_marks=16
    )
    for position, code, text, theory, practical in [
        (1, "PC1", "analyse the customer’s needs", D("3"), D("8")),
        (2, "PC6", "ensure least turnaround time", D("4.50"), D("8")),
        (3, "PC6", "ensure least turnaround time", None, None),
    ]:
        PerformanceCriterionFactory(
            nos=manage,
            element=element,
            position=position,
            code=code,
            text=text,
            theory_marks=theory,
            practical_marks=practical,
        )
    KnowledgeItemFactory(nos=manage, position=1, code="KU1", text="the organisation's policies")
    GenericSkillFactory(
        nos=manage, position=1, code="GS1", text="write in one language", group="Writing Skills"
    )
    team = NosFactory(code="TST/N0002", title="Work in a team")  # marks only per element
    team_element = ElementFactory(
        nos=team, position=1, title="Communicate", theory_marks=D("10"), practical_marks=D("20")
    )
    PerformanceCriterionFactory(nos=team, element=team_element, position=1, code="PC1", text="talk")
    QualificationPackNosFactory(
        qualification_pack=qp, nos=team, position=2, kind="elective", weightage=D("40.00")
    )
    QualificationPackNosFactory(
        qualification_pack=qp, nos=manage, position=1, kind="compulsory", weightage=D("60.00")
    )
    QualificationPackNosFactory(qualification_pack=old_qp, nos=manage, position=1)
    NosFactory(code="108799L6", revision=1, is_current=False, framework="HK-SCS", title="Old")
    unit = NosFactory(
        code="108799L6",
        revision=2,
        framework="HK-SCS",
        title="Formulate customer relation management strategy",
        level="6",
        version="1",
    )
    unit_element = ElementFactory(nos=unit, position=1, title=unit.title)
    PerformanceCriterionFactory(
        nos=unit, element=unit_element, position=1, code="P1", text="Establish the structure"
    )
    KnowledgeItemFactory(nos=unit, position=1, code="K1", text="customer relation theory")
    return qp


EXPECTED_UNIT = {
    "code": "108799L6",
    "title": "Formulate customer relation management strategy",
    "version": "1",
    "nsqf_level": "6",
    "pass_percentage": None,
    "framework": "HK-SCS",
    "nos": [
        {
            "code": "108799L6",
            "title": "Formulate customer relation management strategy",
            "weightage": None,
            "kind": None,
            "marks": NO_MARKS,
            "elements": [
                {
                    "title": "Formulate customer relation management strategy",
                    "marks": NO_MARKS,
                    "performance_criteria": [
                        {"code": "P1", "text": "Establish the structure", "marks": NO_MARKS}
                    ],
                }
            ],
            "knowledge": [{"code": "K1", "text": "customer relation theory"}],
            "skills": [],
        }
    ],
}

EXPECTED_QP = {
    "code": "TST/Q0001",
    "title": "Test CRM Manager",
    "version": "1.0",
    "nsqf_level": "6",
    "pass_percentage": 75,
    "nos": [
        {
            "code": "TST/N0004",
            "title": "Manage customer relationship",
            "weightage": 60,
            "kind": "compulsory",
            "marks": {"theory": 30, "practical": 70, "project": None, "viva": None},
            "elements": [
                {
                    "title": "Handle queries",
                    "marks": {"theory": 7.5, "practical": 16, "project": None, "viva": None},
                    "performance_criteria": [
                        {
                            "code": "PC1",
                            "text": "analyse the customer’s needs",
                            "marks": {"theory": 3, "practical": 8, "project": None, "viva": None},
                        },
                        {
                            "code": "PC6",
                            "text": "ensure least turnaround time",
                            "marks": {"theory": 4.5, "practical": 8, "project": None, "viva": None},
                        },
                        {
                            "code": "PC6",
                            "text": "ensure least turnaround time",
                            "marks": NO_MARKS,
                        },
                    ],
                }
            ],
            "knowledge": [{"code": "KU1", "text": "the organisation's policies"}],
            "skills": [{"code": "GS1", "text": "write in one language"}],
        },
        {
            "code": "TST/N0002",
            "title": "Work in a team",
            "weightage": 40,
            "kind": "elective",
            "marks": NO_MARKS,
            "elements": [
                {
                    "title": "Communicate",
                    "marks": {"theory": 10, "practical": 20, "project": None, "viva": None},
                    "performance_criteria": [{"code": "PC1", "text": "talk", "marks": NO_MARKS}],
                }
            ],
            "knowledge": [],
            "skills": [],
        },
    ],
}


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_qp", *args, stdout=out)
    return out.getvalue()


# --- canonical JSON -------------------------------------------------------------------------


def test_json_export_is_exactly_the_canonical_form(framework):
    text = export("--all", "--format", "json")

    expected = [EXPECTED_UNIT, EXPECTED_QP]  # sorted by code
    assert text == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    assert '"theory": 4.5,' in text and '"theory": 3,' in text and "customer’s" in text


def test_json_export_of_one_code_exports_only_that_qp(framework):
    assert json.loads(export("TST/Q0001")) == [EXPECTED_QP]
    assert json.loads(export("108799L6", "TST/Q0001")) == [EXPECTED_UNIT, EXPECTED_QP]


def test_all_exports_current_qps_and_standalone_units_only(framework):
    data = json.loads(qualification_pack_export(codes=None, fmt="json"))

    assert [p["code"] for p in data] == ["108799L6", "TST/Q0001"]
    assert "Old" not in {p["title"] for p in data} and "Withdrawn" not in {p["title"] for p in data}


def test_a_qp_whose_link_gives_marks_exports_the_qp_marks_for_that_nos(framework):
    link = framework.nos_links.get(nos__code="TST/N0002")
    link.theory_marks, link.practical_marks = D("12"), D("28.5")
    link.save()

    nos = json.loads(export("TST/Q0001"))[0]["nos"][1]

    assert nos["marks"] == {"theory": 12, "practical": 28.5, "project": None, "viva": None}


def test_unknown_code_is_an_error_and_prints_nothing(framework):
    out = io.StringIO()
    with pytest.raises(CommandError, match="NOPE is not the code of a current QP"):
        call_command("export_qp", "TST/Q0001", "NOPE", stdout=out)
    assert out.getvalue() == ""
    with pytest.raises(CommandError, match="TST/N0004 is a NOS of TST/Q0001"):
        call_command("export_qp", "TST/N0004", stdout=out)
    with pytest.raises(CommandError, match="not the code of a current QP"):
        call_command("export_qp", "TST/Q0009", stdout=out)  # only an old revision
    assert out.getvalue() == ""


def test_unknown_code_exits_non_zero_with_the_message_on_stderr(framework, capsys, monkeypatch):
    # run_from_argv closes the connections when done; the test's transaction still needs one.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        ExportCommand().run_from_argv(["manage.py", "export_qp", "NOPE", "--format", "json"])

    assert exit_info.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "NOPE is not the code of a current QP or standalone unit" in captured.err


def test_command_needs_codes_or_all_and_a_known_format(framework):
    with pytest.raises(CommandError, match="codes, or --all"):
        call_command("export_qp")
    with pytest.raises(CommandError, match="not both"):
        call_command("export_qp", "TST/Q0001", "--all")
    with pytest.raises(CommandError):
        call_command("export_qp", "TST/Q0001", "--format", "xml")
    with pytest.raises(ExportError, match="unknown format"):
        qualification_pack_export(codes=["TST/Q0001"], fmt="xml")


def test_output_option_writes_the_export_to_a_file(framework, tmp_path: Path):
    target = tmp_path / "qp.json"

    printed = export("TST/Q0001", "--output", str(target))

    assert printed == ""
    assert json.loads(target.read_text(encoding="utf-8")) == [EXPECTED_QP]


# --- Moodle competency framework CSV --------------------------------------------------------


def moodle_rows(code: str) -> list[list[str]]:
    text = export(code, "--format", "moodle-competency-csv")
    return list(csv.reader(io.StringIO(text)))


def assert_moodle_framework_is_importable(rows: list[list[str]]) -> dict[str, list[str]]:
    """What Moodle's tool_lpimportcsv framework_importer relies on."""
    assert rows[0] == HEADER
    assert all(len(row) == len(HEADER) for row in rows)
    framework_row, competencies = rows[1], rows[2:]
    assert framework_row[12] == "1" and framework_row[0] == ""
    assert framework_row[5] == "Not yet competent,Competent"
    assert json.loads(framework_row[6]) == [
        {"scaleid": "2"},
        {"id": 1, "scaledefault": 1, "proficient": 0},
        {"id": 2, "scaledefault": 0, "proficient": 1},
    ]
    assert framework_row[13].split(",") == ["competency", "behaviour", "indicator"]
    id_numbers = [row[1] for row in competencies]
    assert len(id_numbers) == len(set(id_numbers)), "ID numbers must be unique"
    seen: set[str] = set()
    for row in competencies:
        assert row[12] == "0" and row[4] == "1"
        assert row[0] == "" or row[0] in seen, f"{row[1]}: parent {row[0]} not an earlier row"
        assert 0 < len(row[1]) <= 100 and 0 < len(row[2]) <= 100
        seen.add(row[1])
    return {row[1]: row for row in competencies}


def test_moodle_csv_is_one_importable_framework_with_nested_competencies(framework):
    rows = moodle_rows("TST/Q0001")

    by_id = assert_moodle_framework_is_importable(rows)
    assert rows[1][1:4] == [
        "TST/Q0001",
        "Test CRM Manager",
        "<p>Leads the CRM team &amp; &lt;customers&gt;</p><p>Level 6; pass percentage 75; "
        "version 1.0</p>",
    ]
    assert list(by_id) == [
        "TST/N0004",
        "TST/N0004/E1",
        "TST/N0004/PC1",
        "TST/N0004/PC6",
        "TST/N0004/PC6-2",
        "TST/N0004/KU",
        "TST/N0004/KU1",
        "TST/N0004/GS",
        "TST/N0004/GS1",
        "TST/N0002",
        "TST/N0002/E1",
        "TST/N0002/PC1",
    ]
    assert by_id["TST/N0004/PC6-2"][0] == "TST/N0004/E1"
    assert by_id["TST/N0004/KU1"][0] == "TST/N0004/KU"
    assert by_id["TST/N0004"][0] == ""
    assert by_id["TST/N0004/PC6"][2:4] == [
        "PC6 ensure least turnaround time",
        "<p>ensure least turnaround time</p><p>Marks: theory 4.5, practical 8</p>",
    ]
    assert by_id["TST/N0004/KU1"][3] == "<p>the organisation&#x27;s policies</p>"


def test_moodle_csv_round_trips_through_csv_reader(framework):
    text = export("TST/Q0001", "--format", "moodle-competency-csv")
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)

    assert out.getvalue() == text


def test_moodle_csv_of_a_unit_and_short_names_of_long_texts(framework):
    long_text = "maintain a healthy and professional relationship with the customers " * 3
    unit_pc = framework.nos.get(code="TST/N0002").performance_criteria.get()
    unit_pc.text = long_text
    unit_pc.save()

    by_id = assert_moodle_framework_is_importable(moodle_rows("TST/Q0001"))
    unit_ids = assert_moodle_framework_is_importable(moodle_rows("108799L6"))

    assert by_id["TST/N0002/PC1"][2].endswith("…") and len(by_id["TST/N0002/PC1"][2]) <= 100
    assert long_text.strip() in by_id["TST/N0002/PC1"][3]
    assert list(unit_ids) == [
        "108799L6",
        "108799L6/E1",
        "108799L6/P1",
        "108799L6/KU",
        "108799L6/K1",
    ]


def test_moodle_csv_refuses_several_frameworks_in_one_file(framework):
    with pytest.raises(CommandError, match="one competency framework per file"):
        export("--all", "--format", "moodle-competency-csv")


def test_output_directory_gets_one_moodle_framework_file_per_qp(framework, tmp_path: Path):
    export("--all", "--format", "moodle-competency-csv", "--output", str(tmp_path))

    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["108799L6.csv", "TST_Q0001.csv"]
    text = (tmp_path / "TST_Q0001.csv").read_text(encoding="utf-8")
    assert text == export("TST/Q0001", "--format", "moodle-competency-csv")
    for name in files:
        rows = list(csv.reader(io.StringIO((tmp_path / name).read_text(encoding="utf-8"))))
        assert_moodle_framework_is_importable(rows)


# --- CASE 1.1 ----------------------------------------------------------------------------------

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:.+$")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
LINK = {"title", "identifier", "uri"}
# CASE 1.1 (CFPackage forms): required properties, and every property the type allows.
CASE_TYPES = {
    "CFPckgDocument": (
        {"identifier", "uri", "creator", "title", "lastChangeDateTime"},
        {"frameworkType", "caseVersion", "officialSourceURL", "publisher", "description"}
        | {"subject", "subjectURI", "language", "version", "adoptionStatus", "statusStartDate"}
        | {"statusEndDate", "licenseURI", "notes", "extensions"},
    ),
    "CFPckgItem": (
        {"identifier", "fullStatement", "uri", "lastChangeDateTime"},
        {"alternativeLabel", "CFItemType", "humanCodingScheme", "listEnumeration"}
        | {"abbreviatedStatement", "conceptKeywords", "conceptKeywordsURI", "notes", "subject"}
        | {"subjectURI", "language", "educationLevel", "CFItemTypeURI", "licenseURI"}
        | {"statusStartDate", "statusEndDate", "extensions"},
    ),
    "CFPckgAssociation": (
        {"identifier", "associationType", "uri", "originNodeURI", "destinationNodeURI"}
        | {"lastChangeDateTime"},
        {"sequenceNumber", "CFAssociationGroupingURI", "notes", "extensions"},
    ),
    "CFItemType": (
        {"identifier", "uri", "title", "description", "hierarchyCode", "lastChangeDateTime"},
        {"typeCode", "extensions"},
    ),
}


def assert_case_object(obj: dict, kind: str) -> None:
    required, optional = CASE_TYPES[kind]
    assert required <= obj.keys(), f"{kind} lacks {required - obj.keys()}"
    assert obj.keys() <= required | optional, f"{kind} has {obj.keys() - required - optional}"
    assert None not in obj.values(), f"{kind}: CASE has no null values"
    assert UUID.match(obj["identifier"]) and URI.match(obj["uri"])
    assert DATETIME.match(obj["lastChangeDateTime"])
    for value in obj.values():
        if isinstance(value, dict) and kind != "CFPckgAssociation" and value.keys() == LINK:
            assert UUID.match(value["identifier"]) and URI.match(value["uri"])


def assert_case_package(package: dict) -> None:
    assert set(package) <= {"CFDocument", "CFItems", "CFAssociations", "CFDefinitions"}
    document = package["CFDocument"]
    assert_case_object(document, "CFPckgDocument")
    assert document.get("caseVersion") == "1.1"
    for item in package["CFItems"]:
        assert_case_object(item, "CFPckgItem")
        assert isinstance(item["listEnumeration"], str)
    for item_type in package["CFDefinitions"]["CFItemTypes"]:
        assert_case_object(item_type, "CFItemType")
    nodes = {document["identifier"]: document} | {i["identifier"]: i for i in package["CFItems"]}
    assert len(nodes) == len(package["CFItems"]) + 1, "identifiers must be unique"
    type_ids = {t["identifier"] for t in package["CFDefinitions"]["CFItemTypes"]}
    parents: dict[str, str] = {}
    for association in package["CFAssociations"]:
        assert_case_object(association, "CFPckgAssociation")
        assert association["associationType"] == "isChildOf"
        for end in ("originNodeURI", "destinationNodeURI"):
            link = association[end]
            assert link.keys() == LINK
            assert link["identifier"] in nodes, f"{end} {link['identifier']} does not exist"
            assert link["uri"] == nodes[link["identifier"]]["uri"]
        origin = association["originNodeURI"]["identifier"]
        assert origin not in parents, "one parent per item"
        parents[origin] = association["destinationNodeURI"]["identifier"]
    assert set(parents) == {i["identifier"] for i in package["CFItems"]}
    for item in package["CFItems"]:
        assert item["CFItemTypeURI"]["identifier"] in type_ids
        if item["CFItemType"] in {"NOS", "Unit of Competency"}:
            assert parents[item["identifier"]] == document["identifier"]


def test_case_package_has_every_required_field_and_a_consistent_tree(framework):
    package = json.loads(export("TST/Q0001", "--format", "case"))

    assert_case_package(package)
    assert package["CFDocument"]["title"] == "Test CRM Manager"
    assert package["CFDocument"]["creator"] == "Automotive Skills Development Council"
    items = package["CFItems"]
    assert [i.get("humanCodingScheme") for i in items] == [
        "TST/N0004",
        None,
        "PC1",
        "PC6",
        "PC6",
        "KU1",
        "GS1",
        "TST/N0002",
        None,
        "PC1",
    ]
    assert [i["CFItemType"] for i in items[:7]] == [
        "NOS",
        "Element",
        "Performance Criterion",
        "Performance Criterion",
        "Performance Criterion",
        "Knowledge Item",
        "Generic Skill",
    ]
    assert items[3]["extensions"]["marks"] == {"theory": 4.5, "practical": 8}
    assert "extensions" not in items[4]  # the repeated PC6 has no marks of its own
    assert items[3]["identifier"] != items[4]["identifier"]
    assert items[0]["extensions"]["weightage"] == 60


def test_export_reads_the_database_a_fixed_number_of_times(
    framework, django_assert_max_num_queries
):
    for fmt in ("json", "case"):
        with django_assert_max_num_queries(12):
            qualification_pack_export(codes=None, fmt=fmt)


def test_case_identifiers_are_stable_across_exports(framework):
    first = export("--all", "--format", "case")
    second = export("--all", "--format", "case")

    assert first == second
    packages = json.loads(first)
    assert [p["CFDocument"]["notes"].split(";")[0] for p in packages] == [
        "Code 108799L6",
        "Code TST/Q0001",
    ]
    for package in packages:
        assert_case_package(package)


def test_case_uris_use_the_base_uri_setting(framework, settings):
    settings.KAUSHAL_CASE_BASE_URI = "https://standards.example.org/ims/case/v1p1"
    custom = json.loads(qualification_pack_export(codes=["108799L6"], fmt="case"))
    del settings.KAUSHAL_CASE_BASE_URI

    package = json.loads(qualification_pack_export(codes=["108799L6"], fmt="case"))

    assert custom["CFDocument"]["uri"].startswith(
        "https://standards.example.org/ims/case/v1p1/CFDocuments/"
    )
    assert package["CFDocument"]["uri"].startswith("https://kaushal.example/case/CFDocuments/")
    assert package["CFDocument"]["identifier"] == custom["CFDocument"]["identifier"]
    assert package["CFItems"][0]["CFItemType"] == "Unit of Competency"


# --- the real seed documents ---------------------------------------------------------------


@pytest.fixture
def seeds(seeds_dir: Path) -> None:
    for name in (
        "000_11998c2bd16f104f.txt",
        "003_1978a192bcc42aa4.txt",
        "004_190f605e25dfa122.txt",
    ):
        document_import(text=(seeds_dir / name).read_text(encoding="utf-8"), source_name=name)


def test_seed_qp_exports_six_nos_and_one_pc6_of_asc_n0004(seeds):
    [qp] = json.loads(export("ASC/Q0202"))

    assert qp["nsqf_level"] == "6" and qp["pass_percentage"] == 75
    assert len(qp["nos"]) == 6
    [n0004] = [n for n in qp["nos"] if n["code"] == "ASC/N0004"]
    codes = [pc["code"] for e in n0004["elements"] for pc in e["performance_criteria"]]
    assert codes.count("PC6") == 1  # listed twice with the same text: one PC

    by_id = assert_moodle_framework_is_importable(moodle_rows("ASC/Q0202"))
    assert "ASC/N0004/PC6" in by_id and "ASC/N0004/PC6-2" not in by_id


def test_seed_export_all_lists_the_qp_and_both_hong_kong_units(seeds):
    data = json.loads(export("--all"))

    assert [p["code"] for p in data] == ["108798L6", "108799L6", "ASC/Q0202"]
    assert {p.get("framework") for p in data[:2]} == {"HK-SCS"}
    for package in json.loads(export("--all", "--format", "case")):
        assert_case_package(package)
