"""Rendition files served by the edge, before Django, from a bounded cache of open files.

Photo renditions are stored under the media root (``MEDIA_ROOT``: by default
``<NEWSDESK_DATA_DIR>/media``) with content-addressed names,
``<2 hex>/<hex digest>-<width>.<ext>``, so their URLs,
``/media/<2 hex>/<hex digest>-<width>.<ext>``, never change meaning. Only a
path of exactly that shape is served (the two-character folder must be the
digest's first two characters): no other name, no ``..``, no percent-encoding,
no query, so no traversal is possible by construction. Each part is opened
relative to the one before with ``O_NOFOLLOW``, so a symbolic link anywhere
below the media root is refused, and only regular files are served.

Open descriptors stay in a small LRU (``OPEN_FILES``), as nginx's
``open_file_cache`` keeps them: a hit costs one ``fstat`` (a file deleted
since it was opened has no links left: it is dropped and looked up again),
then ``sendfile`` from the descriptor under ``newsdesk serve``
(``uvicorn_compat.EarlyProtocol``), or two ASGI messages under any other
server.

Answers: ``200`` with ``Content-Type``, ``Content-Length``, an ``ETag`` made
of the file's name (its digest and width), ``Cache-Control: public,
max-age=31536000, immutable``; ``304`` for a matching ``If-None-Match``;
``HEAD`` alike without the body. ``Range`` is ignored (the whole file is
sent: renditions are small and immutable, and a CDN in front fetches them
whole). ``404`` for anything else under ``/media/``, any method.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsdesk.config.uvicorn_compat import EarlyAnswer, EarlyRequest

PREFIX = b"/media/"
PATH = re.compile(rb"^/media/([0-9a-f]{2})/(([0-9a-f]{16,64})-[0-9]{1,5}\.(webp|jpg|png|gif))$")
CONTENT_TYPES = {
    b"webp": b"image/webp",
    b"jpg": b"image/jpeg",
    b"png": b"image/png",
    b"gif": b"image/gif",
}
CACHE_CONTROL = b"public, max-age=31536000, immutable"
OPEN_FILES = 256  # descriptors kept open, least recently used closed first
# Non-blocking: opening a FIFO left in the folder must not hang the event loop.
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
_NOT_FOUND_BODY = b"Not found.\n"
_NOT_FOUND = (
    b"HTTP/1.1 404 Not Found\r\n",
    b"content-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
    b"cache-control: no-store\r\nx-content-type-options: nosniff\r\n" % len(_NOT_FOUND_BODY),
)


def media_name(target: bytes) -> tuple[bytes, bytes] | None:
    """``(folder, file name)`` of a rendition's URL path, or None for anything else."""
    match = PATH.match(target)
    if match is None or not match[3].startswith(match[1]):
        return None
    return match[1], match[2]


def media_root() -> Path:
    """Where renditions are stored: ``MEDIA_ROOT``, else ``<data directory>/media``."""
    from django.conf import settings

    configured = getattr(settings, "MEDIA_ROOT", "")
    return Path(configured or Path(settings.DATA_DIR) / "media")


@dataclass(slots=True)
class MediaFile:
    """An open rendition and the header lines its answers carry."""

    fd: int
    size: int
    etag: bytes
    lines: bytes  # content-type, content-length, etag, cache-control, nosniff
    lines_304: bytes


