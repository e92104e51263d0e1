"""The thin seam between LTI and the product's pages (content, adaptive), which are in flux.

Everything lti knows about courses, modules and assessments goes through here: the catalogue a
trainer picks from when deep linking, and the URL a launch target opens. URLs are resolved by name
at run time (``settings.LTI_TARGET_URL_NAMES`` may override the guesses below), so a page that does
not exist yet falls back to our own page that shows what was launched.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from adaptive.models import Assessment

# target_type -> URL names tried in order; each is reversed with the key as kwarg or positional arg.
DEFAULT_TARGET_URL_NAMES: dict[str, list[str]] = {
    "course": ["content:course", "content:course_detail", "learn:course"],
    "module": ["content:module", "content:module_detail", "learn:module"],
    "assessment": ["adaptive:assessment_start", "adaptive:assessment", "learn:assessment"],
}
KWARG_NAMES = ("key", "code", "slug")


@dataclass(frozen=True)
class CatalogueEntry:
    target_type: str
    target_key: str
    title: str
    gradable: bool


def target_url(target_type: str, target_key: str) -> str | None:
    """The product page for a launch target, or None when no such page is wired yet."""
    names = getattr(settings, "LTI_TARGET_URL_NAMES", {}).get(target_type) or (
        DEFAULT_TARGET_URL_NAMES.get(target_type, [])
    )
    if target_type == "assessment" and not _assessment_exists(target_key):
        return None  # a link made before its assessment (or to a deleted one): our own page
    for name in names:
        url = _reverse(name, target_key)
        if url:
            return url
    return _wagtail_page_url(target_type, target_key)


def _assessment_exists(slug: str) -> bool:
    return Assessment.objects.filter(slug=slug).exists()


def _reverse(name: str, target_key: str) -> str | None:
    for kwarg in KWARG_NAMES:
        try:
            return reverse(name, kwargs={kwarg: target_key})
        except NoReverseMatch:
            continue
    try:
        return reverse(name, args=[target_key])
    except NoReverseMatch:
        return None


def _wagtail_page_url(target_type: str, target_key: str) -> str | None:
    """Course and module pages are Wagtail pages found by their QP / NOS code."""
    lookups = {
        "course": ("content.CoursePage", "qualification_pack__code"),
        "module": ("content.ModulePage", "nos__code"),
    }
    if target_type not in lookups:
        return None
    label, field = lookups[target_type]
    model = _model(label)
    if model is None:
        return None
    try:
        page = model.objects.live().filter(**{field: target_key}).first()
    except Exception:  # noqa: BLE001 - content is in flux; a broken lookup must not break launch
        return None
    return page.get_url() if page is not None else None


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def catalogue(target_type: str) -> list[CatalogueEntry]:
    """What a trainer may link to: current QPs (courses), current NOS (modules), assessments."""
    if target_type == "course":
        qp = _model("question_bank.QualificationPack")
        return [
            CatalogueEntry("course", code, title, False)
            for code, title in qp.objects.filter(is_current=True).values_list("code", "title")
        ]
    if target_type == "module":
        nos = _model("question_bank.NationalOccupationalStandard")
        return [
            CatalogueEntry("module", code, title, False)
            for code, title in nos.objects.filter(is_current=True).values_list("code", "title")
        ]
    if target_type == "assessment":
        entries = {
            slug: CatalogueEntry("assessment", slug, title, True)
            for slug, title in Assessment.objects.filter(is_active=True).values_list(
                "slug", "title"
            )
        }
        launch_target = _model("lti.LaunchTarget")
        for key, title in launch_target.objects.filter(target_type="assessment").values_list(
            "target_key", "title"
        ):
            entries.setdefault(key, CatalogueEntry("assessment", key, title or key, True))
        return sorted(entries.values(), key=lambda e: e.target_key)
    return []


def catalogue_entry(target_type: str, target_key: str) -> CatalogueEntry | None:
    """One catalogue entry, looked up by its key (not by listing the whole catalogue)."""
    lookups = {
        "course": "question_bank.QualificationPack",
        "module": "question_bank.NationalOccupationalStandard",
    }
    if target_type in lookups:
        title = (
            _model(lookups[target_type])
            .objects.filter(is_current=True, code=target_key)
            .values_list("title", flat=True)
            .first()
        )
        return CatalogueEntry(target_type, target_key, title, False) if title is not None else None
    for entry in catalogue(target_type):
        if entry.target_key == target_key:
            return entry
    return None


def course_code_of(target_type: str, target_key: str) -> str:
    """The QP code a target belongs to, to link a batch to its course ('' when unknown)."""
    if target_type == "course":
        return target_key
    if target_type == "module":
        link = _model("question_bank.QualificationPackNos")
        row = (
            link.objects.filter(nos__code=target_key, qualification_pack__is_current=True)
            .values_list("qualification_pack__code", flat=True)
            .first()
        )
        return row or ""
    if target_type == "assessment":
        code = (
            Assessment.objects.filter(slug=target_key)
            .values_list("qualification_pack_code", flat=True)
            .first()
        )
        return code or ""
    return ""
