"""Outside text is made safe once, where it enters."""

from hypothesis import given
from hypothesis import strategies as st

from glutewake.core.untrusted import LONGEST, clean, escape_markup


def test_escapes_and_control_characters_are_dropped():
    assert clean("Stand\x1b[2J\x1b]0;owned\x07up") == "Stand[2J]0;ownedup"
    assert clean("a\x00b\x7fc\x85d") == "abcd"


def test_bidi_overrides_are_dropped():
    assert clean("Review \u202eevil\u202c until") == "Review evil until"
    assert clean("\u2066x\u2069") == "x"


def test_line_breaks_and_runs_of_space_become_one_space():
    assert clean("  Design\n\treview \r\n  ") == "Design review"


def test_long_text_is_cut_with_an_ellipsis():
    text = clean("x" * 1_000_000)
    assert len(text) == LONGEST and text.endswith("…")
    assert clean("word " * 10, limit=12) == "word word w…"


def test_non_text_becomes_text():
    assert clean(None) == "" and clean(42) == "42"


def test_letters_of_every_script_stay():
    assert clean("Réunion · Besprechung · 会議 · اجتماع") == "Réunion · Besprechung · 会議 · اجتماع"


@given(st.text())
def test_result_is_always_one_short_printable_line(text):
    line = clean(text)
    assert len(line) <= LONGEST
    assert all(char.isprintable() or char == " " for char in line)
    assert "\n" not in line


def test_markup_is_escaped():
    assert escape_markup("<b>a & b</b>") == "&lt;b&gt;a &amp; b&lt;/b&gt;"
