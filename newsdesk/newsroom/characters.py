"""Which characters newsroom text may hold, and what XML can carry.

Text a journalist writes goes to pages, the stream, JSON, and feeds and
sitemaps in XML 1.0, which cannot carry most control characters, lone
surrogates or U+FFFE/U+FFFF at all (https://www.w3.org/TR/xml/#charsets).
Services refuse such characters when text is written (:func:`character_refused`);
XML outputs drop them from whatever is already stored (:func:`xml_clean`).
Pure: no Django import.
"""

from __future__ import annotations

import re

# Refused in every field: C0 controls but tab and line feed, DEL and the C1
# controls (text pasted through the wrong encoding), lone surrogates, and the
# Unicode noncharacters (U+FDD0..U+FDEF and the last two code points of every
# plane, U+FFFE and U+FFFF among them).
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_REFUSED = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
_NEWLINES = re.compile(r"\r\n?")

# Not allowed anywhere in an XML 1.0 document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def newlines_normalise(text: str) -> str:
    """CR LF and lone CR (as browsers send a textarea's lines) become LF."""
    return _NEWLINES.sub("\n", text)


def character_refused(text: str, *, multiline: bool) -> str | None:
    """Why ``text`` cannot be stored, as the rest of a sentence after "The headline ", or None.

    Tabs are allowed everywhere, line breaks only where ``multiline``.
    """
    found = _REFUSED.search(text)
    if found is not None:
        allowed = (
            "printable characters, spaces, tabs and line breaks"
            if multiline
            else "printable characters, spaces and tabs"
        )
        return (
            f"contains an invisible character that pages and feeds cannot carry "
            f"(U+{ord(found.group()):04X}, character {found.start() + 1}). Remove it and "
            f"try again: it may hold {allowed}."
        )
    if not multiline and "\n" in text:
        return "must be on one line: remove the line break."
    return None


def xml_clean(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (for feeds and sitemaps)."""
    return _NOT_XML.sub("", text)
