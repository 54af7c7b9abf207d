"""The long fuzz run over the control channel's wire format and the settings file.

    .venv/bin/python -m bench.fuzz_inputs [--examples N]

A real `glutewake run --console` in a private home takes N generated control messages and N/10
generated settings files (tests/support/fuzz_inputs.py has the generators; `make test` runs a
bounded version in tests/app/test_fuzz_inputs.py). Prints how many cases ran, the slowest
answer, the daemon's resident memory before and after; exits 1 on a traceback, a crash or a
daemon that stops answering."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from bench.faults import home, started
from glutewake.core.view import View
from tests.support.desktop import resident_mb
from tests.support.fuzz_inputs import check_reply, raw_messages, send_raw, settings_bytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3000, help="control messages to send")
    args = parser.parse_args()
    env = home()
    daemon = started(env)
    runtime = Path(env["XDG_RUNTIME_DIR"])
    config = Path(env["XDG_CONFIG_HOME"], "glutewake", "config.toml")
    before = resident_mb(daemon.proc.pid)
    slowest, count = 0.0, {"messages": 0, "settings files": 0}
    run = settings(max_examples=args.examples, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck))

    @run
    @given(raw_messages)
    def message(data):
        nonlocal slowest
        began = time.monotonic()
        check_reply(send_raw(runtime, data), data)
        slowest = max(slowest, time.monotonic() - began)
        count["messages"] += 1

    @settings(run, max_examples=max(1, args.examples // 10))
    @given(settings_bytes)
    def settings_file(data):
        config.write_bytes(data)
        reply = send_raw(runtime, b'{"cmd": "reload"}')
        error = View.from_wire(send_raw(runtime, b'{"cmd": "status"}')["status"]).settings_error
        assert reply is not None and (error is None or "\n" not in error.what)
        count["settings files"] += 1

    failed = ""
    try:
        message()
        settings_file()
    except Exception as err:  # the harness reports; the falsifying example is in the output
        failed = f"{type(err).__name__}: {err}"
    after = resident_mb(daemon.proc.pid) if daemon.proc.poll() is None else float("nan")
    daemon.stop()
    traceback = any("Traceback" in line for line in daemon.lines)
    print(f"messages {count['messages']}, settings files {count['settings files']}, "
          f"slowest answer {slowest * 1000:.0f} ms, resident {before:.1f} -> {after:.1f} MB")
    if failed or traceback:
        print(f"FAILED: {failed or 'a traceback in the daemon output'}")
        return 1
    print("No traceback; the daemon answered throughout.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
