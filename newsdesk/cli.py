"""The ``newsdesk`` command: demo, serve, migrate, loaddemo, createeditor.

``migrate``, ``loaddemo`` and ``createeditor`` are Django management commands;
``serve`` and ``demo`` run uvicorn with the ASGI edge in front of Django.
Anything else is handed to Django's ``manage.py`` (``newsdesk shell``...).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys

from newsdesk import conf

DEMO_USERNAME = "editor"
DEMO_PASSWORD = "newsdesk-demo"


def _settings_refused() -> bool:
    """Print why, and return True, when a ``NEWSDESK_*`` value is not allowed."""
    found = conf.problems()
    for sentence in found:
        print(f"newsdesk: {sentence}", file=sys.stderr)
    if found:
        print(
            "newsdesk: nothing was started; docs/configuration.md lists every setting.",
            file=sys.stderr,
        )
    return bool(found)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.config.settings")
    import django

    django.setup()


def _raise_file_limit() -> int:
    """Raise the soft limit on open files to the hard limit: every stream is a socket."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            return soft
        return hard
    return soft


def _serve(host: str, port: int, workers: int, *, reload: bool = False) -> None:
    import uvicorn

    from newsdesk.config.listener import Listener
    from newsdesk.config.logging import logging_config
    from newsdesk.config.uvicorn_compat import compat_check

    compat_check()  # a uvicorn outside the tested range fails here, before listening
    _raise_file_limit()
    uvicorn.run(
        "newsdesk.config.asgi:application",
        host=host,
        port=port,
        workers=workers if workers > 1 else None,
        lifespan="on",
        # Streams, cached pages and media files are answered on the same port
        # before any ASGI request exists; every other request goes on to the
        # edge and Django. The class itself, not an import string: uvicorn
        # before 0.36 takes only its own protocol names as strings.
        http=Listener,
        # The peer stays the socket's own: whom to believe about the client's
        # address is decided in one place, by NEWSDESK_PROXY_HOPS (newsdesk.proxies).
        proxy_headers=False,
        log_config=logging_config(),
        log_level=conf.get_str("LOG_LEVEL").lower(),
        access_log=False,
        timeout_graceful_shutdown=5,
        reload=reload,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import call_command

    call_command("check", deploy=False, fail_level="ERROR")
    _serve(args.host, args.port, args.workers)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    os.environ.setdefault("NEWSDESK_DEBUG", "0")
    if os.environ.get("NEWSDESK_DATABASE_URL"):
        print("newsdesk demo uses SQLite in the data directory; ignoring NEWSDESK_DATABASE_URL.")
        del os.environ["NEWSDESK_DATABASE_URL"]
    _setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("loaddemo", verbosity=1)
    from newsdesk.newsroom.selectors import story_list_live_now

    base = f"http://{args.host if args.host != '0.0.0.0' else '127.0.0.1'}:{args.port}"
    live = story_list_live_now(limit=1)
    print()
    print(f"  Newsdesk demo newsroom at {base}/")
    if live:
        print(f"  Live story:  {base}{live[0].get_absolute_url()}")
    print(f"  Desk:        {base}/desk/   (user {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r})")
    print(f"  Admin:       {base}/admin/")
    print(f"  API:         {base}/api/docs  (schema at {base}/api/openapi.json)")
    print()
    sys.stdout.flush()
    _serve(args.host, args.port, 1)
    return 0


def _management(name: str, argv: list[str]) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["newsdesk", name, *argv])
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="newsdesk", description="Newsdesk: live-news publishing platform."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="migrate, load the demo newsroom once, print URLs, serve")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="production server (uvicorn, the edge and Django)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="processes sharing the port")
    serve.set_defaults(func=cmd_serve)

    for name, text in [
        ("migrate", "create or upgrade the database tables"),
        ("loaddemo", "load the demo newsroom (once)"),
        ("createeditor", "create a newsroom user: USERNAME [--role editor|reporter] [--token]"),
        ("flushreads", "write the buffered reads to the database now"),
        ("relatedrefresh", "recompute every story's Related list"),
    ]:
        sub.add_parser(name, help=text, add_help=False)

    if not argv or argv[0] in {"-h", "--help"}:
        parser.print_help()
        return 0 if argv else 2
    if argv[0] in {"demo", "serve"}:
        args = parser.parse_args(argv)
        if _settings_refused():
            return 2
        return int(args.func(args))
    if _settings_refused():
        return 2
    return _management(argv[0], argv[1:])


if __name__ == "__main__":
    sys.exit(main())
