"""The per-process fan-out: story channels, gap filling, heartbeats.

One hub per process, owned by the ASGI edge (started and stopped by the
lifespan). Each story with open streams has a channel that delivers the log's
events in sequence order, each exactly once: broker messages ahead of the next
expected number wait while the gap is read from the log; numbers already
delivered are dropped; a periodic look at the log catches what the broker
lost (and lets several processes without Redis converge).

Each event is encoded once per process into a :class:`Frame` and the same
bytes are written to every stream; a stream's ``send`` never awaits (see
``streams.py``), so a publish costs one pass over the readers, with no queue
or task per reader.

A stream that resumes further back than its channel's ring replays from the
log a page at a time (``REPLAY_PAGE`` events), waiting for its connection to
drain between frames. Pages are shared: readers replaying the same stretch of
a story wait for one read and hold the same frames, kept in a small LRU
bounded by bytes, so a burst of readers resuming from the start of a long
story costs one read per page and memory that does not grow with them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from asgiref.sync import sync_to_async
from django.db import close_old_connections

from newsdesk.newsroom.models import Story

from . import kinds, log, sse

logger = logging.getLogger(__name__)

RING_SIZE = 256  # recent frames kept per channel, so joining streams skip the database
FILL_BATCH = 500
HELD_LIMIT = 10_000  # out-of-order broker messages held per channel before giving up on them
REPLAY_PAGE = 32  # events read from the log at a time for replaying streams
REPLAY_CACHE_BYTES = 8 * 1024 * 1024  # replay pages kept in memory, shared by every stream


class Frame:
    """An encoded event (or comment), shared by every stream that sends it."""

    __slots__ = ("seq", "raw", "kind", "status", "_chunk")

    def __init__(
        self, raw: bytes, seq: int | None = None, *, kind: str = "", status: str = ""
    ) -> None:
        self.seq = seq
        self.raw = raw
        self.kind = kind
        self.status = status  # the new status, for status-changed events
        self._chunk: bytes | None = None

    @property
    def chunk(self) -> bytes:
        """The frame as an HTTP/1.1 chunk, built once on first use."""
        if self._chunk is None:
            self._chunk = sse.chunk(self.raw)
        return self._chunk

    @classmethod
    def for_event(cls, message: dict[str, Any]) -> Frame:
        """The frame of a logged event (a broker message or a log row)."""
        seq, kind, data = int(message["seq"]), message["kind"], message["data"]
        status = data.get("status", "") if kind == kinds.STATUS_CHANGED else ""
        return cls(sse.encode_json(event=kind, data=data, id=seq), seq, kind=kind, status=status)


HEARTBEAT = Frame(sse.heartbeat())


class Stream(Protocol):
    """What the hub needs of an open stream (``newsdesk.live.streams.Stream``)."""

    cursor: int
    reason: str | None
    paused: bool

    def send(self, frame: Frame) -> None:
        """Write the frame now, without awaiting; drop frames with ``seq <= cursor``."""

    async def writable(self) -> None:
        """Wait while the connection is paused."""

    def close(self, reason: str) -> None:
        """End the stream (``shutdown``, ``slow``, ``gone``) from outside its own task."""


class Channel:
    """One story's delivery state in this process."""

    __slots__ = ("story_id", "streams", "live", "last_seq", "held", "ring", "filling", "checked")

    def __init__(self, story_id: int) -> None:
        self.story_id = story_id
        self.streams: set[Stream] = set()  # joined, live or still replaying
        self.live: set[Stream] = set()
        self.last_seq: int | None = None  # unknown until the story is checked
        self.held: dict[int, dict[str, Any]] = {}
        self.ring: deque[Frame] = deque(maxlen=RING_SIZE)
        self.filling: asyncio.Task[None] | None = None
        # One database look per story and process, shared by every stream that
        # opens meanwhile: True when readers may see the story.
        self.checked: asyncio.Future[bool] | None = None

    def frame(self, message: dict[str, Any]) -> Frame:
        """The ring's frame for a logged event when it has it, else a new one."""
        seq = int(message["seq"])
        if self.ring and self.ring[0].seq is not None:
            index = seq - self.ring[0].seq
            if 0 <= index < len(self.ring):
                return self.ring[index]
        return Frame.for_event(message)

    def frames_after(self, cursor: int, limit: int | None = None) -> list[Frame] | None:
        """Frames after ``cursor`` from the ring (at most ``limit``), or None if it lacks some."""
        if self.last_seq is None or cursor >= self.last_seq:
            return []
        first = self.ring[0].seq if self.ring else None
        if first is None or first > cursor + 1:
            return None
        start = cursor + 1 - first
        stop = len(self.ring) if limit is None else min(len(self.ring), start + limit)
        return [self.ring[index] for index in range(start, stop)]


