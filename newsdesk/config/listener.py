"""The protocol ``newsdesk serve`` gives uvicorn: streams, then cached pages, then the rest.

Each new connection meets :class:`~newsdesk.live.front.FrontProtocol` first,
which keeps stream requests; every other connection goes to the page
cache's :class:`~newsdesk.pages.edgecache.PageProtocol`, which answers fresh
cached pages from uvicorn's parser and hands the rest to the edge and Django.
"""

from __future__ import annotations

from newsdesk.live.front import FrontProtocol
from newsdesk.pages.edgecache import PageProtocol


class Listener(FrontProtocol):
    next_protocol = PageProtocol
