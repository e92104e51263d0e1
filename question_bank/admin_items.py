"""Wagtail admin pages of the item bank: listing with filters, search and bulk actions; item page
with its versions, audit trail and statistics; create/edit; the review workflow; coverage of a
QP's blueprint; import and export.

Registered from ``wagtail_hooks.py``. Views are thin: reads from ``items.selectors``, writes via
``items.services`` and ``interchange``. Every view checks its permission: view_item to look,
add_item/change_item to write, review_item to comment, approve_item to approve/return/retire,
import_item to import/export. Learners and trainers have none of these (accounts.roles).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import include, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST
from wagtail import hooks

from accounts.permissions import PermissionMenuItem, permission_require

from . import api as bank_api
from .interchange import FORMATS, csv_format, items_export
from .interchange.jobs import import_job_start
from .items import selectors, services
from .items.content import item_content_of
from .items.diff import item_version_diff
from .items.forms import BulkActionForm, ItemExportForm, ItemFilterForm, ItemForm, ItemImportForm
from .items.suggestions import item_suggestions_accept
from .items.usage import item_usage_list
from .models import (
    GenericSkill,
    Item,
    ItemStatistics,
    ItemVersion,
    KnowledgeItem,
    PerformanceCriterion,
    QualificationPack,
)

VIEW = "question_bank.view_item"
ADD = "question_bank.add_item"
CHANGE = "question_bank.change_item"
REVIEW = "question_bank.review_item"
APPROVE = "question_bank.approve_item"
IMPORT = "question_bank.import_item"


def _packs():
    return QualificationPack.objects.filter(is_current=True).order_by("code")


def item_index(request: HttpRequest) -> HttpResponse:
    permission_require(request, VIEW)
    form = ItemFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    versions = selectors.item_version_list(
        qualification_pack=filters.get("qp") or "",
        nos=filters["nos"].pk if filters.get("nos") else None,
        performance_criterion=filters.get("pc"),
        knowledge_item=filters.get("ku"),
        generic_skill=filters.get("gs"),
        item_type=filters.get("type") or "",
        language=filters.get("language") or "",
        status=filters.get("status") or "",
        author=filters.get("author"),
        search=filters.get("q") or "",
        to_be_tagged=bool(filters.get("to_be_tagged")),
        source_category=filters.get("source_category") or "",
    )
    page = Paginator(versions, 50).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    pc_options = ku_options = gs_options = []
    if filters.get("nos"):
        pc_options = PerformanceCriterion.objects.filter(nos=filters["nos"])
        ku_options = KnowledgeItem.objects.filter(nos=filters["nos"])
        gs_options = GenericSkill.objects.filter(nos=filters["nos"])
    return render(
        request,
        "question_bank/items/index.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "packs": _packs(),
            "filters": filters,
            "pc_options": pc_options,
            "ku_options": ku_options,
            "gs_options": gs_options,
            "bulk_form": BulkActionForm(),
            "authors": get_user_model()
            .objects.filter(authored_item_versions__is_latest=True)
            .distinct()
            .order_by("username")[:200],
            "can_add": request.user.has_perm(ADD),
            "can_approve": request.user.has_perm(APPROVE),
            "can_change": request.user.has_perm(CHANGE),
            "can_import": request.user.has_perm(IMPORT),
        },
    )


def _back_to_list(request: HttpRequest) -> HttpResponse:
    """Back to the filtered list the form came from; never to another site (open redirect)."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if target and safe else reverse("items:index"))


