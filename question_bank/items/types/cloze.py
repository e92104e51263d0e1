"""Cloze (Moodle multianswer): the stem holds ``{#1}``, ``{#2}``... where each embedded
sub-question sits, and ``type_data["parts"]`` one scored part per placeholder: ``kind``
(multichoice, shortanswer, numerical), ``weight``, ``case_sensitive`` and ``answers``
[{"text", "fraction", "feedback_html", "tolerance"}]. The score is the parts' weighted mean,
never below 0 (a wrong answer may carry a penalty, as QTI's gap match with a negative
``default-value`` and ``lower-bound="0"``).

Gap items (Moodle's ``gapselect`` and ``ddwtos``, QTI's gap match) are cloze items whose parts
are multiple-choice gaps drawing on a shared list: each such part has ``group`` (Moodle's choice
group; its choices are the group's, in the group's order) and an answer may carry ``max_uses``
(how many gaps it may fill: Moodle's ddwtos choice without "infinite", QTI's ``match-max``). The
choices of a group are shown in one order for all its gaps: the stored one when the item's
``shuffle_options`` is off (Moodle's "shuffle" unticked), else one drawn per showing.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from .base import ItemTypeSpec, form_value
from .short_answer import answer_matches

PART_KINDS = ("multichoice", "shortanswer", "numerical")
PLACEHOLDER = re.compile(r"\{#(\d+)\}")


def part_score(part: dict, given: str) -> Decimal:
    best = Decimal(0)
    for answer in part["answers"]:
        fraction = Decimal(str(answer["fraction"]))
        if part["kind"] == "numerical":
            try:
                ok = abs(Decimal(given.strip()) - Decimal(answer["text"])) <= Decimal(
                    str(answer.get("tolerance") or 0)
                )
            except InvalidOperation:
                ok = answer["text"] == "*"
        elif part["kind"] == "multichoice":
            ok = given == answer["text"]
        else:
            ok = answer_matches(
                answer["text"], given, case_sensitive=part.get("case_sensitive", False)
            )
        if ok:
            if part["kind"] != "numerical":
                return fraction
            best = max(best, fraction)
    return best


def overused_choice(parts: list[dict], response: dict) -> tuple[str, int] | None:
    """The first choice put in more gaps than its ``max_uses`` allows, with that limit (None:
    every choice within its limit). Choices are told apart by group and text."""
    uses: Counter[tuple[object, str]] = Counter()
    limits: dict[tuple[object, str], int] = {}
    for i, part in enumerate(parts, start=1):
        given = str(response.get(str(i), response.get(i, "")))
        if part["kind"] != "multichoice" or not given:
            continue
        for answer in part["answers"]:
            if answer["text"] == given and answer.get("max_uses"):
                key = (part.get("group"), given)
                uses[key] += 1
                limits[key] = int(answer["max_uses"])
    for key, count in uses.items():
        if count > limits[key]:
            return key[1], limits[key]
    return None


class Cloze(ItemTypeSpec):
    name = "cloze"
    export_writers = {"qti": "cloze", "moodle": "cloze"}
    deliverable = True
    widget = "cloze"
    has_options = False

    def validate(self, content):
        parts = content.type_data.get("parts", [])
        problems = []
        if not parts:
            problems.append("a cloze item needs at least one embedded sub-question")
        stem = next(iter(content.translations.values())).stem_html if content.translations else ""
        for i, part in enumerate(parts, start=1):
            if part.get("kind") not in PART_KINDS:
                problems.append(f"part {i}: unsupported kind {part.get('kind')!r}")
            if not any(Decimal(str(a["fraction"])) == 1 for a in part.get("answers", [])):
                problems.append(f"part {i}: no answer worth 100%")
            if f"{{#{i}}}" not in stem:
                problems.append(f"part {i}: the stem has no {{#{i}}}")
            for answer in part.get("answers", []):
                uses = answer.get("max_uses")
                if uses is not None and (not isinstance(uses, int) or uses < 1):
                    problems.append(f"part {i}: max_uses must be a whole number from 1")
        return problems

    def learner_view(self, content, language):
        """The parts, and the stem cut at its placeholders (``segments``: html, then the part
        that follows it, or None) so the page puts each blank or select inline; the stem
        itself is not shown a second time."""
        t = content.translations.get(language) or next(iter(content.translations.values()))
        parts = self._parts_view(content)
        for part in parts:
            # Gap items keep their author's order when shuffling is off (as Moodle does).
            part["shuffle"] = content.shuffle_options or part["group"] is None
        by_index = {p["index"]: p for p in parts}
        segments = []
        pieces = PLACEHOLDER.split(t.stem_html)  # text, index, text, index, ..., text
        for k in range(0, len(pieces), 2):
            index = int(pieces[k + 1]) if k + 1 < len(pieces) else None
            segments.append({"html": pieces[k], "part": by_index.get(index) if index else None})
        return {"parts": parts, "segments": segments, "stem_html": ""}

    def shuffle_view(self, view, rng):
        """Each part's choices in this showing's order; the gaps of one group share one order
        (Moodle shuffles a group once per attempt)."""
        parts = []
        group_orders: dict[object, list[str]] = {}
        for part in view["parts"]:
            choices = list(part["choices"])
            if not part.get("shuffle", True):
                parts.append(part)
                continue
            if part.get("group") is None:
                rng.shuffle(choices)
            else:
                if part["group"] not in group_orders:
                    rng.shuffle(choices)
                    group_orders[part["group"]] = choices
                order = group_orders[part["group"]]
                choices = [c for c in order if c in choices] + [
                    c for c in choices if c not in order
                ]
            parts.append({**part, "choices": choices})
        by_index = {p["index"]: p for p in parts}
        segments = [
            {**s, "part": by_index[s["part"]["index"]] if s["part"] else None}
            for s in view["segments"]
        ]
        return {**view, "parts": parts, "segments": segments}

    def answer_from_form(self, content, form, shown):
        """ "blank_<n>" per part; blanks left empty score nothing, but not all may be empty."""
        response = {}
        for part in self._parts_view(content):
            given = form_value(form, f"blank_{part['index']}")
            if part["choices"] and given and given not in part["choices"]:
                raise ValueError(f"unknown choice {given!r} for blank {part['index']}")
            if len(given) > 1000:
                raise ValueError("That answer is too long (1000 characters at most).")
            response[str(part["index"])] = given
        if not any(response.values()):
            raise ValueError("Fill in the blanks first.")
        overused = overused_choice(content.type_data.get("parts", []), response)
        if overused:
            text, limit = overused
            raise ValueError(
                gettext("“%(word)s” can fill one gap only.") % {"word": text}
                if limit == 1
                else ngettext(
                    "“%(word)s” can fill %(count)d gap at most.",
                    "“%(word)s” can fill %(count)d gaps at most.",
                    limit,
                )
                % {"word": text, "count": limit}
            )
        return response

    def score_levels(self, content):
        """Sum of parts: one IRT category per part answered right (parts of equal weight;
        uneven weights and partly right parts round down to the step below)."""
        n = len(content.type_data.get("parts", []))
        return [k / n for k in range(n + 1)] if n else [0.0, 1.0]

    def _parts_view(self, content):
        # Choices are shown for multichoice parts only (sorted: the author's order often puts
        # the right one first; a gap item with shuffling off keeps its group's order, as Moodle
        # shows it); a short-answer or numerical part shows none.
        return [
            {
                "index": i,
                "kind": part["kind"],
                "group": part.get("group"),
                "choices": (
                    [a["text"] for a in part["answers"]]
                    if part.get("group") is not None and not content.shuffle_options
                    else sorted(a["text"] for a in part["answers"])
                )
                if part["kind"] == "multichoice"
                else [],
            }
            for i, part in enumerate(content.type_data.get("parts", []), start=1)
        ]

    def score(self, content, response):
        parts = content.type_data.get("parts", [])
        if not isinstance(response, dict):
            raise ValueError("a cloze answer maps each part number to an answer")
        overused = overused_choice(parts, response)
        if overused:
            raise ValueError(f"choice {overused[0]!r} fills more gaps than it may ({overused[1]})")
        total = sum((Decimal(p.get("weight", 1)) for p in parts), Decimal(0))
        earned = sum(
            (
                Decimal(p.get("weight", 1))
                * part_score(p, str(response.get(str(i), response.get(i, ""))))
                for i, p in enumerate(parts, start=1)
            ),
            Decimal(0),
        )
        return max(earned, Decimal(0)) / total if total else Decimal(0)

    def review_parts(self, content, language, response):
        """Gap by gap: what the candidate wrote or chose and the answers accepted in full."""
        given = response if isinstance(response, dict) else {}
        parts = []
        for i, part in enumerate(content.type_data.get("parts", []), start=1):
            written = str(given.get(str(i), given.get(i, "")))
            accepted = [a["text"] for a in part["answers"] if Decimal(str(a["fraction"])) == 1]
            if part["kind"] == "numerical":
                accepted = [
                    f"{a['text']} ± {a['tolerance']}"
                    if a.get("tolerance") and Decimal(str(a["tolerance"])) != 0
                    else a["text"]
                    for a in part["answers"]
                    if Decimal(str(a["fraction"])) == 1
                ]
            parts.append(
                {
                    "label_html": str(i),
                    "given_html": escape(written),
                    "key_html": " / ".join(escape(a) for a in accepted),
                    "right": part_score(part, written) == 1,
                }
            )
        return parts
