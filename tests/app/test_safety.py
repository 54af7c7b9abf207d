"""Nothing acknowledged is lost or doubled, whatever the disk, the signals or a second daemon do.
Real `glutewake run` processes in a private home; the CLI as a person would use it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.support import Running, glutewake, journal_path, write_config
from tests.support.desktop import wait_for

FAST = '[breaks]\nevery = "2s"\nsnooze = "1s"\nremind_again = "1s"\nnatural_break = "1h"\n'


def kinds(env) -> list[str]:
    """The kinds in the journal, in order; none while the daemon is still making its table."""
    db = sqlite3.connect(journal_path(env))
    try:
        return [row[0] for row in db.execute("SELECT kind FROM events ORDER BY id")]
    except sqlite3.OperationalError as err:
        if "no such table" not in str(err):
            raise
        return []
    finally:
        db.close()


def kinds_once_made(env) -> list[str]:
    """The kinds, or none while the daemon is still making the journal (file, then table)."""
    try:
        return kinds(env) if journal_path(env).exists() else []
    except sqlite3.OperationalError:
        return []


def spill_files(env) -> list[Path]:
    found = []
    for base in (env["XDG_STATE_HOME"], env["XDG_RUNTIME_DIR"]):
        found += Path(base, "glutewake", "spill").glob("*.jsonl")
    return found


def test_sighup_takes_the_same_clean_way_out_as_sigterm(home):
    daemon = Running(home, "--console")
    daemon.wait_for("glutewake is watching")
    daemon.proc.send_signal(signal.SIGHUP)
    assert daemon.proc.wait(10) == 0
    daemon.stop()
    assert "glutewake stopped." in daemon.lines
    assert kinds(home)[-1] == "stopped"
    runtime = Path(home["XDG_RUNTIME_DIR"], "glutewake")
    assert not (runtime / "control.sock").exists() and not (runtime / "daemon.lock").exists()
    assert not Path(f"{journal_path(home)}.lock").exists()


def test_one_journal_one_daemon_even_from_another_runtime_folder(home, tmp_path):
    first = Running(home, "--console")
    try:
        first.wait_for("glutewake is watching")
        elsewhere = tmp_path / "other-run"
        elsewhere.mkdir(mode=0o700)
        second = subprocess.run([sys.executable, "-m", "glutewake", "run", "--console"],
                                env={**home, "XDG_RUNTIME_DIR": str(elsewhere)}, text=True,
                                capture_output=True, timeout=20)
        assert second.returncode == 1 and "already running" in second.stderr
        assert first.proc.poll() is None
    finally:
        assert first.stop() == 0


def test_a_data_folder_that_cannot_be_written_keeps_breaks_and_writes_them_later(home):
    write_config(home, FAST)
    blocker = journal_path(home).parent
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the data folder should be")
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("Time to stand")
        done = glutewake(home, "done")
        assert done.returncode == 0 and done.stdout.startswith("Break logged")
        status = glutewake(home, "status").stdout
        assert "kept safe, not written yet" in status, status
        assert spill_files(home), "the acknowledged break is on disk before the answer"
        blocker.unlink()  # the folder can be made now
        wait_for(lambda: "done" in kinds_once_made(home), "the kept break to reach the journal",
                 timeout=15)
        assert not spill_files(home)
    finally:
        assert daemon.stop() == 0
    assert kinds(home).count("done") == 1


def test_a_busy_journal_does_not_hold_up_the_answer_or_double_the_break(home):
    write_config(home, FAST)
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("Time to stand")
        holder = sqlite3.connect(journal_path(home), timeout=5, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another program writing, for a long while
        try:
            started = time.monotonic()
            done = glutewake(home, "done")
            took = time.monotonic() - started
            assert done.returncode == 0 and done.stdout.startswith("Break logged"), done.stderr
            assert took < 4, f"the answer waited {took:.1f} s on the disk"
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        wait_for(lambda: "done" in kinds(home), "the break to be written once the lock is gone",
                 timeout=15)
    finally:
        assert daemon.stop() == 0
    assert kinds(home).count("done") == 1 and not spill_files(home)


def test_a_journal_deleted_while_running_is_started_again(home):
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        wait_for(lambda: journal_path(home).exists(), "the journal", timeout=15)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{journal_path(home)}{suffix}").unlink(missing_ok=True)
        assert glutewake(home, "done").returncode == 0
        assert kinds(home) == ["done"]
    finally:
        assert daemon.stop() == 0
    assert kinds(home) == ["done", "stopped"]
    assert any("removed or replaced" in line for line in daemon.lines)


def test_a_damaged_journal_is_reported_by_readers_and_left_where_it_is(home):
    path = journal_path(home)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database" * 200)
    for command in (["stats"], ["log"], ["export"]):
        result = glutewake(home, *command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert str(path) in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert path.read_bytes().startswith(b"not a database")
    assert not list(path.parent.glob("*.corrupt-*"))


def test_what_the_daemon_writes_is_private(home):
    write_config(home, FAST)
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("Time to stand")
        assert glutewake(home, "done").returncode == 0
    finally:
        assert daemon.stop() == 0
    data = journal_path(home).parent
    log = Path(home["XDG_STATE_HOME"], "glutewake", "log", "glutewake.log")
    for folder in (data, log.parent):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    for file in [p for p in data.iterdir() if p.is_file()] + [log]:
        assert file.stat().st_mode & 0o077 == 0, file
    assert os.stat(journal_path(home)).st_mode & 0o777 == 0o600


def test_a_fifo_for_settings_neither_hangs_nor_stops_the_daemon(home):
    path = write_config(home, "")
    path.unlink()
    os.mkfifo(path)
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("glutewake is watching", timeout=10)
        status = glutewake(home, "status")
        assert status.returncode == 0 and "Sitting" in status.stdout
    finally:
        assert daemon.stop() == 0
    assert any("not a regular file" in line for line in daemon.lines)
