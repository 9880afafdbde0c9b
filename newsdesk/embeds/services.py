"""Embeds in entries: snapshots taken when an entry is published, cards rendered from them.

``entry_body_render`` is what the newsroom services call for an entry's body:
pasted embed codes become URLs (``snippets``), Markdown renders and is
sanitised (``newsroom.rendering``), and each provider's link alone on its line
becomes a card built from the stored snapshot (``Embed``), asking the provider
first when there is none. The reader's page then needs nothing from the
provider until the reader asks for the frame (``static/embeds/embeds.js``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from newsdesk import conf
from newsdesk.media.services import media_create
from newsdesk.media.templatetags.media import SIZES_COLUMN
from newsdesk.newsroom.errors import NewsroomError, PermissionDenied
from newsdesk.newsroom.permissions import can_edit_entry, can_post_in
from newsdesk.newsroom.rendering import markdown_to_html

from . import oembed, providers, snippets
from .models import Embed

logger = logging.getLogger(__name__)

# A provider that failed is asked again on the next publish or correction after this.
RETRY_AFTER = timedelta(minutes=1)


def mastodon_hosts() -> frozenset[str]:
    """The Mastodon servers whose posts become embeds (``NEWSDESK_EMBED_MASTODON_HOSTS``)."""
    return providers.mastodon_hosts_parse(conf.get("EMBED_MASTODON_HOSTS"))


def fetching() -> oembed.Fetching:
    """Where and how providers are asked, from the settings."""
    return oembed.Fetching(
        endpoints=oembed.endpoints_parse(conf.get("OEMBED_ENDPOINTS")),
        mastodon_hosts=mastodon_hosts(),
        timeout=conf.get_float("OEMBED_TIMEOUT_SECONDS"),
        max_bytes=conf.get_int("OEMBED_MAX_BYTES"),
        thumbnail_max_bytes=conf.get_int("EMBED_THUMBNAIL_MAX_BYTES"),
    )


def _stale(embed: Embed | None, now: Any) -> bool:
    if embed is None:
        return True
    if embed.status == Embed.Status.OK:
        return False
    return embed.fetched_at is None or now - embed.fetched_at >= RETRY_AFTER


def _store(match: providers.Match, snapshot: oembed.Snapshot, current: Embed | None) -> Embed:
    """Write one snapshot; a failure never replaces a snapshot that worked."""
    now = timezone.now()
    if not snapshot.ok and current is not None and current.status == Embed.Status.OK:
        return current
    fields: dict[str, Any] = {
        "provider": match.provider.name,
        "status": Embed.Status.OK if snapshot.ok else Embed.Status.FAILED,
        "title": snapshot.title,
        "author_name": snapshot.author_name,
        "author_url": snapshot.author_url,
        "text": snapshot.text,
        "frame_url": snapshot.frame_url,
        "width": snapshot.width,
        "height": snapshot.height,
        "fetched_at": now,
        "failure": snapshot.failure[:300],
    }
    if not snapshot.ok:
        logger.info("Embed of %s failed: %s", match.url, snapshot.failure)
    try:
        with transaction.atomic():
            fields["thumbnail"] = _thumbnail(match, snapshot.thumbnail)
            embed, _created = Embed.objects.update_or_create(url=match.url, defaults=fields)
    except IntegrityError:
        # Another publish stored the same URL in between: theirs is as good.
        embed = Embed.objects.get(url=match.url)
    return embed


def _thumbnail(match: providers.Match, data: bytes) -> Any:
    """The provider's thumbnail through the photo pipeline, or None when it is not a picture."""
    if not data:
        return None
    try:
        # Decorative: the card's words say what it is; out of the photo library.
        return media_create(
            data=data, filename=f"{match.provider.name}-thumbnail", decorative=True, library=False
        )
    except NewsroomError as error:
        logger.info("Thumbnail of %s left out: %s", match.url, error.detail)
        return None


def embeds_resolve(*, urls: Sequence[str], force: bool = False) -> dict[str, Embed]:
    """A snapshot for each canonical URL: the stored one, else the provider's answer now.

    Providers are asked side by side within ``NEWSDESK_EMBED_BUDGET_SECONDS`` in all;
    one that does not answer in time, or answers badly, gets a failed snapshot.
    """
    settings = fetching()
    matches = {}
    for url in dict.fromkeys(urls):
        match = providers.provider_match(url, mastodon_hosts=settings.mastodon_hosts)
        if match is not None:
            matches[match.url] = match
    stored = {
        e.url: e for e in Embed.objects.filter(url__in=list(matches)).select_related("thumbnail")
    }
    now = timezone.now()
    wanted = [m for url, m in matches.items() if force or _stale(stored.get(url), now)]
    snapshots = oembed.snapshots_take(
        wanted, fetching=settings, budget=conf.get_float("EMBED_BUDGET_SECONDS")
    )
    for match in wanted:
        stored[match.url] = _store(match, snapshots[match.url], stored.get(match.url))
    return stored


