from __future__ import annotations

import itertools
import math
import random

import pytest

from newsdesk.discovery import decay

H = 6.0
T0 = 1_800_000_000.0


def score(reads: list[float]) -> float:
    return decay.log_score_add(decay.EMPTY, reads_at=reads, half_life_hours=H)


def test_a_story_without_new_reads_halves_each_half_life() -> None:
    stored = score([T0, T0 + 60, T0 + 3600])
    now = T0 + 7200
    for k in range(1, 5):
        later = decay.decayed_count(stored, now=now + k * H * 3600, half_life_hours=H)
        assert later == pytest.approx(
            decay.decayed_count(stored, now=now, half_life_hours=H) / 2**k
        )


def test_a_fresh_read_is_worth_one() -> None:
    assert decay.decayed_count(score([T0]), now=T0, half_life_hours=H) == pytest.approx(1.0)


def test_stored_score_matches_the_direct_sum() -> None:
    rng = random.Random(4)
    reads = [T0 + rng.uniform(0, 72 * 3600) for _ in range(500)]
    now = T0 + 80 * 3600
    direct = sum(2 ** (-(now - t) / (H * 3600)) for t in reads)
    assert decay.decayed_count(score(reads), now=now, half_life_hours=H) == pytest.approx(direct)


def test_order_of_stories_does_not_depend_on_the_reference_time() -> None:
    rng = random.Random(7)
    stories = {
        name: [T0 + rng.uniform(0, 48 * 3600) for _ in range(rng.randint(1, 60))]
        for name in "abcdefghij"
    }
    stored = {name: score(reads) for name, reads in stories.items()}
    orders = set()
    for hours in (48, 60, 100, 1000):
        now = T0 + hours * 3600
        counts = {
            name: decay.decayed_count(value, now=now, half_life_hours=H)
            for name, value in stored.items()
        }
        orders.add(tuple(sorted(counts, key=lambda name: -counts[name])))
    assert len(orders) == 1
    assert orders.pop() == tuple(sorted(stored, key=lambda name: -stored[name]))


def test_the_order_reads_arrive_in_does_not_matter() -> None:
    reads = [T0, T0 + 10, T0 + 5000, T0 + 90_000]
    expected = score(reads)
    for permutation in itertools.permutations(reads):
        assert score(list(permutation)) == pytest.approx(expected, rel=1e-12)


def test_scores_stay_finite_for_decades() -> None:
    far = T0 + 30 * 365 * 24 * 3600
    value = score([far] * 1000)
    assert math.isfinite(value)
    assert decay.decayed_count(value, now=far, half_life_hours=H) == pytest.approx(1000)


def test_log_add_is_log_of_summed_exponentials() -> None:
    assert decay.log_add(math.log(2), math.log(3)) == pytest.approx(math.log(5))
    assert decay.log_add(decay.EMPTY, 1.5) == 1.5
    assert decay.decayed_count(decay.EMPTY, now=T0, half_life_hours=H) == 0.0
