"""Snapshots taken at publish time, against a stand-in provider: good, slow, huge, broken, hostile."""

from __future__ import annotations

import socket
from typing import Any

import lxml.html
import pytest

from newsdesk.embeds import services
from newsdesk.embeds.models import Embed
from newsdesk.live.models import StoryEvent
from newsdesk.media.models import Media
from newsdesk.media.tests import images
from newsdesk.newsroom.errors import PermissionDenied

from .standin import StandIn, body_route, chunked_route, json_route, slow_route

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(media_root: Any) -> None:
    """Thumbnails go to this test's own directory."""


VIDEO = "https://youtu.be/dQw4w9WgXcQ"
VIDEO_KEY = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
POST = "https://x.com/jack/status/20"

GOOD_VIDEO = {
    "type": "video",
    "version": "1.0",
    "title": "Harbour summit: the arrival",
    "author_name": "Newsdesk Video",
    "author_url": "https://www.youtube.com/@newsdesk",
    "width": 480,
    "height": 270,
    "html": '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>',
}
GOOD_POST = {
    "type": "rich",
    "author_name": "jack",
    "author_url": "https://twitter.com/jack",
    "html": '<blockquote class="twitter-tweet"><p lang="en">just setting up my twttr</p>'
    '&mdash; jack (@jack) <a href="https://twitter.com/jack/status/20">March 21, 2006</a>'
    "</blockquote>",
}


def cards(html: str) -> list[Any]:
    return lxml.html.fragment_fromstring(html, create_parent="div").xpath(
        "//figure[@data-embed-card]"
    )


def test_a_video_link_alone_on_its_line_becomes_a_card_from_the_snapshot(
    oembed_standin: StandIn, live_story: Any, publish: Any
) -> None:
    oembed_standin.routes["/oembed"] = json_route(GOOD_VIDEO)

    entry = publish(live_story, f"The delegations arrive.\n\n{VIDEO}\n\nMore soon.")

    [card] = cards(entry.body_html)
    assert card.get("data-embed-status") == "ok"
    assert card.get("data-embed-frame") == (
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    )
    assert "Harbour summit: the arrival" in card.text_content()
    assert card.xpath(".//a[@data-embed-load]")[0].text_content() == "Play video"
    assert "embed-card__box--r16x9" in card.xpath(".//*[@data-embed-box]")[0].get("class")
    assert "<p>The delegations arrive.</p>" in entry.body_html
    [request] = oembed_standin.requests
    assert request.query["url"] == VIDEO_KEY
    embed = Embed.objects.get()
    assert (embed.url, embed.status, embed.title, embed.author_name) == (
        VIDEO_KEY,
        "ok",
        "Harbour summit: the arrival",
        "Newsdesk Video",
    )


def test_a_post_card_shows_the_posts_words_as_text(
    oembed_standin: StandIn, live_story: Any, publish: Any
) -> None:
    oembed_standin.routes["/oembed"] = json_route(GOOD_POST)

    entry = publish(live_story, POST)

    [card] = cards(entry.body_html)
    assert card.xpath(".//blockquote")[0].text_content().strip() == "just setting up my twttr"
    assert card.xpath(".//a[@data-embed-load]")[0].text_content() == "Load the post from X"
    assert "embed-card__box--h560" in card.xpath(".//*[@data-embed-box]")[0].get("class")


def test_a_pasted_embed_code_becomes_the_same_card(
    oembed_standin: StandIn, live_story: Any, publish: Any
) -> None:
    oembed_standin.routes["/oembed"] = json_route(GOOD_VIDEO)
    code = (
        '<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ?si=x" '
        'title="YouTube video player" frameborder="0" allowfullscreen></iframe>'
    )

    entry = publish(live_story, f"Watch:\n{code}")

    assert "iframe" not in entry.body_html and "&lt;" not in entry.body_html
    assert "“" not in entry.body_html  # no curled quotes from a code shown as text
    [card] = cards(entry.body_html)
    assert card.get("data-embed-status") == "ok"
    assert entry.body == f"Watch:\n{code}"  # what the reporter typed is kept as typed


def test_a_stored_snapshot_is_reused_without_asking_again(
    oembed_standin: StandIn, live_story: Any, publish: Any
) -> None:
    oembed_standin.routes["/oembed"] = json_route(GOOD_VIDEO)

    publish(live_story, VIDEO)
    publish(live_story, "Again:\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=share")

    assert len(oembed_standin.requests) == 1
    assert Embed.objects.count() == 1


