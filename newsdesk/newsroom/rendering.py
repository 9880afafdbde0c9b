"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitises with an allow-list.

Nothing a reporter types can run script on a reader's page: raw HTML in the
Markdown is escaped by markdown-it (``html=False``) and whatever comes out is
cleaned again by nh3, which also drops ``javascript:`` and other non-web URLs.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "figure",
    "figcaption",
}
INLINE_TAGS = {"strong", "em", "b", "i", "s", "del", "code", "a", "br"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": True})
    md.enable(["linkify", "replacements", "smartquotes", "table", "strikethrough"])
    # Headings inside an entry start at h3: the page owns h1 and h2.
    md.core.ruler.push("demote_headings", _demote_headings)
    return md


def _demote_headings(state) -> None:  # type: ignore[no-untyped-def]
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + 2, 6)
            token.tag = f"h{level}"


def _clean(html: str, tags: set[str]) -> str:
    return nh3.clean(
        html,
        tags=tags,
        attributes={k: v for k, v in ALLOWED_ATTRIBUTES.items() if k in tags},
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def markdown_to_html(text: str) -> str:
    """Render block Markdown (an entry or article body) to sanitised HTML."""
    return _clean(_markdown().render(text), ALLOWED_TAGS).strip()


def markdown_inline_to_html(text: str) -> str:
    """Render one line of inline Markdown (a key point) to sanitised HTML."""
    return _clean(_markdown().renderInline(text), INLINE_TAGS).strip()
