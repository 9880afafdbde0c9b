"""docs/events.md documents every event kind."""

from pathlib import Path

import pytest

from newsdesk.live import kinds

DOC = Path(__file__).resolve().parents[3] / "docs" / "events.md"


@pytest.mark.parametrize("kind", [*kinds.LOGGED, *kinds.STREAM_ONLY])
def test_every_event_kind_is_documented(kind):
    assert f"| `{kind}` |" in DOC.read_text()
