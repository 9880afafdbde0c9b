"""Pasted embed codes: recognised, replaced by the URL they embed, nothing else kept."""

from __future__ import annotations

import pytest

from newsdesk.embeds.snippets import snippets_replace

MASTODON = frozenset({"mastodon.social"})

# What each provider's "Embed" button gives, as pasted (shortened where long).
CODES = {
    "youtube": '<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ?si=abc" title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>',
    "vimeo": '<div style="padding:56.25% 0 0 0;position:relative;"><iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e&amp;badge=0&amp;autopause=0&amp;player_id=0&amp;app_id=58479" frameborder="0" allow="autoplay; fullscreen; picture-in-picture; clipboard-write" style="position:absolute;top:0;left:0;width:100%;height:100%;" title="The New Vimeo Player"></iframe></div><script src="https://player.vimeo.com/api/player.js"></script>',
    "x": '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">just setting up my twttr</p>&mdash; jack (@jack) <a href="https://twitter.com/jack/status/20?ref_src=twsrc%5Etfw">March 21, 2006</a></blockquote> <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>',
    "instagram": '<blockquote class="instagram-media" data-instgrm-captioned data-instgrm-permalink="https://www.instagram.com/p/CxYz12345/?utm_source=ig_embed&amp;utm_campaign=loading" data-instgrm-version="14" style=" background:#FFF;"><div style="padding:16px;"> <a href="https://www.instagram.com/p/CxYz12345/?utm_source=ig_embed&amp;utm_campaign=loading" style="" target="_blank"> <div>View this post on Instagram</div></a><p style=""><a href="https://www.instagram.com/p/CxYz12345/?utm_source=ig_embed&amp;utm_campaign=loading" style="" target="_blank">A post shared by Someone (@someone)</a></p></div></blockquote>\n<script async src="//www.instagram.com/embed.js"></script>',
    "tiktok": '<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@scout2015/video/6718335390845095173" data-video-id="6718335390845095173" style="max-width: 605px;min-width: 325px;" > <section> <a target="_blank" title="@scout2015" href="https://www.tiktok.com/@scout2015?refer=embed">@scout2015</a> Scramble up ur name &#38; I’ll try to guess it😍❤️ <a title="foryoupage" target="_blank" href="https://www.tiktok.com/tag/foryoupage?refer=embed">#foryoupage</a> </section> </blockquote> <script async src="https://www.tiktok.com/embed.js"></script>',
    "bluesky": '<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:oky5czdrnfjpqslsw2a5iclo/app.bsky.feed.post/3l6oveex3ii2l" data-bluesky-cid="bafyrei"><p lang="en">hello</p>&mdash; Jay (<a href="https://bsky.app/profile/did:plc:oky5czdrnfjpqslsw2a5iclo?ref_src=embed">@jay.bsky.team</a>) <a href="https://bsky.app/profile/did:plc:oky5czdrnfjpqslsw2a5iclo/post/3l6oveex3ii2l?ref_src=embed">October 2, 2024 at 5:00 PM</a></blockquote><script async src="https://embed.bsky.app/static/embed.js" charset="utf-8"></script>',
    "threads": '<blockquote class="text-post-media" data-text-post-permalink="https://www.threads.net/@zuck/post/C8hUqHkvQLa" data-text-post-version="0" id="ig-tp-C8hUqHkvQLa" style=" background:#FFF;"> <a href="https://www.threads.net/@zuck/post/C8hUqHkvQLa" style=" background:#FFFFFF;" target="_blank"> <div>Post by @zuck</div> <div>View on Threads</div></a></blockquote>\n<script async src="https://www.threads.net/embed.js"></script>',
    "mastodon-old": '<iframe src="https://mastodon.social/@Gargron/109367419214374212/embed" class="mastodon-embed" style="max-width: 100%; border: 0" width="400" allowfullscreen="allowfullscreen"></iframe><script src="https://mastodon.social/embed.js" async="async"></script>',
    "mastodon-new": '<blockquote class="mastodon-embed" data-embed-url="https://mastodon.social/@Gargron/109367419214374212/embed" style="background: #FCF8FF;"> <a href="https://mastodon.social/@Gargron/109367419214374212" target="_blank"> <div>Post by @Gargron@mastodon.social</div> <div>View on Mastodon</div></a> <div><a href="https://mastodon.social/@Gargron/109367419214374212" target="_blank">Nov 18, 2022</a></div></blockquote> <script data-allowed-prefixes="https://mastodon.social/" async src="https://mastodon.social/embed.js"></script>',
    "facebook-iframe": '<iframe src="https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2F20531316728%2Fposts%2F10154009990506729%2F&show_text=true&width=500" width="500" height="498" style="border:none;overflow:hidden" scrolling="no" frameborder="0" allowfullscreen="true" allow="autoplay; clipboard-write; encrypted-media; picture-in-picture; web-share"></iframe>',
    "facebook-sdk": '<div id="fb-root"></div>\n<script async defer crossorigin="anonymous" src="https://connect.facebook.net/en_GB/sdk.js#xfbml=1&version=v19.0"></script><div class="fb-post" data-href="https://www.facebook.com/20531316728/posts/10154009990506729/" data-width="500" data-show-text="true"><blockquote cite="https://www.facebook.com/20531316728/posts/10154009990506729/" class="fb-xfbml-parse-ignore">Posted by <a href="https://www.facebook.com/facebook/">Facebook</a> on&nbsp;<a href="https://www.facebook.com/20531316728/posts/10154009990506729/">Thursday, 27 August 2015</a></blockquote></div>',
    "spotify": '<iframe style="border-radius:12px" src="https://open.spotify.com/embed/track/4cOdK2wGLETKBW3PvgPWqT?utm_source=generator" width="100%" height="352" frameBorder="0" allowfullscreen="" allow="autoplay; clipboard-write; encrypted-media; fullscreen; picture-in-picture" loading="lazy"></iframe>',
    "soundcloud": '<iframe width="100%" height="166" scrolling="no" frameborder="no" allow="autoplay" src="https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/293&color=%23ff5500&auto_play=false&hide_related=false&show_comments=true&show_user=true&show_reposts=false&show_teaser=true"></iframe><div style="font-size: 10px; color: #cccccc;"><a href="https://soundcloud.com/forss" title="Forss" target="_blank" style="color: #cccccc; text-decoration: none;">Forss</a> · <a href="https://soundcloud.com/forss/flickermood" title="Flickermood" target="_blank" style="color: #cccccc; text-decoration: none;">Flickermood</a></div>',
    "openstreetmap": '<iframe width="425" height="350" src="https://www.openstreetmap.org/export/embed.html?bbox=-0.13%2C51.49%2C-0.11%2C51.51&amp;layer=mapnik&amp;marker=51.5007%2C-0.1246" style="border: 1px solid black"></iframe><br/><small><a href="https://www.openstreetmap.org/?mlat=51.5007&amp;mlon=-0.1246#map=17/51.5007/-0.1246">View Larger Map</a></small>',
    "googlemaps": '<iframe src="https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d2483.5!2d-0.12!3d51.50!2m3!1f0!2f0!3f0!3m2!1i1024!2i768!4f13.1" width="600" height="450" style="border:0;" allowfullscreen="" loading="lazy" referrerpolicy="no-referrer-when-downgrade"></iframe>',
}

