"""One reader's stream: the core that owns its cursor, limits, reset and close.

:class:`Stream` is the whole behaviour of ``GET /stories/<id>/events``:
where it starts (``Last-Event-ID`` / ``?after=``), the shared story check,
the replay from the hub's ring and the log (``hub.catch_up``), going live,
the reset, the slow-reader rule and the end. An adapter only says how bytes
reach the reader:

- ``newsdesk.live.front.StreamConnection`` writes to the connection's
  transport, already framed as HTTP chunks (``newsdesk serve``);
- :class:`AsgiStream` queues ASGI messages drained by the request's own task
  (any other ASGI server).

Both run the same suite (``newsdesk/live/tests/test_stream.py``,
``test_slow_reader.py``, ``tests/faults/test_replay_slow_readers.py``).

The slow-reader rule is the same live and during replay: a reader is let go
(it reconnects and resumes from the log) when more than
``NEWSDESK_STREAM_BUFFER_BYTES`` wait for it in this process, or when its
connection stays paused (the transport's buffer above its high-water mark)
for ``NEWSDESK_STREAM_STALL_SECONDS``. Live fan-out never waits for a
reader; replay waits for the connection to drain before the next frame, so a
replaying reader holds at most one frame past the high-water mark.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections import deque
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from newsdesk import conf

from . import kinds, sse
from .hub import Frame, catch_up

if TYPE_CHECKING:
    from .hub import Channel, Hub

logger = logging.getLogger(__name__)

RETRY_MS = 3000
_NUMBER = re.compile(r"^[0-9]{1,18}$")

STREAM_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),
    (b"x-content-type-options", b"nosniff"),
]
UNAVAILABLE = {
    "error": "unavailable",
    "detail": "Live updates are unavailable for a moment; the page retries by itself.",
}
NOT_FOUND = {"error": "not_found", "detail": "There is no such live story."}
PREAMBLE = Frame(sse.encode(retry=RETRY_MS, comment="newsdesk stream"))


class Invalid(ValueError):
    """A request the stream answers with 400."""


def stream_position(*, query_string: bytes, last_event_id: bytes | None) -> int | None | str:
    """Where a stream resumes: a sequence number, None (the head) or ``"reset"``.

    ``Last-Event-ID`` (sent by a reconnecting EventSource) wins over
    ``?after=`` (the page's sequence number when it was rendered). A malformed
    header gets a reset, since the browser made it up from an earlier stream;
    a malformed ``after`` is the caller's mistake and raises :class:`Invalid`.
    """
    if last_event_id is not None and last_event_id.strip():
        text = last_event_id.decode("latin-1").strip()
        return int(text) if _NUMBER.match(text) else "reset"
    values = parse_qs(query_string.decode("latin-1"), keep_blank_values=True).get("after")
    if not values:
        return None
    if len(values) > 1 or not _NUMBER.match(values[0]):
        raise Invalid("The after parameter must be one whole number of 0 or more.")
    return int(values[0])


@dataclass(frozen=True, slots=True)
class StreamLimits:
    """The settings a stream obeys, read once per process."""

    buffer_bytes: int  # bytes waiting in this process for one reader before it is dropped
    stall_seconds: float  # longest a reader's connection may stay paused
    replay: int  # events a reader may be behind before it gets a reset

    @classmethod
    def from_settings(cls) -> StreamLimits:
        return cls(
            buffer_bytes=conf.get_int("STREAM_BUFFER_BYTES"),
            stall_seconds=conf.get_float("STREAM_STALL_SECONDS"),
            replay=conf.get_int("REPLAY_LIMIT"),
        )


class Stream:
    """The core of one reader's stream; an adapter supplies the five ``_`` methods below."""

    __slots__ = (
        "hub",
        "limits",
        "channel",
        "cursor",
        "reason",
        "task",
        "paused",
        "_resumed",
        "_stall",
    )

    def __init__(self, hub: Hub, limits: StreamLimits) -> None:
        self.hub = hub
        self.limits = limits
        self.channel: Channel | None = None
        self.cursor = 0
        self.reason: str | None = None  # why it ended, once it did
        self.task: asyncio.Task[None] | None = None  # the replay, while there is one
        self.paused = False
        self._resumed: asyncio.Future[None] | None = None
        self._stall: asyncio.TimerHandle | None = None

    # --- what an adapter provides -------------------------------------------------------

    def _start(self) -> None:
        """Send the response head and the preamble."""
        raise NotImplementedError

    def _refuse(self, status: int, body: dict[str, str]) -> None:
        """Send a whole JSON error response and end the connection."""
        raise NotImplementedError

    def _write(self, frame: Frame) -> None:
        """Queue the frame for the reader, without awaiting."""
        raise NotImplementedError

    def _buffered(self) -> int:
        """Bytes written for this reader that it has not taken yet (in this process)."""
        raise NotImplementedError

    def _end(self, *, clean: bool) -> None:
        """End the response: ``clean`` after what is queued (and the last chunk), else abort."""
        raise NotImplementedError

    # --- opening ----------------------------------------------------------------------

    def open(self, story_id: int, position: int | str | None) -> None:
        """Start the stream at ``position`` (see :func:`stream_position`)."""
        hub = self.hub
        if hub.closing:
            self.reason = "refused"
            self._refuse(503, UNAVAILABLE)
            return
        channel = self.channel = hub.join(story_id, self)
        checked = hub.check(channel)
        if checked.done():
            self._checked(position, checked)
        else:
            checked.add_done_callback(partial(self._checked, position))

    def _checked(self, position: int | str | None, checked: asyncio.Future[bool]) -> None:
        channel = self.channel
        if channel is None or self.reason is not None:
            return  # the reader left while the story was being checked
        if checked.cancelled() or checked.exception() is not None:
            if not checked.cancelled():
                logger.error(
                    "Opening a stream of story %s failed: %s", channel.story_id, checked.exception()
                )
            self._leave("refused")
            self._refuse(503, UNAVAILABLE)
            return
        if not checked.result():
            self._leave("refused")
            self._refuse(404, NOT_FOUND)
            return
        self._start()
        if position == "reset":
            self.reset("invalid")
            return
        assert channel.last_seq is not None  # set by the check
        self.cursor = channel.last_seq if position is None else int(position)
        if self.cursor <= channel.last_seq and self.hub.go_live(channel, self):
            return
        self.task = asyncio.ensure_future(self._catch_up(channel))

    async def _catch_up(self, channel: Channel) -> None:
        try:
            reason = await catch_up(self.hub, channel, self, limit=self.limits.replay)
        except asyncio.CancelledError:
            return
        except Exception:
            logger.exception("Replaying story %s's events failed", channel.story_id)
            self.task = None
            self.close("error")  # the client reconnects and resumes from its last event
            return
        self.task = None
        if reason is not None:
            self.reset(reason)

    def reset(self, reason: str) -> None:
        """Tell the reader to reload (``reason``: behind, ahead, invalid), then end."""
        if self.reason is not None:
            return
        self._write(Frame(sse.encode_json(event=kinds.RESET, data={"reason": reason})))
        self.close("reset")

    # --- the hub's side -----------------------------------------------------------------

    def send(self, frame: Frame) -> None:
        """Write ``frame`` now unless the cursor is past it; drop a reader too far behind."""
        if frame.seq is not None:
            if frame.seq <= self.cursor:
                return
            self.cursor = frame.seq
        if self.reason is not None:
            return
        self._write(frame)
        if self._buffered() > self.limits.buffer_bytes:
            self.close("slow")

    async def writable(self) -> None:
        """Wait while the connection is paused (the replay's flow control)."""
        while self.paused and self.reason is None:
            if self._resumed is None:
                self._resumed = asyncio.get_running_loop().create_future()
            await self._resumed

    def close(self, reason: str) -> None:
        """End the stream: ``slow`` aborts; otherwise a clean end when nothing is waiting."""
        if self.reason is not None:
            return
        self._leave(reason)
        clean = reason == "reset" or (reason != "slow" and not self._buffered())
        if reason in {"slow", "error"}:
            clean = False
        self._end(clean=clean)

    # --- flow, from the adapter ----------------------------------------------------------

    def pause_writing(self) -> None:
        """The connection's buffer went over its high-water mark: start the stall clock."""
        if self.paused or self.reason is not None:
            return
        self.paused = True
        self._stall = asyncio.get_running_loop().call_later(
            self.limits.stall_seconds, self._stalled
        )

    def resume_writing(self) -> None:
        """The connection drained below its low-water mark."""
        self.paused = False
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None
        resumed, self._resumed = self._resumed, None
        if resumed is not None and not resumed.done():
            resumed.set_result(None)

    def _stalled(self) -> None:
        self._stall = None
        self.close("slow")

    def lost(self) -> None:
        """The reader went away."""
        self._leave("disconnect")

    def _leave(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
        task, self.task = self.task, None
        if task is not None and task is not _current_task():
            task.cancel()
        self.paused = False
        self.resume_writing()
        channel, self.channel = self.channel, None
        if channel is not None:
            self.hub.leave(channel, self)


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None


# --- any ASGI server ---------------------------------------------------------------------------


class AsgiStream(Stream):
    """A stream through the ASGI ``send`` of its request: a queue drained by :meth:`run`.

    The queue pauses above ``HIGH_WATER`` bytes and resumes below
    ``LOW_WATER``, as a transport does. Its bytes count against the reader's
    buffer limit only while the server holds a ``send`` back (its own buffer
    for the connection is full): a burst of events queued between two turns of
    the drain is not a slow reader.
    """

    HIGH_WATER = 64 * 1024
    LOW_WATER = 16 * 1024

    __slots__ = ("_asgi_send", "_queue", "_queued", "_wake", "_ended", "_pump", "_held")

    def __init__(self, hub: Hub, limits: StreamLimits, send: Any) -> None:
        super().__init__(hub, limits)
        self._asgi_send = send
        self._queue: deque[dict[str, Any]] = deque()
        self._queued = 0
        self._wake = asyncio.Event()
        self._ended = False
        self._pump: asyncio.Task[None] | None = None
        self._held = False  # inside a send the server has not returned from

    def _push(self, message: dict[str, Any]) -> None:
        self._queue.append(message)
        self._queued += len(message.get("body", b""))
        if self._queued > self.HIGH_WATER:
            self.pause_writing()
        self._wake.set()

    def _start(self) -> None:
        self._push({"type": "http.response.start", "status": 200, "headers": STREAM_HEADERS})
        self._write(PREAMBLE)

    def _refuse(self, status: int, body: dict[str, str]) -> None:
        payload = json.dumps(body).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            (b"cache-control", b"no-store"),
        ]
        self._push({"type": "http.response.start", "status": status, "headers": headers})
        self._push({"type": "http.response.body", "body": payload})
        self._ended = True

    def _write(self, frame: Frame) -> None:
        self._push({"type": "http.response.body", "body": frame.raw, "more_body": True})

    def _buffered(self) -> int:
        return self._queued if self._held else 0

    def _end(self, *, clean: bool) -> None:
        if not clean:
            self._abort()
            return
        self._push({"type": "http.response.body", "body": b"", "more_body": False})
        self._ended = True

    async def run(self, receive: Any) -> None:
        """Send what is queued until the stream ends or the client goes away."""

        async def disconnected() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        watcher = asyncio.ensure_future(disconnected())
        watcher.add_done_callback(lambda _: self._gone())
        pump = self._pump = asyncio.ensure_future(self._drain())
        try:
            await pump
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # the server is cancelling this request, not the stream ending
        except OSError:
            pass  # the client went away during a send
        finally:
            self._pump = None
            self._leave("disconnect")
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        # Returning before the last message makes the server close the connection.

    async def _drain(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                message = self._queue[0]
                self._held = True
                try:
                    await self._asgi_send(message)
                finally:
                    self._held = False
                self._queue.popleft()
                self._queued -= len(message.get("body", b""))
                if self.paused and self._queued <= self.LOW_WATER:
                    self.resume_writing()
            if self._ended:
                return

    def _gone(self) -> None:
        if self.reason is None:
            self.lost()
        self._abort()

    def _abort(self) -> None:
        self._ended = True
        if self._pump is not None:
            self._pump.cancel()
