"""The protocol ``newsdesk serve`` gives uvicorn: streams, then early answers, then the rest.

Each new connection meets :class:`~newsdesk.live.front.FrontProtocol` first,
which keeps stream requests; every other connection goes to
:class:`~newsdesk.config.uvicorn_compat.EarlyProtocol`, uvicorn's httptools
protocol with the runtime's early answers (cached pages, media files), which
hands the rest to the edge and Django.
"""

from __future__ import annotations

import os

import django
from django.apps import apps

# uvicorn imports its protocol class before the application, in each worker
# process; the modules below reach Django's models.
if not apps.ready:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.config.settings")
    django.setup()

from newsdesk.live.front import FrontProtocol  # noqa: E402

from .uvicorn_compat import EarlyProtocol  # noqa: E402


class Listener(FrontProtocol):
    next_protocol = EarlyProtocol
