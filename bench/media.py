"""Media benchmark: a photo rendition from nginx (static file) vs ``newsdesk serve``, with wrk.

The rendition (about 100 KB of WebP) is stored where the media app stores it,
``<data directory>/media/<2 hex>/<digest>-<width>.webp``, and the same bytes
are given to nginx (``anchors/static.conf``: sendfile, open_file_cache, ETag)
at the same URL path. Both are loaded in turn with ``wrk -t1 -c64`` on the
client CPU, the servers on the server CPU; the issue's goal is at least half
nginx's requests/s. Run alone with ``python -m bench.media``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.harness.procs import Group, port_free, port_wait, tree_pids
from bench.harness.targets import ANCHORS, NewsdeskTarget
from bench.pages import _get, wrk_run

RENDITION_BYTES = 100_000


def rendition_make(size: int = RENDITION_BYTES) -> bytes:
    """A WebP of about ``size`` bytes: drawn noise through Pillow, else random bytes in a RIFF box.

    The servers never decode it; with Pillow (a dependency of the media app)
    it is a real picture.
    """
    rng = random.Random(7)
    try:
        from PIL import Image
    except ImportError:
        body = b"WEBPVP8 " + rng.randbytes(size - 12)
        return b"RIFF" + (len(body)).to_bytes(4, "little") + body
    side = 240
    while True:
        image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
        out = io.BytesIO()
        image.save(out, "WEBP", quality=80)
        if out.tell() >= size * 0.9 or side > 4000:
            return out.getvalue()
        side = int(side * 1.2)


def media_run(
    newsdesk: NewsdeskTarget,
    group: Group,
    *,
    nginx: str,
    wrk: str,
    duration: int,
    server_cpu: int,
    client_cpu: int,
    workdir: Path,
) -> dict[str, Any]:
    """Measure one rendition from ``newsdesk`` (running) against nginx serving its bytes."""
    assert newsdesk.data_dir is not None
    data = rendition_make()
    digest = hashlib.sha256(data).hexdigest()
    name = f"{digest[:2]}/{digest[:32]}-800.webp"
    path = f"/media/{name}"
    stored = newsdesk.data_dir / "media" / name
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(data)
    result: dict[str, Any] = {"path": path, "bytes": len(data), "duration_s": duration}
    status, hdrs, body, _ = _get(newsdesk.port, path)
    if status != 200 or body != data:
        raise RuntimeError(f"newsdesk answered {status} with {len(body)} bytes for {path}")
    result["newsdesk_headers"] = {
        k: hdrs.get(k) for k in ("content-type", "content-length", "etag", "cache-control")
    }

    root = Path(tempfile.mkdtemp(prefix="static-media-", dir=workdir))
    target = root / "www" / "media" / name
    target.parent.mkdir(parents=True)
    target.write_bytes(data)
    for directory in [workdir, root, *target.parents]:
        if directory.is_relative_to(workdir):
            directory.chmod(0o755)
    target.chmod(0o644)
    port = port_free()
    conf = (ANCHORS / "static.conf").read_text()
    conf = (
        conf.replace("@DIR@", str(root))
        .replace("@PORT@", str(port))
        .replace("@ROOT@", str(root / "www"))
    )
    (root / "nginx.conf").write_text(conf)
    proc = group.start(
        [nginx, "-p", str(root), "-e", str(root / "error.log"), "-c", str(root / "nginx.conf")],
        cpu=server_cpu,
        log=root / "stderr.log",
    )
    try:
        port_wait(port, timeout=10, proc=proc)
        s_status, _, s_body, _ = _get(port, path)
        if s_status != 200 or s_body != data:
            raise RuntimeError(f"nginx answered {s_status} with {len(s_body)} bytes")
        url = "http://127.0.0.1:{}" + path
        result["nginx"] = wrk_run(
            wrk,
            url.format(port),
            duration=duration,
            cpu=client_cpu,
            server_pids=tree_pids(proc.pid),
        )
        result["newsdesk"] = wrk_run(
            wrk,
            url.format(newsdesk.port),
            duration=duration,
            cpu=client_cpu,
            server_pids=newsdesk.server_pids(),
        )
        result["ratio"] = result["newsdesk"].get("rps", 0) / max(result["nginx"].get("rps", 1), 1)
    finally:
        group.stop(proc)
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.media``: the media benchmark alone, a few runs, medians printed."""
    from bench.harness.procs import cpus_pick, nofile_raise
    from bench.harness.tools import tools_find

    parser = argparse.ArgumentParser(prog="python -m bench.media", description=main.__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration of each run")
    parser.add_argument("--repeat", type=int, default=3, help="runs; medians are printed")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server_cpu, client_cpu = cpus_pick()
    os.sched_setaffinity(0, {client_cpu})
    nofile_raise()
    tools = tools_find(install=False)
    if not (tools.nginx and tools.wrk):
        print("bench.media: nginx and wrk are needed (apt-get install nginx wrk)")
        return 1
    group = Group()
    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-bench-media-"))
    workdir.chmod(0o755)
    runs: list[dict[str, Any]] = []
    try:
        target = NewsdeskTarget(group, cpu=server_cpu, workdir=workdir)
        try:
            target.start()
            for run in range(args.repeat):
                print(f"bench.media: run {run + 1}/{args.repeat}", flush=True)
                runs.append(
                    media_run(
                        target,
                        group,
                        nginx=tools.nginx,
                        wrk=tools.wrk,
                        duration=args.seconds,
                        server_cpu=server_cpu,
                        client_cpu=client_cpu,
                        workdir=workdir,
                    )
                )
        finally:
            target.stop()
    finally:
        group.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)
    media_print(runs)
    return 0


def media_print(runs: list[dict[str, Any]]) -> None:
    """The medians of the runs as a Markdown table."""
    if not runs:
        return
    first = runs[0]
    print(
        f"\n## Media rendition ({first['bytes']:,} bytes WebP), wrk -t1 -c64"
        f" -d{first['duration_s']}s, medians of {len(runs)} run(s)\n"
    )
    print("| server | req/s | p99 ms | server CPU µs/req |")
    print("| --- | --- | --- | --- |")
    for key, label in (("nginx", "nginx static"), ("newsdesk", "newsdesk serve")):
        rps = statistics.median(r[key]["rps"] for r in runs)
        p99 = statistics.median(r[key].get("p99_ms", 0) for r in runs)
        cpu = statistics.median(r[key].get("server_cpu_us_per_request", 0) for r in runs)
        print(f"| {label} | {rps:,.0f} | {p99:.2f} | {cpu:.1f} |")
    ratio = statistics.median(r["ratio"] for r in runs)
    bad = sum(
        r[k].get("bad_status", 0) + r[k].get("socket_errors", 0)
        for r in runs
        for k in ("nginx", "newsdesk")
    )
    print(f"\nNewsdesk / nginx requests/s: {ratio:.2f} (goal >= 0.5); errors or non-2xx: {bad}")
    print(f"Newsdesk headers: {first['newsdesk_headers']}")


if __name__ == "__main__":
    sys.exit(main())
