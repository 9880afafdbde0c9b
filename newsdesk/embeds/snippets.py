"""Pasted embed codes: found in Markdown text and replaced with the URL they embed.

Journalists paste what the provider's "Embed" button gives them: an
``<iframe src=...>``, X's ``<blockquote class="twitter-tweet">`` followed by a
``<script>``, Instagram's, TikTok's, Bluesky's, Threads' and Mastodon's
blockquotes, Facebook's SDK ``<div class="fb-post">``. Entry bodies allow no raw
HTML, so such a paste would show as text; instead each recognised code becomes
its canonical URL on a line of its own, which the Markdown step turns into the
same embed card as a pasted link. Nothing of the pasted HTML is kept: only a URL
that ``providers.provider_match`` accepts comes out. A code that names no known
provider is left alone (and shows as text). Fenced code blocks are left alone.

Pure: no Django, no network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

from . import providers

# A snippet, with its wrappers and scripts, is never longer than this; the
# limit keeps every search below linear in the entry's length.
MAX_SNIPPET = 20_000
# Elements looked at in one stretch of text; a body stuffed with tags costs no more.
MAX_ATTEMPTS = 200

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[ \t]*$|\Z)", re.M | re.S)
_START = re.compile(r"<(iframe|blockquote|div)\b", re.I)
_EMBED_CLASSES = {
    "twitter-tweet",
    "twitter-video",
    "instagram-media",
    "tiktok-embed",
    "bluesky-embed",
    "text-post-media",
    "mastodon-embed",
    "fb-xfbml-parse-ignore",
    "fb-post",
    "fb-video",
}
# What providers' codes put around or after the element that names the post.
_SCRIPT_AFTER = re.compile(r"\s*<script\b[^>]{0,2000}>[^<]{0,2000}</script\s*>", re.I)
_BREAK_AFTER = re.compile(r"\s*<br\s*/?>", re.I)
_CREDIT_AFTER = re.compile(r"\s*<(small|div|p)\b[^>]{0,2000}>(.{0,4000}?)</\1\s*>", re.I | re.S)
_CLOSE_DIV_AFTER = re.compile(r"\s*</div\s*>", re.I)
_OPEN_DIV_BEFORE = re.compile(r"<div\b[^>]{0,2000}>\s*\Z", re.I)
_SCRIPT_BEFORE = re.compile(r"<script\b[^>]{0,2000}>\s*</script\s*>\s*\Z", re.I)
_FB_ROOT_BEFORE = re.compile(r"<div\s+id=[\"']?fb-root[\"']?\s*>\s*</div\s*>\s*\Z", re.I)
_HREF = re.compile(r"""href\s*=\s*["']([^"']{1,2000})["']""", re.I)


class _Elements(HTMLParser):
    """Every start tag of a snippet, with its attributes (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))


def _elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def _absolute(url: str) -> str:
    url = url.strip()
    return f"https:{url}" if url.startswith("//") else url


def _candidates(html: str) -> list[str]:
    """The URLs a snippet names, most telling first."""
    elements = _elements(html)
    if not elements:
        return []
    tag, attrs = elements[0]
    classes = set(attrs.get("class", "").split())
    found: list[str] = []
    if tag == "iframe":
        found.append(attrs.get("src", ""))
        return found
    if not classes & _EMBED_CLASSES:
        return []
    for name in ("data-href", "data-instgrm-permalink", "data-text-post-permalink", "cite"):
        if attrs.get(name):
            found.append(attrs[name])
    if attrs.get("data-bluesky-uri"):
        found.append(providers.bluesky_url(attrs["data-bluesky-uri"]))
    if attrs.get("data-embed-url"):
        found.append(re.sub(r"/embed/?$", "", attrs["data-embed-url"]))
    # X's code ends with the post's own link (after the author's and the media's).
    links = [a.get("href", "") for t, a in elements if t == "a"]
    found.extend(reversed(links))
    for inner_tag, inner in elements[1:]:
        if inner_tag == "blockquote" and inner.get("cite"):
            found.append(inner["cite"])
    return found


