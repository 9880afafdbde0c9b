"""Event kinds on the story log and the stream (lowercase, dash-separated)."""

ENTRY_PUBLISHED = "entry-published"
ENTRY_CORRECTED = "entry-corrected"
ENTRY_DELETED = "entry-deleted"
ENTRY_PINNED = "entry-pinned"
ENTRY_UNPINNED = "entry-unpinned"
KEY_POINTS_CHANGED = "key-points-changed"
STORY_CHANGED = "story-changed"
STATUS_CHANGED = "status-changed"

# Stream-only kinds: never in the log, never carry an id.
RESET = "reset"
REACTIONS = "reactions"

LOGGED = (
    ENTRY_PUBLISHED,
    ENTRY_CORRECTED,
    ENTRY_DELETED,
    ENTRY_PINNED,
    ENTRY_UNPINNED,
    KEY_POINTS_CHANGED,
    STORY_CHANGED,
    STATUS_CHANGED,
)
STREAM_ONLY = (RESET, REACTIONS)
