"""The plain asyncio anchor: an asyncio.Protocol server on uvloop.

``GET /sub`` holds an SSE stream; ``POST /pub`` encodes its body as one SSE
event once and does one ``transport.write`` of the same bytes per reader;
``GET /stats`` answers ``{"subscribers": n}``. No framework, no queue or task
per reader: the floor a Python fan-out can reach on this machine.

Run: ``python -m bench.anchors.asyncio_server --port P``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import cast

from bench.harness.procs import nofile_raise

SSE_HEADERS = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
    b"Connection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n: subscribed\n\n"
)


def response(status: str, body: bytes, content_type: str = "application/json") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Hub:
    def __init__(self) -> None:
        self.readers: set[asyncio.Transport] = set()
        self.seq = 0

    def publish(self, body: bytes) -> int:
        self.seq += 1
        frame = b"id: %d\ndata: %s\n\n" % (self.seq, body.replace(b"\n", b"\ndata: "))
        for transport in self.readers:
            transport.write(frame)
        return len(self.readers)


class Connection(asyncio.Protocol):
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.transport: asyncio.Transport | None = None
        self.buf = b""
        self.streaming = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.streaming and self.transport is not None:
            self.hub.readers.discard(self.transport)

    def data_received(self, data: bytes) -> None:
        if self.streaming:
            return
        self.buf += data
        while True:
            head_end = self.buf.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buf[:head_end].decode("latin-1")
            request_line, *header_lines = head.split("\r\n")
            method, path, _ = request_line.split(" ", 2)
            length = 0
            for line in header_lines:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if len(self.buf) < head_end + 4 + length:
                return
            body = self.buf[head_end + 4 : head_end + 4 + length]
            self.buf = self.buf[head_end + 4 + length :]
            self.handle(method, path.split("?", 1)[0], body)
            if self.streaming:
                return

    def handle(self, method: str, path: str, body: bytes) -> None:
        assert self.transport is not None
        if method == "GET" and path == "/sub":
            self.streaming = True
            self.transport.write(SSE_HEADERS)
            self.hub.readers.add(self.transport)
        elif method == "POST" and path == "/pub":
            sent = self.hub.publish(body)
            self.transport.write(response("200 OK", json.dumps({"readers": sent}).encode()))
        elif method == "GET" and path == "/stats":
            stats = json.dumps({"subscribers": len(self.hub.readers)}).encode()
            self.transport.write(response("200 OK", stats))
        else:
            self.transport.write(response("404 Not Found", b'{"error": "not_found"}'))


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    hub = Hub()
    server = await loop.create_server(
        lambda: Connection(hub), "127.0.0.1", port, backlog=4096, reuse_address=True
    )
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.anchors.asyncio_server")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    nofile_raise()
    import uvloop

    uvloop.run(serve(args.port))


if __name__ == "__main__":
    main()
