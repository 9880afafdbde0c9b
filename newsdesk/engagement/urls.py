"""Engagement's reader endpoints outside the API (include before the pages' catch-all)."""

from django.urls import path

from . import views

app_name = "engagement"

urlpatterns = [
    path(
        "engagement/stories/<int:story_id>/reactions",
        views.reaction_form,
        name="reaction_form",
    ),
    path("engagement/stories/<int:story_id>/read", views.read_beacon, name="read_beacon"),
]
