"""QTI 2.1/2.2 and 3.0 items from other producers (TAO, Amp-up, 1EdTech examples, ...).

Every item resource of the manifest is read, whatever its identifiers; a loose item file too.
QTI 2.x names (``choiceInteraction``, ``responseIdentifier``) are first mapped to QTI 3.0's
(``qti-choice-interaction``, ``response-identifier``), so that one reader serves both. One
interaction per item: choice (single/multiple, ``mapping`` for partial credit), text entry
(string: short answer with the mapped answers; float/integer: numerical), extended text
(essay), inline choice (single choice, the blank stays in the stem), match (pairs), order, gap
match (a cloze item: each gap a select of the gap texts, scored on its own by the map_response
mapping, ``match-max`` kept as how many gaps a text may fill); standard response-processing
templates (match_correct, map_response). Hottext is refused: its words are chosen inside the
passage, which a list of options cannot show. The prompt and the rest of
the item body become the stem; a stimulus the item depends on is put before it; an
``qti-assessment-stimulus`` resource alone becomes a description. Anything else is refused per
item with the reason; custom response processing is listed as not modelled.

Several inline-choice and text-entry interactions in one item (a cloze) become a cloze item when
their response processing, template or custom, is proven a sum of per-part scores by running it
(``qti_processing``) on every combination of the answers it tells apart; otherwise the item is
refused with the parts whose answers count together. Other mixes of interactions are refused.
"""

from __future__ import annotations

import itertools
import math
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from fractions import Fraction

from defusedxml import ElementTree as SafeET

from ..items.content import ItemContent, OptionText, Translation, decimal_or_none
from ..items.html import html_sanitise
from ..models import ItemType
from . import qti_processing
from .common import ItemImportError, ItemRecord, ParsedFile, Problem, option_key
from .moodle_fractions import moodle_fraction

_HTML = {
    "a", "abbr", "acronym", "address", "b", "bdo", "big", "blockquote", "br", "caption", "cite",
    "code", "col", "colgroup", "dd", "dfn", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "kbd", "li", "object", "ol", "p", "param", "pre", "q", "samp",
    "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "tt", "ul", "var", "math", "figure", "figcaption", "audio", "video", "source", "picture",
    "section", "article", "aside", "header", "footer", "nav", "label", "u", "s", "mark",
}  # fmt: skip
_SUPPORTED = {
    "qti-choice-interaction", "qti-text-entry-interaction", "qti-extended-text-interaction",
    "qti-inline-choice-interaction", "qti-match-interaction", "qti-order-interaction",
    "qti-gap-match-interaction",
}  # fmt: skip
# Why an interaction Kaushal has no faithful way to deliver is refused (others: not supported).
_REFUSED_BECAUSE = {
    "qti-hottext-interaction": (
        "hottext-interaction is not supported: the candidate picks words inside the passage, "
        "and Kaushal's choice widget lists options apart from the text, where they lose their "
        "place in it"
    ),
    "qti-graphic-gap-match-interaction": (
        "graphic-gap-match-interaction is not supported: Kaushal cannot place choices on an image"
    ),
}
_TEMPLATES = ("match_correct", "map_response")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_MIME = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
         "svg": "image/svg+xml", "webp": "image/webp"}  # fmt: skip


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", name).lower()


def _normalise(root: ET.Element) -> ET.Element:
    """Drop namespaces; QTI 2.x element and attribute names become QTI 3.0 ones."""
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        tag = node.tag.split("}", 1)[-1]
        qti = tag not in _HTML
        if qti and not tag.startswith("qti-"):
            tag = "qti-" + _kebab(tag)
        node.tag = tag
        for key in list(node.attrib):
            if key == XML_LANG:
                continue
            local = key.split("}", 1)[-1]
            new = _kebab(local) if qti else local
            if new != key:
                node.attrib[new] = node.attrib.pop(key)
    return root


