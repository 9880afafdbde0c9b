"""Reads of embed snapshots for the desk."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from . import providers
from .models import Embed

# The marker the card template puts on a link card (embeds/card.html). Entry
# bodies cannot carry it otherwise: the sanitiser drops every data- attribute.
_FAILED_CARD = re.compile(r'data-embed-id="(\d+)" data-embed-status="failed"')


def embeds_failed_attach(*, entries: Iterable[Any]) -> None:
    """Set ``desk_failed_embeds`` on each entry: the embeds it shows as a plain link.

    One query for all the entries; each embed gets ``label``, its provider's name for people.
    """
    entries = list(entries)
    wanted = {
        entry.pk: [int(i) for i in _FAILED_CARD.findall(entry.body_html)] for entry in entries
    }
    ids = {i for found in wanted.values() for i in found}
    embeds = {e.pk: e for e in Embed.objects.filter(pk__in=ids)} if ids else {}
    for embed in embeds.values():
        provider = providers.BY_NAME.get(embed.provider)
        embed.label = provider.label if provider else "The provider"
    for entry in entries:
        found = dict.fromkeys(wanted[entry.pk])
        entry.desk_failed_embeds = [embeds[i] for i in found if i in embeds]
