"""The order in which a candidate sees an item's options.

Authors tend to write the key first, so the stored order leaks the key to anyone who always
picks the first option. Options are therefore shown in an order drawn per showing: per attempt
and item in an assessment, per page view and item in a knowledge check. The order is a pure
function of a seed string (HMAC'd with the project's secret key, so it cannot be predicted from
public ids), so a reload shows the same order; it is also stored with the response so a review
shows what the candidate saw.

The page never names an option by its stored key either: a form posts the option's position on
screen ("1", "2"...), mapped back to the key on the server with the same order
(``options_shown``, ``keys_from_shown``). A key in the HTML would tell anyone who reads the page
source which option the author wrote first, which is often the right one.

Rule: items whose type shows no options (numeric, short answer: its options are the accepted
answers, matching, cloze, essay) have no order; ordering items are always shuffled (their stored
order is the key); true/false items keep their natural order (True, then
False: shuffling two fixed words only confuses, and gives nothing away either way); an item
version with ``shuffle_options`` off keeps the author's order (scales, "all of the above");
every other item is shuffled.
"""

from __future__ import annotations

import random

from django.utils.crypto import salted_hmac

from question_bank.api import item_type_spec
from question_bank.models import ItemType, ItemVersion

__all__ = [
    "option_order",
    "options_in_order",
    "option_order_seed",
    "showing_rng",
    "options_shown",
    "keys_from_shown",
]

_SALT = "adaptive.options.option_order"


def option_order_seed(*, scope: str, item_id: int) -> str:
    """The seed of one showing: ``scope`` names the sitting (an attempt, a page view)."""
    return f"{scope}:item:{item_id}"


def option_order(*, item_version: ItemVersion, seed: str) -> list[str]:
    """Option keys in the order this showing presents them (see the module doc for the rule)."""
    spec = item_type_spec(item_version.item_type)
    if not spec.shows_options:
        return []
    keys = [o.key for o in item_version.options.all()]  # stored (author's) order
    if item_version.item_type == ItemType.TRUE_FALSE or not (
        item_version.shuffle_options or spec.always_shuffle
    ):
        return keys
    showing_rng(seed).shuffle(keys)
    return keys


def showing_rng(seed: str) -> random.Random:
    """The random order of one showing: a pure function of the seed and the secret key."""
    return random.Random(salted_hmac(_SALT, seed).hexdigest())  # noqa: S311 - not crypto


def options_in_order(question: dict, order: list[str]) -> dict:
    """``question_bank.api.item_for_learner``'s dict with its options in ``order``."""
    if not order:
        return question
    rank = {key: i for i, key in enumerate(order)}
    options = sorted(question["options"], key=lambda o: rank.get(o["key"], len(rank)))
    return {**question, "options": options}


def options_shown(question: dict) -> dict:
    """A question whose options are already in their shown order, each named by its position
    on screen (1-based) instead of its stored key."""
    if not question.get("options"):
        return question
    options = [{**o, "key": str(i + 1)} for i, o in enumerate(question["options"])]
    return {**question, "options": options}


def keys_from_shown(order: list[str], values: list[str]) -> list[str]:
    """The stored keys of the posted on-screen positions; ``ValueError`` for a position the page
    did not show. Items without options (numeric) post their answer as it is."""
    if not order:
        return values
    unknown = [v for v in values if not (v.isdigit() and 1 <= int(v) <= len(order))]
    if unknown:
        raise ValueError(f"unknown option(s): {', '.join(unknown)}")
    return [order[int(v) - 1] for v in values]
