"""The Hindi interface is complete (issue 13): every entry of locale/hi is translated and none is
fuzzy, and the committed django.mo is compiled from the committed django.po (Django reads the
.mo; nothing compiles it at install)."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "hi" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def po_entries(path: Path) -> list[Entry]:
    """A .po file's entries, obsolete ones (``#~``) left out; enough of the format for a check."""
    entries, entry, current = [], None, None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            entry = current = None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d+\])?) (\".*\")$", line):
            current, value = match.group(1), ast.literal_eval(match.group(2))
            if current.startswith("msgstr"):
                entry.msgstr.append(value)
            else:
                setattr(entry, current, value)
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if current and current.startswith("msgstr"):
                entry.msgstr[-1] += value
            elif current:
                setattr(entry, current, getattr(entry, current) + value)
    return [e for e in entries if e.msgid]


def test_every_hindi_entry_is_translated_and_none_is_fuzzy():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 300
    untranslated = [e.msgid for e in entries if not all(e.msgstr)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def test_hindi_translations_keep_every_placeholder():
    for entry in po_entries(LOCALE / "django.po"):
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for translated in entry.msgstr:
            assert sorted(PLACEHOLDER.findall(translated)) == wanted, entry.msgid


def test_the_committed_mo_is_compiled_from_the_po():
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    for entry in po_entries(LOCALE / "django.po"):
        if entry.msgid_plural:
            assert catalog.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr[0]
            assert catalog.ngettext(entry.msgid, entry.msgid_plural, 5) == entry.msgstr[1]
        else:
            assert catalog.gettext(entry.msgid) == entry.msgstr[0], entry.msgid
