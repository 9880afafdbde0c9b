"""Security headers: Content-Security-Policy with nonces, framing, sniffing, referrer, production."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.urls import reverse

from .conftest import html_tree

ROOT = Path(__file__).resolve().parents[2]


def policy(response: Any) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives: dict[str, list[str]] = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def reader_pages(live_story: Any, article: Any, publish: Any) -> dict[str, str]:
    publish(live_story, "First update.")
    return {
        "home": "/",
        "section": live_story.section.get_absolute_url(),
        "live story": live_story.get_absolute_url(),
        "article": article.get_absolute_url(),
        "search": "/search?q=harbour",
        "not found": "/no/such/page/",
    }


def test_every_reader_page_has_the_strict_policy(client: Any, reader_pages: dict[str, str]):
    for name, url in reader_pages.items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not found" else 200), name
        csp = policy(response)
        assert csp["default-src"] == ["'self'"], name
        assert csp["script-src"][0] == "'self'" and "'unsafe-inline'" not in csp["script-src"]
        assert csp["style-src"] == ["'self'"], name
        # This site and its media storage only: no image from anywhere else (a tracking pixel).
        assert csp["img-src"] == ["'self'", "data:"], name
        assert csp["object-src"] == ["'none'"], name
        assert csp["base-uri"] == ["'self'"], name
        assert csp["form-action"] == ["'self'"], name
        assert csp["frame-ancestors"] == ["'none'"], name
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", name


def test_json_ld_carries_the_nonce_of_the_header(client: Any, live_story: Any) -> None:
    response = client.get(live_story.get_absolute_url())
    nonces = [s for s in policy(response)["script-src"] if s.startswith("'nonce-")]
    blocks = html_tree(response.content).xpath('//script[@type="application/ld+json"]')

    assert len(nonces) == 1 and blocks
    assert {f"'nonce-{b.get('nonce')}'" for b in blocks} == set(nonces)


def _nonces(response: httpx.Response) -> tuple[str, set[str]]:
    """The nonce of a response's Content-Security-Policy, and the nonces its scripts carry."""
    header = re.search(r"'nonce-([^']+)'", response.headers["content-security-policy"])
    assert header is not None
    scripts = html_tree(response.content).xpath("//script[@nonce]")
    assert scripts
    return header[1], {script.get("nonce") for script in scripts}


@pytest.mark.django_db(transaction=True)
def test_readers_of_one_cached_render_share_its_nonce_and_each_render_has_a_new_one(
    server: Any, live_story: Any, editor: Any, token_for: Any
) -> None:
    """As readers meet it: the page cache serves one render, header and body, to everyone
    until the story changes; pages that are not cached get a nonce per response."""
    url = f"{server.url}{live_story.get_absolute_url()}"
    miss, hit = httpx.get(url, timeout=20), httpx.get(url, timeout=20)
    assert (miss.headers["x-cache"], hit.headers["x-cache"]) == ("miss", "hit")
    rendered, in_body = _nonces(miss)
    assert in_body == {rendered}
    assert _nonces(hit) == (rendered, {rendered})

    published = httpx.post(
        f"{server.url}/api/stories/{live_story.pk}/entries",
        json={"body": "Talks resume."},
        headers={"Authorization": f"Bearer {token_for(editor)}"},
        timeout=20,
    )
    assert published.status_code == 201
    # The page is fresh to the story's events: the next request renders anew.
    deadline = time.monotonic() + 20
    again = httpx.get(url, timeout=20)
    while "Talks resume." not in again.text and time.monotonic() < deadline:
        again = httpx.get(url, timeout=20)
    assert again.headers["x-cache"] == "miss"
    fresh, in_fresh_body = _nonces(again)
    assert in_fresh_body == {fresh} and fresh != rendered

    # With a session cookie the page is rendered for the request alone, each time.
    personal = {"Cookie": "sessionid=none"}
    first, second = (httpx.get(url, headers=personal, timeout=20) for _ in range(2))
    assert "x-cache" not in first.headers
    assert _nonces(first)[1] == {_nonces(first)[0]}
    assert _nonces(first)[0] != _nonces(second)[0]


def test_no_page_has_inline_script_or_style_without_the_nonce(
    client: Any, reader_pages: dict[str, str], live_story: Any, editor: Any
) -> None:
    client.force_login(editor)
    urls = [
        *reader_pages.values(),
        f"/embed/{live_story.pk}/",
        reverse("desk:story_list"),
        reverse("desk:story_detail", args=[live_story.pk]),
    ]
    for url in urls:
        response = client.get(url)
        tree = html_tree(response.content)
        nonce = response.wsgi_request.csp_nonce
        for script in tree.xpath("//script"):
            assert script.get("src", "").startswith("/static/") or script.get("nonce") == nonce, url
        for style in tree.xpath("//style"):
            assert style.get("nonce") == nonce, url
            assert f"'nonce-{nonce}'" in policy(response)["style-src"], url
        assert not tree.xpath("//*[@style]"), url
        assert not [a for el in tree.iter() for a in el.attrib if a.startswith("on")], url


def test_embed_may_be_framed_by_any_site_and_nothing_else_may(client: Any, live_story: Any):
    embed = client.get(f"/embed/{live_story.pk}/")
    story = client.get(live_story.get_absolute_url())

    assert policy(embed)["frame-ancestors"] == ["*"]
    assert "X-Frame-Options" not in embed
    # The rest of the embed's policy stays strict.
    assert policy(embed)["script-src"][0] == "'self'"
    assert policy(embed)["object-src"] == ["'none'"]
    assert policy(story)["frame-ancestors"] == ["'none'"]
    assert story["X-Frame-Options"] == "DENY"


def test_desk_admin_and_api_deny_framing(client: Any, editor: Any) -> None:
    client.force_login(editor)
    for url in ("/desk/", "/desk/login/", "/admin/", "/api/stories", "/api/docs"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert policy(response)["frame-ancestors"] == ["'none'"], url


def production_env() -> dict[str, str]:
    # The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for this test process;
    # a deployment never has it (async.E001), so the subprocess does not inherit it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "NEWSDESK_PRODUCTION": "1",
        "NEWSDESK_SECRET_KEY": secrets.token_urlsafe(64),
        "NEWSDESK_ALLOWED_HOSTS": "news.example",
        "NEWSDESK_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "newsdesk.config.settings",
    }


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=production_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = run_python(
        "import django, io, sys; django.setup()\n"
        "from django.core.management import call_command\n"
        "out, err = io.StringIO(), io.StringIO()\n"
        "call_command('check', deploy=True, fail_level='WARNING', stdout=out, stderr=err)\n"
        "sys.stdout.write(out.getvalue() + err.getvalue())\n"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_sends_hsts_and_secure_cookies() -> None:
    result = run_python(
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='news.example')\n"
        "plain = c.get('/desk/login/')\n"
        "r = c.get('/desk/login/', secure=True)\n"
        "print('redirect', plain.status_code, plain['Location'])\n"
        "print('hsts', r['Strict-Transport-Security'])\n"
        "print('csrf-cookie', r.cookies['csrftoken']['secure'], r.cookies['csrftoken']['samesite'])\n"
        "print('session', settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY)\n"
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["redirect"] == "301 https://news.example/desk/login/"
    assert lines["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert lines["csrf-cookie"] == "True Lax"
    assert lines["session"] == "True True"
