"""The demo newsroom: what ``loaddemo`` makes, made once, with an event log that replays it."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from newsdesk.cli import DEMO_PASSWORD, DEMO_USERNAME
from newsdesk.live.models import StoryEvent
from newsdesk.newsroom import demo_content
from newsdesk.newsroom.demo import demo_load
from newsdesk.newsroom.fragments import entry_fragment, key_points_fragment
from newsdesk.newsroom.models import Entry, Journalist, KeyPoints, Section, Story
from newsdesk.newsroom.services import section_create

LIVE_HEADLINE = demo_content.VALMORA.headline


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Hash the demo users' passwords cheaply: PBKDF2 would dominate these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def one_rendition_width(monkeypatch):
    """The demo's photos go through the real pipeline, at one width: these tests read the
    newsroom, not the renditions (newsdesk/media/tests has those)."""
    monkeypatch.setenv("NEWSDESK_MEDIA_WIDTHS", "480")


@pytest.fixture
def demo(db):
    """The demo newsroom, loaded into the test database."""
    assert demo_load() is True


@pytest.fixture
def running(demo) -> Story:
    return Story.objects.get(headline=LIVE_HEADLINE)


def row_counts() -> dict[str, int]:
    models = [get_user_model(), Journalist, Section, Story, Entry, KeyPoints, StoryEvent]
    return {model.__name__: model.objects.count() for model in models}


def test_running_live_story_has_thirty_plus_entries_in_world_europe(running):
    assert running.status == Story.Status.LIVE and running.live
    assert running.section.path == "world/europe"
    assert running.standfirst.startswith("Follow the latest updates on")
    assert Entry.objects.visible().filter(story=running).count() >= 30
    assert Entry.objects.visible().filter(story=running, title__gt="").count() >= 5


def test_running_story_has_one_pinned_entry_key_events_corrections_and_a_deletion(running):
    entries = Entry.objects.filter(story=running)
    pinned = entries.visible().filter(pinned=True)
    assert pinned.count() == 1 and pinned.get().key_event
    assert entries.visible().filter(key_event=True).count() >= 4
    corrected = entries.visible().filter(corrected=True)
    assert corrected.count() == 2
    for entry in corrected:
        assert entry.version == 2 and entry.updated_at > entry.published_at
        assert "Updated" in entry_fragment(entry)
    deleted = entries.filter(deleted_at__isnull=False).get()
    assert deleted.deleted_at > deleted.published_at and not deleted.pinned


def test_running_story_is_written_by_editors_and_assigned_reporters(running):
    reporters = set(running.assignees.values_list("journalist__display_name", flat=True))
    assert reporters == {"Priya Raman", "Lukas Brenner"}
    authors = Entry.objects.filter(story=running).values_list("author__journalist__role", flat=True)
    assert set(authors) == {"editor", "reporter"}
    bylines = set(
        Entry.objects.filter(story=running).values_list(
            "author__journalist__display_name", flat=True
        )
    )
    assert len(bylines) == 4


def test_running_story_entries_spread_over_the_last_six_hours(running):
    now = timezone.now()
    times = list(
        Entry.objects.filter(story=running)
        .order_by("published_at")
        .values_list("published_at", flat=True)
    )
    assert now - times[0] > datetime.timedelta(hours=5, minutes=30)
    assert now - times[0] < datetime.timedelta(hours=7)
    assert times[-1] < now
    assert running.coverage_start <= times[0] and running.created_at <= times[0]
    assert running.updated_at == max(
        Entry.objects.filter(story=running).values_list("updated_at", flat=True)
    )


def test_running_story_shows_five_key_points_in_its_latest_version(running):
    current = KeyPoints.objects.filter(story=running).order_by("-version").first()
    assert current.version == 3
    assert len(current.points) == 5
    assert all(point["html"] for point in current.points)


def test_live_story_event_log_is_gapless_and_ends_at_last_seq(running):
    seqs = list(
        StoryEvent.objects.filter(story=running).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, len(seqs) + 1))
    assert seqs[-1] == running.last_seq
    kinds = set(StoryEvent.objects.filter(story=running).values_list("kind", flat=True))
    assert kinds == {"entry-published", "entry-corrected", "entry-deleted", "key-points-changed"}


def test_event_log_replays_exactly_what_the_page_shows(running):
    """The log's last word on every entry carries its current times and HTML."""
    events = StoryEvent.objects.filter(story=running).order_by("seq")
    times = [event.created_at for event in events]
    assert times == sorted(times) and times[-1] <= timezone.now()
    latest: dict[int, dict] = {}
    for event in events:
        if "entry_id" in event.data:
            latest[event.data["entry_id"]] = {"kind": event.kind, **event.data}
    entries = Entry.objects.filter(story=running).select_related("story__section")
    assert set(latest) == {entry.pk for entry in entries}
    for entry in entries:
        last = latest[entry.pk]
        if entry.is_deleted:
            assert last["kind"] == "entry-deleted"
            continue
        assert last["published_at"] == entry.published_at.isoformat()
        assert last["updated_at"] == entry.updated_at.isoformat()
        assert last["version"] == entry.version
        assert last["html"] == entry_fragment(entry)
        assert entry.story.get_absolute_url() in last["html"]
    key_points = KeyPoints.objects.filter(story=running).order_by("-version").first()
    last_points = events.filter(kind="key-points-changed").last()
    assert last_points.data["html"] == key_points_fragment(running, key_points)
    assert last_points.created_at == key_points.created_at


