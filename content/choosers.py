"""The chooser content editors use to pin bank items in a lesson's knowledge check.

It lists only what a knowledge check may show: items with an approved, deliverable version
meant for practice, searchable by their text, NOS and PC. An editor sees an item's number, NOS,
PC (with its statement) and first line, never its key. Opening it needs the content authoring
right (``content.view_coverage_report``), which curators, editors and administrators have.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets import BaseChooser

from question_bank.api import deliverable_types
from question_bank.models import Item, ItemPurpose, ItemStatus

PERMISSION = "content.view_coverage_report"


def pinnable_items() -> QuerySet[Item]:
    """Items a knowledge check may show: approved, deliverable, for practice."""
    return (
        Item.objects.filter(
            purpose=ItemPurpose.PRACTICE,
            versions__status=ItemStatus.APPROVED,
            versions__item_type__in=deliverable_types(),
        )
        .distinct()
        .select_related("nos", "performance_criterion")
        .prefetch_related("versions__translations")
    )


def item_label(item: Item) -> str:
    """ "#12 ASC/N0001 PC4 — first line of the approved English text"."""
    approved = next((v for v in item.versions.all() if v.status == ItemStatus.APPROVED), None)
    translation = approved.translation("en") if approved is not None else None
    line = (
        Truncator(" ".join(strip_tags(translation.stem_html).split())).chars(90)
        if translation
        else ""
    )
    code = (
        f"{item.nos.code} {item.performance_criterion.code}"
        if item.performance_criterion_id
        else "to be tagged"
    )
    return f"#{item.pk} {code} — {line}"


class ItemFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Text, NOS or PC code")}),
    )

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if not query:
            return objects
        self.is_searching, self.search_query = True, query
        return objects.filter(
            Q(versions__translations__search_text__icontains=query)
            | Q(nos__code__icontains=query)
            | Q(performance_criterion__code__iexact=query)
        ).distinct()


class _Permission:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def can_create(self) -> bool:
        # Items are written in the bank, never from a lesson's chooser (curators may add items,
        # which would otherwise offer an empty "create" tab).
        return False


class _Listing(_Permission):
    filter_form_class = ItemFilterForm

    @property
    def columns(self) -> list[Column]:
        title = super().title_column
        title.accessor = item_label
        return [
            title,
            Column(
                "performance_criterion",
                label=_("PC statement"),
                accessor=lambda item: (
                    item.performance_criterion.text if item.performance_criterion_id else ""
                ),
            ),
        ]


class ItemChooseView(_Listing, chooser_views.ChooseView):
    pass


class ItemChooseResultsView(_Listing, chooser_views.ChooseResultsView):
    pass


class _Chosen:
    def get_object(self, pk):
        return pinnable_items().get(pk=pk)

    def get_display_title(self, instance):
        return item_label(instance)

    def get_edit_item_url(self, instance):
        return None


class ItemChosenView(_Permission, _Chosen, chooser_views.ChosenView):
    pass


class ItemChosenMultipleView(_Permission, _Chosen, chooser_views.ChosenMultipleView):
    def get_objects(self, pks):
        return list(pinnable_items().filter(pk__in=pks))


class ItemChooserWidget(BaseChooser):
    def get_display_title(self, instance):
        return item_label(instance)


class ItemChooserViewSet(ChooserViewSet):
    model = Item
    icon = "help"
    choose_one_text = _("Choose a question")
    choose_another_text = _("Choose another question")
    page_title = _("Choose a practice question")
    per_page = 20
    base_widget_class = ItemChooserWidget
    choose_view_class = ItemChooseView
    choose_results_view_class = ItemChooseResultsView
    chosen_view_class = ItemChosenView
    chosen_multiple_view_class = ItemChosenMultipleView
    # Items are chosen here, never created here.
    register_widget = False

    def get_object_list(self):
        return pinnable_items().order_by("nos__code", "performance_criterion__position", "pk")

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name != "create"]


item_chooser_viewset = ItemChooserViewSet(
    "knowledge_check_item_chooser", url_prefix="content/items/choose"
)
ItemChooserBlock = item_chooser_viewset.get_block_class(
    name="ItemChooserBlock", module_path="content.choosers"
)
