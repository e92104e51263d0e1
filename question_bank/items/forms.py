"""Forms of the curators' item pages. They only collect input; the services validate and write."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy

from ..interchange.moodle_fractions import MOODLE_FRACTIONS, moodle_fraction, moodle_percent
from ..models import (
    GenericSkill,
    ItemStatus,
    ItemType,
    KnowledgeItem,
    NationalOccupationalStandard,
    PerformanceCriterion,
)
from ..models.items import ITEM_LANGUAGES
from .content import ItemContent, OptionText, Translation
from .widgets import RichHtmlTextarea

OPTION_KEYS = "ABCDEF"
# An item file is kept and parsed in memory (a QTI package may unpack to 200 MB more,
# interchange.qti): larger uploads are refused before any job starts.
MAX_ITEM_FILE_BYTES = 50 * 1024 * 1024


def _fraction_value(fraction: Decimal) -> str:
    return format(fraction.normalize() + Decimal(0), "f")


class MoodleFractionField(forms.Field):
    """An option's score, chosen from Moodle's grade set (100 %, 90 %, ..., 33.33333 %, none,
    and the negatives), so that every item written here exports to Moodle unchanged. A posted
    value outside the set (a forged POST, an old form) is refused with the reason."""

    def __init__(self, **kwargs) -> None:
        choices = [("", "-")] + [
            (_fraction_value(f), f"{moodle_percent(f)} %") for f in reversed(MOODLE_FRACTIONS)
        ]
        kwargs.setdefault("widget", forms.Select(choices=choices))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if value in (None, ""):
            return ""
        try:
            matched = moodle_fraction(Decimal(str(value)))
        except ArithmeticError:
            return value
        return _fraction_value(matched) if matched is not None else value

    def to_python(self, value) -> Decimal | None:
        if value in (None, ""):
            return None
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError as exc:
            raise forms.ValidationError(f"{value!r} is not a number.") from exc
        matched = moodle_fraction(number) if number.is_finite() else None
        if matched is None:
            raise forms.ValidationError(
                f"{value} is not one of Moodle's grades (100 %, 90 %, 83.33333 %, ... 5 %, "
                "none, or their negatives)."
            )
        return matched


class ItemFilterForm(forms.Form):
    qp = forms.CharField(required=False, label="QP code")
    nos = forms.ModelChoiceField(
        NationalOccupationalStandard.objects.filter(is_current=True), required=False, label="NOS"
    )
    pc = forms.IntegerField(required=False, widget=forms.HiddenInput)
    ku = forms.IntegerField(required=False, widget=forms.HiddenInput)
    gs = forms.IntegerField(required=False, widget=forms.HiddenInput)
    type = forms.ChoiceField(choices=[("", "any type"), *ItemType.choices], required=False)
    language = forms.ChoiceField(choices=[("", "any language"), *ITEM_LANGUAGES], required=False)
    status = forms.ChoiceField(choices=[("", "any status"), *ItemStatus.choices], required=False)
    author = forms.IntegerField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(required=False, label="Search")
    to_be_tagged = forms.BooleanField(
        required=False, label="To be tagged (imported without NOS/PC)"
    )
    source_category = forms.CharField(required=False, label="Source category")


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("submit", gettext_lazy("Submit for review")),
            ("approve", gettext_lazy("Approve")),
            ("retire", gettext_lazy("Retire")),
            ("accept_suggestion", gettext_lazy("Tag to the suggested PC")),
        ]  # fmt: skip
    )
    versions = forms.CharField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(required=False)


class ItemForm(forms.Form):
    """One item: tags, type, the answer key and the text in English and (optionally) Hindi."""

    performance_criterion = forms.ModelChoiceField(PerformanceCriterion.objects.none())
    knowledge_items = forms.ModelMultipleChoiceField(
        KnowledgeItem.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Knowledge (KU)",
    )  # fmt: skip
    generic_skills = forms.ModelMultipleChoiceField(
        GenericSkill.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Generic skills (GS)",
    )  # fmt: skip
    item_type = forms.ChoiceField(choices=ItemType.choices)
    difficulty_estimate = forms.TypedChoiceField(
        choices=[("", "-"), *[(str(i), str(i)) for i in range(1, 6)]],
        coerce=int, empty_value=None, required=False, label="Difficulty estimate (1-5)",
    )  # fmt: skip
    numeric_answer = forms.DecimalField(required=False, max_digits=18, decimal_places=6)
    numeric_tolerance = forms.DecimalField(required=False, max_digits=18, decimal_places=6)
    comment = forms.CharField(required=False, label="Comment for the audit trail")

    def __init__(self, *args, nos_list=(), **kwargs):
        super().__init__(*args, **kwargs)
        nos_ids = [n.pk for n in nos_list]
        self.fields["performance_criterion"].queryset = PerformanceCriterion.objects.filter(
            nos_id__in=nos_ids
        ).select_related("nos")
        self.fields["performance_criterion"].label_from_instance = lambda pc: (
            f"{pc.nos.code} {pc.code} — {pc.text[:110]}"
        )
        self.fields["knowledge_items"].queryset = KnowledgeItem.objects.filter(
            nos_id__in=nos_ids
        ).select_related("nos")
        self.fields["generic_skills"].queryset = GenericSkill.objects.filter(
            nos_id__in=nos_ids
        ).select_related("nos")
        for field in ("knowledge_items", "generic_skills"):
            self.fields[field].label_from_instance = lambda t: f"{t.nos.code} {t.code} — {t.text}"
        for key in OPTION_KEYS:
            self.fields[f"fraction_{key}"] = MoodleFractionField(
                required=False, label=f"Score {key}",
                help_text="100 % = correct, none = wrong; parts for multiple response",
            )  # fmt: skip
        for lang, name in ITEM_LANGUAGES:
            required = lang == "en"
            self.fields[f"{lang}_stem_html"] = forms.CharField(
                widget=RichHtmlTextarea({"rows": 4}), required=required, label=f"Stem ({name})"
            )
            self.fields[f"{lang}_general_feedback_html"] = forms.CharField(
                widget=RichHtmlTextarea({"rows": 2}), required=False,
                label=f"General feedback ({name})",
            )  # fmt: skip
            for key in OPTION_KEYS:
                self.fields[f"{lang}_option_{key}"] = forms.CharField(
                    required=False, label=f"Option {key} ({name})",
                    widget=RichHtmlTextarea(compact=True),
                )  # fmt: skip
                self.fields[f"{lang}_feedback_{key}"] = forms.CharField(
                    required=False, label=f"Feedback {key} ({name})",
                    widget=RichHtmlTextarea(compact=True),
                )  # fmt: skip

    def option_rows(self) -> list[dict]:
        """The options as rows for the compact layout: key, score, text and feedback per
        language. ``used``: the row has content (or an error), so it is shown without JS."""
        rows = []
        for key in OPTION_KEYS:
            fields = [f"fraction_{key}"] + [
                f"{lang}_{part}_{key}" for lang, _ in ITEM_LANGUAGES
                for part in ("option", "feedback")
            ]  # fmt: skip
            used = any(self[name].value() not in (None, "") for name in fields) or any(
                self[name].errors for name in fields
            )
            rows.append(
                {
                    "key": key,
                    "used": used,
                    "fraction": self[f"fraction_{key}"],
                    "languages": [
                        {
                            "code": lang,
                            "name": name,
                            "option": self[f"{lang}_option_{key}"],
                            "feedback": self[f"{lang}_feedback_{key}"],
                        }
                        for lang, name in ITEM_LANGUAGES
                    ],
                }  # fmt: skip
            )
        return rows

    def language_has_text(self, lang: str) -> bool:
        return any(
            self[name].value() not in (None, "")
            for name in self.fields
            if name.startswith(f"{lang}_")
        )

    def content(self) -> ItemContent:
        data = self.cleaned_data
        item_type = data["item_type"]
        if item_type == ItemType.TRUE_FALSE:
            keys = ["true", "false"]
            source = dict(zip(keys, OPTION_KEYS, strict=False))  # form rows A, B hold true/false
        elif item_type == ItemType.NUMERIC:
            keys, source = [], {}
        else:
            keys = [
                k for k in OPTION_KEYS
                if data.get(f"en_option_{k}") or data.get(f"fraction_{k}") is not None
            ]  # fmt: skip
            source = {k: k for k in keys}
        translations = {}
        for lang, _ in ITEM_LANGUAGES:
            if not data.get(f"{lang}_stem_html"):
                continue
            translations[lang] = Translation(
                stem_html=data[f"{lang}_stem_html"],
                general_feedback_html=data.get(f"{lang}_general_feedback_html", ""),
                options={
                    key: OptionText(
                        data.get(f"{lang}_option_{source[key]}", ""),
                        data.get(f"{lang}_feedback_{source[key]}", ""),
                    )
                    for key in keys
                },
            )
        return ItemContent(
            item_type=item_type,
            translations=translations,
            options=[(key, data.get(f"fraction_{source[key]}") or Decimal(0)) for key in keys],
            numeric_answer=data.get("numeric_answer"),
            numeric_tolerance=data.get("numeric_tolerance"),
            difficulty_estimate=data.get("difficulty_estimate"),
        )

    @staticmethod
    def initial_from(*, item, content: ItemContent) -> dict:
        initial = {
            "performance_criterion": item.performance_criterion_id,
            "knowledge_items": list(item.knowledge_items.values_list("pk", flat=True)),
            "generic_skills": list(item.generic_skills.values_list("pk", flat=True)),
            "item_type": content.item_type,
            "difficulty_estimate": content.difficulty_estimate,
            "numeric_answer": content.numeric_answer,
            "numeric_tolerance": content.numeric_tolerance,
        }
        rows = dict(zip([k for k, _ in content.options], OPTION_KEYS, strict=False))
        for key, fraction in content.options:
            initial[f"fraction_{rows[key]}"] = fraction
        for lang, t in content.translations.items():
            initial[f"{lang}_stem_html"] = t.stem_html
            initial[f"{lang}_general_feedback_html"] = t.general_feedback_html
            for key, option in t.options.items():
                initial[f"{lang}_option_{rows[key]}"] = option.html
                initial[f"{lang}_feedback_{rows[key]}"] = option.feedback_html
        return initial


class ItemImportForm(forms.Form):
    qp = forms.CharField(label="QP code", help_text="e.g. ASC/Q0202")
    file = forms.FileField(
        help_text="Moodle XML, GIFT (.gift/.txt), QTI 2.1/3.0 package (.zip) or item (.xml), "
        "CSV or Excel (.xlsx)"
    )
    format = forms.ChoiceField(
        choices=[("", "guess from the file"), ("moodle", "Moodle XML"), ("gift", "GIFT"),
                 ("qti", "QTI 2.1/3.0"), ("csv", "CSV")],
        required=False,
    )  # fmt: skip
    dry_run = forms.BooleanField(required=False, label="Dry run (report only, write nothing)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ITEM_FILE_BYTES:
            limit = MAX_ITEM_FILE_BYTES // (1024 * 1024) or 1
            raise forms.ValidationError(f"{upload.name}: larger than {limit} MB.")
        return upload


class ItemExportForm(forms.Form):
    qp = forms.CharField(label="QP code")
    format = forms.ChoiceField(
        choices=[("moodle", "Moodle XML"), ("gift", "GIFT"), ("qti", "QTI 3.0 package"),
                 ("csv", "CSV")]
    )  # fmt: skip
    status = forms.ChoiceField(choices=[("", "all"), *ItemStatus.choices], required=False)
