"""The process's runtime: built and started by the lifespan, everything stopped with it."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from conftest import run_coroutine
from newsdesk.config.uvicorn_compat import RUNTIME_KEY
from newsdesk.live.edge import Edge


async def _app(scope: Any, receive: Any, send: Any) -> None:
    pass


def _workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "newsdesk-background-worker"]


def test_the_lifespan_builds_the_runtime_hands_it_on_and_stops_all_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSDESK_BACKGROUND", "1")
    monkeypatch.delenv("NEWSDESK_REDIS_URL", raising=False)
    edge = Edge(_app)

    async def scenario() -> dict[str, Any]:
        state: dict[str, Any] = {}
        messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
        sent: list[str] = []
        seen: dict[str, Any] = {}

        async def receive() -> dict[str, Any]:
            message = messages.pop(0)
            if message["type"] == "lifespan.shutdown":
                runtime = state[RUNTIME_KEY]
                seen["runtime"] = runtime
                seen["worker_running"] = runtime.worker.running
                seen["threads_while_running"] = len(_workers())
            return message

        async def send(message: dict[str, Any]) -> None:
            sent.append(message["type"])

        await edge({"type": "lifespan", "state": state}, receive, send)
        seen["sent"] = sent
        return seen

    seen = run_coroutine(scenario())
    assert seen["sent"] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert seen["worker_running"] and seen["threads_while_running"] == 1
    assert edge.runtime is None
    assert not seen["runtime"].worker.running
    assert _workers() == []  # the thread ended, not merely forgotten
    assert seen["runtime"].hub.closing
