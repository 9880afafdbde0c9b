"""The SSE encoder: pure, no Django, no database."""

from __future__ import annotations

import json

import pytest

from newsdesk.live import sse


def test_event_with_id_and_data_ends_with_a_blank_line():
    assert sse.encode(event="entry-published", id=7, data="hello") == (
        b"event: entry-published\nid: 7\ndata: hello\n\n"
    )


@pytest.mark.parametrize("text", ["one\ntwo\nthree", "one\r\ntwo\r\nthree", "one\rtwo\rthree"])
def test_multi_line_data_becomes_one_data_field_per_line(text):
    assert sse.encode(data=text) == b"data: one\ndata: two\ndata: three\n\n"


def test_empty_data_still_makes_a_data_field():
    assert sse.encode(data="") == b"data: \n\n"


@pytest.mark.parametrize("field", ["event", "id"])
@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\r\nid: 9"])
def test_line_breaks_in_single_line_fields_are_refused(field, bad):
    with pytest.raises(sse.EncodeError):
        sse.encode(data="x", **{field: bad})


def test_nul_in_id_is_refused():
    with pytest.raises(sse.EncodeError):
        sse.encode(data="x", id="1\x002")


def test_retry_is_encoded_and_must_be_a_non_negative_integer():
    assert sse.encode(retry=3000) == b"retry: 3000\n\n"
    for bad in (-1, True, 1.5):
        with pytest.raises(sse.EncodeError):
            sse.encode(retry=bad)


def test_comments_and_heartbeat_are_lines_starting_with_a_colon():
    assert sse.encode(comment="keep\nalive") == b": keep\n: alive\n\n"
    assert sse.heartbeat() == b":\n\n"


def test_message_without_fields_is_refused():
    with pytest.raises(sse.EncodeError):
        sse.encode()


def test_json_data_stays_on_one_line_and_round_trips():
    data = {"html": "<p>line one\nline two</p>", "headline": "Café \u2028 talks"}
    encoded = sse.encode_json(event="story-changed", data=data, id=3)

    lines = encoded.decode().split("\n")
    assert lines[:2] == ["event: story-changed", "id: 3"]
    assert lines[2].startswith("data: ")
    assert lines[3:] == ["", ""]
    assert json.loads(lines[2].removeprefix("data: ")) == data


def test_chunk_frames_payload_with_hex_length():
    assert sse.chunk(b"data: x\n\n") == b"9\r\ndata: x\n\n\r\n"


def test_encoder_module_does_not_import_django():
    import subprocess
    import sys

    code = "import sys, newsdesk.live.sse; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_decoder_reads_what_the_encoder_writes_in_any_split():
    from newsdesk.live.sse import Decoder

    stream = (
        sse.encode(retry=3000, comment="hello")
        + sse.encode_json(event="entry-published", data={"a": "x\ny"}, id=7)
        + sse.encode(data="one\ntwo")
        + sse.heartbeat()
    ).decode()
    for size in (1, 3, len(stream)):
        decoder = Decoder()
        events = []
        for start in range(0, len(stream), size):
            events += decoder.feed(stream[start : start + size])
        assert events == [
            ("entry-published", '{"a":"x\\ny"}', "7"),
            ("message", "one\ntwo", None),
        ]
        assert decoder.comments == 2
