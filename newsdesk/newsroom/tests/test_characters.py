"""What characters newsroom text may hold, and what XML can carry (pure, no database)."""

from __future__ import annotations

import xml.dom.minidom

import pytest

from newsdesk.newsroom.characters import character_refused, newlines_normalise, xml_clean

PLANE_ENDS = [chr(plane * 0x10000 + end) for plane in range(17) for end in (0xFFFE, 0xFFFF)]


def test_every_character_xml_cannot_carry_is_refused_when_written():
    for code in [*range(0x11000), *map(ord, PLANE_ENDS)]:
        character = chr(code)
        if xml_clean(character) == "":
            assert character_refused(character, multiline=True) is not None, hex(code)


def test_what_xml_clean_leaves_parses_as_xml():
    text = "".join(chr(code) for code in range(0x11000)) + "".join(PLANE_ENDS)
    cleaned = xml_clean(text).replace("&", "&amp;").replace("<", "&lt;")
    document = xml.dom.minidom.parseString(f"<a>{cleaned}</a>".encode("utf-8", "surrogatepass"))
    assert document.documentElement.tagName == "a"


@pytest.mark.parametrize(
    "text", ["Harbour talks", "Tab\there", "Émigré 😀", "\u202eright-to-left", "\ue000 private"]
)
def test_printable_text_and_tabs_are_allowed(text):
    assert character_refused(text, multiline=False) is None


@pytest.mark.parametrize("character", ["\x00", "\x0b", "\x7f", "\x85", "\ufdd0", "\U0001fffe"])
def test_controls_and_noncharacters_are_refused_naming_the_code_point(character):
    refused = character_refused(f"ab{character}", multiline=True)
    assert refused is not None
    assert f"(U+{ord(character):04X}, character 3)" in refused


def test_line_breaks_only_where_the_field_allows_them():
    assert character_refused("one\ntwo", multiline=True) is None
    assert character_refused("one\ntwo", multiline=False) == (
        "must be on one line: remove the line break."
    )
    assert newlines_normalise("a\r\nb\rc\n") == "a\nb\nc\n"
