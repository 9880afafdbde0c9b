from django.core.management.base import BaseCommand

from newsdesk.discovery.services import related_refresh


class Command(BaseCommand):
    help = "Recompute every story's Related list now."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        count = related_refresh()
        self.stdout.write(f"Related lists recomputed for {count} stories.")
