"""Settings are typed and checked once: a bad value stops every command before it starts."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from conftest import ROOT, free_port
from newsdesk import conf


def test_every_default_is_allowed_by_its_own_setting():
    for setting in conf.SETTINGS.values():
        setting.parse(setting.default)  # raises when the declaration contradicts itself


def test_values_are_typed(monkeypatch):
    monkeypatch.setenv("NEWSDESK_REPLAY_LIMIT", " 32 ")
    monkeypatch.setenv("NEWSDESK_LOG_POLL_SECONDS", "0.5")
    monkeypatch.setenv("NEWSDESK_PAGE_CACHE", "off")
    monkeypatch.setenv("NEWSDESK_ALLOWED_HOSTS", "news.example, .news.example,")
    monkeypatch.setenv("NEWSDESK_LOG_LEVEL", "warning")
    monkeypatch.setenv("NEWSDESK_SITE_URL", "https://news.example/")
    assert conf.get_int("REPLAY_LIMIT") == 32
    assert conf.get_float("LOG_POLL_SECONDS") == 0.5
    assert conf.get_bool("PAGE_CACHE") is False
    assert conf.value("ALLOWED_HOSTS") == ("news.example", ".news.example")
    assert conf.get_str("LOG_LEVEL") == "WARNING"
    assert conf.get_str("SITE_URL") == "https://news.example"


@pytest.mark.parametrize(
    ("name", "text", "sentence"),
    [
        ("REPLAY_LIMIT", "abc", "use a whole number (1 or more)."),
        ("REPLAY_LIMIT", "0", "use a whole number (1 or more)."),
        ("LOG_POLL_SECONDS", "two", "use a number of seconds (more than 0)."),
        ("LOG_POLL_SECONDS", "nan", "use a number of seconds (more than 0)."),
        ("RELATED_RECENCY_WEIGHT", "1.5", "use a number (0 to 1)."),
        ("PAGE_CACHE", "maybe", "use 1 or 0 (true/false, yes/no and on/off also work)."),
        ("LOG_FORMAT", "xml", "use text or json, or unset."),
        ("REDIS_URL", "localhost:6379", "use a URL starting redis://, rediss:// or unix://"),
        ("SITE_URL", "https://news.example/live", "use an origin starting http:// or https://"),
        ("TIME_ZONE", "Mars/Olympus", "use an IANA time zone name"),
        ("REACTIONS", "wow", "(Reaction 'wow' needs a label: write it as kind:Label)"),
    ],
)
def test_a_value_not_allowed_is_refused_naming_the_variable_value_and_what_is_allowed(
    monkeypatch, name, text, sentence
):
    monkeypatch.setenv(f"NEWSDESK_{name}", text)
    with pytest.raises(conf.SettingError) as refused:
        conf.value(name)
    message = str(refused.value)
    assert message.startswith(f"NEWSDESK_{name} is {text!r}, which is not allowed")
    assert sentence in message
    assert message in conf.problems()


def test_an_accessor_of_the_wrong_type_is_a_programming_error():
    with pytest.raises(TypeError):
        conf.get_int("LOG_POLL_SECONDS")
    with pytest.raises(TypeError):
        conf.get_bool("REPLAY_LIMIT")


def test_networks_and_lists_parse_into_values():
    networks = conf.Listing(conf.Network())(" 10.0.0.0/8, 2001:db8::1 ,")
    assert networks == (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("2001:db8::1"))
    with pytest.raises(ValueError):
        conf.Listing(conf.Network())("10.0.0.0/8, nginx")


def test_the_system_check_reports_every_bad_value(monkeypatch):
    monkeypatch.setenv("NEWSDESK_REPLAY_LIMIT", "abc")
    monkeypatch.setenv("NEWSDESK_HEARTBEAT_SECONDS", "-1")
    with pytest.raises(SystemCheckError) as failed:
        call_command("check")
    report = str(failed.value)
    assert report.count("newsdesk.E001") == 2
    assert "NEWSDESK_REPLAY_LIMIT is 'abc'" in report
    assert "NEWSDESK_HEARTBEAT_SECONDS is '-1'" in report


def _newsdesk(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", *args],
        env={**os.environ, "NEWSDESK_LOG_LEVEL": "WARNING", **env},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    ("command", "name", "text"),
    [
        ("serve", "STREAM_BUFFER_BYTES", "abc"),
        ("serve", "LOG_POLL_SECONDS", "two"),
        ("demo", "PROXY_HOPS", "-1"),
        ("migrate", "DEBUG", "maybe"),
    ],
)
def test_a_bad_value_stops_the_command_before_it_starts_with_a_sentence(
    tmp_path, command, name, text
):
    port = free_port()
    args = [command, "--port", str(port)] if command in {"serve", "demo"} else [command]
    result = _newsdesk(*args, env={"NEWSDESK_DATA_DIR": str(tmp_path), f"NEWSDESK_{name}": text})
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"NEWSDESK_{name} is {text!r}, which is not allowed: use " in result.stderr
    assert "Traceback" not in result.stderr
    # Nothing was set up: no database made, no secret key written.
    assert list(tmp_path.iterdir()) == []


def test_the_asgi_application_refuses_a_bad_value_under_any_server(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import newsdesk.config.asgi"],
        env={**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_REPLAY_LIMIT": "abc"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert "SettingError: NEWSDESK_REPLAY_LIMIT is 'abc', which is not allowed" in result.stderr
