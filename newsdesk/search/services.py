"""Keeping the search index in step with the newsroom's tables.

On SQLite the index is two FTS5 tables over the story and entry tables
(external content, https://www.sqlite.org/fts5.html#external_content_tables),
maintained by triggers: every write reaches the index in the same transaction,
whichever code path made it (services, admin, bulk_create). On PostgreSQL the
text is searched where it lies (GIN expression indexes), so there is nothing
to maintain.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections

from newsdesk import conf
from newsdesk.engagement.counting import counter_incr

STORY_FTS = "search_story_fts"
ENTRY_FTS = "search_entry_fts"
TOKENIZER = "porter unicode61 remove_diacritics 2"

STORY_COLUMNS = ("headline", "standfirst", "body")
ENTRY_COLUMNS = ("title", "body")


def _fts_table_sql(name: str, content: str, columns: tuple[str, ...]) -> str:
    cols = ", ".join(columns)
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5({cols}, "
        f"content='{content}', content_rowid='id', tokenize='{TOKENIZER}')"
    )


def _triggers_sql(name: str, content: str, columns: tuple[str, ...]) -> dict[str, str]:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)
    insert = f"INSERT INTO {name}(rowid, {cols}) VALUES (new.id, {new});"
    delete = f"INSERT INTO {name}({name}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    return {
        f"{name}_ai": f"CREATE TRIGGER IF NOT EXISTS {name}_ai AFTER INSERT ON {content} "
        f"BEGIN {insert} END",
        f"{name}_ad": f"CREATE TRIGGER IF NOT EXISTS {name}_ad AFTER DELETE ON {content} "
        f"BEGIN {delete} END",
        # Only text changes touch the index: publishing an entry bumps the
        # story's updated_at and last_seq, which must not re-index the story.
        f"{name}_au": f"CREATE TRIGGER IF NOT EXISTS {name}_au AFTER UPDATE OF {cols} ON {content} "
        f"WHEN {changed} BEGIN {delete} {insert} END",
    }


def _schema() -> list[tuple[str, str, tuple[str, ...]]]:
    from newsdesk.newsroom.models import Entry, Story

    return [
        (STORY_FTS, Story._meta.db_table, STORY_COLUMNS),
        (ENTRY_FTS, Entry._meta.db_table, ENTRY_COLUMNS),
    ]


def search_index_install(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Create the SQLite FTS5 tables and triggers that are missing; return the tables touched.

    A table that gained triggers here may have missed writes (Django rebuilds a
    SQLite table to alter it, dropping its triggers), so it is rebuilt.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    rebuilt: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        existing = {row[0] for row in cursor.fetchall()}
        for name, content, columns in _schema():
            missing = name not in existing
            if missing:
                cursor.execute(_fts_table_sql(name, content, columns))
            for trigger, sql in _triggers_sql(name, content, columns).items():
                if trigger not in existing:
                    cursor.execute(sql)
                    missing = True
            if missing:
                cursor.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
                rebuilt.append(name)
    return rebuilt


def search_index_uninstall(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Drop the SQLite FTS5 tables and their triggers."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name, content, columns in _schema():
            for trigger in _triggers_sql(name, content, columns):
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {name}")


def search_index_rebuild(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Rebuild the SQLite index from the newsroom's tables (after a restore, say)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name, _, _ in _schema():
            cursor.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")


def search_index_after_migrate(*, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate: put back triggers a table rebuild may have dropped."""
    search_index_install(using=using)


# --- the rate limit -------------------------------------------------------------------

MINUTE = 60


def search_rate_check(*, ip: str, now: float | None = None) -> int:
    """Count one search from ``ip``; return 0, or the seconds to wait when over the limit.

    A search is the most expensive read the site offers, so each address may
    run ``NEWSDESK_SEARCH_IP_RATE`` a minute (in the ``counters`` cache, shared
    through Redis when it is set).
    """
    now = time.time() if now is None else now
    minute = int(now // MINUTE)
    count = counter_incr(caches["counters"], f"search:ip:{ip}:{minute}", 2 * MINUTE)
    if count <= conf.get_int("SEARCH_IP_RATE"):
        return 0
    return max(1, int((minute + 1) * MINUTE - now))
