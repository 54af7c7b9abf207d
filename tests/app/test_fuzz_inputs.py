"""A bounded fuzz run over the control channel's wire format and the settings file, against a
real daemon (tests/support/fuzz_inputs.py has the generators; `make bench` runs them longer)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from glutewake.app import settings_file
from glutewake.core.errors import UserError
from glutewake.core.view import View
from tests.support import Running, glutewake, write_config
from tests.support.desktop import resident_mb
from tests.support.fuzz_inputs import check_reply, raw_messages, send_raw, settings_bytes

FUZZ = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture
def daemon(home):
    write_config(home, '[breaks]\nnatural_break = "1h"\n')
    running = Running(home, "--console")
    running.wait_for("glutewake is watching")
    yield running
    assert running.stop() == 0, "\n".join(running.lines)
    assert not any("Traceback" in line for line in running.lines), "\n".join(running.lines)


def test_the_wire_format_never_breaks_the_daemon(home, daemon):
    runtime = Path(home["XDG_RUNTIME_DIR"])
    start_mb = resident_mb(daemon.proc.pid)
    slowest, cases = 0.0, 0

    @FUZZ
    @given(raw_messages)
    def case(data):
        nonlocal slowest, cases
        cases += 1
        began = time.monotonic()
        check_reply(send_raw(runtime, data), data)
        slowest = max(slowest, time.monotonic() - began)
        assert send_raw(runtime, b'{"cmd": "status"}')["ok"] is True

    case()
    assert cases >= 100 and daemon.proc.poll() is None
    assert slowest < 5.0, f"a message took {slowest:.1f} s"
    assert resident_mb(daemon.proc.pid) < start_mb + 20


@FUZZ
@given(settings_bytes)
def test_any_settings_file_gives_settings_or_a_one_line_error(tmp_path, data):
    path = tmp_path / "config.toml"
    try:
        settings_file.load(path, data)
    except UserError as err:
        assert "\n" not in str(err) and str(path) in str(err)


def test_a_running_daemon_survives_any_settings_file(home, daemon):
    runtime = Path(home["XDG_RUNTIME_DIR"])
    path = write_config(home, "")
    errors = set()

    @settings(FUZZ, max_examples=40)
    @given(settings_bytes)
    def case(data):
        path.write_bytes(data)
        reply = send_raw(runtime, b'{"cmd": "reload"}')
        assert reply is not None and isinstance(reply["ok"], bool)
        error = View.from_wire(send_raw(runtime, b'{"cmd": "status"}')["status"]).settings_error
        text = "" if error is None else f"{error.where}: {error.what}"
        assert "\n" not in text
        errors.add(text)

    case()
    assert len(errors) > 5  # the files really were read, and found wrong in many ways
    path.write_text('[breaks]\nevery = "45m"\n')
    send_raw(runtime, b'{"cmd": "reload"}')
    status = json.loads(glutewake(home, "status", "--json").stdout)
    assert status["settings_error"] == "" and status["running"] is True
