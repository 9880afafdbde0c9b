"""Fuzz every API operation from ``/api/openapi.json`` with schemathesis.

Each operation gets valid (positive) and invalid (negative) generated requests,
with no token and with an editor's token, sometimes aimed at a real story and
entry. Whatever comes in, the answer is never a 5xx, and every 4xx is the API's
JSON error (``{"error": code, "detail": sentence}``). ``NEWSDESK_FUZZ_EXAMPLES``
raises the number of examples per operation for a longer run (``make fuzz``).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from .conftest import Newsroom

EXAMPLES = int(os.environ.get("NEWSDESK_FUZZ_EXAMPLES", "25"))
# Codes a 4xx may carry (newsdesk/api/errors.py, engagement's reactions).
ERROR_CODES = {
    "invalid",
    "unauthorized",
    "forbidden",
    "not_found",
    "method_not_allowed",
    "conflict",
    "too_large",
    "unsupported_media_type",
    "rate_limited",
}


def _schema() -> Any:
    return schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


def _operations() -> list[Any]:
    return [
        pytest.param(result.ok().label, id=result.ok().label)
        for result in _schema().get_all_operations()
    ]


def test_the_fuzzer_reaches_every_api_operation() -> None:
    """The schema the operations come from is the API's own: nothing may drop out unseen."""
    labels = {param.values[0] for param in _operations()}
    assert {
        "GET /api/sections",
        "POST /api/stories",
        "PATCH /api/stories/{story_id}/entries/{entry_id}",
        "POST /api/stories/{story_id}/reactions",
    } <= labels
    assert len(labels) >= 16


def check_answer(case: Any, response: Any) -> None:
    status = response.status_code
    where = f"{case.method} {case.formatted_path} -> {status}: {response.text[:300]}"
    assert status < 500, where
    if 400 <= status < 500:
        headers = {name.lower(): value for name, value in response.headers.items()}
        assert headers["content-type"][0].startswith("application/json"), where
        body = response.json()
        assert set(body) == {"error", "detail"}, where
        assert body["error"] in ERROR_CODES, where
        assert isinstance(body["detail"], str) and body["detail"].strip(), where


@pytest.fixture
def keep_connection() -> Any:
    """As Django's test client does: the test's transaction outlives each WSGI request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock():
        return _schema()


@pytest.mark.slow
@pytest.mark.parametrize("auth", ["anonymous", "editor"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", _operations())
def test_operation_never_answers_5xx_and_4xx_is_the_error_format(
    schema: Any,
    keep_connection: None,
    newsroom: Newsroom,
    label: str,
    auth: str,
    mode: GenerationMode,
) -> None:
    operation = schema.find_operation_by_label(label)
    token = newsroom.tokens["editor"] if auth == "editor" else None
    real_ids = {
        "story_id": newsroom.story.pk,
        "entry_id": newsroom.editor_entry.pk,
    }
    calls = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), aim=st.booleans())
    def run(case: Any, aim: bool) -> None:
        if aim and case.path_parameters:
            for name in case.path_parameters:
                if name in real_ids:
                    case.path_parameters[name] = real_ids[name]
        headers = dict(case.headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        else:
            headers.pop("Authorization", None)
        case.headers = headers
        response = case.call()
        calls.append(response.status_code)
        check_answer(case, response)

    run()
    assert calls
