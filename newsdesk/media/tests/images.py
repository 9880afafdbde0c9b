"""Pictures made on the spot for the media tests: no files checked in, nothing downloaded."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

GPS_LATITUDE = (51.0, 30.0, 12.5)
SERIAL = "SERIAL-7731-NEWSDESK"
OWNER = "Field Reporter Owner"


def photo(
    width: int = 1200, height: int = 900, *, color: tuple[int, int, int] = (30, 90, 160)
) -> Image.Image:
    """A picture with some structure (gradient and shapes), so encoders have real work."""
    image = Image.new("RGB", (width, height), color)
    band = Image.linear_gradient("L").resize((width, height))
    image.paste((220, 180, 40), mask=band)
    for n in range(6):
        x = (n + 1) * width // 8
        image.paste(
            (200 - n * 20, 40 + n * 25, 90), (x, height // 4, x + width // 16, 3 * height // 4)
        )
    return image


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    """EXIF a phone writes: orientation, make, serial number, owner, GPS position."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "NewsPhone"
    exif[0xA431] = SERIAL  # BodySerialNumber
    exif[0xA430] = OWNER  # CameraOwnerName
    exif[0x8825] = {1: "N", 2: GPS_LATITUDE, 3: "W", 4: (0.0, 7.0, 39.0)}
    return exif


def jpeg(width: int = 1200, height: int = 900, *, orientation: int = 1, quality: int = 90) -> bytes:
    """A JPEG with GPS, serial and owner in its EXIF, and an XMP packet naming a place."""
    out = io.BytesIO()
    photo(width, height).save(
        out,
        "JPEG",
        quality=quality,
        exif=exif_with_gps(orientation),
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Harbour Street 12</x:xmpmeta>',
    )
    return out.getvalue()


def png_with_alpha(width: int = 640, height: int = 480) -> bytes:
    image = photo(width, height).convert("RGBA")
    image.putalpha(Image.linear_gradient("L").resize((width, height)))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def encoded(fmt: str, width: int = 800, height: int = 600, **options: object) -> bytes:
    out = io.BytesIO()
    photo(width, height).save(out, fmt, **options)
    return out.getvalue()


def heic(width: int = 800, height: int = 600) -> bytes:
    """What an iPhone shoots (pillow-heif encodes it)."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    photo(width, height).save(out, "HEIF", exif=exif_with_gps().tobytes())
    return out.getvalue()


def animated_gif(width: int = 320, height: int = 240) -> bytes:
    frames = [photo(width, height, color=(n * 60, 40, 90)) for n in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" + b"\x00" * 3 * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
