"""Format-neutral import/export of items: ``ItemRecord`` (one item with its latest version), the
all-or-nothing import, and the records of a QP for export.

Every format module turns a file into ItemRecords (reporting parse problems with their line) and
ItemRecords into a file. ``items_import`` then checks every record against the framework (the
NOS must be in the QP, the PC and KU/GS codes in that NOS, enemies must exist) and writes nothing
unless every record is valid; ``ItemImportError.problems`` lists each problem with its item
and line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..items.content import ItemContent, item_content_of, item_content_validate
from ..items.selectors import (
    performance_criterion_refs,
    qualification_pack_current,
    qualification_pack_nos,
)
from ..items.services import item_create, item_edit
from ..items.suggestions import item_suggestions_compute
from ..items.types import item_type_spec
from ..models import Item, ItemEvent, ItemStatus, ItemVersion

DIFFICULTY_TAG = "kaushal-difficulty:"
STATUS_TAG = "kaushal-status:"
ENEMY_TAG = "kaushal-enemy:"
# Our id, as a tag, when the format's one id field holds the source's own id (Moodle, GIFT).
UID_TAG = "kaushal-uid:"


@dataclass
class ItemRecord:
    content: ItemContent
    # Explicit tags (our CSV columns): wrong ones refuse the row. Formats without such columns
    # leave them empty and give ``source_category`` and ``source_tags`` instead, from which the
    # import tags what names a NOS/PC of the QP and leaves the rest "to be tagged".
    nos_code: str = ""
    pc_ref: str = ""
    uid: str = ""
    knowledge_codes: list[str] = field(default_factory=list)
    generic_skill_codes: list[str] = field(default_factory=list)
    status: str = ItemStatus.DRAFT
    enemies: list[str] = field(default_factory=list)
    line: int = 0  # where the item starts in its file (1-based)
    source: str = ""  # file inside a package, where relevant
    source_category: str = ""  # the file's category path, "/"-joined names
    source_tags: list[str] = field(default_factory=list)
    source_id: str = ""  # the file's own id (Moodle idnumber, QTI identifier): any string
    title: str = ""  # the question's title/name in the file, for reports

    def comparable(self) -> tuple:
        """Everything that must survive a round trip, in a form that compares with ==."""
        content = self.content.normalised()
        return (
            self.uid, self.nos_code, self.pc_ref, sorted(self.knowledge_codes),
            sorted(self.generic_skill_codes), self.status, sorted(self.enemies), content,
            self.source_category, sorted(self.source_tags), self.source_id,
        )  # fmt: skip

    def tags(self) -> list[str]:
        """KU/GS codes, the source's own tags and our metadata as free tags (Moodle XML, GIFT)."""
        tags = [*self.knowledge_codes, *self.generic_skill_codes, *self.source_tags]
        tags.append(STATUS_TAG + self.status)
        if self.content.difficulty_estimate is not None:
            tags.append(f"{DIFFICULTY_TAG}{self.content.difficulty_estimate}")
        tags.extend(ENEMY_TAG + uid for uid in self.enemies)
        if self.uid and self.source_id:
            tags.append(UID_TAG + self.uid)
        return tags

    def apply_tags(self, tags: list[str]) -> list[str]:
        """Inverse of ``tags``. Tags we do not know are kept as the item's source tags; returns
        problems (a malformed Kaushal tag)."""
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
            elif tag.startswith(UID_TAG):
                self.uid = tag[len(UID_TAG) :]
            elif re.fullmatch(r"(KU|KA|KB|K)\d+[A-Za-z]?", tag):
                self.knowledge_codes.append(tag)
            elif re.fullmatch(r"(GS|SA|SB|SC)\d+[A-Za-z]?", tag):
                self.generic_skill_codes.append(tag)
            elif tag and tag not in self.source_tags:
                self.source_tags.append(tag)
        return problems

    def id_set(self, raw: str) -> None:
        """A file's id: ours when it is a UUID, else the source's own (any string)."""
        raw = raw.strip()
        try:
            self.uid = str(uuid.UUID(raw)) if raw else self.uid
        except ValueError:
            self.source_id = raw[:255]

    @property
    def label(self) -> str:
        return self.title or self.uid or self.source_id or f"{self.nos_code} {self.pc_ref}".strip()


