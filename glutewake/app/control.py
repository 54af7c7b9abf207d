"""The local control channel: one daemon per user, and CLI commands that reach it.

An exclusive lock file marks the running daemon. Commands travel as JSON over a
`multiprocessing.connection` socket (a named pipe on Windows) in a directory only the user can
enter, after the library's HMAC challenge with a random key from a 0600 file. Nothing is ever
unpickled: only `send_bytes`/`recv_bytes` are used.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
import threading
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing import connection as mpc
from pathlib import Path

from ..core.errors import UserError
from .paths import check_private, runtime_dir



def _log():
    import logging  # the daemon has it loaded; a CLI call should not pay for it

    return logging.getLogger(__name__)

MAX_MESSAGE = 64 * 1024
Handler = Callable[[dict], dict]


class NotRunning(Exception):
    pass


class AlreadyRunning(Exception):
    pass


def _address(folder: Path) -> tuple[str, str]:
    if sys.platform == "win32":
        return rf"\\.\pipe\glutewake-{getpass.getuser()}", "AF_PIPE"
    return str(folder / "control.sock"), "AF_UNIX"


def _key_file(folder: Path) -> Path:
    return folder / "control.key"


class InstanceLock:
    """Held for the daemon's whole life; a second daemon cannot take it. `path` is the lock
    file, or a folder to hold `daemon.lock`."""

    def __init__(self, path: Path):
        self.path = path / "daemon.lock" if path.is_dir() else path
        while True:
            self._file = _open_for_lock(self.path)
            try:
                _lock(self._file)
            except OSError:
                self._file.seek(0)
                pid = self._file.read().strip() or "unknown"
                self._file.close()
                raise AlreadyRunning(pid) from None
            # The daemon before us may have removed the file between our open and our lock.
            if _same_file(self._file, self.path):
                break
            self._file.close()
        if self._file.writable():
            self._file.seek(0)
            self._file.truncate()
            self._file.write(str(os.getpid()))
            self._file.flush()

    def release(self) -> None:
        if sys.platform == "win32":  # Windows cannot remove an open file; its lock dies with it
            self._file.close()
            return
        try:
            self.path.unlink(missing_ok=True)  # while still locked: nobody can hold the old file
        except OSError:
            pass  # a read-only folder keeps the file; the lock still dies with us
        self._file.close()


def _open_for_lock(path: Path):
    try:
        return open(path, "a+")
    except PermissionError:
        if not path.exists():
            raise
        return open(path, "r")  # a read-only folder: flock works on a file opened for reading


def journal_lock(journal: Path) -> InstanceLock | None:
    """The lock next to the journal: one journal, one daemon, whatever the runtime folder (a
    second daemon from ssh or cron has another). None, logged, when the folder cannot hold it."""
    try:
        journal.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return InstanceLock(journal.with_name(journal.name + ".lock"))
    except AlreadyRunning:
        raise
    except OSError as err:
        _log().warning("cannot lock %s (%s); only the runtime folder's lock keeps a second "
                       "daemon out", journal.parent, err.strerror or err)
        return None


def _lock(file) -> None:
    if sys.platform == "win32":
        import msvcrt

        file.seek(0)
        msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _same_file(file, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(file.fileno()), os.stat(path))
    except OSError:
        return False


class ControlServer:
    def __init__(self, handler: Handler, folder: Path | None = None):
        self.folder = folder or runtime_dir()
        self._handler = handler
        self._key = os.urandom(32)
        key_file = _key_file(self.folder)
        key_file.unlink(missing_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(self._key)
        address, family = _address(self.folder)
        if family == "AF_UNIX" and os.path.exists(address):
            os.unlink(address)  # left by a daemon that crashed: we hold the instance lock
        # Authentication happens per connection in its own thread, so a silent client cannot
        # stall the accept loop.
        self._listener = mpc.Listener(address, family)
        self._thread = threading.Thread(target=self._accept_loop, name="control", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._listener.close()  # also removes the socket file
        _key_file(self.folder).unlink(missing_ok=True)

    def _accept_loop(self) -> None:
        while True:
            try:
                conn = self._listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(conn,), name="control-client",
                             daemon=True).start()

    def _serve(self, conn: mpc.Connection) -> None:
        try:
            mpc.deliver_challenge(conn, self._key)
            mpc.answer_challenge(conn, self._key)
            if not conn.poll(10):
                return
            request = json.loads(conn.recv_bytes(MAX_MESSAGE))
            if not isinstance(request, dict):
                raise ValueError("request is not an object")
            reply = self._handler(request)
            conn.send_bytes(json.dumps(reply).encode())
        except AuthenticationError:
            _log().warning("control: refused a client with the wrong key")
        except (OSError, EOFError, ValueError) as err:
            _log().warning("control: dropped a bad request (%s)", err)
        finally:
            conn.close()


def read_key(folder: Path) -> bytes:
    key_file = _key_file(folder)
    try:
        check_private(folder)
        check_private(key_file)
        return key_file.read_bytes()
    except FileNotFoundError:
        raise NotRunning() from None


def request(message: dict, timeout: float = 10.0) -> dict:
    """Send one command to the running daemon and return its reply."""
    folder = runtime_dir(create=False)
    if not folder.exists():
        raise NotRunning()
    key = read_key(folder)
    address, family = _address(folder)
    try:
        conn = mpc.Client(address, family, authkey=key)
    except (FileNotFoundError, ConnectionRefusedError):
        raise NotRunning() from None
    except AuthenticationError:
        raise UserError(str(_key_file(folder)), "does not match the running glutewake; "
                        "stop it (`glutewake quit`) and start it again") from None
    with conn:
        conn.send_bytes(json.dumps(message).encode())
        if not conn.poll(timeout):
            raise UserError("glutewake", f"the running daemon did not answer within {timeout:.0f} s")
        return json.loads(conn.recv_bytes(MAX_MESSAGE))
