"""The registry of embed providers: which URLs each one owns and how to frame them.

Pure: no Django, no network. ``provider_match(url)`` answers, for a URL a
journalist put on a line of its own, which provider owns it, its canonical form
(the key of its snapshot), the address of the provider's player or post frame,
the box that frame needs (so the card can hold exactly that space), and where
the provider's oEmbed endpoint is (https://oembed.com/).

Hosts are matched exactly (``youtube.com.evil.test`` is not YouTube), URLs with
a user name, an odd port or a scheme other than http(s) match nothing, and
every frame URL is built here from the parts that were validated, never copied
from the input, so it always lies on one of the provider's ``frame_origins``:
the origins the Content-Security-Policy's ``frame-src`` allows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

Kind = Literal["video", "post", "audio", "map"]

MAX_URL_LENGTH = 2000

# Aspect ratios and fixed heights the stylesheet has a class for (embeds.css):
# the card and the frame share one of these boxes, so nothing moves when one
# replaces the other.
RATIOS: dict[str, float] = {
    "21x9": 21 / 9,
    "16x9": 16 / 9,
    "3x2": 3 / 2,
    "4x3": 4 / 3,
    "1x1": 1.0,
    "4x5": 4 / 5,
    "3x4": 3 / 4,
    "9x16": 9 / 16,
}
HEIGHTS = (152, 166, 232, 352, 450, 480, 560, 640)


@dataclass(frozen=True)
class Box:
    """The space the card and the frame share: an aspect ratio or a fixed height in pixels."""

    ratio: str = ""
    height: int = 0

    @property
    def css_class(self) -> str:
        """The stylesheet class that gives a box this size."""
        if self.height:
            return f"embed-card__box--h{self.height}"
        return f"embed-card__box--r{self.ratio or '16x9'}"

    @property
    def tall(self) -> bool:
        """Portrait boxes are kept narrow so that they fit on a screen."""
        return bool(self.ratio) and RATIOS.get(self.ratio, 1.0) < 1.0


def box_for(width: Any, height: Any, *, default: Box) -> Box:
    """The ratio box nearest to ``width`` x ``height``; ``default`` when they are not sizes."""
    if (
        not isinstance(width, int | float)
        or not isinstance(height, int | float)
        or isinstance(width, bool)
        or isinstance(height, bool)
        or not (0 < width < 100_000 and 0 < height < 100_000)
    ):
        return default
    wanted = math.log(width / height)
    ratio = min(RATIOS, key=lambda name: abs(math.log(RATIOS[name]) - wanted))
    return Box(ratio=ratio)


@dataclass(frozen=True)
class Match:
    """A URL a provider owns, in canonical form, with what it takes to show it."""

    provider: Provider
    url: str
    kind: Kind
    frame_url: str
    box: Box
    oembed: str = ""
    title: str = ""

    @property
    def action(self) -> str:
        """The words on the card's button."""
        label = self.provider.label
        return {
            "video": "Play video",
            "post": f"Load the post from {label}",
            "audio": f"Load the player from {label}",
            "map": f"Load the map from {label}",
        }[self.kind]


@dataclass(frozen=True)
class Provider:
    """One provider: its name (a slug), label for readers, hosts and URL parser."""

    name: str
    label: str
    kind: Kind
    hosts: frozenset[str]
    parse: Callable[[Url], Match | None]
    frame_origins: tuple[str, ...]
    oembed: str = ""
    # Completes the frame URL from the oEmbed answer when the URL alone cannot give it.
    frame_from_oembed: Callable[[Match, Mapping[str, Any]], str] | None = None


@dataclass(frozen=True)
class Url:
    """A URL taken apart once: lower-case host, path segments, first value of each parameter."""

    scheme: str
    host: str
    path: str
    segments: tuple[str, ...]
    query: Mapping[str, str]
    fragment: str


