"""Property tests of the importers: layout noise does not change the parse; truncated or
garbled documents raise ``DocumentError`` (never any other exception). Pure, no Django."""

from __future__ import annotations

import contextlib
import dataclasses
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from question_bank.importers import FAMILIES, DocumentError, detect_family, parse_document
from question_bank.importers.document import ParsedDocument

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# seed -> (1-based line where its last NOS body starts, running heads, NOS ranges for heads)
SEED_INFO = {
    "000_11998c2bd16f104f.txt": {"last_body": 612, "heads": [["Qualification Pack"]]},
    "001_5789784e4a68579e.txt": {"last_body": 195, "heads": []},
    "002_07583d1f727b72ad.txt": {
        "last_body": 239,
        "ranges": [
            (119, 171, ["SSC/N3021", "", "Deal remotely with customer queries"]),
            (193, 235, ["SSC/N9001", "", "Manage your work to meet requirements"]),
            (
                253,
                309,
                ["SSC/N9003", "", "Maintain a healthy, safe and secure working environment"],
            ),
        ],
    },
    "003_1978a192bcc42aa4.txt": {
        "last_body": 5,
        "heads": [
            [
                "Specification of Competency Standards for the Automotive Industry Unit of "
                "Competency",
                "",
                "Functional Area - Common Competency",
            ]
        ],
    },
    "004_190f605e25dfa122.txt": {
        "last_body": 5,
        "heads": [
            [
                "## Specification of Competency Standards for the Automotive Industry Unit of "
                "Competency",
                "",
                "## Functional Area - Common Competency",
            ]
        ],
    },
}
SEED_NAMES = sorted(SEED_INFO)
_TEXTS = {name: (SEEDS / name).read_text(encoding="utf-8") for name in SEED_NAMES}
_PARSED = {name: parse_document(text) for name, text in _TEXTS.items()}


def strict_parse(text: str) -> ParsedDocument:
    """Parse without the defensive net of ``parse_document``: only DocumentError may escape."""
    return FAMILIES[detect_family(text)](text)


def projection(value):
    """The parse result without line numbers (they move when noise adds lines)."""
    if dataclasses.is_dataclass(value):
        return tuple(
            (f.name, projection(getattr(value, f.name)))
            for f in dataclasses.fields(value)
            if f.name != "line"
        )
    if isinstance(value, list):
        return tuple(projection(v) for v in value)
    return value


def findings_projection(doc: ParsedDocument):
    return sorted((f.severity, f.code, f.message) for f in doc.findings)


CODE_RE = re.compile(r"\b((?:PC|KU|GS|KA|KB|SA|SB|SC)\d+)\.")
WORD_RE = re.compile(r"^[A-Za-z][A-Za-z0-9,.;:()'/-]*$")
TAG_FAMILIES = {"nsqc-qp", "course-outline", "ssc-os-qp"}


def add_noise(name: str, rnd: random.Random) -> str:
    family = _PARSED[name].family
    info = SEED_INFO[name]
    out: list[str] = []
    lines = _TEXTS[name].splitlines()
    for no, line in enumerate(lines, start=1):
        op = rnd.random()
        if op < 0.08:
            line = CODE_RE.sub(lambda m: f"**{m.group(1)}.**", line)
        elif op < 0.16:
            line = CODE_RE.sub(lambda m: f"{m.group(1)}..", line)
        elif op < 0.24 and line.strip():
            tokens = line.split(" ")
            k = rnd.randrange(len(tokens))
            before = " ".join(tokens[:k])
            inside_tag = before.count("<") > before.count(">")
            if WORD_RE.match(tokens[k]) and not inside_tag:
                tokens[k] = f"<b>{tokens[k]}</b>"
            line = " ".join(tokens)
        elif op < 0.30 and line.strip() and family in TAG_FAMILIES:
            line = f"<p>{line}</p>"
        elif op < 0.36 and line.strip() and family != "hk-scs-unit":
            line = f"{line}<br>"
        elif op < 0.42:
            line = line.replace(" & ", " &amp; ")
        if rnd.random() < 0.15:
            line = line + " " * rnd.randint(1, 3)
        out.append(line)
        if rnd.random() < 0.1:
            out.extend([""] * rnd.randint(1, 2))
        if not line.strip() and rnd.random() < 0.15:
            heads = info.get("heads", [])
            for lo, hi, head in info.get("ranges", []):
                if lo <= no <= hi:
                    heads = [head]
            if heads:
                out.extend(["", *rnd.choice(heads), ""])
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("name", SEED_NAMES)
@SETTINGS
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_layout_noise_does_not_change_the_result(name, seed):
    noisy = add_noise(name, random.Random(seed))
    doc = strict_parse(noisy)
    clean = _PARSED[name]
    assert projection(doc.qualification_pack) == projection(clean.qualification_pack)
    assert projection(doc.units) == projection(clean.units)
    assert findings_projection(doc) == findings_projection(clean)


@pytest.mark.parametrize("name", SEED_NAMES)
@SETTINGS
@given(data=st.data())
def test_truncation_before_the_last_nos_body_is_an_error(name, data):
    lines = _TEXTS[name].splitlines()
    cut = data.draw(st.integers(min_value=0, max_value=SEED_INFO[name]["last_body"] - 1))
    with pytest.raises(DocumentError):
        strict_parse("\n".join(lines[:cut]))


@pytest.mark.parametrize("name", SEED_NAMES)
@SETTINGS
@given(data=st.data())
def test_truncation_anywhere_gives_an_error_or_a_result(name, data):
    lines = _TEXTS[name].splitlines()
    cut = data.draw(st.integers(min_value=0, max_value=len(lines)))
    try:
        doc = strict_parse("\n".join(lines[:cut]) + "\n")
    except DocumentError:
        return
    if cut >= len(lines):
        assert projection(doc.units) == projection(_PARSED[name].units)


def test_trailing_content_after_the_weightage_table_does_not_matter():
    lines = _TEXTS["000_11998c2bd16f104f.txt"].splitlines()
    doc = strict_parse("\n".join(lines[:752]))  # cut after the weightage table
    full = _PARSED["000_11998c2bd16f104f.txt"]
    assert projection(doc) == projection(full)


@pytest.mark.parametrize("name", SEED_NAMES)
@SETTINGS
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_shuffled_lines_raise_document_error_or_parse(name, seed):
    lines = _TEXTS[name].splitlines()
    rnd = random.Random(seed)
    rnd.shuffle(lines)
    with contextlib.suppress(DocumentError):
        strict_parse("\n".join(lines))


@pytest.mark.parametrize("name", SEED_NAMES)
@SETTINGS
@given(
    junk=st.binary(min_size=1, max_size=400),
    where=st.floats(min_value=0, max_value=1),
    drop=st.integers(min_value=0, max_value=40),
)
def test_random_bytes_and_lost_lines_raise_document_error_or_parse(name, junk, where, drop):
    text = _TEXTS[name]
    at = int(len(text) * where)
    garbled = text[:at] + junk.decode("latin-1") + text[at + drop :]
    with contextlib.suppress(DocumentError):
        strict_parse(garbled)


@SETTINGS
@given(junk=st.binary(min_size=0, max_size=2000))
def test_binary_garbage_is_a_document_error(junk):
    with pytest.raises(DocumentError):
        parse_document(junk.decode("latin-1"))


@SETTINGS
@given(text=st.text(max_size=500))
def test_random_text_is_a_document_error(text):
    with pytest.raises(DocumentError):
        strict_parse(text)
