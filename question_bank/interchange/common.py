"""Format-neutral import/export of items: ``ItemRecord`` (one item with its latest version), the
all-or-nothing import, and the records of a QP for export.

Every format module turns a file into ItemRecords (reporting parse problems with their line) and
ItemRecords into a file. ``items_import`` then checks every record against the framework (the
NOS must be in the QP, the PC and KU/GS codes in that NOS, enemies must exist) and writes nothing
unless every record is valid; ``ItemImportError.problems`` lists each problem with its item
and line.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..items.content import ItemContent, item_content_of, item_content_validate
from ..items.selectors import (
    performance_criterion_refs,
    qualification_pack_current,
    qualification_pack_nos,
)
from ..items.services import item_create, item_edit
from ..models import Item, ItemEvent, ItemStatus, ItemVersion

DIFFICULTY_TAG = "kaushal-difficulty:"
STATUS_TAG = "kaushal-status:"
ENEMY_TAG = "kaushal-enemy:"


@dataclass
class ItemRecord:
    nos_code: str
    pc_ref: str
    content: ItemContent
    uid: str = ""
    knowledge_codes: list[str] = field(default_factory=list)
    generic_skill_codes: list[str] = field(default_factory=list)
    status: str = ItemStatus.DRAFT
    enemies: list[str] = field(default_factory=list)
    line: int = 0  # where the item starts in its file (1-based)
    source: str = ""  # file inside a package, where relevant

    def comparable(self) -> tuple:
        """Everything that must survive a round trip, in a form that compares with ==."""
        content = self.content.normalised()
        return (
            self.uid, self.nos_code, self.pc_ref, sorted(self.knowledge_codes),
            sorted(self.generic_skill_codes), self.status, sorted(self.enemies), content,
        )  # fmt: skip

    def tags(self) -> list[str]:
        """KU/GS codes and our metadata as free tags (Moodle XML, GIFT)."""
        tags = [*self.knowledge_codes, *self.generic_skill_codes, STATUS_TAG + self.status]
        if self.content.difficulty_estimate is not None:
            tags.append(f"{DIFFICULTY_TAG}{self.content.difficulty_estimate}")
        tags.extend(ENEMY_TAG + uid for uid in self.enemies)
        return tags

    def apply_tags(self, tags: list[str]) -> list[str]:
        """Inverse of ``tags``; returns problems."""
        problems = []
        for tag in tags:
            tag = tag.strip()
            if tag.startswith(STATUS_TAG):
                self.status = tag[len(STATUS_TAG) :]
            elif tag.startswith(DIFFICULTY_TAG):
                try:
                    self.content.difficulty_estimate = int(tag[len(DIFFICULTY_TAG) :])
                except ValueError:
                    problems.append(f"bad difficulty tag {tag!r}")
            elif tag.startswith(ENEMY_TAG):
                self.enemies.append(tag[len(ENEMY_TAG) :])
            elif re.fullmatch(r"(KU|KA|KB|K)\d+[A-Za-z]?", tag):
                self.knowledge_codes.append(tag)
            elif re.fullmatch(r"(GS|SA|SB|SC)\d+[A-Za-z]?", tag):
                self.generic_skill_codes.append(tag)
            elif tag:
                problems.append(f"unknown tag {tag!r}")
        return problems

    @property
    def label(self) -> str:
        return self.uid or f"{self.nos_code} {self.pc_ref}"


@dataclass
class Problem:
    line: int
    item: str
    message: str
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.source}:" if self.source else ""
        return f"{where}line {self.line}: item {self.item}: {self.message}"


class ItemImportError(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ImportResult:
    created: int = 0
    new_versions: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.new_versions} new versions, {self.unchanged} unchanged"
        )


def option_key(index: int) -> str:
    """Stable key of the ``index``-th imported option: A..Z, then O27, O28... (formats that
    carry no keys of their own, GIFT and Moodle XML, get the same ones)."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[index] if index < len(letters) else f"O{index + 1}"


def category_path(qualification_pack_code: str, nos_code: str, pc_ref: str) -> str:
    """Moodle category path; a "/" inside a name is written "//", as Moodle does."""
    parts = [qualification_pack_code, nos_code, pc_ref]
    return "$course$/top/" + "/".join(p.replace("/", "//") for p in parts)


def category_parse(path: str) -> list[str]:
    """Split a Moodle category path into names (undoing "//"), without $course$/top."""
    names = [n.replace("\x00", "/") for n in path.replace("//", "\x00").split("/")]
    names = [n.strip() for n in names if n.strip()]
    if names and names[0].startswith("$") and names[0].endswith("$"):
        names = names[1:]
    if names and names[0] == "top":
        names = names[1:]
    return names