def embed_resolve(*, url: str) -> Embed | None:
    """The snapshot of one provider URL (taken now if there is none); None for other URLs."""
    match = providers.provider_match(url, mastodon_hosts=mastodon_hosts())
    if match is None:
        return None
    return embeds_resolve(urls=[match.url]).get(match.url)


def embed_refresh(*, embed: Embed) -> Embed:
    """Ask the provider again ("try again"); a failure keeps a snapshot that worked."""
    return embeds_resolve(urls=[embed.url], force=True).get(embed.url, embed)


# --- cards ------------------------------------------------------------------------


def embed_card(*, embed: Embed) -> str:
    """The card's HTML: the snapshot, and the provider's frame one click away."""
    hosts = mastodon_hosts()
    match = providers.provider_match(embed.url, mastodon_hosts=hosts)
    context: dict[str, Any] = {"embed": embed, "url": embed.url}
    if match is None or embed.status != Embed.Status.OK:
        label = match.provider.label if match else ""
        context.update(failed=True, label=label, provider=match.provider.name if match else "")
        return render_to_string("embeds/card.html", context)
    box = match.box
    if match.kind == "video" and box.ratio == "16x9":
        box = providers.box_for(embed.width, embed.height, default=box)
    frame = embed.frame_url or match.frame_url
    if not providers.frame_allowed(frame, mastodon_hosts=hosts):
        frame = ""
    title = embed.title or match.title
    sizes = {
        "post": "(min-width: 36rem) 34rem, calc(100vw - 2rem)",
        "audio": "(min-width: 36rem) 34rem, calc(100vw - 2rem)",
    }.get(match.kind, "(min-width: 22rem) 20rem, calc(100vw - 2rem)" if box.tall else SIZES_COLUMN)
    context.update(
        thumbnail=embed.thumbnail,
        sizes=sizes,
        failed=False,
        provider=match.provider.name,
        label=match.provider.label,
        kind=match.kind,
        action=match.action,
        frame_url=frame,
        box_class=box.css_class,
        tall=box.tall,
        title=title,
        frame_title=title or f"{match.provider.label} {match.kind}",
    )
    return render_to_string("embeds/card.html", context)


@dataclass
class _EntryEmbeds:
    """The Markdown step's embed hook (``newsroom.rendering.EmbedHook``)."""

    hosts: frozenset[str]

    def match(self, url: str) -> str | None:
        found = providers.provider_match(url, mastodon_hosts=self.hosts)
        return found.url if found else None

    def cards(self, urls: Sequence[str]) -> Mapping[str, str]:
        embeds = embeds_resolve(urls=urls)
        return {url: embed_card(embed=embeds[url]) for url in urls}


def entry_body_render(*, body: str) -> str:
    """An entry's Markdown as sanitised HTML, each provider link alone on its line a card."""
    hosts = mastodon_hosts()
    text = snippets.snippets_replace(body, mastodon_hosts=hosts)
    return markdown_to_html(text, embeds=_EntryEmbeds(hosts=hosts))


# --- "try again" from the desk --------------------------------------------------------


def embed_retry(*, embed: Embed, story: Any, actor: Any) -> list[Any]:
    """Ask the provider again, then re-render the story's entries that show this embed.

    Each entry goes through ``newsroom.services.entry_correct`` (the body is
    unchanged, so it is not marked as corrected), so open pages get the new card
    through the event log as ``entry-corrected``. Entries the actor may not edit
    keep their card until someone who may tries again.
    """
    # Imported here: newsroom.services renders entry bodies with this module.
    from newsdesk.newsroom import services as newsroom_services
    from newsdesk.newsroom.models import Entry

    if not can_post_in(actor, story):
        raise PermissionDenied("You are not assigned to this story, so you cannot work on it.")
    embed = embed_refresh(embed=embed)
    marker = f'data-embed-id="{embed.pk}"'
    entries = (
        Entry.objects.visible()
        .filter(story=story, body_html__contains=marker)
        .select_related("story", "author__journalist")
    )
    done = []
    for entry in entries:
        if can_edit_entry(actor, entry):
            done.append(
                newsroom_services.entry_correct(
                    entry=entry, actor=actor, version=None, body=entry.body
                )
            )
    return done
