"""ASGI entry point: the edge, then the page cache, in front of Django."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.config.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_application = get_asgi_application()

from newsdesk.live.edge import Edge  # noqa: E402
from newsdesk.pages.edgecache import PageCache  # noqa: E402

application = Edge(PageCache(django_application))