def url_parse(url: str) -> Url | None:
    """Take ``url`` apart, or None when it is nothing an embed may come from."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        return None
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url) or "\\" in url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or parts.username is not None or parts.password is not None:
        return None
    if port not in {None, 80, 443}:
        return None
    host = (parts.hostname or "").rstrip(".")
    if not host or not re.fullmatch(r"[a-z0-9.-]+", host):
        return None
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    segments = tuple(s for s in parts.path.split("/") if s)
    return Url(scheme, host, parts.path or "/", segments, query, parts.fragment)


def _match(
    provider: Provider,
    url: str,
    frame_url: str,
    box: Box,
    *,
    kind: Kind | None = None,
    oembed: str | None = None,
    title: str = "",
) -> Match:
    return Match(
        provider=provider,
        url=url,
        kind=kind or provider.kind,
        frame_url=frame_url,
        box=box,
        oembed=provider.oembed if oembed is None else oembed,
        title=title,
    )


def _q(value: str) -> str:
    return quote(value, safe="")


# --- YouTube ----------------------------------------------------------------------

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_DURATION = re.compile(r"(?:(\d{1,2})h)?(?:(\d{1,4})m)?(?:(\d{1,6})s?)?")


def _seconds(value: str) -> int:
    found = _DURATION.fullmatch(value or "")
    if not found or not value:
        return 0
    hours, minutes, seconds = (int(g) if g else 0 for g in found.groups())
    return min(hours * 3600 + minutes * 60 + seconds, 86_400)


def _youtube(u: Url) -> Match | None:
    segs = u.segments
    shorts = False
    if u.host == "youtu.be":
        video = segs[0] if len(segs) == 1 else ""
    elif segs == ("watch",):
        video = u.query.get("v", "")
    elif len(segs) == 2 and segs[0] in {"shorts", "live", "embed", "v"}:
        video, shorts = segs[1], segs[0] == "shorts"
    else:
        return None
    if not _YOUTUBE_ID.fullmatch(video):
        return None
    start = _seconds(u.query.get("t", "") or u.query.get("start", ""))
    if shorts:
        url = f"https://www.youtube.com/shorts/{video}"
    else:
        url = f"https://www.youtube.com/watch?v={video}" + (f"&t={start}s" if start else "")
    # youtube-nocookie.com: YouTube's privacy-enhanced mode, no cookies until playback.
    frame = f"https://www.youtube-nocookie.com/embed/{video}?autoplay=1" + (
        f"&start={start}" if start else ""
    )
    return _match(YOUTUBE, url, frame, Box(ratio="9x16" if shorts else "16x9"))


# --- Vimeo ------------------------------------------------------------------------

_DIGITS = re.compile(r"\d{1,20}")
_VIMEO_HASH = re.compile(r"[0-9a-f]{6,20}")


def _vimeo(u: Url) -> Match | None:
    segs = u.segments
    secret = ""
    if u.host == "player.vimeo.com":
        if len(segs) != 2 or segs[0] != "video":
            return None
        video, secret = segs[1], u.query.get("h", "")
    elif len(segs) in {1, 2} and _DIGITS.fullmatch(segs[0]):
        video = segs[0]
        secret = segs[1] if len(segs) == 2 else ""
    elif len(segs) == 3 and segs[0] == "channels":
        video = segs[2]
    elif (
        len(segs) == 4
        and segs[0] in {"groups", "album", "showcase"}
        and segs[2]
        in {
            "videos",
            "video",
        }
    ):
        video = segs[3]
    else:
        return None
    if not _DIGITS.fullmatch(video) or (secret and not _VIMEO_HASH.fullmatch(secret)):
        return None
    url = f"https://vimeo.com/{video}" + (f"/{secret}" if secret else "")
    frame = f"https://player.vimeo.com/video/{video}?dnt=1&autoplay=1" + (
        f"&h={secret}" if secret else ""
    )
    return _match(VIMEO, url, frame, Box(ratio="16x9"))


# --- X (Twitter) ------------------------------------------------------------------

_X_USER = re.compile(r"[A-Za-z0-9_]{1,15}")


def _x(u: Url) -> Match | None:
    segs = u.segments
    if len(segs) >= 3 and segs[1] in {"status", "statuses"} and _X_USER.fullmatch(segs[0]):
        user, post = segs[0], segs[2]
        if segs[0] == "i":
            user = ""
    elif len(segs) >= 4 and segs[:3] == ("i", "web", "status"):
        user, post = "", segs[3]
    else:
        return None
    if not _DIGITS.fullmatch(post):
        return None
    url = (
        f"https://twitter.com/{user}/status/{post}"
        if user
        else f"https://twitter.com/i/status/{post}"
    )
    frame = f"https://platform.twitter.com/embed/Tweet.html?id={post}&dnt=true"
    return _match(X, url, frame, Box(height=560))


# --- Instagram ----------------------------------------------------------------------

_SHORTCODE = re.compile(r"[A-Za-z0-9_-]{5,64}")
_INSTAGRAM_KINDS = {"p": "p", "reel": "reel", "reels": "reel", "tv": "tv"}


def _instagram(u: Url) -> Match | None:
    segs = u.segments
    if len(segs) >= 2 and segs[0] in _INSTAGRAM_KINDS:
        kind, code = _INSTAGRAM_KINDS[segs[0]], segs[1]
    elif len(segs) >= 3 and segs[1] in _INSTAGRAM_KINDS:
        kind, code = _INSTAGRAM_KINDS[segs[1]], segs[2]
    else:
        return None
    if not _SHORTCODE.fullmatch(code):
        return None
    url = f"https://www.instagram.com/{kind}/{code}/"
    return _match(INSTAGRAM, url, f"{url}embed/", Box(height=640))


# --- TikTok -----------------------------------------------------------------------

_TIKTOK_USER = re.compile(r"@[A-Za-z0-9_.]{1,64}")
_TIKTOK_ID = re.compile(r"\d{5,25}")


def _tiktok(u: Url) -> Match | None:
    segs = u.segments
    user = ""
    if len(segs) == 3 and _TIKTOK_USER.fullmatch(segs[0]) and segs[1] == "video":
        user, video = segs[0], segs[2]
    elif len(segs) == 3 and segs[:2] in {("embed", "v2"), ("player", "v1")}:
        video = segs[2]
    elif len(segs) == 2 and segs[0] == "embed":
        video = segs[1]
    else:
        return None
    if not _TIKTOK_ID.fullmatch(video):
        return None
    url = (
        f"https://www.tiktok.com/{user}/video/{video}"
        if user
        else f"https://www.tiktok.com/embed/v2/{video}"
    )
    # The embed player (https://developers.tiktok.com/doc/embed-player): the video alone.
    frame = f"https://www.tiktok.com/player/v1/{video}?autoplay=1&rel=0"
    return _match(TIKTOK, url, frame, Box(ratio="9x16"))


# --- Bluesky ----------------------------------------------------------------------

_BSKY_HANDLE = re.compile(
    r"(?=.{3,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+"
)
_BSKY_DID = re.compile(r"did:(?:plc:[a-z2-7]{24}|web:[a-z0-9.-]{3,253})")
_BSKY_RKEY = re.compile(r"[A-Za-z0-9._~:-]{1,512}")
_BSKY_URI = re.compile(
    r"at://(did:[a-z]+:[A-Za-z0-9._:%-]+)/app\.bsky\.feed\.post/([A-Za-z0-9._~:-]+)"
)


def _bluesky_frame(did: str, rkey: str) -> str:
    return f"https://embed.bsky.app/embed/{did}/app.bsky.feed.post/{rkey}"


def _bluesky(u: Url) -> Match | None:
    segs = u.segments
    if len(segs) != 4 or segs[0] != "profile" or segs[2] != "post":
        return None
    actor, rkey = unquote(segs[1]).lower(), segs[3]
    if not (_BSKY_DID.fullmatch(actor) or _BSKY_HANDLE.fullmatch(actor)):
        return None
    if not _BSKY_RKEY.fullmatch(rkey):
        return None
    url = f"https://bsky.app/profile/{actor}/post/{rkey}"
    # The frame needs the account's DID; with a handle in the URL, the oEmbed answer gives it.
    frame = _bluesky_frame(actor, rkey) if actor.startswith("did:") else ""
    return _match(BLUESKY, url, frame, Box(height=480))


def _bluesky_frame_from_oembed(match: Match, data: Mapping[str, Any]) -> str:
    html = data.get("html")
    found = _BSKY_URI.search(html) if isinstance(html, str) else None
    if not found or not _BSKY_DID.fullmatch(found.group(1)):
        return ""
    if found.group(2) != match.url.rsplit("/", 1)[1]:
        return ""
    return _bluesky_frame(found.group(1), found.group(2))


def bluesky_url(at_uri: str) -> str:
    """``https://bsky.app/...`` for an ``at://did/app.bsky.feed.post/rkey`` URI, or ""."""
    found = _BSKY_URI.fullmatch(at_uri or "")
    if not found or not _BSKY_DID.fullmatch(found.group(1)):
        return ""
    return f"https://bsky.app/profile/{found.group(1)}/post/{found.group(2)}"


