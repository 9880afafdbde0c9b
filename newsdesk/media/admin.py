"""The photo library in Django's admin: to look, not to change.

Alt text, captions and files change through the desk or the API
(``media.services``), so that entries showing a photo reach open pages
through the event log; deleting here would bypass the "in use" refusal.
"""

from typing import Any

from django.contrib import admin
from django.utils.html import format_html

from .models import Media


@admin.register(Media)
class MediaAdmin(admin.ModelAdmin):
    list_display = ["preview", "alt", "credit", "width", "height", "kind", "created_at"]
    list_filter = ["kind", "source_format"]
    search_fields = ["alt", "caption", "credit", "filename"]
    readonly_fields = ["preview"]

    @admin.display(description="Photo")
    def preview(self, obj: Media) -> str:
        rendition = obj.rendition(480)
        if rendition is None:
            return "-"
        # Sized by attributes: the site's CSP allows no inline styles.
        return format_html(
            '<img src="{}" width="120" height="{}" alt="">',
            rendition["url"],
            round(120 * rendition["height"] / rendition["width"]),
        )

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
