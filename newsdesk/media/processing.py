"""A stranger's picture in, clean renditions out: Pillow (and pillow-heif), no Django.

The file is judged by its content, never by its name or declared type: only
JPEG, PNG, WebP, GIF and HEIC/HEIF decoders are allowed to open it (Pillow's
``formats``), SVG and anything else is refused with a sentence. The pixel
count is checked from the header before a single pixel is decoded, so a small
file claiming 30,000 x 30,000 pixels costs nothing.

What comes out carries no metadata at all: the EXIF orientation is applied to
the pixels, colours are converted to sRGB from any embedded ICC profile, and
the pixels are copied into a fresh image, so no GPS position, device serial
or owner name can survive into a rendition. Renditions are made at a few
widths, never upscaled, in WebP and in JPEG (PNG for pictures with
transparency); the same input always gives the same bytes.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps

try:  # HEIC/HEIF (iPhone photos); registered once per process
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF = True
except ImportError:  # pragma: no cover - a declared dependency
    HEIF = False

# Pillow's names of the decoders a file may be opened with.
ALLOWED_DECODERS = ("JPEG", "PNG", "WEBP", "GIF", *(("HEIF",) if HEIF else ()))
FORMAT_NAMES = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "HEIF": "heif"}
# Pillow raises its own DecompressionBombError above twice this; the service
# caps the configured limit below it, so our sentence is always the one shown.
PILLOW_PIXEL_CEILING = 2 * (Image.MAX_IMAGE_PIXELS or 89_478_485)

MIME_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"webp": "webp", "jpeg": "jpg", "png": "png"}

JPEG_QUALITY = 82
WEBP_QUALITY = 80

# Errors Pillow's decoders raise on damaged or hostile files.
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
    zlib.error,
    Image.DecompressionBombError,
)


class Refused(ValueError):
    """The file is not a picture Newsdesk accepts; ``str(error)`` says why, for people.

    ``kind`` says which: ``unsupported`` (not an accepted picture format),
    ``too_large`` (more bytes than allowed) or ``invalid`` (empty, damaged,
    too many pixels).
    """

    def __init__(self, sentence: str, *, kind: str = "invalid") -> None:
        super().__init__(sentence)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Rendition:
    """One encoded size of a picture."""

    width: int
    height: int
    format: str  # webp, jpeg or png
    data: bytes

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self.format]


@dataclass(frozen=True, slots=True)
class Processed:
    """A picture ready to store: its shown size, what it came as, its renditions (largest first)."""

    width: int
    height: int
    source_format: str
    renditions: list[Rendition]


def sniff(data: bytes) -> str | None:
    """A refusal sentence for content that is certainly not an accepted picture, else None."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
        return (
            "SVG pictures are not accepted: they can carry scripts. "
            "Export the picture as PNG or JPEG and upload that."
        )
    if head.startswith((b"<", b"%pdf", b"pk\x03\x04")):
        return "This file is not a picture: upload a JPEG, PNG, WebP, GIF or HEIC photo."
    return None


def image_process(
    data: bytes, *, widths: Sequence[int], max_pixels: int, max_bytes: int
) -> Processed:
    """Check, clean and render a picture; raise :class:`Refused` with a sentence when it cannot be."""
    if not data:
        raise Refused("The file is empty.")
    if len(data) > max_bytes:
        raise Refused(too_big(len(data), max_bytes), kind="too_large")
    reason = sniff(data)
    if reason:
        raise Refused(reason, kind="unsupported")
    with warnings.catch_warnings():
        # Our own pixel limit (below Pillow's) decides; Pillow's warning would only repeat it.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ALLOWED_DECODERS)
        except Image.DecompressionBombError as error:
            # Pillow's own ceiling, checked from the header: far above ours.
            raise Refused(_too_many_pixels(None, max_pixels)) from error
        except Image.UnidentifiedImageError as error:
            raise Refused(
                "This file is not a picture Newsdesk can read: upload a JPEG, PNG, WebP, GIF "
                "or HEIC photo.",
                kind="unsupported",
            ) from error
        except _DECODE_ERRORS as error:
            raise Refused(_damaged()) from error
        with image:
            return _process_open(image, widths=widths, max_pixels=max_pixels)