@dataclass
class Problem:
    line: int
    item: str
    message: str
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.source}:" if self.source else ""
        return f"{where}line {self.line}: item {self.item}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "question": self.item,
            "line": self.line,
            "file": self.source,
            "reason": self.message,
        }


class ItemImportError(Exception):
    """The file as a whole cannot be imported (unreadable, wrong encoding, unknown QP); with
    every problem found. Nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ParsedFile:
    """What a format module read: the questions it understood and those it refused (each with
    its title, line and reason). A refused question never stops the others."""

    records: list[ItemRecord] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)

    def strict(self) -> list[ItemRecord]:
        """The records, or ItemImportError listing every refused question (trusted files)."""
        if self.skipped:
            raise ItemImportError(self.skipped)
        return self.records


@dataclass
class ImportResult:
    created: int = 0
    new_versions: int = 0
    unchanged: int = 0
    questions_found: int = 0
    to_be_tagged: int = 0
    descriptions: int = 0
    skipped: list[Problem] = field(default_factory=list)
    not_modelled: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def imported(self) -> int:
        return self.created + self.new_versions + self.unchanged

    def __str__(self) -> str:
        text = (
            f"{self.created} created, {self.new_versions} new versions, {self.unchanged} unchanged"
        )
        if self.skipped:
            text += f", {len(self.skipped)} skipped"
        if self.to_be_tagged:
            text += f", {self.to_be_tagged} to be tagged"
        return text + (" (dry run: nothing written)" if self.dry_run else "")

    def as_dict(self) -> dict:
        return {
            "questions_found": self.questions_found,
            "imported": self.imported,
            "created": self.created,
            "new_versions": self.new_versions,
            "unchanged": self.unchanged,
            "to_be_tagged": self.to_be_tagged,
            "skipped": [p.as_dict() for p in self.skipped],
            "not_modelled": [p.as_dict() for p in self.not_modelled],
            "errors": [],
            "dry_run": self.dry_run,
        }


_FORMAT_NAMES = {"gift": "GIFT", "moodle": "Moodle XML", "qti": "QTI"}


def not_exportable(item_type: str, format_name: str) -> str:
    """What the export says of an item whose type ``format_name`` cannot express (the type's
    spec names no writer for it): never turned into another type."""
    others = [
        name for key, name in _FORMAT_NAMES.items()
        if key != format_name and item_type_spec(item_type).export_writers.get(key)
    ]  # fmt: skip
    return f"not exportable to {_FORMAT_NAMES[format_name]}: {item_type}; use {' or '.join(others)}"


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


def content_hash(content: ItemContent) -> str:
    """Same question, same hash: re-importing a file without ids does not duplicate it."""
    c = content.normalised()
    payload = {
        "type": c.item_type,
        "name": c.name,
        "text": {
            lang: [
                t.stem_html,
                t.general_feedback_html,
                {k: [o.html, o.feedback_html] for k, o in sorted(t.options.items())},
            ]
            for lang, t in c.translations.items()
        },
        "options": [[k, str(f)] for k, f in c.options],
        "numeric": [str(c.numeric_answer), str(c.numeric_tolerance)],
        "type_data": {k: v for k, v in c.type_data.items() if k != "not_modelled"},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class _Resolved:
    record: ItemRecord
    nos: object = None
    pc: object = None
    kus: list = field(default_factory=list)
    gss: list = field(default_factory=list)


def _resolve_tags(
    record, *, nos_by_code, refs_by_nos, ku_by_nos, gs_by_nos, qp_code
) -> tuple[_Resolved | None, str]:
    """Tag from explicit columns (refusing wrong ones), else from the category path and free
    tags where they name a NOS/PC of the QP; anything unresolved stays a source tag."""
    resolved = _Resolved(record)
    if record.nos_code or record.pc_ref:
        nos = nos_by_code.get(record.nos_code)
        if nos is None:
            return None, f"NOS {record.nos_code!r} is not in {qp_code}"
        pc = refs_by_nos[record.nos_code].get(record.pc_ref)
        if record.pc_ref and pc is None:
            return None, f"{record.nos_code} has no performance criterion {record.pc_ref!r}"
        resolved.nos, resolved.pc = nos, pc
    else:
        names = category_parse(record.source_category) + record.source_tags
        nos_code = next((n for n in reversed(names) if n in nos_by_code), None)
        if nos_code:
            resolved.nos = nos_by_code[nos_code]
            resolved.pc = next(
                (refs_by_nos[nos_code][n] for n in reversed(names) if n in refs_by_nos[nos_code]),
                None,
            )
        path = category_parse(record.source_category)
        if resolved.pc is not None and path[-3:] == [qp_code, nos_code, path[-1]]:
            # Kaushal's own QP/NOS/PC path is a tag, not a source category.
            record.source_category = ""
            record.nos_code, record.pc_ref = nos_code, path[-1]
    nos_code = resolved.nos.code if resolved.nos is not None else None
    for codes, table, out in (
        (record.knowledge_codes, ku_by_nos, resolved.kus),
        (record.generic_skill_codes, gs_by_nos, resolved.gss),
    ):
        for code in codes:
            found = table[nos_code].get(code) if nos_code else None
            if found is None:
                if record.nos_code:
                    return None, f"{record.nos_code} has no knowledge item or skill {code!r}"
                record.source_tags.append(code)  # kept; a curator tags it with the NOS
            else:
                out.append(found)
    return resolved, ""


def items_import(
    *,
    records: list[ItemRecord],
    qualification_pack_code: str,
    user=None,
    keep_status: bool = False,
    source_name: str = "",
    skipped: list[Problem] | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import every valid record; refuse each invalid one with its reason (in ``skipped``), so
    one bad question never blocks the rest. ``dry_run`` does everything in a transaction that is
    rolled back, so the report is exact and nothing is written. ``progress(done, total)`` is told
    after each question is checked and after each is written (total: twice the questions)."""
    result = ImportResult(dry_run=dry_run, skipped=list(skipped or []))
    result.questions_found = len(records) + len(result.skipped)

    def refuse(record: ItemRecord, message: str) -> None:
        result.skipped.append(Problem(record.line, record.label, message, record.source))

    qp = qualification_pack_current(code=qualification_pack_code)
    if qp is None:
        raise ItemImportError(
            [Problem(0, "-", f"no qualification pack {qualification_pack_code!r}; import it first")]
        )
    nos_by_code = {n.code: n for n in qualification_pack_nos(code=qualification_pack_code)}
    tables = {
        "nos_by_code": nos_by_code,
        "refs_by_nos": {code: performance_criterion_refs(n) for code, n in nos_by_code.items()},
        "ku_by_nos": {code: _codes(n.knowledge_items.all()) for code, n in nos_by_code.items()},
        "gs_by_nos": {code: _codes(n.generic_skills.all()) for code, n in nos_by_code.items()},
        "qp_code": qualification_pack_code,
    }
    uids_in_file: dict[str, ItemRecord] = {}
    accepted: list[_Resolved] = []
    total = 2 * len(records)
    for checked, record in enumerate(records, start=1):
        if progress is not None:
            progress(checked, total)
        if record.uid and record.uid in uids_in_file:
            refuse(record, f"the same id is used at line {uids_in_file[record.uid].line}")
            continue
        if record.status not in ItemStatus.values:
            refuse(record, f"unknown status {record.status!r}")
            continue
        # Every problem of the question at once: its tags and its content.
        resolved, reason = _resolve_tags(record, **tables)
        problems = ([reason] if resolved is None else []) + item_content_validate(record.content)
        if resolved is None or problems:
            refuse(record, "; ".join(problems))
            continue
        if record.uid:
            uids_in_file[record.uid] = record
        accepted.append(resolved)
    wanted = {e for r in accepted for e in r.record.enemies}
    valid_uuids = []
    for e in wanted:
        with contextlib.suppress(ValueError):
            valid_uuids.append(uuid.UUID(e))
    existing_enemies = {
        str(u) for u in Item.objects.filter(uid__in=valid_uuids).values_list("uid", flat=True)
    }
    kept: list[_Resolved] = []
    for resolved in accepted:
        missing = [
            e
            for e in resolved.record.enemies
            if e not in uids_in_file and e not in existing_enemies
        ]
        if missing:
            refuse(resolved.record, f"enemy {missing[0]!r} is neither in the file nor in the bank")
        else:
            kept.append(resolved)
    for resolved in kept:
        notes = resolved.record.content.type_data.get("not_modelled") or []
        if notes:
            r = resolved.record
            result.not_modelled.append(Problem(r.line, r.label, "; ".join(notes), r.source))
    result.skipped.sort(key=lambda p: (p.source, p.line))

    with transaction.atomic():
        items_by_uid = _write(kept, qp=qp, user=user, keep_status=keep_status,
                              source_name=source_name, result=result, refuse=refuse,
                              progress=None if progress is None else (
                                  lambda n: progress(len(records) + n * len(records)
                                                     // max(1, len(kept)), total)))  # fmt: skip
        for resolved in kept:
            record = resolved.record
            if record.enemies and record.uid and record.uid in items_by_uid:
                item = items_by_uid[record.uid]
                item.enemies.add(*Item.objects.filter(uid__in=record.enemies))
        if result.to_be_tagged:
            item_suggestions_compute(qualification_pack_code=qualification_pack_code)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _existing(record: ItemRecord, qp, digest: str) -> Item | None:
    if record.uid:
        return Item.objects.filter(uid=record.uid).first()
    if record.source_id:
        found = Item.objects.filter(qualification_pack=qp, source_id=record.source_id).first()
        if found:
            return found
    return Item.objects.filter(qualification_pack=qp, content_hash=digest).first()


def _write(
    kept, *, qp, user, keep_status, source_name, result, refuse, progress=None
) -> dict[str, Item]:
    items_by_uid: dict[str, Item] = {}
    for written, resolved in enumerate(kept, start=1):
        if progress is not None:
            progress(written)
        record, pc = resolved.record, resolved.pc
        digest = content_hash(record.content)
        if record.content.item_type == "description":
            result.descriptions += 1
        existing = _existing(record, qp, digest)
        if existing is None:
            item = item_create(
                performance_criterion=pc, content=record.content, author=user,
                knowledge_items=resolved.kus, generic_skills=resolved.gss,
                uid=uuid.UUID(record.uid) if record.uid else None,
                nos=resolved.nos, qualification_pack=qp,
                source={"source_category": record.source_category[:500],
                        "source_tags": record.source_tags, "source_id": record.source_id,
                        "content_hash": digest},
            )  # fmt: skip
            version = item.versions.get()
            result.created += 1
        else:
            item = existing
            latest = item.versions.order_by("-number").prefetch_related("options", "translations")[
                0
            ]
            if item_content_of(latest) == record.content.normalised() and (
                not keep_status or latest.status == record.status
            ):
                result.unchanged += 1
                items_by_uid[str(item.uid)] = item
                if not item.is_tagged:
                    result.to_be_tagged += 1
                continue
            if pc is not None and item.performance_criterion_id not in (None, pc.pk):
                refuse(record, "an existing item cannot move to another PC")
                continue
            version = item_edit(item=item, user=user, content=record.content, comment="imported")
            item.content_hash = digest
            item.save(update_fields=["content_hash"])
            result.new_versions += 1
        if not item.is_tagged:
            result.to_be_tagged += 1
        if keep_status and record.status != ItemStatus.DRAFT and item.is_tagged:
            _status_import(version=version, status=record.status, user=user, source=source_name)
        ItemEvent.objects.create(
            item=item, version=version, actor=user, action=ItemEvent.Action.IMPORTED,
            comment=source_name,
        )  # fmt: skip
        items_by_uid[str(item.uid)] = item
    return items_by_uid


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
    versions = ItemVersion.objects.filter(
        Q(item__nos__in=nos_list)
        | Q(
            item__qualification_pack__code=qualification_pack_code,
            item__performance_criterion__isnull=True,
        ),
        is_latest=True,
    )
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
                nos_code=item.nos.code if item.performance_criterion_id else "",
                pc_ref=refs[item.nos_id][item.performance_criterion_id]
                if item.performance_criterion_id
                else "",
                source_category=item.source_category,
                source_tags=list(item.source_tags),
                source_id=item.source_id,
                knowledge_codes=[k.code for k in item.knowledge_items.all()],
                generic_skill_codes=[g.code for g in item.generic_skills.all()],
                status=v.status,
                enemies=sorted(str(e.uid) for e in item.enemies.all()),
                content=item_content_of(v),
            )
        )
    return records
