"""Page benchmark: a story page's bytes from nginx (static file) vs Newsdesk's cached page, with wrk.

Both servers are pinned to the server CPU and wrk to the client CPU; each is
loaded with ``wrk -t1 -c64 -d<duration>s`` on the same URL path, one after the
other. If Newsdesk answers with an ``ETag``, the revalidation path
(``If-None-Match`` answered by ``304``) is measured the same way on both.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness.procs import Group, port_free, port_wait
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
    wrk: str, url: str, *, duration: int, cpu: int, headers: dict[str, str] | None = None
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
    proc = subprocess.run(
        [*argv, url], capture_output=True, text=True, timeout=duration + 60, check=False
    )
    if proc.returncode:
        raise RuntimeError(f"wrk failed: {proc.stderr.strip()[-300:]}")
    return {**wrk_parse(proc.stdout), "command": " ".join([*argv, url]), "output": proc.stdout}


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
        base = "http://127.0.0.1:{}" + path
        result["nginx"] = wrk_run(wrk, base.format(port), duration=duration, cpu=client_cpu)
        result["newsdesk"] = wrk_run(
            wrk, base.format(newsdesk.port), duration=duration, cpu=client_cpu
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
            )
            result["newsdesk_304"] = wrk_run(
                wrk,
                base.format(newsdesk.port),
                duration=duration,
                cpu=client_cpu,
                headers={"If-None-Match": etag},
            )
            result["ratio_304"] = result["newsdesk_304"].get("rps", 0) / max(
                result["nginx_304"].get("rps", 1), 1
            )
        else:
            result["revalidate_status"] = None
    finally:
        group.stop(proc)
    return result
