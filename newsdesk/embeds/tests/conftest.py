"""Fixtures for embeds: a stand-in provider server the oEmbed requests go to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .standin import StandIn


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """A local HTTP server playing the providers; its routes say how each answers."""
    server = StandIn().start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def oembed_standin(standin: StandIn, monkeypatch: pytest.MonkeyPatch) -> StandIn:
    """Every provider's oEmbed endpoint at ``/oembed`` of the stand-in, with short time limits.

    Set the answer with ``standin.routes["/oembed"] = json_route({...})``.
    """
    monkeypatch.setenv("NEWSDESK_OEMBED_ENDPOINTS", f"*={standin.url}/oembed")
    monkeypatch.setenv("NEWSDESK_OEMBED_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("NEWSDESK_EMBED_BUDGET_SECONDS", "1.5")
    return standin