def _close(text: str, start: int, tag: str) -> int:
    """The end of the element opened at ``start`` (nesting counted), or -1."""
    pattern = re.compile(rf"<(/?){tag}\b[^>]*>", re.I)
    depth = 0
    limit = min(len(text), start + MAX_SNIPPET)
    for found in pattern.finditer(text, start, limit):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return found.end()
    return -1


def _owner(url: str, mastodon_hosts: Iterable[str]) -> str:
    found = providers.provider_match(_absolute(url), mastodon_hosts=mastodon_hosts)
    if found:
        return found.provider.name
    parts = providers.url_parse(_absolute(url))
    if parts is None:
        return ""
    host = parts.host.removeprefix("www.")
    for provider in providers.PROVIDERS:
        if host in {h.removeprefix("www.") for h in provider.hosts}:
            return provider.name
    return ""


def _extend(
    text: str, start: int, end: int, provider: str, hosts: Iterable[str]
) -> tuple[int, int]:
    """Widen [start, end) over the wrappers, scripts and credits a provider's code adds."""
    while True:
        before = text[max(0, start - 4000) : start]
        wrapped = _OPEN_DIV_BEFORE.search(before)
        closing = _CLOSE_DIV_AFTER.match(text, end)
        if wrapped and closing:
            start -= len(before) - wrapped.start()
            end = closing.end()
            continue
        for pattern in (_SCRIPT_BEFORE, _FB_ROOT_BEFORE):
            found = pattern.search(before)
            if found:
                start -= len(before) - found.start()
                break
        else:
            break
    while True:
        for pattern in (_SCRIPT_AFTER, _BREAK_AFTER):
            found = pattern.match(text, end)
            if found:
                end = found.end()
                break
        else:
            credit = _CREDIT_AFTER.match(text, end)
            links = _HREF.findall(credit.group(2)) if credit else []
            if credit and links and all(_owner(link, hosts) == provider for link in links):
                end = credit.end()
                continue
            break
    return start, end


def _opening_names_embed(opening: str, tag: str) -> bool:
    if tag == "iframe":
        return True
    elements = _elements(opening)
    classes = set(elements[0][1].get("class", "").split()) if elements else set()
    return bool(classes & _EMBED_CLASSES)


def _replace_in(text: str, mastodon_hosts: Iterable[str]) -> str:
    out: list[str] = []
    position = search_from = 0
    for _attempt in range(MAX_ATTEMPTS):
        found = _START.search(text, search_from)
        if not found:
            break
        search_from = found.end()
        tag = found.group(1).lower()
        opening_end = text.find(">", found.start(), found.start() + 4000)
        if opening_end < 0 or not _opening_names_embed(text[found.start() : opening_end + 1], tag):
            continue
        end = _close(text, found.start(), tag)
        if end < 0:
            if tag != "iframe":
                continue
            end = opening_end + 1
        match = None
        for candidate in _candidates(text[found.start() : end]):
            match = providers.provider_match(_absolute(candidate), mastodon_hosts=mastodon_hosts)
            if match:
                break
        if match is None:
            continue
        start, end = _extend(text, found.start(), end, match.provider.name, mastodon_hosts)
        start = max(start, position)
        out.append(text[position:start])
        out.append(f"\n\n{match.url}\n\n")
        position = search_from = end
    out.append(text[position:])
    return "".join(out)


def snippets_replace(text: str, *, mastodon_hosts: Iterable[str] = ()) -> str:
    """``text`` with every recognised embed code replaced by its URL on a line of its own."""
    if "<" not in text:
        return text
    hosts = frozenset(mastodon_hosts)
    out: list[str] = []
    position = 0
    for fence in _FENCE.finditer(text):
        out.append(_replace_in(text[position : fence.start()], hosts))
        out.append(fence.group(0))
        position = fence.end()
    out.append(_replace_in(text[position:], hosts))
    return "".join(out)
