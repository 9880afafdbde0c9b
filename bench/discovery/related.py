"""Related on real news: precision@10 of same-topic neighbours, with bootstrap intervals.

Every article of NewsArticles is in the corpus (TF-IDF is fitted on all 3,824);
the queries and the candidates are the labelled ones, so precision is defined.
Neighbours come from the production code (``similarity.neighbour_lists``: its
recency preference and near-duplicate collapsing included). Cross-outlet
restricts each query's candidates to other outlets, so the shared topic has to
be recognised across house styles.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from newsdesk.discovery import similarity

from .data import CACHE, Article

K = 10
BOOTSTRAP = 2000
# The production defaults (newsdesk.conf): recency weight, its half-life, near duplicates.
RECENCY_WEIGHT = 0.15
RECENCY_DAYS = 30.0
DUPLICATE = 0.8


def bootstrap_interval(values: Sequence[float], *, seed: int = 0) -> tuple[float, float]:
    """95% percentile interval of the mean, resampling queries."""
    rng = np.random.default_rng(seed)
    data = np.asarray(values, dtype=float)
    means = rng.choice(data, size=(BOOTSTRAP, len(data)), replace=True).mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def embeddings_for(articles: Sequence[Article]) -> np.ndarray | None:
    """all-MiniLM-L6-v2 embeddings (cached on disk), or None when not installed."""
    if not similarity.embeddings_available():
        return None
    path = Path(CACHE) / f"newsarticles-minilm-{len(articles)}.npy"
    if path.exists():
        return np.load(path)
    from newsdesk.discovery.services import EMBED_TEXT_MAX

    texts = [f"{a.title}. {a.subtitle} {a.text}"[:EMBED_TEXT_MAX] for a in articles]
    started = time.monotonic()
    matrix = similarity.embedding_matrix(texts)
    print(f"  (embedded {len(texts)} articles in {time.monotonic() - started:.0f}s)")
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, matrix)
    return matrix


def precision_at_k(
    articles: Sequence[Article],
    *,
    cross_outlet: bool,
    embedded: np.ndarray | None = None,
    embedding_weight: float = 0.3,
    lsa_weight: float = 0.3,
    matrix: object = None,
) -> list[float]:
    """Per labelled query: the share of its top-K neighbours with the same topic."""
    labelled = np.array([a.topic is not None for a in articles])
    outlets = np.array([a.outlet for a in articles])
    queries = [a.index for a in articles if a.topic is not None]

    def allowed(row: int) -> np.ndarray:
        return labelled & (outlets != outlets[row]) if cross_outlet else labelled

    lists = similarity.neighbour_lists(
        texts=[a.document for a in articles],
        published=[a.published for a in articles],
        now=max(a.published for a in articles),
        limit=K,
        recency_weight=RECENCY_WEIGHT,
        recency_half_life_days=RECENCY_DAYS,
        duplicate_similarity=DUPLICATE,
        embedded=embedded,
        embedding_weight=embedding_weight,
        lsa_weight=lsa_weight,
        rows=queries,
        allowed_for=allowed,
        matrix=matrix,
    )
    return [
        sum(articles[n.index].topic == articles[q].topic for n in lists[q][:K]) / K for q in queries
    ]


def chance(articles: Sequence[Article], *, cross_outlet: bool) -> float:
    """Expected precision of a random neighbour list."""
    labelled = [a for a in articles if a.topic is not None]
    values = []
    for q in labelled:
        pool = [
            a for a in labelled if a.index != q.index and (not cross_outlet or a.outlet != q.outlet)
        ]
        values.append(sum(a.topic == q.topic for a in pool) / len(pool))
    return float(np.mean(values))


def related_evaluate(articles: Sequence[Article]) -> list[dict[str, object]]:
    """Rows of (method, scope, precision@10, interval)."""
    embedded = embeddings_for(articles)
    matrix = similarity.tfidf_matrix([a.document for a in articles])  # fitted once
    # (name, embeddings, embedding weight, LSA weight)
    methods: list[tuple[str, np.ndarray | None, float, float]] = [
        ("TF-IDF alone", None, 0.0, 0.0),
        ("TF-IDF + LSA (production default)", None, 0.0, 0.3),
    ]
    if embedded is not None:
        methods += [
            ("embeddings alone (all-MiniLM-L6-v2)", embedded, 1.0, 0.0),
            ("TF-IDF + LSA + embeddings (with the extra)", embedded, 0.3, 0.3),
        ]
    rows: list[dict[str, object]] = []
    for scope, cross in (("overall", False), ("cross-outlet", True)):
        rows.append(
            {
                "method": "chance",
                "scope": scope,
                "p@10": chance(articles, cross_outlet=cross),
                "ci": None,
            }
        )
        for name, embedded_matrix, weight, lsa in methods:
            values = precision_at_k(
                articles,
                cross_outlet=cross,
                embedded=embedded_matrix,
                embedding_weight=weight,
                lsa_weight=lsa,
                matrix=matrix,
            )
            rows.append(
                {
                    "method": name,
                    "scope": scope,
                    "p@10": float(np.mean(values)),
                    "ci": bootstrap_interval(values),
                }
            )
    return rows
