"""Events published and Django responses, as counted for /metrics."""

from __future__ import annotations

import re
import threading

import httpx
import pytest
from django.db import transaction

from newsdesk.live import metrics
from newsdesk.newsroom.services import entry_publish


def _value(text: str, name: str) -> float:
    """The value of one sample in Prometheus text, e.g. ``_value(text, 'x{a="b"}')``."""
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} missing from:\n{text}"
    return float(match.group(1))


def test_render_lists_every_counter_with_help_and_type():
    text = metrics.render(None)
    for name in ["newsdesk_events_published_total", "newsdesk_http_requests_total"]:
        assert f"# HELP {name} " in text
        assert f"# TYPE {name} counter" in text
    for status in metrics.STATUS_CLASSES:
        assert re.search(rf'^newsdesk_http_requests_total{{status="{status}"}} \d+$', text, re.M)


def test_responses_are_counted_by_status_class():
    counters = metrics.Counters()
    for status in [200, 201, 304, 404, 404, 503]:
        counters.http_response(status)
    assert counters.http_responses == {"1xx": 0, "2xx": 2, "3xx": 1, "4xx": 2, "5xx": 1}


@pytest.mark.django_db(transaction=True)
def test_events_count_once_committed_and_not_when_rolled_back(live_story, editor):
    before = metrics.COUNTERS.events_published
    with pytest.raises(RuntimeError), transaction.atomic():
        entry_publish(story=live_story, author=editor, body="Never seen.")
        raise RuntimeError("the publish is rolled back")
    assert metrics.COUNTERS.events_published == before

    # Publishes commit in worker threads (Django's sync views under ASGI).
    def publish(n: int) -> None:
        entry_publish(story=live_story, author=editor, body=f"Update {n}.")

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert metrics.COUNTERS.events_published == before + 6


@pytest.mark.django_db
def test_django_responses_are_counted(client):
    before = metrics.COUNTERS.http_responses
    assert client.get("/no-such-section/").status_code == 404
    after = metrics.COUNTERS.http_responses
    assert after["4xx"] == before["4xx"] + 1
    assert after["2xx"] == before["2xx"]


def test_metrics_show_events_published_rising_after_an_api_publish(
    server, live_story, editor, token_for
):
    token = token_for(editor)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        before = client.get("/metrics").text
        for body in ["First.", "Second."]:
            published = client.post(
                f"/api/stories/{live_story.pk}/entries",
                json={"body": body},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert published.status_code == 201
        missing = client.get("/api/stories/999999")
        assert missing.status_code == 404
        after = client.get("/metrics").text
    assert _value(before, "newsdesk_events_published_total") == 0
    assert _value(after, "newsdesk_events_published_total") == 2
    requests = 'newsdesk_http_requests_total{status="%s"}'
    assert _value(after, requests % "2xx") == _value(before, requests % "2xx") + 2
    assert _value(after, requests % "4xx") == _value(before, requests % "4xx") + 1
