"""Idle time told by the Wayland compositor itself, for desktops other than GNOME.

Two protocols say when the seat has had no input for a chosen time: ext-idle-notify-v1 (KWin
5.27, sway 1.9+, Hyprland, ...) and the older KDE idle protocol, org_kde_kwin_idle (sway 1.7 and
other wlroots 0.15 compositors; its bindings are vendored in protocols/). Neither tells the idle
time itself, only that it passed the time asked for, so the source asks to hear when no input
came for the natural-break time and reads:

- 0.0 while input is recent (below the natural-break time the coach counts it as sitting anyway),
- the natural-break time plus the time since the compositor said "idle", after that,
- None (unknown) while the compositor is gone.

One daemon thread, "wayland-idle", owns the connection: it sleeps in select() on the display's
descriptor and a wake-up pipe, dispatches what arrives, re-arms the notification when the
natural-break time changes, and reconnects after the compositor went away (waiting 2, 4, 8, ...
up to 60 s between tries, and only while it is away). `on_change` is called from that thread
after idle, resume, loss and return, so the daemon looks at once instead of at its next tick.

The connection is always closed with `Display.disconnect()` (by `close()`, when the compositor
goes, or at interpreter exit): pywayland crashes the process at exit if a display is still
connected then.
"""

from __future__ import annotations

import atexit
import logging
import os
import select
import threading
import time
import weakref
from collections.abc import Callable, Mapping

from ..core.ports import IdleSource
from ..threads import spawn

log = logging.getLogger(__name__)

HANDSHAKE_TIMEOUT = 5.0  # seconds a compositor may take to list its globals
RETRY_FIRST, RETRY_LONGEST = 2.0, 60.0  # seconds between reconnection attempts
LONGEST_TIMEOUT_MS = 2**32 - 1  # the protocols' timeout is a uint32 of milliseconds


def display_path(environ: Mapping[str, str] = os.environ) -> str | None:
    """The compositor's socket from WAYLAND_DISPLAY (a full path, or a name in XDG_RUNTIME_DIR),
    or None when there is no Wayland display to talk to."""
    name = environ.get("WAYLAND_DISPLAY", "")
    if not name:
        return None
    if os.path.isabs(name):
        return name
    runtime = environ.get("XDG_RUNTIME_DIR", "")
    return os.path.join(runtime, name) if runtime else None


class _Watch:
    """One idle notification asked of the compositor: its timeout, and when it said idle."""

    def __init__(self, proxy, seconds: float):
        self.proxy = proxy
        self.seconds = seconds
        self.idled_at: float | None = None  # monotonic time of the idle event, None when active


class _Link:
    """A live connection: the display, the seat, the protocol's manager and its watches."""

    def __init__(self, display, seat, manager):
        self.display = display
        self.seat = seat
        self.manager = manager
        self.watches: list[_Watch] = []

    def close(self) -> None:
        try:
            self.display.disconnect()
        except Exception as err:  # noqa: BLE001 - a broken connection still gets freed
            log.debug("idle: disconnecting from the compositor failed (%s)", err)


_open: weakref.WeakSet[WaylandIdle] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for source in list(_open):
        source.close()


