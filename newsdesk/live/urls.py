from django.urls import path

from . import views

app_name = "live"

urlpatterns = [
    path("stories/<int:story_id>/events", views.stream, name="stream"),
]
