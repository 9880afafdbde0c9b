"""ASGI entry point: the edge (streams, media, the page cache) in front of Django."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.config.settings")

from a2wsgi import WSGIMiddleware  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from newsdesk import conf  # noqa: E402
from newsdesk.config.bodies import ChunkedBodies  # noqa: E402

# A NEWSDESK_* value its setting does not allow stops the process here, under any
# ASGI server (`newsdesk serve` has said so before it got this far).
if _refused := conf.problems():
    raise conf.SettingError(" ".join(_refused))

# Django runs in its synchronous (WSGI) mode on a pool of threads: every view
# and middleware here is synchronous, so a request makes one hop from the
# event loop to a thread and back. Django's own ASGI handler hops between the
# loop and threads at each sync/async boundary of the middleware chain and
# makes a thread per request, about a fifth more CPU per request (measured
# with the API publish; docs/architecture.md).
django_application = WSGIMiddleware(get_wsgi_application(), workers=conf.get_int("DJANGO_THREADS"))
# WSGI reads a body by its Content-Length: a chunked one is read first and given one.
django_application = ChunkedBodies(
    django_application, limit=max(ChunkedBodies.LIMIT, conf.get_int("MEDIA_MAX_BYTES") + (1 << 20))
)

from newsdesk.live.edge import Edge  # noqa: E402

# The page cache is part of the process's runtime, built by the edge's lifespan.
application = Edge(django_application)