def tags_from_category(names: list[str]) -> tuple[str, str] | None:
    """(nos_code, pc_ref) from the last two names of a category path: QP/NOS/PC."""
    if len(names) < 2:
        return None
    return names[-2], names[-1]


_MULTILANG = re.compile(
    r'<span\s+(?:lang="(?P<a>[a-z-]+)"\s+class="multilang"|class="multilang"\s+lang="(?P<b>[a-z-]+)")\s*>',
    re.I,
)
_SPAN = re.compile(r"<span\b[^>]*>|</span\s*>", re.I)


def multilang_split(html: str) -> dict[str, str]:
    """Moodle's multilang filter markup -> {language: html}; plain text -> {"": html}."""
    result: dict[str, str] = {}
    pos, found = 0, False
    while True:
        match = _MULTILANG.search(html, pos)
        if not match:
            break
        found = True
        lang = (match.group("a") or match.group("b")).lower()
        depth, cursor = 1, match.end()
        while depth:
            span = _SPAN.search(html, cursor)
            if span is None:
                raise ValueError("unclosed multilang <span>")
            depth += -1 if span.group().startswith("</") else 1
            cursor = span.end()
            if not depth:
                result[lang] = html[match.end() : span.start()]
        pos = cursor
    return result if found else {"": html}


def multilang_join(texts: dict[str, str]) -> str:
    """{language: html} -> one field; a single English text stays plain."""
    texts = {lang: t for lang, t in texts.items() if t}
    if not texts:
        return ""
    if list(texts) == ["en"]:
        return texts["en"]
    return "".join(f'<span lang="{lang}" class="multilang">{t}</span>' for lang, t in texts.items())


def record_languages(values: dict[str, str], default: str = "en") -> dict[str, str]:
    return {(lang or default): text for lang, text in values.items()}


def _codes(objects) -> dict[str, object]:
    return {o.code: o for o in objects}


def items_import(
    *,
    records: list[ItemRecord],
    qualification_pack_code: str,
    user=None,
    keep_status: bool = False,
    source_name: str = "",
) -> ImportResult:
    """Validate every record, then store all of them in one transaction (or none)."""
    problems: list[Problem] = []

    def problem(record: ItemRecord, message: str) -> None:
        problems.append(Problem(record.line, record.label, message, record.source))

    qp = qualification_pack_current(code=qualification_pack_code)
    if qp is None:
        raise ItemImportError(
            [Problem(0, "-", f"no qualification pack {qualification_pack_code!r}; import it first")]
        )
    nos_by_code = {n.code: n for n in qualification_pack_nos(code=qualification_pack_code)}
    refs_by_nos = {code: performance_criterion_refs(n) for code, n in nos_by_code.items()}
    ku_by_nos = {code: _codes(n.knowledge_items.all()) for code, n in nos_by_code.items()}
    gs_by_nos = {code: _codes(n.generic_skills.all()) for code, n in nos_by_code.items()}
    uids_in_file: dict[str, ItemRecord] = {}
    resolved = []
    for record in records:
        if record.uid:
            try:
                record.uid = str(uuid.UUID(record.uid))
            except ValueError:
                problem(record, f"{record.uid!r} is not a UUID")
            if record.uid in uids_in_file:
                problem(record, f"the same id is used at line {uids_in_file[record.uid].line}")
            uids_in_file[record.uid] = record
        nos = nos_by_code.get(record.nos_code)
        pc = kus = gss = None
        if nos is None:
            problem(record, f"NOS {record.nos_code!r} is not in {qualification_pack_code}")
        else:
            pc = refs_by_nos[record.nos_code].get(record.pc_ref)
            if pc is None:
                problem(record, f"{record.nos_code} has no performance criterion {record.pc_ref!r}")
            kus = [ku_by_nos[record.nos_code].get(c) for c in record.knowledge_codes]
            gss = [gs_by_nos[record.nos_code].get(c) for c in record.generic_skill_codes]
            for code, obj in [
                *zip(record.knowledge_codes, kus, strict=True),
                *zip(record.generic_skill_codes, gss, strict=True),
            ]:
                if obj is None:
                    problem(record, f"{record.nos_code} has no knowledge item or skill {code!r}")
        if record.status not in ItemStatus.values:
            problem(record, f"unknown status {record.status!r}")
        for message in item_content_validate(record.content):
            problem(record, message)
        resolved.append((record, pc, kus, gss))
    known_uids = set(uids_in_file)
    wanted = {e for r in records for e in r.enemies}
    try:
        existing_enemies = {
            str(u)
            for u in Item.objects.filter(uid__in=[uuid.UUID(e) for e in wanted]).values_list(
                "uid", flat=True
            )
        }
    except ValueError:
        existing_enemies = set()
    for record in records:
        for enemy in record.enemies:
            if enemy not in known_uids and enemy not in existing_enemies:
                problem(record, f"enemy {enemy!r} is neither in the file nor in the bank")
    if problems:
        raise ItemImportError(problems)

    result = ImportResult()
    with transaction.atomic():
        items_by_uid: dict[str, Item] = {}
        for record, pc, kus, gss in resolved:
            existing = Item.objects.filter(uid=record.uid).first() if record.uid else None
            if existing is None:
                item = item_create(
                    performance_criterion=pc, content=record.content, author=user,
                    knowledge_items=kus, generic_skills=gss,
                    uid=uuid.UUID(record.uid) if record.uid else None,
                )  # fmt: skip
                version = item.versions.get()
                result.created += 1
            else:
                item = existing
                latest = item.versions.order_by("-number").prefetch_related(
                    "options", "translations"
                )[0]
                if item_content_of(latest) == record.content.normalised() and (
                    not keep_status or latest.status == record.status
                ):
                    result.unchanged += 1
                    items_by_uid[str(item.uid)] = item
                    continue
                if item.performance_criterion_id != pc.pk:
                    raise ItemImportError(
                        [
                            Problem(
                                record.line,
                                record.label,
                                "an existing item cannot move to another PC",
                                record.source,
                            )
                        ]
                    )
                version = item_edit(
                    item=item, user=user, content=record.content, comment="imported"
                )
                result.new_versions += 1
            if keep_status and record.status != ItemStatus.DRAFT:
                _status_import(version=version, status=record.status, user=user, source=source_name)
            ItemEvent.objects.create(
                item=item, version=version, actor=user, action=ItemEvent.Action.IMPORTED,
                comment=source_name,
            )  # fmt: skip
            items_by_uid[str(item.uid)] = item
        for record in records:
            if record.enemies and record.uid:
                item = items_by_uid[record.uid]
                item.enemies.add(*Item.objects.filter(uid__in=record.enemies))
    return result


