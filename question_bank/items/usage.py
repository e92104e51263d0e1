"""Where an item is used: assessments (their pools and issued papers) and lessons (knowledge
checks). Those live in apps above the bank (adaptive, content), which the bank may not import;
they answer through the Wagtail hook ``item_used_in`` instead (registered in
``content.wagtail_hooks``): ``fn(item) -> list[ItemUsage]``."""

from __future__ import annotations

from dataclasses import dataclass

from wagtail import hooks

HOOK = "item_used_in"


@dataclass(frozen=True)
class ItemUsage:
    kind: str  # "assessment", "paper", "lesson"
    label: str
    url: str = ""
    note: str = ""


def item_usage_list(*, item) -> list[ItemUsage]:
    """Every use the registered apps report, assessments first, then lessons."""
    order = {"assessment": 0, "paper": 1, "lesson": 2}
    usages = [usage for fn in hooks.get_hooks(HOOK) for usage in fn(item)]
    return sorted(usages, key=lambda u: (order.get(u.kind, 9), u.label))
