"""The pure photo pipeline: what goes in, what comes out, what is refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from newsdesk.media.processing import Refused, image_process, rendition_widths, sniff

from . import images

WIDTHS = [480, 800, 1200, 1600]
LIMITS = {"widths": WIDTHS, "max_pixels": 50_000_000, "max_bytes": 25 * 1024 * 1024}


def process(data: bytes, **overrides: object):
    return image_process(data, **{**LIMITS, **overrides})  # type: ignore[arg-type]


def test_renditions_are_never_upscaled_and_largest_first():
    assert rendition_widths(4032, WIDTHS) == [1600, 1200, 800, 480]
    assert rendition_widths(1000, WIDTHS) == [1000, 800, 480]
    assert rendition_widths(300, WIDTHS) == [300]
    assert rendition_widths(1600, WIDTHS) == [1600, 1200, 800, 480]


def test_a_phone_jpeg_gives_webp_and_jpeg_at_each_width_with_no_metadata_left():
    data = images.jpeg(2000, 1500)
    result = process(data)
    assert [(r.width, r.format) for r in result.renditions] == [
        (1600, "webp"),
        (1600, "jpeg"),
        (1200, "webp"),
        (1200, "jpeg"),
        (800, "webp"),
        (800, "jpeg"),
        (480, "webp"),
        (480, "jpeg"),
    ]
    assert (result.width, result.height) == (1600, 1200)
    assert result.source_format == "jpeg"
    for rendition in result.renditions:
        opened = Image.open(io.BytesIO(rendition.data))
        assert opened.size == (rendition.width, rendition.height)
        assert dict(opened.getexif()) == {}
        assert not opened.info.get("icc_profile")
        assert not opened.info.get("xmp")
        for secret in (images.SERIAL.encode(), images.OWNER.encode(), b"Harbour Street", b"GPS"):
            assert secret not in rendition.data


def test_exif_orientation_is_applied_to_the_pixels():
    # Orientation 6: the camera was turned; the stored 1200x900 shows as 900x1200.
    result = process(images.jpeg(1200, 900, orientation=6))
    assert (result.width, result.height) == (900, 1200)
    opened = Image.open(io.BytesIO(result.renditions[0].data))
    assert opened.size == (900, 1200)
    assert opened.getexif().get(0x0112) is None


def test_the_same_file_gives_the_same_bytes():
    data = images.jpeg(900, 600)
    first, second = process(data), process(data)
    assert [r.data for r in first.renditions] == [r.data for r in second.renditions]


@pytest.mark.parametrize(
    ("data", "source"),
    [
        (images.encoded("PNG"), "png"),
        (images.encoded("WEBP"), "webp"),
        (images.encoded("GIF"), "gif"),
        (images.animated_gif(), "gif"),
        (images.heic(), "heif"),
    ],
)
def test_every_accepted_format_is_read(data, source):
    result = process(data)
    assert result.source_format == source
    assert {r.format for r in result.renditions} == {"webp", "jpeg"}


def test_heic_from_a_phone_loses_its_gps_too():
    result = process(images.heic())
    for rendition in result.renditions:
        assert dict(Image.open(io.BytesIO(rendition.data)).getexif()) == {}
        assert images.SERIAL.encode() not in rendition.data


def test_transparency_keeps_png_beside_webp():
    result = process(images.png_with_alpha())
    assert {r.format for r in result.renditions} == {"webp", "png"}
    assert Image.open(io.BytesIO(result.renditions[1].data)).mode == "RGBA"


def test_svg_is_refused_as_a_script_carrier():
    assert "SVG" in (sniff(images.SVG) or "")
    with pytest.raises(Refused, match="SVG"):
        process(images.SVG)


def test_a_text_file_named_like_a_photo_is_refused():
    with pytest.raises(Refused, match="not a picture"):
        process(b"Just some notes from the press conference.\n" * 20)


def test_a_truncated_jpeg_is_refused_as_damaged():
    data = images.jpeg(1200, 900)
    with pytest.raises(Refused, match="damaged or incomplete"):
        process(data[: len(data) // 2])


def test_a_decompression_bomb_is_refused_before_decoding():
    bomb = images.png_bomb()
    assert len(bomb) < 1000
    with pytest.raises(Refused, match="the limit is 50 megapixels"):
        process(bomb)
    # Below Pillow's own ceiling, the header's size is named.
    with pytest.raises(Refused, match="9,000 x 9,000 pixels"):
        process(images.png_bomb(9_000, 9_000))


def test_too_many_bytes_is_refused_with_the_limit():
    with pytest.raises(Refused, match="the limit is 10 KB"):
        process(images.jpeg(), max_bytes=10 * 1024)


def test_an_empty_file_is_refused():
    with pytest.raises(Refused, match="empty"):
        process(b"")
