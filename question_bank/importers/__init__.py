"""Document importers: text extracted from qualification documents -> ``ParsedDocument``.

Public API::

    detect_family(text) -> "nsqc-qp" | "course-outline" | "ssc-os-qp" | "hk-scs-unit"
    parse_document(text) -> ParsedDocument      # raises DocumentError

One module per family (``nsqc``, ``course_outline``, ``ssc_os``, ``hk_scs``), shared text
normalisation in ``text`` (line map: every Parsed* object and Finding carries the 1-based line
of the ORIGINAL text), NOS-body helpers in ``common``, marks tables in ``marks``. No Django.

Finding codes (``Finding.code``; severity in brackets):

* ``pc-duplicate`` [warning] a PC listed again in one NOS with the same number and text (at the
  repeated line): it is one PC, kept once, with the marks of its row.
* ``pc-number-repeated`` [warning] a PC number listed again with a different text: both PCs are
  kept as published. ``ku-duplicate``, ``gs-duplicate``: repeated KU/GS codes (kept).
* ``marks-merged-row`` [warning] one marks row carries several PCs; its marks go to the first.
* ``marks-duplicate-row`` [warning] a second marks row for a PC listed once; the first counts.
* ``marks-pc-missing`` [warning] a PC with no marks row of its own (the table has PC rows).
* ``marks-unknown-pc`` / ``marks-unknown-element`` [warning] a marks row matching no PC/element.
* ``marks-element-sum`` [warning] PC marks do not add up to the element subtotal row.
* ``marks-nos-sum`` [warning] element subtotals (or PC marks, when the elements have no
  subtotals) do not add up to the "NOS Total" row.
* ``marks-total-missing`` [warning] a marks table without "NOS Total" row.
* ``marks-unreadable`` [warning] a marks cell that is not a number or "-".
* ``marks-weightage-mismatch`` [warning] NOS Total differs from the QP weightage table row.
* ``weightage-sum`` [warning] NOS weightages do not add up to 100 (all compulsory), or the
  compulsory ones exceed 100 (with electives/options).
* ``weightage-unknown-nos`` / ``weightage-missing-nos`` [warning] weightage row for a NOS the QP
  does not list / a listed NOS without weightage row.
* ``nos-unlisted`` [warning] a NOS body the QP's NOS list does not mention.
* ``nos-code-mismatch`` [warning] NOS heading code differs from its parameters table.
* ``nos-title-only`` [warning] course outline: NOS known only by title, provisional code.
* ``qp-code-provisional`` [info] course outline: provisional QP code.
* ``missing-pass-percentage`` [warning] no pass percentage in any wording ``common.pass_percentage``
  reads (table cell, next line, after a colon, sentences; a NOS-level minimum does not count).
* ``missing-marks``, ``missing-weightage``, ``missing-knowledge``,
  ``missing-skills``, ``missing-nos-parameters``, ``missing-nos-list`` [warning] missing sections.
* ``heading-garbled`` [warning] HK: unreadable performance heading.
* ``codes-generated`` [info] HK: K1../P1.. codes assigned in document order.

Errors (``DocumentError``, nothing should be written): empty or binary text; text of no known
family; no QP code; a QP with a header but no NOS body; a NOS listed by the QP with no body
(truncation); a NOS with no PCs; the last NOS cut before its closing table (NOS Parameters /
NOS Version control) with nothing after it; a course outline without its closing "Assessment
Guidelines"; an HK unit without Title/Code/Competency or cut before "Assessment Criteria".
``parse_document`` also turns an unexpected ValueError/IndexError/KeyError/... inside a parser
into ``DocumentError`` (a defensive net; the property tests call the parsers without it).
Family detection: HK ("Specification of Competency Standards" or Title/Code/Competency rows),
SSC ("REFERENCE ID:" or "Unit Code" + "Performance Criteria (PC) w.r.t."), NSQC ("QP Code:"),
course outline ("Elements and Performance Criteria" without a QP code).
Layout noise (blank lines, ``**``, doubled dots, HTML tags, entities, trailing spaces, running
heads) does not change the result.
"""

from __future__ import annotations

import re

from . import course_outline, hk_scs, nsqc, ssc_os
from .document import DocumentError, Finding, ParsedDocument
from .text import looks_binary

__all__ = [
    "FAMILIES",
    "DocumentError",
    "Finding",
    "ParsedDocument",
    "detect_family",
    "parse_document",
]

FAMILIES = {
    nsqc.FAMILY: nsqc.parse,
    course_outline.FAMILY: course_outline.parse,
    ssc_os.FAMILY: ssc_os.parse,
    hk_scs.FAMILY: hk_scs.parse,
}


def _check_text(text: str) -> None:
    if not isinstance(text, str):
        raise DocumentError("expected text (str)")
    if not text.strip():
        raise DocumentError("empty document")
    if looks_binary(text):
        raise DocumentError("the document is binary or garbled, not extracted text")


def detect_family(text: str) -> str:
    """The family of ``text``; raises ``DocumentError`` when none matches."""
    _check_text(text)
    text = re.sub(r"[ ]{2,}", " ", re.sub(r"<[^<>]*>", " ", text).replace("**", ""))
    text = re.sub(r"(?m)^[ ]+|[ ]+$", "", text)
    if re.search(r"Specification of Competency Standards", text, re.I) or (
        re.search(r"^\W*Code\t\s*\d{4,8}L\d", text, re.M)
        and re.search(r"^\W*Competency\t", text, re.M)
    ):
        return hk_scs.FAMILY
    if re.search(r"REFERENCE ID\s*:", text, re.I) or (
        re.search(r"Unit Code\t", text) and re.search(r"Performance Criteria \(PC\) w\.r\.t", text)
    ):
        return ssc_os.FAMILY
    if re.search(r"^\W*QP Code\s*:", text, re.M | re.I):
        return nsqc.FAMILY
    if re.search(r"Elements and Performance Criteria", text, re.I):
        return course_outline.FAMILY  # NOS bodies without a QP code: a course outline
    raise DocumentError(
        "not a known qualification document (NSQC QP, course outline, SSC QP, HK unit)"
    )


def parse_document(text: str) -> ParsedDocument:
    """Parse one document; raises ``DocumentError`` if it cannot be understood."""
    family = detect_family(text)
    try:
        return FAMILIES[family](text)
    except DocumentError:
        raise
    except (ValueError, IndexError, KeyError, AttributeError, TypeError, StopIteration) as exc:
        # a defensive net: an unexpected shape is a document we do not understand
        raise DocumentError(f"{family}: cannot understand the document ({exc!r})") from exc
