"""``python -m bench [--short]``: fan-out and page benchmarks, Newsdesk against the anchors.

Prints one table of Newsdesk against nginx+nchan and the plain asyncio anchor
with ratios, and writes the raw figures to ``bench/results/<timestamp>.json``.
See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.fanout import fanout_run
from bench.harness.procs import Group, cpus_pick, nofile_raise
from bench.harness.report import report_print
from bench.harness.targets import AsyncioTarget, NchanTarget, NewsdeskTarget, Target
from bench.harness.tools import tools_find
from bench.media import media_run
from bench.pages import pages_run

RESULTS = Path(__file__).resolve().parent / "results"
ALL_TARGETS = ("nchan", "asyncio", "newsdesk", "newsdesk-w2")


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the run whose p99 delivery is the median of the runs (its figures kept together)."""
    if len(runs) == 1:
        return runs[0]
    ranked = sorted(runs, key=lambda r: r["delivery_ms"]["p99"] or float("inf"))
    chosen = dict(ranked[len(ranked) // 2])
    for key in ("server_cpu_ms_per_msg", "client_cpu_ms_per_msg", "mem_per_reader_kib"):
        chosen[key] = statistics.median(r[key] for r in runs)
    for pct in ("p50", "p99"):
        values = [r["delivery_ms"][pct] for r in runs if r["delivery_ms"][pct] is not None]
        chosen["delivery_ms"] = {
            **chosen["delivery_ms"],
            pct: statistics.median(values) if values else None,
        }
    chosen["loss"] = max(r["loss"] for r in runs)
    return chosen


def _redis_ok(url: str) -> str:
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
        client.close()
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis for this run"
        return f"{type(exc).__name__}: {exc}"
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--short", action="store_true", help="1,000 readers, 5 s pages (under a minute)"
    )
    parser.add_argument(
        "--readers", type=int, nargs="+", help="reader counts (default 10000 18000; short 1000)"
    )
    parser.add_argument(
        "--targets", default="", help=f"comma-separated subset of {','.join(ALL_TARGETS)}"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per target and reader count (median kept)"
    )
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between messages")
    parser.add_argument("--size", type=int, default=512, help="message payload bytes")
    parser.add_argument("--page-seconds", type=int, help="wrk duration (default 10; short 5)")
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument("--no-install", action="store_true", help="never apt-get install the tools")
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    args = parser.parse_args(argv)

    readers = args.readers or ([1000] if args.short else [10000, 18000])
    if max(readers) > 18000:
        parser.error("at most 18,000 readers: the file-descriptor cap is 20,000 per process")
    wanted = [t for t in (args.targets.split(",") if args.targets else ALL_TARGETS) if t]
    if args.short and not args.targets:
        wanted = ["nchan", "asyncio", "newsdesk"]
    page_seconds = args.page_seconds or (5 if args.short else 10)

    # SIGTERM (timeout, CI cancel) unwinds through the finally that stops every process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server_cpu, client_cpu = cpus_pick()
    os.sched_setaffinity(0, {client_cpu})
    nofile_raise()
    tools = tools_find(install=not args.no_install)
    print(
        f"bench: nginx {tools.nginx} ({tools.nginx_version}), nchan {tools.nchan_module} ({tools.nchan_version}),"
        f" wrk {tools.wrk} ({tools.wrk_version})"
    )
    for note in tools.notes:
        print(f"bench: {note}")
    print(
        f"bench: server pinned to CPU {server_cpu}, load client and wrk to CPU {client_cpu};"
        f" readers {readers}; targets {wanted}; load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )

    redis_problem = _redis_ok(args.redis_url) if "newsdesk-w2" in wanted else ""
    started = datetime.now(tz=UTC)
    results: dict[str, Any] = {
        "started": started.isoformat(),
        "short": args.short,
        "machine": {
            "cpus": os.cpu_count(),
            "kernel": platform.release(),
            "python": sys.version.split()[0],
            "loadavg_start": os.getloadavg(),
            "server_cpu": server_cpu,
            "client_cpu": client_cpu,
        },
        "tools": tools.as_dict(),
        "settings": {
            "messages": args.messages,
            "interval_s": args.interval,
            "size": args.size,
            "readers": readers,
            "repeat": args.repeat,
            "page_seconds": page_seconds,
        },
        "fanout": [],
        "skipped": [],
        "errors": [],
    }
    RESULTS.mkdir(exist_ok=True)
    group = Group()
    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-bench-"))
    targets: list[Target] = []
    try:
        for name in wanted:
            if name == "nchan":
                if not (tools.nginx and tools.nchan_module):
                    results["skipped"].append(
                        {"target": name, "why": "nginx or the nchan module is missing"}
                    )
                    continue
                targets.append(
                    NchanTarget(
                        group,
                        cpu=server_cpu,
                        workdir=workdir,
                        nginx=tools.nginx,
                        module=tools.nchan_module,
                    )
                )
            elif name == "asyncio":
                targets.append(AsyncioTarget(group, cpu=server_cpu, workdir=workdir))
            elif name == "newsdesk":
                targets.append(NewsdeskTarget(group, cpu=server_cpu, workdir=workdir))
            elif name == "newsdesk-w2":
                if redis_problem:
                    results["skipped"].append(
                        {"target": name, "why": f"Redis at {args.redis_url}: {redis_problem}"}
                    )
                    continue
                targets.append(
                    NewsdeskTarget(
                        group, cpu=server_cpu, workdir=workdir, workers=2, redis_url=args.redis_url
                    )
                )
            else:
                parser.error(f"unknown target {name!r}")
        pages_done = args.no_pages
        for count in readers:
            for target in targets:
                runs = []
                for attempt in range(args.repeat):
                    try:
                        print(
                            f"bench: {target.label}, {count} readers, run {attempt + 1}/{args.repeat}",
                            flush=True,
                        )
                        try:
                            target.start()
                            run = fanout_run(
                                target,
                                group,
                                readers=count,
                                messages=args.messages,
                                interval=args.interval,
                                size=args.size,
                                drain=15.0 if count <= 2000 else 30.0,
                                client_cpu=client_cpu,
                                redis_url=getattr(target, "redis_url", ""),
                            )
                        except Exception as exc:  # noqa: BLE001 - one target failing must not hide the others
                            print(f"bench: {target.label} failed: {exc}", flush=True)
                            results["errors"].append(
                                {
                                    "target": target.name,
                                    "readers": count,
                                    "error": f"{type(exc).__name__}: {exc}",
                                }
                            )
                            break
                        run["info"] = target.info()
                        runs.append(run)
                        if not pages_done and target.name == "newsdesk":
                            if tools.nginx and tools.wrk:
                                print(f"bench: pages, wrk -t1 -c64 -d{page_seconds}s", flush=True)
                                results["pages"] = pages_run(
                                    target,
                                    group,
                                    nginx=tools.nginx,
                                    wrk=tools.wrk,
                                    duration=page_seconds,
                                    server_cpu=server_cpu,
                                    client_cpu=client_cpu,
                                    workdir=workdir,
                                )
                                print("bench: media rendition, same wrk", flush=True)
                                results["media"] = media_run(
                                    target,  # type: ignore[arg-type]
                                    group,
                                    nginx=tools.nginx,
                                    wrk=tools.wrk,
                                    duration=page_seconds,
                                    server_cpu=server_cpu,
                                    client_cpu=client_cpu,
                                    workdir=workdir,
                                )
                            else:
                                results["skipped"].append(
                                    {"target": "pages", "why": "nginx or wrk is missing"}
                                )
                            pages_done = True
                    finally:
                        target.stop()
                if not runs:
                    continue
                chosen = _median_run(runs)
                results["fanout"].append({**chosen, "runs": runs if len(runs) > 1 else None})
    finally:
        for target in targets:
            target.stop()
        group.stop_all()
        stamp = started.strftime("%Y%m%dT%H%M%SZ")
        if results["errors"]:
            # Keep the servers' logs of a failed run next to its figures.
            logs = RESULTS / f"{stamp}-logs"
            for log in workdir.rglob("*.log"):
                logs.mkdir(parents=True, exist_ok=True)
                shutil.copy(log, logs / f"{log.parent.name}-{log.name}")
            results["logs"] = str(logs)
        shutil.rmtree(workdir, ignore_errors=True)
        results["machine"]["loadavg_end"] = os.getloadavg()
        results["elapsed_s"] = round((datetime.now(tz=UTC) - started).total_seconds(), 1)
        out = RESULTS / f"{stamp}{'-short' if args.short else ''}.json"
        out.write_text(json.dumps(results, indent=1, default=str))
    report_print(results)
    print(
        f"\nRaw figures: {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
