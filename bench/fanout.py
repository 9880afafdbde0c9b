"""Fan-out benchmark: N SSE readers, M messages published 200 ms apart, per-reader delivery.

One run against one started target:

1. server RSS and fd counts before any reader;
2. load client process(es) pinned to the client CPU open N readers and wait
   for every response's headers (and, where the server counts them, for the
   server to report N subscribers);
3. RSS again (memory per idle reader), CPU time of server and client;
4. M messages of ``size`` bytes through the target's publish path, 200 ms
   apart, each send time taken right before the request is written;
5. wait until every reader has every message (or the drain timeout), CPU
   time again; the clients dump per-(reader, message) receive times and counts.
"""

from __future__ import annotations

import json
import math
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.harness.procs import Group, snapshot, tree_pids
from bench.harness.targets import REPO, NewsdeskTarget, Target

READERS_PER_CLIENT = 9000


def _percentiles(values: np.ndarray) -> dict[str, float | None]:
    if values.size == 0:
        return {"p50": None, "p90": None, "p99": None, "max": None}
    p50, p90, p99 = np.percentile(values, [50, 90, 99])
    return {"p50": float(p50), "p90": float(p90), "p99": float(p99), "max": float(values.max())}


class BrokerTap:
    """Subscribes to every Redis channel and notes when each marked message passes the broker."""

    def __init__(self, redis_url: str, token: str, messages: int) -> None:
        import re

        import redis

        self.client = redis.Redis.from_url(redis_url)
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.psubscribe("*")
        self.marker = re.compile(rb"BENCHMSG" + token.encode() + rb"-(\d{3})")
        self.seen: dict[int, int] = {}
        self.channels: set[str] = set()
        self.messages = messages
        self.stopping = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stopping:
            msg = self.pubsub.get_message(timeout=0.2)
            if not msg or msg.get("type") != "pmessage":
                continue
            at = time.time_ns()
            data = msg["data"] if isinstance(msg["data"], bytes) else str(msg["data"]).encode()
            found = self.marker.search(data)
            if found:
                self.seen.setdefault(int(found.group(1)), at)
                self.channels.add(msg["channel"].decode(errors="replace"))

    def close(self) -> None:
        self.stopping = True
        self.thread.join(timeout=2)
        self.pubsub.close()
        self.client.close()


def _client_start(
    group: Group, target: Target, *, readers: int, messages: int, token: str, cpu: int
) -> subprocess.Popen:
    return group.start(
        [
            sys.executable,
            "-m",
            "bench.harness.client",
            "--port",
            str(target.port),
            "--path",
            target.sub_path,
            "--readers",
            str(readers),
            "--messages",
            str(messages),
            "--token",
            token,
            "--cpu",
            str(cpu),
        ],
        cpu=None,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        log=target.workdir / "client.log",
    )


def _ask(proc: subprocess.Popen, line: str | None, *, timeout: float) -> dict[str, Any]:
    if line is not None:
        assert proc.stdin is not None
        proc.stdin.write((line + "\n").encode())
        proc.stdin.flush()
    assert proc.stdout is not None
    reply: dict[str, Any] = {}
    done = threading.Event()

    def read() -> None:
        raw = proc.stdout.readline()  # type: ignore[union-attr]
        if raw:
            reply.update(json.loads(raw))
        done.set()

    threading.Thread(target=read, daemon=True).start()
    if not done.wait(timeout):
        raise TimeoutError(f"load client gave no answer to {line!r} within {timeout:.0f} s")
    if not reply:
        raise RuntimeError(f"load client exited (code {proc.poll()}); see client.log")
    return reply


def _cpu_ms(before: dict[int, dict[str, int]], after: dict[int, dict[str, int]], pid: int) -> float:
    return (after.get(pid, {}).get("cpu_ns", 0) - before.get(pid, {}).get("cpu_ns", 0)) / 1e6


