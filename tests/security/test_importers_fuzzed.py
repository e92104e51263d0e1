"""The importers fuzzed: every entry point, fed mutated real documents and item files, either
imports or refuses with its own error (``DocumentError``, ``ItemImportError``), and a refusal
leaves every question_bank table as it was. Never an IndexError, KeyError, UnicodeError...

Documents: the five seeds of ``../shared/seeds/`` through ``documents_import`` (what
``import_qp`` and the admin upload call) and ``read_document`` (the command's file reading).
Item files: what our own exporters write for a small bank, in every interchange format, through
``items_import_file`` (what ``import_items`` and the admin upload call). Mutations: truncation,
deleted and duplicated lines, flipped bytes, random unicode spliced in.

Derandomized and bounded, so CI runs the same examples every time in a few seconds each.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import Role
from question_bank.importers import DocumentError
from question_bank.interchange import FORMATS, ItemImportError, items_export, items_import_file
from question_bank.management.commands.import_qp import read_document
from question_bank.services import documents_import
from tests.conftest import SEEDS_DIR
from tests.question_bank.factories import (
    ASC,
    content_multiple,
    content_numeric,
    content_true_false,
    item_make,
    seed_import,
    user_in,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(os.environ.get("KAUSHAL_FUZZ_EXAMPLES", "50")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
SEEDS = sorted(p.name for p in SEEDS_DIR.glob("*.txt"))


def table_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("question_bank").get_models()
    }


@st.composite
def mutated(draw, original: bytes) -> bytes:
    """``original`` after one to three mutations of the kinds a damaged upload has."""
    data = original
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "delete", "duplicate", "flip", "unicode"]))
        lines = data.splitlines(keepends=True)
        if kind == "truncate":
            data = data[: draw(st.integers(0, max(0, len(data) - 1)))]
        elif kind in ("delete", "duplicate") and lines:
            start = draw(st.integers(0, len(lines) - 1))
            end = draw(st.integers(start + 1, min(len(lines), start + 40)))
            chunk = lines[start:end] if kind == "duplicate" else []
            data = b"".join(lines[:start] + chunk + lines[start:])
            if kind == "delete":
                data = b"".join(lines[:start] + lines[end:])
        elif kind == "flip" and data:
            data = bytearray(data)
            for _ in range(draw(st.integers(1, 8))):
                at = draw(st.integers(0, len(data) - 1))
                data[at] ^= 1 << draw(st.integers(0, 7))
            data = bytes(data)
        elif kind == "unicode":
            at = draw(st.integers(0, len(data)))
            text = draw(st.text(min_size=1, max_size=20)).encode("utf-8", "surrogatepass")
            data = data[:at] + text + data[at:]
    return data


def rolled_back(action):
    """Run ``action`` in a savepoint that is always rolled back (each example starts afresh)."""
    with transaction.atomic():
        try:
            return action()
        finally:
            transaction.set_rollback(True)


# --- qualification documents


@pytest.fixture
def imported_seeds(db):
    """The seeds already imported, so mutations also reach the "new revision" code paths."""
    for name in SEEDS:
        seed_import(name)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_damaged_document_imports_or_is_refused_cleanly(seed, imported_seeds, tmp_path):
    original = (SEEDS_DIR / seed).read_bytes()
    path = tmp_path / seed

    @FUZZ
    @given(data=mutated(original))
    def run(data: bytes) -> None:
        path.write_bytes(data)
        before = table_counts()
        try:
            text = read_document(Path(path))
        except CommandError:
            return  # not UTF-8: the command says so and stops
        try:
            rolled_back(lambda: _import_checked(seed, text, before))
        except DocumentError as exc:
            assert str(exc).startswith(seed), exc  # names the file
            assert table_counts() == before

    run()


def _import_checked(source_name: str, text: str, before: dict[str, int]) -> None:
    try:
        documents_import(documents=[(source_name, text)])
    except DocumentError:
        # Nothing may be written, even inside the transaction that is still open.
        assert table_counts() == before
        raise


def test_documents_are_imported_together_or_not_at_all(imported_seeds):
    """One damaged document among good ones stops them all and writes nothing."""
    good = (SEEDS_DIR / ASC).read_text()
    before = table_counts()
    with pytest.raises(DocumentError, match="broken.txt"):
        documents_import(
            documents=[("good.txt", good.replace("ASC/Q0202", "ASC/Q9999")), ("broken.txt", "")]
        )
    assert table_counts() == before


# --- item interchange files


@pytest.fixture
def exported_files(db) -> dict[str, bytes]:
    """What our exporters write for a small bank of every item type, per format."""
    seed_import(ASC)
    curator, second = user_in(Role.SSC_CURATOR), user_in(Role.SSC_CURATOR)
    item_make(nos="ASC/N0001", pc="PC1", author=curator, approver=second)
    item_make(nos="ASC/N0001", pc="PC2", content=content_multiple(), author=curator)
    item_make(nos="ASC/N0002", pc="PC1", content=content_true_false(), author=curator)
    item_make(nos="ASC/N0002", pc="PC2", content=content_numeric(), author=curator)
    return {
        name: items_export(qualification_pack_code="ASC/Q0202", format=name) for name in FORMATS
    }


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_a_damaged_item_file_imports_or_is_refused_cleanly(format_name, exported_files):
    original = exported_files[format_name]
    assert original, f"the {format_name} exporter wrote nothing"

    @settings(FUZZ, max_examples=2 * FUZZ.max_examples)  # item files are small and quick to import
    @given(data=mutated(original))
    def run(data: bytes) -> None:
        before = table_counts()

        def attempt():
            try:
                items_import_file(
                    data=data,
                    qualification_pack_code="ASC/Q0202",
                    format=format_name,
                    filename=f"damaged.{format_name}",
                )
            except ItemImportError as exc:
                assert exc.problems and all(str(p) for p in exc.problems)
                assert table_counts() == before
                raise

        try:
            rolled_back(attempt)
        except ItemImportError:
            assert table_counts() == before

    run()


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_an_item_file_of_random_bytes_is_refused_cleanly(format_name, exported_files):
    @FUZZ
    @given(data=st.binary(max_size=2000))
    def run(data: bytes) -> None:
        before = table_counts()
        try:
            rolled_back(
                lambda: items_import_file(
                    data=data, qualification_pack_code="ASC/Q0202", format=format_name
                )
            )
        except ItemImportError:
            assert table_counts() == before

    run()


def test_a_course_outline_that_repeats_a_nos_section_is_refused(imported_seeds):
    """Found by the fuzzing above: a repeated section made the QP list one NOS twice, and the
    import died on the database's unique constraint instead of saying so."""
    lines = (SEEDS_DIR / "001_5789784e4a68579e.txt").read_text().splitlines(keepends=True)
    first_section = lines[6:48]  # "Plan and organise work ..." up to the next NOS
    text = "".join(lines[:48] + first_section + lines[48:])
    before = table_counts()
    with pytest.raises(DocumentError, match="twice"):
        documents_import(documents=[("repeated.txt", text)])
    assert table_counts() == before


def test_a_csv_row_whose_uid_is_not_a_uuid_is_refused_with_its_line(exported_files):
    """Found by the fuzzing above: a damaged uid reached the database lookup (a Django
    ValidationError) instead of being reported as a problem of its row."""
    header, first, *rest = exported_files["csv"].decode().split("\r\n")
    damaged = "\r\n".join([header, "0" + first, *rest]).encode()
    before = table_counts()
    with pytest.raises(ItemImportError, match="not a UUID"):
        items_import_file(
            data=damaged, qualification_pack_code="ASC/Q0202", format="csv", strict=True
        )
    assert table_counts() == before
    result = items_import_file(data=damaged, qualification_pack_code="ASC/Q0202", format="csv")
    assert any("not a UUID" in problem.message for problem in result.skipped), result.skipped
