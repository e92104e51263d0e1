"""Acceptance tests of the document importers: the five seeds, read exactly, plus synthetic
documents for the other variants of each family. Pure: no Django, no database."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from question_bank.importers import DocumentError, detect_family, parse_document
from question_bank.importers.document import Marks, ParsedDocument, ParsedNos

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"

SEED_000 = "000_11998c2bd16f104f.txt"
SEED_001 = "001_5789784e4a68579e.txt"
SEED_002 = "002_07583d1f727b72ad.txt"
SEED_003 = "003_1978a192bcc42aa4.txt"
SEED_004 = "004_190f605e25dfa122.txt"


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


_cache: dict[str, ParsedDocument] = {}


def seed(name: str) -> ParsedDocument:
    if name not in _cache:
        _cache[name] = parse_document(seed_text(name))
    return _cache[name]


def unit(doc: ParsedDocument, code: str) -> ParsedNos:
    return next(u for u in doc.units if u.code == code)


def pcs(nos: ParsedNos):
    return [pc for el in nos.elements for pc in el.performance_criteria]


def tp(m: Marks | None) -> tuple[int | None, int | None] | None:
    """(theory, practical) as ints, for compact expectations."""
    if m is None:
        return None
    return (
        None if m.theory is None else int(m.theory),
        None if m.practical is None else int(m.practical),
    )


def codes(doc: ParsedDocument) -> list[str]:
    return [f.code for f in doc.findings]


def D(x) -> Decimal:
    return Decimal(str(x))


# --------------------------------------------------------------------------------------------
# family detection


@pytest.mark.parametrize(
    ("name", "family"),
    [
        (SEED_000, "nsqc-qp"),
        (SEED_001, "course-outline"),
        (SEED_002, "ssc-os-qp"),
        (SEED_003, "hk-scs-unit"),
        (SEED_004, "hk-scs-unit"),
    ],
)
def test_each_seed_is_detected_as_its_family(name, family):
    assert detect_family(seed_text(name)) == family
    assert seed(name).family == family


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n\t  \n",
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08" * 50,
        "Lorem ipsum dolor sit amet.\nConsectetur adipiscing elit.\n",
        "QP Code: ASC/Q0202\nNSQF Level: 6\n",
    ],
    ids=["empty", "blank", "binary", "random-text", "header-only"],
)
def test_documents_that_cannot_be_understood_raise_document_error(text):
    with pytest.raises(DocumentError):
        parse_document(text)


# --------------------------------------------------------------------------------------------
# 000: NSQC QP ASC/Q0202

N000 = {
    # code: (title, PCs per element, KU, GS, NOS total (theory, practical), weightage)
    "ASC/N0001": ("Plan and organise work to meet expected outcomes", [6, 3], 11, 12, (25, 75), 10),
    "ASC/N0002": ("Work effectively in a team", [9], 8, 13, (25, 75), 10),
    "ASC/N0003": (
        "Maintain a healthy, safe and secure working environment",
        [8],
        11,
        13,
        (25, 75),
        5,
    ),
    "ASC/N0004": ("Manage customer relationship and quality service", [9], 16, 23, (30, 70), 10),
    "ASC/N0203": ("Maintain complete customer satisfaction", [12], 7, 14, (30, 70), 30),
    "ASC/N0204": (
        "Design and develop framework for better customer experience",
        [11],
        11,
        14,
        (30, 70),
        35,
    ),
}

PC_MARKS_000 = {
    "ASC/N0001": [(2, 9), (2, 6), (3, 8), (3, 6), (3, 7), (3, 11), (3, 9), (3, 11), (3, 8)],
    "ASC/N0002": [(4, 10), (2, 7), (3, 8), (3, 8), (2, 8), (2, 8), (4, 9), (3, 9), (2, 8)],
    "ASC/N0003": [(3, 9), (3, 10), (3, 10), (5, 10), (3, 9), (3, 10), (3, 8), (2, 9)],
    # PC5 gets the merged PC5/PC6 row, PC6 (listed twice with the same text: one PC) its row
    "ASC/N0004": [(5, 8), (2, 7), (3, 8), (3, 8), (2, 7), (5, 9), (5, 9), (2, 7), (3, 7)],
    "ASC/N0203": [
        (3, 6),
        (3, 6),
        (3, 6),
        (3, 6),
        (3, 6),
        (3, 6),
        (2, 6),
        (2, 6),
        (2, 6),
        (2, 5),
        (2, 5),
        (2, 6),
    ],  # fmt: skip
    "ASC/N0204": [
        (3, 6),
        (3, 6),
        (2, 6),
        (3, 7),
        (3, 7),
        (3, 7),
        (3, 7),
        (3, 6),
        (2, 6),
        (3, 6),
        (2, 6),
    ],  # fmt: skip
}


def test_asc_q0202_header_is_read_as_published():
    qp = seed(SEED_000).qualification_pack
    assert qp is not None
    assert qp.code == "ASC/Q0202"
    assert qp.title == "Regional Sales Development/CRM Manager"
    assert qp.line == 5
    assert qp.nsqf_level == "6"
    assert qp.pass_percentage == Decimal(75)
    assert qp.version == "1.0"
    assert qp.sector == "Automotive"
    assert qp.sub_sector == "Automotive Vehicle Sales (Oem)"
    assert qp.occupation == "Sales Support"
    assert qp.awarding_body == "Automotive Skills Development Council"
    assert (qp.last_reviewed, qp.next_review, qp.approval_date) == (
        "20/07/2013",
        "31/03/2020",
        "05/08/2015",
    )
    assert qp.description.startswith("A CRM Manager is responsible")
    assert not qp.code_is_provisional


def test_asc_q0202_lists_six_compulsory_nos_with_weightage_and_marks():
    doc = seed(SEED_000)
    qp = doc.qualification_pack
    assert [r.code for r in qp.nos] == list(N000)
    assert [u.code for u in doc.units] == list(N000)
    assert all(r.kind == "compulsory" for r in qp.nos)
    assert [r.line for r in qp.nos] == [50, 51, 52, 53, 54, 55]
    for ref in qp.nos:
        assert ref.title == N000[ref.code][0]
        assert ref.weightage == Decimal(N000[ref.code][5])
        assert tp(ref.marks) == N000[ref.code][4]
        assert ref.marks.project is None and ref.marks.viva is None
    assert sum(r.weightage for r in qp.nos) == 100


@pytest.mark.parametrize("code", list(N000))
def test_asc_q0202_nos_counts_and_totals(code):
    title, per_element, ku, gs, total, _ = N000[code]
    nos = unit(seed(SEED_000), code)
    assert nos.title == title
    assert [len(e.performance_criteria) for e in nos.elements] == per_element
    assert len(nos.knowledge) == ku
    assert [k.code for k in nos.knowledge] == [f"KU{i}" for i in range(1, ku + 1)]
    assert len(nos.skills) == gs
    assert [s.code for s in nos.skills] == [f"GS{i}" for i in range(1, gs + 1)]
    assert tp(nos.marks) == total
    assert nos.framework == "NOS"
    assert not nos.code_is_provisional


@pytest.mark.parametrize("code", list(PC_MARKS_000))
def test_asc_q0202_marks_per_pc(code):
    nos = unit(seed(SEED_000), code)
    assert [tp(pc.marks) for pc in pcs(nos)] == PC_MARKS_000[code]
    for pc in pcs(nos):
        if pc.marks is not None:
            assert pc.marks.project is None and pc.marks.viva is None


def test_asc_n0001_has_two_elements_with_subtotals():
    nos = unit(seed(SEED_000), "ASC/N0001")
    first, second = nos.elements
    assert first.title == (
        "Work requirements including various activities within the given time and set quality "
        "standards"
    )
    assert first.line == 94
    assert second.title == "Appropriate use of resources"
    assert second.line == 105
    assert tp(first.marks) == (16, 47)
    assert tp(second.marks) == (9, 28)
    assert [pc.code for pc in second.performance_criteria] == ["PC7", "PC8", "PC9"]
    assert pcs(nos)[0].text == "keep immediate work area clean and tidy"
    assert pcs(nos)[0].line == 98


def test_asc_q0202_elements_without_subtotal_have_no_marks():
    for code in ("ASC/N0002", "ASC/N0003", "ASC/N0004", "ASC/N0203", "ASC/N0204"):
        assert [e.marks for e in unit(seed(SEED_000), code).elements] == [None]


def test_asc_q0202_nos_parameters_are_read():
    nos = unit(seed(SEED_000), "ASC/N0001")
    assert (nos.level, nos.credits, nos.version, nos.sector) == ("4", "NA", "1.0", "Automotive")
    assert nos.sub_sector == "Manufacturing and R&D, Sales and Service, Road Transportation"
    assert nos.occupation == "Auto Components /Aggregates Repair"
    assert unit(seed(SEED_000), "ASC/N0002").credits == "TBD"
    assert unit(seed(SEED_000), "ASC/N0004").level == "5"
    assert unit(seed(SEED_000), "ASC/N0203").level == "6"
    assert nos.description.startswith("This NOS unit is about planning and organising")
    assert "appropriate use of resources" in nos.scope


def test_layout_noise_is_removed_from_codes_and_texts():
    doc = seed(SEED_000)
    n2 = unit(doc, "ASC/N0002")
    assert pcs(n2)[3].code == "PC4"
    assert pcs(n2)[3].text == "work in ways that show respect for colleagues"
    n4 = unit(doc, "ASC/N0004")
    assert pcs(n4)[0].text == "analyse and comprehend all customer requirements and needs"
    assert all("**" not in pc.text and not pc.text.startswith(".") for pc in pcs(n4))


def test_asc_n0004_pc6_listed_twice_with_the_same_text_is_one_pc_and_is_reported():
    doc = seed(SEED_000)
    n4 = unit(doc, "ASC/N0004")
    assert [pc.code for pc in pcs(n4)] == [
        "PC1", "PC2", "PC3", "PC4", "PC5", "PC6", "PC7", "PC8", "PC9",
    ]  # fmt: skip
    assert [pc.line for pc in pcs(n4) if pc.code == "PC6"] == [409]
    dup = [f for f in doc.findings if f.code == "pc-duplicate"]
    assert len(dup) == 1
    assert dup[0].line == 410
    assert "ASC/N0004" in dup[0].message and "PC6" in dup[0].message
    assert "same text" in dup[0].message and "kept once" in dup[0].message


def test_asc_n0004_merged_pc5_pc6_marks_row_is_reported():
    doc = seed(SEED_000)
    merged = [f for f in doc.findings if f.code == "marks-merged-row"]
    assert len(merged) == 1
    assert merged[0].line == 480
    assert "PC5" in merged[0].message and "PC6" in merged[0].message
    assert not [f for f in doc.findings if f.code == "marks-pc-missing"]


def test_asc_q0202_produces_exactly_the_expected_findings():
    assert sorted((f.line, f.code) for f in seed(SEED_000).findings) == [
        (410, "pc-duplicate"),
        (480, "marks-merged-row"),
    ]


# --------------------------------------------------------------------------------------------
# 001: course outline (NOS by title only)

N001 = [
    ("CRE/N01", "Plan and organise work to meet expected outcomes", 7, [6, 3], 11, 12),
    ("CRE/N02", "Work effectively in a team", 49, [9], 8, 13),
    ("CRE/N03", "Maintain a healthy,safe and secure working environment", 87, [8], 11, 13),
    (
        "CRE/N04",
        "Generate sales leads and pass on the leads to the sales team to achieve sales closure",
        127,
        [20],
        23,
        17,
    ),
    (
        "CRE/N05",
        "Handle post-delivery services for better customer satisfaction",
        195,
        [11],
        15,
        20,
    ),
]


def test_cre_course_gets_a_provisional_qp_code_from_its_initials():
    doc = seed(SEED_001)
    qp = doc.qualification_pack
    assert qp.code == "CRE/Q01"
    assert qp.code_is_provisional
    assert qp.title == "Customer Relationship Executive"
    assert qp.line == 2
    assert qp.pass_percentage is None
    assert qp.description.startswith("A Customer Relationship Executive is responsible")
    assert [(r.code, r.title) for r in qp.nos] == [(c, t) for c, t, *_ in N001]


@pytest.mark.parametrize(("code", "title", "line", "per_element", "ku", "gs"), N001)
def test_cre_course_nos_are_known_by_title_with_provisional_codes(
    code, title, line, per_element, ku, gs
):
    doc = seed(SEED_001)
    nos = unit(doc, code)
    assert nos.title == title
    assert nos.line == line
    assert nos.code_is_provisional
    assert [len(e.performance_criteria) for e in nos.elements] == per_element
    assert len(nos.knowledge) == ku
    assert len(nos.skills) == gs
    assert nos.marks is None
    assert all(pc.marks is None for pc in pcs(nos))
    title_only = [f for f in doc.findings if f.code == "nos-title-only" and f.line == line]
    assert len(title_only) == 1
    assert code in title_only[0].message and "initials" in title_only[0].message


def test_cre_course_titles_match_asc_nos_of_the_qp():
    asc = {u.title.replace(" ", "").lower(): u for u in seed(SEED_000).units}
    cre = seed(SEED_001).units[:3]
    for nos, asc_code in zip(cre, ("ASC/N0001", "ASC/N0002", "ASC/N0003"), strict=True):
        match = asc[nos.title.replace(" ", "").lower()]
        assert match.code == asc_code
        # same PCs, up to spaces run together or split in the PDF extraction
        assert [pc.text.replace(" ", "") for pc in pcs(nos)] == [
            pc.text.replace(" ", "") for pc in pcs(match)
        ]


def test_cre_course_findings():
    doc = seed(SEED_001)
    assert codes(doc).count("nos-title-only") == 5
    assert codes(doc).count("missing-marks") == 5
    assert ("qp-code-provisional", 2) in [(f.code, f.line) for f in doc.findings]
    assert ("missing-pass-percentage", 249) in [(f.code, f.line) for f in doc.findings]
    assert "missing-weightage" in codes(doc)
    assert "pc-duplicate" not in codes(doc)


def test_cre_course_element_titles_and_pc_lines():
    nos = unit(seed(SEED_001), "CRE/N01")
    assert [(e.title, e.line) for e in nos.elements] == [
        (
            "Work requirements including various activities within the given time and set "
            "quality standards",
            9,
        ),
        ("Appropriate use of resources", 17),
    ]
    assert (pcs(nos)[0].code, pcs(nos)[0].line) == ("PC1", 11)
    assert pcs(unit(seed(SEED_001), "CRE/N04"))[0].text.startswith("handle all leads")


# --------------------------------------------------------------------------------------------
# 002: older IT-ITeS SSC QP

N002 = {
    # code: (title, line, PCs, KA, KB, SA, SB, SC)
    "SSC/N3021": ("Deal remotely with customer queries", 119, 11, 12, 8, 5, 16, 4),
    "SSC/N9001": ("Manage your work to meet requirements", 193, 9, 9, 3, 4, 12, 4),
    "SSC/N9003": (
        "Maintain a healthy, safe and secure working environment",
        253,
        7,
        7,
        4,
        3,
        10,
        3,
    ),
}


def test_ssc_q2211_header():
    qp = seed(SEED_002).qualification_pack
    assert qp.code == "SSC/Q2211"
    assert qp.title == "CRM Domestic Non-Voice"
    assert qp.line == 29
    assert qp.nsqf_level == "4"
    assert qp.version == "1.0"
    assert qp.pass_percentage is None
    assert (qp.sector, qp.sub_sector, qp.occupation) == (
        "IT-ITeS",
        "Business Process Management",
        "Customer Relationship Management",
    )
    assert (qp.last_reviewed, qp.next_review) == ("30/04/13", "30/06/14")
    assert [(r.code, r.title, r.kind) for r in qp.nos] == [
        (c, v[0], "compulsory") for c, v in N002.items()
    ]


@pytest.mark.parametrize("code", list(N002))
def test_ssc_q2211_nos_counts(code):
    title, line, npc, ka, kb, sa, sb, sc = N002[code]
    nos = unit(seed(SEED_002), code)
    assert (nos.title, nos.line) == (title, line)
    assert len(nos.elements) == 1
    assert [pc.code for pc in pcs(nos)] == [f"PC{i}" for i in range(1, npc + 1)]
    k = [x.code for x in nos.knowledge]
    assert k == [f"KA{i}" for i in range(1, ka + 1)] + [f"KB{i}" for i in range(1, kb + 1)]
    s = [x.code for x in nos.skills]
    assert s == (
        [f"SA{i}" for i in range(1, sa + 1)]
        + [f"SB{i}" for i in range(1, sb + 1)]
        + [f"SC{i}" for i in range(1, sc + 1)]
    )
    assert (nos.credits, nos.version, nos.sector) == ("TBD", "1.0", "IT-ITeS")
    assert nos.marks is None


def test_ssc_n3021_items_broken_across_page_breaks_are_rejoined():
    nos = unit(seed(SEED_002), "SSC/N3021")
    ka1 = nos.knowledge[0]
    assert ka1.text == (
        "your organization's standards, policies, procedures, guidelines and service level "
        "agreements for dealing with customer queries and your role and responsibilities in "
        "relation to these"
    )
    assert ka1.line == 126
    assert ka1.category == "Organisational Context"
    assert nos.knowledge[-1].category == "Technical Knowledge"
    n9001 = unit(seed(SEED_002), "SSC/N9001")
    assert n9001.knowledge[4].text == (
        "how to prioritize your workload according to urgency and importance and the benefits "
        "of this"
    )


def test_ssc_skills_keep_their_groups_and_categories():
    nos = unit(seed(SEED_002), "SSC/N3021")
    by_code = {s.code: s for s in nos.skills}
    assert (by_code["SA1"].group, by_code["SA1"].category) == ("Writing Skills", "Core/Generic")
    assert by_code["SA3"].group == "Reading Skills"
    assert by_code["SA5"].group == "Oral Communication (Listening and Speaking skills)"
    assert (by_code["SB1"].group, by_code["SB1"].category) == ("Decision Making", "Professional")
    assert by_code["SB2"].text == "follow rule-based decision-making processes"
    assert by_code["SB12"].group == "Analytical Thinking"
    assert by_code["SB16"].group == "Team Working"
    assert (by_code["SC4"].category, by_code["SC4"].group) == ("Technical", "")
    n9003 = {s.code: s for s in unit(seed(SEED_002), "SSC/N9003").skills}
    assert n9003["SB10"].group == "Team Working"
    assert n9003["SB10"].text == "work effectively in a team environment"


def test_ssc_q2211_reports_missing_marks_and_pass_percentage():
    doc = seed(SEED_002)
    assert sorted((f.line, f.code) for f in doc.findings) == [
        (29, "missing-pass-percentage"),
        (29, "missing-weightage"),
        (119, "missing-marks"),
        (193, "missing-marks"),
        (253, "missing-marks"),
    ]


def test_ssc_equipment_list_is_ignored():
    doc = seed(SEED_002)
    assert len(doc.units) == 3
    assert all("Projector" not in pc.text for u in doc.units for pc in pcs(u))


def test_ssc_scope_and_description():
    nos = unit(seed(SEED_002), "SSC/N3021")
    assert nos.description == (
        "This unit is about dealing with queries received from customers by e-mail or chat."
    )
    assert nos.scope.startswith("This unit/task covers the following:")
    assert "subject matter experts" in nos.scope


# --------------------------------------------------------------------------------------------
# 003, 004: Hong Kong units of competency


def test_hk_108799l6_unit():
    doc = seed(SEED_003)
    assert doc.qualification_pack is None
    (nos,) = doc.units
    assert (nos.code, nos.framework, nos.level, nos.credits) == (
        "108799L6",
        "HK-SCS",
        "6",
        "9 (For Reference Only)",
    )
    assert nos.title == "Formulate customer relation management strategy"
    assert nos.line == 5
    assert nos.range_statement.startswith("This unit of competency is applicable")
    assert nos.description.startswith("The integrated outcome requirements")
    assert nos.description.endswith("facilitate long-term development.")
    assert [k.code for k in nos.knowledge] == ["K1", "K2", "K3", "K4"]
    assert {k.category for k in nos.knowledge} == {"Customer relation management"}
    assert nos.knowledge[1].text == (
        "Master customer relation management: Market orientation and customer orientation; "
        "Interests of customer relation; Purposes of customer relation; Characteristics of "
        "customer relation"
    )
    assert (
        nos.knowledge[3].text == "Good understanding of data base system for customer information."
    )
    (element,) = nos.elements
    assert element.title == "Formulate customer relation management strategy"
    assert [pc.code for pc in element.performance_criteria] == ["P1", "P2", "P3"]
    assert element.performance_criteria[1].text.startswith(
        "Establish the methods, procedure and workflow for maintaining customer relation "
        "management, such as: selection criteria of customers; methods to source new customers;"
    )
    assert element.performance_criteria[2].line == 11
    assert codes(doc) == ["codes-generated"]


def test_hk_108798l6_unit_with_html_lists_and_garbled_heading():
    doc = seed(SEED_004)
    (nos,) = doc.units
    assert (nos.code, nos.level, nos.credits) == ("108798L6", "6", "9 (For Reference Only)")
    assert nos.title == "Formulate customer service management strategy"
    assert [k.code for k in nos.knowledge] == ["K1", "K2"]
    assert nos.knowledge[1].text.startswith(
        "Master the theory of customer service management strategy, such as: Comprehensive "
        "customer service package; The concept of service market"
    )
    assert nos.knowledge[0].category == "Customer service management"
    (element,) = nos.elements
    assert element.title == "Formulate customer service management strategy"
    assert len(element.performance_criteria) == 14
    assert element.performance_criteria[0].text == "customer service hardware management"
    assert element.performance_criteria[9].line == 16
    assert element.performance_criteria[-1].text.startswith("Assess the effectiveness")
    assert sorted(codes(doc)) == ["codes-generated", "heading-garbled"]
    assert nos.description.startswith("The integrated outcome requirement of this unit")


def test_hk_unit_cut_before_assessment_criteria_is_an_error():
    text = seed_text(SEED_003)
    cut = "\n".join(text.splitlines()[:11])
    with pytest.raises(DocumentError):
        parse_document(cut)


# --------------------------------------------------------------------------------------------
# synthetic NSQC documents: other codes, elements, half marks, electives, run-together codes


def nsqc_body(code, title, elements, marks_rows, total, ku=2, gs=2):
    out = [f"{code}: {title}", "", "Description", "", f"This unit is about {title.lower()}.", ""]
    out += ["Scope", "", "This unit/task covers the following:", "- things", ""]
    out += ["Elements and Performance Criteria", ""]
    for el_title, pcs_ in elements:
        out += [el_title, "", "To be competent, the user/individual on the job must be able to:"]
        out += ["", *[f"- {pc}.** {text}" for pc, text in pcs_], ""]
    out += ["Knowledge and Understanding (KU)", "", "The individual on the job needs to know:", ""]
    out += [f"- KU{i}.** knowledge {i}" for i in range(1, ku + 1)] + [""]
    out += ["Generic Skills (GS)", "", "User/individual on the job needs to know how to:", ""]
    out += [f"- GS{i}.** skill {i}" for i in range(1, gs + 1)] + [""]
    out += ["Assessment Criteria", ""]
    out += [
        "Assessment Criteria for Outcomes\tTheory Marks\tPractical Marks\tProject Marks\tViva Marks"
    ]
    out += marks_rows
    out += [f"NOS Total\t{total}", "", "National Occupational Standards (NOS) Parameters", ""]
    out += [f"NOS Code\t{code}", f"NOS Name\t{title}", "Sector\tConstruction", "NSQF Level\t4"]
    out += ["Credits\t2", "Version\t2.0", "", "Qualification Pack", ""]
    return out


def nsqc_doc(
    qp_code, bodies, listing, weightage_rows, pass_line="Recommended Pass % aggregate for QP : 70"
):
    out = ["Synthetic Job Role", "", f"QP Code: {qp_code}", "", "NSQF Level: 4", "",
           "Construction Skill Development Council", "", "Qualification Pack", ""]  # fmt: skip
    out += [f"{qp_code}: Synthetic Job Role", "", "Brief Job Description", "", "Does things.", ""]
    out += ["Applicable National Occupational Standards (NOS)", "", *listing, ""]
    out += ["Qualification Pack (QP) Parameters", "", "Sector\tConstruction", "Version\t2.0", ""]
    for body in bodies:
        out += body
    out += ["Assessment Guidelines and Assessment Weightage", "", "Assessment Guidelines", ""]
    if pass_line:
        out += [pass_line, ""]
    if weightage_rows:
        out += ["Assessment Weightage", "", "Compulsory NOS", ""]
        out += ["National Occupational Standards\tTheory Marks\tPractical Marks\tProject Marks\t"
                "Viva Marks\tTotal Marks\tWeightage"]  # fmt: skip
        out += weightage_rows
    out += ["", "Acronyms", "", "NOS\tNational Occupational Standard(s)"]
    return "\n".join(out) + "\n"


CON_BODY = nsqc_body(
    "CON/N0603",
    "Lay bricks to line and level",
    [
        ("Prepare the work area", [("PC1", "clear the site"), ("PC2", "mark the lines")]),
        (
            "Lay bricks",
            [("PC3", "lay bricks"), ("PC4", "check the level"), ("PC5", "clean joints")],
        ),
    ],
    # marks per element only, with half marks
    ["Prepare the work area\t4.5\t10.5\t-\t-", "Lay bricks\t5.5\t29.5\t-\t-"],
    "10\t40\t-\t-",
)
DGT_BODY = nsqc_body(
    "DGT/VSQ/N0101",
    "Use basic health and safety practices",
    [("Follow safety rules", [("PC1", "wear protective gear"), ("PC2", "report hazards")])],
    [
        "Follow safety rules\t10\t40\t-\t-",
        "PC1. wear protective gear\t5\t20\t-\t-",
        "PC2. report hazards\t5\t20\t-\t-",
    ],  # fmt: skip
    "10\t40\t-\t-",
)
ELECTIVE_BODY = nsqc_body(
    "CON/N0610",
    "Lay decorative tiles",
    [("Tiling", [("PC1", "set out tiles"), ("PC2", "grout")])],
    ["PC1. set out tiles\t3\t12\t-\t-", "PC2. grout\t2\t8\t-\t-"],
    "5\t20\t-\t-",
)


def synthetic(weightage=("60", "40"), **kwargs):
    listing = kwargs.pop(
        "listing",
        [
            "Compulsory NOS:",
            "1. [CON/N0603: Lay bricks to line and level](#)",
            "2. [DGT/VSQ/N0101: Use basic health and safety practices](#)",
        ],
    )
    bodies = kwargs.pop("bodies", [CON_BODY, DGT_BODY])
    rows = kwargs.pop(
        "rows",
        [
            f"CON/N0603Lay bricks to line and level\t10\t40\t-\t-\t50\t{weightage[0]}",
            f"DGT/VSQ/N0101Use basic health and safety practices\t10\t40\t-\t-\t50\t{weightage[1]}",
            "Total\t20\t80\t-\t-\t100\t100",
        ],
    )
    return nsqc_doc("DGT/VSQ/Q0101", bodies, listing, rows, **kwargs)


def test_synthetic_nsqc_with_long_codes_per_element_marks_and_half_marks():
    doc = parse_document(synthetic())
    qp = doc.qualification_pack
    assert (qp.code, qp.title, qp.pass_percentage) == (
        "DGT/VSQ/Q0101",
        "Synthetic Job Role",
        Decimal(70),
    )
    assert [u.code for u in doc.units] == ["CON/N0603", "DGT/VSQ/N0101"]
    con = unit(doc, "CON/N0603")
    assert [e.title for e in con.elements] == ["Prepare the work area", "Lay bricks"]
    assert [len(e.performance_criteria) for e in con.elements] == [2, 3]
    assert con.elements[0].marks == Marks(D("4.5"), D("10.5"), None, None)
    assert con.elements[1].marks == Marks(D("5.5"), D("29.5"), None, None)
    assert all(pc.marks is None for pc in pcs(con))
    assert con.marks == Marks(D(10), D(40), None, None)
    assert (con.sector, con.level, con.credits, con.version) == ("Construction", "4", "2", "2.0")
    dgt = unit(doc, "DGT/VSQ/N0101")
    assert [tp(pc.marks) for pc in pcs(dgt)] == [(5, 20), (5, 20)]
    # run-together codes and titles in the weightage table
    assert [(r.code, r.weightage) for r in qp.nos] == [
        ("CON/N0603", Decimal(60)),
        ("DGT/VSQ/N0101", Decimal(40)),
    ]
    assert doc.findings == []


def test_synthetic_weightage_not_adding_up_to_100_is_reported():
    doc = parse_document(synthetic(weightage=("60", "30")))
    (finding,) = [f for f in doc.findings if f.code == "weightage-sum"]
    assert "90" in finding.message
    text = synthetic(weightage=("60", "30"))
    assert text.splitlines()[finding.line - 1].startswith("Total")


def test_synthetic_pc_marks_not_adding_up_to_element_subtotal_are_reported():
    body = nsqc_body(
        "DGT/VSQ/N0101",
        "Use basic health and safety practices",
        [("Follow safety rules", [("PC1", "wear protective gear"), ("PC2", "report hazards")])],
        [
            "Follow safety rules\t10\t40\t-\t-",
            "PC1. wear protective gear\t5\t20\t-\t-",
            "PC2. report hazards\t4\t20\t-\t-",
        ],  # fmt: skip
        "10\t40\t-\t-",
    )
    text = synthetic(bodies=[CON_BODY, body])
    doc = parse_document(text)
    assert sorted(codes(doc)) == ["marks-element-sum"]
    (f,) = doc.findings
    assert text.splitlines()[f.line - 1].startswith("Follow safety rules\t10")


def test_synthetic_element_subtotals_not_adding_up_to_nos_total_are_reported():
    body = nsqc_body(
        "CON/N0603",
        "Lay bricks to line and level",
        [("Prepare", [("PC1", "clear the site")]), ("Lay", [("PC2", "lay bricks")])],
        ["Prepare\t4.5\t10\t-\t-", "Lay\t5\t30\t-\t-"],
        "10\t40\t-\t-",
    )
    text = synthetic(bodies=[body, DGT_BODY])
    doc = parse_document(text)
    assert codes(doc) == ["marks-nos-sum"]
    assert text.splitlines()[doc.findings[0].line - 1].startswith("NOS Total")


def test_synthetic_nos_total_differing_from_weightage_table_is_reported():
    rows = [
        "CON/N0603.Lay bricks to line and level\t10\t40\t-\t-\t50\t60",
        "DGT/VSQ/N0101.Use basic health and safety practices\t15\t35\t-\t-\t50\t40",
    ]
    text = synthetic(rows=rows)
    doc = parse_document(text)
    assert codes(doc) == ["marks-weightage-mismatch"]
    assert "DGT/VSQ/N0101" in text.splitlines()[doc.findings[0].line - 1]


def test_synthetic_elective_nos_are_marked_elective():
    listing = [
        "Compulsory NOS:",
        "1. [CON/N0603: Lay bricks to line and level](#)",
        "2. [DGT/VSQ/N0101: Use basic health and safety practices](#)",
        "Elective NOS:",
        "1. [CON/N0610: Lay decorative tiles](#)",
    ]
    rows = [
        "CON/N0603Lay bricks to line and level\t10\t40\t-\t-\t50\t50",
        "DGT/VSQ/N0101Use basic health and safety practices\t10\t40\t-\t-\t50\t30",
        "Elective NOS",
        "CON/N0610Lay decorative tiles\t5\t20\t-\t-\t25\t20",
    ]
    doc = parse_document(
        synthetic(listing=listing, rows=rows, bodies=[CON_BODY, DGT_BODY, ELECTIVE_BODY])
    )
    qp = doc.qualification_pack
    assert [(r.code, r.kind) for r in qp.nos] == [
        ("CON/N0603", "compulsory"),
        ("DGT/VSQ/N0101", "compulsory"),
        ("CON/N0610", "elective"),
    ]
    assert qp.nos[2].weightage == Decimal(20)
    assert doc.findings == []


def test_synthetic_missing_pass_percentage_and_weightage_are_reported():
    doc = parse_document(synthetic(pass_line="", rows=[]))
    assert sorted(codes(doc)) == ["missing-pass-percentage", "missing-weightage"]


def test_nos_listed_but_absent_is_an_error_with_the_list_line():
    text = synthetic(bodies=[CON_BODY])
    with pytest.raises(DocumentError) as exc:
        parse_document(text)
    assert "DGT/VSQ/N0101" in str(exc.value)
    assert "DGT/VSQ/N0101" in text.splitlines()[exc.value.line - 1]


def test_nos_present_but_not_listed_is_a_finding():
    listing = ["Compulsory NOS:", "1. [CON/N0603: Lay bricks to line and level](#)"]
    rows = ["CON/N0603Lay bricks to line and level\t10\t40\t-\t-\t50\t100"]
    doc = parse_document(synthetic(listing=listing, rows=rows))
    assert "nos-unlisted" in codes(doc)
    assert [u.code for u in doc.units] == ["CON/N0603", "DGT/VSQ/N0101"]


def test_nos_without_pcs_is_an_error():
    body = [ln for ln in CON_BODY if not ln.startswith("- PC")]
    with pytest.raises(DocumentError, match="no performance criteria"):
        parse_document(synthetic(bodies=[body, DGT_BODY]))


def test_qp_header_without_nos_body_is_an_error():
    text = seed_text(SEED_000)
    head = "\n".join(text.splitlines()[:76])
    with pytest.raises(DocumentError, match="no NOS body"):
        parse_document(head)


def test_truncated_qp_is_an_error():
    lines = seed_text(SEED_000).splitlines()
    for cut in (300, 500, 650):
        with pytest.raises(DocumentError):
            parse_document("\n".join(lines[:cut]))


def test_spaced_codes_are_normalised():
    heading = "CON/N0603: Lay bricks to line and level\n\nDescription"
    text = synthetic().replace(heading, heading.replace("CON/N0603", "CON/ N 0603"))
    assert "CON/ N 0603" in text
    doc = parse_document(text)
    assert unit(doc, "CON/N0603").title == "Lay bricks to line and level"


# --------------------------------------------------------------------------------------------
# synthetic course outline, SSC QP and HK unit


def test_course_outline_without_closing_guidelines_is_truncated():
    text = "\n".join(seed_text(SEED_001).splitlines()[:240])
    with pytest.raises(DocumentError, match="truncated"):
        parse_document(text)


def test_ssc_qp_with_optional_nos():
    text = seed_text(SEED_002).replace(
        "<p>Optional: Not Applicable</p>", "<p>Optional:</p> SSC/N9003 (Maintain a healthy)"
    )
    text = text.replace(
        "SSC/N9001 (Manage your work to meet requirements) SSC/N9003 (Maintain a healthy, safe and "
        "secure working environment)",
        "SSC/N9001 (Manage your work to meet requirements)",
    )
    doc = parse_document(text)
    assert [(r.code, r.kind) for r in doc.qualification_pack.nos] == [
        ("SSC/N3021", "compulsory"),
        ("SSC/N9001", "compulsory"),
        ("SSC/N9003", "option"),
    ]


def test_ssc_qp_missing_a_listed_nos_is_an_error():
    lines = seed_text(SEED_002).splitlines()
    with pytest.raises(DocumentError, match="SSC/N9003"):
        parse_document("\n".join(lines[:236]))


def test_ssc_last_nos_cut_before_version_control_is_an_error():
    lines = seed_text(SEED_002).splitlines()
    with pytest.raises(DocumentError, match="truncated"):
        parse_document("\n".join(lines[:290]))


HK_SYNTHETIC = """Specification of Competency Standards for the Construction Industry \
Unit of Competency

