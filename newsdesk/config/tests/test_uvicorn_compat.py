"""The uvicorn touch points: present in the installed version, loud when one moves.

``make test-uvicorn-oldest`` runs this module (and one real stream and cached
page) against the oldest uvicorn pyproject.toml allows.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import httpx
import pytest
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from newsdesk.config import uvicorn_compat
from newsdesk.config.uvicorn_compat import CompatError, compat_check

ROOT = Path(__file__).resolve().parents[3]


def test_every_touch_point_exists_in_the_installed_uvicorn():
    compat_check()


def test_a_moved_method_fails_loudly_naming_it(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delattr(HttpToolsProtocol, "_unset_keepalive_if_required")
    with pytest.raises(CompatError, match=r"HttpToolsProtocol\._unset_keepalive_if_required"):
        compat_check()


def test_a_moved_attribute_fails_loudly_naming_it(monkeypatch: pytest.MonkeyPatch):
    original = HttpToolsProtocol.connection_made

    def connection_made(self, transport):  # uvicorn storing its flow control elsewhere
        original(self, transport)
        del self.flow

    monkeypatch.setattr(HttpToolsProtocol, "connection_made", connection_made)
    with pytest.raises(CompatError, match=r"HttpToolsProtocol\(\)\.flow"):
        compat_check()


def test_only_the_compat_module_imports_uvicorns_internals():
    offenders = []
    for path in (ROOT / "newsdesk").rglob("*.py"):
        if path.name == "uvicorn_compat.py" or "tests" in path.parts:
            continue
        text = path.read_text()
        if re.search(r"^\s*(from|import) uvicorn\.", text, re.MULTILINE):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_installed_uvicorn_and_httptools_are_within_the_pinned_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {re.split(r"[\[<>=!]", spec, maxsplit=1)[0]: spec for spec in project["dependencies"]}
    for name in ("uvicorn", "httptools"):
        low, high = re.search(r">=([\d.]+),<([\d.]+)", pins[name]).groups()
        installed = importlib.metadata.version(name)
        assert _version(low) <= _version(installed) < _version(high), (name, installed)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_the_runtime_reaches_protocols_through_the_lifespan_state():
    assert uvicorn_compat.runtime_of({}) is None
    marker = object()
    assert uvicorn_compat.runtime_of({uvicorn_compat.RUNTIME_KEY: marker}) is marker


def test_a_stream_and_a_cached_page_through_the_installed_uvicorn(
    server, live_story, publish, sse_open
):
    publish(live_story, "Before the reader came.")
    stream = sse_open(server.url, live_story.get_events_url() + "?after=0")
    assert [e.id for e in stream.wait_for_count(1)] == ["1"]
    path = live_story.get_absolute_url()
    assert httpx.get(f"{server.url}{path}", timeout=30).headers["x-cache"] == "miss"
    hit = httpx.get(f"{server.url}{path}", timeout=30)
    assert hit.headers["x-cache"] == "hit"
    assert "Before the reader came." in hit.text