# --- Mastodon ---------------------------------------------------------------------

_MASTODON_USER = re.compile(r"[A-Za-z0-9_]{1,30}")


def _mastodon(u: Url) -> Match | None:
    segs = u.segments
    if len(segs) in {2, 3} and segs[0].startswith("@") and segs[2:] in {(), ("embed",)}:
        user, post = segs[0][1:], segs[1]
    elif len(segs) == 4 and segs[0] == "users" and segs[2] == "statuses":
        user, post = segs[1], segs[3]
    else:
        return None
    if not _MASTODON_USER.fullmatch(user) or not _DIGITS.fullmatch(post):
        return None
    url = f"https://{u.host}/@{user}/{post}"
    return _match(
        MASTODON,
        url,
        f"{url}/embed",
        Box(height=480),
        oembed=f"https://{u.host}/api/oembed",
    )


# --- Threads ----------------------------------------------------------------------

_THREADS_USER = re.compile(r"@[A-Za-z0-9_.]{1,30}")


def _threads(u: Url) -> Match | None:
    segs = u.segments
    if len(segs) in {3, 4} and _THREADS_USER.fullmatch(segs[0]) and segs[1] == "post":
        path = f"{segs[0]}/post/{segs[2]}"
        code = segs[2]
    elif len(segs) in {2, 3} and segs[0] == "t":
        path, code = f"t/{segs[1]}", segs[1]
    else:
        return None
    if not _SHORTCODE.fullmatch(code) or segs[-1] not in {code, "embed"}:
        return None
    url = f"https://www.threads.com/{path}"
    return _match(THREADS, url, f"{url}/embed", Box(height=560))