class WaylandIdle(IdleSource):
    """What both protocols share; the subclasses name the global, its requests and events."""

    name = "Wayland idle"
    global_name = ""
    idle_event = "idled"

    def __init__(self, display: str, threshold: Callable[[], float],
                 on_change: Callable[[], None] = lambda: None):
        self.unknown_since: float | None = None  # wall time the compositor went; None while here
        self._where = display
        self._threshold = threshold
        self._on_change = on_change
        self._wanted = self._read_threshold(300.0)
        self._lock = threading.Lock()  # guards the watches' idle times and `_lost`
        self._lost = False
        self._closing = False
        self._changed = False  # an event arrived that the daemon should look at
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        try:
            self._link: _Link | None = self._connect()
        except BaseException:
            os.close(self._wake_r)
            os.close(self._wake_w)
            raise
        _open.add(self)
        self._thread = spawn("wayland-idle", self._run)

    # --- what the daemon asks, from any thread ---

    def idle_seconds(self) -> float | None:
        wanted = self._read_threshold(self._wanted)
        if wanted != self._wanted:
            self._wanted = wanted
            self._wake()  # the thread re-arms; until then the old notification answers
        with self._lock:
            if self._lost or self._closing:
                return None
            starts = [w.idled_at - w.seconds for w in self._watches() if w.idled_at is not None]
        if not starts:
            return 0.0
        return max(0.0, time.monotonic() - min(starts))

    def close(self) -> None:
        """Stop the thread and disconnect; idle time reads as unknown afterwards."""
        if self._closing:
            return
        self._closing = True
        _open.discard(self)
        self._wake()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(3.0)
        if self._thread.is_alive():
            log.warning("idle: the %s thread did not stop; leaving it", self.name)
            return
        if self._link is not None:  # the thread ended without closing it (it never ran)
            self._link.close()
            self._link = None
        for fd in (self._wake_r, self._wake_w):
            try:
                os.close(fd)
            except OSError:
                pass

    # --- the protocol, per subclass ---

    def _bind_manager(self, registry, name: int, version: int):
        raise NotImplementedError

    def _ask(self, manager, seat, milliseconds: int):
        raise NotImplementedError

    def _release(self, proxy) -> None:
        proxy.destroy()

    # --- the connection, on the wayland-idle thread (and in __init__, before it starts) ---

    def _connect(self) -> _Link:
        from pywayland.client import Display
        from pywayland.protocol.wayland import WlSeat

        display = Display(self._where)
        display.connect()  # ValueError when nobody listens there
        try:
            found: dict[str, tuple[int, int]] = {}

            def announced(_registry, name: int, interface: str, version: int) -> None:
                # a handler must return None (or an int): pywayland hands its result to C
                found.setdefault(interface, (name, version))

            registry = display.get_registry()
            registry.dispatcher["global"] = announced
            _roundtrip(display)
            if self.global_name not in found:
                raise RuntimeError(f"the compositor at {self._where} offers no "
                                   f"{self.global_name}")
            if "wl_seat" not in found:
                raise RuntimeError(f"the compositor at {self._where} has no seat (wl_seat)")
            seat = registry.bind(found["wl_seat"][0], WlSeat, 1)
            manager = self._bind_manager(registry, *found[self.global_name])
            link = _Link(display, seat, manager)
            self._arm(link, self._wanted)
            _roundtrip(display)  # a protocol error shows here rather than later
        except BaseException:
            display.disconnect()
            raise
        return link

    def _arm(self, link: _Link, seconds: float) -> None:
        """Ask to hear about `seconds` without input. Notifications that said idle stay until
        they say resumed (a new one knows nothing of the time already idle); the rest go."""
        with self._lock:
            keep = []
            for watch in link.watches:
                if watch.idled_at is None:
                    self._release(watch.proxy)
                else:
                    keep.append(watch)
            ms = min(LONGEST_TIMEOUT_MS, max(0, round(seconds * 1000)))
            watch = _Watch(self._ask(link.manager, link.seat, ms), seconds)
            watch.proxy.dispatcher[self.idle_event] = lambda _p, w=watch: self._idled(w)
            watch.proxy.dispatcher["resumed"] = lambda _p, w=watch: self._resumed(link, w)
            link.watches = keep + [watch]

    def _idled(self, watch: _Watch) -> None:
        with self._lock:
            watch.idled_at = time.monotonic()
        log.info("idle: %s says no input for %g s", self.name, watch.seconds)
        self._changed = True

    def _resumed(self, link: _Link, watch: _Watch) -> None:
        with self._lock:
            watch.idled_at = None
            if watch is not link.watches[-1]:  # an old threshold's notification: done with it
                link.watches.remove(watch)
                self._release(watch.proxy)
        log.info("idle: %s says input resumed", self.name)
        self._changed = True

    def _watches(self) -> list[_Watch]:
        link = self._link
        return link.watches if link is not None else []

    def _run(self) -> None:
        wait = RETRY_FIRST
        while not self._closing:
            if self._link is None:
                try:
                    link = self._connect()
                except Exception as err:  # noqa: BLE001 - still away: try again later
                    log.debug("idle: %s not back yet (%s)", self.name, err)
                    self._sleep(wait)
                    wait = min(RETRY_LONGEST, wait * 2)
                    continue
                with self._lock:
                    self._link, self._lost = link, False
                self.unknown_since = None
                wait = RETRY_FIRST
                log.info("idle: %s answers again", self.name)
                self._tell()
            try:
                self._serve(self._link)
            except Exception as err:  # noqa: BLE001 - the compositor went away or broke the link
                if not self._closing:
                    with self._lock:
                        self._lost = True
                    self.unknown_since = time.time()
                    log.warning("idle: %s stopped answering (%s); idle time unknown until the "
                                "compositor is back", self.name, err)
            finally:
                link, self._link = self._link, None
                if link is not None:
                    link.close()
            if not self._closing:
                self._tell()

    def _serve(self, link: _Link) -> None:
        """Wait for events and re-arm requests until closing; raise when the connection breaks."""
        display = link.display
        fd = display.get_fd()
        while not self._closing:
            if link.watches[-1].seconds != self._wanted:
                self._arm(link, self._wanted)
                log.info("idle: %s now waits for %g s without input", self.name, self._wanted)
            display.flush()
            readable, _, _ = select.select([fd, self._wake_r], [], [])
            if self._wake_r in readable:
                self._drain()
            if fd in readable:
                try:
                    display.dispatch(block=True)  # reads what select saw
                except RuntimeError as err:  # pywayland says "Failed with error: <errno>"
                    code = str(err).rpartition(" ")[2]
                    why = os.strerror(int(code)) if code.isdigit() else str(err)
                    raise ConnectionError(f"the connection to {self._where} broke: {why}") \
                        from None
            if self._changed:
                self._changed = False
                self._tell()

    def _tell(self) -> None:
        try:
            self._on_change()
        except Exception:  # noqa: BLE001 - the daemon's trouble must not end this thread
            log.exception("idle: the change callback failed")

    def _sleep(self, seconds: float) -> None:
        readable, _, _ = select.select([self._wake_r], [], [], seconds)
        if readable:
            self._drain()

    def _wake(self) -> None:
        try:
            os.write(self._wake_w, b"x")
        except OSError:  # the pipe is full (the thread wakes anyway) or closed
            pass

    def _drain(self) -> None:
        try:
            os.read(self._wake_r, 4096)
        except OSError:
            pass

    def _read_threshold(self, fallback: float) -> float:
        try:
            value = float(self._threshold())
        except Exception as err:  # noqa: BLE001 - keep the time in force
            log.warning("idle: cannot read the natural-break time (%s); keeping %.0f s",
                        err, fallback)
            return fallback
        return value if value >= 0 else fallback


