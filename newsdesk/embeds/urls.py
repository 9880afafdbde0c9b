from django.urls import path

from . import views

app_name = "embeds"

urlpatterns = [
    path(
        "stories/<int:story_id>/embeds/<int:embed_id>/retry/",
        views.embed_retry,
        name="retry",
    ),
]
