"""The load client: N raw-socket SSE readers in one process, driven over stdin/stdout.

Run as ``python -m bench.harness.client --port P --path /sub --readers N ...``.
It connects every reader (bounded concurrency), waits for each response's
headers, prints one JSON line ``{"subscribed": ...}``, then records, for
every reader and message number, the receive time of each event carrying the
run's marker ``BENCHMSG<token>-<nnn>``. Commands on stdin, one per line:

- ``wait SECONDS``: reply ``{"complete": bool}`` once every reader has every
  message, or when SECONDS have passed;
- ``dump PATH``: write receive times (int64 ns, reader-major) to PATH.times and
  per-(reader, message) event counts (uint8) to PATH.counts, reply a summary;
- ``quit``: reset every connection (SO_LINGER 0, no TIME_WAIT) and exit.

Receive time is the kernel's receive timestamp of the segment that completed
the event (SO_TIMESTAMPNS, CLOCK_REALTIME), so a busy client does not inflate
delivery times; where the kernel gives none, time.time_ns() right after recv.
"""

from __future__ import annotations

import argparse
import array
import asyncio
import contextlib
import json
import os
import re
import socket
import struct
import sys
import time

from bench.harness.procs import nofile_raise

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
CMSG_SPACE = socket.CMSG_SPACE(16)
RECV_SIZE = 65536


class Reader:
    __slots__ = ("index", "sock", "buf", "got", "closed")

    def __init__(self, index: int, sock: socket.socket) -> None:
        self.index = index
        self.sock = sock
        self.buf = b""
        self.got = 0
        self.closed = False


