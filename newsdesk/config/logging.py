"""Log configuration shared by Django (``settings.LOGGING``) and uvicorn (``log_config``).

``NEWSDESK_LOG_FORMAT`` picks the line format: ``text`` for a person at a
terminal, ``json`` (one object per line) for a log collector. Unset, it is
``json`` when ``NEWSDESK_PRODUCTION`` is on and ``text`` otherwise. Every
logger, uvicorn's included, propagates to one handler on the root logger, so a
process writes one format to standard error.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

from newsdesk import conf

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

# uvicorn repeats its message with terminal colours in this extra.
_NOT_FIELDS = [*RESERVED_ATTRS, "color_message", "taskName"]


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per record: time (ISO 8601, UTC), level, logger, message,
    ``exc_info`` with the traceback when there is one, then the record's ``extra`` fields.
    """

    def __init__(self) -> None:
        super().__init__(
            "{levelname}{name}{message}",
            style="{",
            rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
            reserved_attrs=_NOT_FIELDS,
        )

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        log_data["time"] = (
            datetime.fromtimestamp(record.created, tz=UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z")
        )
        super().add_fields(log_data, record, message_dict)


def log_format() -> str:
    """``text`` or ``json``, from ``NEWSDESK_LOG_FORMAT`` (see the module docstring)."""
    value = conf.get_str("LOG_FORMAT")
    if not value:
        return "json" if conf.get_bool("PRODUCTION") else "text"
    return value


def logging_config() -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dictionary for this process (a new one each call)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "text": {"format": TEXT_FORMAT},
            "json": {"()": "newsdesk.config.logging.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format(),
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["console"], "level": conf.get_str("LOG_LEVEL")},
        "loggers": {
            # uvicorn's own loggers carry handlers of their own unless told otherwise.
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            # Off, as `newsdesk serve` asks (access_log=False): Django requests have their
            # own log line (newsdesk.config.middleware) and streams would flood it.
            "uvicorn.access": {"handlers": [], "propagate": False},
            "django.request": {"level": "ERROR"},
            # Failed sign-ins and lockouts (WARNING) stay; the start-up banner goes.
            "axes.apps": {"level": "WARNING"},
        },
    }