def test_a_map_needs_no_request_at_all(oembed_standin: StandIn, live_story: Any, publish: Any):
    entry = publish(live_story, "https://www.openstreetmap.org/?mlat=51.5007&mlon=-0.1246")

    [card] = cards(entry.body_html)
    assert card.get("data-embed-frame").startswith("https://www.openstreetmap.org/export/")
    assert "Map: 51.5007° N, 0.1246° W" in card.text_content()
    assert oembed_standin.requests == []


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (slow_route(30, GOOD_VIDEO), "did not answer in time"),
        (chunked_route(5_000_000), "far more than"),
        (body_route(b"x" * 400_000, "application/json"), "far more than"),
        (body_route(b"<html><body>Sign in</body></html>", "text/html"), "not oEmbed data"),
        (body_route(b'["a", "list"]', "application/json"), "not oEmbed data"),
        (body_route(b'{"title": "unterminated', "application/json"), "not oEmbed data"),
        (json_route({"error": "not found"}, status=404), "may have been deleted"),
        (json_route({"error": "private"}, status=401), "may be private"),
        (json_route({}, status=500), "HTTP 500"),
    ],
)
def test_a_bad_answer_makes_a_clean_link_card_and_a_failed_snapshot(
    oembed_standin: StandIn, live_story: Any, publish: Any, route: Any, reason: str
) -> None:
    oembed_standin.routes["/oembed"] = route

    entry = publish(live_story, f"Video:\n\n{VIDEO}")

    [card] = cards(entry.body_html)
    assert card.get("data-embed-status") == "failed"
    assert card.get("data-embed-frame") is None
    [link] = card.xpath(".//a")
    assert link.get("href") == VIDEO_KEY
    embed = Embed.objects.get()
    assert embed.status == "failed" and reason in embed.failure
    assert (embed.title, embed.author_name, embed.text, embed.frame_url) == ("", "", "", "")


def test_script_in_the_answer_is_text_never_markup(
    oembed_standin: StandIn, live_story: Any, publish: Any
) -> None:
    oembed_standin.routes["/oembed"] = json_route(
        {
            "title": "<script>alert(1)</script>Title",
            "author_name": '<img src=x onerror="alert(2)">',
            "author_url": "javascript:alert(3)",
            "thumbnail_url": "javascript:alert(4)",
            "html": '<blockquote><p>Hi <script>alert(5)</script><b onclick="x()">there</b>'
            '</p><iframe src="javascript:alert(6)"></iframe></blockquote>',
            "width": "<b>480</b>",
        }
    )

    entry = publish(live_story, POST)

    tree = lxml.html.fragment_fromstring(entry.body_html, create_parent="div")
    assert tree.xpath("//script|//iframe|//img|//b") == []
    assert not any(name.startswith("on") for element in tree.iter() for name in element.attrib)
    assert "javascript:" not in entry.body_html
    embed = Embed.objects.get()
    assert embed.title == "<script>alert(1)</script>Title"
    assert embed.author_url == "" and embed.width is None
    assert embed.text == "Hi there"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Title" in entry.body_html


def test_a_provider_on_a_private_address_is_never_asked(
    monkeypatch: pytest.MonkeyPatch, standin: StandIn, live_story: Any, publish: Any
) -> None:
    # A Mastodon server name that resolves to this machine, as a hostile DNS entry would.
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "social.internal.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setenv("NEWSDESK_EMBED_MASTODON_HOSTS", "social.internal.test")
    monkeypatch.setenv("NEWSDESK_OEMBED_TIMEOUT_SECONDS", "1")

    entry = publish(live_story, "https://social.internal.test/@someone/1234")

    [card] = cards(entry.body_html)
    assert card.get("data-embed-status") == "failed"
    assert "not one this server may contact" in Embed.objects.get().failure


def test_a_thumbnail_on_a_private_address_is_not_fetched(
    oembed_standin: StandIn, live_story: Any, publish: Any
) -> None:
    internal = StandIn().start()
    try:
        internal.routes["/secret.jpg"] = body_route(b"\xff\xd8secret", "image/jpeg")
        oembed_standin.routes["/oembed"] = json_route(
            {**GOOD_VIDEO, "thumbnail_url": f"{internal.url}/secret.jpg"}
        )

        entry = publish(live_story, VIDEO)

        assert cards(entry.body_html)[0].get("data-embed-status") == "ok"
        assert internal.requests == []
    finally:
        internal.close()


def test_two_slow_providers_cost_one_budget_and_publishing_still_succeeds(
    oembed_standin: StandIn, live_story: Any, publish: Any
) -> None:
    oembed_standin.routes["/oembed"] = slow_route(30, GOOD_VIDEO)

    entry = publish(live_story, f"{VIDEO}\n\n{POST}")

    assert [c.get("data-embed-status") for c in cards(entry.body_html)] == ["failed", "failed"]
    assert len(oembed_standin.requests) == 2


def test_a_failed_provider_is_asked_again_only_after_a_while(
    oembed_standin: StandIn, live_story: Any, publish: Any
) -> None:
    oembed_standin.routes["/oembed"] = json_route({}, status=503)
    publish(live_story, VIDEO)
    oembed_standin.routes["/oembed"] = json_route(GOOD_VIDEO)

    soon = publish(live_story, VIDEO)
    assert cards(soon.body_html)[0].get("data-embed-status") == "failed"
    assert len(oembed_standin.requests) == 1

    Embed.objects.update(fetched_at=Embed.objects.get().fetched_at - services.RETRY_AFTER)
    later = publish(live_story, VIDEO)
    assert cards(later.body_html)[0].get("data-embed-status") == "ok"


