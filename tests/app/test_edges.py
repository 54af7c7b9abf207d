"""Inputs that used to stop glutewake: each is a one-line error now, and the daemon goes on.
Real `glutewake` processes in a private home."""

from __future__ import annotations

import json

from tests.support import Running, glutewake, write_config
from tests.support.desktop import wait_for

NESTED = "[quiet]\napps = " + "[" * 5000 + "]" * 5000 + "\n"


def test_deeply_nested_settings_are_a_one_line_error_for_every_command(home):
    write_config(home, NESTED)
    for args, code in ((("status",), 1), (("config", "check"), 2), (("stats",), 2),
                       (("exercises",), 2), (("config", "show"), 2)):
        result = glutewake(home, *args)
        assert result.returncode == code, (args, result.stderr)
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    checked = glutewake(home, "config", "check")
    assert "config.toml" in checked.stderr and "too deeply" in checked.stderr


def test_a_running_daemon_reports_nested_settings_and_keeps_answering(home):
    path = write_config(home, '[breaks]\nevery = "45m"\n')
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        path.write_text(NESTED)
        status = wait_for(lambda: (s := json.loads(glutewake(home, "status", "--json").stdout))
                          ["settings_error"] and s, "the settings error", timeout=15)
        assert str(path) in status["settings_error"] and "too deeply" in status["settings_error"]
        text = glutewake(home, "status")
        lines = text.stdout.splitlines()
        assert text.returncode == 0 and lines[1].startswith("Settings not applied: ")
        assert "too deeply" in lines[1]
        assert glutewake(home, "snooze", "5m").returncode in (0, 1)  # still answers commands
    finally:
        assert daemon.stop() == 0
    assert not any("Traceback" in line for line in daemon.lines)


def test_plain_status_says_a_bad_edit_was_not_applied(home):
    path = write_config(home, '[breaks]\nevery = "45m"\n')
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        path.write_text('[breaks]\nevery = "forever"\n')
        wait_for(lambda: json.loads(glutewake(home, "status", "--json").stdout)["settings_error"],
                 "the settings error", timeout=15)
        lines = glutewake(home, "status").stdout.splitlines()
        assert lines[1].startswith("Settings not applied: ") and "[breaks] every" in lines[1]
        assert "The last good settings stay in force" in lines[1]
    finally:
        daemon.stop()


def test_without_xdg_runtime_dir_a_folder_made_by_another_user_cannot_block_glutewake(
        home, tmp_path):
    """The old fallback was /tmp/glutewake-UID: whoever made it first owned glutewake's socket
    folder. Now the folder is in the user's own cache folder."""
    import os
    import shutil

    shared_tmp = tmp_path / "shared-tmp"
    shared_tmp.mkdir(mode=0o1777)
    squatted = shared_tmp / f"glutewake-{os.getuid()}"
    squatted.mkdir(mode=0o755)
    if os.getuid() == 0:
        shutil.chown(squatted, "nobody")
    env = {key: value for key, value in home.items() if key != "XDG_RUNTIME_DIR"}
    env["TMPDIR"] = str(shared_tmp)
    daemon = Running(env, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        status = json.loads(glutewake(env, "status", "--json").stdout)
        assert status["running"] is True
    finally:
        assert daemon.stop() == 0
    folder = tmp_path / "cache" / "glutewake" / "run"
    assert folder.is_dir() and oct(folder.stat().st_mode & 0o777) == "0o700"
    assert not any(squatted.iterdir())
