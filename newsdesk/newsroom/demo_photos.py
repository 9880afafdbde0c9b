"""Pictures for the demo newsroom, drawn with Pillow on the spot: no files shipped, no downloads.

Each drawing is a plain JPEG the demo uploads through the photo pipeline, as
a reporter's phone photo would be, so the demo shows real renditions.
"""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

WIDTH = 1600


def _sky(
    draw: ImageDraw.ImageDraw,
    size: tuple[int, int],
    top: tuple[int, int, int],
    bottom: tuple[int, int, int],
    until: int,
) -> None:
    for y in range(until):
        t = y / max(until - 1, 1)
        draw.line(
            [(0, y), (size[0], y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )


def harbour() -> Image.Image:
    """The harbour front under low cloud: quay, moored ferries, coastguard launches offshore."""
    size = (WIDTH, 1000)
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    horizon = 430
    _sky(draw, size, (120, 130, 142), (196, 200, 204), horizon)
    _sky_sea = [(54, 78, 96), (28, 46, 60)]
    for y in range(horizon, size[1]):
        t = (y - horizon) / (size[1] - horizon)
        color = tuple(round(a + (b - a) * t) for a, b in zip(*_sky_sea, strict=True))
        draw.line([(0, y), (size[0], y)], fill=color)
    rng = random.Random(11)
    for _ in range(900):  # swell
        x, y = rng.uniform(0, size[0]), rng.uniform(horizon + 10, size[1])
        length = 10 + (y - horizon) / 8
        draw.line([(x, y), (x + length, y)], fill=(86, 112, 130), width=2)
    # Far hills and the conference centre.
    draw.polygon(
        [(0, horizon), (260, 372), (520, 404), (760, 360), (1000, horizon)], fill=(92, 104, 110)
    )
    draw.rectangle([1040, 300, 1480, horizon], fill=(214, 216, 210))
    for x in range(1060, 1470, 36):
        draw.rectangle([x, 320, x + 22, 410], fill=(120, 150, 170))
    # The quay.
    draw.polygon([(0, 760), (size[0], 690), (size[0], 760), (0, 840)], fill=(150, 146, 138))
    draw.polygon([(0, 840), (size[0], 760), (size[0], size[1]), (0, size[1])], fill=(110, 106, 100))
    # Two ferries at the quay, launches offshore.
    for left, hull in ((140, (238, 238, 232)), (700, (196, 46, 38))):
        draw.polygon(
            [(left, 690), (left + 430, 676), (left + 400, 740), (left + 30, 752)], fill=hull
        )
        draw.rectangle([left + 90, 610, left + 330, 684], fill=(244, 244, 240))
        for x in range(left + 105, left + 320, 34):
            draw.rectangle([x, 628, x + 20, 648], fill=(60, 80, 96))
        draw.rectangle([left + 250, 560, left + 280, 612], fill=(40, 40, 44))
    for x in (520, 820, 1150, 1380):
        draw.polygon([(x, 470), (x + 70, 466), (x + 62, 486), (x + 8, 488)], fill=(236, 120, 30))
        draw.rectangle([x + 20, 452, x + 44, 468], fill=(246, 246, 246))
    return image.filter(ImageFilter.GaussianBlur(0.6))


def storm_chart() -> Image.Image:
    """A forecast chart: Storm Hesper's spiral west of the Calder Isles, with its track."""
    size = (WIDTH, 1200)
    image = Image.new("RGB", size, (18, 42, 74))
    draw = ImageDraw.Draw(image)
    rng = random.Random(5)
    for _ in range(14):  # islands and coast
        cx, cy = rng.uniform(900, 1550), rng.uniform(150, 1100)
        points = [
            (cx + math.cos(a) * rng.uniform(30, 110), cy + math.sin(a) * rng.uniform(30, 110))
            for a in [i * math.pi / 6 for i in range(12)]
        ]
        draw.polygon(points, fill=(70, 112, 66))
    cloud = Image.new("L", size, 0)
    cloud_draw = ImageDraw.Draw(cloud)
    centre = (520, 560)
    for arm in range(4):
        for step in range(260):
            angle = arm * math.pi / 2 + step * 0.045
            radius = 8 + step * 1.9
            x = centre[0] + math.cos(angle) * radius
            y = centre[1] + math.sin(angle) * radius * 0.85
            width = 26 + step * 0.18
            cloud_draw.ellipse([x - width, y - width, x + width, y + width], fill=210 - step // 2)
    cloud = cloud.filter(ImageFilter.GaussianBlur(18))
    image.paste((236, 240, 246), mask=cloud)
    draw.ellipse(
        [centre[0] - 22, centre[1] - 22, centre[0] + 22, centre[1] + 22], fill=(18, 42, 74)
    )
    track = [(520, 560), (760, 610), (980, 660), (1180, 700), (1330, 730)]
    draw.line(track, fill=(255, 196, 40), width=8)
    for x, y in track[1:]:
        draw.ellipse([x - 14, y - 14, x + 14, y + 14], outline=(255, 196, 40), width=6)
    return image


def podium() -> Image.Image:
    """The summit's press conference: a lectern before a row of flags."""
    size = (WIDTH, 1067)
    image = Image.new("RGB", size, (36, 52, 86))
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 160):  # backdrop panels
        draw.rectangle([x + 6, 0, x + 154, 700], fill=(44, 64, 104))
    colours = [
        ((200, 30, 40), (255, 255, 255)),
        ((20, 90, 170), (250, 210, 30)),
        ((30, 130, 70), (255, 255, 255)),
        ((240, 240, 240), (200, 30, 40)),
        ((250, 190, 20), (20, 60, 140)),
        ((20, 20, 20), (210, 40, 40)),
    ]
    for n, (field, stripe) in enumerate(colours):
        x = 150 + n * 230
        draw.rectangle([x + 70, 120, x + 76, 700], fill=(190, 190, 190))
        draw.polygon([(x + 76, 130), (x + 200, 150), (x + 196, 330), (x + 76, 320)], fill=field)
        draw.polygon([(x + 76, 200), (x + 198, 222), (x + 197, 262), (x + 76, 246)], fill=stripe)
    draw.rectangle([0, 700, size[0], size[1]], fill=(60, 44, 40))
    draw.polygon([(660, 560), (940, 560), (900, 1000), (700, 1000)], fill=(120, 84, 52))
    draw.rectangle([690, 600, 910, 640], fill=(230, 220, 200))
    draw.line([(800, 560), (800, 500)], fill=(30, 30, 30), width=6)
    draw.ellipse([786, 486, 814, 510], fill=(30, 30, 30))
    return image.filter(ImageFilter.GaussianBlur(0.8))


DRAWINGS = {"harbour": harbour, "storm-chart": storm_chart, "podium": podium}


def demo_photo(name: str) -> bytes:
    """The named drawing as a JPEG, the way a camera would hand it over."""
    out = io.BytesIO()
    DRAWINGS[name]().save(out, "JPEG", quality=88)
    return out.getvalue()
