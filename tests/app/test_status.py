"""`glutewake status --json` and `--follow`: one JSON object always, one line per change."""

import json
import sys

from glutewake.app.cli.running import STATUS_FIELDS
from tests.support import Running, glutewake, write_config


def test_json_when_not_running_is_one_object_and_exit_1(home):
    result = glutewake(home, "status", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["running"] is False and set(STATUS_FIELDS) <= set(data)
    assert len(result.stdout.strip().splitlines()) == 1


def test_json_while_running_has_the_documented_fields(home):
    write_config(home, '[breaks]\nevery = "30m"\n')
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        data = json.loads(glutewake(home, "status", "--json").stdout)
        assert set(STATUS_FIELDS) <= set(data) and data["running"] is True
        assert data["phase"] == "sitting" and data["settings_error"] == ""
        assert data["next_due"] and data["hold"] is None and data["goal"] == 6
        assert (data["text"], data["class"]) == (data["line"], "sitting")  # for waybar
        write_config(home, '[breaks]\nevery = "often"\n')
        glutewake(home, "config", "check")
        bad = json.loads(glutewake(home, "status", "--json").stdout)
        assert "[breaks] every" in bad["settings_error"]
    finally:
        assert daemon.stop() == 0


def test_follow_prints_a_line_per_change(home):
    write_config(home, '[breaks]\nevery = "30m"\n')
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        follow = Running.command(home, [sys.executable, "-m", "glutewake", "status", "--follow",
                                        "--json"])
        first = json.loads(follow.wait_for('"running": true'))
        assert first["phase"] == "sitting"
        assert glutewake(home, "pause").returncode == 0
        paused = json.loads(follow.wait_for('"phase": "paused"'))
        assert paused["line"] == "Paused until you resume"
        follow.proc.terminate()
        follow.proc.wait(5)
        assert len(follow.lines) == 2  # nothing printed while nothing changed
    finally:
        assert daemon.stop() == 0


def test_the_waybar_tooltip_is_escaped_markup(home):
    from glutewake.app.catalog import builtin
    from tests.support import QUICK_EXERCISE

    others = ", ".join(f'"{e.id}"' for e in builtin())
    write_config(home, f'[breaks]\nevery = "30m"\n[exercises]\ndisabled = [{others}]\n'
                 + QUICK_EXERCISE.replace('"Quick squeeze"', '"Squeeze <hold> & breathe"'))
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        data = json.loads(glutewake(home, "status", "--json").stdout)
        assert data["settings_error"] == "" and "<hold> &" in data["exercise"]
        assert "&lt;hold&gt; &amp;" in data["tooltip"] and "<" not in data["tooltip"]
    finally:
        assert daemon.stop() == 0
