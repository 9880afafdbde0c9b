"""The database unreachable is a 503 with a sentence on every page, not a 500.

``newsdesk.config.middleware.DatabaseUnavailableMiddleware``, through Django's
test client; ``tests/faults/test_database_outage.py`` takes a real database
away from a real server.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.db import ProgrammingError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.query import QuerySet
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings

from newsdesk.api.models import ApiToken
from newsdesk.api.services import token_authenticate
from newsdesk.config.middleware import (
    DB_DOWN_ACTION,
    DB_DOWN_PAGE,
    database_unavailable,
    unavailable_response,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down() -> Callable[[], Any]:
    """``with database_down():`` every query fails as with the server gone."""

    def down() -> Any:
        refused = OperationalError("connection to server failed: Connection refused")
        return mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused)

    return down


def _assert_page(response: HttpResponse, sentence: str = DB_DOWN_PAGE) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert sentence in text
    assert "<title>Temporarily unavailable" in text
    assert "Traceback" not in text


def test_reader_page_is_a_503_page_with_the_sentence(client, article, database_down):
    url = article.get_absolute_url()
    with database_down():
        response = client.get(url)
    _assert_page(response)
    assert client.get(url).status_code == 200  # and back once it answers


def test_sign_in_is_a_503_page_and_the_form_needs_no_database(client, editor, database_down):
    with database_down():
        form = client.get("/desk/login/")
        sign_in = client.post(
            "/desk/login/", {"username": editor.username, "password": "pass-word-123"}
        )
    assert form.status_code == 200  # a first visit reads no session
    _assert_page(sign_in, DB_DOWN_ACTION)


def test_pages_reading_the_session_are_503_pages(client, editor, database_down):
    client.force_login(editor)
    with database_down():
        login = client.get("/desk/login/")
        admin = client.get("/admin/")
    _assert_page(login)
    _assert_page(admin)
    assert client.get("/admin/").status_code == 200


def test_api_paths_answer_in_the_api_error_format(client, live_story, database_down):
    with database_down():
        story = client.get(f"/api/stories/{live_story.pk}")
    assert story.status_code == 503
    assert story.json()["error"] == "unavailable"


def test_a_script_asking_for_json_gets_json(client, article, database_down):
    with database_down():
        response = client.get(article.get_absolute_url(), headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"error": "unavailable", "detail": DB_DOWN_PAGE}


def test_the_503_page_reads_nothing_from_the_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = unavailable_response(rf.get("/world/"))
    _assert_page(response)
    assert settings.STATIC_URL in response.content.decode()  # the site's stylesheet


def test_it_is_logged_once_at_error_with_the_traceback(client, article, database_down, caplog):
    with caplog.at_level(logging.INFO), database_down():
        client.get(article.get_absolute_url())
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].name == "newsdesk.request"
    assert f"GET {article.get_absolute_url()} answered 503" in errors[0].getMessage()
    assert errors[0].exc_info and isinstance(errors[0].exc_info[1], OperationalError)


class _ConnectionLostInMiddleware:
    """A middleware that finds the database gone before the view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raise InterfaceError("connection already closed")


@pytest.fixture
def failing_middleware() -> Iterator[None]:
    inner = [*settings.MIDDLEWARE, f"{__name__}._ConnectionLostInMiddleware"]
    with override_settings(MIDDLEWARE=inner):
        yield


def test_a_failure_inside_a_middleware_is_a_503_too(failing_middleware, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get("/")
    _assert_page(response)
    assert response["X-Frame-Options"] == "DENY"  # the inner middleware's headers are kept
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1  # django.request's, with the traceback
    assert errors[0].exc_info and isinstance(errors[0].exc_info[1], InterfaceError)


def _missing_table_error() -> Exception:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM newsdesk_no_such_table")
    except Exception as error:  # noqa: BLE001 - the backend's own class is the point
        return error
    raise AssertionError("the query did not fail")


def test_programming_errors_are_not_taken_for_an_outage():
    # SQLite reports a missing table as an OperationalError, PostgreSQL as a ProgrammingError.
    assert not database_unavailable(_missing_table_error())
    assert not database_unavailable(ProgrammingError("syntax error"))
    assert not database_unavailable(ValueError("no"))
    assert database_unavailable(OperationalError("database is locked"))
    assert database_unavailable(InterfaceError("connection already closed"))


def test_a_programming_error_stays_a_500(client, article):
    client.raise_request_exception = False
    broken = mock.patch(
        "newsdesk.pages.views.selectors.story_get_visible", side_effect=_missing_table_error()
    )
    with broken:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 500


def test_token_use_not_recorded_does_not_fail_the_call(editor, token_for, caplog):
    raw = token_for(editor)
    locked = OperationalError("database is locked")
    with (
        mock.patch.object(QuerySet, "update", side_effect=locked),
        caplog.at_level(logging.WARNING),
    ):
        user = token_authenticate(raw=raw)
    assert user == editor
    assert "Could not record the use of API token" in caplog.text
    assert ApiToken.objects.get(user=editor).last_used_at is None
    assert token_authenticate(raw=raw) == editor
    assert ApiToken.objects.get(user=editor).last_used_at is not None


def _sqlite_settings_in(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Load the settings in a fresh process on SQLite; print the busy timeouts it uses."""
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "connection.ensure_connection()\n"
        "print(connection.settings_dict['OPTIONS']['timeout'],"
        " connection.cursor().execute('PRAGMA busy_timeout').fetchone()[0])\n"
    )
    full_env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_DATABASE_URL"}
    full_env |= {"DJANGO_SETTINGS_MODULE": "newsdesk.config.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code], env=full_env, capture_output=True, text=True, check=False
    )


def test_sqlite_busy_timeout_is_a_setting(tmp_path):
    result = _sqlite_settings_in(
        {"NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_SQLITE_BUSY_TIMEOUT": "2.5"}
    )
    assert result.stdout.split() == ["2.5", "2500"], result.stderr


def test_a_busy_timeout_that_is_not_a_number_fails_at_start_up_and_says_how_to_fix_it(tmp_path):
    result = _sqlite_settings_in(
        {"NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_SQLITE_BUSY_TIMEOUT": "soon"}
    )
    assert result.returncode != 0
    assert (
        "NEWSDESK_SQLITE_BUSY_TIMEOUT is 'soon', which is not allowed: "
        "use a number of seconds (0 or more)." in result.stderr
    )
