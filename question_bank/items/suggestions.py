"""Suggested NOS/PC for items imported "to be tagged": TF-IDF cosine similarity (Salton &
Buckley 1988, smoothed idf ``log((1 + N) / (1 + df)) + 1``, l2-normalised rows) between an
item's text and each PC's statements in the QP: the PC text, its element's title, the NOS title
and the NOS's KU texts. Only the QP's own statements are used: no model, no download.

The suggestion is stored on the item (``suggested_performance_criterion``, ``suggestion_score``);
a curator accepts suggestions in bulk in the bank listing (``item_suggestions_accept``).
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
from django.db import transaction

from ..models import Item, ItemVersion, PerformanceCriterion
from .selectors import qualification_pack_nos
from .services import item_tags_set

_STOP = set(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "which",
        "who",
        "what",
        "when",
        "where",
        "how",
        "why",
        "not",
        "no",
        "yes",
        "can",
        "do",
        "does",
        "you",
        "your",
        "their",
        "they",
        "he",
        "she",
        "we",
        "our",
        "all",
        "any",
        "each",
    ]
)


def _tokens(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]{2,}", text.lower()) if w not in _STOP]


def tfidf_matrix(documents: list[list[str]], vocabulary: dict[str, int] | None = None):
    """(n_documents, n_terms) l2-normalised TF-IDF rows and the vocabulary they use."""
    if vocabulary is None:
        vocabulary = {t: i for i, t in enumerate(sorted({t for d in documents for t in d}))}
    matrix = np.zeros((len(documents), len(vocabulary)))
    for row, doc in enumerate(documents):
        for term, n in Counter(doc).items():
            if term in vocabulary:
                matrix[row, vocabulary[term]] = n
    return matrix, vocabulary


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def item_suggestions_compute(*, qualification_pack_code: str) -> int:
    """Suggest a PC for every item of the QP still to be tagged; returns how many got one."""
    nos_list = qualification_pack_nos(code=qualification_pack_code)
    pcs = list(
        PerformanceCriterion.objects.filter(nos__in=nos_list).select_related("nos", "element")
    )
    items = list(
        Item.objects.filter(
            qualification_pack__code=qualification_pack_code, performance_criterion__isnull=True
        )
    )
    if not pcs or not items:
        return 0
    ku_text = {n.pk: " ".join(k.text for k in n.knowledge_items.all()) for n in nos_list}
    pc_docs = [
        _tokens(f"{pc.text} {pc.text} {pc.element.title if pc.element_id else ''} "
                f"{pc.nos.title} {ku_text.get(pc.nos_id, '')}")
        for pc in pcs
    ]  # fmt: skip
    texts = dict(
        ItemVersion.objects.filter(item__in=items, is_latest=True).values_list(
            "item_id", "translations__search_text"
        )
    )
    item_docs = [_tokens(texts.get(item.pk) or "") for item in items]
    counts, vocabulary = tfidf_matrix(pc_docs)
    df = (counts > 0).sum(axis=0)
    idf = np.log((1 + len(pc_docs)) / (1 + df)) + 1
    pc_matrix = _normalise(counts * idf)
    item_counts, _ = tfidf_matrix(item_docs, vocabulary)
    similarity = _normalise(item_counts * idf) @ pc_matrix.T  # (n_items, n_pcs)
    suggested = 0
    with transaction.atomic():
        for i, item in enumerate(items):
            best = int(np.argmax(similarity[i]))
            score = float(similarity[i, best])
            if score <= 0 or math.isnan(score):
                item.suggested_performance_criterion, item.suggestion_score = None, None
            else:
                item.suggested_performance_criterion, item.suggestion_score = pcs[best], score
                suggested += 1
            item.save(update_fields=["suggested_performance_criterion", "suggestion_score"])
    return suggested


def item_suggestions_accept(*, items, user) -> int:
    """Tag each item to its suggested PC (the curator's bulk acceptance); returns how many."""
    done = 0
    for item in items:
        pc = item.suggested_performance_criterion
        if item.performance_criterion_id is None and pc is not None:
            item_tags_set(item=item, user=user, performance_criterion=pc)
            done += 1
    return done