# --- Facebook ---------------------------------------------------------------------

_FB_NAME = re.compile(r"[A-Za-z0-9.\-]{1,80}")
_FB_ID = re.compile(r"(?:pfbid)?[A-Za-z0-9]{1,80}")


def _facebook(u: Url, *, unwrap: bool = True) -> Match | None:
    segs, q = u.segments, u.query
    if unwrap and segs in {("plugins", "post.php"), ("plugins", "video.php")}:
        inner = url_parse(q.get("href", ""))
        if inner is None or inner.host not in FACEBOOK.hosts:
            return None
        return _facebook(inner, unwrap=False)
    video = False
    if len(segs) == 3 and segs[1] == "posts" and _FB_NAME.fullmatch(segs[0]):
        url = f"https://www.facebook.com/{segs[0]}/posts/{segs[2]}"
        ident = segs[2]
    elif len(segs) in {3, 4} and segs[1] == "videos" and _FB_NAME.fullmatch(segs[0]):
        ident, video = segs[-1], True
        url = f"https://www.facebook.com/{segs[0]}/videos/{ident}"
    elif len(segs) == 4 and segs[0] == "groups" and segs[2] == "posts":
        ident = segs[3]
        if not _FB_NAME.fullmatch(segs[1]):
            return None
        url = f"https://www.facebook.com/groups/{segs[1]}/posts/{ident}"
    elif segs == ("watch",):
        ident, video = q.get("v", ""), True
        url = f"https://www.facebook.com/watch/?v={ident}"
    elif len(segs) == 2 and segs[0] == "reel":
        ident, video = segs[1], True
        url = f"https://www.facebook.com/reel/{ident}"
    elif segs == ("permalink.php",) or segs == ("story.php",):
        ident, owner = q.get("story_fbid", ""), q.get("id", "")
        if not _FB_ID.fullmatch(owner):
            return None
        url = f"https://www.facebook.com/permalink.php?{urlencode({'story_fbid': ident, 'id': owner})}"
    elif segs in {("photo.php",), ("photo",)}:
        ident = q.get("fbid", "")
        url = f"https://www.facebook.com/photo.php?fbid={ident}"
    else:
        return None
    if not _FB_ID.fullmatch(ident):
        return None
    if video:
        frame = (
            f"https://www.facebook.com/plugins/video.php?href={_q(url)}"
            "&show_text=false&width=560&autoplay=true"
        )
        box = Box(ratio="9x16" if "/reel/" in url else "16x9")
        oembed = "https://graph.facebook.com/v26.0/oembed_video"
        return _match(FACEBOOK, url, frame, box, kind="video", oembed=oembed)
    frame = f"https://www.facebook.com/plugins/post.php?href={_q(url)}&show_text=true&width=500"
    return _match(FACEBOOK, url, frame, Box(height=560))


