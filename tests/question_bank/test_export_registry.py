"""One item-type registry for export: each type's spec names its writer in each format, and a
format that cannot express a type says so in one sentence (``not_exportable``), never by
writing the item as another type. The widget template is named by the spec too."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from question_bank.interchange import gift, moodle_xml, qti
from question_bank.interchange.common import not_exportable
from question_bank.items.types import REGISTRY, deliverable_types, item_type_spec
from question_bank.models import ItemType

TEMPLATES = Path(__file__).resolve().parents[2] / "adaptive" / "templates"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_type_names_a_writer_for_qti_and_moodle(name):
    spec = item_type_spec(name)
    for format_name in ("qti", "moodle"):
        assert callable(spec.export_writer(format_name)), (name, format_name)


def test_gift_has_no_writer_for_cloze_and_says_so():
    """GIFT cannot hold a cloze question; ordering is qtype_ordering's GIFT syntax."""
    missing = {name for name, spec in REGISTRY.items() if spec.export_writer("gift") is None}
    assert missing == {ItemType.CLOZE}
    assert not_exportable("cloze", "gift") == "not exportable to GIFT: cloze; use Moodle XML or QTI"
    assert item_type_spec("essay").export_writer("csv") is None  # CSV writes every type alike


def test_the_format_modules_ask_the_registry_instead_of_branching_on_the_type():
    for function in (qti._item_xml, moodle_xml._question_out, gift.render):
        source = inspect.getsource(function)
        assert "ItemType." not in source, function.__qualname__
        assert "export_writer(" in source, function.__qualname__


@pytest.mark.parametrize("name", deliverable_types())
def test_each_deliverable_type_names_a_widget_template_that_exists(name):
    template = item_type_spec(name).widget_template
    assert template == f"adaptive/widgets/{item_type_spec(name).widget}.html"
    assert (TEMPLATES / template).is_file(), template
