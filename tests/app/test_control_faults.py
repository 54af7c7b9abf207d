"""The control channel under clients that misbehave: silent, too many, too big, too deep, a
daemon out of file descriptors, a stopped daemon, a dangling socket link."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import struct
import subprocess
import sys
import threading
import time
from multiprocessing import connection as mpc

import pytest

from glutewake.app import paths
from glutewake.app.control import ControlServer, read_key, request
from tests.support import Running, glutewake, journal_path, silent_clients


@pytest.fixture
def server(home, monkeypatch):
    monkeypatch.setattr(ControlServer, "DEADLINE", 1.0)
    server = ControlServer(lambda message: {"ok": True, "echo": message}, paths.runtime_dir())
    server.start()
    yield server
    server.close()


def client_threads() -> int:
    return sum(t.name == "control-client" for t in threading.enumerate())


def test_silent_clients_are_dropped_at_their_deadline_and_others_still_get_in(server):
    address = str(server.folder / "control.sock")
    clients = silent_clients(address, 40)  # more than the places there are
    try:
        time.sleep(0.3)
        assert 0 < client_threads() <= ControlServer.MAX_CLIENTS  # a place each, no more
        deadline = time.monotonic() + 6
        while client_threads() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client_threads() == 0  # every silent one dropped at its deadline
        assert request({"cmd": "status"})["ok"]
    finally:
        for sock in clients:
            sock.close()


def authenticated(server) -> mpc.Connection:
    return mpc.Client(str(server.folder / "control.sock"), "AF_UNIX",
                      authkey=read_key(server.folder))


def test_an_oversized_message_gets_a_one_line_refusal(server):
    with authenticated(server) as conn:
        os.write(conn.fileno(), struct.pack("!i", 100 * 1024 * 1024))  # "100 MB follow"
        reply = json.loads(conn.recv_bytes())
    assert not reply["ok"] and "\n" not in reply["text"]


def test_a_deeply_nested_message_gets_a_one_line_refusal(server):
    with authenticated(server) as conn:
        conn.send_bytes(b"[" * 20_000 + b"]" * 20_000)
        reply = json.loads(conn.recv_bytes())
    assert not reply["ok"] and "nested" in reply["text"]


def test_a_dangling_socket_link_is_cleaned_up(home):
    folder = paths.runtime_dir()
    os.symlink(folder / "nowhere", folder / "control.sock")
    server = ControlServer(lambda message: {"ok": True}, folder)
    server.start()
    try:
        assert request({"cmd": "status"})["ok"]
    finally:
        server.close()


def test_a_daemon_out_of_file_descriptors_recovers(home):
    daemon = Running.command(home, ["prlimit", "--nofile=24", sys.executable, "-m", "glutewake",
                                    "run", "--console"])
    try:
        daemon.wait_for("glutewake is watching")
        address = str(paths.runtime_dir() / "control.sock")
        clients = silent_clients(address, 1000)
        time.sleep(1.5)  # the daemon runs out of descriptors and backs off
        for sock in clients:
            sock.close()
        time.sleep(6)  # the clients it did accept reach their deadline
        status = glutewake(home, "status")
        assert status.returncode == 0, status.stderr
        assert daemon.proc.poll() is None
    finally:
        assert daemon.stop() == 0
    said = sum("cannot accept a client" in line for line in daemon.lines)
    assert 1 <= said <= 2, daemon.lines  # it ran out, said so once, and recovered


def test_the_cli_gives_up_on_a_stopped_daemon_and_the_same_command_again_counts_once(home):
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        daemon.proc.send_signal(signal.SIGSTOP)
        started = time.monotonic()
        result = glutewake(home, "done")
        took = time.monotonic() - started
        assert result.returncode == 1 and took < 10
        assert f"pid {daemon.proc.pid}" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        daemon.proc.send_signal(signal.SIGCONT)  # it was only slow: it reads the request now
        again = glutewake(home, "done")  # the person tries again, as told
        assert again.returncode == 0, again.stderr
    finally:
        daemon.proc.send_signal(signal.SIGCONT)
        assert daemon.stop() == 0
    db = sqlite3.connect(journal_path(home))
    done = db.execute("SELECT COUNT(*) FROM events WHERE kind = 'done'").fetchone()[0]
    db.close()
    assert done == 1


def test_prlimit_is_there():
    assert subprocess.run(["prlimit", "--version"], capture_output=True).returncode == 0