# --- Spotify ----------------------------------------------------------------------

_SPOTIFY_ID = re.compile(r"[A-Za-z0-9]{22}")
_SPOTIFY_HEIGHTS = {"track": 152, "episode": 232}
_SPOTIFY_TYPES = {"track", "album", "playlist", "episode", "show", "artist"}


def _spotify(u: Url) -> Match | None:
    segs = list(u.segments)
    if segs and segs[0].startswith("intl-"):
        segs = segs[1:]
    if segs and segs[0] == "embed":
        segs = segs[1:]
    if len(segs) != 2 or segs[0] not in _SPOTIFY_TYPES or not _SPOTIFY_ID.fullmatch(segs[1]):
        return None
    kind, item = segs
    url = f"https://open.spotify.com/{kind}/{item}"
    frame = f"https://open.spotify.com/embed/{kind}/{item}"
    return _match(SPOTIFY, url, frame, Box(height=_SPOTIFY_HEIGHTS.get(kind, 352)))


# --- SoundCloud -------------------------------------------------------------------

_SOUNDCLOUD_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")
_SOUNDCLOUD_RESERVED = {
    "discover", "stream", "search", "you", "upload", "charts", "pages", "settings",
    "messages", "notifications", "people", "terms-of-use", "jobs", "imprint", "mobile",
    "pro", "creators", "popular", "tags", "signin", "logout",
}  # fmt: skip
_SOUNDCLOUD_TABS = {
    "tracks", "sets", "albums", "likes", "reposts", "followers", "following",
    "popular-tracks", "comments", "spotlight",
}  # fmt: skip


def _soundcloud(u: Url, *, unwrap: bool = True) -> Match | None:
    segs = u.segments
    if u.host == "w.soundcloud.com":
        inner = url_parse(u.query.get("url", "")) if unwrap and segs == ("player",) else None
        if inner is None or inner.host not in SOUNDCLOUD.hosts - {"w.soundcloud.com"}:
            return None
        return _soundcloud(inner, unwrap=False)
    if u.host == "api.soundcloud.com":
        if len(segs) != 2 or segs[0] not in {"tracks", "playlists"}:
            return None
        if not _DIGITS.fullmatch(segs[1]):
            return None
        url, playlist = f"https://api.soundcloud.com/{segs[0]}/{segs[1]}", segs[0] == "playlists"
    elif len(segs) == 2 or (len(segs) == 3 and segs[1] == "sets"):
        user, name = segs[0], segs[-1]
        if user in _SOUNDCLOUD_RESERVED or (len(segs) == 2 and name in _SOUNDCLOUD_TABS):
            return None
        if not (_SOUNDCLOUD_NAME.fullmatch(user) and _SOUNDCLOUD_NAME.fullmatch(name)):
            return None
        playlist = len(segs) == 3
        url = f"https://soundcloud.com/{'/'.join(segs)}"
    else:
        return None
    frame = (
        f"https://w.soundcloud.com/player/?url={_q(url)}"
        "&auto_play=true&visual=false&show_comments=false"
    )
    return _match(SOUNDCLOUD, url, frame, Box(height=450 if playlist else 166))


# --- Maps -------------------------------------------------------------------------

_NUMBER = r"-?\d{1,3}(?:\.\d{1,12})?"
_OSM_VIEW = re.compile(rf"map=(\d{{1,2}})/({_NUMBER})/({_NUMBER})")
_BBOX = re.compile(rf"({_NUMBER}),({_NUMBER}),({_NUMBER}),({_NUMBER})")
_LATLON = re.compile(rf"({_NUMBER}),({_NUMBER})")
# A frame of about 640 x 480 CSS pixels; web-map tiles are 256 pixels wide.
_FRAME_TILES = (640 / 256, 480 / 256)


def _coordinates(lat: str, lon: str) -> tuple[float, float] | None:
    try:
        la, lo = float(lat), float(lon)
    except ValueError:
        return None
    if not (-85.06 <= la <= 85.06 and -180 <= lo <= 180):
        return None
    return la, lo


def _place(lat: float, lon: float) -> str:
    return f"{lat:.5f},{lon:.5f}"