class ExtIdleNotify(WaylandIdle):
    """ext-idle-notify-v1. Version 2 can ignore idle inhibitors (a film playing): the coach
    weighs those itself, so the input-only notification is used where offered."""

    name = "Wayland ext-idle-notify-v1"
    global_name = "ext_idle_notifier_v1"
    idle_event = "idled"

    def _bind_manager(self, registry, name: int, version: int):
        from pywayland.protocol.ext_idle_notify_v1 import ExtIdleNotifierV1

        self._version = min(version, 2)
        return registry.bind(name, ExtIdleNotifierV1, self._version)

    def _ask(self, manager, seat, milliseconds: int):
        if self._version >= 2:
            return manager.get_input_idle_notification(milliseconds, seat)
        return manager.get_idle_notification(milliseconds, seat)


class KdeIdle(WaylandIdle):
    """org_kde_kwin_idle, the protocol ext-idle-notify-v1 replaced."""

    name = "Wayland KDE idle (org_kde_kwin_idle)"
    global_name = "org_kde_kwin_idle"
    idle_event = "idle"

    def _bind_manager(self, registry, name: int, version: int):
        from .protocols.idle import OrgKdeKwinIdle

        return registry.bind(name, OrgKdeKwinIdle, 1)

    def _ask(self, manager, seat, milliseconds: int):
        return manager.get_idle_timeout(seat, milliseconds)

    def _release(self, proxy) -> None:
        proxy.release()


def _roundtrip(display, timeout: float = HANDSHAKE_TIMEOUT) -> None:
    """Like Display.roundtrip(), but a compositor that does not answer in `timeout` seconds is
    an error instead of a hang."""
    done: list[bool] = []
    callback = display.sync()
    callback.dispatcher["done"] = lambda *_: done.append(True)
    fd = display.get_fd()
    deadline = time.monotonic() + timeout
    while not done:
        display.flush()
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the compositor did not answer within {timeout:.0f} s")
        readable, _, _ = select.select([fd], [], [], left)
        if readable:
            display.dispatch(block=True)