class Client:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.n = args.readers
        self.m = args.messages
        self.marker = re.compile(rb"BENCHMSG" + args.token.encode() + rb"-(\d{3})")
        self.times = array.array("q", bytes(8 * self.n * self.m))
        self.counts = bytearray(self.n * self.m)
        self.readers: list[Reader] = []
        self.done = 0
        self.closed = 0
        self.user_stamps = 0
        self.kernel_stamps = 0
        self.event_bytes = 0
        self.coalesced = 0
        self.complete = asyncio.Event()
        headers = "".join(f"{h}\r\n" for h in args.header)
        self.request = (
            f"GET {args.path} HTTP/1.1\r\nHost: 127.0.0.1:{args.port}\r\n"
            f"Accept: text/event-stream\r\nCache-Control: no-cache\r\n{headers}\r\n"
        ).encode()

    # -- receiving ---------------------------------------------------------

    def on_readable(self, reader: Reader) -> None:
        try:
            data, anc, _flags, _addr = reader.sock.recvmsg(RECV_SIZE, CMSG_SPACE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data, anc = b"", []
        if not data:
            self.reader_close(reader)
            return
        stamp = 0
        for level, kind, raw in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", raw[:16])
                stamp = sec * 1_000_000_000 + nsec
        if stamp:
            self.kernel_stamps += 1
        else:
            stamp = time.time_ns()
            self.user_stamps += 1
        self.feed(reader, data, stamp)

    def feed(self, reader: Reader, data: bytes, stamp: int) -> None:
        buf = reader.buf + data
        # An event ends at a blank line: LF LF, or CR LF CR LF (SSE allows both).
        lf, crlf = buf.rfind(b"\n\n"), buf.rfind(b"\r\n\r\n")
        end = max(lf + 2 if lf >= 0 else 0, crlf + 4 if crlf >= 0 else 0)
        if not end:
            reader.buf = buf
            return
        complete, reader.buf = buf[:end], buf[end:]
        base = reader.index * self.m
        matches = self.marker.findall(complete)
        if len(matches) > 1:
            # One read completed several events: the kernel stamp is the last
            # segment's, an upper bound for the earlier ones.
            self.coalesced += len(matches) - 1
        for match in self.marker.finditer(complete):
            msg = int(match.group(1))
            if msg >= self.m:
                continue
            slot = base + msg
            count = self.counts[slot]
            if count == 0:
                self.times[slot] = stamp
                reader.got += 1
                if reader.got == self.m:
                    self.done += 1
                    if self.done == self.n:
                        self.complete.set()
                if reader.index == 0 and not self.event_bytes:
                    start = complete.rfind(b"\n\n", 0, match.start()) + 2
                    stop = complete.find(b"\n\n", match.end())
                    self.event_bytes = (stop + 2 if stop >= 0 else len(complete)) - max(start, 0)
            if count < 255:
                self.counts[slot] = count + 1

    def reader_close(self, reader: Reader) -> None:
        if reader.closed:
            return
        reader.closed = True
        self.closed += 1
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_reader(reader.sock.fileno())
        with contextlib.suppress(OSError):
            reader.sock.close()

    # -- connecting --------------------------------------------------------

    async def connect_one(self, index: int, gate: asyncio.Semaphore) -> str | None:
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        async with gate:
            try:
                await asyncio.wait_for(loop.sock_connect(sock, ("127.0.0.1", self.args.port)), 30)
                await loop.sock_sendall(sock, self.request)
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = await asyncio.wait_for(loop.sock_recv(sock, RECV_SIZE), 30)
                    if not chunk:
                        raise ConnectionError("closed before the response headers")
                    head += chunk
            except (OSError, TimeoutError, ConnectionError) as exc:
                sock.close()
                return f"{type(exc).__name__}: {exc}"
        status, _, rest = head.partition(b"\r\n\r\n")
        if not status.startswith(b"HTTP/1.1 200"):
            sock.close()
            return status.split(b"\r\n", 1)[0].decode(errors="replace")
        reader = Reader(index, sock)
        self.readers.append(reader)
        if rest:
            self.feed(reader, rest, time.time_ns())
        loop.add_reader(sock.fileno(), self.on_readable, reader)
        return None

    async def connect_all(self) -> dict[str, object]:
        gate = asyncio.Semaphore(self.args.concurrency)
        started = time.monotonic()
        results = await asyncio.gather(*(self.connect_one(i, gate) for i in range(self.n)))
        errors = [r for r in results if r]
        # Readers that failed to connect never count as done: they are losses.
        return {
            "subscribed": self.n - len(errors),
            "failed": len(errors),
            "errors": sorted(set(errors))[:5],
            "connect_s": round(time.monotonic() - started, 3),
        }

    # -- commands ----------------------------------------------------------

    def dump(self, path: str) -> dict[str, object]:
        with open(path + ".times", "wb") as fh:
            self.times.tofile(fh)
        with open(path + ".counts", "wb") as fh:
            fh.write(self.counts)
        return {
            "dumped": path,
            "closed": self.closed,
            "kernel_stamps": self.kernel_stamps,
            "user_stamps": self.user_stamps,
            "event_bytes": self.event_bytes,
            "coalesced": self.coalesced,
        }

    def quit(self) -> None:
        linger = struct.pack("ii", 1, 0)
        loop = asyncio.get_running_loop()
        for reader in self.readers:
            if reader.closed:
                continue
            with contextlib.suppress(Exception):
                loop.remove_reader(reader.sock.fileno())
            with contextlib.suppress(OSError):
                reader.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                reader.sock.close()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        say(await self.connect_all())
        lines: asyncio.Queue[str] = asyncio.Queue()
        loop.add_reader(sys.stdin.fileno(), lambda: lines.put_nowait(sys.stdin.readline()))
        while True:
            line = (await lines.get()).strip()
            if not line or line == "quit":
                self.quit()
                return
            cmd, _, arg = line.partition(" ")
            if cmd == "wait":
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.complete.wait(), float(arg))
                say({"complete": self.complete.is_set(), "done": self.done})
            elif cmd == "dump":
                say(self.dump(arg))
            else:
                say({"error": f"unknown command {cmd!r}"})


def say(obj: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.harness.client")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--readers", type=int, required=True)
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--cpu", type=int, default=None)
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    nofile_raise()
    try:
        import uvloop
    except ImportError:
        runner = asyncio.run
    else:
        runner = uvloop.run
    runner(Client(args).run())


if __name__ == "__main__":
    main()
