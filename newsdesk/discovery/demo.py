"""Simulated reading history for the demo, so its discovery lists mean something.

The readers are simulated: each prefers one or two sections and reads a few
stories over the last day, more often the popular ones. Their reads go through
the same batch writer as real ones (counts, history, Ranking scores), a share
of them react, and the Related lists are computed at the end.
"""

from __future__ import annotations

import random
import time
from typing import Any

from newsdesk.engagement.reactions import reaction_kinds
from newsdesk.engagement.services import reaction_set, reads_apply
from newsdesk.newsroom.models import Story

from .services import related_refresh

DEMO_READERS = 240


def demo_reading_history(
    newsroom: Any = None, *, readers: int = DEMO_READERS, seed: int = 7
) -> int:
    """Simulate readers reading and reacting to the visible stories; return the reads made."""
    stories = list(
        Story.objects.filter(status__in=Story.VISIBLE_STATUSES).select_related("section")
    )
    if not stories:
        return 0
    rng = random.Random(seed)
    now = time.time()
    by_root: dict[str, list[Story]] = {}
    for story in stories:
        by_root.setdefault(story.section.path.split("/")[0], []).append(story)
    # A long-tailed popularity: a few stories draw most of the reads.
    order = stories[:]
    rng.shuffle(order)
    appeal = {story.pk: 1.0 / (rank + 1) ** 0.8 for rank, story in enumerate(order)}
    roots = sorted(by_root)
    kinds = [kind for kind, _ in reaction_kinds()]
    reads: list[tuple[int, str, float]] = []
    for n in range(readers):
        reader = f"demo-reader-{n:04d}-sim"
        liked = rng.sample(roots, k=min(len(roots), rng.choice([1, 1, 2])))
        seen: set[int] = set()
        for _ in range(rng.randint(1, 6)):
            pool = by_root[rng.choice(liked)] if rng.random() < 0.75 else stories
            pool = [s for s in pool if s.pk not in seen] or [s for s in stories if s.pk not in seen]
            if not pool:
                break
            story = rng.choices(pool, weights=[appeal[s.pk] for s in pool])[0]
            seen.add(story.pk)
            reads.append((story.pk, reader, now - rng.uniform(0, 24 * 3600)))
            if kinds and rng.random() < 0.3:
                reaction_set(story=story, reader=reader, kind=rng.choice(kinds))
    reads.sort(key=lambda read: read[2])
    reads_apply(reads)
    # TF-IDF only here: loading the embedding model would slow every demo load;
    # the next background recomputation blends them in when installed.
    related_refresh(now=now, embeddings=False)
    return len(reads)
