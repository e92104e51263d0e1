"""What every item type provides, so that import, export, storage, delivery and scoring ask the
type instead of branching on ``item_type`` in each layer.

A type module defines one ``ItemTypeSpec`` subclass and registers it in ``__init__``. The spec
works on ``ItemContent`` (format-neutral, see ``..content``), never on a file format.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from ..content import ItemContent


class ItemTypeSpec:
    name: ClassVar[str] = ""
    # A question (counted, scored) or a shared stimulus shown with other questions.
    is_question: ClassVar[bool] = True
    # Scored by the engine; False: an assessor marks it (essay), and IRT leaves it out until then.
    auto_scored: ClassVar[bool] = True
    # May be drawn by assessments (it has a widget on the question page); a description never is
    # (see ``deliverable_types``).
    deliverable: ClassVar[bool] = False
    has_options: ClassVar[bool] = True
    # Knowledge checks (content app) draw only the types whose lesson widget exists.
    in_knowledge_checks: ClassVar[bool] = False
    # The candidate's input widget: adaptive/templates/adaptive/widgets/<widget>.html.
    widget: ClassVar[str] = ""
    # The options are shown, each named on the page by its position (adaptive.options);
    # False where the options are the key (short answer's accepted answers) or absent.
    shows_options: ClassVar[bool] = False
    # Shuffled even when the author turned shuffling off: the stored order is the key (ordering).
    always_shuffle: ClassVar[bool] = False
    # This type's writer in each export format that writes types differently: format ->
    # function name in question_bank.interchange.<format>_writers. A format missing here cannot
    # express the type (the export says so: interchange.common.not_exportable). CSV writes
    # every type alike (its type_data column) and has no writers.
    export_writers: ClassVar[Mapping[str, str]] = {}
    # ``score_levels`` reads only the options' fractions (``score_levels_of_fractions``), so a
    # bank of thousands of choice items finds its levels without reading their texts.
    score_levels_read_options_only: ClassVar[bool] = False

    @property
    def widget_template(self) -> str:
        """The template that draws the candidate's input, for the question page and the
        curator's preview alike."""
        return f"adaptive/widgets/{self.widget}.html"

    def export_writer(self, format_name: str) -> Callable[..., Any] | None:
        """The function that writes this type in ``format_name``; None where it cannot."""
        function = self.export_writers.get(format_name)
        if function is None:
            return None
        module = importlib.import_module(f"question_bank.interchange.{format_name}_writers")
        return getattr(module, function)

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

    def answer_from_form(
        self, content: ItemContent, form: Mapping[str, Sequence[str]], shown: Sequence[str]
    ) -> Any:
        """The response (as ``score`` takes it) from what the widget posted. ``form``: field
        name -> values; ``shown``: option keys in the order the page showed them (position 1
        first). ValueError, with a sentence for the candidate, for an empty or impossible post."""
        raise NotImplementedError

    def review_parts(
        self, content: ItemContent, language: str, response: Any
    ) -> list[dict[str, Any]]:
        """The candidate's answer next to the key, part by part, as a person reads them, for
        the review after an attempt (shown only where the assessment allows it): each part is
        ``{"label_html", "given_html", "key_html", "right"}``, HTML-safe. Empty for types
        whose answer is a set of options or one value (the review marks those itself)."""
        return []

    def shuffle_view(self, view: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        """``learner_view``'s data in this showing's order (lists whose stored order would
        give the key away: matching's answers, cloze choices). The options themselves are
        ordered by adaptive.options."""
        return view

    def score_levels(self, content: ItemContent) -> list[float]:
        """The fractions this item can score, ascending from 0 to full marks (1, or the most its
        options can add up to): one IRT score category each. [0, 1] (right/wrong, 2PL) for an
        item scored all or nothing; more (GPCM, Muraki 1992) where partial credit gives
        intermediate scores."""
        return [0.0, 1.0]

    def score_levels_of_fractions(self, fractions: list[Decimal]) -> list[float]:
        """``score_levels`` from the options' fractions, for the types that read nothing else
        (``score_levels_read_options_only``)."""
        raise NotImplementedError

    def score_category(self, content: ItemContent, score: float) -> int:
        """The IRT category of a fraction ``score``: the highest level it reaches."""
        return score_category_of(self.score_levels(content), score)


def distinct_score_levels(totals: Iterable[float | Decimal]) -> list[float]:
    """``totals`` as score levels: ascending, and totals closer than 0.01 are one level, its
    lowest (0.333 + 0.334 beside 0.333 + 0.333), so rounding in stored fractions never makes a
    category nobody can tell from its neighbour."""
    levels: list[float] = []
    for total in sorted(totals):
        if not levels or float(total) - levels[-1] >= 0.01:
            levels.append(float(total))
    return levels


def score_category_of(levels: Sequence[float], score: float) -> int:
    """The IRT category of a fraction ``score`` on an item whose ``levels`` are its
    ``score_levels``: the highest level it reaches (the lowest category when it reaches none),
    so a score between two levels counts as the lower one. The one rule every caller uses:
    item types, calibration and the assessment bank."""
    return max(i for i, level in enumerate(levels) if score + 1e-6 >= level or i == 0)


def score_categories_of(levels: ArrayLike, scores: ArrayLike) -> NDArray[np.int64]:
    """``score_category_of`` for many responses at once (a batch report codes ~10^5 of them):
    the same rule, the highest level each score reaches, the lowest category when none.

    levels: (n_responses, max_levels) float array, each row its item's ascending
        ``score_levels``, padded with nan
    scores: (n_responses,) float array of fractions of the mark
    """
    lv = np.asarray(levels, dtype=float)
    s = np.asarray(scores, dtype=float)
    with np.errstate(invalid="ignore"):
        reached = s[:, None] + 1e-6 >= lv[:, 1:]  # nan padding never counts as reached
    # Levels ascend, so the levels reached above the lowest are a prefix: count them.
    return np.asarray(reached.sum(axis=1), dtype=np.int64)


def form_value(form: Mapping[str, Sequence[str]], name: str) -> str:
    """The first non-blank value posted for ``name`` ('' when none)."""
    return next((v.strip() for v in form.get(name, ()) if v.strip()), "")


def shown_key(shown: Sequence[str], position: str) -> str:
    """The stored key at an on-screen position ("1" first); ValueError for one not shown."""
    if not (position.isdigit() and 1 <= int(position) <= len(shown)):
        raise ValueError(f"unknown option {position!r}")
    return shown[int(position) - 1]
