"""Malformed ``after`` and ``Last-Event-ID`` values, sent over a real socket.

A bad ``?after=`` is the caller's mistake: a JSON 400 (the stream and the
delta alike). A bad ``Last-Event-ID`` was made up by a browser from an earlier
stream, so the stream answers with a ``reset`` event (the page reloads).
Neither is ever a 500. The basic cases (``after=soon``, ``Last-Event-ID: x1``)
are in ``newsdesk/live/tests/test_stream.py``; these are the strange ones.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from conftest import run_coroutine

from .conftest import AsyncSse, Event, StreamClosed

pytestmark = pytest.mark.django_db(transaction=True)

BAD_AFTER = [
    "abc",
    "-1",
    "1e3",
    "1.0",
    "%2B1",  # +1
    "%201",  # a leading space
    "0x10",
    "",
    "1%002",  # NUL inside
    "%00",
    "%D9%A1",  # ARABIC-INDIC DIGIT ONE: a digit to str.isdigit, not to the log
    "9" * 19,  # past a 64-bit sequence number
    "9" * 4000,
    "1&after=2",  # repeated
    "1&after=1",
]
BAD_LAST_EVENT_ID = [
    b"abc",
    b"-1",
    b"1e3",
    b"1.5",
    b"+1",
    b"0x10",
    b"9" * 19,
    b"9" * 10_240,  # a 10 KB header
    b"\xff\xfe",  # not UTF-8
    b"\xd9\xa1",  # ARABIC-INDIC DIGIT ONE in UTF-8
    b"1 2",
    b"1,2",
]


async def _answer(origin: str, path: str, headers: dict[str, str] | None = None) -> tuple:
    """(status, JSON body or None, events until the stream ended)."""
    stream = await AsyncSse.open(origin, path, headers)
    try:
        if stream.body or stream.status != 200:
            return stream.status, json.loads(stream.body), []
        events = []
        try:
            while True:
                # A stream that stays open was taken as a valid position.
                events.append(await asyncio.wait_for(stream.next_event(), 10))
        except StreamClosed as closed:
            assert closed.clean, f"{path}: the stream broke instead of ending"
        except TimeoutError:
            events.append(Event("still open", "null", None))
        return stream.status, None, [(e.kind, e.json()) for e in events]
    finally:
        stream.close()


def test_malformed_after_is_a_json_400_on_the_stream_and_the_delta(server, live_story, publish):
    publish(live_story, "An entry, so the log is not empty.")
    stream_path = live_story.get_events_url()
    delta_path = f"/api/stories/{live_story.pk}/events"

    async def run() -> dict[str, tuple]:
        answers = {}
        for value in BAD_AFTER:
            for name, path in [("stream", stream_path), ("delta", delta_path)]:
                answers[f"{name} after={value[:20]}"] = await _answer(
                    server.url, f"{path}?after={value}"
                )
        return answers

    answers = run_coroutine(run())

    wrong = {
        case: answer
        for case, answer in answers.items()
        if answer[0] != 400 or answer[1]["error"] != "invalid" or not answer[1]["detail"]
    }
    assert wrong == {}
    assert len(answers) == 2 * len(BAD_AFTER)
    assert "Traceback" not in server.output()


def test_malformed_last_event_id_gets_a_reset_event_and_the_stream_ends(
    server, live_story, publish
):
    publish(live_story, "An entry, so the log is not empty.")
    path = live_story.get_events_url()

    async def run() -> dict[bytes, tuple]:
        answers = {}
        for value in BAD_LAST_EVENT_ID:
            header = {"Last-Event-ID": value.decode("latin-1")}
            answers[value[:20]] = await _answer(server.url, path, header)
        # A malformed header wins over a good ?after=: the browser's own
        # position is what it would resume from.
        answers[b"abc with after=0"] = await _answer(
            server.url, f"{path}?after=0", {"Last-Event-ID": "abc"}
        )
        return answers

    answers = run_coroutine(run())

    reset = (200, None, [("reset", {"reason": "invalid"})])
    assert {value: answer for value, answer in answers.items() if answer != reset} == {}
    assert "Traceback" not in server.output()


def test_numbers_past_the_head_are_a_reset_not_an_error(server, live_story, publish):
    publish(live_story, "An entry, so the log is not empty.")
    path = live_story.get_events_url()
    largest = "9" * 18

    async def run() -> list[tuple]:
        return [
            await _answer(server.url, f"{path}?after={largest}"),
            await _answer(server.url, path, {"Last-Event-ID": largest}),
            await _answer(server.url, f"/api/stories/{live_story.pk}/events?after={largest}"),
        ]

    stream_after, stream_header, delta = run_coroutine(run())

    assert stream_after == stream_header == (200, None, [("reset", {"reason": "ahead"})])
    assert delta[0] == 200


def test_a_control_character_in_last_event_id_is_a_400_as_on_every_other_path(server, live_story):
    """Field values cannot hold them (RFC 9110, section 5.5): the request is malformed
    HTTP, refused by the HTTP parser before any position is read."""

    async def ask(control: bytes) -> bytes:
        host, port = server.url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(
            f"GET {live_story.get_events_url()} HTTP/1.1\r\nHost: {host}\r\n".encode()
            + b"Last-Event-ID: 1"
            + control
            + b"2\r\n\r\n"
        )
        answer = b""
        try:
            # Until the server ends the answer (a reset would close the stream).
            while chunk := await asyncio.wait_for(reader.read(65536), 10):
                answer += chunk
                if answer.endswith(b"\r\n0\r\n\r\n") or b"content-length" in answer.lower():
                    break
        finally:
            writer.close()
        return answer

    async def run() -> dict[bytes, bytes]:
        return {control: await ask(control) for control in [b"\x00", b"\x01", b"\x0b", b"\x7f"]}

    answers = run_coroutine(run())

    assert {c: a[:12] for c, a in answers.items() if not a.startswith(b"HTTP/1.1 400 ")} == {}
    assert not [a for a in answers.values() if b"event:" in a]


@pytest.mark.parametrize("query", ["before=%2B1", "before=1.0", "limit=%205", "limit=5&limit=6"])
def test_entry_paging_numbers_must_be_plain_digits_given_once(api, live_story, query):
    response = api.client.get(f"/api/stories/{live_story.pk}/entries?{query}")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert "parameter must be" in response.json()["detail"]
