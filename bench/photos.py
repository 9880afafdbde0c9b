"""``python -m bench.photos``: what a phone photo costs to take in, beside a plain Pillow anchor.

A 12-megapixel photo (4032 x 3024, the size most phones shoot) is made on the
spot, JPEG at quality 92 with GPS in its EXIF, and HEIC. Each run happens in
a fresh process, so its peak memory is its own: the process imports
everything, reads the file, notes its resident memory, then makes every
rendition. Reported per photo: CPU seconds, peak resident memory above the
process's own baseline and in all, and the bytes of the renditions against
the original's.

The anchor makes the same renditions the plain way (decode the whole image,
then resize and encode each width), so the ratio shows what decoding at a
reduced scale (JPEG ``draft``) saves. Goals from issue 11: under 1.5 s of
one core and under 300 MB peak for the JPEG.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import resource
import statistics
import time
from typing import Any

WIDTHS = [480, 800, 1200, 1600]
MAX_PIXELS = 50_000_000
MAX_BYTES = 25 * 1024 * 1024


def phone_photo(kind: str, width: int = 4032, height: int = 3024) -> bytes:
    """A photo-like picture (light gradients, shapes, sensor noise) with phone EXIF."""
    import numpy as np
    from PIL import Image

    from newsdesk.media.tests.images import exif_with_gps

    rng = np.random.default_rng(7)
    x = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    y = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    base = np.stack(
        [140 + 80 * x - 40 * y, 120 + 60 * y * x, 90 + 120 * (1 - y) * (0.5 + 0.5 * x)], axis=-1
    )
    for _ in range(12):
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(80, 600)
        mask = (
            (np.arange(width)[None, :] - cx) ** 2 + (np.arange(height)[:, None] - cy) ** 2
        ) < r**2
        base[mask] = rng.uniform(20, 235, 3)
    base += rng.normal(0, 9, base.shape).astype(np.float32)
    image = Image.fromarray(base.clip(0, 255).astype(np.uint8))
    out = io.BytesIO()
    if kind == "heic":
        import pillow_heif

        pillow_heif.register_heif_opener()
        image.save(out, "HEIF", quality=80, exif=exif_with_gps().tobytes())
    else:
        image.save(out, "JPEG", quality=92, exif=exif_with_gps())
    return out.getvalue()


def _plain_renditions(data: bytes) -> list[bytes]:
    """The anchor: full decode, orientation, then each width resized and encoded."""
    from PIL import Image, ImageOps

    from newsdesk.media import processing  # noqa: F401 - registers the HEIF opener

    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    out = []
    for width in sorted(WIDTHS, reverse=True):
        size = (width, round(image.height * width / image.width))
        resized = image.resize(size, Image.Resampling.LANCZOS)
        for fmt, options in (("WEBP", {"quality": 80, "method": 4}), ("JPEG", {"quality": 82})):
            buffer = io.BytesIO()
            resized.save(buffer, fmt, **options)
            out.append(buffer.getvalue())
    return out


def _status_kib(field: str) -> int:
    # VmHWM is this process's own high-water mark; getrusage's ru_maxrss would
    # carry the parent's across fork and exec.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _child(way: str, data: bytes, results: Any) -> None:
    from newsdesk.media.processing import image_process

    baseline = _status_kib("VmRSS")
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    if way == "newsdesk":
        made = [
            r.data
            for r in image_process(
                data, widths=WIDTHS, max_pixels=MAX_PIXELS, max_bytes=MAX_BYTES
            ).renditions
        ]
    else:
        made = _plain_renditions(data)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    peak = _status_kib("VmHWM")
    results.put(
        {
            "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "wall_s": wall,
            "peak_mib": peak / 1024,
            "peak_above_baseline_mib": (peak - baseline) / 1024,
            "bytes_out": sum(len(d) for d in made),
            "renditions": len(made),
        }
    )


def measure(way: str, data: bytes) -> dict[str, Any]:
    """One run in a fresh process (spawned, so no memory is inherited)."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_child, args=(way, data, results))
    process.start()
    result = results.get(timeout=300)
    process.join()
    return result


def photos_run(*, repeat: int = 3) -> dict[str, Any]:
    """Median figures of ``repeat`` runs per photo kind and way."""
    report: dict[str, Any] = {}
    for kind in ("jpeg", "heic"):
        data = phone_photo(kind)
        entry: dict[str, Any] = {"bytes_in": len(data)}
        for way in ("newsdesk", "plain-pillow"):
            runs = [measure(way, data) for _ in range(repeat)]
            entry[way] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        report[kind] = entry
    return report


def photos_print(report: dict[str, Any]) -> None:
    print("Photo intake: a 12-megapixel phone photo (4032 x 3024) to 8 renditions")
    print(
        f"{'photo':<6} {'way':<13} {'CPU s':>7} {'peak MiB':>9} {'above base':>11} {'out / in':>18}"
    )
    for kind, entry in report.items():
        for way in ("newsdesk", "plain-pillow"):
            r = entry[way]
            print(
                f"{kind:<6} {way:<13} {r['cpu_s']:7.2f} {r['peak_mib']:9.0f} "
                f"{r['peak_above_baseline_mib']:11.0f} "
                f"{r['bytes_out'] / 1e6:6.2f} / {entry['bytes_in'] / 1e6:5.2f} MB"
            )
        ratio = entry["newsdesk"]["cpu_s"] / entry["plain-pillow"]["cpu_s"]
        print(
            f"{'':<6} {'ratio':<13} {ratio:7.2f}   (Newsdesk CPU / plain Pillow; lower is better)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.photos", description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    args = parser.parse_args(argv)
    report = photos_run(repeat=args.repeat)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        photos_print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
