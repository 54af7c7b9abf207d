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
import time
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing import connection as mpc
from pathlib import Path

from ..core.errors import UserError
from ..i18n import _
from ..threads import spawn
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
        return open(path)  # a read-only folder: flock works on a file opened for reading


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
    """Answers CLI commands. A client gets a thread of its own, a deadline for the handshake
    and its request, and one of MAX_CLIENTS places; whatever a client does or fails to do, the
    accept loop goes on (out of file descriptors: it waits and tries again)."""

    MAX_CLIENTS = 16
    DEADLINE = 5.0  # seconds a client has for the handshake, and again for its request

    def __init__(self, handler: Handler, folder: Path | None = None):
        self.folder = folder or runtime_dir()
        self._handler = handler
        self._key = os.urandom(32)
        key_file = _key_file(self.folder)
        key_file.unlink(missing_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(self._key)
        address, family = _address(self.folder)
        if family == "AF_UNIX" and os.path.lexists(address):
            os.unlink(address)  # left by a crash (or a dangling link): we hold the instance lock
        self._listener = mpc.Listener(address, family, backlog=self.MAX_CLIENTS)
        self._places = threading.BoundedSemaphore(self.MAX_CLIENTS)
        self._closed = threading.Event()

    def start(self) -> None:
        spawn("control", self._accept_loop)

    def close(self) -> None:
        self._closed.set()
        self._listener.close()  # also removes the socket file
        _key_file(self.folder).unlink(missing_ok=True)

    def _accept_loop(self) -> None:
        backoff, said, said_at = 0.05, "", 0.0
        while not self._closed.is_set():
            try:
                conn = self._listener.accept()
            except (OSError, EOFError) as err:
                if self._closed.is_set():
                    return
                # EMFILE and the like: say so (once a minute at most), wait a little longer
                # each time, go on
                if str(err) != said or time.monotonic() - said_at > 60:
                    said, said_at = str(err), time.monotonic()
                    _log().warning("control: cannot accept a client (%s); trying again", err)
                self._closed.wait(backoff)
                backoff = min(2.0, backoff * 2)
                continue
            except AuthenticationError:  # raised by accept() only with an authkey; not ours
                continue
            backoff = 0.05
            # All places taken: wait a little for one (later clients wait in the backlog),
            # then refuse this one.
            if not self._places.acquire(timeout=self.DEADLINE / 2):
                _log().warning("control: %d clients at once; refusing one more", self.MAX_CLIENTS)
                conn.close()
                continue
            try:
                spawn("control-client", self._serve, conn)
            except RuntimeError:  # no thread to be had: refuse this client, keep the loop
                self._places.release()
                conn.close()

    def _serve(self, conn: mpc.Connection) -> None:
        try:
            _deadline(conn, self.DEADLINE)
            mpc.deliver_challenge(conn, self._key)
            mpc.answer_challenge(conn, self._key)
            if not conn.poll(self.DEADLINE):
                return
            try:
                request = json.loads(conn.recv_bytes(MAX_MESSAGE))
            except RecursionError:
                raise ValueError("the request is nested too deeply") from None
            if not isinstance(request, dict):
                raise ValueError("the request is not a JSON object")
            conn.send_bytes(fit(self._handler(request)))
        except AuthenticationError:
            _log().warning("control: refused a client with the wrong key")
        except (OSError, EOFError) as err:  # silent past its deadline, gone, or too big
            _log().info("control: dropped a client (%s)", err)
            _try_reply(conn, {"ok": False, "usage": True, "text": f"control: {err}"})
        except ValueError as err:
            _log().warning("control: refused a bad request (%s)", err)
            _try_reply(conn, {"ok": False, "usage": True, "text": f"control: {err}"})
        except Exception:  # a bug in one request must not take the control channel down
            _log().exception("control: a request failed")
            _try_reply(conn, {"ok": False, "text": _(
                "control: the request failed inside glutewake; the log has the details")})
        finally:
            conn.close()
            self._places.release()


def _deadline(conn: mpc.Connection, seconds: float) -> None:
    """A blocked read or write on the connection gives up after `seconds` (the kernel's socket
    timeouts: the connection stays a plain blocking file descriptor, as multiprocessing wants)."""
    if sys.platform == "win32":
        return  # named pipes: the client's own timeout and the daemon's thread per client do
    import socket
    import struct

    sock = socket.socket(fileno=os.dup(conn.fileno()))
    try:
        value = struct.pack("ll", int(seconds), int(seconds % 1 * 1e6))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, value)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, value)
    finally:
        sock.close()