async def db_call(function: Callable[..., Any], /, **kwargs: Any) -> Any:
    """Run an ORM function in a worker thread, with its connection closed after."""

    def run() -> Any:
        close_old_connections()
        try:
            return function(**kwargs)
        finally:
            close_old_connections()

    return await sync_to_async(run, thread_sensitive=False)()


@dataclass
class HubStats:
    """Counters of this process's fan-out, exposed at ``/metrics``."""

    events_sent: int = 0
    fanout_seconds: float = 0.0
    slow_dropped: int = 0


class Hub:
    """Channels of this process, fed by the broker and by the log."""

    def __init__(
        self, *, poll_seconds: float, heartbeat_seconds: float, tick_seconds: float = 0.25
    ) -> None:
        self.poll_seconds = poll_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self.tick_seconds = tick_seconds
        self.channels: dict[int, Channel] = {}
        # The last sequence number heard of for every story, read or not: the
        # page cache compares it with a cached page's own (pages/edgecache.py).
        self.heads: dict[int, int] = {}
        self.stats = HubStats()
        # Replay pages of the log, shared by the streams replaying them.
        self.pages: OrderedDict[tuple[int, int], list[Frame]] = OrderedDict()
        self.pages_bytes = 0
        self._reading: dict[tuple[int, int], asyncio.Future[list[Frame]]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False

    # --- life ---------------------------------------------------------------

    async def start(self) -> None:
        """Start the log poll and the heartbeat / shutdown watch."""
        self._tasks = [
            asyncio.create_task(self._poll_forever(), name="newsdesk-hub-poll"),
            asyncio.create_task(self._tick_forever(), name="newsdesk-hub-tick"),
        ]

    async def stop(self) -> None:
        """Close every stream (clients reconnect elsewhere) and stop the tasks."""
        self.close_all("shutdown")
        for task in self._tasks:
            task.cancel()
        for channel in self.channels.values():
            if channel.filling is not None:
                channel.filling.cancel()
        for task in [*self._tasks, *(c.filling for c in self.channels.values() if c.filling)]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    def close_all(self, reason: str) -> None:
        """End every stream of this process, live or replaying."""
        self._closing = True
        for channel in list(self.channels.values()):
            for stream in list(channel.streams):
                stream.close(reason)

    @property
    def closing(self) -> bool:
        """True once streams are being closed for shutdown: new ones are refused."""
        return self._closing

    # --- streams --------------------------------------------------------------

    def join(self, story_id: int, stream: Stream) -> Channel:
        """Register a stream that is about to replay; it goes live with ``go_live``."""
        channel = self.channels.get(story_id)
        if channel is None:
            channel = self.channels[story_id] = Channel(story_id)
        channel.streams.add(stream)
        return channel

    def reader_count(self) -> int:
        """Streams open in this process, live or replaying."""
        return sum(len(channel.streams) for channel in self.channels.values())

    def check(self, channel: Channel) -> asyncio.Future[bool]:
        """Whether readers may see the channel's story, from one shared database look.

        The first stream of a story in this process starts the look; the
        streams that open meanwhile wait on the same future, so a burst of
        readers costs one query. The answer sets the channel's head; it is
        kept while the channel lives and forgotten when the story's status
        changes (and by the poll, which closes streams of a hidden story).
        """
        if channel.checked is None:
            channel.checked = asyncio.ensure_future(self._check(channel))
            channel.checked.add_done_callback(lambda done: self._checked(channel, done))
        return channel.checked

    async def _check(self, channel: Channel) -> bool:
        head = await db_call(log.story_visible_head, story_id=channel.story_id)
        if head is None:
            return False
        if channel.last_seq is None:
            channel.last_seq = head
            self._drain(channel)
        elif head > channel.last_seq:
            self._fill_soon(channel)
        return True

    @staticmethod
    def _checked(channel: Channel, done: asyncio.Future[bool]) -> None:
        if done.cancelled() or done.exception() is not None:
            if channel.checked is done:
                channel.checked = None  # the next stream asks again

    def go_live(self, channel: Channel, stream: Stream) -> bool:
        """Make a replayed stream live, or return False when it must replay more first.

        Runs without awaiting, so nothing is delivered between the catch-up
        from the ring and the stream joining the live set. At most
        ``REPLAY_PAGE`` frames are written here; a stream further behind
        replays with flow control first (``catch_up``).
        """
        if channel.last_seq is None:
            channel.last_seq = stream.cursor
            channel.live.add(stream)
            self._drain(channel)
            return True
        if channel.last_seq - stream.cursor > REPLAY_PAGE:
            return False
        frames = channel.frames_after(stream.cursor)
        if frames is None:
            return False
        for frame in frames:
            stream.send(frame)
        if stream.reason is not None:
            return True  # dropped while catching up: it is gone, not live
        channel.live.add(stream)
        if stream.cursor > channel.last_seq:
            # The stream read events from the log that this channel has not
            # heard of yet: the broker is late or lost them.
            self._fill_soon(channel)
        return True

    def leave(self, channel: Channel, stream: Stream) -> None:
        """Forget a stream; drop the channel with its last stream."""
        channel.live.discard(stream)
        channel.streams.discard(stream)
        if stream.reason == "slow":
            self.stats.slow_dropped += 1
        if not channel.streams and self.channels.get(channel.story_id) is channel:
            del self.channels[channel.story_id]
            if channel.filling is not None:
                channel.filling.cancel()

    # --- delivery ---------------------------------------------------------------

    def deliver(self, message: dict[str, Any]) -> None:
        """Take a broker message (in the event loop)."""
        try:
            story_id = int(message["story"])
        except (KeyError, TypeError, ValueError):
            logger.warning("Broker message without a story id ignored: %r", message)
            return
        seq = message.get("seq")
        if isinstance(seq, int) and seq > self.heads.get(story_id, 0):
            self.heads[story_id] = seq
        channel = self.channels.get(story_id)
        if channel is None:
            return  # no reader of this story in this process
        if seq is None:
            if message.get("kind") == kinds.REACTIONS:
                frame = Frame(sse.encode_json(event=kinds.REACTIONS, data=message.get("data", {})))
                for stream in list(channel.live):
                    stream.send(frame)
            return
        self._accept(channel, message)

    def resync(self) -> None:
        """Read every channel's tail from the log (after the broker lost its connection)."""
        for channel in list(self.channels.values()):
            self._fill_soon(channel)

    def _accept(self, channel: Channel, message: dict[str, Any]) -> None:
        seq = int(message["seq"])
        if channel.last_seq is not None and seq <= channel.last_seq:
            return  # duplicate: the log and the broker both brought it
        if len(channel.held) >= HELD_LIMIT:
            channel.held.clear()  # the log has them all; the next fill brings them back
        channel.held[seq] = message
        self._drain(channel)

    def _drain(self, channel: Channel) -> None:
        if channel.last_seq is None:
            return
        held = channel.held
        while (following := channel.last_seq + 1) in held:
            started = time.perf_counter()
            frame = Frame.for_event(held.pop(following))
            channel.last_seq = following
            if following > self.heads.get(channel.story_id, 0):
                self.heads[channel.story_id] = following
            channel.ring.append(frame)
            for stream in list(channel.live):
                stream.send(frame)
            self.stats.events_sent += 1
            self.stats.fanout_seconds += time.perf_counter() - started
            if frame.kind == kinds.STATUS_CHANGED:
                self._status_changed(channel, frame)
        if held:
            for seq in [seq for seq in held if seq <= channel.last_seq]:
                del held[seq]
            if held:
                self._fill_soon(channel)  # a gap: read it from the log

    def _status_changed(self, channel: Channel, frame: Frame) -> None:
        if channel.checked is not None and channel.checked.done():
            channel.checked = None  # newcomers look again
        if frame.status not in Story.VISIBLE_STATUSES:
            self._hide(channel)

    def _hide(self, channel: Channel) -> None:
        """The story went back to draft: end its streams (they reconnect into a 404)."""
        channel.checked = None
        for stream in list(channel.streams):
            stream.close("gone")

    # --- replay pages ---------------------------------------------------------------

    async def log_page(self, channel: Channel, *, after: int) -> list[Frame]:
        """The log's frames from the page holding ``after + 1``: shared, read once."""
        base = after - after % REPLAY_PAGE
        key = (channel.story_id, base)
        page = self.pages.get(key)
        if page is not None:
            self.pages.move_to_end(key)
            return page
        reading = self._reading.get(key)
        if reading is None:
            reading = self._reading[key] = asyncio.ensure_future(self._page_read(channel, base))
            reading.add_done_callback(lambda _: self._reading.pop(key, None))
        return await asyncio.shield(reading)

    async def _page_read(self, channel: Channel, base: int) -> list[Frame]:
        rows = await db_call(
            log.events_after, story_id=channel.story_id, after=base, limit=REPLAY_PAGE
        )
        frames = [channel.frame(row) for row in rows]
        if len(frames) == REPLAY_PAGE:  # a page still filling is read again next time
            size = sum(2 * len(frame.raw) for frame in frames)  # the frame and its chunk
            self.pages[(channel.story_id, base)] = frames
            self.pages_bytes += size
            while self.pages_bytes > REPLAY_CACHE_BYTES and len(self.pages) > 1:
                _, dropped = self.pages.popitem(last=False)
                self.pages_bytes -= sum(2 * len(frame.raw) for frame in dropped)
        return frames

    # --- the log ----------------------------------------------------------------

    def _fill_soon(self, channel: Channel) -> None:
        if channel.last_seq is None or channel.filling is not None:
            return
        channel.filling = asyncio.create_task(self._fill(channel))

    async def _fill(self, channel: Channel) -> None:
        try:
            while channel.last_seq is not None and self.channels.get(channel.story_id) is channel:
                rows = await db_call(
                    log.events_after,
                    story_id=channel.story_id,
                    after=channel.last_seq,
                    limit=FILL_BATCH,
                )
                for row in rows:
                    self._accept(channel, row)
                if len(rows) < FILL_BATCH:
                    break
        except asyncio.CancelledError:
            raise
        except Exception:  # the next poll retries; a broken fill must not stop delivery
            logger.exception("Reading story %s's event log failed", channel.story_id)
        finally:
            channel.filling = None

    async def _poll_forever(self) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                await self.poll()
            except Exception:
                logger.exception("Polling the event log failed")

    async def poll(self) -> None:
        """Compare each channel with its story's head and fill the ones behind."""
        ids = [c.story_id for c in self.channels.values() if c.last_seq is not None]
        if not ids:
            return
        heads = await db_call(log.story_heads, story_ids=ids)
        for story_id in ids:
            channel = self.channels.get(story_id)
            if channel is None or channel.last_seq is None:
                continue
            head, visible = heads.get(story_id, (channel.last_seq, False))
            if head > channel.last_seq:
                self._fill_soon(channel)  # a status change among them ends the streams
            elif not visible:
                self._hide(channel)

    # --- heartbeat and shutdown watch --------------------------------------------

    async def _tick_forever(self) -> None:
        loop = asyncio.get_running_loop()
        next_beat = loop.time() + self.heartbeat_seconds
        while True:
            await asyncio.sleep(self.tick_seconds)
            if loop.time() >= next_beat:
                next_beat = loop.time() + self.heartbeat_seconds
                self.broadcast(HEARTBEAT, self.live_streams())

    def live_streams(self) -> Iterable[Stream]:
        """Every live stream of this process."""
        for channel in list(self.channels.values()):
            yield from list(channel.live)

    @staticmethod
    def broadcast(frame: Frame, streams: Iterable[Stream]) -> None:
        """Send one frame to many streams."""
        for stream in streams:
            stream.send(frame)


async def catch_up(hub: Hub, channel: Channel, stream: Stream, *, limit: int) -> str | None:
    """Replay a checked story's events after ``stream.cursor`` until it can go live.

    The ring answers most streams with no database read; shared log pages
    answer the rest. Between frames the replay waits while the connection is
    paused, so a reader that does not read holds one frame here, and is let
    go by its stall clock like any slow reader. Returns None once the stream
    is live (or gone), or why it must reset instead: ``ahead`` (a position
    past the story's head) or ``behind`` (more than ``limit`` events to
    replay).
    """
    if channel.last_seq is not None:
        if stream.cursor > channel.last_seq:
            head = await db_call(log.story_head, story_id=channel.story_id)
            if head is None or stream.cursor > head:
                return "ahead"
        elif channel.last_seq - stream.cursor > limit:
            return "behind"
    while not hub.go_live(channel, stream):
        frames = channel.frames_after(stream.cursor, REPLAY_PAGE)
        if frames is None:
            frames = await hub.log_page(channel, after=stream.cursor)
            if not any(frame.seq is not None and frame.seq > stream.cursor for frame in frames):
                return "behind"  # the log lacks what the channel says it has
        for frame in frames:
            stream.send(frame)
            if stream.paused:
                await stream.writable()
            if stream.reason is not None:
                return None
    return None
