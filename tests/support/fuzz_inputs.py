"""Fuzzing the two parsers that take input from outside the daemon's process: the control
channel's wire format and the settings file. Shared by tests/app/test_fuzz_inputs.py (a bounded run
in `make test`) and bench/fuzz_inputs.py (a longer one in `make bench`).

Each case goes to a real `glutewake run --console` over its authenticated socket; the harness
asserts a one-line answer or a refusal, never a traceback, and a daemon that answers `status`
throughout."""

from __future__ import annotations

import json
import string
from multiprocessing import connection as mpc
from pathlib import Path

from hypothesis import strategies as st

from glutewake.app.control import MAX_MESSAGE
from glutewake.core import commands

# --- the wire format --------------------------------------------------------------------------

# Every command but quit (it would end the run) and guided's big brother, with any fields.
NAMES = sorted(set(commands.NAMES) - {"quit"})
FIELDS = ["cmd", "seconds", "at", "tomorrow", "feedback", "exercise", "complete", "id", "x"]

json_leaves = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                        st.floats(allow_nan=False, allow_infinity=False),
                        st.text(max_size=40), st.sampled_from(NAMES))
json_values = st.recursive(json_leaves, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=12)

commands_with_fields = st.fixed_dictionaries(
    {"cmd": st.sampled_from(NAMES)},
    optional={name: json_values for name in FIELDS if name != "cmd"})


def _nested(depth: int) -> bytes:
    return b'{"cmd": "status", "x": ' + b"[" * depth + b"]" * depth + b"}"


raw_messages = st.one_of(
    commands_with_fields.map(lambda m: json.dumps(m).encode()),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6).map(
        lambda m: json.dumps(m).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),  # not an object at all
    st.binary(max_size=200),  # not JSON
    st.integers(10, 30_000).map(_nested),  # nested far beyond the recursion limit
    st.integers(1, 200).map(lambda n: json.dumps({"cmd": "snooze", "id": "i" * n * 100}).encode()),
    st.just(b"x" * (MAX_MESSAGE + 1)),  # over the channel's limit
)


def send_raw(runtime: Path, data: bytes, timeout: float = 5.0) -> dict | None:
    """`data` as one message to the daemon; its reply, or None when it closed the connection."""
    folder = runtime / "glutewake"
    key = (folder / "control.key").read_bytes()
    conn = mpc.Client(str(folder / "control.sock"), "AF_UNIX", authkey=key)
    try:
        try:
            conn.send_bytes(data)
        except (BrokenPipeError, ConnectionResetError):  # it stopped reading an oversized one
            return None
        if not conn.poll(timeout):
            raise AssertionError(f"no answer within {timeout} s to {data[:80]!r}")
        try:
            return json.loads(conn.recv_bytes(MAX_MESSAGE))
        except EOFError:
            return None
    finally:
        conn.close()


def check_reply(reply: dict | None, data: bytes) -> None:
    """A reply is an object with ok, and a refusal is one line of words."""
    if reply is None:  # the daemon may hang up on something it will not read
        return
    assert isinstance(reply, dict) and isinstance(reply.get("ok"), bool), (data[:80], reply)
    if not reply["ok"]:
        text = reply.get("text", "")
        assert isinstance(text, str) and text and "\n" not in text, (data[:80], reply)
        assert "Traceback" not in text


# --- the settings file ------------------------------------------------------------------------

SECTIONS = ["breaks", "schedule", "quiet", "notifications", "pause", "exercises", "goals", "ui",
            "nonsense"]
KEYS = ["every", "snooze", "natural_break", "remind_again", "max_reminders", "heads_up", "days",
        "start", "end", "lunch", "apps", "calendars", "timeout", "morning", "equipment", "level",
        "disabled", "daily_breaks", "language", "custom", "enabled", "x"]
toml_scalars = st.one_of(
    st.integers(-2**70, 2**70).map(str), st.sampled_from(["true", "false", "nan", "inf", "-0"]),
    st.text(alphabet=string.printable, max_size=20).map(json.dumps),
    st.sampled_from(['"30m"', '"0s"', '"-5m"', '"99999h"', '"12:30-13:15"', '"25:00"', '"auto"',
                     '"de"', '1e400', '"never"', '["wall"]', '["mon"]', "{}", "[{}]"]))
toml_values = st.recursive(toml_scalars,
                           lambda inner: st.lists(inner, max_size=3).map(
                               lambda items: "[" + ", ".join(items) + "]"), max_leaves=6)
settings_texts = st.one_of(
    st.lists(st.tuples(st.sampled_from(SECTIONS), st.sampled_from(KEYS), toml_values),
             max_size=6).map(lambda rows: "".join(f"[{s}]\n{k} = {v}\n" if i % 2 == 0 else
                                                  f"{s}.{k} = {v}\n"
                                                  for i, (s, k, v) in enumerate(rows))),
    st.integers(50, 50_000).map(lambda n: "[quiet]\napps = " + "[" * n + "]" * n + "\n"),
    st.text(max_size=300),
)
settings_bytes = st.one_of(settings_texts.map(str.encode), st.binary(max_size=300))
