"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitises with an allow-list.

Nothing a reporter types can run script on a reader's page: raw HTML in the
Markdown is escaped by markdown-it (``html=False``) and whatever comes out is
cleaned again by nh3, which also drops ``javascript:`` and other non-web URLs.

Embeds (``newsdesk.embeds``) hook in without loosening that: a core rule marks
each top-level line that is nothing but one link a provider owns and puts a
placeholder carrying a random per-render nonce in its place; after nh3 has
cleaned everything, each placeholder becomes the card HTML the hook rendered
from its own template. Text a reporter types cannot forge a placeholder: it
would have to guess the nonce.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

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
}
INLINE_TAGS = {"strong", "em", "b", "i", "s", "del", "code", "a", "br"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
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
    md.core.ruler.push("images_as_links", _images_as_links)
    md.core.ruler.push("embed_lines", _embed_lines)
    return md


def _demote_headings(state) -> None:  # type: ignore[no-untyped-def]
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + 2, 6)
            token.tag = f"h{level}"


def _images_as_links(state: Any) -> None:
    """``![alt](url)`` becomes a link, never an ``<img>`` fetched from a stranger's server.

    Photos are uploaded (newsdesk/media) so they are cleaned, sized and hosted
    here; an image hot-linked from elsewhere could track readers (and the
    page's Content-Security-Policy would block it anyway: img-src is this
    site and its media storage).
    """
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        for child in block.children:
            if child.type != "image":
                children.append(child)
                continue
            alt = "".join(c.content for c in child.children or []) or child.attrs.get("src", "")
            opening = Token("link_open", "a", 1, attrs={"href": child.attrs.get("src", "")})
            children += [
                opening,
                Token("text", "", 0, content=f"Image: {alt}"),
                Token("link_close", "a", -1),
            ]
        block.children = children


class EmbedHook(Protocol):
    """What the Markdown step asks of the embeds app."""

    def match(self, url: str) -> str | None:
        """The canonical URL when a provider owns ``url``, else None."""

    def cards(self, urls: Sequence[str]) -> Mapping[str, str]:
        """Trusted card HTML for each canonical URL (rendered from a template, values escaped)."""


@dataclass
class _EmbedPass:
    hook: EmbedHook
    nonce: str = field(default_factory=lambda: secrets.token_hex(16))
    found: list[str] = field(default_factory=list)

    def placeholder(self, index: int) -> str:
        return f"<p>embed-{self.nonce}-{index}</p>"


def _line_url(line: list[Token]) -> str | None:
    """The URL when a line is one autolink (``<https://...>`` or a bare URL), else None."""
    if len(line) != 3:
        return None
    opening, text, closing = line
    if (
        opening.type != "link_open"
        or opening.markup not in {"linkify", "autolink"}
        or text.type != "text"
        or closing.type != "link_close"
    ):
        return None
    href = opening.attrs.get("href")
    return href if isinstance(href, str) else None


def _paragraph(children: list[Token]) -> list[Token]:
    return [
        Token("paragraph_open", "p", 1, block=True),
        Token("inline", "", 0, children=children, content="", level=1, block=True),
        Token("paragraph_close", "p", -1, block=True),
    ]


def _embed_lines(state: Any) -> None:
    """Give each top-level line that is one provider's link a placeholder of its own."""
    embeds = state.env.get("embeds") if isinstance(state.env, dict) else None
    if not isinstance(embeds, _EmbedPass):
        return
    tokens: list[Token] = state.tokens
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (
            token.type != "paragraph_open"
            or token.level != 0
            or i + 2 >= len(tokens)
            or tokens[i + 1].type != "inline"
        ):
            out.append(token)
            i += 1
            continue
        # Each line with the break that ended the line before it.
        lines: list[tuple[Token | None, list[Token]]] = [(None, [])]
        for child in tokens[i + 1].children or []:
            if child.type in {"softbreak", "hardbreak"}:
                lines.append((child, []))
            else:
                lines[-1][1].append(child)
        canonical = [
            embeds.hook.match(url) if (url := _line_url(line)) else None for _, line in lines
        ]
        if not any(canonical):
            out.extend(tokens[i : i + 3])
            i += 3
            continue
        pending: list[Token] = []
        for (brk, line), url in zip(lines, canonical, strict=True):
            if url is None:
                if pending and brk is not None:
                    pending.append(brk)
                pending.extend(line)
                continue
            if pending:
                out.extend(_paragraph(pending))
                pending = []
            placeholder = embeds.placeholder(len(embeds.found))
            out.append(Token("html_block", "", 0, content=placeholder + "\n", block=True))
            embeds.found.append(url)
        if pending:
            out.extend(_paragraph(pending))
        i += 3
    state.tokens = out


def _clean(html: str, tags: set[str]) -> str:
    return nh3.clean(
        html,
        tags=tags,
        attributes={k: v for k, v in ALLOWED_ATTRIBUTES.items() if k in tags},
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def markdown_to_html(text: str, *, embeds: EmbedHook | None = None) -> str:
    """Render block Markdown (an entry or article body) to sanitised HTML.

    With ``embeds``, a provider's link alone on its line becomes that hook's card.
    """
    if embeds is None:
        return _clean(_markdown().render(text), ALLOWED_TAGS).strip()
    embed_pass = _EmbedPass(hook=embeds)
    html = _clean(_markdown().render(text, {"embeds": embed_pass}), ALLOWED_TAGS)
    if embed_pass.found:
        cards = embeds.cards(list(dict.fromkeys(embed_pass.found)))
        for index, url in enumerate(embed_pass.found):
            html = html.replace(embed_pass.placeholder(index), cards[url], 1)
    return html.strip()


def markdown_inline_to_html(text: str) -> str:
    """Render one line of inline Markdown (a key point) to sanitised HTML."""
    return _clean(_markdown().renderInline(text), INLINE_TAGS).strip()
