"""Wagtail admin pages for the framework: browse QPs -> NOS -> PCs/KUs/GS, and import documents.

Registered from ``wagtail_hooks.py``. Views stay thin: reads come from ``selectors``, the import
from ``services``; the permission is checked on every view.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from accounts.permissions import PermissionMenuItem, permission_require

from . import selectors
from .forms import DocumentUploadForm, HindiSheetForm, HindiTextsForm
from .interchange import hindi_sheet
from .models import NationalOccupationalStandard, QualificationPack
from .services import DocumentError, documents_import
from .translations import framework_hindi_save, framework_texts

VIEW_PERMISSION = "question_bank.view_qualificationpack"
IMPORT_PERMISSION = "question_bank.import_qualificationpack"
TRANSLATE_PERMISSION = "question_bank.translate_qualificationpack"


def framework_index(request: HttpRequest) -> HttpResponse:
    permission_require(request, VIEW_PERMISSION)
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "question_bank/framework/index.html",
        {
            "query": query,
            "packs": selectors.qualification_pack_list(query=query),
            "units": selectors.standalone_unit_list(query=query),
            "can_import": request.user.has_perm(IMPORT_PERMISSION),
        },
    )


def qualification_pack_detail(request: HttpRequest, pk: int) -> HttpResponse:
    permission_require(request, VIEW_PERMISSION)
    pack = get_object_or_404(QualificationPack.objects.select_related("sector"), pk=pk)
    return render(
        request,
        "question_bank/framework/qualification_pack.html",
        {
            "pack": pack,
            "links": selectors.qualification_pack_links(qualification_pack=pack),
            "revisions": QualificationPack.objects.filter(code=pack.code).order_by("-revision"),
            "imports": pack.imports.all()[:5],
            "can_translate": request.user.has_perm(TRANSLATE_PERMISSION),
        },
    )


def nos_detail(request: HttpRequest, pk: int) -> HttpResponse:
    permission_require(request, VIEW_PERMISSION)
    try:
        nos = selectors.nos_detail(pk=pk)
    except NationalOccupationalStandard.DoesNotExist as exc:
        raise Http404("No such NOS") from exc
    return render(
        request,
        "question_bank/framework/nos.html",
        {"nos": nos, "can_translate": request.user.has_perm(TRANSLATE_PERMISSION)},
    )


def qualification_pack_hindi(request: HttpRequest, pk: int) -> HttpResponse:
    """The QP's and its NOS' Hindi titles beside the English, the Hindi sheet to download and
    the sheet's import (with a dry run). Each NOS's own texts are on ``nos_hindi``."""
    permission_require(request, VIEW_PERMISSION, TRANSLATE_PERMISSION)
    pack = get_object_or_404(QualificationPack, pk=pk)
    texts = [t for t in framework_texts(qualification_pack=pack) if t.kind in ("qp", "nos")]
    form = HindiTextsForm(texts=texts)
    sheet_form = HindiSheetForm()
    report = None
    sheet_error = None
    status = 200
    if request.method == "POST" and "sheet" in request.FILES:
        sheet_form = HindiSheetForm(request.POST, request.FILES)
        if sheet_form.is_valid():
            name, data = sheet_form.cleaned_data["sheet"]
            try:
                report = hindi_sheet.sheet_import(
                    texts=framework_texts(qualification_pack=pack),
                    data=data,
                    name=name,
                    dry_run=sheet_form.cleaned_data["dry_run"],
                )
            except hindi_sheet.HindiSheetError as exc:
                sheet_error = f"Nothing was changed. {name}: {exc}"
                status = 400
            else:
                if report.errors:
                    status = 400
                elif report.applied:
                    messages.success(
                        request,
                        _(
                            "Hindi imported: %(set)s set, %(cleared)s cleared, "
                            "%(unchanged)s unchanged."
                        )
                        % {
                            "set": len(report.updated),
                            "cleared": len(report.cleared),
                            "unchanged": report.unchanged,
                        },
                    )
        else:
            status = 400
    elif request.method == "POST":
        form = HindiTextsForm(request.POST, texts=texts)
        if form.is_valid():
            changed = framework_hindi_save(texts=texts, hindi=form.hindi())
            messages.success(
                request, _("Saved the Hindi titles (%(changed)s changed).") % {"changed": changed}
            )
            return redirect("framework:qualification_pack_hindi", pk=pack.pk)
        status = 400
    return render(
        request,
        "question_bank/framework/hindi_qualification_pack.html",
        {
            "pack": pack,
            "form": form,
            "sheet_form": sheet_form,
            "report": report,
            "sheet_error": sheet_error,
            "nos_links": pack.nos_links.select_related("nos").order_by("position"),
        },
        status=status,
    )


def qualification_pack_hindi_template(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The QP's Hindi sheet (every text with its English and current Hindi) as CSV or XLSX."""
    permission_require(request, VIEW_PERMISSION, TRANSLATE_PERMISSION)
    if fmt not in ("csv", "xlsx"):
        raise Http404("The Hindi sheet is offered as .csv or .xlsx")
    pack = get_object_or_404(QualificationPack, pk=pk)
    texts = framework_texts(qualification_pack=pack)
    filename = f"{pack.code.replace('/', '-')}-hindi.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(
            hindi_sheet.render_xlsx(texts),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            hindi_sheet.render_csv(texts), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def nos_hindi(request: HttpRequest, pk: int) -> HttpResponse:
    """A NOS's texts (title, elements, PCs, KUs, GS), each English beside a Hindi box."""
    permission_require(request, VIEW_PERMISSION, TRANSLATE_PERMISSION)
    nos = get_object_or_404(NationalOccupationalStandard, pk=pk)
    texts = framework_texts(nos=nos)
    if request.method == "POST":
        form = HindiTextsForm(request.POST, texts=texts)
        if form.is_valid():
            changed = framework_hindi_save(texts=texts, hindi=form.hindi())
            messages.success(
                request,
                _("Saved the Hindi of %(code)s (%(changed)s changed).")
                % {"code": nos.code, "changed": changed},
            )
            return redirect("framework:nos_hindi", pk=nos.pk)
    else:
        form = HindiTextsForm(texts=texts)
    return render(
        request,
        "question_bank/framework/hindi_nos.html",
        {"nos": nos, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def document_import_view(request: HttpRequest) -> HttpResponse:
    permission_require(request, IMPORT_PERMISSION)
    reports = None
    error = None
    if request.method == "POST":
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                reports = documents_import(
                    documents=form.cleaned_data["documents"], user=request.user
                )
            except DocumentError as exc:
                error = _("Nothing was imported. %(reason)s") % {"reason": exc}
            else:
                messages.success(
                    request, _("Imported %(count)s document(s).") % {"count": len(reports)}
                )
                form = DocumentUploadForm()
    else:
        form = DocumentUploadForm()
    return render(
        request,
        "question_bank/framework/import.html",
        {"form": form, "reports": reports, "error": error},
        status=400 if error else 200,
    )


urlpatterns = [
    path("", framework_index, name="index"),
    path("qp/<int:pk>/", qualification_pack_detail, name="qualification_pack"),
    path("qp/<int:pk>/hindi/", qualification_pack_hindi, name="qualification_pack_hindi"),
    path(
        "qp/<int:pk>/hindi/template.<str:fmt>",
        qualification_pack_hindi_template,
        name="qualification_pack_hindi_template",
    ),
    path("nos/<int:pk>/", nos_detail, name="nos"),
    path("nos/<int:pk>/hindi/", nos_hindi, name="nos_hindi"),
    path("import/", document_import_view, name="import"),
]


@hooks.register("register_admin_urls")
def register_framework_urls():
    return [path("framework/", include((urlpatterns, "framework"), namespace="framework"))]


@hooks.register("register_admin_menu_item")
def register_framework_menu_item():
    return PermissionMenuItem(
        "Qualifications",
        reverse("framework:index"),
        icon_name="list-ul",
        order=250,
        permission=VIEW_PERMISSION,
    )