def test_a_failure_never_replaces_a_snapshot_that_worked(oembed_standin: StandIn) -> None:
    oembed_standin.routes["/oembed"] = json_route(GOOD_VIDEO)
    embed = services.embed_resolve(url=VIDEO)
    oembed_standin.routes["/oembed"] = json_route({}, status=500)

    again = services.embed_refresh(embed=embed)

    assert again.status == "ok" and again.title == GOOD_VIDEO["title"]
    assert Embed.objects.get().status == "ok"


def test_try_again_rerenders_the_entry_for_open_pages_without_marking_it_corrected(
    oembed_standin: StandIn, live_story: Any, publish: Any, editor: Any
) -> None:
    oembed_standin.routes["/oembed"] = json_route({}, status=503)
    entry = publish(live_story, f"Footage:\n\n{VIDEO}")
    embed = Embed.objects.get()
    oembed_standin.routes["/oembed"] = json_route(GOOD_VIDEO)

    [redone] = services.embed_retry(embed=embed, story=live_story, actor=editor)

    assert redone.pk == entry.pk and redone.version == entry.version + 1
    assert not redone.corrected
    assert cards(redone.body_html)[0].get("data-embed-status") == "ok"
    event = StoryEvent.objects.filter(story=live_story).order_by("-seq").first()
    assert event.kind == "entry-corrected"
    assert 'data-embed-status="ok"' in event.data["html"]


def test_try_again_leaves_entries_the_journalist_may_not_edit(
    oembed_standin: StandIn, live_story: Any, publish: Any, make_journalist: Any
) -> None:
    oembed_standin.routes["/oembed"] = json_route({}, status=503)
    publish(live_story, VIDEO)
    reporter = make_journalist("rita", role="reporter")
    live_story.assignees.add(reporter)
    oembed_standin.routes["/oembed"] = json_route(GOOD_VIDEO)

    redone = services.embed_retry(embed=Embed.objects.get(), story=live_story, actor=reporter)

    assert redone == []
    assert Embed.objects.get().status == "ok"


def test_try_again_needs_a_journalist_on_the_story(
    oembed_standin: StandIn, live_story: Any, make_journalist: Any
) -> None:
    oembed_standin.routes["/oembed"] = json_route(GOOD_VIDEO)
    embed = services.embed_resolve(url=VIDEO)
    outsider = make_journalist("otto", role="reporter")

    with pytest.raises(PermissionDenied):
        services.embed_retry(embed=embed, story=live_story, actor=outsider)


def test_the_thumbnail_is_rehosted_through_the_photo_pipeline(
    oembed_standin: StandIn, live_story: Any, publish: Any
) -> None:
    oembed_standin.routes["/thumb.jpg"] = body_route(images.jpeg(480, 360), "image/jpeg")
    oembed_standin.routes["/oembed"] = json_route(
        {**GOOD_VIDEO, "thumbnail_url": f"{oembed_standin.url}/thumb.jpg"}
    )

    entry = publish(live_story, VIDEO)

    thumbnail = Embed.objects.get().thumbnail
    assert thumbnail is not None and thumbnail.kind == Media.Kind.THUMBNAIL
    assert (thumbnail.width, thumbnail.height, thumbnail.decorative) == (480, 360, True)
    assert not Media.objects.library().exists()  # not in the newsroom's photo library
    [card] = cards(entry.body_html)
    # (//img: lxml's HTML parser does not know <source> is empty and nests the <img> in it.)
    [img] = card.xpath(".//picture[@class='embed-card__thumb']//img")
    assert img.get("src").startswith("/media/") and img.get("alt") == ""
    assert (img.get("width"), img.get("height")) == ("480", "360")
    assert oembed_standin.paths() == ["/oembed", "/thumb.jpg"]


@pytest.mark.parametrize(
    "route",
    [
        body_route(b"<html>not a picture</html>", "image/jpeg"),
        body_route(
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        body_route(images.jpeg(480, 360)[:600], "image/jpeg"),
        body_route(images.jpeg(480, 360), "text/html"),
        json_route({}, status=404),
        chunked_route(20_000_000, "image/jpeg"),
    ],
)
def test_a_thumbnail_that_is_not_a_usable_picture_is_left_out(
    oembed_standin: StandIn, live_story: Any, publish: Any, route: Any
) -> None:
    oembed_standin.routes["/thumb.jpg"] = route
    oembed_standin.routes["/oembed"] = json_route(
        {**GOOD_VIDEO, "thumbnail_url": f"{oembed_standin.url}/thumb.jpg"}
    )

    entry = publish(live_story, VIDEO)

    [card] = cards(entry.body_html)
    assert card.get("data-embed-status") == "ok" and card.xpath(".//picture") == []
    assert Embed.objects.get().thumbnail is None
    assert not Media.objects.exists()
