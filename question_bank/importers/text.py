"""Text normalisation shared by the importers.

The text extracted from a PDF carries layout noise: stray ``**`` (bold markers), doubled dots
after item codes ("PC4.."), HTML tags and entities in table cells, page running heads, trailing
spaces and blank lines. ``normalise`` removes that noise and returns the non-blank lines as
``Line`` objects that remember the 1-based number of the ORIGINAL line they come from (the line
map), so every finding and parsed object can point at the source text.

Two HTML modes:

* ``html="strip"`` (NSQC and course layouts, whose tables are tab-separated rows): every tag is
  replaced by a space, so a tag inside a table row never splits the row;
* ``html="break"`` (IT-ITeS SSC and HK layouts, whose content lives in HTML cells): block tags
  (``<p>``, ``<li>``, ``<br>``, ``<ul>``, ``<ol>``, ``<div>``, ``<tr>``, ``<td>``...) become line
  breaks; the resulting pieces keep the number of the original line; inline tags are removed.

Tabs (table cell separators) are kept; spaces around them are removed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# A NOS / QP code as published, possibly with stray spaces: "ASC/N0004", "SSC/ N 3021",
# "DGT/VSQ/N0101", "CON/N0603", "SSC/Q 2211".
_CODE_BODY = r"[A-Z]{{2,6}}(?:\s*/\s*[A-Z]{{2,6}})*\s*/\s*{kind}\s*\d{{3,4}}"
NOS_CODE = _CODE_BODY.format(kind="N")
QP_CODE = _CODE_BODY.format(kind="Q")
NOS_CODE_RE = re.compile(rf"(?<![A-Za-z/])({NOS_CODE})")
QP_CODE_RE = re.compile(rf"(?<![A-Za-z/])({QP_CODE})")

_BLOCK_TAGS = "p|li|br|ul|ol|div|tr|td|th|table|tbody|thead|h[1-6]"
_BLOCK_TAG_RE = re.compile(rf"</?\s*(?:{_BLOCK_TAGS})\b[^<>]*>", re.IGNORECASE)
_ANY_TAG_RE = re.compile(r"</?\s*[A-Za-z][A-Za-z0-9]*\b[^<>]*>|<!--.*?-->")
# An item code followed by dots and spaces in any combination: "PC4..", "PC1. .", "PC8. ..",
# "KU3.** ." (after ** removal). Collapsed to "PC4. ".
_ITEM_DOTS_RE = re.compile(r"\b((?:PC|KU|GS|KA|KB|KC|SA|SB|SC|K|P)\d{1,3})\s*\.(?:[\s.]*\.)?\s*")
_SPACES_RE = re.compile(r"[ \f\v\u00a0\u2000-\u200b\u3000]+")


@dataclass(frozen=True)
class Line:
    """A normalised, non-blank line and the 1-based number of the original line it comes from."""

    no: int
    text: str

    @property
    def cells(self) -> list[str]:
        return [c.strip() for c in self.text.split("\t")]


def normalise_code(code: str) -> str:
    """'SSC/ N 3021' -> 'SSC/N3021' (codes are otherwise kept exactly as published)."""
    return re.sub(r"\s+", "", code)


def clean_fragment(text: str) -> str:
    """Normalise one piece of text (no tags handled here): bold markers, entities, dots, spaces."""
    text = text.replace("**", "")
    text = html.unescape(text)
    text = text.replace("\uf0b7", "•").replace("\uf0a7", "•").replace("\u25cf", "•")
    text = _ITEM_DOTS_RE.sub(lambda m: f"{m.group(1)}. ", text)
    text = _SPACES_RE.sub(" ", text)
    text = re.sub(r" *\t *", "\t", text)
    return text.strip(" ")


def _strip_markdown_heading(text: str) -> str:
    return re.sub(r"^\s*#{1,6}\s+", "", text)


def normalise(
    text: str,
    *,
    html_mode: str = "strip",
    running_heads: Iterable[str] = (),
    is_running_head: Callable[[str], bool] | None = None,
) -> list[Line]:
    """Return the non-blank normalised lines of ``text`` with their original line numbers.

    ``running_heads`` are exact lines (after normalisation) to drop, such as
    "Qualification Pack"; ``is_running_head`` is an extra predicate.
    """
    heads = {h.strip() for h in running_heads}
    out: list[Line] = []
    for no, raw in enumerate(split_lines(text), start=1):
        raw = raw.replace("\x00", "")
        raw = _strip_markdown_heading(raw)
        pieces = _BLOCK_TAG_RE.split(raw) if html_mode == "break" else [raw]
        for piece in pieces:
            piece = _ANY_TAG_RE.sub(" ", piece)
            piece = clean_fragment(piece)
            if not piece.strip("\t "):
                continue
            piece = piece.rstrip("\t ")
            plain = piece.strip("\t ")
            if plain in heads or (is_running_head is not None and is_running_head(plain)):
                continue
            out.append(Line(no, piece))
    return out


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them: split on \\n, \\r\\n or \\r only (not on form feeds or
    other separators ``str.splitlines`` knows), so line numbers match the original file."""
    return re.split(r"\r\n|\r|\n", text)


def looks_binary(text: str) -> bool:
    """True when the text is mostly control characters or replacement characters."""
    if not text:
        return False
    sample = text[:20000]
    bad = sum(
        1
        for c in sample
        if (ord(c) < 32 and c not in "\n\r\t") or c == "\ufffd" or 0xD800 <= ord(c) <= 0xDFFF
    )
    return bad > max(3, len(sample) // 50)


def squash(text: str) -> str:
    """A comparison key for titles: lower-case letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def join_text(parts: Iterable[str]) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip()).strip()
