"""Helpers for tests that run real glutewake processes in an isolated home."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

# The daemon's safety look (GLUTEWAKE_TICK, seconds; a minute by default): each look redraws the
# tray and asks the quiet detectors, so tests see what they wait for within a second or so.
TEST_TICK = "1"


def in_ci() -> bool:
    """Whether the environment demands every test (CI=true): there a test that cannot run fails
    instead of skipping."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> None:
    """Skip with `reason` on a workstation; fail with it in CI."""
    import pytest

    if in_ci():
        pytest.fail(f"{reason} (CI is set: a test that cannot run is a failure)")
    pytest.skip(reason)


def write_config(env: dict[str, str], text: str) -> Path:
    path = Path(env["XDG_CONFIG_HOME"]) / "glutewake" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def journal_path(env: dict[str, str]) -> Path:
    return Path(env["XDG_DATA_HOME"]) / "glutewake" / "journal.sqlite3"


def glutewake(env: dict[str, str], *args: str, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "glutewake", *args], env=env, text=True,
                          capture_output=True, timeout=timeout)


class Running:
    """A `glutewake run` process whose output lines can be awaited."""

    def __init__(self, env: dict[str, str], *args: str, argv: list[str] | None = None,
                 cwd: Path | None = None):
        argv = argv or [sys.executable, "-m", "glutewake", "run", *args]
        self.proc = subprocess.Popen(argv, env=env, text=True, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, cwd=cwd)
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @classmethod
    def command(cls, env: dict[str, str], argv: list[str]) -> Running:
        return cls(env, argv=argv)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.1)
            except queue.Empty:
                if self.proc.poll() is not None and self._queue.empty():
                    break
                continue
            self.lines.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} did not appear; output so far:\n" + "\n".join(self.lines))

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, wait, and keep the last words in `lines`."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        finally:
            self._reader.join(5)
            while not self._queue.empty():
                self.lines.append(self._queue.get())


# A custom exercise whose guided break lasts 11 s: two 4 s holds and a 3 s rest.
QUICK_EXERCISE = """
[[exercises.custom]]
id = "quick-squeeze"
name = "Quick squeeze"
posture = "standing"
equipment = "none"
level = 1
sets = 2
hold = 4
per_side = false
rest = 3
targets = ["gluteus maximus"]
steps = ["Stand tall.", "Squeeze both sides.", "Let go slowly."]
cue = "Breathe out as you squeeze."
"""


def stray_module(folder: Path, name: str = "bisect") -> Path:
    """A `name`.py in `folder` that, when imported, notes it in the file returned and then works
    as the standard library's module does: a program started in `folder` must never import it."""
    import sysconfig

    marker = folder / f"{name}-was-imported"
    real = Path(sysconfig.get_paths()["stdlib"]) / f"{name}.py"
    (folder / f"{name}.py").write_text(
        f"with open({str(marker)!r}, 'a') as note:\n    note.write('imported\\n')\n"
        f"exec(compile(open({str(real)!r}).read(), {str(real)!r}, 'exec'))\n")
    return marker


class Server:
    """A loopback HTTP or HTTPS server: `routes` maps a path to (status, headers, body), where
    the body may be a function of the request handler that returns all three. It records each
    request's path and headers, and can answer slowly."""

    def __init__(self, routes: dict, tls: tuple[str, str] | None = None, delay: float = 0.0):
        import http.server
        import ssl
        import threading
        import time

        self.routes, self.requests = routes, []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, self.headers))
                time.sleep(delay)
                status, headers, body = server.routes.get(self.path, (404, {}, b"none"))
                if callable(body):
                    status, headers, body = body(self)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def address(self, path: str, login: str = "") -> str:
        return f"{self.scheme}://{login + '@' if login else ''}127.0.0.1:{self.port}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def command_lines() -> list[str]:
    """Every process's command line, as anyone on the machine can read them."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                found.append(Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ")
                             .decode("utf-8", "replace"))
            except OSError:
                pass
    return found


def silent_clients(address: str, count: int, wait: float = 0.05) -> list:
    """Up to `count` control-socket clients that connect and say nothing; fewer when the
    daemon's backlog is full (a connect that would wait longer than `wait` gives up)."""
    import socket

    clients = []
    for _ in range(count):
        sock = socket.socket(socket.AF_UNIX)
        sock.settimeout(wait)
        try:
            sock.connect(address)
        except OSError:
            sock.close()
            continue
        clients.append(sock)
    return clients


def spill_with_a_bad_line(env: dict[str, str], good: int) -> Path:
    """A spill file as a daemon that could not write its journal leaves it, with `good` breaks
    done an hour ago and, among them, one whose time lies in the year three billion."""
    import json

    folder = Path(env["XDG_STATE_HOME"]) / "glutewake" / "spill"
    folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    lines = [{"uid": f"{n:032x}", "record": {"kind": "done", "wall": time.time() - 3600 + n,
                                            "sitting": 60.0, "exercise": "wall-lean"}}
             for n in range(good)]
    lines.insert(good // 2, {"uid": "f" * 32, "record": {"kind": "done", "wall": 1e20,
                                                         "sitting": 60.0}})
    path = folder / "pending-1-1.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    path.chmod(0o600)
    return path
