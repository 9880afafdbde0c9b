from __future__ import annotations

from newsdesk.discovery import similarity

NOW = 1_800_000_000.0
DAY = 86400.0

TEXTS = [
    "Harbour summit talks on shipping tariffs continue in the port city",  # 0
    "Harbour summit talks on shipping tariffs continue in the port city today",  # 1 near copy of 0
    "Shipping tariffs dominate the harbour summit agenda as ministers meet",  # 2
    "Ministers at the harbour summit agree new shipping tariff rules",  # 3
    "Local football club wins the cup final after extra time",  # 4
    "Cup final: football fans celebrate extra time win",  # 5
    "New rail link opens after a decade of delays",  # 6
]


def lists(**overrides: object) -> dict[int, list[similarity.Neighbour]]:
    options: dict = {
        "texts": TEXTS,
        "published": [NOW - DAY] * len(TEXTS),
        "now": NOW,
        "limit": 3,
        "recency_weight": 0.15,
        "recency_half_life_days": 30,
        "duplicate_similarity": 0.8,
    }
    options.update(overrides)
    return similarity.neighbour_lists(**options)  # type: ignore[arg-type]


def test_a_story_is_never_its_own_neighbour() -> None:
    for index, neighbours in lists().items():
        assert index not in [n.index for n in neighbours]


def test_near_duplicates_are_collapsed() -> None:
    result = lists()
    # 1 is a copy of 0: never listed for 0, and for 2 only one of the pair appears.
    assert 1 not in [n.index for n in result[0]]
    picked_for_2 = [n.index for n in result[2]]
    assert not {0, 1} <= set(picked_for_2)
    assert {0, 1} & set(picked_for_2)


def test_similar_topics_come_first() -> None:
    result = lists()
    assert {n.index for n in result[4]} & {5}
    assert result[4][0].index == 5
    assert all(n.index in {0, 1, 2, 3} for n in result[3][:2])


def test_freshness_breaks_near_ties_but_not_topics() -> None:
    import numpy as np

    # Row 0's similarity to: itself, an old close match, a fresh equally close
    # match, an old strong match and a fresh weak one.
    sims = np.array([1.0, 0.5, 0.5, 0.7, 0.3])
    ages = [0, 400, 0, 400, 0]
    recency = np.array(
        [
            similarity.recency_factor(age_days=a, recency_weight=0.15, recency_half_life_days=30)
            for a in ages
        ]
    )
    picked = similarity.neighbours_pick(
        sims,
        index=0,
        recency=recency,
        limit=4,
        duplicate_similarity=0.9,
        pairwise=lambda a, b: 0.0,
    )
    assert [n.index for n in picked] == [3, 2, 1, 4]


def test_recency_factor_is_mild() -> None:
    fresh = similarity.recency_factor(age_days=0, recency_weight=0.15, recency_half_life_days=30)
    old = similarity.recency_factor(age_days=3000, recency_weight=0.15, recency_half_life_days=30)
    assert fresh == 1.0 and 0.85 <= old < 0.851


def test_empty_corpus_has_no_lists() -> None:
    assert lists(texts=[], published=[]) == {}


def test_latent_space_is_used_only_for_a_large_enough_corpus() -> None:
    import numpy as np

    small = similarity.tfidf_matrix(TEXTS)
    assert similarity.lsa_matrix(small) is None
    words = ["harbour", "tariff", "football", "rail", "storm", "summit", "cup", "line"]
    texts = [
        f"{words[n % 8]} {words[(n * 3) % 8]} story {n}" for n in range(similarity.LSA_MIN_DOCS)
    ]
    latent = similarity.lsa_matrix(similarity.tfidf_matrix(texts))
    assert latent is not None and latent.shape[0] == len(texts)
    assert np.allclose(np.linalg.norm(latent, axis=1), 1.0, atol=1e-4)
