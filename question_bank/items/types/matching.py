"""Matching: ``type_data["pairs"]`` = [{"question_html", "answer"}]; a pair with an empty question
is an extra wrong answer (Moodle's distractor). The response maps each question's index to an
answer text; the score is the share of questions matched right (Moodle's match scoring)."""

from __future__ import annotations

from decimal import Decimal

from .base import ItemTypeSpec


class Matching(ItemTypeSpec):
    name = "matching"
    has_options = False

    def validate(self, content):
        pairs = content.type_data.get("pairs", [])
        questions = [p for p in pairs if p.get("question_html", "").strip()]
        problems = ["a matching item has no options"] if content.options else []
        if len(questions) < 2:
            problems.append("a matching item needs at least two questions with answers")
        if any(not str(p.get("answer", "")).strip() for p in pairs):
            problems.append("every matching pair needs an answer")
        return problems

    def learner_view(self, content, language):
        pairs = content.type_data.get("pairs", [])
        answers = sorted({p["answer"] for p in pairs})
        return {
            "questions": [
                {"index": i, "html": p["question_html"]}
                for i, p in enumerate(pairs)
                if p.get("question_html", "").strip()
            ],
            "answers": answers,
        }

    def score(self, content, response):
        pairs = content.type_data.get("pairs", [])
        asked = {i: p["answer"] for i, p in enumerate(pairs) if p.get("question_html", "").strip()}
        if not isinstance(response, dict):
            raise ValueError("a matching answer maps each question to an answer")
        right = sum(
            1
            for i, answer in asked.items()
            if str(response.get(str(i), response.get(i, ""))) == answer
        )
        return Decimal(right) / Decimal(len(asked))
