"""A small allow-list HTML sanitiser for item text (stems, options, feedback).

Item text arrives from curators and from interchange files written elsewhere; it is shown to
learners, so only formatting tags, tables and images survive, with no scripts, event handlers or
``javascript:`` URLs. Images may be http(s), site-relative or ``data:image/...`` URLs (Moodle and
QTI files carry images inline).
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "sub", "sup", "ul", "ol", "li", "img", "table",
    "thead", "tbody", "tr", "td", "th", "code", "pre", "span", "div", "blockquote", "h3", "h4",
}  # fmt: skip
VOID_TAGS = {"br", "img"}
ALLOWED_ATTRIBUTES = {
    "img": {"src", "alt", "width", "height"},
    "span": {"lang"},
    "p": {"lang"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
DROP_CONTENT = {"script", "style", "iframe", "object", "embed", "template"}
_SAFE_SRC = re.compile(r"^(https?://|/|data:image/(png|jpeg|gif|webp);base64,)", re.I)


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_CONTENT:
            self.skipping += 1
            return
        if self.skipping or tag not in ALLOWED_TAGS:
            return
        kept = []
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()) or value is None:
                continue
            if name == "src" and not _SAFE_SRC.match(value.strip()):
                continue
            kept.append(f' {name}="{escape(value, quote=True)}"')
        if tag == "img" and not any(k.startswith(" src=") for k in kept):
            return
        # XHTML-style void tags keep item text well-formed XML (QTI embeds it as elements).
        self.out.append(f"<{tag}{''.join(kept)}{'/' if tag in VOID_TAGS else ''}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.open and self.open[-1] == tag:
            self.open.pop()
            self.out.append(f"</{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping or tag not in self.open:
            return
        while self.open:
            closing = self.open.pop()
            self.out.append(f"</{closing}>")
            if closing == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(escape(data, quote=False))


def html_sanitise(html: str) -> str:
    """Return ``html`` with only allowed tags/attributes; text is kept, escaped."""
    parser = _Sanitiser()
    parser.feed(html or "")
    parser.close()
    parser.out.extend(f"</{tag}>" for tag in reversed(parser.open))
    return "".join(parser.out).strip()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, for search and for formats without markup."""
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()
