"""Discovery's reader endpoints (include before the pages' catch-all)."""

from django.urls import path

from . import views

app_name = "discovery"

urlpatterns = [
    path("discovery/for-you", views.recommended, name="recommended"),
    path("discovery/history/clear", views.history_clear, name="history_clear"),
]
