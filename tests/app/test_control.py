"""The control channel: authentication, privacy of its files, single instance."""

import json
import os
from multiprocessing import AuthenticationError
from multiprocessing import connection as mpc

import pytest

from glutewake.app import paths
from glutewake.app.control import (
    MAX_MESSAGE,
    AlreadyRunning,
    ControlServer,
    InstanceLock,
    NotRunning,
    read_key,
    request,
)
from glutewake.core.errors import UserError


@pytest.fixture
def server(home):
    folder = paths.runtime_dir()
    seen = []
    server = ControlServer(lambda message: seen.append(message) or {"ok": True, "echo": message},
                           folder)
    server.start()
    yield server, seen
    server.close()


def test_request_round_trip_with_an_id(server):
    _, seen = server
    reply = request({"cmd": "status"})
    assert reply["ok"] and reply["echo"]["cmd"] == "status"
    assert len(reply["echo"]["id"]) == 16  # every request carries an id for its retry
    assert seen == [reply["echo"]]


def test_files_are_private(server):
    folder = server[0].folder
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert oct((folder / "control.key").stat().st_mode & 0o777) == "0o600"


def test_a_client_with_the_wrong_key_is_refused(server):
    address = str(server[0].folder / "control.sock")
    with pytest.raises(AuthenticationError):
        mpc.Client(address, "AF_UNIX", authkey=b"not the key")
    _, seen = server
    assert seen == []


def test_a_readable_key_file_is_refused_with_the_fix(server):
    key = server[0].folder / "control.key"
    key.chmod(0o644)
    with pytest.raises(UserError) as err:
        read_key(server[0].folder)
    assert f"chmod 600 {key}" in str(err.value)


def test_no_daemon_means_not_running(home):
    with pytest.raises(NotRunning):
        request({"cmd": "status"})


def test_a_stale_socket_is_replaced(home):
    folder = paths.runtime_dir()
    (folder / "control.sock").write_text("left by a crash")
    server = ControlServer(lambda message: {"ok": True}, folder)
    server.start()
    try:
        assert request({"cmd": "x"}) == {"ok": True}
    finally:
        server.close()
    assert not (folder / "control.sock").exists() and not (folder / "control.key").exists()


def test_instance_lock_is_exclusive_and_released(home):
    folder = paths.runtime_dir()
    first = InstanceLock(folder)
    with pytest.raises(AlreadyRunning) as err:
        InstanceLock(folder)
    assert str(err.value) == str(os.getpid())
    first.release()
    InstanceLock(folder).release()
    assert not (folder / "daemon.lock").exists()


def test_a_runtime_dir_others_can_enter_is_refused(home, tmp_path):
    folder = paths.runtime_dir()
    folder.chmod(0o755)
    with pytest.raises(UserError, match="chmod 700"):
        paths.runtime_dir()


def _serving(home, handler):
    server = ControlServer(handler, paths.runtime_dir())
    server.start()
    return server


def test_a_reply_larger_than_the_channel_is_cut_to_fit(home):
    title = "Design review " * 20_000  # 280 KB: four times what the channel carries
    server = _serving(home, lambda message: {"ok": True, "status": {"line": title, "pid": 7}})
    try:
        reply = request({"cmd": "status"})
    finally:
        server.close()
    assert reply["ok"] and reply["status"]["pid"] == 7
    assert (reply["status"]["line"].startswith("Design review")
            and reply["status"]["line"].endswith("…"))
    assert len(json.dumps(reply).encode()) <= MAX_MESSAGE


def test_a_reply_that_cannot_fit_is_a_one_line_error(home):
    many = {str(n): "x" * 40 for n in range(5000)}  # 5,000 short texts: nothing long to cut
    server = _serving(home, lambda message: {"ok": True, "status": many})
    try:
        reply = request({"cmd": "status"})
    finally:
        server.close()
    assert reply["ok"] is False and "too large" in reply["text"] and "\n" not in reply["text"]


def test_an_oversized_reply_from_another_build_is_a_one_line_error(home, monkeypatch):
    from glutewake.app import control

    server = _serving(home, lambda message: {"ok": True, "line": "y" * 200_000})
    monkeypatch.setattr(control, "fit", lambda reply, limit=0: json.dumps(reply).encode())
    try:
        with pytest.raises(UserError) as err:
            request({"cmd": "status"})
    finally:
        server.close()
    assert "\n" not in str(err.value) and "glutewake quit" in str(err.value)


def test_a_request_that_fails_inside_gets_an_answer_and_the_channel_goes_on(home, caplog):
    def handler(message):
        if message["cmd"] == "boom":
            raise RecursionError("maximum recursion depth exceeded")
        return {"ok": True}

    server = _serving(home, handler)
    try:
        reply = request({"cmd": "boom"})
        assert reply["ok"] is False and "the log has the details" in reply["text"]
        assert request({"cmd": "status"}) == {"ok": True}
    finally:
        server.close()
    assert "a request failed" in caplog.text and "RecursionError" in caplog.text
