"""The printed report: one table per reader count, Newsdesk against the anchors, with ratios."""

from __future__ import annotations

from typing import Any

NAMES = {
    "nchan": "nginx+nchan",
    "asyncio": "asyncio anchor",
    "newsdesk": "Newsdesk",
    "newsdesk-w2-redis": "Newsdesk 2w+Redis",
}


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}"


FIGURES: list[tuple[str, Any]] = [
    ("p50 delivery, ms", lambda r: r["delivery_ms"]["p50"]),
    ("p99 delivery, ms", lambda r: r["delivery_ms"]["p99"]),
    ("first reader's delivery (publish path), p50 ms", lambda r: r.get("first_reader_ms_p50")),
    ("last reader's delivery (whole fan-out), p50 ms", lambda r: r.get("last_reader_ms_p50")),
    ("server CPU per message, ms", lambda r: r["server_cpu_ms_per_msg"]),
    ("memory per idle reader, KiB", lambda r: r["mem_per_reader_kib"]),
    ("loss (missing + duplicate)", lambda r: r["loss"]),
    ("client CPU per message, ms", lambda r: r["client_cpu_ms_per_msg"]),
    ("SSE event size, bytes", lambda r: r["event_bytes"]),
    ("time to connect all readers, s", lambda r: r["connect_s"]),
]
# Figures whose ratio is meaningful (lower is better): the rest are context.
RATIOED = {
    "p50 delivery, ms",
    "p99 delivery, ms",
    "server CPU per message, ms",
    "memory per idle reader, KiB",
}


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def report_print(results: dict[str, Any]) -> None:
    """Print the fan-out tables, the multi-process breakdown and the page table."""
    settings = results["settings"]
    for count in settings["readers"]:
        runs = {r["target"]: r for r in results["fanout"] if r["readers"] == count}
        if not runs:
            continue
        nd = runs.get("newsdesk")
        cols = [t for t in ("nchan", "asyncio", "newsdesk", "newsdesk-w2-redis") if t in runs]
        anchors = [t for t in ("nchan", "asyncio") if t in runs]
        print(
            f"\n## Fan-out: {count:,} readers, {settings['messages']} messages of {settings['size']} bytes,"
            f" {settings['interval_s'] * 1000:.0f} ms apart (lower is better; ratio = Newsdesk / anchor)\n"
        )
        head = ["figure", *(NAMES.get(t, t) for t in cols)]
        if nd:
            head += [f"Newsdesk / {NAMES[a]}" for a in anchors]
        print(_row(head))
        print(_row(["---"] * len(head)))
        for label, get in FIGURES:
            cells = [label, *(_fmt(get(runs[t])) for t in cols)]
            if nd:
                cells += [
                    _ratio(get(nd), get(runs[a])) if label in RATIOED else "" for a in anchors
                ]
            print(_row(cells))
        for t in cols:
            r = runs[t]
            if r["subscribed"] < count or r.get("connect_errors"):
                print(
                    f"\n{NAMES.get(t, t)}: {r['subscribed']}/{count} readers subscribed; {r.get('connect_errors')}"
                )
            if r.get("coalesced"):
                print(
                    f"{NAMES.get(t, t)}: {r['coalesced']} events shared a read with a later one (their time is an upper bound)"
                )
        multi = runs.get("newsdesk-w2-redis")
        if multi:
            print(f"\nNewsdesk, 2 workers + Redis, {count:,} readers, per serving process:")
            for proc in multi["processes"]:
                if not proc["serving"]:
                    continue
                readers = proc["fds_loaded"] - proc["fds_idle"]
                print(
                    f"  pid {proc['pid']}: ~{readers:,} readers (sockets), CPU {proc['cpu_ms_per_msg']:.1f} ms/message,"
                    f" {proc['mem_per_reader_kib']:.1f} KiB per reader"
                )
            broker = multi.get("broker")
            if broker:
                a, b = broker["publish_to_broker_ms"], broker["broker_to_reader_ms"]
                print(
                    f"  broker hop: API request -> message on Redis p50 {_fmt(a['p50'])} / p99 {_fmt(a['p99'])} ms;"
                    f" Redis -> reader p50 {_fmt(b['p50'])} / p99 {_fmt(b['p99'])} ms"
                    f" ({broker['messages_seen']} messages seen on {', '.join(broker['channels']) or 'no channel'})"
                )
    pages = results.get("pages")
    if pages:
        print(
            f"\n## Story page ({pages['bytes']:,} bytes), wrk -t1 -c64 -d{pages['duration_s']}s"
            " (higher is better; ratio = Newsdesk / nginx)\n"
        )
        print(_row(["figure", "nginx static", "Newsdesk", "Newsdesk / nginx"]))
        print(_row(["---"] * 4))
        n, d = pages["nginx"], pages["newsdesk"]
        print(
            _row(
                [
                    "200: requests/s",
                    _fmt(n.get("rps")),
                    _fmt(d.get("rps")),
                    _ratio(d.get("rps"), n.get("rps")),
                ]
            )
        )
        print(
            _row(["200: p99 latency, ms", _fmt(n.get("p99_ms"), 2), _fmt(d.get("p99_ms"), 2), ""])
        )
        if "newsdesk_304" in pages:
            n3, d3 = pages["nginx_304"], pages["newsdesk_304"]
            print(
                _row(
                    [
                        "304: requests/s",
                        _fmt(n3.get("rps")),
                        _fmt(d3.get("rps")),
                        _ratio(d3.get("rps"), n3.get("rps")),
                    ]
                )
            )
            print(
                _row(
                    [
                        "304: p99 latency, ms",
                        _fmt(n3.get("p99_ms"), 2),
                        _fmt(d3.get("p99_ms"), 2),
                        "",
                    ]
                )
            )
        bad = {
            k: v.get("bad_status", 0) + v.get("socket_errors", 0)
            for k, v in pages.items()
            if isinstance(v, dict) and "rps" in v
        }
        print(
            f"\nNewsdesk headers: {pages['newsdesk_headers']}; revalidation statuses: {pages.get('revalidate_status')}"
        )
        print(
            f"first GET {pages['first_get_ms']} ms, best warm GET {pages['warm_get_ms']} ms; errors/non-2xx-3xx: {bad}"
        )
        scripts = pages.get("scripts")
        if scripts:
            names = ", ".join(f"{src} {f['bytes']:,}" for src, f in scripts["files"].items())
            print(
                f"Reader page scripts: {scripts['bytes']:,} bytes as sent, {scripts['gzip_bytes']:,}"
                f" gzipped ({names})"
            )
    media = results.get("media")
    if media:
        from bench.media import media_print

        media_print([media])
    ready = [
        run["info"]["ready_s"]
        for entry in results.get("fanout", [])
        for run in (entry.get("runs") or [entry])
        if isinstance(run.get("info"), dict) and "ready_s" in run["info"]
    ]
    if ready:
        print(
            f"\nnewsdesk serve ready (launch to /healthz 200): median {sorted(ready)[len(ready) // 2]:.2f} s"
            f" over {len(ready)} launches, slowest {max(ready):.2f} s"
        )
    for error in results.get("errors", []):
        print(
            f"FAILED {error['target']} at {error['readers']:,} readers: {error['error']} (logs: {results.get('logs')})"
        )
    for skipped in results.get("skipped", []):
        print(f"skipped {skipped['target']}: {skipped['why']}")
    load = results["machine"]
    print(
        f"\nMachine: {load['cpus']} CPUs, load average {load['loadavg_start'][0]:.2f} at start,"
        f" {load.get('loadavg_end', [0])[0]:.2f} at end; {results.get('elapsed_s')} s"
    )
