"""``{% picture photo %}`` and ``{% figure photo %}``: a photo as a responsive, jump-free picture.

Every ``<img>`` carries the photo's width and height, so the browser reserves
its box before a byte of it arrives (no layout shift, on the page or when an
entry arrives live); ``srcset``/``sizes`` let it pick the smallest rendition
that fills the box, WebP where it can.
"""

from __future__ import annotations

from typing import Any

from django import template

from ..models import Media

register = template.Library()

# The story column is 42rem wide (site.css --measure); a gallery puts two side by side.
SIZES_COLUMN = "(min-width: 44rem) 41rem, calc(100vw - 2rem)"
SIZES_GALLERY = "(min-width: 44rem) 20rem, calc(50vw - 1.5rem)"
SIZES_THUMBNAIL = "8rem"


def _picture_context(
    photo: Media, *, sizes: str, loading: str, width: int | None, css_class: str
) -> dict[str, Any]:
    fallback = photo.fallback_format
    src = photo.rendition(width or 800, fallback)
    return {
        "photo": photo,
        "sizes": sizes,
        "loading": loading,
        "css_class": css_class,
        "src": src["url"] if src else "",
        "webp_srcset": photo.srcset("webp"),
        "srcset": photo.srcset(fallback),
        "alt": "" if photo.decorative else photo.alt,
    }


@register.inclusion_tag("media/picture.html")
def picture(
    photo: Media,
    sizes: str = SIZES_COLUMN,
    loading: str = "lazy",
    width: int | None = None,
    css_class: str = "",
) -> dict[str, Any]:
    """A ``<picture>``: WebP sources, a JPEG/PNG ``<img>`` with the photo's own width and height."""
    return _picture_context(photo, sizes=sizes, loading=loading, width=width, css_class=css_class)


@register.inclusion_tag("media/figure.html")
def figure(photo: Media, sizes: str = SIZES_COLUMN, loading: str = "lazy") -> dict[str, Any]:
    """A ``<figure>``: the picture, then its caption and credit."""
    return _picture_context(photo, sizes=sizes, loading=loading, width=None, css_class="")


@register.simple_tag
def gallery_sizes(count: int) -> str:
    """``sizes`` for one photo of an entry showing ``count`` photos."""
    return SIZES_GALLERY if count > 1 else SIZES_COLUMN


@register.inclusion_tag("media/picture.html")
def thumbnail(photo: Media) -> dict[str, Any]:
    """A small picture beside a headline in a list: decorative there, since the link says it all."""
    context = _picture_context(
        photo, sizes=SIZES_THUMBNAIL, loading="lazy", width=480, css_class="thumbnail"
    )
    context["alt"] = ""
    return context
