"""Fault injection: power loss, missing parts of the desktop, damaged files, crowds of clients."""

import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from glutewake.app.control import NotRunning, request
from glutewake.core.errors import UserError
from glutewake.core.view import View
from tests.support import Running, glutewake, journal_path, spill_with_a_bad_line, write_config
from tests.support.desktop import Desktop, require


def test_kill_9_loses_no_acknowledged_done(home):
    write_config(home, '[breaks]\nevery = "1h"\nsnooze = "2s"\n')
    daemon = Running(home, "--console")
    daemon.wait_for("glutewake is watching")
    acknowledged, stop = [], threading.Event()

    def client():
        while not stop.is_set():
            try:
                reply = request({"cmd": "done"}, timeout=2)
            except (NotRunning, UserError, OSError, EOFError, ValueError):
                return  # the daemon is gone
            if reply.get("ok"):
                acknowledged.append(reply)

    worker = threading.Thread(target=client)
    worker.start()
    time.sleep(1.5)
    os.kill(daemon.proc.pid, signal.SIGKILL)  # a power cut, as far as the daemon can tell
    daemon.proc.wait(5)
    stop.set()
    worker.join(10)
    assert len(acknowledged) > 20
    db = sqlite3.connect(journal_path(home))
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    done = db.execute("SELECT COUNT(*) FROM events WHERE kind = 'done'").fetchone()[0]
    db.close()
    assert done >= len(acknowledged)
    again = Running(home, "--console")  # a stale socket and lock file do not stop a restart
    again.wait_for("glutewake is watching")
    assert glutewake(home, "status").returncode == 0
    assert again.stop() == 0


def test_a_hundred_clients_at_once_all_get_answers(home):
    write_config(home, '[breaks]\nevery = "1h"\nsnooze = "2s"\n')
    daemon = Running(home, "--console")
    daemon.wait_for("glutewake is watching")
    replies, errors = [], []

    def client(n):
        try:
            replies.append(request({"cmd": "done" if n % 5 == 0 else "status"}, timeout=20))
        except Exception as err:  # noqa: BLE001 - every failure counts here
            errors.append(err)

    try:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(100)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == [] and len(replies) == 100 and all(r["ok"] for r in replies)
        status = View.from_wire(request({"cmd": "status"})["status"]).status
        assert status.done_today == 20  # every done counted once, none lost or doubled
    finally:
        assert daemon.stop() == 0


def test_garbage_journal_is_moved_aside_and_the_daemon_runs(home):
    path = journal_path(home)
    path.parent.mkdir(parents=True)
    path.write_bytes(os.urandom(4096))
    daemon = Running(home, "--console")
    try:
        line = daemon.wait_for("was damaged")
        assert "moved to" in line and str(path) in line
        daemon.wait_for("glutewake is watching")
        assert glutewake(home, "done").returncode == 0
    finally:
        assert daemon.stop() == 0
    assert list(path.parent.glob("journal.sqlite3.corrupt-*"))
    db = sqlite3.connect(path)
    kinds = [r[0] for r in db.execute("SELECT kind FROM events ORDER BY id")]
    assert kinds[-2:] == ["done", "stopped"], (kinds, daemon.lines)


def test_garbage_config_gives_one_line_and_defaults(home):
    config = write_config(home, "")
    config.write_bytes(b"\x00\xff garbage [[[ \n= = =")
    daemon = Running(home, "--console")
    try:
        line = daemon.wait_for(str(config))
        assert "using the default settings" in line
        daemon.wait_for("glutewake is watching")
        assert "break in 29 min" in glutewake(home, "status").stdout or \
            "break in 30 min" in glutewake(home, "status").stdout
        assert "Traceback" not in "\n".join(daemon.lines)
    finally:
        assert daemon.stop() == 0


def test_an_unwritable_data_folder_keeps_events_in_the_spill_file_it_names(home):
    # root writes through permissions, so block the folder with a file where it should be
    blocker = journal_path(home).parent
    blocker.parent.mkdir(parents=True)
    blocker.write_text("not a folder")
    daemon = Running(home, "--console")
    try:
        line = daemon.wait_for("journal: cannot create")
        assert str(blocker) in line
        kept = daemon.wait_for("events are kept safe in ")
        daemon.wait_for("glutewake is watching")
        answer = glutewake(home, "done")
        assert answer.returncode == 0  # the daemon still serves
    finally:
        assert daemon.stop() == 0
    spill = Path(kept.split("events are kept safe in ", 1)[1].split(" until ", 1)[0])
    assert spill.is_relative_to(home["XDG_STATE_HOME"])  # the user's own files, not /tmp
    assert '"done"' in spill.read_text()


