"""Embed settings: the page's frame-src names exactly the providers; bad values stop start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core import checks

from newsdesk.embeds.providers import frame_origins
from newsdesk.embeds.services import mastodon_hosts
from newsdesk.newsroom.apps import settings_check

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_reader_pages_allow_frames_from_exactly_the_providers(client: Any, live_story: Any):
    response = client.get(live_story.get_absolute_url())

    directives = {
        part.split()[0]: part.split()[1:] for part in response["Content-Security-Policy"].split(";")
    }
    assert directives["frame-src"] == frame_origins(mastodon_hosts=mastodon_hosts())
    assert "https://www.youtube-nocookie.com" in directives["frame-src"]
    assert "https://mastodon.social" in directives["frame-src"]
    assert all(not s.startswith("'") and s != "*" for s in directives["frame-src"])
    assert directives["style-src"] == ["'self'"]


def test_the_configured_mastodon_servers_are_the_ones_allowed_to_frame(tmp_path: Path) -> None:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'newsdesk.config.settings'; "
        "from django.conf import settings; "
        "print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-src']))"
    )
    env = {"NEWSDESK_EMBED_MASTODON_HOSTS": "journa.host", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**env, "NEWSDESK_DATA_DIR": str(tmp_path)},
    )
    sources = out.stdout.split()
    assert "https://journa.host" in sources and "https://mastodon.social" not in sources


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("EMBED_MASTODON_HOSTS", "https://mastodon.social", "host names of Mastodon servers"),
        ("EMBED_MASTODON_HOSTS", "youtube.com", "belongs to YouTube, not to Mastodon"),
        ("OEMBED_ENDPOINTS", "myspace=https://example.com/oembed", "is not a provider"),
        ("OEMBED_ENDPOINTS", "youtube=file:///etc/passwd", "not an http(s) URL"),
        ("EMBED_BUDGET_SECONDS", "soon", "a number of seconds (0.1 or more)"),
        ("OEMBED_TIMEOUT_SECONDS", "0", "a number of seconds (0.1 or more)"),
        ("OEMBED_MAX_BYTES", "1.5", "a whole number of bytes (1,024 or more)"),
        ("EMBED_THUMBNAIL_MAX_BYTES", "-1", "a whole number of bytes (1,024 or more)"),
    ],
)
def test_a_bad_embed_setting_is_a_start_up_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, allowed: str
) -> None:
    monkeypatch.setenv(f"NEWSDESK_{name}", value)

    [error] = settings_check(None)

    assert isinstance(error, checks.Error) and error.id == "newsdesk.E001"
    assert error.msg.startswith(f"NEWSDESK_{name} is {value!r}, which is not allowed")
    assert allowed in error.msg


def test_the_defaults_pass_the_start_up_check() -> None:
    assert settings_check(None) == []