def test_ended_story_has_entries_key_points_and_coverage_times(demo):
    ended = Story.objects.get(live=True, status=Story.Status.ENDED)
    entries = Entry.objects.visible().filter(story=ended)
    assert entries.count() >= 10
    assert KeyPoints.objects.filter(story=ended).order_by("-version").first().points
    assert ended.coverage_start < min(e.published_at for e in entries)
    assert ended.coverage_end > max(e.published_at for e in entries)
    assert ended.coverage_end < timezone.now() - datetime.timedelta(hours=12)
    status = StoryEvent.objects.filter(story=ended).order_by("seq").last()
    assert status.seq == ended.last_seq and status.kind == "status-changed"
    assert status.data["status"] == "ended"
    assert status.data["coverage_end"] == ended.coverage_end.isoformat()


def test_articles_span_the_sections_and_the_past_week(demo):
    articles = Story.objects.filter(live=False, status=Story.Status.PUBLISHED)
    assert articles.count() >= 12
    top_sections = {story.section.path.split("/")[0] for story in articles}
    assert {"world", "politics", "business", "climate", "science", "sport", "culture"} <= (
        top_sections
    )
    now = timezone.now()
    for story in articles:
        paragraphs = [p for p in story.body.split("\n\n") if p.strip()]
        assert 3 <= len(paragraphs) <= 6, story.headline
        assert story.body_html.count("<p>") == len(paragraphs)
        assert story.created_at == story.published_at < now - datetime.timedelta(hours=1)
    dates = {story.published_at.date() for story in articles}
    assert len(dates) >= 4


def test_sections_nest_world_asia_for_the_breadcrumb(demo):
    asia = Section.objects.get(path="world/asia")
    assert [s.name for s in asia.ancestors()] == ["World", "Asia"]
    assert {s.path for s in Section.objects.filter(parent__slug="world")} == {
        "world/europe",
        "world/asia",
        "world/americas",
    }
    assert Story.objects.filter(section=asia, status=Story.Status.PUBLISHED).exists()


def test_demo_editor_signs_in_with_the_printed_credentials(demo):
    # As the sign-in form does: the throttling backend needs the request.
    user = authenticate(
        RequestFactory().post("/desk/login/"), username=DEMO_USERNAME, password=DEMO_PASSWORD
    )
    assert user is not None and user.journalist.is_editor
    assert user.journalist.byline == "Maya Okafor"
    roles = sorted(Journalist.objects.values_list("role", flat=True))
    assert roles == ["editor", "editor", "reporter", "reporter"]


def test_links_in_the_demo_point_only_at_example_org(demo):
    bodies = [*Entry.objects.values_list("body", flat=True)]
    bodies += Story.objects.values_list("body", flat=True)
    links = [url for body in bodies for url in re.findall(r"\]\((\S+?)\)", body)]
    assert links
    assert all(url.startswith("https://example.org/") for url in links)


def test_loading_twice_changes_nothing(demo):
    before = row_counts()
    out = StringIO()
    assert demo_load(stdout=out) is False
    assert "already loaded" in out.getvalue()
    assert row_counts() == before


def test_existing_demo_section_stops_the_load(db):
    section_create(name="Climate")
    assert demo_load() is False
    assert not get_user_model().objects.exists()


def test_loaddemo_command_prints_counts(db):
    out = StringIO()
    call_command("loaddemo", stdout=out)
    text = out.getvalue()
    assert "10 sections" in text and "4 journalists" in text and "16 articles" in text
    entries = Entry.objects.visible().filter(story__live=True).count()
    assert f"{entries} entries" in text
    again = StringIO()
    call_command("loaddemo", stdout=again)
    assert "already loaded" in again.getvalue()
