"""What every item type provides, so that import, export, storage, delivery and scoring ask the
type instead of branching on ``item_type`` in each layer.

A type module defines one ``ItemTypeSpec`` subclass and registers it in ``__init__``. The spec
works on ``ItemContent`` (format-neutral, see ``..content``), never on a file format.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from ..content import ItemContent


class ItemTypeSpec:
    name: ClassVar[str] = ""
    # A question (counted, scored) or a shared stimulus shown with other questions.
    is_question: ClassVar[bool] = True
    # Scored by the engine; False: an assessor marks it (essay), and IRT leaves it out until then.
    auto_scored: ClassVar[bool] = True
    # May be drawn by assessments and knowledge checks today. Types whose delivery pages are not
    # built yet are kept out of the pools explicitly (see ``deliverable_types``).
    deliverable: ClassVar[bool] = False
    has_options: ClassVar[bool] = True

    def validate(self, content: ItemContent) -> list[str]:
        """Problems with ``content`` as this type (empty: valid)."""
        return []

    def learner_view(self, content: ItemContent, language: str) -> dict[str, Any]:
        """Type-specific data a learner may see before answering: never a key, never feedback."""
        return {}

    def score(self, content: ItemContent, response: Any) -> Decimal | None:
        """Fraction of the mark in [0, 1] for ``response``; None when a person must mark it.
        Raises ValueError when the response is not a possible answer to this item."""
        raise NotImplementedError
