"""Site search over stories and entries: PostgreSQL full-text search or SQLite FTS5."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, TextField, Value
from django.db.models.functions import Concat
from django.utils.safestring import SafeString, mark_safe

from newsdesk.newsroom.models import Entry, Story

from .services import ENTRY_FTS, STORY_FTS

PER_PAGE = 10
# Deep pages cost a merge of every hit above them; nobody reads page 50.
MAX_PAGE = 50
MAX_QUERY = 200
PG_CONFIG = "english"
# Control characters cannot come from a form field's text as markup, so they
# mark the highlights safely until the snippet is escaped.
START, STOP = "\x02", "\x03"


@dataclass
class SearchHit:
    """One result: a story, or an entry within its story."""

    story: Story
    entry: Entry | None
    score: float
    snippet: SafeString

    @property
    def url(self) -> str:
        base = self.story.get_absolute_url()
        if self.entry is None:
            return base
        return f"{base}?entry={self.entry.pk}#entry-{self.entry.pk}"

    @property
    def published_at(self) -> Any:
        return self.entry.published_at if self.entry is not None else self.story.published_at


@dataclass
class SearchResults:
    """A page of ranked hits and what a pager needs."""

    query: str
    page: int
    per_page: int
    total: int
    hits: list[SearchHit] = field(default_factory=list)

    @property
    def num_pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // self.per_page)))

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def highlight(snippet: str) -> SafeString:
    """Escape a snippet whose matches are wrapped in START/STOP, then mark them with <mark>."""
    # Markdown punctuation reads as noise in a one-line snippet.
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", snippet)
    text = re.sub(r"(?m)^\s*(?:#{1,6}|>)\s+", "", text)
    text = re.sub(r"\*\*|__|`", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    escaped = html.escape(text, quote=False)
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _fts5_query(query: str) -> str:
    """A web-style query (words, "phrases", -excluded) as an FTS5 expression of quoted strings."""
    wanted: list[str] = []
    unwanted: list[str] = []
    for negate, phrase, word in re.findall(r'(-?)(?:"([^"]*)"|([^\s"]+))', query):
        text = (phrase or word).strip()
        tokens = re.findall(r"\w+", text)
        if not tokens:
            continue
        quoted = '"' + " ".join(tokens) + '"'
        (unwanted if negate else wanted).append(quoted)
    if not wanted:
        return ""
    expression = " AND ".join(wanted)
    for term in unwanted:
        expression = f"({expression}) NOT {term}"
    return expression


def _sqlite_hits(query: str, limit: int) -> tuple[int, list[tuple[float, str, int, str]]]:
    match = _fts5_query(query)
    if not match:
        return 0, []
    story_table = Story._meta.db_table
    entry_table = Entry._meta.db_table
    visible = tuple(str(s) for s in Story.VISIBLE_STATUSES)
    marks = ", ".join(["%s"] * len(visible))
    story_from = (
        f"FROM {STORY_FTS} JOIN {story_table} s ON s.id = {STORY_FTS}.rowid "
        f"WHERE {STORY_FTS} MATCH %s AND s.status IN ({marks})"
    )
    entry_from = (
        f"FROM {ENTRY_FTS} JOIN {entry_table} e ON e.id = {ENTRY_FTS}.rowid "
        f"JOIN {story_table} s ON s.id = e.story_id "
        f"WHERE {ENTRY_FTS} MATCH %s AND e.deleted_at IS NULL AND s.status IN ({marks})"
    )
    params = [match, *visible]
    rows: list[tuple[float, str, int, str]] = []
    total = 0
    with connection.cursor() as cursor:
        # bm25() is lower for better matches; a headline match weighs most.
        cursor.execute(
            f"SELECT s.id, -bm25({STORY_FTS}, 10.0, 4.0, 1.0), "
            f"snippet({STORY_FTS}, -1, %s, %s, '…', 24) {story_from} "
            "ORDER BY 2 DESC, s.published_at DESC LIMIT %s",
            [START, STOP, *params, limit],
        )
        rows += [(score, "story", pk, snip) for pk, score, snip in cursor.fetchall()]
        cursor.execute(
            f"SELECT e.id, -bm25({ENTRY_FTS}, 4.0, 1.0), "
            f"snippet({ENTRY_FTS}, 1, %s, %s, '…', 24) {entry_from} "
            "ORDER BY 2 DESC, e.published_at DESC LIMIT %s",
            [START, STOP, *params, limit],
        )
        rows += [(score, "entry", pk, snip) for pk, score, snip in cursor.fetchall()]
        cursor.execute(f"SELECT count(*) {story_from}", params)
        total += cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) {entry_from}", params)
        total += cursor.fetchone()[0]
    return total, rows


def _postgres_hits(query: str, limit: int) -> tuple[int, list[tuple[float, str, int, str]]]:
    search = SearchQuery(query, search_type="websearch", config=PG_CONFIG)
    options: dict[str, Any] = {
        "start_sel": START,
        "stop_sel": STOP,
        "max_words": 30,
        "min_words": 12,
        "config": PG_CONFIG,
    }
    story_vector = (
        SearchVector("headline", weight="A", config=PG_CONFIG)
        + SearchVector("standfirst", weight="B", config=PG_CONFIG)
        + SearchVector("body", weight="C", config=PG_CONFIG)
    )
    entry_vector = SearchVector("title", weight="A", config=PG_CONFIG) + SearchVector(
        "body", weight="C", config=PG_CONFIG
    )
    stories = (
        Story.objects.filter(status__in=Story.VISIBLE_STATUSES)
        .annotate(document=story_vector)
        .filter(document=search)
    )
    entries = (
        Entry.objects.visible()
        .filter(story__status__in=Story.VISIBLE_STATUSES)
        .annotate(document=entry_vector)
        .filter(document=search)
    )
    total = stories.count() + entries.count()
    story_rows = (
        stories.annotate(
            score=SearchRank(F("document"), search),
            snip=SearchHeadline(
                Concat(
                    "headline",
                    Value(". "),
                    "standfirst",
                    Value(" "),
                    "body",
                    output_field=TextField(),
                ),
                search,
                **options,
            ),
        )
        .order_by("-score", "-published_at")
        .values_list("score", "pk", "snip")[:limit]
    )
    entry_rows = (
        entries.annotate(
            score=SearchRank(F("document"), search),
            snip=SearchHeadline("body", search, **options),
        )
        .order_by("-score", "-published_at")
        .values_list("score", "pk", "snip")[:limit]
    )
    rows = [(score, "story", pk, snip) for score, pk, snip in story_rows]
    rows += [(score, "entry", pk, snip) for score, pk, snip in entry_rows]
    return total, rows


def story_search(*, query: str, page: int = 1, per_page: int = PER_PAGE) -> SearchResults:
    """Stories and entries matching ``query``, best first, with highlighted snippets."""
    # Control characters (NUL above all) are never search terms, and PostgreSQL refuses NUL.
    query = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", query).split())[:MAX_QUERY]
    page = max(1, min(page, MAX_PAGE))
    results = SearchResults(query=query, page=page, per_page=per_page, total=0)
    if not query:
        return results
    limit = page * per_page
    if connection.vendor == "postgresql":
        total, rows = _postgres_hits(query, limit)
    else:
        total, rows = _sqlite_hits(query, limit)
    results.total = total
    rows.sort(key=lambda row: row[0], reverse=True)
    chosen = rows[(page - 1) * per_page : limit]
    story_ids = {pk for _, kind, pk, _ in chosen if kind == "story"}
    entry_ids = {pk for _, kind, pk, _ in chosen if kind == "entry"}
    entries = Entry.objects.select_related("story__section", "author__journalist").in_bulk(
        entry_ids
    )
    stories = Story.objects.select_related("section").in_bulk(story_ids)
    for score, kind, pk, snip in chosen:
        entry = entries.get(pk) if kind == "entry" else None
        story = entry.story if entry is not None else stories.get(pk)
        if story is None:
            continue
        results.hits.append(
            SearchHit(story=story, entry=entry, score=float(score), snippet=highlight(snip or ""))
        )
    return results
