"""Save a screenshot of a story page for the README.

Usage, against a running server (``make demo`` in another terminal)::

    .venv/bin/python docs/make_screenshot.py http://127.0.0.1:8000 /world/2025/01/01/live-updates-.../

It drives Debian's headless Chromium through Playwright and writes
``docs/story-page.png`` (``--output`` to change it).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urljoin

HERE = Path(__file__).resolve().parent


def screenshot_save(
    *, url: str, output: Path, width: int, height: int, full_page: bool, chromium: str
) -> Path:
    """Open ``url`` in headless Chromium and save a PNG of it to ``output``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(
                viewport={"width": width, "height": height}, device_scale_factor=1
            )
            # "load", not "networkidle": the live script keeps its event stream open.
            response = page.goto(url, wait_until="load")
            if response is None or response.status != 200:
                status = response.status if response else "no response"
                raise SystemExit(f"{url} answered {status}; is the story path right?")
            page.evaluate("() => document.fonts.ready")
            output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(output), full_page=full_page)
        finally:
            browser.close()
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("server", help="origin of a running server, e.g. http://127.0.0.1:8000")
    parser.add_argument("story_path", help="path of the story page, e.g. /world/2025/01/01/slug/")
    parser.add_argument("--output", type=Path, default=HERE / "story-page.png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1600)
    parser.add_argument("--full-page", action="store_true", help="capture the whole page")
    parser.add_argument(
        "--chromium", default=os.environ.get("NEWSDESK_CHROMIUM", "/usr/bin/chromium")
    )
    args = parser.parse_args(argv)
    url = urljoin(args.server.rstrip("/") + "/", args.story_path.lstrip("/"))
    path = screenshot_save(
        url=url,
        output=args.output,
        width=args.width,
        height=args.height,
        full_page=args.full_page,
        chromium=args.chromium,
    )
    sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
