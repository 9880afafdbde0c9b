from django.core.management.base import BaseCommand

from newsdesk.engagement.services import reads_flush


class Command(BaseCommand):
    help = "Write buffered reads (counts, history, Ranking scores) to the database now."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        written = reads_flush()
        self.stdout.write(f"{written} reads written.")
