"""Every write to the photo library: upload, describe, replace, delete.

A photo's file is processed (``processing.image_process``) and its renditions
written to storage before its row exists, so a refused or failed upload
leaves no row behind; rendition names are content-addressed, so a file left
over by a failure is never served for anything else. Changing or replacing a
photo that entries show re-renders those entries through the newsroom
services, so open pages get the change through the story's event log.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from newsdesk import conf
from newsdesk.newsroom.characters import character_refused, newlines_normalise
from newsdesk.newsroom.errors import ConflictError, PermissionDenied, ValidationError
from newsdesk.newsroom.permissions import is_editor, is_newsroom

from . import limits, processing
from .errors import TooLarge, Unsupported
from .models import Media

logger = logging.getLogger(__name__)

# Decoding and encoding a phone photo takes about a second of one core and
# some tens of megabytes: at most this many at once per process, so a burst
# of uploads queues instead of exhausting memory.
_PROCESSING = threading.BoundedSemaphore(2)


def media_widths() -> list[int]:
    """The configured rendition widths."""
    return [int(w) for w in conf.get("MEDIA_WIDTHS").split(",") if w.strip()]


def media_limits() -> tuple[int, int]:
    """``(max_bytes, max_pixels)`` of an upload."""
    max_pixels = min(conf.get_int("MEDIA_MAX_PIXELS"), processing.PILLOW_PIXEL_CEILING - 1)
    return conf.get_int("MEDIA_MAX_BYTES"), max_pixels


def _clean_text(value: Any, *, field: str, max_length: int) -> str:
    """Checked text: the characters every newsroom field may hold (``newsroom.characters``)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"The {field} must be text.", field=field)
    value = newlines_normalise(value).strip()
    refused = character_refused(value, multiline=field == "caption")
    if refused:
        raise ValidationError(f"The {field} {refused}", field=field)
    if len(value) > max_length:
        raise ValidationError(
            f"The {field} is {len(value):,} characters long; the limit is {max_length:,}.",
            field=field,
        )
    return value


def filename_clean(name: str) -> str:
    """The last part of an uploaded file's name, for people only (never a storage path)."""
    base = os.path.basename(name.replace("\\", "/")).replace("\x00", "").strip()
    return base[-limits.FILENAME_MAX :]


def rendition_name(rendition: processing.Rendition) -> str:
    """``ab/ab12...-800.webp``: the name is the content's digest, so its URL never changes meaning."""
    digest = hashlib.sha256(rendition.data).hexdigest()
    return f"{digest[:2]}/{digest[:32]}-{rendition.width}.{rendition.extension}"


def _store(processed: processing.Processed) -> list[dict[str, Any]]:
    stored = []
    for rendition in processed.renditions:
        name = rendition_name(rendition)
        if not default_storage.exists(name):
            saved = default_storage.save(name, ContentFile(rendition.data))
            if saved != name:  # a storage that renamed it would break the content address
                raise RuntimeError(f"Storage saved {name!r} as {saved!r}")
        stored.append(
            {
                "name": name,
                "width": rendition.width,
                "height": rendition.height,
                "format": rendition.format,
                "bytes": len(rendition.data),
            }
        )
    return stored


def _process(data: bytes) -> processing.Processed:
    max_bytes, max_pixels = media_limits()
    if len(data) > max_bytes:
        raise TooLarge(processing.too_big(len(data), max_bytes), field="file")
    with _PROCESSING:
        try:
            return processing.image_process(
                data, widths=media_widths(), max_pixels=max_pixels, max_bytes=max_bytes
            )
        except processing.Refused as error:
            refusal = {"unsupported": Unsupported, "too_large": TooLarge}.get(
                error.kind, ValidationError
            )
            raise refusal(str(error), field="file") from error


