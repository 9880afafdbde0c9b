"""Recommended for you with SIMULATED readers over NewsArticles (no public news click
log is available offline).

Each simulated reader has topic preferences (Dirichlet, concentrated) and reads
a handful of labelled articles over a few days, more often the popular ones.
Their last read is held out; the impression is that article plus 19 unread
ones sampled like a site's "shown" list (weighted by popularity). AUC, MRR,
nDCG@5 and nDCG@10 are MIND's ``evaluate.py`` metrics
(``newsdesk.discovery.metrics``). Scorers: random, decayed popularity,
content only and the production blend (``recommend.recommendations_score``
over the production neighbour lists, co-reading and decayed popularity).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import numpy as np

from newsdesk.discovery import decay, metrics, recommend, similarity

from .data import Article

NEGATIVES = 19
POPULAR_POOL = 50  # as the production selector
STORED = 20  # neighbours stored per story, as production
HALF_LIFE_HOURS = 6.0


def readers_simulate(
    catalogue: Sequence[Article], *, readers: int, seed: int = 5
) -> tuple[list[list[tuple[int, float]]], dict[int, float]]:
    """Each reader's reads ``(article index, time)`` in order, and the articles' appeal."""
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    topics = sorted({a.topic for a in catalogue if a.topic})
    by_topic = {t: [a.index for a in catalogue if a.topic == t] for t in topics}
    ranks = [a.index for a in catalogue]
    rng.shuffle(ranks)
    appeal = {index: 1.0 / (rank + 1) ** 0.7 for rank, index in enumerate(ranks)}
    start = 1_800_000_000.0
    histories = []
    for _ in range(readers):
        prefs = nprng.dirichlet([0.3] * len(topics))
        at = start + rng.uniform(0, 72) * 3600
        seen: set[int] = set()
        reads = []
        for _ in range(rng.randint(4, 12)):
            topic = topics[int(nprng.choice(len(topics), p=prefs))]
            pool = [i for i in by_topic[topic] if i not in seen]
            if not pool:
                continue
            pick = rng.choices(pool, weights=[appeal[i] for i in pool])[0]
            seen.add(pick)
            reads.append((pick, at))
            at += rng.uniform(60, 3 * 3600)
        if len(reads) >= 3:
            histories.append(reads)
    return histories, appeal


def recommendations_evaluate(
    articles: Sequence[Article], *, readers: int = 1500, seed: int = 5
) -> dict[str, dict[str, float]]:
    """MIND metrics per scorer on held-out next reads of simulated readers."""
    catalogue = [a for a in articles if a.topic is not None]
    labelled = np.array([a.topic is not None for a in articles])
    lists = similarity.neighbour_lists(
        texts=[a.document for a in articles],
        published=[a.published for a in articles],
        now=max(a.published for a in articles),
        limit=STORED,
        recency_weight=0.15,
        recency_half_life_days=30.0,
        duplicate_similarity=0.8,
        rows=[a.index for a in catalogue],
        allowed_for=lambda row: labelled,
    )
    content = {i: [(n.index, n.similarity) for n in ns] for i, ns in lists.items()}
    histories, appeal = readers_simulate(catalogue, readers=readers, seed=seed)
    rng = random.Random(seed + 1)
    train = [h[:-1] for h in histories]
    held = [h[-1] for h in histories]
    now = max(at for h in histories for _, at in h)
    # Decayed popularity through the production maths, from every training read.
    log_scores: dict[int, float] = {}
    for history in train:
        for index, at in history:
            log_scores[index] = decay.log_add(
                log_scores.get(index, decay.EMPTY),
                decay.read_weight_log(at=at, half_life_hours=HALF_LIFE_HOURS),
            )
    top = sorted(log_scores.items(), key=lambda p: -p[1])[:POPULAR_POOL]
    popularity = {i: math.exp(s - top[0][1]) for i, s in top} if top else {}
    decayed_all = {i: math.exp(s - top[0][1]) for i, s in log_scores.items()} if top else {}
    shelves = [{i for i, _ in h} for h in train]
    catalogue_ids = [a.index for a in catalogue]
    impressions: dict[str, list[tuple[list[int], list[float]]]] = {
        "random": [],
        "decayed popularity": [],
        "content only": [],
        "production blend": [],
    }
    for r, (history, (target, _)) in enumerate(zip(train, held, strict=True)):
        read_ids = {i for i, _ in history}
        unread = [i for i in catalogue_ids if i not in read_ids and i != target]
        negatives: set[int] = set()
        while len(negatives) < NEGATIVES:
            negatives.add(rng.choices(unread, weights=[appeal[i] for i in unread])[0])
        # Shuffled: argsort breaks ties by position, which must not favour the click.
        candidates = [target, *sorted(negatives)]
        rng.shuffle(candidates)
        labels = [int(c == target) for c in candidates]
        weights = recommend.read_weights(history, now=now)
        others = shelves[:r] + shelves[r + 1 :]
        coread = recommend.coread_counts([s for s in others if s & read_ids][:500], read_ids)
        scored = {}
        for name, blend, co in (
            ("content only", (1.0, 0.0, 0.0), {}),
            ("production blend", recommend.DEFAULT_WEIGHTS, coread),
        ):
            recs = recommend.recommendations_score(
                weights=weights,
                content=content,
                coread=co,
                popularity=popularity,
                exclude=set(),
                limit=len(catalogue_ids),
                blend=blend,
            )
            by_id = {rec.story_id: rec.score for rec in recs}
            scored[name] = [by_id.get(c, 0.0) for c in candidates]
        impressions["content only"].append((labels, scored["content only"]))
        impressions["production blend"].append((labels, scored["production blend"]))
        impressions["decayed popularity"].append(
            (labels, [decayed_all.get(c, 0.0) for c in candidates])
        )
        impressions["random"].append((labels, [rng.random() for _ in candidates]))
    result = {name: metrics.impressions_score(rows) for name, rows in impressions.items()}
    result["_meta"] = {"readers": float(len(histories)), "impressions": float(len(held))}
    return result
