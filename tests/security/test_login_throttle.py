"""Login throttling (django-axes): five failures per username and address lock that pair out."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from .conftest import html_tree

LIMIT = 5
PASSWORD = "pass-word-123"


def sign_in(client: Any, url: str, username: str, password: str, ip: str = "203.0.113.7") -> Any:
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def alert_text(response: Any) -> str:
    tree = html_tree(response.content)
    return " ".join(
        " ".join(node.text_content().split())
        for node in tree.xpath('//*[@role="alert"] | //*[contains(@class, "errornote")]')
        + tree.xpath('//ul[contains(@class, "errorlist")]')
    )


@pytest.mark.parametrize("url_name", ["desk:login", "admin:login"])
def test_five_failures_lock_the_username_from_that_address_even_with_the_right_password(
    client: Any, editor: Any, url_name: str
) -> None:
    url = reverse(url_name)
    for _ in range(LIMIT - 1):
        assert sign_in(client, url, "edna", "wrong").status_code == 200
    locked = sign_in(client, url, "edna", "wrong")
    again = sign_in(client, url, "edna", PASSWORD)

    assert locked.status_code == 429
    assert again.status_code == 429
    assert int(again["Retry-After"]) == 15 * 60
    assert "Too many failed sign-in attempts" in alert_text(again)
    assert "try again then" in alert_text(again)
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_address_and_per_username(
    client: Any, editor: Any, make_journalist: Any
):
    make_journalist("ann")
    url = reverse("desk:login")
    for _ in range(LIMIT):
        sign_in(client, url, "edna", "wrong")

    other_user = sign_in(client, url, "ann", PASSWORD)
    assert other_user.status_code == 302
    client.logout()
    other_address = sign_in(client, url, "edna", PASSWORD, ip="198.51.100.9")
    assert other_address.status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client: Any, editor: Any) -> None:
    url = reverse("desk:login")
    for _ in range(LIMIT - 1):
        sign_in(client, url, "edna", "wrong")
    assert sign_in(client, url, "edna", PASSWORD).status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        assert sign_in(client, url, "edna", "wrong").status_code == 200
    assert sign_in(client, url, "edna", PASSWORD).status_code == 302


def test_desk_and_admin_failures_count_together(client: Any, editor: Any) -> None:
    for _ in range(LIMIT - 1):
        sign_in(client, reverse("admin:login"), "edna", "wrong")
    sign_in(client, reverse("desk:login"), "edna", "wrong")

    assert sign_in(client, reverse("desk:login"), "edna", PASSWORD).status_code == 429


def test_the_lockout_ends_after_the_cool_off(client: Any, editor: Any) -> None:
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    url = reverse("desk:login")
    for _ in range(LIMIT):
        sign_in(client, url, "edna", "wrong")
    assert sign_in(client, url, "edna", PASSWORD).status_code == 429

    past = timezone.now() - settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(attempt_time=past)
    assert sign_in(client, url, "edna", PASSWORD).status_code == 302