Title\tInspect scaffolding
Code\t123456L3
Range\tApplies to scaffolding inspections.
Level\t3
Credit\t3
Competency\t1. Knowledge (Scaffolding) \u2022 Know the types: \u2022 bamboo \u2022 metal \
\u2022 Know the rules. 2. Performance (Inspect scaffolding) \u2022 Check ties. \
\u2022 Record results: \u2022 defects \u2022 dates
Assessment Criteria\tCan inspect scaffolding.
Remark\t
"""


def test_synthetic_hk_unit_with_nested_bullets():
    doc = parse_document(HK_SYNTHETIC)
    (nos,) = doc.units
    assert (nos.code, nos.level, nos.credits, nos.sector) == ("123456L3", "3", "3", "Construction")
    assert [(k.code, k.text) for k in nos.knowledge] == [
        ("K1", "Know the types: bamboo; metal"),
        ("K2", "Know the rules."),
    ]
    assert [(p.code, p.text) for p in nos.elements[0].performance_criteria] == [
        ("P1", "Check ties."),
        ("P2", "Record results: defects; dates"),
    ]
    assert nos.elements[0].title == "Inspect scaffolding"


def test_course_outline_that_names_nos_codes_keeps_them():
    text = seed_text(SEED_001).replace(
        "Plan and organise work to meet expected outcomes:",
        "ASC/N0001: Plan and organise work to meet expected outcomes:",
    )
    doc = parse_document(text)
    first = doc.units[0]
    assert (first.code, first.code_is_provisional) == ("ASC/N0001", False)
    assert first.title == "Plan and organise work to meet expected outcomes"
    assert codes(doc).count("nos-title-only") == 4
    assert doc.units[1].code == "CRE/N02"


def test_noisy_header_is_still_detected_as_nsqc():
    text = seed_text(SEED_000).replace("QP Code: ASC/Q0202", "<b>QP</b> **Code:** ASC/ Q0202")
    assert detect_family(text) == "nsqc-qp"
    assert parse_document(text).qualification_pack.code == "ASC/Q0202"


def test_form_feeds_do_not_shift_line_numbers():
    text = seed_text(SEED_000).replace("Qualification Pack\n", "Qualification Pack\f\n")
    doc = parse_document(text)
    assert [f.line for f in doc.findings if f.code == "pc-duplicate"] == [410]
