from django.urls import path, re_path

from . import views

app_name = "pages"

# Section paths nest (world/asia), so the story and section routes are regular
# expressions; the story route is tried first because it is the more specific.
SECTION_PATH = r"(?P<section_path>[-\w]+(?:/[-\w]+)*)"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", views.home, name="home"),
    re_path(
        rf"^{SECTION_PATH}/(?P<year>\d{{4}})/(?P<month>\d{{2}})/(?P<day>\d{{2}})/(?P<slug>[-\w]+)/$",
        views.story_detail,
        name="story",
    ),
    re_path(rf"^{SECTION_PATH}/$", views.section_detail, name="section"),
]
