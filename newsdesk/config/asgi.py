"""ASGI entry point: the edge in front of Django."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.config.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_application = get_asgi_application()

from newsdesk.live.edge import Edge  # noqa: E402

application = Edge(django_application)
