"""The photos of an entry being written or corrected in the desk: what the form says, checked.

The composer and the correction form carry, for each attached photo in order,
a hidden ``media`` id and its description fields ``photo-<id>-alt``,
``-caption``, ``-credit``, ``-decorative`` and ``-version``; ``photos`` marks a
form that had the photo section at all. Without JavaScript the same form
uploads files (``files``), adds photos from the library (``library-add``) and
moves or removes one (``action=up:<id>``, ``down:<id>``, ``remove:<id>``), each
time rendering the page again with everything typed kept. desk.js does the same
in the page and sends the form only to publish.

Descriptions belong to the photo (a reused photo has one alt text wherever it
shows), so a changed description is saved with ``media_update``, version
checked, when the entry is published or corrected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict

from newsdesk.media import limits, processing
from newsdesk.media import services as media_services
from newsdesk.media.errors import TooLarge
from newsdesk.media.models import Media
from newsdesk.newsroom.errors import NewsroomError

from .templatetags.desk_media import THUMB_WIDTH

ACTIONS = ("up", "down", "remove")
NEEDS_ALT = "Alt text is needed to publish: describe the photo, or mark it decorative."


@dataclass
class AttachedPhoto:
    """One photo of the entry with the description the form gives it."""

    media: Media
    alt: str
    caption: str
    credit: str
    decorative: bool
    version: int
    can_change: bool

    @classmethod
    def of(cls, media: Media, *, user: Any) -> AttachedPhoto:
        """The photo as stored."""
        return cls(
            media=media,
            alt=media.alt,
            caption=media.caption,
            credit=media.credit,
            decorative=media.decorative,
            version=media.version,
            can_change=media_services.can_change_media(user, media),
        )

    @property
    def pk(self) -> int:
        return int(self.media.pk)

    @property
    def described(self) -> bool:
        """Ready for readers: alt text, or marked decorative."""
        return bool(self.alt.strip()) or self.decorative

    @property
    def problem(self) -> str:
        """What stops the photo from being published, or empty."""
        return "" if self.described else NEEDS_ALT

    @property
    def thumb(self) -> dict[str, Any] | None:
        """The smallest rendition that fills a desk thumbnail."""
        return self.media.rendition(THUMB_WIDTH)

    def changes(self) -> dict[str, Any]:
        """The description fields the form changed."""
        wanted = {
            "alt": self.alt.strip(),
            "caption": self.caption.strip(),
            "credit": self.credit.strip(),
            "decorative": self.decorative,
        }
        return {k: v for k, v in wanted.items() if getattr(self.media, k) != v}


@dataclass
class Refusal:
    """A file that did not become a photo, and why (the service's refusal)."""

    filename: str
    error: NewsroomError

    @property
    def detail(self) -> str:
        return self.error.detail


@dataclass
class EntryPhotos:
    """The photo section of one composer or correction form."""

    photos: list[AttachedPhoto] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # The form had a photo section (a form without one leaves the entry's photos alone).
    present: bool = True

    @property
    def ids(self) -> list[int]:
        return [p.pk for p in self.photos]

    @property
    def undescribed(self) -> list[tuple[int, AttachedPhoto]]:
        """Photos (numbered from 1) that cannot be published yet."""
        return [(n, p) for n, p in enumerate(self.photos, start=1) if not p.described]

    @property
    def blocker(self) -> str:
        """Why Publish cannot go ahead yet, for the line beside the button; empty when it can."""
        missing = self.undescribed
        if not missing:
            return ""
        names = ", ".join(
            f"photo {n}" + (f" ({p.media.filename})" if p.media.filename else "")
            for n, p in missing
        )
        return f"Add alt text to {names}, or mark it decorative, to publish."

    # --- reading the form ------------------------------------------------------------

    @classmethod
    def of_entry(cls, photos: list[Media], *, user: Any) -> EntryPhotos:
        """An entry's photos as stored, for a form that has not been sent yet."""
        return cls(photos=[AttachedPhoto.of(m, user=user) for m in photos])

    @classmethod
    def from_post(cls, post: QueryDict, *, user: Any) -> EntryPhotos:
        """The photos the form lists, in order, with the descriptions typed in it."""
        state = cls(present=post.get("photos") == "1")
        ids = _ids(post.getlist("media"))
        ids += [i for i in _ids(post.getlist("library-add")) if i not in ids]
        found = Media.objects.library().in_bulk(ids)
        for media_id in ids:
            media = found.get(media_id)
            if media is None:
                state.notes.append(
                    f"Photo {media_id} is no longer in the library, so it was taken off the entry."
                )
                continue
            photo = AttachedPhoto.of(media, user=user)
            prefix = f"photo-{media_id}-"
            if photo.can_change and prefix + "version" in post:
                photo.alt = post.get(prefix + "alt", "")
                photo.caption = post.get(prefix + "caption", "")
                photo.credit = post.get(prefix + "credit", "")
                photo.decorative = bool(post.get(prefix + "decorative"))
                version = _int(post.get(prefix + "version"))
                photo.version = version if version is not None else media.version
            state.photos.append(photo)
        return state

    # --- what the form asks for -------------------------------------------------------

    def upload(self, files: list[UploadedFile], *, user: Any, **description: Any) -> None:
        """Make each file a photo of the library and attach it; a refused file keeps its sentence.

        ``description`` (alt, caption, credit, decorative) is given to every file.
        """
        max_bytes, _ = media_services.media_limits()
        for upload in files:
            name = media_services.filename_clean(upload.name or "") or "The file"
            if upload.size is not None and upload.size > max_bytes:
                error = TooLarge(processing.too_big(upload.size, max_bytes), field="file")
                self.refused.append(Refusal(name, error))
                continue
            try:
                media = media_services.media_create(
                    data=upload.read(), filename=upload.name or "", actor=user, **description
                )
            except NewsroomError as error:
                self.refused.append(Refusal(name, error))
                continue
            self.photos.append(AttachedPhoto.of(media, user=user))

    def apply(self, action: str) -> bool:
        """Move or remove one photo (``up:<id>``, ``down:<id>``, ``remove:<id>``); True if it was one."""
        verb, _, raw = action.partition(":")
        media_id = _int(raw)
        if verb not in ACTIONS or media_id is None:
            return False
        index = next((n for n, p in enumerate(self.photos) if p.pk == media_id), None)
        if index is None:
            return True
        if verb == "remove":
            del self.photos[index]
        else:
            other = index - 1 if verb == "up" else index + 1
            if 0 <= other < len(self.photos):
                self.photos[index], self.photos[other] = self.photos[other], self.photos[index]
        return True

    def describe(self, *, user: Any) -> None:
        """Save the descriptions the form changed (version checked); a stale one is refused."""
        for photo in self.photos:
            changes = photo.changes()
            if photo.can_change and changes:
                photo.media = media_services.media_update(
                    media=photo.media, actor=user, version=photo.version, **changes
                )
                photo.version = photo.media.version


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _ids(values: list[str]) -> list[int]:
    """Photo ids in order, without repeats or garbage, at most a gallery's worth and one."""
    ids: list[int] = []
    for value in values:
        number = _int(value)
        if number is not None and number not in ids:
            ids.append(number)
    # One over the limit, so that entry_publish still says what the limit is.
    return ids[: limits.ENTRY_MEDIA_MAX + 1]