EXPECTED = {
    "youtube": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "vimeo": "https://vimeo.com/76979871/8272103f6e",
    "x": "https://twitter.com/jack/status/20",
    "instagram": "https://www.instagram.com/p/CxYz12345/",
    "tiktok": "https://www.tiktok.com/@scout2015/video/6718335390845095173",
    "bluesky": "https://bsky.app/profile/did:plc:oky5czdrnfjpqslsw2a5iclo/post/3l6oveex3ii2l",
    "threads": "https://www.threads.com/@zuck/post/C8hUqHkvQLa",
    "mastodon-old": "https://mastodon.social/@Gargron/109367419214374212",
    "mastodon-new": "https://mastodon.social/@Gargron/109367419214374212",
    "facebook-iframe": "https://www.facebook.com/20531316728/posts/10154009990506729",
    "facebook-sdk": "https://www.facebook.com/20531316728/posts/10154009990506729",
    "spotify": "https://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT",
    "soundcloud": "https://api.soundcloud.com/tracks/293",
    "openstreetmap": "https://www.openstreetmap.org/export/embed.html?bbox=-0.13,51.49,-0.11,51.51&layer=mapnik&marker=51.50070,-0.12460",
    "googlemaps": "https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d2483.5!2d-0.12!3d51.50!2m3!1f0!2f0!3f0!3m2!1i1024!2i768!4f13.1",
}


@pytest.mark.parametrize("name", sorted(CODES))
def test_each_providers_embed_code_becomes_its_url_on_a_line_of_its_own(name: str) -> None:
    text = f"Before the video.\n{CODES[name]}\nAfter it."

    out = snippets_replace(text, mastodon_hosts=MASTODON)

    assert out == f"Before the video.\n\n\n{EXPECTED[name]}\n\n\nAfter it."


def test_every_provider_has_a_pasted_code_case() -> None:
    from newsdesk.embeds.providers import BY_NAME

    covered = {name.split("-")[0] for name in CODES}
    assert covered == set(BY_NAME)


def test_two_codes_in_one_entry_become_two_urls() -> None:
    text = CODES["x"] + "\n\nAnd the video:\n\n" + CODES["youtube"]

    out = snippets_replace(text)

    assert "<" not in out
    assert out.split() == [EXPECTED["x"], "And", "the", "video:", EXPECTED["youtube"]]


@pytest.mark.parametrize(
    "text",
    [
        # a look-alike host, an unknown provider, a script alone, a blockquote of a quote
        '<iframe src="https://www.youtube.com.evil.test/embed/dQw4w9WgXcQ"></iframe>',
        '<iframe src="https://example.com/player/1"></iframe>',
        '<script src="https://platform.twitter.com/widgets.js"></script>',
        '<blockquote cite="https://x.com/jack/status/20">A quote</blockquote>',
        '<div class="twitter-tweet"><a href="https://evil.test/jack/status/20">x</a></div>',
        # an unfinished paste
        '<blockquote class="twitter-tweet"><a href="https://x.com/jack/status/20">',
        "Plain text with a < sign and an <iframe without end",
        "",
    ],
)
def test_what_names_no_known_post_is_left_as_it_was(text: str) -> None:
    assert snippets_replace(text, mastodon_hosts=MASTODON) == text


def test_embed_codes_inside_fenced_code_stay_code() -> None:
    text = "How to embed:\n\n```html\n" + CODES["youtube"] + "\n```\n\nDone."

    assert snippets_replace(text) == text


def test_only_the_url_of_a_hostile_snippet_survives() -> None:
    text = (
        '<blockquote class="twitter-tweet" onmouseover="alert(1)"><p>'
        '<img src=x onerror=alert(2)></p><a href="https://x.com/jack/status/20">d</a>'
        "</blockquote><script>alert(3)</script>"
    )

    out = snippets_replace(text)

    assert out.strip() == "https://twitter.com/jack/status/20"
