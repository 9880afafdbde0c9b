"""The MIND metric port against impressions computed by hand."""

from __future__ import annotations

import math

import pytest

from newsdesk.discovery import metrics


def test_mrr_of_a_click_ranked_second() -> None:
    # Ranked by score: c(0), a(1), b(0) -> the click is at rank 2.
    assert metrics.mrr_score([1, 0, 0], [0.5, 0.1, 0.9]) == pytest.approx(0.5)


def test_mrr_averages_over_several_clicks() -> None:
    # Ranks of the clicks: 1 and 3 -> (1/1 + 1/3) / 2.
    assert metrics.mrr_score([1, 0, 1], [0.9, 0.5, 0.1]) == pytest.approx((1 + 1 / 3) / 2)


def test_ndcg_of_a_perfect_ranking_is_one() -> None:
    assert metrics.ndcg_score([0, 1, 0], [0.1, 0.9, 0.2], k=5) == pytest.approx(1.0)


def test_ndcg_of_a_click_ranked_third() -> None:
    # DCG = (2^1 - 1) / log2(3 + 1) = 0.5; ideal DCG = 1 / log2(2) = 1.
    assert metrics.ndcg_score([1, 0, 0], [0.1, 0.9, 0.5], k=10) == pytest.approx(0.5)


def test_ndcg_cut_off_at_k() -> None:
    labels = [0] * 6 + [1]
    scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]  # the click is 7th
    assert metrics.ndcg_score(labels, scores, k=5) == 0.0
    assert metrics.ndcg_score(labels, scores, k=10) == pytest.approx(1 / math.log2(8))


def test_ndcg_with_two_clicks() -> None:
    # Order: c(1), a(0), b(1): DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3).
    value = metrics.ndcg_score([0, 1, 1], [0.5, 0.1, 0.9], k=5)
    assert value == pytest.approx(1.5 / (1 + 1 / math.log2(3)))


def test_auc_counts_correctly_ordered_pairs() -> None:
    # Pairs (click, non-click): (0.8 > 0.3) yes, (0.8 > 0.9) no -> 1/2.
    assert metrics.auc_score([1, 0, 0], [0.8, 0.3, 0.9]) == pytest.approx(0.5)
    assert metrics.auc_score([1, 0, 0, 0], [0.9, 0.1, 0.2, 0.3]) == pytest.approx(1.0)


def test_impressions_score_is_the_mean_over_impressions() -> None:
    result = metrics.impressions_score(
        [
            ([1, 0, 0], [0.9, 0.1, 0.2]),  # auc 1, mrr 1, ndcg 1
            ([1, 0, 0], [0.1, 0.9, 0.5]),  # auc 0, mrr 1/3, ndcg 0.5
        ]
    )
    assert result["auc"] == pytest.approx(0.5)
    assert result["mrr"] == pytest.approx((1 + 1 / 3) / 2)
    assert result["ndcg@5"] == pytest.approx(0.75)
    assert result["ndcg@10"] == pytest.approx(0.75)
