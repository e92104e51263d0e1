"""A readable difference between two versions of an item, for reviewers.

Each version is written out as labelled lines ("[en] Option B (100 %): ...", one per stem,
option, score, feedback and numeric answer, in plain text) and the two lists are compared with
``difflib.SequenceMatcher``; a changed line is shown old beside new. Tags (PC, KU, GS) belong to
the item, not to a version, so their changes come from the audit trail between the versions.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..models import ItemEvent, ItemVersion
from .content import ItemContent, item_content_of
from .html import html_to_text


@dataclass(frozen=True)
class DiffRow:
    op: str  # "equal", "changed", "added", "removed"
    old: str
    new: str


def _percent(fraction) -> str:
    from ..interchange.moodle_fractions import moodle_percent

    return f"{moodle_percent(fraction)} %"


def item_content_lines(content: ItemContent) -> list[str]:
    """The content as labelled plain-text lines, in a fixed order (what the diff compares)."""
    lines = [f"Type: {content.item_type}"]
    if content.numeric_answer is not None:
        lines.append(f"Numeric answer: {content.numeric_answer} ± {content.numeric_tolerance or 0}")
    if content.difficulty_estimate is not None:
        lines.append(f"Difficulty estimate: {content.difficulty_estimate}")
    for lang, t in sorted(content.translations.items()):
        lines.append(f"[{lang}] Stem: {html_to_text(t.stem_html)}")
        for key, fraction in content.options:
            option = t.options.get(key)
            text = html_to_text(option.html) if option else ""
            lines.append(f"[{lang}] Option {key} ({_percent(fraction)}): {text}")
            if option and option.feedback_html:
                lines.append(f"[{lang}] Feedback {key}: {html_to_text(option.feedback_html)}")
        if t.general_feedback_html:
            lines.append(f"[{lang}] General feedback: {html_to_text(t.general_feedback_html)}")
    return lines


def item_content_diff(*, old: ItemContent, new: ItemContent) -> list[DiffRow]:
    """Rows old/new; ``changed`` pairs a replaced line with its replacement."""
    a, b = item_content_lines(old), item_content_lines(new)
    rows: list[DiffRow] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            rows.extend(DiffRow("equal", line, line) for line in a[i1:i2])
        elif op == "delete":
            rows.extend(DiffRow("removed", line, "") for line in a[i1:i2])
        elif op == "insert":
            rows.extend(DiffRow("added", "", line) for line in b[j1:j2])
        else:
            old_lines, new_lines = a[i1:i2], b[j1:j2]
            for k in range(max(len(old_lines), len(new_lines))):
                left = old_lines[k] if k < len(old_lines) else ""
                right = new_lines[k] if k < len(new_lines) else ""
                rows.append(
                    DiffRow(
                        "changed" if left and right else "removed" if left else "added", left, right
                    )
                )
    return rows


def item_version_diff(*, old: ItemVersion, new: ItemVersion) -> dict:
    """The diff of two versions of one item, and the tag changes recorded between them."""
    if old.item_id != new.item_id:
        raise ValueError("both versions must belong to the same item")
    if old.number > new.number:
        old, new = new, old
    tag_events = ItemEvent.objects.filter(
        item_id=old.item_id,
        action=ItemEvent.Action.EDITED,
        comment__startswith="tags:",
        created_at__gte=old.created_at,
    ).select_related("actor")
    if not new.is_latest:
        tag_events = tag_events.filter(created_at__lte=new.created_at)
    return {
        "old": old,
        "new": new,
        "rows": item_content_diff(old=item_content_of(old), new=item_content_of(new)),
        "tag_events": list(tag_events.order_by("created_at")),
    }
