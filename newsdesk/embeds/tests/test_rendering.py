"""The Markdown step's embed hook: which lines become cards, and that nothing can fake one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import lxml.html
import pytest

from newsdesk.embeds.providers import provider_match
from newsdesk.embeds.services import entry_body_render
from newsdesk.newsroom.rendering import markdown_to_html

VIDEO = "https://youtu.be/dQw4w9WgXcQ"


class Hook:
    """Cards as plain markers, so that only the Markdown step is under test."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def match(self, url: str) -> str | None:
        found = provider_match(url)
        return found.url if found else None

    def cards(self, urls: Sequence[str]) -> Mapping[str, str]:
        self.asked.append(list(urls))
        return {url: f'<figure class="card" data-url="{url}"></figure>' for url in urls}


def card_urls(html: str) -> list[str]:
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    return [f.get("data-url") for f in tree.xpath("//figure[@class='card']")]


@pytest.mark.parametrize(
    "text",
    [
        VIDEO,
        f"  {VIDEO}  ",
        f"<{VIDEO}>",
        f"Before\n{VIDEO}\nafter",
        f"# Heading\n\n{VIDEO}",
    ],
)
def test_a_provider_link_alone_on_its_line_becomes_a_card(text: str) -> None:
    html = markdown_to_html(text, embeds=Hook())

    assert card_urls(html) == ["https://www.youtube.com/watch?v=dQw4w9WgXcQ"]


def test_text_around_the_link_stays_in_paragraphs_of_its_own() -> None:
    html = markdown_to_html(f"Before **this**\n{VIDEO}\nafter  \nthat", embeds=Hook())

    assert html.startswith("<p>Before <strong>this</strong></p>\n<figure")
    assert html.endswith("</figure>\n<p>after<br>\nthat</p>")


@pytest.mark.parametrize(
    "text",
    [
        f"Watch {VIDEO} now",  # inside a sentence
        f"[the video]({VIDEO})",  # a link with words
        f"> {VIDEO}",  # quoted
        f"- {VIDEO}",  # in a list
        f"`{VIDEO}`",  # code
        f"    {VIDEO}",  # an indented code block
        "https://example.com/watch?v=dQw4w9WgXcQ",  # nobody's post
        "https://www.youtube.com.evil.test/watch?v=dQw4w9WgXcQ",
    ],
)
def test_links_that_are_not_alone_on_a_line_stay_links(text: str) -> None:
    hook = Hook()

    html = markdown_to_html(text, embeds=hook)

    assert card_urls(html) == [] and hook.asked == []


def test_the_same_link_twice_is_asked_about_once_and_shown_twice() -> None:
    hook = Hook()

    html = markdown_to_html(f"{VIDEO}\n\nAgain:\n\n{VIDEO}", embeds=hook)

    assert len(card_urls(html)) == 2
    assert hook.asked == [["https://www.youtube.com/watch?v=dQw4w9WgXcQ"]]


@pytest.mark.parametrize(
    "text",
    [
        "<p>embed-00000000000000000000000000000000-0</p>",
        "embed-00000000000000000000000000000000-0",
        '<figure data-embed-card="youtube" data-embed-status="ok" '
        'data-embed-frame="https://evil.test/">x</figure>',
        '<a data-embed-load href="https://evil.test/">Play video</a>',
    ],
)
@pytest.mark.django_db
def test_typed_text_cannot_forge_a_card(text: str) -> None:
    html = entry_body_render(body=f"{text}\n\nhttps://osm.org/#map=15/51.5/-0.12")

    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    assert len(tree.xpath("//*[@data-embed-card]")) == 1
    assert (
        tree.xpath("//*[@data-embed-frame]")[0]
        .get("data-embed-frame")
        .startswith("https://www.openstreetmap.org/export/embed.html?")
    )
    data = [v for e in tree.iter() for k, v in e.attrib.items() if k.startswith("data-")]
    assert not any("evil.test" in v for v in data)


def test_without_a_hook_nothing_becomes_a_card() -> None:
    assert markdown_to_html(VIDEO) == (
        f'<p><a href="{VIDEO}" rel="nofollow noopener noreferrer">{VIDEO}</a></p>'
    )
