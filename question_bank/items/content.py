"""The content of one item version, independent of storage and of interchange formats.

``ItemContent`` is what curators edit, what every interchange format reads and writes, and what
``item_content_validate`` checks; ``item_content_of`` reads it back from a stored ItemVersion, so
"export, import into an empty bank, compare" compares like with like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..models.items import ITEM_LANGUAGES, ItemType, ItemVersion
from .html import html_sanitise, html_to_text
from .types import REGISTRY, item_type_spec

LANGUAGE_CODES = {code for code, _ in ITEM_LANGUAGES}
TRUE_FALSE_KEYS = ("true", "false")
# True/false options always read the same; formats such as Moodle's carry no option text for them.
TRUE_FALSE_LABELS = {
    "en": {"true": "True", "false": "False"},
    "hi": {"true": "सत्य", "false": "असत्य"},
}


@dataclass
class OptionText:
    html: str
    feedback_html: str = ""


@dataclass
class Translation:
    stem_html: str
    general_feedback_html: str = ""
    options: dict[str, OptionText] = field(default_factory=dict)


@dataclass
class ItemContent:
    item_type: str
    translations: dict[str, Translation]
    # (key, fraction) in display order; fraction 1 = fully correct, 0 = wrong, <0 = penalty.
    options: list[tuple[str, Decimal]] = field(default_factory=list)
    numeric_answer: Decimal | None = None
    numeric_tolerance: Decimal | None = None
    difficulty_estimate: int | None = None
    # Kept from other banks so that nothing is lost on the way in or out (see ItemVersion).
    name: str = ""
    default_mark: Decimal = Decimal(1)
    penalty: Decimal | None = None
    shuffle_options: bool = True
    # Type-specific data (question_bank.items.types) plus "hints", "combined_feedback" and
    # "not_modelled" (what the source had that Kaushal does not model, listed in reports).
    type_data: dict = field(default_factory=dict)

    def normalised(self) -> ItemContent:
        """Sanitised HTML and quantised numbers, so stored and re-imported content compare equal."""
        if self.item_type == ItemType.TRUE_FALSE:
            for lang, t in self.translations.items():
                labels = TRUE_FALSE_LABELS.get(lang, TRUE_FALSE_LABELS["en"])
                for key, label in labels.items():
                    feedback = t.options[key].feedback_html if key in t.options else ""
                    t.options[key] = OptionText(label, feedback)
        return ItemContent(
            item_type=self.item_type,
            translations={
                lang: Translation(
                    stem_html=html_sanitise(t.stem_html),
                    general_feedback_html=html_sanitise(t.general_feedback_html),
                    options={
                        key: OptionText(html_sanitise(o.html), html_sanitise(o.feedback_html))
                        for key, o in t.options.items()
                    },
                )
                for lang, t in sorted(self.translations.items())
            },
            options=[(key, _quantise(Decimal(f), "0.0000001")) for key, f in self.options],
            numeric_answer=_quantise(self.numeric_answer, "0.000001"),
            numeric_tolerance=_quantise(self.numeric_tolerance, "0.000001"),
            difficulty_estimate=self.difficulty_estimate,
            name=self.name.strip()[:255],
            default_mark=_quantise(Decimal(self.default_mark), "0.0000001"),
            penalty=_quantise(self.penalty, "0.0000001"),
            shuffle_options=bool(self.shuffle_options),
            type_data=_json_clean(_type_data_sanitised(self.type_data)),
        )

    @property
    def correct_keys(self) -> list[str]:
        return [key for key, fraction in self.options if fraction > 0]


def _quantise(value: Decimal | None, exp: str) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(exp)).normalize() + Decimal(0)


# Type-data entries whose every string is HTML shown with ``|safe`` (hints, Moodle's combined
# feedback); besides these, any key ending in "_html" (a matching pair's question, an essay's
# marker information, per-answer feedback) holds HTML.
_HTML_CONTAINERS = {"hints", "combined_feedback"}


def _type_data_sanitised(data, html: bool = False):
    """``data`` with every HTML string in it sanitised like the stem: type data reaches the
    question page, the review and the marking page unescaped, so it is as dangerous."""
    if isinstance(data, dict):
        return {
            key: _type_data_sanitised(
                value, html or str(key).endswith("_html") or key in _HTML_CONTAINERS
            )
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_type_data_sanitised(value, html) for value in data]
    if html and isinstance(data, str):
        return html_sanitise(data)
    return data


def _json_clean(data: dict) -> dict:
    """Drop empty values so that stored and re-imported type data compare equal."""
    return {k: v for k, v in sorted(data.items()) if v not in ("", None, [], {})}


def decimal_or_none(raw: str | None) -> Decimal | None:
    """Parse a number from a file; raises ValueError with a readable message."""
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise ValueError(f"{raw!r} is not a number") from exc
    if not value.is_finite():
        raise ValueError(f"{raw!r} is not a finite number")
    return value


def _has_content(html: str) -> bool:
    return bool(html_to_text(html)) or "<img" in html_sanitise(html)


def item_content_validate(content: ItemContent) -> list[str]:
    """Every problem with ``content`` (empty list: valid). Messages name the field."""
    problems: list[str] = []
    if content.item_type not in ItemType.values or content.item_type not in REGISTRY:
        return [f"unknown item type {content.item_type!r}"]
    content = content.normalised()
    if not content.translations:
        problems.append("no text in any language")
    for lang, t in content.translations.items():
        if lang not in LANGUAGE_CODES:
            problems.append(f"unsupported language {lang!r} (use one of {sorted(LANGUAGE_CODES)})")
        if not _has_content(t.stem_html):
            problems.append(f"[{lang}] the stem is empty")
    if content.difficulty_estimate is not None and not 1 <= content.difficulty_estimate <= 5:
        problems.append("difficulty estimate must be between 1 and 5")
    spec = item_type_spec(content.item_type)
    problems.extend(spec.validate(content))
    if content.default_mark < 0 or (content.default_mark == 0 and spec.is_question):
        problems.append("the default mark must be positive")
    if not spec.has_options:
        return problems
    keys = [key for key, _ in content.options]
    for lang, t in content.translations.items():
        missing = [
            key for key in keys if key not in t.options or not _has_content(t.options[key].html)
        ]
        extra = [key for key in t.options if key not in keys]
        if missing:
            problems.append(f"[{lang}] no text for option(s) {', '.join(missing)}")
        if extra:
            problems.append(f"[{lang}] text for unknown option(s) {', '.join(extra)}")
    return problems


def item_content_of(version: ItemVersion) -> ItemContent:
    """Read a stored version back as ItemContent (uses prefetched options/translations)."""
    return ItemContent(
        item_type=version.item_type,
        translations={
            t.language: Translation(
                stem_html=t.stem_html,
                general_feedback_html=t.general_feedback_html,
                options={
                    key: OptionText(value.get("html", ""), value.get("feedback_html", ""))
                    for key, value in t.options.items()
                },
            )
            for t in version.translations.all()
        },
        options=[(o.key, o.fraction) for o in version.options.all()],
        numeric_answer=version.numeric_answer,
        numeric_tolerance=version.numeric_tolerance,
        difficulty_estimate=version.difficulty_estimate,
        name=version.name,
        default_mark=version.default_mark,
        penalty=version.penalty,
        shuffle_options=version.shuffle_options,
        type_data=version.type_data or {},
    ).normalised()