class MediaFiles:
    """The renditions under ``root``, answered by their URL path."""

    def __init__(self, root: Path, *, open_files: int = OPEN_FILES) -> None:
        self.root = root
        self.open_files = open_files
        self.files: OrderedDict[bytes, MediaFile] = OrderedDict()

    # --- files --------------------------------------------------------------------------

    def lookup(self, target: bytes) -> MediaFile | None:
        """The open rendition at URL path ``target``, or None when there is none to serve."""
        name = media_name(target)
        if name is None:
            return None
        key = target
        found = self.files.get(key)
        if found is not None:
            try:
                alive = os.fstat(found.fd).st_nlink > 0
            except OSError:
                alive = False
            if alive:
                self.files.move_to_end(key)
                return found
            self._drop(key)  # deleted since it was opened
        found = self._open(*name)
        if found is not None:
            self.files[key] = found
            while len(self.files) > self.open_files:
                oldest = next(iter(self.files))
                self._drop(oldest)
        return found

    def _open(self, folder: bytes, filename: bytes) -> MediaFile | None:
        try:
            root = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            return None
        try:
            directory = os.open(folder, _OPEN_FLAGS | os.O_DIRECTORY, dir_fd=root)
        except OSError:
            return None  # missing, or a symbolic link
        finally:
            os.close(root)
        try:
            fd = os.open(filename, _OPEN_FLAGS, dir_fd=directory)
        except OSError:
            return None
        finally:
            os.close(directory)
        try:
            info = os.fstat(fd)
        except OSError:
            os.close(fd)
            return None
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            return None
        etag = b'"' + filename.rsplit(b".", 1)[0] + b'"'
        kind = CONTENT_TYPES[filename.rsplit(b".", 1)[1]]
        common = b"etag: %s\r\ncache-control: %s\r\n" % (etag, CACHE_CONTROL)
        lines = (
            b"content-type: %s\r\ncontent-length: %d\r\n" % (kind, info.st_size)
            + common
            + b"x-content-type-options: nosniff\r\n"
        )
        return MediaFile(fd, info.st_size, etag, lines, common)

    def _drop(self, key: bytes) -> None:
        found = self.files.pop(key, None)
        if found is not None:
            with contextlib.suppress(OSError):
                os.close(found.fd)

    def close(self) -> None:
        """Close every descriptor (the runtime stops)."""
        for key in list(self.files):
            self._drop(key)

    # --- answers ------------------------------------------------------------------------

    def early(self, request: EarlyRequest) -> EarlyAnswer:
        """The whole answer to a GET or HEAD under ``/media/`` (``newsdesk serve``)."""
        close = b"" if request.keep_alive else b"connection: close\r\n"
        found = None if b"?" in request.target else self.lookup(request.target)
        if found is None:
            status, lines = _NOT_FOUND
            head = status + request.server_lines + lines + close + b"\r\n"
            return EarlyAnswer(
                head=head, body=b"" if request.method == b"HEAD" else _NOT_FOUND_BODY
            )
        if _etag_matches(request.headers, found.etag):
            head = b"HTTP/1.1 304 Not Modified\r\n" + request.server_lines + found.lines_304
            return EarlyAnswer(head=head + close + b"\r\n")
        head = b"HTTP/1.1 200 OK\r\n" + request.server_lines + found.lines + close + b"\r\n"
        if request.method == b"HEAD":
            return EarlyAnswer(head=head)
        return EarlyAnswer(head=head, body=None, fd=found.fd, length=found.size)

    async def asgi(self, scope: dict[str, Any], send: Any) -> None:
        """The same answers through ASGI (any other server)."""
        method = scope["method"]
        found = None
        if method in ("GET", "HEAD") and not scope.get("query_string"):
            found = self.lookup(scope.get("raw_path") or scope["path"].encode("latin-1"))
        if found is None:
            await _send(send, 404, _NOT_FOUND[1], b"" if method == "HEAD" else _NOT_FOUND_BODY)
            return
        if _etag_matches(scope.get("headers") or [], found.etag):
            await _send(send, 304, found.lines_304, b"")
            return
        body = b"" if method == "HEAD" else os.pread(found.fd, found.size, 0)
        await _send(send, 200, found.lines, body)


def _etag_matches(headers: list[tuple[bytes, bytes]], etag: bytes) -> bool:
    """If-None-Match's weak comparison (RFC 9110, section 13.1.2)."""
    for name, value in headers:
        if name.lower() == b"if-none-match":
            for candidate in value.split(b","):
                candidate = candidate.strip()
                if candidate == b"*" or candidate.removeprefix(b"W/") == etag:
                    return True
    return False


async def _send(send: Any, status: int, lines: bytes, body: bytes) -> None:
    headers = []
    for line in lines.split(b"\r\n"):
        if line:
            name, _, value = line.partition(b": ")
            headers.append((name, value))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
