"""In a real browser, every kind of page runs under the Content-Security-Policy with no violation."""

from __future__ import annotations

from typing import Any

import pytest

# Registered before any page script: every violation the browser reports is kept.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


@pytest.fixture
def watched(page: Any) -> dict[str, list[str]]:
    """Console errors, warnings and page errors seen by ``page``."""
    seen: dict[str, list[str]] = {"console": [], "errors": []}
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            seen["console"].append(f"{message.type}: {message.text}")
            if message.type in {"error", "warning"}
            else None
        ),
    )
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    # Failed loads, by address (the console only says "Failed to load resource").
    page.on(
        "response",
        lambda response: (
            seen["errors"].append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    return seen


def visit(page: Any, url: str, seen: dict[str, list[str]]) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__violations")
    assert violations == [], (url, violations)
    console = [m for m in seen["console"] if "Failed to load resource" not in m]
    assert console == [], (url, seen["console"])
    assert seen["errors"] == [], (url, seen["errors"])


@pytest.mark.browser
def test_pages_desk_and_embed_run_without_a_policy_violation(
    server: Any, page: Any, watched: dict[str, list[str]], live_story: Any, article: Any, publish
) -> None:
    publish(live_story, "**Bold** update with a [link](https://example.org/).", key_event=True)
    publish(live_story, "Pinned context.", pinned=True)

    for url in (
        "/",
        live_story.section.get_absolute_url(),
        live_story.get_absolute_url(),
        article.get_absolute_url(),
        "/search?q=harbour",
        f"/embed/{live_story.pk}/?accent=0a7&theme=dark",
    ):
        visit(page, server.url + url, watched)

    page.goto(server.url + "/desk/login/")
    page.fill("input[name=username]", "edna")
    page.fill("input[name=password]", "pass-word-123")
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/desk/")
    visit(page, server.url + "/desk/", watched)
    visit(page, f"{server.url}/desk/stories/{live_story.pk}/", watched)
    # The composer's preview fetches and inserts sanitised HTML under the policy.
    page.fill("textarea[name=body]", "Preview *this*")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__violations") == []