def _status_import(*, version: ItemVersion, status: str, user, source: str) -> None:
    """Carry a status over from a trusted file (shell import, demo bank); audited as such."""
    now = timezone.now()
    if status == ItemStatus.APPROVED:
        ItemVersion.objects.filter(item=version.item, status=ItemStatus.APPROVED).exclude(
            pk=version.pk
        ).update(status=ItemStatus.RETIRED, retired_at=now)
        version.approved_at, version.approved_by = now, user
    version.status = status
    version.submitted_at = version.submitted_at or now
    if status == ItemStatus.RETIRED:
        version.retired_at = now
    version.save()
    ItemEvent.objects.create(
        item=version.item, version=version, actor=user, action=ItemEvent.Action.IMPORTED,
        comment=f"status {status} carried over from {source or 'an import file'}",
    )  # fmt: skip


def item_records_for_export(
    *, qualification_pack_code: str, status: str = "", nos_code: str = ""
) -> list[ItemRecord]:
    """The latest version of every item of the QP (optionally only one status / one NOS)."""
    nos_list = qualification_pack_nos(code=qualification_pack_code)
    if not nos_list:
        raise ValidationError(f"no qualification pack {qualification_pack_code!r}")
    refs = {
        n.pk: {pc.pk: ref for ref, pc in performance_criterion_refs(n).items()} for n in nos_list
    }
    versions = ItemVersion.objects.filter(is_latest=True, item__nos__in=nos_list)
    if status:
        versions = versions.filter(status=status)
    if nos_code:
        versions = versions.filter(item__nos__code=nos_code)
    versions = (
        versions.select_related("item__nos")
        .prefetch_related(
            "options",
            "translations",
            "item__knowledge_items",
            "item__generic_skills",
            "item__enemies",
        )
        .order_by(
            "item__nos__code",
            "item__performance_criterion__position",
            "item__created_at",
            "item_id",
        )
    )
    records = []
    for v in versions:
        item = v.item
        records.append(
            ItemRecord(
                uid=str(item.uid),
                nos_code=item.nos.code,
                pc_ref=refs[item.nos_id][item.performance_criterion_id],
                knowledge_codes=[k.code for k in item.knowledge_items.all()],
                generic_skill_codes=[g.code for g in item.generic_skills.all()],
                status=v.status,
                enemies=sorted(str(e.uid) for e in item.enemies.all()),
                content=item_content_of(v),
            )
        )
    return records
