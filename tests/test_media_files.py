"""Rendition files served by the edge (newsdesk/media/files.py): only their own shape, by sendfile.

Against both servers: ``newsdesk serve`` answers from the request head with
``sendfile``; plain uvicorn takes the ASGI path.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import Server, start_server
from newsdesk.media.files import MediaFiles, media_name, media_root

WAIT = 30.0


def _rendition(root: Path, data: bytes, *, width: int = 800, ext: str = "webp") -> str:
    """Store ``data`` as the media app names renditions; return its URL path."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{digest[:2]}/{digest[:32]}-{width}.{ext}"
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_bytes(data)
    return f"/media/{name}"


# --- the shape of a media path (pure) ------------------------------------------------------


def test_only_a_rendition_path_of_its_exact_shape_names_a_file():
    digest = "ab" + "0" * 30
    assert media_name(f"/media/ab/{digest}-800.webp".encode()) == (
        b"ab",
        f"{digest}-800.webp".encode(),
    )
    for refused in [
        f"/media/cd/{digest}-800.webp",  # the folder is not the digest's start
        f"/media/ab/{digest}-800.svg",
        f"/media/ab/{digest}-800.WEBP",
        f"/media/ab/{digest.upper()}-800.webp",
        f"/media/ab/{digest}.webp",
        f"/media/ab/{digest}-800.webp?x=1",
        f"/media/ab/../ab/{digest}-800.webp",
        f"/media/ab/%2e%2e/{digest}-800.webp",
        f"/media/ab/{digest}-800.webp/",
        "/media/ab/" + "a" * 15 + "-800.webp",
        "/media/",
        "/media/../secret_key",
    ]:
        assert media_name(refused.encode()) is None, refused


# --- the open-file cache ----------------------------------------------------------------------


def test_symbolic_links_and_other_files_are_refused(tmp_path: Path):
    outside = tmp_path / "outside.webp"
    outside.write_bytes(b"secret")
    files = MediaFiles(tmp_path)
    path = _rendition(tmp_path, b"real picture")
    linked = Path(tmp_path, path.removeprefix("/media/"))
    digest = "cd" + "1" * 30
    (tmp_path / "cd").mkdir()
    (tmp_path / "cd" / f"{digest}-800.webp").symlink_to(outside)
    (tmp_path / "ef").symlink_to(linked.parent)  # a folder that is a link
    digest_ef = "ef" + linked.name[2:]
    os.mkfifo(tmp_path / "cd" / f"{digest}-480.webp")
    assert files.lookup(path.encode()) is not None
    assert files.lookup(f"/media/cd/{digest}-800.webp".encode()) is None
    assert files.lookup(f"/media/ef/{digest_ef}".encode()) is None
    assert files.lookup(f"/media/cd/{digest}-480.webp".encode()) is None
    files.close()


def test_a_deleted_file_is_dropped_and_the_cache_stays_bounded(tmp_path: Path):
    files = MediaFiles(tmp_path, open_files=2)
    paths = [_rendition(tmp_path, b"picture %d" % n) for n in range(3)]
    opened = [files.lookup(p.encode()) for p in paths]
    assert all(opened) and len(files.files) == 2
    with pytest.raises(OSError):
        os.fstat(opened[0].fd)  # the least recently used was closed
    Path(tmp_path, paths[2].removeprefix("/media/")).unlink()
    assert files.lookup(paths[2].encode()) is None
    assert len(files.files) == 1
    files.close()
    assert not files.files


# --- served by a real server ------------------------------------------------------------------


@pytest.fixture(params=["serve", "asgi"])
def media_server(request: Any, transactional_db: Any) -> Iterator[Server]:
    srv = start_server(asgi=request.param == "asgi")
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def root() -> Iterator[Path]:
    """The media root the test's server reads (the test run's data directory)."""
    path = media_root()
    path.mkdir(parents=True, exist_ok=True)
    before = set(path.iterdir())
    yield path
    for added in set(path.iterdir()) - before:
        shutil.rmtree(added) if added.is_dir() and not added.is_symlink() else added.unlink()


def test_a_rendition_is_served_whole_immutable_and_revalidated(media_server, root):
    data = os.urandom(100_000)
    path = _rendition(root, data)
    with httpx.Client(base_url=media_server.url, timeout=WAIT) as client:
        first = client.get(path)
        again = client.get(path)  # from the open-file cache
        head = client.head(path)
        etag = first.headers["etag"]
        revalidated = client.get(path, headers={"If-None-Match": f'"other", {etag}'})
        ranged = client.get(path, headers={"Range": "bytes=0-9"})
    assert first.status_code == again.status_code == 200
    assert first.content == again.content == data
    assert first.headers["content-type"] == "image/webp"
    assert first.headers["content-length"] == "100000"
    assert first.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert etag == '"' + path.rsplit("/", 1)[1].rsplit(".", 1)[0] + '"'
    assert (head.status_code, head.content, head.headers["content-length"]) == (200, b"", "100000")
    assert (revalidated.status_code, revalidated.content) == (304, b"")
    assert revalidated.headers["etag"] == etag
    assert (ranged.status_code, ranged.content) == (200, data)  # Range is not served


def test_anything_else_under_media_is_a_404(media_server, root):
    path = _rendition(root, b"a small picture", ext="png")
    outside = root.parent / "outside-secret.txt"
    outside.write_bytes(b"secret")
    digest = "0f" + "e" * 30
    (root / "0f").mkdir(exist_ok=True)
    (root / "0f" / f"{digest}-800.jpg").symlink_to(outside)
    try:
        with httpx.Client(base_url=media_server.url, timeout=WAIT) as client:
            assert client.get(path).headers["content-type"] == "image/png"
            for missing in [
                f"/media/0f/{digest}-800.jpg",  # a symbolic link
                f"/media/0f/{digest}-480.jpg",
                path + "?v=2",
                "/media/",
                "/media/outside-secret.txt",
                "/media/../outside-secret.txt",
                "/media/%2e%2e/outside-secret.txt",
            ]:
                answer = client.get(missing)
                assert answer.status_code == 404, missing
                assert b"secret" not in answer.content
            assert client.post(path).status_code == 404
            Path(root, path.removeprefix("/media/")).unlink()
            assert client.get(path).status_code == 404  # deleted after it was served
    finally:
        outside.unlink()


def test_a_rendition_on_a_kept_alive_connection_keeps_its_framing(media_server, root):
    data = os.urandom(300_000)  # more than one socket write
    path = _rendition(root, data)
    request = f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", media_server.port), timeout=WAIT) as sock:
        sock.sendall(request * 3)
        received = b""
        while received.count(data) < 3:
            chunk = sock.recv(1 << 20)
            assert chunk, "the server closed the connection"
            received += chunk
    assert received.count(b"HTTP/1.1 200 OK") == 3
