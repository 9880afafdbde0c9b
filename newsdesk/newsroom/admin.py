from django.contrib import admin

from .models import Entry, Journalist, KeyPoints, Section, Story


@admin.register(Journalist)
class JournalistAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "display_name"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "path", "parent", "position"]
    readonly_fields = ["path"]
    search_fields = ["name", "path"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # The path is derived from the parents' slugs; keep it (and children's) in step.
        obj.path = f"{obj.parent.path}/{obj.slug}" if obj.parent else obj.slug
        super().save_model(request, obj, form, change)
        for child in obj.children.all():
            self.save_model(request, child, form, True)


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    """Read-mostly: stories change through the desk so that every change reaches the event log."""

    list_display = ["headline", "section", "live", "status", "published_at", "updated_at"]
    list_filter = ["live", "status", "section"]
    search_fields = ["headline", "slug"]
    readonly_fields = ["last_seq", "version", "body_html"]
    filter_horizontal = ["authors", "assignees"]
    fields = [
        "headline",
        "slug",
        "section",
        "live",
        "status",
        "standfirst",
        "authors",
        "assignees",
        "published_at",
        "coverage_start",
        "coverage_end",
        "version",
        "last_seq",
    ]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Anything a reader sees goes through the desk's services (and the event log).
        return [
            *self.readonly_fields,
            "headline",
            "slug",
            "section",
            "live",
            "status",
            "standfirst",
            "published_at",
            "coverage_start",
            "coverage_end",
        ]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Moderation view of entries; edits happen in the desk so that readers see them live."""

    list_display = [
        "__str__",
        "story",
        "author",
        "published_at",
        "pinned",
        "key_event",
        "deleted_at",
    ]
    list_filter = ["pinned", "key_event"]
    search_fields = ["title", "body"]
    readonly_fields = [f.name for f in Entry._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(KeyPoints)
class KeyPointsAdmin(admin.ModelAdmin):
    list_display = ["story", "version", "created_at", "created_by"]
    readonly_fields = ["story", "version", "points", "created_at", "created_by"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
