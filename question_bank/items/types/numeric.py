"""Numerical: the full-mark answer (``numeric_answer`` ± ``numeric_tolerance``) and, in
``type_data["answers"]``, further answers with their own tolerance and partial credit (Moodle's
numerical question, GIFT ``{#=1822:0 =%50%1822:2}``). ``type_data["units"]``: accepted units with
their multipliers (Moodle: the answer divided by the multiplier is compared).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from .base import ItemTypeSpec, form_value


def _number(raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"{raw!r} is not a number") from exc
    if not value.is_finite():
        raise ValueError(f"{raw!r} is not a number")
    return value


def numeric_answers(content) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(value, tolerance, fraction), the full-mark answer first."""
    answers = []
    if content.numeric_answer is not None:
        answers.append(
            (Decimal(content.numeric_answer), Decimal(content.numeric_tolerance or 0), Decimal(1))
        )
    for a in content.type_data.get("answers", []):
        answers.append(
            (_number(a["value"]), _number(a.get("tolerance") or 0), _number(a["fraction"]))
        )
    return answers


def numeric_answers_store(
    answers: list[tuple[Decimal, Decimal, Decimal, str]], type_data: dict
) -> tuple[Decimal, Decimal]:
    """The inverse of ``numeric_answers``, for importers: (value, tolerance, fraction, feedback)
    as a file gives them become the full-mark answer (the first worth 100 %, returned as
    (value, tolerance), its feedback in ``type_data``) and the partial-credit answers in
    ``type_data["answers"]``. ValueError for a negative grade or no full-mark answer."""
    full: tuple[Decimal, Decimal] | None = None
    extra = []
    for number, tolerance, fraction, feedback in answers:
        if fraction == 1 and full is None:
            full = (number, tolerance)
            if feedback:
                type_data["answer_feedback_html"] = feedback
        elif fraction > 0:
            extra.append({"value": str(number), "tolerance": str(tolerance),
                          "fraction": format(fraction.normalize(), "f"),
                          "feedback_html": feedback})  # fmt: skip
        elif fraction < 0:
            raise ValueError("a numerical answer cannot have a negative grade (weight)")
    if full is None:
        raise ValueError("a numerical question needs an answer worth 100%")
    type_data["answers"] = extra
    return full


class Numeric(ItemTypeSpec):
    name = "numeric"
    export_writers = {"qti": "numeric", "moodle": "numeric", "gift": "numeric"}
    deliverable = True
    in_knowledge_checks = True
    widget = "numeric"
    has_options = False

    def validate(self, content):
        problems = []
        if content.options:
            problems.append("a numeric item has no options")
        if content.numeric_answer is None:
            problems.append("a numeric item needs an answer")
        if content.numeric_tolerance is not None and content.numeric_tolerance < 0:
            problems.append("the tolerance cannot be negative")
        try:
            for _, tolerance, fraction in numeric_answers(content):
                if tolerance < 0:
                    problems.append("the tolerance cannot be negative")
                if not 0 <= fraction <= 1:
                    problems.append("numeric answers' fractions lie between 0 and 1")
        except (ValueError, KeyError) as exc:
            problems.append(f"bad numeric answer: {exc}")
        return problems

    def learner_view(self, content, language):
        units = [u["unit"] for u in content.type_data.get("units", [])]
        return {"units": units} if units else {}

    def score(self, content, response):
        text = str(response).strip() if response is not None else ""
        multiplier = Decimal(1)
        for unit in sorted(content.type_data.get("units", []), key=lambda u: -len(u["unit"])):
            if unit["unit"] and text.endswith(unit["unit"]):
                text = text[: -len(unit["unit"])].strip()
                multiplier = _number(unit.get("multiplier") or 1)
                break
        given = _number(text) / multiplier
        best = Decimal(0)
        for value, tolerance, fraction in numeric_answers(content):
            if abs(given - value) <= tolerance:
                best = max(best, fraction)
        return best

    def answer_from_form(self, content, form, shown):
        """The number typed, with the unit chosen beside it (or typed after it)."""
        number = form_value(form, "answer")
        if not number:
            raise ValueError("Type a number first.")
        unit = form_value(form, "unit")
        units = {u["unit"] for u in content.type_data.get("units", [])}
        if unit and unit not in units:
            raise ValueError(f"unknown unit {unit!r}")
        typed_unit = any(u and number.endswith(u) for u in units)
        answer = f"{number} {unit}" if unit and not typed_unit else number
        self.score(content, answer)  # refuses text that is not a number, before it is stored
        return answer

    def score_levels(self, content):
        """Partial-credit answers make the item polytomous: one category per distinct grade."""
        fractions = {float(f) for _, _, f in numeric_answers(content) if f > 0}
        return sorted({0.0, 1.0} | fractions)