def _bbox_around(lat: float, lon: float, zoom: int) -> str:
    degrees = 360 / 2**zoom
    half_lon = _FRAME_TILES[0] * degrees / 2
    half_lat = _FRAME_TILES[1] * degrees * math.cos(math.radians(lat)) / 2
    box = (
        max(lon - half_lon, -180),
        max(lat - half_lat, -85.06),
        min(lon + half_lon, 180),
        min(lat + half_lat, 85.06),
    )
    return ",".join(f"{v:.5f}" for v in box)


def _map_title(lat: float, lon: float) -> str:
    return f"Map: {abs(lat):.4f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.4f}° {'E' if lon >= 0 else 'W'}"


def _openstreetmap(u: Url) -> Match | None:
    q = u.query
    if u.segments == ("export", "embed.html"):
        found = _BBOX.fullmatch(q.get("bbox", ""))
        if not found:
            return None
        corners = (
            _coordinates(found.group(2), found.group(1)),
            _coordinates(found.group(4), found.group(3)),
        )
        if None in corners:
            return None
        bbox = ",".join(found.groups())
        params = {"bbox": bbox, "layer": "mapnik"}
        title = "Map"
        marker = _LATLON.fullmatch(q.get("marker", ""))
        point = _coordinates(*marker.groups()) if marker else None
        if point:
            params["marker"] = _place(*point)
            title = _map_title(*point)
        url = f"https://www.openstreetmap.org/export/embed.html?{urlencode(params, safe=',')}"
        return _match(OPENSTREETMAP, url, url, Box(ratio="4x3"), title=title)
    view = _OSM_VIEW.fullmatch(u.fragment)
    zoom = min(int(view.group(1)), 19) if view else 15
    point = _coordinates(q["mlat"], q["mlon"]) if "mlat" in q and "mlon" in q else None
    centre = _coordinates(view.group(2), view.group(3)) if view else point
    if centre is None:
        return None
    params = {"bbox": _bbox_around(*centre, zoom), "layer": "mapnik"}
    view_part = f"#map={zoom}/{centre[0]:.5f}/{centre[1]:.5f}"
    if point:
        params["marker"] = _place(*point)
        url = f"https://www.openstreetmap.org/?mlat={point[0]:.5f}&mlon={point[1]:.5f}{view_part}"
    else:
        url = f"https://www.openstreetmap.org/{view_part}"
    frame = f"https://www.openstreetmap.org/export/embed.html?{urlencode(params, safe=',')}"
    return _match(OPENSTREETMAP, url, frame, Box(ratio="4x3"), title=_map_title(*(point or centre)))


_GOOGLE_AT = re.compile(rf"@({_NUMBER}),({_NUMBER}),(\d{{1,2}}(?:\.\d+)?)z")
_GOOGLE_PB = re.compile(r"[A-Za-z0-9!._:%*-]{1,2000}")


def _google_maps(u: Url) -> Match | None:
    segs, q = u.segments, u.query
    if segs[:1] == ("maps",):
        segs = segs[1:]
    elif not u.host.startswith("maps."):
        return None
    if segs == ("embed",):
        pb = q.get("pb", "")
        if not _GOOGLE_PB.fullmatch(pb):
            return None
        url = f"https://www.google.com/maps/embed?pb={quote(pb, safe='!._:*-')}"
        return _match(GOOGLE_MAPS, url, url, Box(ratio="4x3"), title="Map")
    name, centre, zoom = "", None, 0
    if segs:
        if len(segs) >= 2 and segs[0] in {"place", "search"} and not segs[1].startswith("@"):
            name = unquote(segs[1].replace("+", " "))
        at = next((m for m in map(_GOOGLE_AT.fullmatch, segs) if m), None)
        if at:
            centre = _coordinates(at.group(1), at.group(2))
            zoom = min(int(float(at.group(3))), 21)
    else:
        name = q.get("q", "")
        ll = _LATLON.fullmatch(q.get("ll", ""))
        centre = _coordinates(*ll.groups()) if ll else None
        zoom = min(int(q["z"]), 21) if q.get("z", "").isdigit() else 0
    name = " ".join("".join(c for c in name if c.isprintable()).split())[:200]
    if centre is None:
        if not name:
            return None
        params = {"q": name}
        title = f"Map: {name}"
    else:
        params = {"q": name or _place(*centre), "ll": _place(*centre)}
        title = f"Map: {name}" if name else _map_title(*centre)
    if zoom:
        params["z"] = str(zoom)
    if centre is not None and segs and segs[0] == "place" and name:
        url = f"https://www.google.com/maps/place/{quote(name)}/@{_place(*centre)},{zoom or 15}z"
    elif centre is not None and segs and not name:
        url = f"https://www.google.com/maps/@{_place(*centre)},{zoom or 15}z"
    else:
        url = f"https://www.google.com/maps?{urlencode(params)}"
    frame = f"https://www.google.com/maps?{urlencode({**params, 'output': 'embed'})}"
    return _match(GOOGLE_MAPS, url, frame, Box(ratio="4x3"), title=title)