@require_POST
def item_bulk(request: HttpRequest) -> HttpResponse:
    permission_require(request, VIEW)
    form = BulkActionForm(request.POST)
    ids = [int(i) for i in request.POST.getlist("version") if i.isdigit()]
    if not form.is_valid() or not ids:
        messages.error(request, _("Choose an action and at least one item."))
        return _back_to_list(request)
    action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
    permission_require(request, CHANGE if action in ("submit", "accept_suggestion") else APPROVE)
    done, failed = 0, []
    for version in ItemVersion.objects.filter(pk__in=ids).select_related("item"):
        try:
            with transaction.atomic():
                if action == "submit":
                    services.item_version_submit(
                        version=version, user=request.user, comment=comment
                    )
                elif action == "approve":
                    services.item_version_approve(
                        version=version, user=request.user, comment=comment
                    )
                elif action == "accept_suggestion":
                    if not item_suggestions_accept(items=[version.item], user=request.user):
                        raise ValidationError(_("no suggested PC, or already tagged"))
                else:
                    services.item_version_retire(
                        version=version, user=request.user, comment=comment
                    )
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            reason = "; ".join(getattr(exc, "messages", [str(exc)]))
            failed.append(f"{version}: {reason}")
    if done:
        messages.success(
            request,
            _("%(action)s: %(count)s item(s).")
            % {"action": dict(form.fields["action"].choices).get(action, action), "count": done},
        )
    for failure in failed:
        messages.error(request, failure)
    return _back_to_list(request)


def _version_or_404(pk: int) -> ItemVersion:
    try:
        return selectors.item_version_detail(pk=pk)
    except ItemVersion.DoesNotExist as exc:
        raise Http404("No such item version") from exc


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    permission_require(request, VIEW)
    item = get_object_or_404(Item.objects.select_related("nos", "performance_criterion"), pk=pk)
    versions = list(
        item.versions.select_related("author", "approved_by").prefetch_related(
            "options", "translations"
        )
    )
    shown = versions[0]
    if request.GET.get("v", "").isdigit():
        shown = next((v for v in versions if v.number == int(request.GET["v"])), shown)
    content = item_content_of(shown)
    statistics = ItemStatistics.objects.filter(version=shown).first()
    return render(
        request,
        "question_bank/items/detail.html",
        {
            "item": item,
            "page_title": f"Item #{item.pk} ({item})",
            "version": shown,
            "versions": versions,
            "content": content,
            "options": [
                (
                    key,
                    fraction,
                    {lang: t.options.get(key) for lang, t in content.translations.items()},
                )
                for key, fraction in content.options
            ],
            "statistics": statistics,
            "distractor_rows": _distractor_rows(shown, statistics),
            "events": item.events.select_related("actor", "version")[:100],
            "used_in": item_usage_list(item=item),
            "enemies": item.enemies.select_related("nos", "performance_criterion"),
            "can_change": request.user.has_perm(CHANGE),
            "can_review": request.user.has_perm(REVIEW),
            "can_approve": request.user.has_perm(APPROVE),
            "is_author": shown.author_id == request.user.pk,
        },
    )


def _distractor_rows(version: ItemVersion, statistics) -> list[dict]:
    if statistics is None:
        return []
    correct = {o.key for o in version.options.all() if o.fraction > 0}
    return [
        {"key": key, "correct": key in correct, **shares}
        for key, shares in (statistics.distractors or {}).items()
    ]


def _nos_list_for(request: HttpRequest, item: Item | None = None):
    if item is not None:
        if item.performance_criterion_id is None and item.qualification_pack_id:
            # To be tagged: any NOS of the QP it was imported for.
            return selectors.qualification_pack_nos(code=item.qualification_pack.code)
        return [item.nos]
    code = request.GET.get("qp") or request.POST.get("qp") or ""
    return selectors.qualification_pack_nos(code=code)


