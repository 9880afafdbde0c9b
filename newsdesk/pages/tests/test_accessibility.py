"""axe-core in a real browser against the real server: no serious or critical violations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsdesk.newsroom import services

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def axe_violations(page: Any, server: Any, path: str) -> list[dict[str, Any]]:
    response = page.goto(server.url + path)
    assert response is not None and response.status == 200, f"{path}\n{server.output()}"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']}: {v['help']} ({v['helpUrl']})")
        lines.extend(f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"][:5])
    return "\n".join(lines)


@pytest.fixture
def axe_page(browser: Any) -> Iterator[Any]:
    """A browser page that may inject axe-core inline despite the site's Content-Security-Policy."""
    context = browser.new_context(bypass_csp=True)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def newsroom(section: Any, editor: Any, publish: Any) -> dict[str, str]:
    """A live story with key points, a pinned, a key and a corrected entry, and an article."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm install` in the repository root")
    story = services.story_create(
        section=section,
        headline="Live updates: Harbour summit talks",
        standfirst="Follow the latest updates on the harbour summit.",
        author=editor,
    )
    services.key_points_replace(
        story=story,
        actor=editor,
        points=["Delegations from **six** countries arrived", "Talks resume at 9am"],
    )
    publish(story, "Read our [explainer](https://example.com/explainer).", pinned=True)
    for n in range(1, 25):
        publish(story, f"Update {n}: the talks continue.\n\n> A quote from a delegate.")
    key = publish(story, "Agreement reached on shipping lanes.", title="Deal", key_event=True)
    services.entry_correct(entry=key, actor=editor, version=1, body="Agreement reached, in part.")
    services.story_create(
        section=section,
        headline="Rail link opens after decade of delays",
        standfirst="The line cuts the journey to forty minutes.",
        body="The new line opened on Monday.",
        author=editor,
        live=False,
    )
    return {"home": "/", "section": "/world/asia/", "story": story.get_absolute_url()}


@pytest.mark.browser
def test_reader_pages_have_no_serious_accessibility_violations(
    server: Any, axe_page: Any, newsroom: dict[str, str]
) -> None:
    found = {}
    for name, path in newsroom.items():
        violations = axe_violations(axe_page, server, path)
        if violations:
            found[name] = describe(violations)
    assert not found, "axe found violations:\n" + json.dumps(found, indent=2)


@pytest.mark.browser
def test_story_page_is_usable_on_a_phone_screen(
    server: Any, browser: Any, newsroom: dict[str, str]
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        phone = context.new_page()
        phone.goto(server.url + newsroom["story"])
        # Nothing forces sideways scrolling on a narrow screen.
        overflow = phone.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        assert phone.locator("[data-load-older]").is_visible()
    finally:
        context.close()


@pytest.mark.browser
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_story(
    server: Any, page: Any, newsroom: dict[str, str]
) -> None:
    page.goto(server.url + newsroom["story"])
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "story"
