"""The desk's forms. Sizes are checked by the services, which say what the limit is.

No ``max_length`` here on purpose: a browser's ``maxlength`` cuts pasted text
silently, and the newsroom rule is to reject with a message, never truncate.
"""

from __future__ import annotations

from typing import Any

from django import forms

from newsdesk.newsroom import selectors
from newsdesk.newsroom.models import Story

from .selectors import reporter_list


class ReporterChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.journalist.byline} ({obj.get_username()})"


class EntryForm(forms.Form):
    """A new live entry: text, photos, or both (the service says when it is empty)."""

    title = forms.CharField(label="Title (optional)", required=False)
    body = forms.CharField(
        label="Entry (Markdown)",
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 7,
                "data-composer-body": "",
                "aria-keyshortcuts": "Control+Enter Meta+Enter",
                "aria-describedby": "composer-hint",
            }
        ),
    )
    key_event = forms.BooleanField(label="Key event", required=False)
    pinned = forms.BooleanField(label="Pin to the top", required=False)

    def __init__(self, *args: Any, can_pin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_pin:
            del self.fields["pinned"]


class EntryEditForm(forms.Form):
    """A correction; ``version`` is the version the journalist started from."""

    title = forms.CharField(label="Title (optional)", required=False)
    body = forms.CharField(
        label="Entry (Markdown)",
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 10, "data-composer-body": "", "aria-keyshortcuts": "Control+Enter"}
        ),
    )
    key_event = forms.BooleanField(label="Key event", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StoryCreateForm(forms.Form):
    """A new live story or article (editors)."""

    KIND_CHOICES = [("live", "Live story (entries)"), ("article", "Article (one body)")]
    STATUS_CHOICES = [
        ("", "Default: live for a live story, published for an article"),
        *Story.Status.choices,
    ]

    section = forms.ModelChoiceField(queryset=None, empty_label=None)  # type: ignore[arg-type]
    headline = forms.CharField()
    standfirst = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(
        label="Type", choices=KIND_CHOICES, initial="live", widget=forms.RadioSelect
    )
    body = forms.CharField(
        label="Body (Markdown, articles only)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["section"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.section_list()
        field.label_from_instance = lambda s: " › ".join(a.name for a in s.ancestors())


class StoryEditForm(forms.Form):
    """Headline and standfirst (and body, for articles) with the story version."""

    headline = forms.CharField()
    standfirst = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(
        label="Body (Markdown)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, live: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if live:
            del self.fields["body"]


class KeyPointsForm(forms.Form):
    """The "What to know" list, one point per line, with the version it was read at."""

    points = forms.CharField(
        label="Key points (one per line)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def point_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["points"].splitlines() if line.strip()]


class AssignForm(forms.Form):
    """Reporters who may post in the story."""

    reporters = ReporterChoiceField(
        queryset=None,  # type: ignore[arg-type]
        required=False,
        label="Assigned reporters",
        help_text="Hold Ctrl (Cmd on a Mac) to choose several.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reporters"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = reporter_list()


class PhotoForm(forms.Form):
    """A photo's description in the library, with the version it was read at."""

    alt = forms.CharField(
        label="Alt text", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decorative = forms.BooleanField(label="Decorative (no alt text needed)", required=False)
    caption = forms.CharField(label="Caption", required=False, strip=False)
    credit = forms.CharField(label="Credit", required=False, strip=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
