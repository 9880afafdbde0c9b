"""``newsdesk loaddemo``: load the demo newsroom, once."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the demo newsroom: sections, journalists, a running and an ended live story, "
        "and articles. Does nothing when the demo is already loaded."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from newsdesk.newsroom.demo import demo_load

        # One summary, not a log line per published entry.
        services_log = logging.getLogger("newsdesk.newsroom.services")
        level = services_log.level
        services_log.setLevel(logging.WARNING)
        try:
            demo_load(stdout=self.stdout)
        finally:
            services_log.setLevel(level)
