"""Wagtail admin pages for the framework: browse QPs -> NOS -> PCs/KUs/GS, and import documents.

Registered from ``wagtail_hooks.py``. Views stay thin: reads come from ``selectors``, the import
from ``services``; the permission is checked on every view.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import include, path, reverse
from wagtail import hooks

from accounts.permissions import PermissionMenuItem, permission_require

from . import selectors
from .forms import DocumentUploadForm
from .models import NationalOccupationalStandard, QualificationPack
from .services import DocumentError, documents_import

VIEW_PERMISSION = "question_bank.view_qualificationpack"
IMPORT_PERMISSION = "question_bank.import_qualificationpack"


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
        },
    )


def nos_detail(request: HttpRequest, pk: int) -> HttpResponse:
    permission_require(request, VIEW_PERMISSION)
    try:
        nos = selectors.nos_detail(pk=pk)
    except NationalOccupationalStandard.DoesNotExist as exc:
        raise Http404("No such NOS") from exc
    return render(request, "question_bank/framework/nos.html", {"nos": nos})


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
                error = f"Nothing was imported. {exc}"
            else:
                messages.success(request, f"Imported {len(reports)} document(s).")
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
    path("nos/<int:pk>/", nos_detail, name="nos"),
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