def item_create(request: HttpRequest) -> HttpResponse:
    permission_require(request, ADD)
    nos_list = _nos_list_for(request)
    if not nos_list:
        return render(request, "question_bank/items/choose_qp.html", {"packs": _packs()})
    form = ItemForm(request.POST or None, nos_list=nos_list)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(
                performance_criterion=form.cleaned_data["performance_criterion"],
                content=form.content(),
                author=request.user,
                knowledge_items=form.cleaned_data["knowledge_items"],
                generic_skills=form.cleaned_data["generic_skills"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Item created as a draft."))
            return redirect("items:detail", item.pk)
    return render(
        request,
        "question_bank/items/form.html",
        {
            "form": form,
            "title": "New item",
            "qp": request.GET.get("qp") or request.POST.get("qp", ""),
        },
        status=400 if form.errors else 200,
    )


def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    permission_require(request, CHANGE)
    item = get_object_or_404(Item, pk=pk)
    latest = item.versions.prefetch_related("options", "translations").order_by("-number")[0]
    initial = ItemForm.initial_from(item=item, content=item_content_of(latest))
    form = ItemForm(request.POST or None, initial=initial, nos_list=_nos_list_for(request, item))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                cleaned = form.cleaned_data
                if (
                    cleaned["performance_criterion"].pk != item.performance_criterion_id
                    or set(cleaned["knowledge_items"]) != set(item.knowledge_items.all())
                    or set(cleaned["generic_skills"]) != set(item.generic_skills.all())
                ):
                    services.item_tags_set(
                        item=item, user=request.user,
                        performance_criterion=cleaned["performance_criterion"],
                        knowledge_items=cleaned["knowledge_items"],
                        generic_skills=cleaned["generic_skills"],
                    )  # fmt: skip
                version = services.item_edit(
                    item=item, user=request.user, comment=cleaned["comment"],
                    content=services.item_content_carry_over(
                        content=form.content(), previous=item_content_of(latest)
                    ),
                )  # fmt: skip
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Saved as version {version.number} ({version.status}).")
            return redirect("items:detail", item.pk)
    return render(
        request,
        "question_bank/items/form.html",
        {"form": form, "title": f"Edit {item}", "item": item, "locked": latest.is_locked},
        status=400 if form.errors else 200,
    )


def _may_see_key(request: HttpRequest) -> bool:
    """The answer key is for the curators who write and approve items; an assessor (who may
    look at the bank) previews an item as a candidate would, without it."""
    return request.user.has_perm(CHANGE) or request.user.has_perm(APPROVE)


def _item_version(item: Item, number: str | None) -> ItemVersion:
    versions = item.versions.prefetch_related("options", "translations")
    if number and number.isdigit():
        found = versions.filter(number=int(number)).first()
        if found is not None:
            return found
    return versions.order_by("-number")[0]


PREVIEW_LANGUAGES = (("en", "English"), ("hi", "Hindi"))


def item_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The item as a candidate sees it, in English and Hindi (each in a frame that renders the
    candidate's own question page), with the key in a separate panel for curators."""
    permission_require(request, VIEW)
    item = get_object_or_404(Item.objects.select_related("nos", "performance_criterion"), pk=pk)
    version = _item_version(item, request.GET.get("v"))
    content = item_content_of(version)
    languages = [
        {
            "code": code,
            "name": name,
            "has_text": code in content.translations,
            "url": reverse("items:preview_frame", args=[version.pk, code]),
        }
        for code, name in PREVIEW_LANGUAGES
    ]
    key = None
    if _may_see_key(request):
        key = {
            "correct": content.correct_keys,
            "options": [
                (k, fraction, {lang: t.options.get(k) for lang, t in content.translations.items()})
                for k, fraction in content.options
            ],
            "numeric_answer": content.numeric_answer,
            "numeric_tolerance": content.numeric_tolerance,
            "general_feedback": {
                lang: t.general_feedback_html for lang, t in content.translations.items()
            },
        }
    return render(
        request,
        "question_bank/items/preview.html",
        {
            "item": item,
            "version": version,
            "languages": languages,
            "key": key,
            "page_title": f"Preview of item #{item.pk}",
        },
    )


@xframe_options_sameorigin
def item_preview_frame(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """The candidate's question page (adaptive's template, as delivery renders it) for one
    version: the item as ``api.item_for_learner`` gives it, so no key can be in it. Answering
    here records nothing: a POST shows the same page again."""
    permission_require(request, VIEW)
    if language not in dict(PREVIEW_LANGUAGES):
        raise Http404("No such language")
    version = get_object_or_404(
        ItemVersion.objects.prefetch_related("options", "translations"), pk=pk
    )
    try:
        question = bank_api.item_for_learner(item_version=version, language=language)
    except ValidationError as exc:
        raise Http404("This item has no text") from exc
    return render(
        request,
        "adaptive/attempt_question.html",
        {
            "attempt": {"is_preview": True},
            "assessment": {"title": f"Item #{version.item_id} v{version.number}"},
            "question": question,
            "widget_template": bank_api.widget_template(question["type"]),
            "number": 1,
            "total": 1,
            "is_adaptive": False,
            "seconds_left": None,
        },
    )


def item_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed between two versions (``?a=1&b=2``; default: the last two)."""
    permission_require(request, VIEW)
    item = get_object_or_404(Item, pk=pk)
    versions = list(item.versions.prefetch_related("options", "translations"))
    by_number = {v.number: v for v in versions}
    if len(versions) < 2:
        messages.info(request, _("This item has only one version."))
        return redirect("items:detail", item.pk)
    try:
        old = by_number[int(request.GET.get("a") or versions[1].number)]
        new = by_number[int(request.GET.get("b") or versions[0].number)]
    except (KeyError, ValueError):
        messages.error(request, _("Choose two versions of this item."))
        return redirect("items:detail", item.pk)
    return render(
        request,
        "question_bank/items/diff.html",
        {"item": item, "versions": versions, **item_version_diff(old=old, new=new)},
    )


WORKFLOW = {
    "submit": (CHANGE, services.item_version_submit),
    "approve": (APPROVE, services.item_version_approve),
    "return": (APPROVE, services.item_version_return),
    "retire": (APPROVE, services.item_version_retire),
}


@require_POST
def item_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    version = get_object_or_404(ItemVersion.objects.select_related("item"), pk=pk)
    comment = request.POST.get("comment", "")
    try:
        if action == "comment":
            permission_require(request, REVIEW)
            services.item_comment_add(
                item=version.item, version=version, user=request.user, comment=comment
            )
        elif action in WORKFLOW:
            permission, service = WORKFLOW[action]
            permission_require(request, permission)
            service(version=version, user=request.user, comment=comment)
        else:
            raise Http404("No such action")
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    except PermissionDenied as exc:
        if str(exc):
            messages.error(request, str(exc))
        else:
            raise
    else:
        messages.success(request, f"{action.title()}: done.")
    return redirect("items:detail", version.item_id)


def _item_by_reference(reference: str) -> Item | None:
    """An item by its number ("#12" or "12") or its uid."""
    reference = reference.strip().lstrip("#")
    if reference.isdigit():
        return Item.objects.filter(pk=int(reference)).first()
    try:
        return Item.objects.filter(uid=reference).first()
    except ValidationError:
        return None


@require_POST
def item_enemies(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or remove an enemy: two items that must never appear in the same paper."""
    permission_require(request, CHANGE)
    item = get_object_or_404(Item, pk=pk)
    enemies = set(item.enemies.all())
    if request.POST.get("remove"):
        enemies = {e for e in enemies if str(e.pk) != request.POST["remove"]}
    else:
        other = _item_by_reference(request.POST.get("add", ""))
        if other is None or other.pk == item.pk:
            messages.error(request, _("No other item with that number or id."))
            return redirect("items:detail", item.pk)
        enemies.add(other)
    services.item_enemies_set(item=item, enemies=enemies, user=request.user)
    messages.success(request, _("Enemies updated."))
    return redirect("items:detail", item.pk)


def coverage(request: HttpRequest) -> HttpResponse:
    permission_require(request, VIEW)
    code = request.GET.get("qp", "")
    pack = selectors.qualification_pack_current(code=code) if code else None
    nos_coverage = selectors.qualification_pack_coverage(code=code) if pack else []
    return render(
        request,
        "question_bank/items/coverage.html",
        {
            "packs": _packs(),
            "pack": pack,
            "code": code,
            "nos_coverage": nos_coverage,
            "approved": sum(n.approved for n in nos_coverage),
            "needed": sum(n.needed for n in nos_coverage),
            "short_rows": [r for n in nos_coverage for r in n.rows if r.approved == 0],
            "to_be_tagged": selectors.items_to_be_tagged_count(qualification_pack_code=code)
            if pack
            else 0,
            "items_per_mark": selectors.ITEMS_PER_THEORY_MARK,
            "minimum": selectors.MIN_ITEMS_PER_PC,
        },
    )


def item_import(request: HttpRequest) -> HttpResponse:
    """The upload form: the import runs as a task (``interchange.jobs``) and the job's page shows
    its progress, then the same report as ``manage.py import_items``."""
    permission_require(request, IMPORT, ADD)
    form = ItemImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job_id = import_job_start(
            data=upload.read(),
            qualification_pack_code=form.cleaned_data["qp"].strip(),
            format=form.cleaned_data["format"],
            filename=upload.name,
            user=request.user,
            # Only a curator who may approve can carry approved statuses over from a file.
            keep_status=request.user.has_perm(APPROVE),
            dry_run=form.cleaned_data.get("dry_run", False),
        )
        return redirect("item_imports:job", job_id=job_id)
    return render(
        request,
        "question_bank/items/import.html",
        {"form": form, "export_form": ItemExportForm(), "csv_header_doc": csv_format.__doc__},
        status=400 if request.method == "POST" else 200,
    )


CONTENT_TYPES = {
    "moodle": "application/xml",
    "gift": "text/plain; charset=utf-8",
    "qti": "application/zip",
    "csv": "text/csv; charset=utf-8",
}


def item_export(request: HttpRequest) -> HttpResponse:
    permission_require(request, IMPORT)
    form = ItemExportForm(request.GET)
    if not form.is_valid():
        raise Http404("Choose a QP and a format")
    code, name = form.cleaned_data["qp"].strip(), form.cleaned_data["format"]
    try:
        data = items_export(
            qualification_pack_code=code, format=name, status=form.cleaned_data["status"]
        )
    except ValidationError as exc:
        raise Http404("; ".join(exc.messages)) from exc
    response = HttpResponse(data, content_type=CONTENT_TYPES[name])
    filename = f"{code.replace('/', '-')}-items.{FORMATS[name].EXTENSION}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def item_import_template(request: HttpRequest) -> HttpResponse:
    """The spreadsheet template (CSV columns, example rows) for curators whose bank is in Excel."""
    permission_require(request, IMPORT)
    response = HttpResponse(
        csv_format.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="kaushal-items-template.xlsx"'
    return response


urlpatterns = [
    path("", item_index, name="index"),
    path("import/template.xlsx", item_import_template, name="import_template"),
    path("bulk/", item_bulk, name="bulk"),
    path("new/", item_create, name="create"),
    path("coverage/", coverage, name="coverage"),
    path("import/", item_import, name="import"),
    path("export/", item_export, name="export"),
    path("<int:pk>/", item_detail, name="detail"),
    path("<int:pk>/edit/", item_edit, name="edit"),
    path("<int:pk>/enemies/", item_enemies, name="enemies"),
    path("<int:pk>/preview/", item_preview, name="preview"),
    path("<int:pk>/diff/", item_diff, name="diff"),
    path("version/<int:pk>/preview/<slug:language>/", item_preview_frame, name="preview_frame"),
    path("version/<int:pk>/<slug:action>/", item_action, name="action"),
]


@hooks.register("register_admin_urls")
def register_item_urls():
    return [path("items/", include((urlpatterns, "items"), namespace="items"))]


@hooks.register("register_admin_menu_item")
def register_items_menu_item():
    return PermissionMenuItem(
        "Item bank", reverse("items:index"), icon_name="help", order=260, permission=VIEW
    )
