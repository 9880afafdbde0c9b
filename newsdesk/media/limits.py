"""Size limits on what the newsroom writes about a photo: refused with a sentence, never truncated."""

ALT_MAX = 1_000
CAPTION_MAX = 1_000
CREDIT_MAX = 200
FILENAME_MAX = 200
# Photos in one entry (a gallery).
ENTRY_MEDIA_MAX = 20