def fanout_run(
    target: Target,
    group: Group,
    *,
    readers: int,
    messages: int = 20,
    interval: float = 0.2,
    size: int = 512,
    drain: float = 15.0,
    client_cpu: int = 1,
    redis_url: str = "",
) -> dict[str, Any]:
    """Run one fan-out measurement against a started target; return its figures."""
    token = secrets.token_hex(3)
    pids = target.server_pids()
    worker_pids = target.worker_pids() if isinstance(target, NewsdeskTarget) else pids
    idle = snapshot(pids)
    time.sleep(0.2)
    idle = snapshot(pids)

    clients: list[subprocess.Popen] = []
    shares = [readers // math.ceil(readers / READERS_PER_CLIENT)] * math.ceil(
        readers / READERS_PER_CLIENT
    )
    shares[0] += readers - sum(shares)
    tap = None
    result: dict[str, Any] = {
        "target": target.name,
        "readers": readers,
        "messages": messages,
        "size": size,
    }
    try:
        started = time.monotonic()
        for share in shares:
            clients.append(
                _client_start(
                    group, target, readers=share, messages=messages, token=token, cpu=client_cpu
                )
            )
        subs = [_ask(c, None, timeout=120 + readers / 200) for c in clients]
        result["connect_s"] = round(time.monotonic() - started, 3)
        subscribed = sum(s["subscribed"] for s in subs)
        result["subscribed"] = subscribed
        result["connect_errors"] = sorted({e for s in subs for e in s["errors"]})[:5]
        # Headers prove the server accepted the stream; where it counts its
        # subscribers, wait until the count agrees too.
        deadline = time.monotonic() + 20
        server_count = target.subscribers()
        while (
            server_count is not None and server_count < subscribed and time.monotonic() < deadline
        ):
            time.sleep(0.1)
            server_count = target.subscribers()
        result["server_subscribers"] = server_count
        time.sleep(1.0)
        loaded = snapshot(pids)
        if redis_url:
            tap = BrokerTap(redis_url, token, messages)
            time.sleep(0.2)

        client_pids = [p for c in clients for p in tree_pids(c.pid)]
        cpu0, ccpu0 = snapshot(pids), snapshot(client_pids)
        sent: list[int] = []
        assert target.conn is not None
        target.conn.fresh()
        t0 = time.monotonic()
        for i in range(messages):
            delay = t0 + i * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sent.append(target.publish(token=token, index=i, size=size))
        publish_s = time.monotonic() - t0
        replies = [_ask(c, f"wait {drain}", timeout=drain + 30) for c in clients]
        cpu1, ccpu1 = snapshot(pids), snapshot(client_pids)
        result["complete"] = all(r["complete"] for r in replies)

        times_list, counts_list, dumps = [], [], []
        for n, (client, share) in enumerate(zip(clients, shares, strict=True)):
            path = str(target.workdir / f"dump-{token}-{n}")
            dumps.append(_ask(client, f"dump {path}", timeout=60))
            times_list.append(np.fromfile(path + ".times", dtype=np.int64).reshape(share, messages))
            counts_list.append(
                np.fromfile(path + ".counts", dtype=np.uint8).reshape(share, messages)
            )
            Path(path + ".times").unlink()
            Path(path + ".counts").unlink()
        times = np.concatenate(times_list)
        counts = np.concatenate(counts_list)
        sent_arr = np.array(sent, dtype=np.int64)
        got = counts > 0
        latency_ms = ((times - sent_arr[None, :])[got]) / 1e6

        result["delivery_ms"] = _percentiles(latency_ms)
        result["missing"] = int((~got).sum())
        result["duplicates"] = int(np.clip(counts.astype(np.int64) - 1, 0, None).sum())
        result["loss"] = result["missing"] + result["duplicates"]
        result["expected"] = readers * messages
        result["closed_by_server"] = sum(d["closed"] for d in dumps)
        result["event_bytes"] = max(d["event_bytes"] for d in dumps)
        result["kernel_stamps"] = sum(d["kernel_stamps"] for d in dumps)
        result["user_stamps"] = sum(d["user_stamps"] for d in dumps)
        result["coalesced"] = sum(d["coalesced"] for d in dumps)
        result["timestamps"] = (
            "kernel SO_TIMESTAMPNS" if not result["user_stamps"] else "mixed kernel/user"
        )
        result["publish_s"] = round(publish_s, 3)
        # Per message: the slowest reader's delivery (the fan-out's makespan).
        with np.errstate(invalid="ignore"):
            per_msg_last = np.where(got, times, 0).max(axis=0) - sent_arr
        result["last_reader_ms_p50"] = float(np.median(per_msg_last) / 1e6)
        # Per message: the first reader's delivery, i.e. the publish path from
        # the request to the first socket write (plus one loopback hop).
        with np.errstate(invalid="ignore"):
            per_msg_first = np.where(got, times, np.iinfo(np.int64).max).min(axis=0) - sent_arr
        result["first_reader_ms_p50"] = float(np.median(per_msg_first) / 1e6)

        server_cpu = sum(_cpu_ms(cpu0, cpu1, p) for p in pids)
        client_cpu_ms = sum(_cpu_ms(ccpu0, ccpu1, p) for p in client_pids)
        rss_idle = sum(idle[p]["rss"] for p in pids if p in idle)
        rss_loaded = sum(loaded[p]["rss"] for p in pids if p in loaded)
        result["server_cpu_ms_per_msg"] = server_cpu / messages
        result["client_cpu_ms_per_msg"] = client_cpu_ms / messages
        result["server_rss_idle_kib"] = rss_idle / 1024
        result["server_rss_loaded_kib"] = rss_loaded / 1024
        result["mem_per_reader_kib"] = (rss_loaded - rss_idle) / 1024 / max(subscribed, 1)
        result["processes"] = [
            {
                "pid": p,
                "serving": p in worker_pids,
                "cpu_ms_per_msg": _cpu_ms(cpu0, cpu1, p) / messages,
                "rss_idle_kib": idle.get(p, {}).get("rss", 0) / 1024,
                "rss_loaded_kib": loaded.get(p, {}).get("rss", 0) / 1024,
                "fds_idle": idle.get(p, {}).get("fds", 0),
                "fds_loaded": loaded.get(p, {}).get("fds", 0),
                "mem_per_reader_kib": (
                    (loaded.get(p, {}).get("rss", 0) - idle.get(p, {}).get("rss", 0))
                    / 1024
                    / max(loaded.get(p, {}).get("fds", 0) - idle.get(p, {}).get("fds", 0), 1)
                ),
            }
            for p in pids
        ]
        if tap is not None:
            seen = np.array([tap.seen.get(i, 0) for i in range(messages)], dtype=np.int64)
            ok = seen > 0
            hop_in = (seen - sent_arr)[ok] / 1e6
            hop_out = ((times - seen[None, :])[got & ok[None, :]]) / 1e6
            result["broker"] = {
                "channels": sorted(tap.channels),
                "messages_seen": int(ok.sum()),
                "publish_to_broker_ms": _percentiles(hop_in),
                "broker_to_reader_ms": _percentiles(hop_out),
            }
    finally:
        if tap is not None:
            tap.close()
        for client in clients:
            if client.poll() is None and client.stdin is not None:
                try:
                    client.stdin.write(b"quit\n")
                    client.stdin.flush()
                    client.wait(timeout=30)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            group.stop(client)
    return result
