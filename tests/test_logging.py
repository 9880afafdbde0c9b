"""Log lines: text or JSON (NEWSDESK_LOG_FORMAT), request lines, publish lines, and a real server's output."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured

from conftest import start_server
from newsdesk.config.logging import JsonFormatter, log_format, logging_config


def _record(
    message: str, *args: object, exc_info: Any = None, extra: dict[str, Any] | None = None
) -> logging.LogRecord:
    """A record made the way ``logger.error(..., exc_info=..., extra=...)`` makes one."""
    logger = logging.getLogger("newsdesk.test")
    return logger.makeRecord(
        logger.name, logging.ERROR, __file__, 1, message, args, exc_info, extra=extra
    )


def test_json_line_has_utc_time_level_logger_message_and_extra_fields():
    record = _record("Published %s", "entry-published", extra={"story": 7, "seq": 3})
    line = JsonFormatter().format(record)
    assert "\n" not in line
    fields = json.loads(line)
    assert fields["level"] == "ERROR"
    assert fields["logger"] == "newsdesk.test"
    assert fields["message"] == "Published entry-published"
    assert fields["story"] == 7 and fields["seq"] == 3
    assert fields["time"].endswith("Z")
    stamp = datetime.fromisoformat(fields["time"].replace("Z", "+00:00"))
    assert stamp.utcoffset().total_seconds() == 0
    assert abs(stamp.timestamp() - record.created) < 0.001
    assert not {"msg", "args", "levelno", "pathname", "color_message"} & set(fields)


def test_json_line_carries_the_exception_text():
    try:
        raise ValueError('bad "quote"\nand a newline')
    except ValueError:
        record = _record("Publishing failed", exc_info=sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    exception = json.loads(line)["exception"]
    assert exception.startswith("Traceback (most recent call last):")
    assert 'ValueError: bad "quote"\nand a newline' in exception


def test_json_line_survives_extras_json_cannot_encode():
    record = _record(
        "odd", extra={"request": object(), "when": datetime(2025, 1, 2, 3, tzinfo=UTC)}
    )
    fields = json.loads(JsonFormatter().format(record))
    assert fields["request"].startswith("<object object")
    assert fields["when"] == "2025-01-02T03:00:00+00:00"


def test_log_format_defaults_to_text_and_to_json_in_production(monkeypatch):
    monkeypatch.delenv("NEWSDESK_LOG_FORMAT", raising=False)
    monkeypatch.delenv("NEWSDESK_PRODUCTION", raising=False)
    assert log_format() == "text"
    assert logging_config()["handlers"]["console"]["formatter"] == "text"
    monkeypatch.setenv("NEWSDESK_PRODUCTION", "1")
    assert log_format() == "json"
    monkeypatch.setenv("NEWSDESK_LOG_FORMAT", "text")
    assert log_format() == "text"
    monkeypatch.setenv("NEWSDESK_LOG_FORMAT", " JSON ")
    assert logging_config()["handlers"]["console"]["formatter"] == "json"


def test_unknown_log_format_fails_at_start_up_naming_the_setting(monkeypatch):
    monkeypatch.setenv("NEWSDESK_LOG_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match="NEWSDESK_LOG_FORMAT.*text or json"):
        logging_config()


def test_config_formats_uvicorn_loggers_through_the_root_handler(monkeypatch):
    monkeypatch.setenv("NEWSDESK_LOG_FORMAT", "json")
    config = logging_config()
    assert config["loggers"]["uvicorn"] == {"handlers": [], "propagate": True}
    assert config["loggers"]["uvicorn.error"] == {"handlers": [], "propagate": True}
    assert config["root"]["handlers"] == ["console"]


@pytest.mark.django_db
def test_django_request_is_logged_with_method_path_status_and_duration(client, caplog):
    caplog.set_level(logging.INFO, logger="newsdesk.request")
    response = client.get("/no-such-section/")
    assert response.status_code == 404
    [record] = [r for r in caplog.records if r.name == "newsdesk.request"]
    assert (record.method, record.path, record.status) == ("GET", "/no-such-section/", 404)
    assert record.client == "127.0.0.1"
    assert record.duration_ms >= 0
    fields = json.loads(JsonFormatter().format(record))
    assert fields["level"] == "INFO"
    assert {"method", "path", "status", "duration_ms"} <= set(fields)


@pytest.mark.django_db
def test_static_files_are_not_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="newsdesk.request")
    response = client.get("/static/live/live.js")
    assert response.status_code == 200
    assert [r for r in caplog.records if r.name == "newsdesk.request"] == []


@pytest.mark.django_db
def test_publish_is_logged_with_story_seq_and_kind_once_committed(
    live_story, publish, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="newsdesk.newsroom.services")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(live_story, "Talks resume.")
    assert [r for r in caplog.records if r.name == "newsdesk.newsroom.services"] == []
    for callback in callbacks:
        callback()
    [record] = [r for r in caplog.records if r.name == "newsdesk.newsroom.services"]
    assert (record.story, record.kind) == (live_story.pk, "entry-published")
    assert record.seq == live_story.last_seq


def test_server_writes_one_json_object_per_line(transactional_db, live_story, editor, token_for):
    token = token_for(editor)
    srv = start_server(env={"NEWSDESK_LOG_FORMAT": "json", "NEWSDESK_LOG_LEVEL": "INFO"})
    try:
        with httpx.Client(base_url=srv.url, timeout=10) as client:
            published = client.post(
                f"/api/stories/{live_story.pk}/entries",
                json={"body": "Logged."},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert published.status_code == 201
    finally:
        srv.stop()
    lines = srv.output().splitlines()
    # `newsdesk serve` runs Django's system checks first; they print their verdict to stdout.
    logged = [line for line in lines if not line.startswith("System check identified")]
    records = [json.loads(line) for line in logged]
    assert records, srv.output()
    for record in records:
        assert {"time", "level", "logger", "message"} <= set(record), record
    loggers = {record["logger"] for record in records}
    assert "uvicorn.error" in loggers  # uvicorn's own start-up lines, in the same format
    [request] = [r for r in records if r["logger"] == "newsdesk.request"]
    assert request["method"] == "POST"
    assert request["path"] == f"/api/stories/{live_story.pk}/entries"
    assert request["status"] == 201
    [event] = [r for r in records if r["logger"] == "newsdesk.newsroom.services"]
    assert (event["story"], event["seq"], event["kind"]) == (live_story.pk, 1, "entry-published")
