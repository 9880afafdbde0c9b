"""Publish-to-receive latency of live entries for N connected stream readers.

    .venv/bin/python -m bench.live_latency                    # 1,000 readers, own server
    .venv/bin/python -m bench.live_latency --readers 200 --messages 10
    .venv/bin/python -m bench.live_latency --url http://127.0.0.1:8000 --token T --story 1

Without ``--url`` it starts its own ``newsdesk serve`` (one process, SQLite
in a temporary data directory), makes an editor, a token and a live story,
and stops everything at the end. It opens the readers over raw asyncio
sockets (127.0.0.1 only), publishes entries through the JSON API one at a
time, and measures, per reader and message, the time from just before the
publish request is sent to the moment the event's bytes arrive. Latency so
includes the API call itself (request, commit, broker, fan-out). With its own
server it also reports the server's CPU time per message.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
MARK = re.compile(rb"bench-mark-(\d+)-")


class Reader(asyncio.Protocol):
    """One stream connection; records when each marked event arrives."""

    def __init__(self, path: str, host: str, arrivals: dict[int, float]) -> None:
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        self.arrivals = arrivals
        self.started = asyncio.get_running_loop().create_future()
        self.buffer = b""
        self.closed = False

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        if not self.started.done():
            if data.startswith(b"HTTP/1.1 200"):
                self.started.set_result(True)
            else:
                self.started.set_exception(RuntimeError(data[:200].decode(errors="replace")))
        # Keep only a tail that could hold a marker cut in two by the segment boundary.
        chunk = self.buffer + data
        for match in MARK.finditer(chunk):
            self.arrivals.setdefault(int(match[1]), now)
        self.buffer = chunk[-40:]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.started.done():
            self.started.set_exception(ConnectionError("closed before the response"))


def _raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class OwnServer:
    """``newsdesk serve`` on SQLite in a temporary data directory."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="newsdesk-bench-"))
        self.port = _free_port()
        self.env = {
            **os.environ,
            "NEWSDESK_DATA_DIR": str(self.dir),
            "NEWSDESK_LOG_LEVEL": "WARNING",
        }
        self.env.pop("NEWSDESK_DATABASE_URL", None)
        self.env.pop("NEWSDESK_REDIS_URL", None)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _newsdesk(self, *args: str) -> str:
        command = [sys.executable, "-m", "newsdesk.cli", *args]
        done = subprocess.run(
            command, env=self.env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        return done.stdout

    def start(self) -> str:
        """Migrate, make an editor, serve; return the editor's API token."""
        self._newsdesk("migrate", "--verbosity", "0")
        token = self._newsdesk("createeditor", "bench", "--token").strip().splitlines()[-1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newsdesk.cli", "serve", "--port", str(self.port)],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=(self.dir / "server.log").open("wb"),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return token.split()[-1]
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start; see " + str(self.dir / "server.log"))

    def cpu_seconds(self) -> float:
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def _make_story(url: str, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        client.post("/api/sections", json={"name": "Bench", "slug": "bench"})
        response = client.post(
            "/api/stories",
            json={"headline": "Live updates: benchmark", "section": "bench", "live": True},
        )
        response.raise_for_status()
        return int(response.json()["id"])


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    own = None if args.url else OwnServer()
    try:
        if own is not None:
            token = own.start()
            url = own.url
        else:
            url, token = args.url.rstrip("/"), args.token
        story = args.story or _make_story(url, token)
        host_port = url.removeprefix("http://")
        host, port = host_port.split(":")
        path = f"/stories/{story}/events"

        loop = asyncio.get_running_loop()
        readers: list[tuple[Reader, dict[int, float]]] = []
        opened = time.perf_counter()
        for start in range(0, args.readers, 100):
            batch = []
            for _ in range(start, min(start + 100, args.readers)):
                arrivals: dict[int, float] = {}
                _, protocol = await loop.create_connection(
                    lambda a=arrivals: Reader(path, host_port, a), host, int(port)
                )
                readers.append((protocol, arrivals))
                batch.append(protocol.started)
            await asyncio.gather(*batch)
        connect_seconds = time.perf_counter() - opened
        await asyncio.sleep(0.5)

        sent: dict[int, float] = {}
        publish_ms: list[float] = []
        cpu_before = own.cpu_seconds() if own else None

        def publish_all() -> None:
            headers = {"Authorization": f"Bearer {token}"}
            body = "Benchmark update. " * max(1, args.size // 18)
            with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
                for n in range(args.messages):
                    sent[n] = time.perf_counter()
                    response = client.post(
                        f"/api/stories/{story}/entries", json={"body": f"bench-mark-{n}- {body}"}
                    )
                    publish_ms.append((time.perf_counter() - sent[n]) * 1000)
                    response.raise_for_status()
                    time.sleep(args.interval)

        await asyncio.to_thread(publish_all)
        for _ in range(200):  # up to 10 s for stragglers
            if all(len(arrivals) >= args.messages for _, arrivals in readers):
                break
            await asyncio.sleep(0.05)
        cpu_after = own.cpu_seconds() if own else None

        latencies = [
            (arrivals[n] - sent[n]) * 1000
            for _, arrivals in readers
            for n in range(args.messages)
            if n in arrivals
        ]
        expected = args.readers * args.messages
        # Fan-out spread: first reader to last reader of the same message, the
        # part of the latency the server's per-reader writes account for.
        spreads = []
        for n in range(args.messages):
            times = [arrivals[n] for _, arrivals in readers if n in arrivals]
            if times:
                spreads.append((max(times) - min(times)) * 1000)
        for protocol, _ in readers:
            protocol.transport.close()
        result = {
            "readers": args.readers,
            "messages": args.messages,
            "delivered": len(latencies),
            "expected": expected,
            "dropped_readers": sum(1 for protocol, _ in readers if protocol.closed),
            "connect_seconds": round(connect_seconds, 2),
            "publish_ms_p50": round(statistics.median(publish_ms), 1),
            "p50_ms": round(_percentile(latencies, 0.50), 1) if latencies else None,
            "p90_ms": round(_percentile(latencies, 0.90), 1) if latencies else None,
            "p99_ms": round(_percentile(latencies, 0.99), 1) if latencies else None,
            "max_ms": round(max(latencies), 1) if latencies else None,
            "fanout_spread_ms_p50": round(statistics.median(spreads), 1) if spreads else None,
            "fanout_spread_ms_max": round(max(spreads), 1) if spreads else None,
        }
        if cpu_before is not None and cpu_after is not None:
            # Includes the API requests themselves, not only the fan-out.
            result["server_cpu_ms_per_message"] = round(
                (cpu_after - cpu_before) * 1000 / args.messages, 1
            )
        return result
    finally:
        if own is not None:
            own.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.live_latency", description=__doc__)
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between publishes")
    parser.add_argument("--size", type=int, default=512, help="approximate entry body bytes")
    parser.add_argument("--url", help="a running server (default: start one)")
    parser.add_argument("--token", help="API token of an editor on --url")
    parser.add_argument("--story", type=int, help="live story id (default: create one)")
    args = parser.parse_args(argv)
    if args.url and not args.token:
        parser.error("--url needs --token")
    _raise_file_limit()
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(run(args))
    else:
        result = uvloop.run(run(args))
    width = max(len(key) for key in result)
    print("Newsdesk live latency (publish through the API -> event bytes at each reader)")
    for key, value in result.items():
        print(f"  {key:<{width}}  {value}")
    return 0 if result["delivered"] == result["expected"] else 1


if __name__ == "__main__":
    sys.exit(main())
