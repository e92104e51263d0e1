"""Cloze (Moodle multianswer): the stem holds ``{#1}``, ``{#2}``... where each embedded
sub-question sits, and ``type_data["parts"]`` one scored part per placeholder: ``kind``
(multichoice, shortanswer, numerical), ``weight``, ``case_sensitive`` and ``answers``
[{"text", "fraction", "feedback_html", "tolerance"}]. The score is the parts' weighted mean.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.html import escape

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
        return problems

    def learner_view(self, content, language):
        """The parts, and the stem cut at its placeholders (``segments``: html, then the part
        that follows it, or None) so the page puts each blank or select inline; the stem
        itself is not shown a second time."""
        t = content.translations.get(language) or next(iter(content.translations.values()))
        parts = self._parts_view(content)
        by_index = {p["index"]: p for p in parts}
        segments = []
        pieces = PLACEHOLDER.split(t.stem_html)  # text, index, text, index, ..., text
        for k in range(0, len(pieces), 2):
            index = int(pieces[k + 1]) if k + 1 < len(pieces) else None
            segments.append({"html": pieces[k], "part": by_index.get(index) if index else None})
        return {"parts": parts, "segments": segments, "stem_html": ""}

    def shuffle_view(self, view, rng):
        parts = []
        for part in view["parts"]:
            choices = list(part["choices"])
            rng.shuffle(choices)
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
        return response

    def score_levels(self, content):
        """Sum of parts: one IRT category per part answered right (parts of equal weight;
        uneven weights and partly right parts round down to the step below)."""
        n = len(content.type_data.get("parts", []))
        return [k / n for k in range(n + 1)] if n else [0.0, 1.0]

    def _parts_view(self, content):
        # Choices are shown for multichoice parts only (sorted: the author's order often puts
        # the right one first); a short-answer or numerical part shows none.
        return [
            {
                "index": i,
                "kind": part["kind"],
                "choices": sorted(a["text"] for a in part["answers"])
                if part["kind"] == "multichoice"
                else [],
            }
            for i, part in enumerate(content.type_data.get("parts", []), start=1)
        ]

    def score(self, content, response):
        parts = content.type_data.get("parts", [])
        if not isinstance(response, dict):
            raise ValueError("a cloze answer maps each part number to an answer")
        total = sum((Decimal(p.get("weight", 1)) for p in parts), Decimal(0))
        earned = sum(
            (
                Decimal(p.get("weight", 1))
                * part_score(p, str(response.get(str(i), response.get(i, ""))))
                for i, p in enumerate(parts, start=1)
            ),
            Decimal(0),
        )
        return earned / total if total else Decimal(0)

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
