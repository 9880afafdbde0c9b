"""Page benchmark: a story page's bytes from nginx (static file) vs Newsdesk's cached page, with wrk.

Both servers are pinned to the server CPU and wrk to the client CPU; each is
loaded with ``wrk -t1 -c64 -d<duration>s`` on the same URL path, one after the
other. If Newsdesk answers with an ``ETag``, the revalidation path
(``If-None-Match`` answered by ``304``) is measured the same way on both.
Besides requests/s, each run records the server's CPU time per request
(all its threads, from ``/proc``): on a machine shared with other work it
is the steadier figure.

Run alone (no fan-out) with ``python -m bench.pages``; see ``--help``.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness.procs import Group, cpu_ns, port_free, port_wait, tree_pids
from bench.harness.targets import ANCHORS, Conn, NewsdeskTarget

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        return float("nan")
    return float(match.group(1)) * UNITS[match.group(2)]


def wrk_parse(out: str) -> dict[str, Any]:
    """Return requests/s, latency percentiles and error counts from wrk's --latency output."""
    figures: dict[str, Any] = {}
    if found := re.search(r"Requests/sec:\s+([\d.]+)", out):
        figures["rps"] = float(found.group(1))
    if found := re.search(r"(\d+) requests in ([\d.]+\w+)", out):
        figures["requests"] = int(found.group(1))
    for pct in ("50", "90", "99"):
        if found := re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M):
            figures[f"p{pct}_ms"] = _ms(found.group(1))
    found = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    figures["bad_status"] = int(found.group(1)) if found else 0
    found = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    figures["socket_errors"] = sum(int(g) for g in found.groups()) if found else 0
    return figures


