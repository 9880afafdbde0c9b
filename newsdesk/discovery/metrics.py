"""Ranking metrics computed exactly as MIND's official ``evaluate.py`` does (pure).

Per impression: AUC (scikit-learn's ``roc_auc_score``), MRR, nDCG@5 and
nDCG@10 over the candidates' labels (1 clicked, 0 not) and the model's scores;
the reported figure is the mean over impressions. See
https://github.com/msnews/MIND/blob/master/evaluate.py (``dcg_score``,
``ndcg_score``, ``mrr_score``, ``scoring``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import roc_auc_score


def dcg_score(y_true: Sequence[float], y_score: Sequence[float], k: int = 10) -> float:
    """Discounted cumulative gain of the top ``k`` by score, gains ``2**label - 1``."""
    order = np.argsort(np.asarray(y_score))[::-1]
    gains_in_order = np.take(np.asarray(y_true), order[:k])
    gains = 2**gains_in_order - 1
    discounts = np.log2(np.arange(len(gains_in_order)) + 2)
    return float(np.sum(gains / discounts))


def ndcg_score(y_true: Sequence[float], y_score: Sequence[float], k: int = 10) -> float:
    """DCG@k of the scores over DCG@k of the ideal order."""
    best = dcg_score(y_true, y_true, k)
    actual = dcg_score(y_true, y_score, k)
    return actual / best


def mrr_score(y_true: Sequence[float], y_score: Sequence[float]) -> float:
    """Mean reciprocal rank of the clicked candidates."""
    order = np.argsort(np.asarray(y_score))[::-1]
    labels = np.take(np.asarray(y_true), order)
    rr_score = labels / (np.arange(len(labels)) + 1)
    return float(np.sum(rr_score) / np.sum(labels))


def auc_score(y_true: Sequence[float], y_score: Sequence[float]) -> float:
    """Area under the ROC curve of one impression."""
    return float(roc_auc_score(y_true, y_score))


def impressions_score(
    impressions: Sequence[tuple[Sequence[float], Sequence[float]]],
) -> dict[str, float]:
    """Mean AUC, MRR, nDCG@5 and nDCG@10 over ``(labels, scores)`` impressions."""
    aucs, mrrs, ndcg5s, ndcg10s = [], [], [], []
    for labels, scores in impressions:
        aucs.append(auc_score(labels, scores))
        mrrs.append(mrr_score(labels, scores))
        ndcg5s.append(ndcg_score(labels, scores, 5))
        ndcg10s.append(ndcg_score(labels, scores, 10))
    return {
        "auc": float(np.mean(aucs)),
        "mrr": float(np.mean(mrrs)),
        "ndcg@5": float(np.mean(ndcg5s)),
        "ndcg@10": float(np.mean(ndcg10s)),
    }
