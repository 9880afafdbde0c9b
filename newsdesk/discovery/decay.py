"""Exponentially decayed read counts kept in log space (pure, no Django).

A read at time ``t`` is worth ``2 ** -((now - t) / half_life)`` at ``now``. The
sum over reads factors as ``2 ** -((now - epoch) / half_life)`` times
``sum(2 ** ((t - epoch) / half_life))``: the second factor does not depend on
``now``, so it is stored (as its logarithm, to stay finite for years) and never
recomputed. Ordering stories by the stored value orders them by their decayed
count at any reference time, and a story with no new reads halves each
half-life without a write.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

LN2 = math.log(2.0)
# A fixed origin for the stored exponent: 2024-01-01T00:00:00Z as a Unix time.
EPOCH = 1_704_067_200.0
# The stored value of a story that was never read.
EMPTY = float("-inf")


def read_weight_log(*, at: float, half_life_hours: float) -> float:
    """The log-weight of one read at Unix time ``at`` relative to the epoch."""
    return LN2 * (at - EPOCH) / (half_life_hours * 3600.0)


def log_add(a: float, b: float) -> float:
    """``log(exp(a) + exp(b))`` without overflow."""
    if a == EMPTY:
        return b
    if b == EMPTY:
        return a
    high, low = (a, b) if a >= b else (b, a)
    return high + math.log1p(math.exp(low - high))


def log_score_add(log_score: float, *, reads_at: Iterable[float], half_life_hours: float) -> float:
    """The stored log-score after adding reads at the given Unix times."""
    for at in reads_at:
        log_score = log_add(log_score, read_weight_log(at=at, half_life_hours=half_life_hours))
    return log_score


def decayed_count(log_score: float, *, now: float, half_life_hours: float) -> float:
    """The decayed number of reads at Unix time ``now`` (for display and tests)."""
    if log_score == EMPTY:
        return 0.0
    return math.exp(log_score - read_weight_log(at=now, half_life_hours=half_life_hours))
