"""Cloze (Moodle multianswer): the stem holds ``{#1}``, ``{#2}``... where each embedded
sub-question sits, and ``type_data["parts"]`` one scored part per placeholder: ``kind``
(multichoice, shortanswer, numerical), ``weight``, ``case_sensitive`` and ``answers``
[{"text", "fraction", "feedback_html", "tolerance"}]. The score is the parts' weighted mean.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .base import ItemTypeSpec
from .short_answer import answer_matches

PART_KINDS = ("multichoice", "shortanswer", "numerical")


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
        return {
            "parts": [
                {
                    "index": i,
                    "kind": part["kind"],
                    # Choices are shown for multichoice parts only: a short answer shows none.
                    "choices": [a["text"] for a in part["answers"]]
                    if part["kind"] == "multichoice"
                    else [],
                }
                for i, part in enumerate(content.type_data.get("parts", []), start=1)
            ]
        }

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
