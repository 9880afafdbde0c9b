from __future__ import annotations

from typing import Any

import pytest

from newsdesk.discovery.demo import demo_reading_history
from newsdesk.discovery.selectors import recommended_for, stories_most_read, stories_related
from newsdesk.engagement.models import Reaction, ReaderRead

pytestmark = pytest.mark.django_db


def test_demo_reading_history_fills_every_list(newsroom: dict[str, Any]) -> None:
    made = demo_reading_history(readers=40)
    assert made == ReaderRead.objects.count() > 40
    assert len(stories_most_read(limit=5)) == 5
    assert stories_related(story=newsroom["football"])
    assert Reaction.objects.exists()
    reader = ReaderRead.objects.values_list("reader", flat=True).first()
    assert recommended_for(reader=reader).personal
