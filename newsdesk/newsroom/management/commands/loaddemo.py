"""``newsdesk loaddemo``: load the demo newsroom, once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the demo newsroom: sections, journalists, a running and an ended live story, "
        "and articles. Does nothing when the demo is already loaded."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from newsdesk.newsroom.demo import demo_load

        demo_load(stdout=self.stdout)
