"""Server-sent events wire format, pure (no Django).

Spec: https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
A line ends at CR, LF or CRLF; ``data`` may span lines (one ``data:`` field
per line, the client joins them with LF); ``event`` and ``id`` are single
lines, so a CR or LF in them would inject fields and is refused; an ``id``
containing NUL is ignored by clients, so it is refused too.
"""

from __future__ import annotations

import json
import re
from typing import Any

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class EncodeError(ValueError):
    """A field value that would break the stream's framing."""


def _single_line(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise EncodeError(f"The SSE {name} field cannot contain a line break.")
    if name == "id" and "\x00" in value:
        raise EncodeError("The SSE id field cannot contain NUL.")
    return value


def encode(
    *,
    data: str | None = None,
    event: str | None = None,
    id: str | int | None = None,
    retry: int | None = None,
    comment: str | None = None,
) -> bytes:
    """One event (or comment) as UTF-8 bytes, terminated by the blank line."""
    lines: list[str] = []
    if comment is not None:
        lines.extend(f": {line}" if line else ":" for line in _LINE_BREAK.split(comment))
    if event is not None:
        lines.append(f"event: {_single_line('event', event)}")
    if id is not None:
        lines.append(f"id: {_single_line('id', str(id))}")
    if retry is not None:
        if not isinstance(retry, int) or isinstance(retry, bool) or retry < 0:
            raise EncodeError("The SSE retry field must be a non-negative integer.")
        lines.append(f"retry: {retry}")
    if data is not None:
        lines.extend(f"data: {line}" for line in _LINE_BREAK.split(data))
    if not lines:
        raise EncodeError("An SSE message needs at least one field or a comment.")
    return ("\n".join(lines) + "\n\n").encode()


def encode_json(*, event: str, data: Any, id: int | None = None) -> bytes:
    """An event whose data is compact JSON (one line: JSON escapes line breaks)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return encode(event=event, data=text, id=id)


def heartbeat() -> bytes:
    """A comment line: ignored by clients, keeps proxies from closing idle streams."""
    return b":\n\n"


def chunk(payload: bytes) -> bytes:
    """``payload`` framed as one HTTP/1.1 chunk (RFC 9112, section 7.1)."""
    return b"%x\r\n%s\r\n" % (len(payload), payload)


class Decoder:
    """An incremental reader of an event stream, as EventSource interprets it.

    Used by the test clients and the benchmark: :meth:`feed` takes text as it
    arrives and returns the ``(event, data, id)`` of each event it completes;
    ``comments`` counts comment lines (the opening comment, heartbeats).
    A line ending split across two feeds is not special-cased: the server
    only ever ends lines with LF.
    """

    def __init__(self) -> None:
        self.comments = 0
        self._text = ""
        self._event = "message"
        self._id: str | None = None
        self._data: list[str] | None = None

    def feed(self, text: str) -> list[tuple[str, str, str | None]]:
        done: list[tuple[str, str, str | None]] = []
        self._text += text
        while "\n" in self._text:
            line, self._text = self._text.split("\n", 1)
            line = line.rstrip("\r")
            if not line:
                if self._data is not None:
                    done.append((self._event, "\n".join(self._data), self._id))
                self._event, self._id, self._data = "message", None, None
            elif line.startswith(":"):
                self.comments += 1
            else:
                name, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "data":
                    self._data = [*(self._data or []), value]
                elif name == "event":
                    self._event = value
                elif name == "id":
                    self._id = value
        return done
