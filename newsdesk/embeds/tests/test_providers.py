"""The provider registry: pure, no Django, no network."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from newsdesk.embeds import providers
from newsdesk.embeds.providers import Box, box_for, provider_match

MASTODON = frozenset({"mastodon.social", "journa.host"})

# (pasted URL, provider, canonical URL, frame URL)
CASES = [
    # YouTube: watch, short link with a start time, shorts, live, embed, nocookie, mobile
    (
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=share",
        "youtube",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
    ),
    (
        "https://youtu.be/dQw4w9WgXcQ?t=1m30s",
        "youtube",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90s",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&start=90",
    ),
    (
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=42",
        "youtube",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&start=42",
    ),
    (
        "https://youtube.com/shorts/dQw4w9WgXcQ?si=x",
        "youtube",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
    ),
    (
        "https://www.youtube.com/live/dQw4w9WgXcQ",
        "youtube",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
    ),
    (
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "youtube",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
    ),
    # Vimeo: public, unlisted (hash), player, channel
    (
        "https://vimeo.com/76979871",
        "vimeo",
        "https://vimeo.com/76979871",
        "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1",
    ),
    (
        "https://vimeo.com/76979871/8272103f6e",
        "vimeo",
        "https://vimeo.com/76979871/8272103f6e",
        "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1&h=8272103f6e",
    ),
    (
        "https://player.vimeo.com/video/76979871?h=8272103f6e&badge=0",
        "vimeo",
        "https://vimeo.com/76979871/8272103f6e",
        "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1&h=8272103f6e",
    ),
    (
        "https://vimeo.com/channels/staffpicks/76979871",
        "vimeo",
        "https://vimeo.com/76979871",
        "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1",
    ),
    # X: x.com and twitter.com, mobile, photo suffix, /i/web/
    (
        "https://x.com/jack/status/20",
        "x",
        "https://twitter.com/jack/status/20",
        "https://platform.twitter.com/embed/Tweet.html?id=20&dnt=true",
    ),
    (
        "https://mobile.twitter.com/jack/status/20/photo/1?s=20",
        "x",
        "https://twitter.com/jack/status/20",
        "https://platform.twitter.com/embed/Tweet.html?id=20&dnt=true",
    ),
    (
        "https://twitter.com/i/web/status/20",
        "x",
        "https://twitter.com/i/status/20",
        "https://platform.twitter.com/embed/Tweet.html?id=20&dnt=true",
    ),
    # Instagram: post, reel, a post under a user name
    (
        "https://www.instagram.com/p/CxYz12345/?utm_source=ig_web_copy_link",
        "instagram",
        "https://www.instagram.com/p/CxYz12345/",
        "https://www.instagram.com/p/CxYz12345/embed/",
    ),
    (
        "https://instagram.com/reels/CxYz12345",
        "instagram",
        "https://www.instagram.com/reel/CxYz12345/",
        "https://www.instagram.com/reel/CxYz12345/embed/",
    ),
    (
        "https://www.instagram.com/someone/p/CxYz12345/",
        "instagram",
        "https://www.instagram.com/p/CxYz12345/",
        "https://www.instagram.com/p/CxYz12345/embed/",
    ),
    # TikTok
    (
        "https://www.tiktok.com/@scout2015/video/6718335390845095173?lang=en",
        "tiktok",
        "https://www.tiktok.com/@scout2015/video/6718335390845095173",
        "https://www.tiktok.com/player/v1/6718335390845095173?autoplay=1&rel=0",
    ),
    (
        "https://www.tiktok.com/embed/v2/6718335390845095173",
        "tiktok",
        "https://www.tiktok.com/embed/v2/6718335390845095173",
        "https://www.tiktok.com/player/v1/6718335390845095173?autoplay=1&rel=0",
    ),
    # Bluesky: by DID (frame known), by handle (frame from the oEmbed answer)
    (
        "https://bsky.app/profile/did:plc:oky5czdrnfjpqslsw2a5iclo/post/3l6oveex3ii2l",
        "bluesky",
        "https://bsky.app/profile/did:plc:oky5czdrnfjpqslsw2a5iclo/post/3l6oveex3ii2l",
        "https://embed.bsky.app/embed/did:plc:oky5czdrnfjpqslsw2a5iclo/app.bsky.feed.post/3l6oveex3ii2l",
    ),
    (
        "https://bsky.app/profile/Jay.bsky.team/post/3l6oveex3ii2l",
        "bluesky",
        "https://bsky.app/profile/jay.bsky.team/post/3l6oveex3ii2l",
        "",
    ),
    # Mastodon, on a configured server
    (
        "https://mastodon.social/@Gargron/109367419214374212",
        "mastodon",
        "https://mastodon.social/@Gargron/109367419214374212",
        "https://mastodon.social/@Gargron/109367419214374212/embed",
    ),
    (
        "https://journa.host/users/someone/statuses/111",
        "mastodon",
        "https://journa.host/@someone/111",
        "https://journa.host/@someone/111/embed",
    ),
    # Threads: .net and .com
    (
        "https://www.threads.net/@zuck/post/C8hUqHkvQLa?xmt=x",
        "threads",
        "https://www.threads.com/@zuck/post/C8hUqHkvQLa",
        "https://www.threads.com/@zuck/post/C8hUqHkvQLa/embed",
    ),
    (
        "https://threads.com/t/C8hUqHkvQLa",
        "threads",
        "https://www.threads.com/t/C8hUqHkvQLa",
        "https://www.threads.com/t/C8hUqHkvQLa/embed",
    ),
    # Facebook: a post, a video, a watch link, the post plugin's own URL
    (
        "https://www.facebook.com/zuck/posts/10114031239703701",
        "facebook",
        "https://www.facebook.com/zuck/posts/10114031239703701",
        "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2Fzuck%2Fposts%2F10114031239703701&show_text=true&width=500",
    ),
    (
        "https://m.facebook.com/nasa/videos/1234567890/",
        "facebook",
        "https://www.facebook.com/nasa/videos/1234567890",
        "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fnasa%2Fvideos%2F1234567890&show_text=false&width=560&autoplay=true",
    ),
    (
        "https://www.facebook.com/watch/?v=10155278547321729",
        "facebook",
        "https://www.facebook.com/watch/?v=10155278547321729",
        "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fwatch%2F%3Fv%3D10155278547321729&show_text=false&width=560&autoplay=true",
    ),
    (
        "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2F20531316728%2Fposts%2F10154009990506729%2F",
        "facebook",
        "https://www.facebook.com/20531316728/posts/10154009990506729",
        "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2F20531316728%2Fposts%2F10154009990506729&show_text=true&width=500",
    ),
    # Spotify: track (compact), episode, a country prefix, the embed URL
    (
        "https://open.spotify.com/intl-de/track/4cOdK2wGLETKBW3PvgPWqT?si=x",
        "spotify",
        "https://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT",
        "https://open.spotify.com/embed/track/4cOdK2wGLETKBW3PvgPWqT",
    ),
    (
        "https://open.spotify.com/embed/episode/4cOdK2wGLETKBW3PvgPWqT",
        "spotify",
        "https://open.spotify.com/episode/4cOdK2wGLETKBW3PvgPWqT",
        "https://open.spotify.com/embed/episode/4cOdK2wGLETKBW3PvgPWqT",
    ),
    # SoundCloud: track, set, the player's own URL
    (
        "https://soundcloud.com/forss/flickermood",
        "soundcloud",
        "https://soundcloud.com/forss/flickermood",
        "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fforss%2Fflickermood&auto_play=true&visual=false&show_comments=false",
    ),
    (
        "https://soundcloud.com/forss/sets/soulhack",
        "soundcloud",
        "https://soundcloud.com/forss/sets/soulhack",
        "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fforss%2Fsets%2Fsoulhack&auto_play=true&visual=false&show_comments=false",
    ),
    (
        "https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/293&color=%23ff5500",
        "soundcloud",
        "https://api.soundcloud.com/tracks/293",
        "https://w.soundcloud.com/player/?url=https%3A%2F%2Fapi.soundcloud.com%2Ftracks%2F293&auto_play=true&visual=false&show_comments=false",
    ),
    # OpenStreetMap: a marker, a view, the export frame
    (
        "https://www.openstreetmap.org/?mlat=51.5007&mlon=-0.1246#map=17/51.5007/-0.1246",
        "openstreetmap",
        "https://www.openstreetmap.org/?mlat=51.50070&mlon=-0.12460#map=17/51.50070/-0.12460",
        "https://www.openstreetmap.org/export/embed.html?bbox=-0.12803,51.49910,-0.12117,51.50230&layer=mapnik&marker=51.50070,-0.12460",
    ),
    (
        "https://osm.org/#map=15/51.50070/-0.12460",
        "openstreetmap",
        "https://www.openstreetmap.org/#map=15/51.50070/-0.12460",
        "https://www.openstreetmap.org/export/embed.html?bbox=-0.13833,51.49429,-0.11087,51.50711&layer=mapnik",
    ),
    (
        "https://www.openstreetmap.org/export/embed.html?bbox=-0.13%2C51.49%2C-0.11%2C51.51&layer=mapnik&marker=51.5007%2C-0.1246",
        "openstreetmap",
        "https://www.openstreetmap.org/export/embed.html?bbox=-0.13,51.49,-0.11,51.51&layer=mapnik&marker=51.50070,-0.12460",
        "https://www.openstreetmap.org/export/embed.html?bbox=-0.13,51.49,-0.11,51.51&layer=mapnik&marker=51.50070,-0.12460",
    ),
    # Google Maps: a place, a view, a search, the embed frame
    (
        "https://www.google.com/maps/place/Big+Ben/@51.5007292,-0.1246254,17z/data=!3m1!4b1",
        "googlemaps",
        "https://www.google.com/maps/place/Big%20Ben/@51.50073,-0.12463,17z",
        "https://www.google.com/maps?q=Big+Ben&ll=51.50073%2C-0.12463&z=17&output=embed",
    ),
    (
        "https://www.google.co.uk/maps/@51.5007,-0.1246,15z",
        "googlemaps",
        "https://www.google.com/maps/@51.50070,-0.12460,15z",
        "https://www.google.com/maps?q=51.50070%2C-0.12460&ll=51.50070%2C-0.12460&z=15&output=embed",
    ),
    (
        "https://maps.google.com/?q=Big+Ben+London",
        "googlemaps",
        "https://www.google.com/maps?q=Big+Ben+London",
        "https://www.google.com/maps?q=Big+Ben+London&output=embed",
    ),
    (
        "https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d2483.5!2d-0.12!3d51.50",
        "googlemaps",
        "https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d2483.5!2d-0.12!3d51.50",
        "https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d2483.5!2d-0.12!3d51.50",
    ),
]


@pytest.mark.parametrize(("url", "provider", "canonical", "frame"), CASES)
def test_each_url_form_gives_its_canonical_url_and_frame(
    url: str, provider: str, canonical: str, frame: str
) -> None:
    match = provider_match(url, mastodon_hosts=MASTODON)

    assert match is not None
    assert (match.provider.name, match.url, match.frame_url) == (provider, canonical, frame)


@pytest.mark.parametrize(("url", "provider", "canonical", "frame"), CASES)
def test_a_canonical_url_is_its_own_canonical_form(
    url: str, provider: str, canonical: str, frame: str
) -> None:
    again = provider_match(canonical, mastodon_hosts=MASTODON)

    assert again is not None and again.url == canonical and again.frame_url == frame


@pytest.mark.parametrize(("url", "provider", "canonical", "frame"), CASES)
def test_every_frame_is_on_one_of_its_providers_frame_origins(
    url: str, provider: str, canonical: str, frame: str
) -> None:
    if not frame:
        return
    origin = f"https://{urlsplit(frame).hostname}"
    assert origin in providers.BY_NAME[provider].frame_origins or (
        provider == "mastodon" and urlsplit(frame).hostname in MASTODON
    )
    assert providers.frame_allowed(frame, mastodon_hosts=MASTODON)


def test_every_required_provider_is_registered() -> None:
    labels = {p.label for p in providers.PROVIDERS}
    assert labels == {
        "YouTube",
        "Vimeo",
        "X",
        "Instagram",
        "TikTok",
        "Bluesky",
        "Mastodon",
        "Threads",
        "Facebook",
        "Spotify",
        "SoundCloud",
        "OpenStreetMap",
        "Google Maps",
    }
    assert {case[1] for case in CASES} == set(providers.BY_NAME)


@pytest.mark.parametrize(
    "url",
    [
        # look-alike hosts
        "https://www.youtube.com.evil.test/watch?v=dQw4w9WgXcQ",
        "https://youtube.com.evil.test/watch?v=dQw4w9WgXcQ",
        "https://evilyoutube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be.evil.test/dQw4w9WgXcQ",
        "https://x.com.evil.test/jack/status/20",
        "https://notx.com/jack/status/20",
        "https://evil.test/www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://evil.test/?u=https://x.com/jack/status/20",
        # the provider's host hidden behind a user name, an odd port, another scheme
        "https://www.youtube.com@evil.test/watch?v=dQw4w9WgXcQ",
        "https://user:pass@www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
        "javascript://www.youtube.com/%0aalert(1)",
        "ftp://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "//www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com\\@evil.test/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n<script>",
        # right host, not a post
        "https://www.youtube.com/",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ<script>",
        "https://www.youtube.com/@SomeChannel",
        "https://x.com/jack",
        "https://x.com/jack/status/notanumber",
        "https://www.instagram.com/someone/",
        "https://soundcloud.com/discover/sets/x",
        "https://soundcloud.com/forss/likes",
        "https://open.spotify.com/track/tooshort",
        "https://www.openstreetmap.org/#map=15/95.0/0",
        "https://www.google.com/search?q=big+ben",
        "https://www.google.com/maps/",
        "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fevil.test%2Fposts%2F1",
        "https://w.soundcloud.com/player/?url=https%3A%2F%2Fevil.test%2Fa%2Fb",
        # Mastodon only on the configured servers
        "https://mastodon.evil.test/@Gargron/109367419214374212",
        "https://mastodon.social.evil.test/@Gargron/109367419214374212",
        # not text at all
        "",
        "x" * 3000,
    ],
)
def test_look_alikes_and_non_posts_match_nothing(url: str) -> None:
    assert provider_match(url, mastodon_hosts=MASTODON) is None


def test_mastodon_posts_match_only_on_configured_servers() -> None:
    url = "https://mastodon.social/@Gargron/109367419214374212"
    assert provider_match(url) is None
    assert provider_match(url, mastodon_hosts={"mastodon.social"}) is not None


def test_mastodon_hosts_setting_refuses_what_is_not_a_server_name() -> None:
    assert providers.mastodon_hosts_parse(" Mastodon.Social , journa.host,") == {
        "mastodon.social",
        "journa.host",
    }
    for bad in ["https://mastodon.social", "mastodon social", "localhost", "youtube.com"]:
        with pytest.raises(ValueError):
            providers.mastodon_hosts_parse(bad)


def test_frame_src_lists_exactly_the_providers_frame_origins() -> None:
    origins = providers.frame_origins(mastodon_hosts={"journa.host"})

    assert origins == list(dict.fromkeys(origins))
    assert all(o.startswith("https://") and o.count("/") == 2 for o in origins)
    assert "https://www.youtube-nocookie.com" in origins
    assert "https://www.youtube.com" not in origins
    assert "https://journa.host" in origins
    assert "https://mastodon.social" not in origins


def test_frame_allowed_refuses_other_origins_and_schemes() -> None:
    assert providers.frame_allowed("https://player.vimeo.com/video/1")
    assert not providers.frame_allowed("http://player.vimeo.com/video/1")
    assert not providers.frame_allowed("https://player.vimeo.com:444/video/1")
    assert not providers.frame_allowed("https://player.vimeo.com.evil.test/video/1")
    assert not providers.frame_allowed("javascript:alert(1)")


def test_buttons_say_what_they_load() -> None:
    def action(url: str) -> str:
        match = provider_match(url, mastodon_hosts=MASTODON)
        assert match is not None
        return match.action

    assert action("https://youtu.be/dQw4w9WgXcQ") == "Play video"
    assert action("https://x.com/jack/status/20") == "Load the post from X"
    assert action("https://soundcloud.com/forss/flickermood") == "Load the player from SoundCloud"
    assert action("https://osm.org/#map=15/51.5/-0.12") == "Load the map from OpenStreetMap"


def test_boxes_match_the_shape_of_what_the_frame_shows() -> None:
    def box(url: str) -> Box:
        match = provider_match(url, mastodon_hosts=MASTODON)
        assert match is not None
        return match.box

    assert box("https://youtu.be/dQw4w9WgXcQ") == Box(ratio="16x9")
    assert box("https://youtube.com/shorts/dQw4w9WgXcQ") == Box(ratio="9x16")
    assert box("https://www.tiktok.com/embed/v2/6718335390845095173").tall
    assert box("https://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT") == Box(height=152)
    assert box("https://x.com/jack/status/20").css_class == "embed-card__box--h560"


def test_box_for_picks_the_nearest_ratio_and_ignores_nonsense() -> None:
    default = Box(ratio="16x9")
    assert box_for(640, 480, default=default) == Box(ratio="4x3")
    assert box_for(480, 854, default=default) == Box(ratio="9x16")
    assert box_for(1920, 800, default=default) == Box(ratio="21x9")
    for width, height in [(0, 1), (-5, 5), ("640", 480), (True, 1), (None, None), (10**9, 1)]:
        assert box_for(width, height, default=default) == default


def test_bluesky_frame_comes_from_the_oembed_answer_for_a_handle() -> None:
    match = provider_match("https://bsky.app/profile/jay.bsky.team/post/3l6oveex3ii2l")
    assert match is not None
    did = "did:plc:oky5czdrnfjpqslsw2a5iclo"
    answer = {
        "html": f'<blockquote data-bluesky-uri="at://{did}/app.bsky.feed.post/3l6oveex3ii2l">'
    }
    other_post = {"html": f'<blockquote data-bluesky-uri="at://{did}/app.bsky.feed.post/zzz">'}

    assert providers.match_complete(match, answer).frame_url == (
        f"https://embed.bsky.app/embed/{did}/app.bsky.feed.post/3l6oveex3ii2l"
    )
    assert providers.match_complete(match, other_post).frame_url == ""
    assert providers.match_complete(match, {"html": 5}).frame_url == ""


def test_oembed_request_carries_the_canonical_url() -> None:
    match = provider_match("https://youtu.be/dQw4w9WgXcQ")
    assert match is not None
    assert providers.oembed_url(match) == (
        "https://www.youtube.com/oembed?format=json&url="
        "https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DdQw4w9WgXcQ"
    )
    assert providers.oembed_url(match, endpoint="http://127.0.0.1:9/o").startswith(
        "http://127.0.0.1:9/o?url="
    )
    osm = provider_match("https://osm.org/#map=15/51.5/-0.12")
    assert osm is not None and providers.oembed_url(osm) == ""


def test_registry_and_snippets_import_nothing_of_django() -> None:
    code = (
        "import sys, newsdesk.embeds.providers, newsdesk.embeds.snippets, "
        "newsdesk.embeds.oembed, newsdesk.outbound; print('django' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