def _plain(html: str) -> str:
    """A match answer as plain text: tags dropped, the source's line breaks and indents as one
    space (they are layout in the XML, not content)."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def _inner_html(element: ET.Element | None, skip: set[str] = frozenset()) -> str:
    """Sanitised HTML of an element's content; QTI elements other than the HTML are dropped,
    an interaction in ``skip`` leaves a blank ``_____`` where it stood."""
    if element is None:
        return ""
    parts = [element.text or ""]
    for child in element:
        if child.tag in skip:
            parts.append(
                "_____"
                if child.tag in ("qti-text-entry-interaction", "qti-inline-choice-interaction")
                else ""
            )
        elif child.tag in _HTML:
            parts.append(_wrap(child, _inner_html(child, skip)))
        elif child.tag == "qti-prompt":
            parts.append(f"<p>{_inner_html(child, skip)}</p>")
        parts.append(child.tail or "")
    return "".join(parts)


def _wrap(element: ET.Element, inner: str) -> str:
    attrs = "".join(
        f' {k}="{_attr(v)}"' for k, v in element.attrib.items() if not k.startswith("{")
    )
    if element.tag in ("br", "img", "hr", "col", "param", "source") and not inner.strip():
        return f"<{element.tag}{attrs}>"
    return f"<{element.tag}{attrs}>{inner}</{element.tag}>"


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _images(html: str, package: zipfile.ZipFile | None, base: str, notes: list[str]) -> str:
    """Packaged images become data: URLs; an image the package lacks is listed as not kept."""
    import base64

    def replace(match: re.Match) -> str:
        src = match.group(2)
        path = posixpath.normpath(posixpath.join(posixpath.dirname(base), src))
        if package is None or path not in package.namelist():
            notes.append(f"image {src!r} is not in the package")
            return match.group(0)
        mime = _MIME.get(src.rsplit(".", 1)[-1].lower(), "image/png")
        return (
            f'{match.group(1)}"data:{mime};base64,{base64.b64encode(package.read(path)).decode()}"'
        )

    return re.sub(r'(<img\b[^>]*?\bsrc=)"(?!data:|https?:|/)([^"]+)"', replace, html)


def _declarations(item: ET.Element) -> dict[str, dict]:
    out = {}
    for d in item.findall("qti-response-declaration"):
        mapping = d.find("qti-mapping")
        entries = []
        if mapping is not None:
            for e in mapping.findall("qti-map-entry"):
                value = decimal_or_none(e.get("mapped-value")) or Decimal(0)
                case = e.get("case-sensitive", "true").lower() != "false"
                entries.append((e.get("map-key", ""), value, case))
        out[d.get("identifier", "")] = {
            "cardinality": d.get("cardinality", "single"),
            "base_type": d.get("base-type", ""),
            "correct": [
                (v.text or "").strip() for v in d.findall("qti-correct-response/qti-value")
            ],
            "mapping": entries,
            "lower": decimal_or_none(mapping.get("lower-bound")) if mapping is not None else None,
            "upper": decimal_or_none(mapping.get("upper-bound")) if mapping is not None else None,
            "default": (decimal_or_none(mapping.get("default-value")) or Decimal(0))
            if mapping is not None
            else Decimal(0),
        }
    return out


def _fractions(values: dict[str, Decimal]) -> dict[str, Decimal]:
    """Mapped scores as fractions of the best total, snapped to Moodle's grade set where close
    (1/3 -> 0.3333333), so that exports to Moodle keep them."""
    best = sum((v for v in values.values() if v > 0), Decimal(0))
    if not best:
        return {k: Decimal(0) for k in values}
    out = {}
    for key, v in values.items():
        f = max(Decimal(-1), min(Decimal(1), v / best))
        out[key] = moodle_fraction(f) or f.quantize(Decimal("0.0000001"))
    return out


def item_read(
    item: ET.Element, *, package=None, href: str = "", stimulus_html: str = ""
) -> ItemRecord:
    """One foreign item as a record; ValueError (with the reason) when it cannot be imported."""
    item = _normalise(item)
    if item.tag == "qti-assessment-stimulus":
        body = item.find("qti-stimulus-body")
        notes: list[str] = []
        html = html_sanitise(_images(_inner_html(body), package, href, notes))
        return _record(item, ItemType.DESCRIPTION, html, [], {}, notes)
    if item.tag != "qti-assessment-item":
        raise ValueError(f"<{item.tag}> is not a QTI assessment item")
    body = item.find("qti-item-body")
    if body is None:
        raise ValueError("the item has no item body")
    interactions = [
        e for e in body.iter() if isinstance(e.tag, str) and e.tag.endswith("-interaction")
    ]
    if not interactions:
        raise ValueError("the item has no interaction (nothing to answer)")
    if len(interactions) > 1 and all(e.tag in _BLANKS for e in interactions):
        return _blanks(item, body, interactions, package=package, href=href,
                       stimulus_html=stimulus_html)  # fmt: skip
    if len(interactions) > 1:
        names = sorted({e.tag.removeprefix("qti-") for e in interactions})
        raise ValueError(f"several interactions in one item ({', '.join(names)}) are not supported")
    interaction = interactions[0]
    if interaction.tag in _REFUSED_BECAUSE:
        raise ValueError(_REFUSED_BECAUSE[interaction.tag])
    if interaction.tag not in _SUPPORTED:
        raise ValueError(
            f"{interaction.tag.removeprefix('qti-')} is not supported "
            "(choice, text entry, extended text, inline choice, match, order, gap match)"
        )
    notes = []
    processing = item.find("qti-response-processing")
    if processing is not None:
        template = processing.get("template", "") or processing.get("template-location", "")
        if not template and len(processing):
            notes.append("custom response processing (scored by Kaushal's rules for this type)")
        elif template and not any(t in template for t in _TEMPLATES):
            notes.append(f"response processing template {template.rsplit('/', 1)[-1]}")
    declaration = _declarations(item).get(interaction.get("response-identifier", ""), {})
    if interaction.tag == "qti-gap-match-interaction":
        return _gap_match(item, body, interaction, declaration, processing, notes,
                          package=package, href=href, stimulus_html=stimulus_html)  # fmt: skip
    prompt = interaction.find("qti-prompt")
    stem = _inner_html(body, skip={interaction.tag}) + (
        f"<p>{_inner_html(prompt)}</p>"
        if prompt is not None
        and interaction.tag not in ("qti-text-entry-interaction", "qti-inline-choice-interaction")
        else ""
    )
    stem = html_sanitise(_images(stimulus_html + stem, package, href, notes))
    kind = interaction.tag
    options: list[tuple[str, str, Decimal]] = []
    type_data: dict = {}
    mapped = {k: v for k, v, _ in declaration.get("mapping", [])}
    correct = declaration.get("correct", [])
    item_type: str
    if kind in ("qti-choice-interaction", "qti-inline-choice-interaction"):
        child = "qti-simple-choice" if kind == "qti-choice-interaction" else "qti-inline-choice"
        choices = [
            (c.get("identifier", ""), html_sanitise(_inner_html(c)))
            for c in interaction.findall(child)
        ]
        single = kind == "qti-inline-choice-interaction" or (
            declaration.get("cardinality") == "single"
            and interaction.get("max-choices", "1") == "1"
        )
        if mapped:
            scores = _fractions({k: mapped.get(k, Decimal(0)) for k, _ in choices})
        else:
            scores = {k: (Decimal(1) if k in correct else Decimal(0)) for k, _ in choices}
            if not single and correct:
                share = moodle_fraction(Decimal(1) / len(correct)) or Decimal(1) / len(correct)
                scores = {k: (share if k in correct else Decimal(0)) for k, _ in choices}
                notes.append("all-or-nothing scoring read as partial credit per correct choice")
        if single and sum(1 for v in scores.values() if v == 1) != 1:
            single = False
        item_type = ItemType.SINGLE_CHOICE if single else ItemType.MULTIPLE_RESPONSE
        options = [(k, html, scores[k]) for k, html in choices]
        type_data["source_keys"] = [k for k, _ in choices]
    elif kind == "qti-text-entry-interaction":
        base = declaration.get("base_type", "string")
        if base in ("float", "integer"):
            value = decimal_or_none(correct[0]) if correct else None
            if value is None:
                raise ValueError("a numeric text entry needs a correct response")
            equal = item.find(".//qti-equal")
            tolerance = Decimal(0)
            if equal is not None and equal.get("tolerance"):
                tolerance = decimal_or_none(equal.get("tolerance").split()[0]) or Decimal(0)
            return _record(item, ItemType.NUMERIC, stem, [], {}, notes, numeric=(value, tolerance))
        answers = list(dict.fromkeys([*correct, *mapped]))
        if not answers:
            raise ValueError("a text entry needs a correct response or a mapping")
        raw = {a: mapped.get(a, Decimal(1) if a in correct else Decimal(0)) for a in answers}
        top = max(raw.values())
        # One response: its mapped value over the best one (QTI's map_response of one value).
        scores = {
            a: (moodle_fraction(v / top) or (v / top).quantize(Decimal("0.0000001")))
            if top > 0
            else Decimal(0)
            for a, v in raw.items()
        }
        options = [(option_key(i), a, scores[a]) for i, a in enumerate(answers) if scores[a] > 0]
        case = [c for _, _, c in declaration.get("mapping", [])]
        type_data["case_sensitive"] = all(case) if case else True
        item_type = ItemType.SHORT_ANSWER
    elif kind == "qti-extended-text-interaction":
        item_type = ItemType.ESSAY
        type_data.update(response_format="editor", response_required=True,
                         lines=int(interaction.get("expected-lines", "10") or 10))  # fmt: skip
        if correct:
            type_data["grader_info_html"] = "<p>Model answer: " + " ".join(correct) + "</p>"
    elif kind == "qti-match-interaction":
        sets = interaction.findall("qti-simple-match-set")
        if len(sets) != 2:
            raise ValueError("a match interaction needs two match sets")
        sources = [(c.get("identifier", ""), html_sanitise(_inner_html(c))) for c in sets[0]]
        targets = {c.get("identifier", ""): html_sanitise(_inner_html(c)) for c in sets[1]}
        pairs_of = dict(p.split()[:2] for p in correct if len(p.split()) >= 2)
        used = set()
        pairs = []
        for key, html in sources:
            target = pairs_of.get(key)
            if target is None:
                raise ValueError(
                    f"match choice {key!r} has no correct pair "
                    "(one-to-many matches are not supported)"
                )
            used.add(target)
            pairs.append({"question_html": html, "answer": _plain(targets.get(target, ""))})
        # map_response with pairs worth different marks: our matching gives each pair one share.
        worth = {mapped.get(f"{key} {pairs_of[key]}") for key, _ in sources}
        by_map = processing is not None and "map_response" in (
            processing.get("template", "") or processing.get("template-location", "")
        )
        if by_map and len(worth) > 1:
            marks = ", ".join(sorted(str(w) for w in worth))
            raise ValueError(
                f"match pairs worth different marks ({marks}) are not supported: Kaushal gives "
                "every pair the same share"
            )
        pairs += [
            {"question_html": "", "answer": _plain(h)} for k, h in targets.items() if k not in used
        ]
        type_data["pairs"] = pairs
        item_type = ItemType.MATCHING
    else:  # order
        choices = [
            (c.get("identifier", ""), html_sanitise(_inner_html(c)))
            for c in interaction.findall("qti-simple-choice")
        ]
        if sorted(correct) != sorted(k for k, _ in choices):
            raise ValueError("the correct order must list every choice once")
        options = [(k, html, Decimal(0)) for k, html in choices]
        type_data["order"] = correct
        item_type = ItemType.ORDERING
    shuffle = interaction.get("shuffle", "false").lower() == "true"
    return _record(item, item_type, stem, options, type_data, notes, shuffle=shuffle)


def _parents(root: ET.Element) -> dict[ET.Element, ET.Element]:
    return {child: parent for parent in root.iter() for child in parent}


def _replace_with_text(parents: dict, element: ET.Element, text: str) -> None:
    """Put ``text`` where ``element`` stands (ElementTree keeps text in .text/.tail)."""
    parent = parents[element]
    index = list(parent).index(element)
    joined = text + (element.tail or "")
    if index == 0:
        parent.text = (parent.text or "") + joined
    else:
        before = parent[index - 1]
        before.tail = (before.tail or "") + joined
    parent.remove(element)


def _gap_match(
    item, body, interaction, declaration, processing, notes, *, package, href, stimulus_html
) -> ItemRecord:
    """A gap match as a cloze item: each ``qti-gap`` a part whose choices are the gap texts.
    With map_response, each gap is worth the mapped value of its right pair (its weight) and
    any other text there the value it maps to (the mapping's default for pairs it lists not),
    as a share of that weight; the total never goes below 0 (the usual ``lower-bound``)."""
    if interaction.find("qti-gap-img") is not None:
        raise ValueError("gap match with images (gap-img) is not supported: a select shows text")
    template = ""
    if processing is not None:
        template = processing.get("template", "") or processing.get("template-location", "")
    if "map_response" not in template:
        how = (
            "all or nothing (match_correct)"
            if "match_correct" in template
            else "by custom response processing"
            if processing is not None and len(processing)
            else "without response processing"
        )
        raise ValueError(
            f"this gap match is scored {how}; Kaushal scores each gap of a gap match on its own "
            "(map_response)"
        )
    texts = [
        (t.get("identifier", ""), _plain(_inner_html(t)), t.get("match-max", "1"))
        for t in interaction.findall("qti-gap-text")
    ]
    seen: dict[str, str] = {}
    for key, text, _ in texts:
        if not text:
            raise ValueError(f"gap text {key!r} is empty")
        if text in seen:
            raise ValueError(
                f"gap texts {seen[text]!r} and {key!r} both read {text!r}: Kaushal tells a "
                "gap's choices apart by their text"
            )
        seen[text] = key
    gaps = [g for g in interaction.iter("qti-gap")]
    if not gaps:
        raise ValueError("the gap match has no gap")
    right: dict[str, str] = {}
    for pair in declaration.get("correct", []):
        source, _, target = pair.partition(" ")
        right.setdefault(target.strip(), source)
    mapped = {k: v for k, v, _ in declaration.get("mapping", [])}
    default = declaration.get("default", Decimal(0))
    worth: list[Fraction] = []
    for gap in gaps:
        gap_id = gap.get("identifier", "")
        if gap_id not in right:
            raise ValueError(f"gap {gap_id!r} has no correct gap text")
        value = mapped.get(f"{right[gap_id]} {gap_id}", default)
        if value <= 0:
            raise ValueError(f"gap {gap_id!r}: its correct text is worth {value}, not more than 0")
        worth.append(Fraction(value).limit_denominator(1000))
    scale = math.lcm(*(w.denominator for w in worth))
    weights = [int(w * scale) for w in worth]
    parts = []
    for gap, weight, share in zip(gaps, weights, worth, strict=True):
        gap_id = gap.get("identifier", "")
        answers = []
        for key, text, match_max in texts:
            value = Fraction(mapped.get(f"{key} {gap_id}", default)).limit_denominator(1000)
            fraction = (
                Decimal(value.numerator)
                / Decimal(value.denominator)
                / (Decimal(share.numerator) / Decimal(share.denominator))
            )
            fraction = moodle_fraction(fraction) or fraction.quantize(Decimal("0.0000001"))
            written = format(fraction.normalize() + 0, "f")
            answer: dict[str, object] = {
                "text": text, "fraction": written, "feedback_html": "", "tolerance": "0",
            }  # fmt: skip
            uses = int(decimal_or_none(match_max) or 0)
            if 0 < uses < len(gaps):
                answer["max_uses"] = uses
            answers.append(answer)
        parts.append({"kind": "multichoice", "weight": weight, "answers": answers,
                      "case_sensitive": False, "group": 1})  # fmt: skip
    if declaration.get("upper") is not None:
        notes.append("the mapping's upper bound")
    if default < 0 and declaration.get("lower") is None:
        notes.append("a total below 0 (scored 0)")
    parents = _parents(item)
    for number, gap in enumerate(gaps, start=1):
        _replace_with_text(parents, gap, f"{{#{number}}}")
    for text in interaction.findall("qti-gap-text"):
        interaction.remove(text)
    interaction.tag = "div"  # its passage, with the gaps, stays where it stood
    stem = html_sanitise(_images(stimulus_html + _inner_html(body), package, href, notes))
    shuffle = interaction.get("shuffle", "false").lower() == "true"
    return _record(item, ItemType.CLOZE, stem, [], {"parts": parts}, notes, shuffle=shuffle)


_BLANKS = ("qti-inline-choice-interaction", "qti-text-entry-interaction")
_WRONG = "\u2063not an answer\u2063"  # a text entry's wrong answer: matches no key


def _outcomes(item: ET.Element) -> dict[str, tuple[str, Decimal | None]]:
    return {
        d.get("identifier", ""): (
            d.get("base-type", ""),
            decimal_or_none(d.findtext("qti-default-value/qti-value")),
        )
        for d in item.findall("qti-outcome-declaration")
    }


def _blanks(item, body, interactions, *, package, href, stimulus_html) -> ItemRecord:
    """Several inline choices and text entries (a cloze): imported when the item's SCORE is
    proven a sum of per-part scores (``qti_processing``), each part then a cloze part worth
    its best score, with its answers' scores as fractions of that; the item's best total is its
    default mark. A part scored all or nothing with the others is refused, named."""
    declarations = _declarations(item)
    processing = item.find("qti-response-processing")
    if processing is None:
        raise ValueError("an item of several interactions without response processing")
    template = processing.get("template", "") or processing.get("template-location", "")
    try:
        rules = qti_processing.template_processing(template) if template else processing
        evaluator = qti_processing.Processing(rules, declarations, _outcomes(item))
        if any(m.get("substring", "false") == "true" for m in rules.iter("qti-string-match")):
            # A part's answers then fall in more classes than its keys can stand for.
            raise ValueError("response processing matches part of an answer (substring)")
        names = [e.get("response-identifier", "") for e in interactions]
        if len(set(names)) < len(names):
            raise ValueError("two interactions share one response identifier")
        candidates: list[tuple[str, list[str | None]]] = []
        texts: list[dict[str, str]] = []
        for interaction in interactions:
            name = interaction.get("response-identifier", "")
            declaration = declarations.get(name)
            if declaration is None or declaration["cardinality"] != "single":
                raise ValueError(f"{name!r} needs a response declaration of single cardinality")
            if interaction.tag == "qti-inline-choice-interaction":
                shown = {
                    c.get("identifier", ""): _plain(_inner_html(c))
                    for c in interaction.findall("qti-inline-choice")
                }
                if len(set(shown.values())) < len(shown) or not all(shown.values()):
                    raise ValueError(f"{name!r}: its choices must read differently")
                candidates.append((name, [None, *shown]))
                texts.append(shown)
                continue
            if declaration["base_type"] != "string":
                raise ValueError(f"{name!r}: a {declaration['base_type']} text entry in a cloze")
            keys = [*declaration["correct"], *(k for k, _, _ in declaration["mapping"])]
            keys += [
                (v.text or "").strip()
                for v in rules.iter("qti-base-value")
                if v.get("base-type") == "string"
            ]
            keys = [k for k in dict.fromkeys(keys) if k]
            variants = [k.swapcase() for k in keys if k.swapcase() != k]
            values = list(dict.fromkeys([*keys, *variants, _WRONG]))
            candidates.append((name, [None, *values]))
            texts.append({k: k for k in keys})  # the answers; the variants only test case
        scores = qti_processing.part_scores(evaluator, candidates)
    except qti_processing.OutsideSubsetError as exc:
        raise ValueError(str(exc)) from exc
    best = [max(s.values()) for s in scores]
    lowest = sum((min(s.values()) for s in scores), Decimal(0))
    if lowest < 0:
        raise ValueError(
            f"the score can go down to {lowest}; Kaushal's cloze scores a total below 0 as 0"
        )
    for (name, _), top in zip(candidates, best, strict=True):
        if top <= 0:
            raise ValueError(f"{name!r} scores nothing, whatever the answer")
    worth = [Fraction(b).limit_denominator(1000) for b in best]
    scale = math.lcm(*(w.denominator for w in worth))
    parts = []
    for interaction, score, top, weight, shown in zip(
        interactions, scores, best, worth, texts, strict=True
    ):
        answers = []
        for value, text in shown.items():
            fraction = score[value] / top
            fraction = moodle_fraction(fraction) or fraction.quantize(Decimal("0.0000001"))
            if interaction.tag == "qti-text-entry-interaction":
                if fraction <= 0:
                    continue
                text = text.replace("*", "\\*")  # literal, not Moodle's wildcard
            answers.append({"text": text, "fraction": format(fraction.normalize() + 0, "f"),
                            "feedback_html": "", "tolerance": "0"})  # fmt: skip
        # case_sensitive as Moodle's reader and the gap match write it (a select: not used).
        part: dict = {"kind": "multichoice", "weight": int(weight * scale), "answers": answers,
                      "case_sensitive": False}  # fmt: skip
        if interaction.tag == "qti-text-entry-interaction":
            part["kind"] = "shortanswer"
            part["case_sensitive"] = _case_sensitive(part, score)
        parts.append(part)
    _check_cloze(parts, candidates, texts, evaluator, sum(best, Decimal(0)))
    parents = _parents(item)
    for number, interaction in enumerate(interactions, start=1):
        _replace_with_text(parents, interaction, f"{{#{number}}}")
    notes: list[str] = []
    if any(e.tag == "qti-text-entry-interaction" for e in interactions):
        notes.append("text entries compared without their surrounding spaces")
    if any(d.get("base-type") not in ("float", "integer") for d in item.findall(
        "qti-outcome-declaration")):  # fmt: skip
        notes.append("feedback outcomes set by the response processing")
    stem = html_sanitise(_images(stimulus_html + _inner_html(body), package, href, notes))
    record = _record(item, ItemType.CLOZE, stem, [], {"parts": parts}, notes)
    record.content.default_mark = sum(best, Decimal(0))
    return record


def _check_cloze(parts, candidates, texts, evaluator, best: Decimal) -> None:
    """The cloze built scores every combination of candidates as the source does (up to the 7
    decimals a fraction keeps), or the item is refused: the proof is on our scoring itself."""
    from ..items.types.cloze import Cloze

    content = ItemContent(item_type=ItemType.CLOZE, translations={}, type_data={"parts": parts})
    for combo in itertools.product(*(values for _, values in candidates)):
        given = {name: v for (name, _), v in zip(candidates, combo, strict=True)}
        response = {
            str(i): (shown.get(v, v) if v is not None else "")
            for i, (shown, v) in enumerate(zip(texts, combo, strict=True), start=1)
        }
        ours = Cloze().score(content, response) * best
        theirs = evaluator.score(given)
        if abs(ours - theirs) >= Decimal("0.000001"):
            raise ValueError(f"Kaushal's cloze would score {response} {ours}, the source {theirs}")


def _case_sensitive(part: dict, score: dict[str | None, Decimal]) -> bool:
    """Whether the part tells answers apart by case as the source does, on every candidate."""
    from ..items.types.cloze import part_score

    top = max(score.values())
    for case_sensitive in (True, False):
        trial = {**part, "case_sensitive": case_sensitive}
        if all(
            abs(part_score(trial, v or "") * top - s) < Decimal("0.000001")
            for v, s in score.items()
        ):
            return case_sensitive
    raise ValueError(
        "a text entry whose answers Kaushal cannot tell apart as the source does (their case "
        "counts for some and not others, or they differ only in spaces)"
    )


def _record(
    item, item_type, stem, options, type_data, notes, numeric=None, shuffle=True
) -> ItemRecord:
    language = (item.get(XML_LANG) or "en").split("-")[0].lower()
    if language not in ("en", "hi"):
        notes.append(f"language {language!r} stored as English")
        language = "en"
    feedback = ""
    for modal in item.findall("qti-modal-feedback"):
        feedback += html_sanitise(_inner_html(modal.find("qti-content-body") or modal))
    if item.findall("qti-modal-feedback"):
        notes.append("modal feedback kept as general feedback")
    translation = Translation(stem, feedback)
    keys = []
    for key, html, _ in options:
        k = key if re.fullmatch(r"[\w.-]{1,16}", key or "") else option_key(len(keys))
        keys.append(k)
        translation.options[k] = OptionText(html)
    if notes:
        type_data["not_modelled"] = sorted(set(notes))
    record = ItemRecord(
        status="draft",
        content=ItemContent(
            item_type=item_type,
            translations={language: translation},
            options=[(k, f) for k, (_, _, f) in zip(keys, options, strict=True)],
            numeric_answer=numeric[0] if numeric else None,
            numeric_tolerance=numeric[1] if numeric else None,
            name=(item.get("title") or "").strip(),
            shuffle_options=shuffle,
            default_mark=Decimal(0) if item_type == ItemType.DESCRIPTION else Decimal(1),
            type_data=type_data,
        ),
    )
    record.source_id = (item.get("identifier") or "")[:255]
    record.title = record.content.name or record.source_id
    return record


def _parse_xml(data: bytes, source: str) -> ET.Element:
    try:
        return SafeET.fromstring(data)
    except SafeET.ParseError as exc:
        raise ItemImportError(
            [Problem(exc.position[0], "-", f"not well-formed XML: {exc}", source)]
        ) from exc
    except Exception as exc:  # entities, DTDs
        raise ItemImportError([Problem(0, "-", f"refused XML: {exc}", source)]) from exc


def item_file_read(data: bytes, *, source: str = "") -> ParsedFile:
    root = _parse_xml(data, source)
    parsed = ParsedFile()
    try:
        record = item_read(root, href=source)
        record.line, record.source = 1, source
        parsed.records.append(record)
    except ValueError as exc:
        parsed.skipped.append(
            Problem(1, root.get("title") or root.get("identifier") or source, str(exc), source)
        )
    return parsed


def package_read(package: zipfile.ZipFile, manifest: ET.Element) -> ParsedFile:
    manifest = _normalise(manifest)
    resources = {r.get("identifier", ""): r for r in manifest.iter("qti-resource")}
    names = set(package.namelist())
    parsed = ParsedFile()
    depended = {
        d.get("identifierref") for r in resources.values() for d in r.iter("qti-dependency")
    }
    for identifier, resource in resources.items():
        kind, href = resource.get("type", ""), resource.get("href", "")
        is_item = kind.startswith("imsqti_item")
        is_stimulus = kind.startswith("imsqti_stimulus") and identifier not in depended
        if not (is_item or is_stimulus):
            continue
        label = identifier or href
        if href not in names:
            parsed.skipped.append(Problem(0, label, f"{href} is missing from the package", href))
            continue
        stimulus = ""
        for dep in resource.iter("qti-dependency"):
            dep_res = resources.get(dep.get("identifierref", ""))
            if dep_res is not None and dep_res.get("type", "").startswith("imsqti_stimulus"):
                dep_href = dep_res.get("href", "")
                if dep_href in names:
                    s = _normalise(_parse_xml(package.read(dep_href), dep_href))
                    stimulus += html_sanitise(_inner_html(s.find("qti-stimulus-body")))
        try:
            root = _parse_xml(package.read(href), href)
            record = item_read(root, package=package, href=href, stimulus_html=stimulus)
        except ItemImportError as exc:
            parsed.skipped.extend(exc.problems)
            continue
        except ValueError as exc:
            parsed.skipped.append(Problem(1, label, str(exc), href))
            continue
        record.line, record.source = 1, href
        record.source_id = record.source_id or identifier
        parsed.records.append(record)
    return parsed
