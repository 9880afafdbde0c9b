"""The newsroom services: validation, versions, permissions, and the event log they write."""

from __future__ import annotations

import pytest

from newsdesk.live.models import StoryEvent
from newsdesk.newsroom import services
from newsdesk.newsroom.errors import ConflictError, PermissionDenied, ValidationError
from newsdesk.newsroom.limits import ENTRY_BODY_MAX
from newsdesk.newsroom.models import Story


def kinds_of(story: Story) -> list[str]:
    return list(
        StoryEvent.objects.filter(story=story).order_by("seq").values_list("kind", flat=True)
    )


def test_publish_renders_markdown_and_logs_one_event(live_story, publish):
    entry = publish(live_story, "The delegations **arrived** at 9am.")
    assert entry.body_html == "<p>The delegations <strong>arrived</strong> at 9am.</p>"
    event = StoryEvent.objects.get(story=live_story)
    assert (event.seq, event.kind) == (1, "entry-published")
    assert f'id="entry-{entry.pk}"' in event.data["html"]


def test_event_sequence_is_gapless_across_kinds(live_story, publish, editor):
    entry = publish(live_story, "First")
    services.entry_correct(entry=entry, actor=editor, version=1, body="First, corrected")
    services.entry_pin(entry=entry, actor=editor)
    services.key_points_replace(story=live_story, actor=editor, points=["One", "Two"])
    services.entry_delete(entry=entry, actor=editor)
    services.story_set_status(story=live_story, actor=editor, status="ended")
    seqs = list(StoryEvent.objects.filter(story=live_story).values_list("seq", flat=True))
    assert seqs == [1, 2, 3, 4, 5, 6]
    assert kinds_of(live_story) == [
        "entry-published",
        "entry-corrected",
        "entry-pinned",
        "key-points-changed",
        "entry-deleted",
        "status-changed",
    ]


def test_stale_correction_is_refused_and_changes_nothing(live_story, publish, editor):
    entry = publish(live_story, "Original")
    services.entry_correct(entry=entry, actor=editor, version=1, body="Second")
    with pytest.raises(ConflictError, match="version 1, it is now 2"):
        services.entry_correct(entry=entry, actor=editor, version=1, body="Stale")
    entry.refresh_from_db()
    assert entry.body == "Second" and entry.version == 2 and entry.corrected


def test_reporter_posts_only_in_assigned_stories(live_story, reporter, editor, publish):
    with pytest.raises(PermissionDenied):
        publish(live_story, "Not assigned", author=reporter)
    services.story_assign(story=live_story, actor=editor, reporters=[reporter])
    own = publish(live_story, "Now assigned", author=reporter)
    other = publish(live_story, "Editor's entry")
    services.entry_correct(entry=own, actor=reporter, version=1, body="Own edit")
    with pytest.raises(PermissionDenied):
        services.entry_correct(entry=other, actor=reporter, version=1, body="Not mine")
    with pytest.raises(PermissionDenied):
        services.entry_pin(entry=own, actor=reporter)


def test_oversized_and_empty_bodies_are_rejected_not_truncated(live_story, publish):
    with pytest.raises(ValidationError, match="limit is 20,000"):
        publish(live_story, "x" * (ENTRY_BODY_MAX + 1))
    with pytest.raises(ValidationError, match="cannot be empty"):
        publish(live_story, "   ")
    assert not StoryEvent.objects.exists()


def test_pinning_one_entry_unpins_the_other(live_story, publish, editor):
    first = publish(live_story, "First", pinned=True)
    second = publish(live_story, "Second", pinned=True)
    first.refresh_from_db()
    assert second.pinned and not first.pinned
    assert kinds_of(live_story)[-2:] == ["entry-unpinned", "entry-published"]


def test_key_points_are_versioned_and_stale_edit_refused(live_story, editor):
    one = services.key_points_replace(story=live_story, actor=editor, points=["A *b*"], version=0)
    assert one.version == 1 and one.points == [{"text": "A *b*", "html": "A <em>b</em>"}]
    with pytest.raises(ConflictError):
        services.key_points_replace(story=live_story, actor=editor, points=["C"], version=0)


def test_status_rules_differ_for_live_stories_and_articles(live_story, article, editor):
    with pytest.raises(ValidationError):
        services.story_set_status(story=article, actor=editor, status="live")
    with pytest.raises(ValidationError):
        services.story_set_status(story=live_story, actor=editor, status="published")
    ended = services.story_set_status(story=live_story, actor=editor, status="ended")
    assert ended.coverage_end is not None


@pytest.mark.parametrize(
    ("field", "text", "refused"),
    [
        ("headline", "Harbour\ud800 talks", "U+D800, character 8"),
        ("headline", "Harbour\nTalks", "must be on one line"),
        ("standfirst", "Talks\x0bresume", "U+000B, character 6"),
        ("standfirst", "\U0010ffff", "U+10FFFF, character 1"),
    ],
)
def test_story_text_feeds_cannot_carry_is_refused_naming_the_field(
    section, editor, field, text, refused
):
    fields = {"headline": "Harbour talks", "standfirst": "", field: text}
    with pytest.raises(ValidationError) as error:
        services.story_create(section=section, author=editor, live=True, **fields)
    assert error.value.detail.startswith(f"The {field} ")
    assert refused in error.value.detail
    assert Story.objects.count() == 0


def test_tabs_and_line_breaks_are_kept_where_the_field_allows_them(section, editor):
    story = services.story_create(
        section=section,
        author=editor,
        live=True,
        headline="Harbour\ttalks",
        standfirst="First line\r\nsecond line",
    )
    assert (story.headline, story.standfirst) == ("Harbour\ttalks", "First line\nsecond line")
