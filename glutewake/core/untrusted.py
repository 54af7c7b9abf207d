"""Text that comes from outside glutewake, made safe to show once, where it enters.

Calendar titles, program names from /proc or the sound server, bus names: any of them may hold
terminal escapes, control characters, bidi overrides that reorder what a person reads, or a
megabyte of text. Adapters pass such text through `clean` once, and everything downstream (the
tray, `status`, `log`, the console, the control channel) can show it as it is.
"""

from __future__ import annotations

import unicodedata

# The longest piece of outside text glutewake keeps: enough for a meeting title or a program
# name, short enough for a tray line and a status bar.
LONGEST = 80
ELLIPSIS = "…"

# Explicit bidi embeddings, overrides and isolates (and the marks): they reorder the text around
# them, so a title could make "until 11:00" read as something else.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean(text: object, limit: int = LONGEST) -> str:
    """`text` as one printable line of at most `limit` characters.

    Control characters (escapes, newlines, tabs, DEL, C1) and bidi controls are dropped, line
    breaks and other whitespace runs become one space, and a text that is still too long is cut
    with an ellipsis."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if len(text) > limit * 8:  # never walk a megabyte character by character
        text = text[:limit * 8]
    kept = []
    for char in text:
        if char in _BIDI:
            continue
        category = unicodedata.category(char)
        if char in "\t\n\v\f\r" or (char.isspace() and category != "Cc"):
            kept.append(" ")
        elif category in ("Cc", "Cs", "Co", "Cn") or (category == "Cf" and char != "\u200d"):
            continue
        else:
            kept.append(char)
    line = " ".join("".join(kept).split())
    if len(line) > limit:
        line = line[:max(0, limit - 1)].rstrip() + ELLIPSIS
    return line


def escape_markup(text: str) -> str:
    """`text` for a consumer that reads Pango or HTML markup (waybar, notification bodies)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
