"""The configured reaction kinds (``NEWSDESK_REACTIONS``)."""

from __future__ import annotations

import re

from newsdesk import conf

_KIND = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


def reaction_kinds_parse(value: str) -> list[tuple[str, str]]:
    """Parse ``kind:Label,kind:Label``; raise ValueError with a sentence when malformed."""
    kinds: list[tuple[str, str]] = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        kind, sep, label = item.partition(":")
        kind, label = kind.strip(), label.strip()
        if not sep or not label:
            raise ValueError(f"Reaction {item!r} needs a label: write it as kind:Label.")
        if not _KIND.match(kind):
            raise ValueError(
                f"Reaction kind {kind!r} must be lowercase letters, digits and dashes (at most 32)."
            )
        if any(kind == known for known, _ in kinds):
            raise ValueError(f"Reaction kind {kind!r} is listed twice.")
        kinds.append((kind, label))
    if not kinds:
        raise ValueError("At least one reaction kind is needed.")
    return kinds


def reaction_kinds() -> list[tuple[str, str]]:
    """The reaction kinds and labels, in display order."""
    return list(conf.value("REACTIONS"))
