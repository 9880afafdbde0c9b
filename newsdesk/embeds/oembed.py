"""Asking providers about a URL: their oEmbed answer (https://oembed.com/) made safe to keep.

No Django: network through ``newsdesk.outbound`` and plain data out. A
provider's answer is untrusted input. Only the fields a card shows are kept,
each as plain text (HTML in them is text, never markup: the card template
escapes it); the post text of X, Bluesky, Mastodon or Threads is the text of
the ``<p>`` elements of the answer's ``html``, which is never kept or shown as
HTML. URLs are kept only when they are http(s). Anything unexpected (an error
status, a body too big or too slow, not JSON, not an object) makes the
snapshot a failure with a sentence saying why, never an exception.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from newsdesk import outbound

from . import providers

logger = logging.getLogger(__name__)

TITLE_MAX = 300
AUTHOR_MAX = 200
TEXT_MAX = 1000


@dataclass(frozen=True)
class Fetching:
    """Where to ask and how much time and data one snapshot may take."""

    endpoints: Mapping[str, str] = field(default_factory=dict)
    mastodon_hosts: frozenset[str] = frozenset()
    timeout: float = 3.0
    max_bytes: int = 256 * 1024
    thumbnail_max_bytes: int = 5 * 1024 * 1024

    def endpoint_for(self, match: providers.Match) -> str:
        """The operator's endpoint for this provider (or ``*``); "" for the provider's own.

        Providers without oEmbed (maps) have none to replace.
        """
        if not match.oembed:
            return ""
        return self.endpoints.get(match.provider.name) or self.endpoints.get("*") or ""

    @property
    def trusted_origins(self) -> frozenset[str]:
        """Origins of configured endpoints: the operator vouches for them."""
        return frozenset(outbound.origin_of(url) for url in self.endpoints.values())


@dataclass(frozen=True)
class Snapshot:
    """What a provider said about a URL, cleaned; ``failure`` when it could not be asked."""

    failure: str = ""
    title: str = ""
    author_name: str = ""
    author_url: str = ""
    text: str = ""
    frame_url: str = ""
    width: int | None = None
    height: int | None = None
    thumbnail: bytes = b""

    @property
    def ok(self) -> bool:
        return not self.failure


def endpoints_parse(value: str) -> dict[str, str]:
    """``provider=url`` pairs (comma-separated; ``*`` for every provider), or ValueError."""
    endpoints: dict[str, str] = {}
    for item in value.split(","):
        if not item.strip():
            continue
        name, _, url = item.partition("=")
        name, url = name.strip().lower(), url.strip()
        if name != "*" and name not in providers.BY_NAME:
            known = ", ".join(providers.BY_NAME)
            raise ValueError(f"{name!r} is not a provider; the providers are {known}")
        try:
            outbound.url_check(url)
        except outbound.OutboundError as error:
            raise ValueError(f"the endpoint for {name} is not an http(s) URL: {error}") from error
        endpoints[name] = url
    return endpoints


def text_clean(value: Any, *, limit: int) -> str:
    """A string field as one line of printable text, at most ``limit`` characters."""
    if not isinstance(value, str):
        return ""
    text = " ".join("".join(c if c.isprintable() else " " for c in value).split())
    return text[: limit - 1] + "…" if len(text) > limit else text


def _size(value: Any) -> int | None:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if 0 < value < 100_000 else None


def _web_url(value: Any) -> str:
    """``value`` when it is an http(s) URL (no credentials, no spaces), else ""."""
    if not isinstance(value, str) or len(value) > providers.MAX_URL_LENGTH:
        return ""
    try:
        return outbound.url_check(value)
    except outbound.OutboundError:
        return ""


class _ParagraphText(HTMLParser):
    """The text inside ``<p>`` elements; every tag dropped, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self.depth += 1
        elif tag in {"script", "style"}:
            self.skip += 1
        elif tag == "br" and self.depth:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self.depth:
            self.depth -= 1
            self.parts.append(" ")
        elif tag in {"script", "style"} and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)


def post_text(html: Any) -> str:
    """The words of a post from its oEmbed ``html`` (the text of its paragraphs)."""
    if not isinstance(html, str) or not html:
        return ""
    parser = _ParagraphText()
    parser.feed(html[:200_000])
    parser.close()
    return text_clean("".join(parser.parts), limit=TEXT_MAX)


def _status_failure(label: str, status: int) -> str:
    if status in {401, 403}:
        return f"{label} would not share this post: it may be private or not embeddable."
    if status == 404:
        return f"{label} does not have this any more: it may have been deleted."
    return f"{label} answered with an error (HTTP {status})."


