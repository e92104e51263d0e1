"""Matching: ``type_data["pairs"]`` = [{"question_html", "answer"}]; a pair with an empty question
is an extra wrong answer (Moodle's distractor). The response maps each question's index to an
answer text; the score is the share of questions matched right (Moodle's match scoring)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape

from .base import ItemTypeSpec, form_value


class Matching(ItemTypeSpec):
    name = "matching"
    export_writers = {"qti": "matching", "moodle": "matching", "gift": "matching"}
    deliverable = True
    widget = "matching"
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

    def shuffle_view(self, view, rng):
        answers = list(view["answers"])
        rng.shuffle(answers)
        return {**view, "answers": answers}

    def answer_from_form(self, content, form, shown):
        """Each question's select posts the answer's text (answers are all shown, in an order
        drawn per showing, so the text gives nothing away); every question needs one."""
        view = self.learner_view(content, "en")
        answers = set(view["answers"])
        response = {}
        for question in view["questions"]:
            chosen = form_value(form, f"match_{question['index']}")
            if not chosen:
                raise ValueError("Choose an answer for every question first.")
            if chosen not in answers:
                raise ValueError(f"unknown answer {chosen!r}")
            response[str(question["index"])] = chosen
        return response

    def score_levels(self, content):
        """Partial credit per pair: one category per number of pairs matched right."""
        n = len(self.learner_view(content, "en")["questions"])
        return [k / n for k in range(n + 1)] if n else [0.0, 1.0]

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

    def review_parts(self, content, language, response):
        """Each premise with the answer chosen for it and the right one."""
        given = response if isinstance(response, dict) else {}
        parts = []
        for i, pair in enumerate(content.type_data.get("pairs", [])):
            if not pair.get("question_html", "").strip():
                continue  # a distractor answer: nothing was asked
            chosen = str(given.get(str(i), given.get(i, "")))
            parts.append(
                {
                    "label_html": pair["question_html"],
                    "given_html": escape(chosen),
                    "key_html": escape(pair["answer"]),
                    "right": chosen == pair["answer"],
                }
            )
        return parts
