"""URL wiring. The reader pages' catch-all comes last."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("desk/", include("newsdesk.desk.urls")),
    path("desk/", include("newsdesk.embeds.urls")),
    path("api/", include("newsdesk.api.urls")),
    path("", include("newsdesk.engagement.urls")),
    path("", include("newsdesk.discovery.urls")),
    path("", include("newsdesk.live.urls")),
    path("", include("newsdesk.pages.urls_publishing")),
    path("", include("newsdesk.pages.urls")),
]