def test_a_spill_line_out_of_range_stops_neither_the_start_nor_the_good_lines(home):
    spill = spill_with_a_bad_line(home, good=3)
    daemon = Running(home, "--console")
    try:
        line = daemon.wait_for("is not a sound event")
        daemon.wait_for("glutewake is watching")
        assert glutewake(home, "status").returncode == 0
    finally:
        assert daemon.stop() == 0
    assert "Traceback" not in "\n".join(daemon.lines)
    aside = list(spill.parent.glob(f"{spill.name}.bad-*"))
    assert len(aside) == 1 and not spill.exists() and str(aside[0]) in line
    assert done_breaks(home) == 3


def done_breaks(env) -> int:
    db = sqlite3.connect(journal_path(env))
    try:
        return db.execute("SELECT COUNT(*) FROM events WHERE kind = 'done'").fetchone()[0]
    finally:
        db.close()


def test_a_break_kept_while_the_journal_is_held_shows_at_once_and_goes_in_once(home):
    import json

    from tests.support.desktop import wait_for

    env = dict(home, GLUTEWAKE_TICK="600")  # the retry writes it, not the safety look
    write_config(env, '[breaks]\nevery = "1h"\n')
    daemon = Running(env, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        holder = sqlite3.connect(journal_path(env), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # a backup or sync tool holding the journal
        try:
            assert glutewake(env, "done").returncode == 0
            daemon.wait_for("events are kept safe in")
            log = glutewake(env, "log")
            stats = json.loads(glutewake(env, "stats", "--json").stdout)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        waiting = [line for line in log.stdout.splitlines() if " done " in line]
        assert len(waiting) == 1 and waiting[0].endswith("waiting to be written"), log.stdout
        assert stats["totals"]["done"] == 1
        spill = Path(env["XDG_STATE_HOME"]) / "glutewake" / "spill"
        wait_for(lambda: done_breaks(env) == 1 and not list(spill.glob("*.jsonl")),
                 "the break to move from the spill file into the journal")
        log = glutewake(env, "log")
        stats = json.loads(glutewake(env, "stats", "--json").stdout)
        written = [line for line in log.stdout.splitlines() if " done " in line]
        assert len(written) == 1 and "waiting" not in written[0], log.stdout
        assert stats["totals"]["done"] == 1 and done_breaks(env) == 1
    finally:
        assert daemon.stop() == 0


def test_a_dead_display_means_no_tray_but_a_running_daemon(home):
    env = dict(home, DISPLAY=":97")  # no X server there
    write_config(home, '[breaks]\nevery = "2s"\nsnooze = "2s"\n')
    daemon = Running(env)
    try:
        daemon.wait_for("Time to stand", timeout=15)  # no bus, no display: the console line
        status = glutewake(env, "status").stdout
        assert "Tray: none" in status and "Idle detection: none" in status
        assert "Traceback" not in "\n".join(daemon.lines)
    finally:
        assert daemon.stop() == 0


@pytest.mark.desktop
def test_no_session_bus_falls_back_to_the_console(home, tmp_path):
    require(("Xvfb", "xwininfo", "import", "dbus-daemon", "dunst", "dunstctl", "xdotool",
             "trayer"), gtk=False)
    desktop = Desktop(tmp_path, home)
    desktop.start_x()
    try:
        write_config(desktop.env, '[breaks]\nevery = "2s"\nsnooze = "2s"\n')
        daemon = Running(desktop.env)  # a display, but no DBUS_SESSION_BUS_ADDRESS
        try:
            daemon.wait_for("Time to stand", timeout=15)
            status = glutewake(desktop.env, "status").stdout
            assert "Notifications: console" in status
            assert "Idle detection: X11 screensaver extension" in status
        finally:
            assert daemon.stop() == 0
    finally:
        desktop.stop()


@pytest.mark.desktop
def test_the_tray_host_dying_and_coming_back(tmp_path, home):
    require()
    desktop = Desktop(tmp_path, home).start()
    try:
        write_config(desktop.env, '[breaks]\nevery = "1h"\nsnooze = "2s"\n')
        daemon = Running(dict(desktop.env, PYSTRAY_BACKEND="gtk"))
        try:
            daemon.wait_for("glutewake is watching")
            desktop.tray_icon()
            desktop._stop("trayer", signal.SIGKILL)
            time.sleep(1)
            assert glutewake(desktop.env, "status").returncode == 0
            desktop.start_trayer()
            desktop.tray_icon(timeout=10)  # GTK's status icon docks in the new tray by itself
            assert daemon.proc.poll() is None
        finally:
            assert daemon.stop() == 0
    finally:
        desktop.stop()