def media_create(
    *,
    data: bytes,
    filename: str = "",
    alt: str = "",
    caption: str = "",
    credit: str = "",
    decorative: bool = False,
    actor: Any = None,
    library: bool = True,
) -> Media:
    """Process and store a photo; ``library=False`` for embed thumbnails (no actor needed)."""
    if library and not is_newsroom(actor):
        raise PermissionDenied("Only the newsroom can upload photos.")
    alt = _clean_text(alt, field="alt text", max_length=limits.ALT_MAX)
    caption = _clean_text(caption, field="caption", max_length=limits.CAPTION_MAX)
    credit = _clean_text(credit, field="credit", max_length=limits.CREDIT_MAX)
    processed = _process(data)
    renditions = _store(processed)
    now = timezone.now()
    media = Media.objects.create(
        kind=Media.Kind.PHOTO if library else Media.Kind.THUMBNAIL,
        width=processed.width,
        height=processed.height,
        source_format=processed.source_format,
        source_bytes=len(data),
        renditions=renditions,
        filename=filename_clean(filename),
        alt=alt,
        decorative=bool(decorative),
        caption=caption,
        credit=credit,
        created_by=actor if is_newsroom(actor) else None,
        created_at=now,
        updated_at=now,
    )
    logger.info(
        "Photo %s stored: %sx%s from %s bytes of %s, %s renditions",
        media.pk,
        media.width,
        media.height,
        len(data),
        processed.source_format,
        len(renditions),
        extra={"media": media.pk},
    )
    return media


def can_change_media(user: Any, media: Media) -> bool:
    """Editors any photo; everyone else in the newsroom the photos they uploaded."""
    return is_editor(user) or (is_newsroom(user) and media.created_by_id == user.pk)


def media_update(
    *,
    media: Media,
    actor: Any,
    version: int | None = None,
    alt: str | None = None,
    caption: str | None = None,
    credit: str | None = None,
    decorative: bool | None = None,
    data: bytes | None = None,
    filename: str | None = None,
) -> Media:
    """Describe a photo again, or replace its file; entries showing it change on open pages."""
    if not can_change_media(actor, media):
        raise PermissionDenied("Only editors, or whoever uploaded it, can change this photo.")
    changes: dict[str, Any] = {}
    if alt is not None:
        changes["alt"] = _clean_text(alt, field="alt text", max_length=limits.ALT_MAX)
    if caption is not None:
        changes["caption"] = _clean_text(caption, field="caption", max_length=limits.CAPTION_MAX)
    if credit is not None:
        changes["credit"] = _clean_text(credit, field="credit", max_length=limits.CREDIT_MAX)
    if decorative is not None:
        changes["decorative"] = bool(decorative)
    if data is not None:
        processed = _process(data)
        changes.update(
            renditions=_store(processed),
            width=processed.width,
            height=processed.height,
            source_format=processed.source_format,
            source_bytes=len(data),
        )
        if filename is not None:
            changes["filename"] = filename_clean(filename)
    from newsdesk.newsroom.services import entries_media_changed

    with transaction.atomic():
        locked = Media.objects.select_for_update().get(pk=media.pk)
        if version is not None and version != locked.version:
            raise ConflictError(
                "Someone else changed this photo since you opened it "
                f"(you had version {version}, it is now {locked.version}). "
                "Reload, then make your change again."
            )
        changed = {f: v for f, v in changes.items() if getattr(locked, f) != v}
        if changed:
            for field, value in changed.items():
                setattr(locked, field, value)
            locked.version += 1
            locked.updated_at = timezone.now()
            locked.save()
            entries_media_changed(media=locked)
    return locked


def media_delete(*, media: Media, actor: Any) -> None:
    """Delete a photo no entry or story uses; refused, naming them, when one does."""
    if not can_change_media(actor, media):
        raise PermissionDenied("Only editors, or whoever uploaded it, can delete this photo.")
    from newsdesk.newsroom.selectors import media_usage

    entries, stories = media_usage(media=media)
    if entries or stories:
        places = [f"entry {e.pk} in “{e.story.headline}”" for e in entries[:5]]
        places += [f"the story “{s.headline}”" for s in stories[:5]]
        more = len(entries) + len(stories) - len(places)
        listed = "; ".join(places) + (f"; and {more} more" if more > 0 else "")
        raise ConflictError(
            f"This photo is in use, so it was not deleted: {listed}. Remove it from those first."
        )
    media.delete()
