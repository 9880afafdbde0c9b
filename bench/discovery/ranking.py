"""Ranking on a seeded synthetic view stream with known ground truth.

Humans read stories (popularity long-tailed, attention fading after
publication, some behind shared addresses); the stream is polluted with
reloads, declared crawlers, fast scrapers rotating reader ids and a slow
scraper pushing one obscure story. The truth is the decayed count of unique
human reads (a reload within the dedupe window is not a read). Every request
goes through the production pipeline: ``read_record`` (bot, scraper and
reload filters on the counters cache), the read buffer, batched
``reads_flush`` into the database, and ``stories_most_read``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

HOUR = 3600.0
BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
]
CRAWLERS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
]


@dataclass(frozen=True)
class Hit:
    at: float
    story: int
    reader: str
    ip: str
    user_agent: str
    human_read: bool  # counts in the truth


def stream_make(
    *, stories: int = 120, humans: int = 6000, hours: float = 36.0, seed: int = 11
) -> tuple[list[Hit], list[float]]:
    """The polluted stream (time-ordered) and each story's publication time."""
    rng = random.Random(seed)
    start = 1_800_000_000.0
    published = sorted(start + rng.uniform(0, hours * 0.8) * HOUR for _ in range(stories))
    appeal = [1.0 / (rank + 1) ** 0.9 for rank in range(stories)]
    rng.shuffle(appeal)
    hits: list[Hit] = []
    shared_ips = [f"100.64.{n}.1" for n in range(humans // 40)]  # offices / carrier NAT
    for h in range(humans):
        reader = f"human-{h:06d}-aaaaaaaa"
        ip = rng.choice(shared_ips) if rng.random() < 0.15 else f"10.{h // 250}.{h % 250}.7"
        ua = rng.choice(BROWSERS)
        for _ in range(rng.choice([1, 1, 2, 3, 4, 6])):
            at = start + rng.uniform(0, hours) * HOUR
            live = [i for i in range(stories) if published[i] <= at]
            if not live:
                continue
            weights = [appeal[i] * math.exp(-(at - published[i]) / (12 * HOUR)) for i in live]
            story = rng.choices(live, weights=weights)[0]
            hits.append(Hit(at, story, reader, ip, ua, True))
            for _ in range(rng.choice([0, 0, 0, 1, 2])):  # reloads within minutes
                hits.append(Hit(at + rng.uniform(5, 600), story, reader, ip, ua, False))
    # Declared crawlers: every story, several times, from a few addresses.
    for n in range(3000):
        story = rng.randrange(stories)
        at = max(published[story], start + rng.uniform(0, hours) * HOUR)
        hits.append(
            Hit(
                at,
                story,
                f"crawler-{n:06d}-aaaaaa",
                f"66.249.{n % 8}.1",
                rng.choice(CRAWLERS),
                False,
            )
        )
    # Fast scrapers: browser user agents, a new reader id per request, pushing
    # a few low-ranked stories hard.
    targets = sorted(range(stories), key=lambda i: appeal[i])[:5]
    for s in range(4):
        ip = f"203.0.113.{s + 1}"
        at = start + rng.uniform(2, hours - 6) * HOUR
        for n in range(3000):
            at += rng.uniform(0.2, 2.0)
            story = rng.choice(targets)
            hits.append(
                Hit(
                    max(at, published[story]),
                    story,
                    f"fast-{s}-{n:06d}-aaaaaa",
                    ip,
                    rng.choice(BROWSERS),
                    False,
                )
            )
    # A slow scraper: one obscure story, one request every few minutes, all
    # day, a fresh reader id each time, from one address.
    victim = targets[0]
    at = published[victim]
    n = 0
    while at < start + hours * HOUR:
        hits.append(Hit(at, victim, f"slow-{n:06d}-aaaaaaaaaa", "198.51.100.9", BROWSERS[0], False))
        at += rng.uniform(240, 420)
        n += 1
    hits.sort(key=lambda hit: hit.at)
    return hits, published


def truth_scores(
    hits: list[Hit], *, stories: int, now: float, half_life_hours: float
) -> np.ndarray:
    """Decayed unique human reads per story at ``now``."""
    scores = np.zeros(stories)
    for hit in hits:
        if hit.human_read:
            scores[hit.story] += 2.0 ** (-(now - hit.at) / (half_life_hours * HOUR))
    return scores


def ndcg_at(ranked: list[int], truth: np.ndarray, k: int = 10) -> float:
    """nDCG@k of a ranking, the truth's decayed counts as graded relevance."""
    gains = [truth[i] for i in ranked[:k]]
    ideal = sorted(truth, reverse=True)[:k]
    dcg = sum(g / math.log2(r + 2) for r, g in enumerate(gains))
    idcg = sum(g / math.log2(r + 2) for r, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def ranking_evaluate(*, quick: bool = False) -> dict[str, object]:
    """Run the stream through the production pipeline; compare its top 10 with the truth."""
    from django.core.cache import caches

    from newsdesk import conf
    from newsdesk.discovery.selectors import stories_most_read
    from newsdesk.engagement.buffer import read_buffer
    from newsdesk.engagement.services import read_record, reads_flush
    from newsdesk.newsroom.models import Story

    from .setup import stories_create

    count = 80 if quick else 120
    hits, published = stream_make(stories=count, humans=3000 if quick else 6000)
    ids = stories_create(count, published=published)
    caches["counters"].clear()
    read_buffer().drain()
    half_life = conf.get_float("RANKING_HALF_LIFE_HOURS")
    verdicts: dict[str, int] = {}
    next_flush = hits[0].at + 600
    for hit in hits:
        if hit.at >= next_flush:
            reads_flush()  # the periodic flush, every ten simulated minutes
            next_flush = hit.at + 600
        verdict = read_record(
            story_id=ids[hit.story],
            reader=hit.reader,
            ip=hit.ip,
            user_agent=hit.user_agent,
            now=hit.at,
        )
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
    reads_flush()
    now = hits[-1].at
    truth = truth_scores(hits, stories=count, now=now, half_life_hours=half_life)
    index_of = {story_id: i for i, story_id in enumerate(ids)}
    ranked = [index_of[s.pk] for s in stories_most_read(limit=10)]
    truth_top = list(np.argsort(-truth, kind="stable")[:10])
    naive = np.zeros(count)
    for hit in hits:
        naive[hit.story] += 1
    naive_top = list(np.argsort(-naive, kind="stable")[:10])
    Story.objects.filter(pk__in=ids).delete()
    return {
        "requests": len(hits),
        "human_reads": sum(1 for h in hits if h.human_read),
        "verdicts": verdicts,
        "precision@10": len(set(ranked) & set(truth_top)) / 10,
        "ndcg@10": ndcg_at(ranked, truth),
        "exact_top10": ranked == truth_top,
        "same_top10_set": set(ranked) == set(truth_top),
        "naive_precision@10": len(set(naive_top) & set(truth_top)) / 10,
        "naive_ndcg@10": ndcg_at(naive_top, truth),
    }
