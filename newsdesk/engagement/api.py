"""The reader-facing API calls of engagement (reactions), mounted under /api/."""

from ninja import Router

router = Router(tags=["reactions"])
