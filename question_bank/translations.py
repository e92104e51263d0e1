"""The framework's Hindi texts: which text a page shows, and how curators enter or import them.

Each framework text a learner reads has a ``<field>_hi`` twin on its own row (QP, NOS and element
``title_hi``; PC, KU and GS ``text_hi``). Per-field columns rather than a translation table:
Kaushal has exactly two languages (``settings.LANGUAGES``), every object has exactly one text a
learner reads, and the pages that show them (mastery reports over every NOS and PC of a QP) then
read them with the rows they already load, without another join per text. A new revision of a
NOS copies the Hindi of every text whose English did not change (``question_bank.services``).

``framework_text`` is the one place that chooses: Hindi when the page is in Hindi and the Hindi
is not blank, else the English, per text (never an empty heading). Templates call it through the
``framework_text`` filter (``{% load framework_text %}``).

``framework_texts`` lists the texts of a QP (its title, then per NOS its title, elements, PCs,
KUs and GS) or of one NOS, keyed by (kind, NOS code, position): codes alone do not identify a
row (documents repeat PC codes within a NOS, elements have none). ``framework_hindi_import``
applies a sheet of such rows (``question_bank.interchange.hindi_sheet``) all or nothing, and
changes only the Hindi.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Model, Prefetch
from django.utils.translation import get_language

from .models import (
    Element,
    GenericSkill,
    KnowledgeItem,
    NationalOccupationalStandard,
    PerformanceCriterion,
    QualificationPack,
)

HINDI = "hi"
HINDI_SUFFIX = "_hi"

# kind -> (the English field, what a curator calls it)
KINDS: dict[str, tuple[str, str]] = {
    "qp": ("title", "QP title"),
    "nos": ("title", "NOS title"),
    "element": ("title", "element title"),
    "pc": ("text", "performance criterion"),
    "ku": ("text", "knowledge and understanding"),
    "gs": ("text", "generic skill"),
}

__all__ = [
    "HINDI",
    "KINDS",
    "FrameworkText",
    "HindiImportReport",
    "HindiRow",
    "framework_hindi_import",
    "framework_hindi_save",
    "framework_text",
    "framework_texts",
    "hindi_is_active",
    "nos_hindi_titles",
]


def hindi_is_active(language: str | None = None) -> bool:
    """Whether ``language`` (default: the active one, e.g. ``hi`` or ``hi-in``) is Hindi."""
    language = (language or get_language() or "").lower()
    return language == HINDI or language.startswith(HINDI + "-")


def _read(obj: object, name: str) -> str:
    value = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
    return "" if value is None else str(value)


def framework_text(
    obj: object, field_name: str | None = None, *, language: str | None = None
) -> str:
    """The text of ``obj`` to show in ``language`` (default: the page's): its Hindi twin
    (``<field>_hi``) when the language is Hindi and the twin is not blank, else the English.

    ``obj`` is a framework row or any object or dict that carries both (a report row's
    ``nos_title`` and ``nos_title_hi``). ``field_name`` defaults to ``title`` where ``obj`` has
    one, else ``text``."""
    if field_name is None:
        has_title = "title" in obj if isinstance(obj, Mapping) else hasattr(obj, "title")
        field_name = "title" if has_title else "text"
    english = _read(obj, field_name)
    if hindi_is_active(language):
        hindi = _read(obj, field_name + HINDI_SUFFIX).strip()
        if hindi:
            return hindi
    return english


def nos_hindi_titles(codes: Iterable[str]) -> dict[str, str]:
    """{NOS code: Hindi title} of the current NOS rows with a Hindi title, for report rows that
    keep only a code and the English title (an attempt's stored sub-scores)."""
    return dict(
        NationalOccupationalStandard.objects.filter(code__in=set(codes), is_current=True)
        .exclude(title_hi="")
        .values_list("code", "title_hi")
    )


@dataclass(frozen=True)
class FrameworkText:
    """One text of the framework with its Hindi, as a curator sees it in the sheet and forms."""

    kind: str
    nos_code: str  # blank for the QP's own title
    position: int | None  # None for QP and NOS titles
    code: str  # the QP, NOS, PC, KU or GS code; blank for elements
    english: str
    hindi: str
    obj: Model = field(compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str, int | None]:
        return (self.kind, self.nos_code, self.position)

    @property
    def label(self) -> str:
        where = self.nos_code or self.code
        if self.kind in ("qp", "nos"):
            return f"{KINDS[self.kind][1]} of {where}"
        return f"{KINDS[self.kind][1]} {self.code or self.position} of {self.nos_code}"

    @property
    def max_length(self) -> int | None:
        return getattr(self.obj._meta.get_field(self.hindi_field), "max_length", None)

    @property
    def hindi_field(self) -> str:
        return KINDS[self.kind][0] + HINDI_SUFFIX


def _text(
    kind: str, obj: Model, *, nos_code: str, position: int | None, code: str
) -> FrameworkText:
    english_field = KINDS[kind][0]
    return FrameworkText(
        kind=kind,
        nos_code=nos_code,
        position=position,
        code=code,
        english=getattr(obj, english_field),
        hindi=getattr(obj, english_field + HINDI_SUFFIX),
        obj=obj,
    )


def _nos_texts(nos: NationalOccupationalStandard) -> list[FrameworkText]:
    texts = [_text("nos", nos, nos_code=nos.code, position=None, code=nos.code)]
    for element in nos.elements.all():
        texts.append(
            _text("element", element, nos_code=nos.code, position=element.position, code="")
        )
    for kind, rows in (
        ("pc", nos.performance_criteria.all()),
        ("ku", nos.knowledge_items.all()),
        ("gs", nos.generic_skills.all()),
    ):
        for row in rows:
            texts.append(_text(kind, row, nos_code=nos.code, position=row.position, code=row.code))
    return texts


def _nos_queryset():
    return NationalOccupationalStandard.objects.prefetch_related(
        Prefetch("elements", queryset=Element.objects.order_by("position")),
        Prefetch(
            "performance_criteria", queryset=PerformanceCriterion.objects.order_by("position")
        ),
        Prefetch("knowledge_items", queryset=KnowledgeItem.objects.order_by("position")),
        Prefetch("generic_skills", queryset=GenericSkill.objects.order_by("position")),
    )


def framework_texts(
    *,
    qualification_pack: QualificationPack | None = None,
    nos: NationalOccupationalStandard | None = None,
) -> list[FrameworkText]:
    """The texts of one QP (its title, then each of its NOS in the QP's order) or of one NOS,
    in the order of the document."""
    if qualification_pack is not None:
        texts = [
            _text(
                "qp", qualification_pack, nos_code="", position=None, code=qualification_pack.code
            )
        ]
        nos_ids = list(
            qualification_pack.nos_links.order_by("position").values_list("nos_id", flat=True)
        )
        by_id = {n.pk: n for n in _nos_queryset().filter(pk__in=nos_ids)}
        for nos_id in nos_ids:
            texts.extend(_nos_texts(by_id[nos_id]))
        return texts
    if nos is not None:
        return _nos_texts(_nos_queryset().get(pk=nos.pk))
    raise ValueError("framework_texts needs a qualification_pack or a nos")


@dataclass(frozen=True)
class HindiRow:
    """One row of a curator's Hindi sheet, as read (``line`` is the row's line in the file)."""

    kind: str
    nos_code: str
    position: int | None
    code: str
    english: str
    hindi: str
    line: int = 0


@dataclass
class HindiImportReport:
    rows: int = 0
    updated: list[str] = field(default_factory=list)  # labels of the texts given a new Hindi
    cleared: list[str] = field(default_factory=list)  # labels of the texts whose Hindi was blanked
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    dry_run: bool = False
    applied: bool = False


def _same_english(a: str, b: str) -> bool:
    """Spreadsheets re-wrap and trim cells; the words are what must match."""
    return re.sub(r"\s+", " ", a).strip() == re.sub(r"\s+", " ", b).strip()


def _hindi_clean(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text.replace("\r\n", "\n")).strip()


def framework_hindi_import(
    *, texts: list[FrameworkText], rows: Iterable[HindiRow], dry_run: bool = False
) -> HindiImportReport:
    """Set the Hindi of ``texts`` from a curator's sheet. Each row names its text by kind, NOS
    code and position, repeats its code and English (which must match what is stored: a sheet
    made from another revision is refused, not applied to the wrong texts) and gives its Hindi
    (blank: the Hindi is cleared). Only the Hindi changes. Any row in error: nothing changes,
    and the report lists every error by line. ``dry_run``: the report, nothing written."""
    by_key = {t.key: t for t in texts}
    report = HindiImportReport(dry_run=dry_run)
    seen: dict[tuple, int] = {}
    changes: list[tuple[FrameworkText, str]] = []
    for row in rows:
        report.rows += 1
        if row.kind not in KINDS:
            report.errors.append((row.line, f"kind {row.kind!r} is not one of {', '.join(KINDS)}"))
            continue
        key = (row.kind, row.nos_code, row.position)
        target = by_key.get(key)
        if target is None:
            where = f" {row.position}" if row.position is not None else ""
            report.errors.append(
                (
                    row.line,
                    f"no {KINDS[row.kind][1]}{where} of {row.nos_code or row.code or '?'} "
                    "in this qualification (download a new template)",
                )
            )
            continue
        if key in seen:
            report.errors.append(
                (row.line, f"{target.label} is also on row {seen[key]}; give it once")
            )
            continue
        seen[key] = row.line
        if target.code and row.code.strip() != target.code:
            report.errors.append(
                (row.line, f"{target.label}: the code is {row.code!r}, expected {target.code!r}")
            )
            continue
        if not _same_english(row.english, target.english):
            report.errors.append(
                (
                    row.line,
                    f"{target.label}: the English differs from the stored text "
                    f"({target.english[:80]!r}); the sheet was made from another revision",
                )
            )
            continue
        hindi = _hindi_clean(row.hindi)
        limit = target.max_length
        if limit is not None and len(hindi) > limit:
            report.errors.append(
                (row.line, f"{target.label}: the Hindi is {len(hindi)} characters, at most {limit}")
            )
            continue
        if hindi == target.hindi:
            report.unchanged += 1
            continue
        changes.append((target, hindi))
        (report.updated if hindi else report.cleared).append(target.label)
    if report.errors or dry_run:
        return report
    _hindi_write(changes)
    report.applied = True
    return report


def framework_hindi_save(*, texts: list[FrameworkText], hindi: Mapping[tuple, str]) -> int:
    """Set the Hindi of the ``texts`` whose key is in ``hindi`` (the admin form beside the
    English); returns how many changed. Lengths are the form's to check."""
    changes = []
    for text in texts:
        if text.key in hindi:
            new = _hindi_clean(hindi[text.key])
            if new != text.hindi:
                changes.append((text, new))
    _hindi_write(changes)
    return len(changes)


@transaction.atomic
def _hindi_write(changes: list[tuple[FrameworkText, str]]) -> None:
    for text, hindi in changes:
        setattr(text.obj, text.hindi_field, hindi)
        text.obj.save(update_fields=[text.hindi_field])