# --- the registry -----------------------------------------------------------------

YOUTUBE = Provider(
    name="youtube",
    label="YouTube",
    kind="video",
    hosts=frozenset(
        {
            "youtube.com",
            "www.youtube.com",
            "m.youtube.com",
            "music.youtube.com",
            "youtu.be",
            "youtube-nocookie.com",
            "www.youtube-nocookie.com",
        }
    ),
    parse=_youtube,
    frame_origins=("https://www.youtube-nocookie.com",),
    oembed="https://www.youtube.com/oembed?format=json",
)
VIMEO = Provider(
    name="vimeo",
    label="Vimeo",
    kind="video",
    hosts=frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"}),
    parse=_vimeo,
    frame_origins=("https://player.vimeo.com",),
    oembed="https://vimeo.com/api/oembed.json?dnt=1",
)
X = Provider(
    name="x",
    label="X",
    kind="post",
    hosts=frozenset(
        {
            "twitter.com",
            "www.twitter.com",
            "mobile.twitter.com",
            "x.com",
            "www.x.com",
            "mobile.x.com",
        }
    ),
    parse=_x,
    frame_origins=("https://platform.twitter.com",),
    oembed="https://publish.twitter.com/oembed?omit_script=1&dnt=true",
)
INSTAGRAM = Provider(
    name="instagram",
    label="Instagram",
    kind="post",
    hosts=frozenset({"instagram.com", "www.instagram.com"}),
    parse=_instagram,
    frame_origins=("https://www.instagram.com",),
    oembed="https://graph.facebook.com/v26.0/instagram_oembed?omitscript=true",
)
TIKTOK = Provider(
    name="tiktok",
    label="TikTok",
    kind="video",
    hosts=frozenset({"tiktok.com", "www.tiktok.com", "m.tiktok.com"}),
    parse=_tiktok,
    frame_origins=("https://www.tiktok.com",),
    oembed="https://www.tiktok.com/oembed",
)
BLUESKY = Provider(
    name="bluesky",
    label="Bluesky",
    kind="post",
    hosts=frozenset({"bsky.app"}),
    parse=_bluesky,
    frame_origins=("https://embed.bsky.app",),
    oembed="https://embed.bsky.app/oembed?format=json",
    frame_from_oembed=_bluesky_frame_from_oembed,
)
# Mastodon is every server that runs it; only the hosts the site names (a setting) count.
MASTODON = Provider(
    name="mastodon",
    label="Mastodon",
    kind="post",
    hosts=frozenset(),
    parse=_mastodon,
    frame_origins=(),
)
THREADS = Provider(
    name="threads",
    label="Threads",
    kind="post",
    hosts=frozenset({"threads.net", "www.threads.net", "threads.com", "www.threads.com"}),
    parse=_threads,
    frame_origins=("https://www.threads.com", "https://www.threads.net"),
    oembed="https://graph.threads.net/v1.0/oembed",
)
FACEBOOK = Provider(
    name="facebook",
    label="Facebook",
    kind="post",
    hosts=frozenset({"facebook.com", "www.facebook.com", "m.facebook.com", "web.facebook.com"}),
    parse=_facebook,
    frame_origins=("https://www.facebook.com",),
    oembed="https://graph.facebook.com/v26.0/oembed_post",
)
SPOTIFY = Provider(
    name="spotify",
    label="Spotify",
    kind="audio",
    hosts=frozenset({"open.spotify.com"}),
    parse=_spotify,
    frame_origins=("https://open.spotify.com",),
    oembed="https://open.spotify.com/oembed",
)
SOUNDCLOUD = Provider(
    name="soundcloud",
    label="SoundCloud",
    kind="audio",
    hosts=frozenset(
        {
            "soundcloud.com",
            "www.soundcloud.com",
            "m.soundcloud.com",
            "w.soundcloud.com",
            "api.soundcloud.com",
        }
    ),
    parse=_soundcloud,
    frame_origins=("https://w.soundcloud.com",),
    oembed="https://soundcloud.com/oembed?format=json",
)
OPENSTREETMAP = Provider(
    name="openstreetmap",
    label="OpenStreetMap",
    kind="map",
    hosts=frozenset({"openstreetmap.org", "www.openstreetmap.org", "osm.org", "www.osm.org"}),
    parse=_openstreetmap,
    frame_origins=("https://www.openstreetmap.org",),
)
GOOGLE_MAPS = Provider(
    name="googlemaps",
    label="Google Maps",
    kind="map",
    hosts=frozenset(
        {"google.com", "www.google.com", "maps.google.com"}
        | {
            f"{prefix}.google.{tld}"
            for prefix in ("www", "maps")
            for tld in ("co.uk", "de", "fr", "es", "it", "nl", "ie", "ca", "com.au", "co.in")
        }
    ),
    parse=_google_maps,
    frame_origins=("https://www.google.com",),
)

