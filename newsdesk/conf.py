"""Every ``NEWSDESK_*`` environment variable, in one place.

Read where used (``conf.get("SITE_NAME")``), never at import time, so tests and
processes can change them. ``docs/configuration.md`` documents each one; a
test fails when the two disagree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    default: str
    help: str


SETTINGS: dict[str, Setting] = {
    "DATA_DIR": Setting(".newsdesk", "Directory for the SQLite database and the secret key."),
    "DATABASE_URL": Setting(
        "",
        "PostgreSQL URL, e.g. postgres://user@host:5432/newsdesk. Unset: SQLite in the data directory.",
    ),
    "TEST_DATABASE_NAME": Setting(
        "", "Name of the database the test suite creates (default: Django's test_<name>)."
    ),
    "REDIS_URL": Setting(
        "", "Redis URL for the broker, caches, counters and rate limits. Unset: in-process."
    ),
    "SECRET_KEY": Setting("", "Django secret key. Unset: a random key kept in the data directory."),
    "DEBUG": Setting("0", "Django debug mode; never in production."),
    "PRODUCTION": Setting("0", "Turn on HTTPS-only cookies, HSTS and the SSL redirect."),
    "SSL_REDIRECT": Setting("1", "With PRODUCTION, redirect plain HTTP to HTTPS."),
    "ALLOWED_HOSTS": Setting("*", "Comma-separated host names this site answers to."),
    "CSRF_TRUSTED_ORIGINS": Setting(
        "", "Comma-separated origins trusted for CSRF (https://news.example)."
    ),
    "TIME_ZONE": Setting(
        "Europe/London", "The site's time zone, used when the reader's own is unknown."
    ),
    "LOG_LEVEL": Setting("INFO", "Log level of the root logger."),
    "SITE_NAME": Setting(
        "The Newsdesk Times", "Site name shown in the masthead, feeds and structured data."
    ),
    "SITE_URL": Setting(
        "",
        "Public origin (https://news.example) for absolute URLs in feeds, sitemaps and embeds. Unset: taken from the request.",
    ),
    "SITE_LOGO_URL": Setting(
        "",
        "Absolute URL of the publisher logo in structured data. Unset: the bundled logo.",
    ),
    "TWITTER_SITE": Setting("", "The site's X/Twitter handle (@newsdesk) for card tags."),
    "REPLAY_LIMIT": Setting(
        "1000", "A stream client further behind than this many events gets a reset."
    ),
    "HEARTBEAT_SECONDS": Setting("15", "Seconds between heartbeat comments on idle streams."),
    "LOG_POLL_SECONDS": Setting(
        "2", "Seconds between checks of the event log for events the broker lost."
    ),
    "STREAM_BUFFER": Setting(
        "64", "Events a stream connection may have waiting before it is dropped as too slow."
    ),
    "ENTRIES_PER_PAGE": Setting("20", "Live entries on one page of a story."),
}


def get(name: str) -> str:
    """Return the value of ``NEWSDESK_<name>``, or its documented default."""
    return os.environ.get(f"NEWSDESK_{name}", SETTINGS[name].default)


def get_int(name: str) -> int:
    """Return ``NEWSDESK_<name>`` as an integer."""
    return int(get(name))


def get_float(name: str) -> float:
    """Return ``NEWSDESK_<name>`` as a float."""
    return float(get(name))
