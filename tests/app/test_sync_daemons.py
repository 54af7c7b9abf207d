"""Several computers with real daemons: each `glutewake run --console` in a home of its own, the
synced folder shared as a plain folder or carried by a real Syncthing pair on loopback."""

from __future__ import annotations

import json
import os
import shutil
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from tests.support import TEST_TICK, Running, glutewake, write_config
from tests.support.desktop import wait_for


def computer(base: Path, name: str, folder: Path) -> dict[str, str]:
    """The environment of one computer: a home of its own, sync on through `folder`."""
    home = base / name
    (home / "run").mkdir(parents=True, mode=0o700)
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "LANGUAGE",
                          "LC_ALL", "LC_MESSAGES")}
    env.update(LANG="C.UTF-8", HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
               XDG_CACHE_HOME=str(home / "cache"), XDG_RUNTIME_DIR=str(home / "run"),
               PYTHONUNBUFFERED="1", GLUTEWAKE_TICK=TEST_TICK)
    write_config(env, f'[sync]\nfolder = "{folder}"\n')
    return env


@contextmanager
def running(env: dict[str, str]):
    daemon = Running(env, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        yield daemon
    finally:
        daemon.stop()


def status(env: dict[str, str]) -> dict:
    return json.loads(glutewake(env, "status", "--json").stdout)


def stats(env: dict[str, str], *options: str) -> dict:
    found = glutewake(env, "stats", "--days", "2", "--json", *options)
    assert found.returncode == 0, found.stderr
    return json.loads(found.stdout)["totals"]


def identity(env: dict[str, str]) -> dict:
    return json.loads((Path(env["XDG_DATA_HOME"]) / "glutewake" / "sync-device.json").read_text())


def moment(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def done_times(env: dict[str, str]) -> list[float]:
    rows = json.loads(glutewake(env, "export", "--format", "json").stdout)
    return [moment(row["time_utc"]) for row in rows if row["kind"] == "done"]


def test_a_break_on_one_computer_is_counted_once_on_the_other_and_reaches_its_daemon(tmp_path):
    folder = tmp_path / "Sync" / "glutewake"
    folder.parent.mkdir()  # the sync tool's folder; glutewake makes its own in it
    desk, laptop = computer(tmp_path, "desk", folder), computer(tmp_path, "laptop", folder)
    assert glutewake(desk, "sync", "name", "desk").stdout == "This computer is now called desk.\n"
    glutewake(laptop, "sync", "name", "laptop")
    with running(desk), running(laptop):
        sat = wait_for(lambda: status(desk)["sitting"] >= 3 and status(desk)["sitting"],
                       "some sitting at the desk")
        assert glutewake(laptop, "done").returncode == 0
        (laptop_done,) = done_times(laptop)
        seen = wait_for(lambda: status(desk)["remote_break"], "the laptop's break at the desk")
        # what the desk's daemon hands its coach: the laptop's break, to the second; and the
        # coach starts the desk's stretch again from it
        assert abs(moment(seen) - laptop_done) < 1
        assert status(desk)["sitting"] < sat
        assert status(laptop)["remote_break"] is None  # its own break is not another's
        wait_for(lambda: stats(desk)["done"] == 1, "the break in the desk's stats")
        assert stats(desk)["done"] == 1 and stats(laptop)["done"] == 1
        assert stats(desk, "--device", "this")["done"] == 0
        assert stats(desk, "--device", "laptop")["done"] == 1
        laptop_id = identity(laptop)["id"]
        assert stats(desk, "--device", laptop_id[:6])["done"] == 1
        chart = tmp_path / "laptop.png"
        assert glutewake(desk, "stats", "--device", "laptop", "--chart", str(chart)).returncode == 0
        assert chart.stat().st_size > 1000
        assert "[laptop]" not in glutewake(desk, "log", "--device", "this").stdout
        wrong = glutewake(desk, "stats", "--device", "lapptop")
        assert wrong.returncode == 2 and 'no such computer; did you mean "laptop"?' in wrong.stderr
        report = status(desk)
        assert [(d["id"], d["name"]) for d in report["devices"]] == [(laptop_id, "laptop")]
        assert report["sync_problems"] == []
        plain = glutewake(desk, "status").stdout
        assert "Other computers: laptop: just now" in plain
        listing = glutewake(desk, "sync").stdout
        assert f"This computer: desk: just now (id {identity(desk)['id']})" in listing
        assert f"laptop: just now (id {laptop_id})" in listing
        assert "[laptop]" in glutewake(desk, "log").stdout
        rows = json.loads(glutewake(desk, "export", "--format", "json").stdout)
        assert {row["device"] for row in rows if row["kind"] == "done"} == {laptop_id}
        # renamed while running: the other computer shows the new name
        glutewake(laptop, "sync", "name", "travel laptop")
        wait_for(lambda: status(desk)["devices"][0]["name"] == "travel laptop", "the new name")
        # a break at the desk goes the other way, and each is counted once on both
        glutewake(desk, "skip")  # nothing due: refused, nothing logged
        glutewake(desk, "done")
        wait_for(lambda: stats(laptop)["done"] == 2, "the desk's break on the laptop")
        assert stats(desk)["done"] == 2
        # the sitting pattern per computer, by the names sync knows them by (a bout on each:
        # the laptop's first break came before a second of sitting)
        wait_for(lambda: status(laptop)["sitting"] >= 2, "some sitting on the laptop")
        glutewake(laptop, "done")
        wait_for(lambda: stats(desk)["done"] == 3, "the laptop's second break at the desk")
        pattern = json.loads(glutewake(desk, "stats", "--json").stdout)["pattern"]
        assert sorted(d["device"] for d in pattern["devices"]) == ["desk", "travel laptop"]
    # started again, the desk reads the folder again: nothing doubles
    with running(desk):
        time.sleep(2)
        assert stats(desk)["done"] == 3
        assert status(desk)["remote_break"] is not None
    forgot = glutewake(desk, "sync", "forget", "travel laptop")
    assert forgot.returncode == 0, forgot.stderr
    assert "its breaks stay in your journal" in forgot.stdout
    assert not (folder / "devices" / laptop_id).exists()
    assert stats(desk)["done"] == 3
    assert glutewake(desk, "sync", "forget", "desk").returncode == 2  # not this one


def test_a_newer_format_and_a_partial_file_in_the_folder_of_a_running_glutewake(tmp_path):
    folder = tmp_path / "shared"
    desk = computer(tmp_path, "desk", folder)
    day = datetime.utcnow().date().isoformat()
    now = time.time()
    lines = [{"format": 1, "device": "ab" * 16, "day": day},
             {"event": "complete01", "kind": "done", "ts": now - 60, "offset": 0},
             {"event": "halfdone01", "kind": "done", "ts": now - 30, "offset": 0}]
    text = "".join(json.dumps(line) + "\n" for line in lines)
    other = folder / "devices" / ("ab" * 16)
    newer = folder / "devices" / ("cd" * 16)
    with running(desk) as daemon:
        for place, fmt in ((other, 1), (newer, 2)):
            place.mkdir(parents=True)
            (place / "device.json").write_text(json.dumps({
                "format": fmt, "id": place.name, "name": f"format {fmt}", "seen": now, "seq": 1}))
            (place / f"{day}.jsonl").write_text(text[:-1])  # the last line is not there yet
        problem = ("computer cdcdcdcd writes sync format 2, newer than this glutewake reads (1); "
                   "upgrade glutewake on this computer")
        wait_for(lambda: status(desk)["sync_problems"] == [problem], "the newer format refused")
        assert f"Sync problem: {problem}" in glutewake(desk, "status").stdout
        assert problem in glutewake(desk, "sync").stdout
        wait_for(lambda: stats(desk)["done"] == 1, "the complete line")
        (other / f"{day}.jsonl").write_text(text)
        wait_for(lambda: stats(desk)["done"] == 2, "the line once it is complete")
        time.sleep(1)
        assert stats(desk)["done"] == 2  # from the format-2 computer: nothing
    log = (Path(desk["XDG_STATE_HOME"]) / "glutewake" / "log" / "glutewake.log").read_text()
    assert log.count(problem) == 1, daemon.lines


def test_a_cloned_computer_takes_a_new_id_and_no_break_is_lost_or_doubled(tmp_path):
    folder = tmp_path / "shared"
    desk = computer(tmp_path, "desk", folder)
    with running(desk):
        glutewake(desk, "done")
        wait_for(lambda: list((folder / "devices").glob("*/*.jsonl")), "the desk's files")
    # a copy of the whole disk (a virtual machine cloned, say), then both run
    clone = computer(tmp_path, "clone", folder)
    shutil.copytree(Path(desk["XDG_DATA_HOME"]), Path(clone["XDG_DATA_HOME"]))
    assert identity(clone) == identity(desk)
    with running(desk), running(clone) as copy:
        wait_for(lambda: identity(clone)["id"] != identity(desk)["id"], "a new id for one")
        glutewake(desk, "done")
        glutewake(clone, "done")
        for env, other in ((desk, clone), (clone, desk)):
            wait_for(lambda env=env, other=other: [d["id"] for d in status(env)["devices"]
                                                   if d["id"] == identity(other)["id"]],
                     "each to see the other")
            wait_for(lambda env=env: stats(env)["done"] == 3, "three breaks: one before the copy")
        time.sleep(2)
        assert stats(desk)["done"] == stats(clone)["done"] == 3
    said = "\n".join(copy.lines)
    assert len({identity(desk)["id"], identity(clone)["id"]}) == 2, said


def test_two_computers_through_a_real_syncthing_pair_with_a_conflict(tmp_path):
    """The desk on one Syncthing, the laptop on the other, with Syncthing's own delays; then a
    copy of the laptop's disk runs on the desk's side while the two Syncthings are apart, both
    laptops log a break, and Syncthing makes conflict copies when they meet again. Every break
    is counted once on every computer. The transcript goes to artifacts/sync/."""
    from tests.support.syncthing import pair, scan, settle

    one, two, near, far = pair(tmp_path / "syncthing")
    said: list[str] = []
    began = time.monotonic()

    def note(line: str) -> None:
        said.append(f"[{time.monotonic() - began:6.1f} s] {line}")

    def delay(what: str, check, timeout: float = 90.0):
        started = time.monotonic()
        found = wait_for(check, what, timeout=timeout, every=0.2)
        note(f"{what}: {time.monotonic() - started:.1f} s")
        return found

    def show(env: dict[str, str], who: str) -> None:
        for command in (("status",), ("stats", "--days", "1"), ("sync",)):
            note(f"{who}$ glutewake {' '.join(command)}")
            said.extend("    " + line for line in glutewake(env, *command).stdout.splitlines())

    desk = computer(tmp_path, "desk", near)
    laptop = computer(tmp_path, "laptop", far)
    glutewake(desk, "sync", "name", "desk")
    glutewake(laptop, "sync", "name", "laptop")
    try:
        with running(desk), running(laptop):
            sat = wait_for(lambda: status(desk)["sitting"] >= 3 and status(desk)["sitting"],
                           "some sitting at the desk")
            note(f"desk: sitting {sat} s")
            note("laptop$ glutewake done -> " + glutewake(laptop, "done").stdout.strip())
            delay("the laptop's break reaches the desk's daemon (remote_break)",
                  lambda: status(desk)["remote_break"])
            note(f"desk: sitting {status(desk)['sitting']} s (its stretch began again)")
            assert status(desk)["sitting"] < sat
            assert stats(desk)["done"] == 1
            note("desk$ glutewake done -> " + glutewake(desk, "done").stdout.strip())
            delay("the desk's break reaches the laptop's daemon (remote_break)",
                  lambda: status(laptop)["remote_break"])
            assert stats(laptop)["done"] == 2
            show(desk, "desk")
            show(laptop, "laptop")
        settle(one, two)
        # a copy of the laptop's disk on the desk's side, started while the Syncthings are apart
        copy = computer(tmp_path, "laptop-copy", near)
        shutil.copytree(Path(laptop["XDG_DATA_HOME"]), Path(copy["XDG_DATA_HOME"]),
                        dirs_exist_ok=True)
        one.pause(two)
        two.pause(one)
        wait_for(lambda: not one.connected(two) and not two.connected(one), "apart")
        note("the two Syncthings are paused (disconnected)")
        with running(desk), running(laptop), running(copy):
            note("laptop$ glutewake done -> " + glutewake(laptop, "done").stdout.strip())
            note("laptop-copy$ glutewake done -> " + glutewake(copy, "done").stdout.strip())
            time.sleep(2)  # both have written the laptop's files, each on its side
            scan(one)
            scan(two)
            settle(one, two)
            one.resume(two)
            two.resume(one)
            delay("the Syncthings meet again", lambda: one.connected(two) and two.connected(one))
            conflicts = delay("Syncthing's conflict copies", lambda: sorted(
                path.relative_to(near) for path in near.glob("devices/*/*sync-conflict*")))
            note("conflict copies: " + ", ".join(map(str, conflicts)))
            for env, who in ((desk, "desk"), (laptop, "laptop"), (copy, "laptop-copy")):
                delay(f"all four breaks on the {who}, each once",
                      lambda env=env: stats(env)["done"] == 4, timeout=120)
            ids = {identity(env)["id"] for env in (laptop, copy)}
            note(f"the laptop and its copy now write as {len(ids)} computers")
            time.sleep(3)
            assert [stats(env)["done"] for env in (desk, laptop, copy)] == [4, 4, 4]
            assert len(ids) == 2
            show(desk, "desk")
            show(laptop, "laptop")
    finally:
        one.stop()
        two.stop()
        out = Path(__file__).resolve().parents[2] / "artifacts" / "sync"
        out.mkdir(parents=True, exist_ok=True)
        (out / "syncthing-run.txt").write_text("\n".join(said) + "\n", "utf-8")
        print("\n".join(said))