def wrk_run(
    wrk: str,
    url: str,
    *,
    duration: int,
    cpu: int,
    headers: dict[str, str] | None = None,
    server_pids: list[int] | None = None,
) -> dict[str, Any]:
    argv = [
        "taskset",
        "-c",
        str(cpu),
        wrk,
        "-t1",
        "-c64",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    pids = server_pids or []
    before = sum(cpu_ns(pid) for pid in pids)
    proc = subprocess.run(
        [*argv, url], capture_output=True, text=True, timeout=duration + 60, check=False
    )
    used = sum(cpu_ns(pid) for pid in pids) - before
    if proc.returncode:
        raise RuntimeError(f"wrk failed: {proc.stderr.strip()[-300:]}")
    figures = {**wrk_parse(proc.stdout), "command": " ".join([*argv, url]), "output": proc.stdout}
    if pids and figures.get("requests"):
        figures["server_cpu_us_per_request"] = round(used / 1e3 / figures["requests"], 2)
    return figures


def _get(
    port: int, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes, float]:
    conn = Conn(port)
    try:
        started = time.perf_counter()
        status, hdrs, body = conn.request("GET", path, headers=headers)
        return status, hdrs, body, (time.perf_counter() - started) * 1e3
    finally:
        conn.close()


_SCRIPT_SRC = re.compile(rb'<script[^>]*\ssrc="([^"]+)"')


def scripts_measure(port: int, page: bytes) -> dict[str, Any]:
    """The scripts a page loads, fetched from the server: bytes as sent and gzipped."""
    files = {}
    for src in _SCRIPT_SRC.findall(page):
        status, _, body, _ = _get(port, src.decode())
        if status == 200:
            files[src.decode()] = {"bytes": len(body), "gzip_bytes": len(gzip.compress(body, 9))}
    return {
        "files": files,
        "bytes": sum(f["bytes"] for f in files.values()),
        "gzip_bytes": sum(f["gzip_bytes"] for f in files.values()),
    }


def pages_run(
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
    """Measure the story page of ``newsdesk``'s current story against nginx serving its bytes."""
    path = str(newsdesk.story["url"])
    result: dict[str, Any] = {"path": path, "duration_s": duration}
    status, hdrs, body, cold_ms = _get(newsdesk.port, path)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    result["first_get_ms"] = round(cold_ms, 2)
    warm = [_get(newsdesk.port, path) for _ in range(5)]
    result["warm_get_ms"] = round(min(w[3] for w in warm), 2)
    status, hdrs, body, _ = warm[-1]
    result["bytes"] = len(body)
    result["newsdesk_headers"] = {
        k: hdrs.get(k) for k in ("etag", "cache-control", "last-modified", "x-cache", "vary")
    }
    result["scripts"] = scripts_measure(newsdesk.port, body)
    newsdesk_pids = newsdesk.server_pids()

    root = Path(tempfile.mkdtemp(prefix="static-", dir=workdir))
    page_dir = root / "www" / path.strip("/")
    page_dir.mkdir(parents=True)
    (page_dir / "index.html").write_bytes(body)
    # nginx's workers drop root for "nobody": they must be able to read the page.
    for directory in [
        workdir,
        root,
        *page_dir.relative_to(root).parents,
        page_dir.relative_to(root),
    ]:
        target = directory if directory.is_absolute() else root / directory
        target.chmod(0o755)
    (page_dir / "index.html").chmod(0o644)
    conf = (ANCHORS / "static.conf").read_text()
    port = port_free()
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
        s_status, s_hdrs, s_body, _ = _get(port, path)
        if s_status != 200 or s_body != body:
            raise RuntimeError(f"nginx static answered {s_status} with {len(s_body)} bytes")
        nginx_pids = tree_pids(proc.pid)
        base = "http://127.0.0.1:{}" + path
        result["nginx"] = wrk_run(
            wrk, base.format(port), duration=duration, cpu=client_cpu, server_pids=nginx_pids
        )
        result["newsdesk"] = wrk_run(
            wrk,
            base.format(newsdesk.port),
            duration=duration,
            cpu=client_cpu,
            server_pids=newsdesk_pids,
        )
        result["ratio"] = result["newsdesk"].get("rps", 0) / max(result["nginx"].get("rps", 1), 1)
        etag = hdrs.get("etag")
        if etag:
            n_status, *_ = _get(newsdesk.port, path, {"If-None-Match": etag})
            x_status, *_ = _get(port, path, {"If-None-Match": s_hdrs["etag"]})
            result["revalidate_status"] = {"newsdesk": n_status, "nginx": x_status}
            result["nginx_304"] = wrk_run(
                wrk,
                base.format(port),
                duration=duration,
                cpu=client_cpu,
                headers={"If-None-Match": s_hdrs["etag"]},
                server_pids=nginx_pids,
            )
            result["newsdesk_304"] = wrk_run(
                wrk,
                base.format(newsdesk.port),
                duration=duration,
                cpu=client_cpu,
                headers={"If-None-Match": etag},
                server_pids=newsdesk_pids,
            )
            result["ratio_304"] = result["newsdesk_304"].get("rps", 0) / max(
                result["nginx_304"].get("rps", 1), 1
            )
        else:
            result["revalidate_status"] = None
        # The same ETag after the load: every answer came from one render.
        _, after, _, _ = _get(newsdesk.port, path)
        result["one_render"] = bool(etag) and after.get("etag") == etag
        result["x_cache_after"] = after.get("x-cache")
    finally:
        group.stop(proc)
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.pages``: the page benchmark alone, a few runs, medians printed."""
    from bench.harness.procs import cpus_pick, nofile_raise
    from bench.harness.tools import tools_find

    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=main.__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration of each run")
    parser.add_argument("--repeat", type=int, default=3, help="runs; medians are printed")
    parser.add_argument("--entries", type=int, default=20, help="entries on the story page")
    parser.add_argument("--size", type=int, default=512, help="bytes of each entry's body")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server_cpu, client_cpu = cpus_pick()
    os.sched_setaffinity(0, {client_cpu})
    nofile_raise()
    tools = tools_find(install=False)
    if not (tools.nginx and tools.wrk):
        print("bench.pages: nginx and wrk are needed (apt-get install nginx wrk)")
        return 1
    kinds = ["serve"]
    group = Group()
    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-bench-pages-"))
    workdir.chmod(0o755)
    rows: list[tuple[str, dict[str, Any]]] = []
    try:
        for kind in kinds:
            target = NewsdeskTarget(group, cpu=server_cpu, workdir=workdir)
            try:
                target.start()
                target.entries_publish(args.entries, size=args.size)
                for run in range(args.repeat):
                    print(f"bench.pages: {kind}, run {run + 1}/{args.repeat}", flush=True)
                    rows.append(
                        (
                            kind,
                            pages_run(
                                target,
                                group,
                                nginx=tools.nginx,
                                wrk=tools.wrk,
                                duration=args.seconds,
                                server_cpu=server_cpu,
                                client_cpu=client_cpu,
                                workdir=workdir,
                            ),
                        )
                    )
            finally:
                target.stop()
    finally:
        group.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)
    _print_table(rows, seconds=args.seconds)
    return 0


def _print_table(rows: list[tuple[str, dict[str, Any]]], *, seconds: int) -> None:
    if not rows:
        return
    size = rows[0][1]["bytes"]
    print(f"\n## Story page ({size:,} bytes), wrk -t1 -c64 -d{seconds}s, medians of runs\n")
    print(
        "| server | answer | nginx req/s | Newsdesk req/s | ratio | nginx CPU µs/req | Newsdesk CPU µs/req |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for kind in dict.fromkeys(k for k, _ in rows):
        runs = [r for k, r in rows if k == kind]
        for answer, ours, theirs in (
            ("200", "newsdesk", "nginx"),
            ("304", "newsdesk_304", "nginx_304"),
        ):
            if not all(ours in r for r in runs):
                continue
            nginx = statistics.median(r[theirs]["rps"] for r in runs)
            newsdesk = statistics.median(r[ours]["rps"] for r in runs)
            ratio = statistics.median(r[ours]["rps"] / r[theirs]["rps"] for r in runs)
            n_cpu = statistics.median(r[theirs].get("server_cpu_us_per_request", 0) for r in runs)
            d_cpu = statistics.median(r[ours].get("server_cpu_us_per_request", 0) for r in runs)
            print(
                f"| {kind} | {answer} | {nginx:,.0f} | {newsdesk:,.0f} | {ratio:.2f} | {n_cpu:.1f} | {d_cpu:.1f} |"
            )
    for kind, run in rows:
        bad = {
            k: v.get("bad_status", 0) + v.get("socket_errors", 0)
            for k, v in run.items()
            if isinstance(v, dict) and "rps" in v
        }
        print(
            f"{kind}: headers {run['newsdesk_headers']}; one render throughout: {run.get('one_render')};"
            f" errors/non-2xx-3xx {bad}"
        )


if __name__ == "__main__":
    sys.exit(main())
