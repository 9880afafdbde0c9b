"""/healthz, /readyz and /metrics, answered by the edge of a real server process."""

from __future__ import annotations

import json
import socket

import httpx

from conftest import start_server


def test_readyz_reports_database_and_broker_ready(server):
    response = httpx.get(f"{server.url}/readyz", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"ready": True, "checks": {"database": True, "broker": True}}


def test_readyz_says_which_dependency_is_down(transactional_db):
    # A Redis URL where nothing listens: the process serves, but is not ready.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    srv = start_server(env={"NEWSDESK_REDIS_URL": f"redis://127.0.0.1:{dead_port}/0"})
    try:
        response = httpx.get(f"{srv.url}/readyz", timeout=10)
    finally:
        srv.stop()
    assert response.status_code == 503
    assert json.loads(response.text)["checks"] == {"database": True, "broker": False}


def test_metrics_count_readers_and_events(server, live_story, editor, token_for):
    token = token_for(editor)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        with client.stream("GET", live_story.get_events_url()) as stream:
            lines = stream.iter_lines()
            next(lines)  # the stream is open once its first line arrives
            metrics = client.get("/metrics")
            assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
            assert "newsdesk_stream_readers 1" in metrics.text
            published = client.post(
                f"/api/stories/{live_story.pk}/entries",
                json={"body": "Counted."},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert published.status_code == 201
            for line in lines:
                if line.startswith("event: entry-published"):
                    break
        after = client.get("/metrics").text
    assert "newsdesk_events_sent_total 1" in after
    assert "newsdesk_slow_readers_dropped_total 0" in after
