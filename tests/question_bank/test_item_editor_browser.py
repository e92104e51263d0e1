"""A curator writes an item with the rich-text editor: formatting and an image reach the bank."""
# ruff: noqa: F811

from __future__ import annotations

import os
import struct
import zlib

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from question_bank.models import Item
from tests.browser.login import log_in
from tests.question_bank.factories import asc_q0202, user_in  # noqa: F401  (fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(path, width: int = 4, height: int = 4) -> None:
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_curator_formats_a_stem_and_inserts_an_image(live_server, page, asc_q0202, tmp_path):
    user_in(Role.SSC_CURATOR, username="chitra")
    image = tmp_path / "gauge.png"
    _png(image)
    log_in(page, live_server.url, "chitra", "pw-12345-long", login_path="/admin/login/")
    page.goto(f"{live_server.url}/admin/items/new/?qp=ASC/Q0202")

    pc_select = page.locator("select[name=performance_criterion]")
    pc_select.select_option(index=1)
    page.select_option("select[name=item_type]", "single_choice")
    stem = page.get_by_role("textbox", name="Stem (English)")
    expect(stem).to_be_visible()
    expect(page.locator("textarea[name=en_stem_html]")).to_be_hidden()
    stem.click()
    page.keyboard.type("Which gauge reading is ")
    stem_box = page.locator("[data-rich-html]", has=page.locator("textarea[name=en_stem_html]"))
    stem_box.get_by_role("button", name="Bold").click()
    page.keyboard.type("unsafe")
    stem_box.get_by_role("button", name="Bold").click()
    page.keyboard.type("? ")
    with page.expect_file_chooser() as chooser:
        stem_box.get_by_role("button", name="Insert image").click()
    chooser.value.set_files(str(image))
    expect(stem.locator("img")).to_have_count(1)

    page.get_by_role("textbox", name="Option A (English)").fill("The needle in the red zone")
    page.select_option("select[name=fraction_A]", "1")
    page.get_by_role("textbox", name="Option B (English)").fill("The needle in the green zone")
    page.select_option("select[name=fraction_B]", "0")
    page.click("button:has-text('Save')")
    expect(page.locator("text=red zone").first).to_be_visible()

    version = Item.objects.get().versions.get()
    stem_html = version.translations.get(language="en").stem_html
    assert "<b>unsafe</b>" in stem_html or "<strong>unsafe</strong>" in stem_html
    assert '<img src="data:image/png;base64,' in stem_html
