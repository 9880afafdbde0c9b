"""Scoring for Recommended for you (pure, no Django).

A candidate's score blends three signals, each in ``[0, 1]``:

- content: similarity to the stories this reader read (from the stored Related
  neighbour lists), weighted towards recent reads;
- co-reading: how often readers of those stories also read the candidate
  ("readers of X also read Y"), normalised per read story;
- popularity: the candidate's decayed read count relative to the most read,
  a small prior that orders otherwise equal candidates.

Every recommendation names the read story that contributed most to it, for
"Because you read ...".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_WEIGHTS = (0.6, 0.3, 0.1)  # content, co-reading, popularity


@dataclass(frozen=True)
class Recommendation:
    story_id: int
    score: float
    because_id: int | None


def read_weights(
    reads: Iterable[tuple[int, float]], *, now: float, half_life_hours: float = 72.0
) -> dict[int, float]:
    """Weight of each read story: recent reads count more (halving every ``half_life_hours``)."""
    weights: dict[int, float] = {}
    for story_id, at in reads:
        weight = 2.0 ** (-max(now - at, 0.0) / (half_life_hours * 3600.0))
        weights[story_id] = max(weights.get(story_id, 0.0), weight)
    return weights


def recommendations_score(
    *,
    weights: Mapping[int, float],
    content: Mapping[int, Iterable[tuple[int, float]]],
    coread: Mapping[int, Iterable[tuple[int, float]]],
    popularity: Mapping[int, float],
    exclude: set[int],
    limit: int,
    blend: tuple[float, float, float] = DEFAULT_WEIGHTS,
) -> list[Recommendation]:
    """The ``limit`` best candidates, never one in ``exclude`` or already read."""
    content_weight, coread_weight, popularity_weight = blend
    total = sum(weights.values()) or 1.0
    banned = set(exclude) | set(weights)
    scores: dict[int, float] = {}
    best_reason: dict[int, tuple[float, int]] = {}

    def add(read_id: int, candidate: int, value: float) -> None:
        if candidate in banned or value <= 0.0:
            return
        scores[candidate] = scores.get(candidate, 0.0) + value
        if value > best_reason.get(candidate, (0.0, 0))[0]:
            best_reason[candidate] = (value, read_id)

    for read_id, weight in weights.items():
        share = weight / total
        for candidate, similarity in content.get(read_id, ()):
            add(read_id, candidate, content_weight * share * similarity)
        pairs = list(coread.get(read_id, ()))
        top = max((count for _, count in pairs), default=0.0)
        for candidate, count in pairs:
            if top > 0:
                add(read_id, candidate, coread_weight * share * count / top)
    top_popularity = max(popularity.values(), default=0.0)
    if top_popularity > 0 and popularity_weight > 0:
        for candidate, value in popularity.items():
            if candidate not in banned:
                scores[candidate] = (
                    scores.get(candidate, 0.0) + popularity_weight * value / top_popularity
                )
    ranked = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
    return [
        Recommendation(
            story_id=candidate,
            score=score,
            because_id=best_reason[candidate][1] if candidate in best_reason else None,
        )
        for candidate, score in ranked
    ]


def coread_counts(
    shelves: Iterable[set[int]], read_ids: set[int]
) -> dict[int, list[tuple[int, float]]]:
    """Per read story X: how many other readers of X read each other story Y."""
    counts: dict[int, dict[int, float]] = {}
    for shelf in shelves:
        for x in shelf & read_ids:
            bucket = counts.setdefault(x, {})
            for y in shelf - read_ids:
                bucket[y] = bucket.get(y, 0.0) + 1.0
    return {x: list(bucket.items()) for x, bucket in counts.items()}
