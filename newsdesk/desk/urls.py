from django.contrib.auth import views as auth_views
from django.urls import path

from . import media_views, views

app_name = "desk"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="desk/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.story_list, name="story_list"),
    path("stories/new/", views.story_create, name="story_create"),
    path("stories/<int:story_id>/", views.story_detail, name="story_detail"),
    path("stories/<int:story_id>/publish/", views.entry_publish, name="entry_publish"),
    path("stories/<int:story_id>/preview/", views.entry_preview, name="entry_preview"),
    path("stories/<int:story_id>/story/", views.story_update, name="story_update"),
    path("stories/<int:story_id>/status/", views.story_status, name="story_status"),
    path("stories/<int:story_id>/key-points/", views.key_points_update, name="key_points"),
    path("stories/<int:story_id>/reporters/", views.story_assign, name="story_assign"),
    path("stories/<int:story_id>/image/", media_views.story_image, name="story_image"),
    path("media/", media_views.media_library, name="media_library"),
    path("media/<int:media_id>/", media_views.media_describe, name="media_describe"),
    path("media/<int:media_id>/delete/", media_views.media_delete, name="media_delete"),
    path("stories/<int:story_id>/entries/<int:entry_id>/", views.entry_row, name="entry_row"),
    path(
        "stories/<int:story_id>/entries/<int:entry_id>/edit/",
        views.entry_edit,
        name="entry_edit",
    ),
    path(
        "stories/<int:story_id>/entries/<int:entry_id>/delete/",
        views.entry_delete,
        name="entry_delete",
    ),
    path("stories/<int:story_id>/entries/<int:entry_id>/pin/", views.entry_pin, name="entry_pin"),
    path(
        "stories/<int:story_id>/entries/<int:entry_id>/key-event/",
        views.entry_key_event,
        name="entry_key_event",
    ),
]
