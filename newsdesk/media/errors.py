"""Refusals of an upload that are not plain validation errors."""

from newsdesk.newsroom.errors import NewsroomError


class TooLarge(NewsroomError):
    """The file is larger than the configured limit (413)."""

    code = "too_large"


class Unsupported(NewsroomError):
    """The file is not a picture format Newsdesk accepts (415)."""

    code = "unsupported_media_type"