PROVIDERS: tuple[Provider, ...] = (
    YOUTUBE,
    VIMEO,
    X,
    INSTAGRAM,
    TIKTOK,
    BLUESKY,
    MASTODON,
    THREADS,
    FACEBOOK,
    SPOTIFY,
    SOUNDCLOUD,
    OPENSTREETMAP,
    GOOGLE_MAPS,
)
BY_NAME: dict[str, Provider] = {p.name: p for p in PROVIDERS}
_BY_HOST: dict[str, Provider] = {host: p for p in PROVIDERS for host in p.hosts}

_HOST_NAME = re.compile(
    r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+"
)


def mastodon_hosts_parse(value: str) -> frozenset[str]:
    """The Mastodon servers setting (comma-separated host names), or ValueError naming the bad one."""
    hosts = set()
    for item in value.split(","):
        host = item.strip().lower()
        if not host:
            continue
        if not _HOST_NAME.fullmatch(host):
            raise ValueError(f"{item.strip()!r} is not a host name such as mastodon.social")
        if host in _BY_HOST:
            raise ValueError(f"{host} belongs to {_BY_HOST[host].label}, not to Mastodon")
        hosts.add(host)
    return frozenset(hosts)


def provider_match(url: str, *, mastodon_hosts: Iterable[str] = ()) -> Match | None:
    """The provider that owns ``url`` and what it takes to embed it, or None."""
    parts = url_parse(url)
    if parts is None:
        return None
    provider = _BY_HOST.get(parts.host)
    if provider is None and parts.host in set(mastodon_hosts):
        provider = MASTODON
    if provider is None:
        return None
    return provider.parse(parts)


def match_complete(match: Match, data: Mapping[str, Any]) -> Match:
    """The match with what the provider's oEmbed answer adds: the frame URL, a video's shape."""
    frame = match.frame_url
    if not frame and match.provider.frame_from_oembed is not None:
        frame = match.provider.frame_from_oembed(match, data)
    box = match.box
    if match.kind == "video" and match.box.ratio == "16x9":
        box = box_for(data.get("width"), data.get("height"), default=match.box)
    return replace(match, frame_url=frame, box=box)


def oembed_url(match: Match, *, endpoint: str = "") -> str:
    """The request for ``match``'s oEmbed data: ``endpoint`` (or the provider's) plus ``url=``."""
    base = endpoint or match.oembed
    if not base:
        return ""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}{urlencode({'url': match.url})}"


def frame_origins(*, mastodon_hosts: Iterable[str] = ()) -> list[str]:
    """Every origin a provider's frame may come from: the page's CSP ``frame-src``."""
    origins = [origin for p in PROVIDERS for origin in p.frame_origins]
    origins += [f"https://{host}" for host in sorted(set(mastodon_hosts))]
    return list(dict.fromkeys(origins))


def frame_allowed(frame_url: str, *, mastodon_hosts: Iterable[str] = ()) -> bool:
    """True when ``frame_url`` is an https URL on one of the providers' frame origins."""
    parts = url_parse(frame_url)
    if parts is None or parts.scheme != "https" or urlsplit(frame_url).port is not None:
        return False
    return f"https://{parts.host}" in frame_origins(mastodon_hosts=mastodon_hosts)
