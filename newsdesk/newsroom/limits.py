"""Size limits on what the newsroom writes: rejected with a clear message, never truncated."""

HEADLINE_MAX = 200
STANDFIRST_MAX = 600
ENTRY_TITLE_MAX = 200
ENTRY_BODY_MAX = 20_000
ARTICLE_BODY_MAX = 100_000
KEY_POINT_MAX = 300
KEY_POINTS_MAX_COUNT = 12
SECTION_NAME_MAX = 80
SLUG_MAX = 80