def fit(reply: dict, limit: int = MAX_MESSAGE) -> bytes:
    """`reply` as JSON within `limit` bytes: the longest texts in it are cut (with an ellipsis)
    until it fits, so an outside text of any size (a calendar title) never breaks a reply. What
    cannot be made to fit becomes a one-line error."""
    data = json.dumps(reply).encode()
    while len(data) > limit:
        longest = max(_texts(reply), key=lambda found: len(found[0][found[1]]), default=None)
        if longest is None or len(longest[0][longest[1]]) < 64:
            return json.dumps({"ok": False, "text": _(
                "control: the reply was too large to send ({size} KB); the log has the details",
                size=len(data) // 1024)}).encode()
        holder, key = longest
        holder[key] = holder[key][:len(holder[key]) // 2] + "…"
        data = json.dumps(reply).encode()
    return data


def _texts(value) -> list[tuple]:
    """(container, key) of every string in a JSON value, to cut the longest."""
    found: list[tuple] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(item, str):
            found.append((value, key))
        elif isinstance(item, (dict, list)):
            found.extend(_texts(item))
    return found


def _try_reply(conn: mpc.Connection, reply: dict) -> None:
    try:
        conn.send_bytes(json.dumps(reply).encode())
    except (OSError, ValueError):
        pass


def read_key(folder: Path) -> bytes:
    key_file = _key_file(folder)
    try:
        check_private(folder)
        check_private(key_file)
        return key_file.read_bytes()
    except FileNotFoundError:
        raise NotRunning() from None


def daemon_pid(folder: Path) -> str:
    try:
        return (folder / "daemon.lock").read_text().strip() or "unknown"
    except OSError:
        return "unknown"


class NoAnswer(Exception):
    """The daemon is there but did not answer in time; the message is one line."""


def request(message: dict, timeout: float = 3.0) -> dict:
    """Send one command to the running daemon and return its reply.

    Every request carries an id, and the daemon answers an id it has seen with its first answer.
    The CLI tries twice with the same id; when it gives up, it keeps the id for a few minutes,
    so that `glutewake done` typed again after "did not answer" is the same request: a daemon
    that was only slow counts the break once."""
    folder = runtime_dir(create=False)
    if not folder.exists():
        raise NotRunning()
    key = read_key(folder)
    unanswered = _Unanswered(folder, message)
    message = {**message, "id": unanswered.id}
    for attempt in (1, 2):
        try:
            reply = _ask(folder, key, message, timeout)
        except NoAnswer:
            if attempt == 1:
                time.sleep(0.3)
                continue
            unanswered.keep()
            pid = daemon_pid(folder)
            raise NoAnswer(_("the running glutewake (pid {pid}) did not answer within {seconds} "
                             "s; try the same command again (it will not count twice), or stop "
                             "it with `kill {pid}` and start it again", pid=pid,
                             seconds=round(2 * timeout))) from None
        unanswered.forget()
        return reply
    raise AssertionError("unreachable")


class _Unanswered:
    """The id of a request that got no answer, kept (0600, in the private runtime folder) so
    that the same command typed again within RETRY_WINDOW seconds reuses it."""

    RETRY_WINDOW = 300

    def __init__(self, folder: Path, message: dict):
        self._message = {k: v for k, v in message.items() if k != "id"}
        self._path = folder / f"unanswered-{str(message.get('cmd'))[:20]}.json"
        self.id = os.urandom(8).hex()
        try:
            kept = json.loads(self._path.read_text())
            if (kept["message"] == self._message
                    and 0 <= time.time() - kept["time"] < self.RETRY_WINDOW):
                self.id = kept["id"]
        except (OSError, ValueError, KeyError, TypeError):
            pass

    def keep(self) -> None:
        try:
            fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC
                         | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(fd, "w") as out:
                json.dump({"id": self.id, "message": self._message, "time": time.time()}, out)
        except OSError:
            pass

    def forget(self) -> None:
        try:
            self._path.unlink()
        except OSError:
            pass


def _ask(folder: Path, key: bytes, message: dict, timeout: float) -> dict:
    address, family = _address(folder)
    try:
        conn = _connect(address, family, timeout)
    except (FileNotFoundError, ConnectionRefusedError):
        raise NotRunning() from None
    except (BlockingIOError, TimeoutError, InterruptedError):
        raise NoAnswer() from None
    try:
        try:
            mpc.answer_challenge(conn, key)
            mpc.deliver_challenge(conn, key)
        except AuthenticationError:
            raise UserError(str(_key_file(folder)), _(
                "does not match the running glutewake; stop it (`glutewake quit`) and start it "
                "again")) from None
        conn.send_bytes(json.dumps(message).encode())
        if not conn.poll(timeout):
            raise NoAnswer()
        try:
            reply = json.loads(conn.recv_bytes(MAX_MESSAGE))
        except (OSError, ValueError, RecursionError) as err:  # too large, or not JSON
            if isinstance(err, (BlockingIOError, TimeoutError, ConnectionResetError)):
                raise
            raise UserError(_("the running glutewake"), _(
                "sent a reply this glutewake cannot read ({error}); are both the same "
                "version? Stop it (`glutewake quit`) and start it again", error=err)) from None
        if not isinstance(reply, dict):
            raise UserError(_("the running glutewake"), _(
                "sent a reply that is not a JSON object; stop it (`glutewake quit`) and start it "
                "again"))
        return reply
    except (BlockingIOError, TimeoutError, EOFError, ConnectionResetError):
        raise NoAnswer() from None
    finally:
        conn.close()


def _connect(address: str, family: str, timeout: float) -> mpc.Connection:
    if family != "AF_UNIX":
        return mpc.Client(address, family)
    import socket
    import struct

    sock = socket.socket(socket.AF_UNIX)
    value = struct.pack("ll", int(timeout), int(timeout % 1 * 1e6))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, value)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, value)  # bounds connect() too
    try:
        sock.connect(address)
    except BaseException:
        sock.close()
        raise
    return mpc.Connection(sock.detach())