def _process_open(image: Image.Image, *, widths: Sequence[int], max_pixels: int) -> Processed:
    source_format = FORMAT_NAMES.get(image.format or "", "")
    width, height = image.size
    if width < 1 or height < 1:
        raise Refused(_damaged())
    if width * height > max_pixels:
        raise Refused(_too_many_pixels((width, height), max_pixels))
    try:
        orientation = image.getexif().get(0x0112, 1)
    except _DECODE_ERRORS:
        orientation = 1
    turned = orientation in (5, 6, 7, 8)
    largest = max(widths)
    if image.format == "JPEG":
        # Decode at 1/2, 1/4 or 1/8 scale when the largest rendition allows it:
        # a 12-megapixel photo decodes in a fraction of the time and memory.
        shown_w, shown_h = (height, width) if turned else (width, height)
        if shown_w > largest:
            scale = largest / shown_w
            want = (math.ceil(width * scale), math.ceil(height * scale))
            image.draft("RGB" if image.mode != "CMYK" else "CMYK", want)
    try:
        image.load()
        picture = _clean(image)
    except _DECODE_ERRORS as error:
        raise Refused(_damaged()) from error
    renditions = _renditions(picture, widths=widths)
    return Processed(
        width=renditions[0].width,
        height=renditions[0].height,
        source_format=source_format,
        renditions=renditions,
    )


def _clean(image: Image.Image) -> Image.Image:
    """The first frame, upright, in sRGB, as fresh pixels with no metadata attached."""
    if getattr(image, "is_animated", False):
        image.seek(0)
    upright = image
    if image.getexif().get(0x0112, 1) != 1:
        upright = ImageOps.exif_transpose(image) or image
    profile = upright.info.get("icc_profile")
    mode = "RGBA" if _has_alpha(upright) else "RGB"
    if profile:
        upright = _to_srgb(upright, profile, mode)
    if upright.mode != mode:
        upright = upright.convert(mode)
    if mode == "RGBA" and upright.getextrema()[3][0] == 255:
        upright = upright.convert("RGB")  # an alpha channel nobody uses
    # The pixels pasted into a new image: no EXIF, XMP, ICC, comments or text chunks.
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    return clean


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def _to_srgb(image: Image.Image, profile: bytes, mode: str) -> Image.Image:
    """Convert from the embedded profile to sRGB; a broken profile is ignored, not fatal."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        target = ImageCms.createProfile("sRGB")
        if image.mode not in ("RGB", "RGBA", "CMYK"):
            image = image.convert(mode)
        out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, target, outputMode=out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def rendition_widths(width: int, widths: Sequence[int]) -> list[int]:
    """The widths to make for a picture ``width`` pixels wide, largest first, never upscaled."""
    chosen = sorted({w for w in widths if 0 < w <= width}, reverse=True)
    if not chosen or (width < max(widths) and chosen[0] != width):
        chosen.insert(0, width)
    return chosen


def _renditions(picture: Image.Image, *, widths: Sequence[int]) -> list[Rendition]:
    width, height = picture.size
    fallback = "png" if picture.mode == "RGBA" else "jpeg"
    out: list[Rendition] = []
    for target in rendition_widths(width, widths):
        size = (target, max(1, round(height * target / width)))
        resized = (
            picture
            if size == picture.size
            else picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        )
        for kind in ("webp", fallback):
            out.append(Rendition(size[0], size[1], kind, _encode(resized, kind)))
    return out


def _encode(picture: Image.Image, kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "webp":
        picture.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    elif kind == "jpeg":
        picture.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        picture.save(buffer, "PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def size_text(size: int) -> str:
    """``25 MB``, ``4.2 MB``, ``97 KB``: a file size for people."""
    if size >= 10 * 1_048_576:
        return f"{size / 1_048_576:,.0f} MB"
    if size >= 1_048_576:
        return f"{size / 1_048_576:,.1f} MB"
    return f"{max(size, 1024) / 1024:,.0f} KB"


def too_big(size: int, limit: int) -> str:
    return (
        f"The file is {size_text(size)}; the limit is {size_text(limit)}. "
        "Export a smaller version and upload that."
    )


def _too_many_pixels(size: tuple[int, int] | None, limit: int) -> str:
    claimed = (
        f"{size[0]:,} x {size[1]:,} pixels ({size[0] * size[1] / 1e6:,.0f} megapixels)"
        if size
        else f"more than {PILLOW_PIXEL_CEILING / 1e6:,.0f} megapixels"
    )
    return (
        f"The picture is {claimed}; the limit is {limit / 1e6:,.0f} megapixels. "
        "Resize it and upload it again."
    )


def _damaged() -> str:
    return "The file is damaged or incomplete, so it cannot be read. Upload it again."