def _limits(
    fetching: Fetching, deadline: float, *, max_bytes: int, redirects: int
) -> outbound.Limits:
    remaining = max(deadline - time.monotonic(), 0.0)
    return outbound.Limits(
        total_seconds=min(fetching.timeout, remaining),
        connect_seconds=min(fetching.timeout, remaining),
        read_seconds=min(fetching.timeout, remaining),
        max_bytes=max_bytes,
        redirects=redirects,
        trusted_origins=fetching.trusted_origins,
    )


def _thumbnail(url: str, fetching: Fetching, deadline: float) -> bytes:
    """The thumbnail's bytes, or b"" when it cannot be had (the card goes without)."""
    if not url or deadline - time.monotonic() <= 0:
        return b""
    try:
        # Image CDNs redirect; each hop is checked again like the first request.
        answer = outbound.fetch(
            url,
            limits=_limits(fetching, deadline, max_bytes=fetching.thumbnail_max_bytes, redirects=2),
            headers={"Accept": "image/*"},
        )
    except outbound.OutboundError:
        return b""
    if answer.status != 200 or not answer.content_type.startswith("image/"):
        return b""
    return answer.body


def snapshot_take(match: providers.Match, *, fetching: Fetching, deadline: float) -> Snapshot:
    """Ask the provider about ``match`` (by ``deadline``, a ``time.monotonic()`` value)."""
    label = match.provider.label
    request = providers.oembed_url(match, endpoint=fetching.endpoint_for(match))
    if not request:
        # Maps: the URL says everything the card shows.
        return Snapshot(title=match.title, frame_url=match.frame_url)
    try:
        # The provider's own endpoint only, so no redirect is followed.
        answer = outbound.fetch(
            request,
            limits=_limits(fetching, deadline, max_bytes=fetching.max_bytes, redirects=0),
            headers={"Accept": "application/json"},
        )
    except outbound.TimedOut:
        return Snapshot(failure=f"{label} did not answer in time.")
    except outbound.TooLarge:
        return Snapshot(failure=f"{label} sent far more than a description of a post.")
    except outbound.AddressRefused:
        return Snapshot(failure=f"{label}'s address is not one this server may contact.")
    except outbound.OutboundError:
        return Snapshot(failure=f"{label} could not be reached.")
    if answer.status != 200:
        return Snapshot(failure=_status_failure(label, answer.status))
    try:
        data = json.loads(answer.body)
    except (ValueError, RecursionError):
        return Snapshot(failure=f"{label} answered with something that is not oEmbed data.")
    if not isinstance(data, dict):
        return Snapshot(failure=f"{label} answered with something that is not oEmbed data.")
    completed = providers.match_complete(match, data)
    frame = completed.frame_url
    if frame and not providers.frame_allowed(frame, mastodon_hosts=fetching.mastodon_hosts):
        frame = ""
    return Snapshot(
        title=text_clean(data.get("title"), limit=TITLE_MAX),
        author_name=text_clean(data.get("author_name"), limit=AUTHOR_MAX),
        author_url=_web_url(data.get("author_url")),
        text=post_text(data.get("html")) if match.kind == "post" else "",
        frame_url=frame,
        width=_size(data.get("width")),
        height=_size(data.get("height")),
        thumbnail=_thumbnail(_web_url(data.get("thumbnail_url")), fetching, deadline),
    )


def snapshots_take(
    matches: Sequence[providers.Match], *, fetching: Fetching, budget: float
) -> dict[str, Snapshot]:
    """A snapshot for each match, asked side by side; whatever is not back within ``budget`` fails."""
    if not matches:
        return {}
    deadline = time.monotonic() + budget
    # Threads that outlive the budget end by their own deadline; nobody waits for them.
    pool = ThreadPoolExecutor(max_workers=min(len(matches), 4), thread_name_prefix="oembed")
    try:
        futures = {
            m.url: pool.submit(snapshot_take, m, fetching=fetching, deadline=deadline)
            for m in matches
        }
        wait(futures.values(), timeout=max(deadline - time.monotonic(), 0) + 0.25)
        results: dict[str, Snapshot] = {}
        for url, future in futures.items():
            label = next(m.provider.label for m in matches if m.url == url)
            if not future.done():
                results[url] = Snapshot(failure=f"{label} did not answer in time.")
            elif (error := future.exception()) is not None:
                logger.error("Snapshot of %s failed", url, exc_info=error)
                results[url] = Snapshot(failure=f"{label}'s answer could not be read.")
            else:
                results[url] = future.result()
        return results
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
