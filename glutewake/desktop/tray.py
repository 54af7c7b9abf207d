"""The tray icon through pystray: appindicator, gtk or xorg on Linux, win32, darwin.

pystray picks its backend when it is imported and may raise instead of falling back, so it is
imported here, lazily, and any failure means "no tray" (notifications and the CLI still work).
Two gaps are filled per backend: the xorg window never asks for button presses, so clicks are
lost until its event mask is fixed; the gtk backend sets no tooltip, so the status line is set
on its StatusIcon directly.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Callable

from ..threads import spawn
from .icon import Look, draw
from .menu import Item

log = logging.getLogger(__name__)

SIZE = 32


def sni_watcher_present(bus) -> bool:
    """A StatusNotifierWatcher on the session bus. A bus exists only on Linux, where its module
    is loaded already; elsewhere jeepney is not even installed, hence the import here."""
    if bus is None:
        return False
    from .bus import SNI_WATCHER

    return bus.name_has_owner(SNI_WATCHER)


def tray_host_present(bus) -> tuple[bool, str]:
    """Whether anything on this desktop can show a tray icon, and what."""
    if sys.platform in ("win32", "darwin"):
        return True, "the system tray"
    if sni_watcher_present(bus):
        return True, "a StatusNotifierItem host"
    if os.environ.get("DISPLAY"):
        try:
            from .x11 import open_display

            screen = open_display()
            try:
                atom = screen.intern_atom(f"_NET_SYSTEM_TRAY_S{screen.get_default_screen()}")
                if screen.get_selection_owner(atom) != 0:
                    return True, "an XEmbed system tray"
            finally:
                screen.close()
        except Exception as err:
            log.info("tray: cannot ask the X server for a system tray (%s)", err)
    return False, "no system tray or StatusNotifierItem host on this desktop"


# Seconds stop() gives pystray's xorg loop to end by itself.
STOP_WAIT = 2.0

class PystrayTray:
    def __init__(self, menu: Callable[[], tuple[Item, ...]], look: Look, line: str):
        with _gdk_without_gl():
            import pystray  # may raise anything: no display, missing typelibs, ...

        _name_the_program()

        self._pystray = pystray
        self._menu = menu
        self._look, self._line = look, line
        self._icon = pystray.Icon("glutewake", draw(look, SIZE), line,
                                  menu=pystray.Menu(lambda: self._render(self._menu())))
        self._menu_rest: tuple | None = None  # the menu below the status line, as last built
        self._ended = threading.Event()  # run() returned
        self.backend = type(self._icon).__module__.rsplit(".", 1)[-1].lstrip("_")
        self._pending = threading.Condition()
        self._wanted: tuple[Look, str] | None = None
        self._requested = self._visible(look, line)
        self._menu_stale = False
        spawn("tray-painter", self._painter)
        if self.backend == "xorg":
            self._fix_xorg_clicks()
            log.warning("tray: pystray's xorg backend shows the icon without a menu (a click "
                        "confirms the break); install PyGObject for the full menu (see README)")
        log.info("tray: pystray %s backend", self.backend)

    @property
    def name(self) -> str:
        return f"pystray {self.backend}"

    def _fix_xorg_clicks(self) -> None:
        from Xlib import X

        window = self._icon._window  # pystray creates it without ButtonPressMask
        window.change_attributes(event_mask=X.ExposureMask | X.StructureNotifyMask
                                 | X.ButtonPressMask)
        self._icon._display.flush()

    def _render(self, items: tuple[Item, ...]):
        """pystray's menu from ours; pystray calls this whenever it builds the menu."""
        pystray = self._pystray
        self._menu_rest = _shape(items[1:])

        def convert(item: Item):
            if item.separator:
                return pystray.Menu.SEPARATOR
            if item.children:
                action = pystray.Menu(*(convert(child) for child in item.children))
            else:
                action = _menu_action(item.action) if item.action else None
            checked = None if item.checked is None else (lambda _, value=item.checked: value)
            return pystray.MenuItem(item.label, action, checked=checked, default=item.default,
                                    enabled=item.enabled)

        return tuple(convert(item) for item in items)

    def update(self, look: Look, line: str) -> None:
        """Queue a new state for the tray's own thread (only the latest counts). pystray's xorg
        backend blocks the caller until its loop has drawn; the daemon's threads must never wait
        on that, least of all while the loop is shutting down."""
        visible = self._visible(look, line)
        with self._pending:
            if visible == self._requested:
                return  # most looks change nothing anyone sees: do not even wake the painter
            self._requested = visible
            self._wanted = (look, line)
            self._pending.notify()

    def _visible(self, look: Look, line: str) -> tuple[Look, str | None]:
        """What of a state shows: under xorg only the picture (its title names a hidden
        window, and it has no menu), so the minute turning over wakes nothing there."""
        return (look, None) if self.backend == "xorg" else (look, line)

    def refresh_menu(self) -> None:
        with self._pending:
            self._menu_stale = True
            self._pending.notify()

    def _painter(self) -> None:
        while True:
            with self._pending:
                while self._wanted is None and not self._menu_stale:
                    self._pending.wait()
                wanted, self._wanted = self._wanted, None
                stale, self._menu_stale = self._menu_stale, False
            try:
                if wanted is not None:
                    self._show(*wanted)
                if stale:
                    self._icon.update_menu()
            except Exception:
                log.exception("tray: updating the icon failed")

    def _show(self, look: Look, line: str) -> None:
        """The picture only when it changed, the text when it changed."""
        if look == self._look and line == self._line:
            return
        if look != self._look:
            self._look = look
            self._icon.icon = draw(look, SIZE)
        if line != self._line:
            self._line = line
            if self.backend != "xorg":  # its title is a hidden window name: nobody sees it
                self._icon.title = line
                self._set_tooltip(line)
        if self.backend != "xorg":  # no menu to refresh there
            self._refresh_menu()

    def _refresh_menu(self) -> None:
        """pystray rebuilds the whole menu for any change. Under GTK, when nothing but the status
        line (the first item) changed, which is what happens every minute, that label is set in
        place instead: the rebuild was the largest steady cost of the gtk tray."""
        items = self._menu()
        if self.backend == "gtk" and _shape(items[1:]) == self._menu_rest:
            from gi.repository import GLib

            GLib.idle_add(self._relabel_status_line, items[0].label)
            return
        self._icon.update_menu()

    def _relabel_status_line(self, label: str) -> bool:
        """In the GTK loop: on the menu pystray built last (private to pystray, hence the care)."""
        handle = getattr(self._icon, "_menu_handle", None)
        children = handle.get_children() if handle is not None else []
        if children:
            children[0].set_label(label)
        else:
            self._icon.update_menu()
        return False  # once

    def _set_tooltip(self, line: str) -> None:
        if self.backend == "gtk":
            from gi.repository import GLib

            GLib.idle_add(self._icon._status_icon.set_tooltip_text, line)

    def run(self, ready: Callable[[], None]) -> None:
        """The tray's event loop, on the main thread (darwin insists); returns after stop()."""

        def setup(icon) -> None:
            icon.visible = True
            self._set_tooltip(self._line)
            ready()

        try:
            self._icon.run(setup=setup)
        finally:
            self._ended.set()

    def stop(self) -> None:
        self._icon.stop()
        if self.backend == "xorg" and not self._ended.wait(STOP_WAIT):
            # pystray's xorg loop waits for its own window's DestroyNotify, and now and then (a
            # busy X server) it never comes: a closed X connection ends the loop instead.
            log.info("tray: the xorg loop did not end; closing its X connection")
            import socket

            try:
                self._icon._display.display.socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@contextlib.contextmanager
def _gdk_without_gl():
    """GTK 3 on X11 loads the OpenGL driver while it starts, only to rank visuals for GL, which
    a tray icon never draws with: on Mesa's software driver that is 50 MB resident. GDK reads
    GDK_GL when pystray imports Gtk; it is taken out again so that programs glutewake starts
    (the settings editor) get the user's environment."""
    ours = "GDK_GL" not in os.environ
    if ours:
        os.environ["GDK_GL"] = "disable"
    try:
        yield
    finally:
        if ours:
            os.environ.pop("GDK_GL", None)


def _name_the_program() -> None:
    """GTK names windows after argv[0], which is "__main__.py" under `python -m glutewake`.
    Only when pystray chose a GTK backend: importing PyGObject otherwise costs megabytes."""
    if "gi.repository.Gtk" not in sys.modules:
        return
    from gi.repository import Gdk, GLib

    GLib.set_prgname("glutewake")  # GTK is up already: set the window class it derived too
    Gdk.set_program_class("Glutewake")
    GLib.set_application_name("glutewake")


def _shape(items: tuple[Item, ...]) -> tuple:
    """Everything a menu shows, without the actions."""
    return tuple((item.label, item.enabled, item.default, item.checked, item.separator,
                  _shape(item.children)) for item in items)


def _menu_action(action: Callable[[], None]) -> Callable[[], None]:
    """A callback taking no arguments (pystray passes as many as the callback declares) that logs
    failures itself: the toolkits swallow exceptions raised in their callbacks."""

    def act() -> None:
        try:
            action()
        except Exception:
            log.exception("tray: a menu action failed")

    return act


def make_tray(menu: Callable[[], tuple[Item, ...]], look: Look, line: str, bus):
    """A tray for this desktop, or None (with the reason logged) when there can be none.

    With a StatusNotifierWatcher on the session bus, glutewake's own StatusNotifierItem (full
    menu, no GTK); otherwise whatever pystray picks.
    """
    choice = os.environ.get("GLUTEWAKE_TRAY", "auto")  # "pystray" skips the StatusNotifierItem
    if choice != "pystray" and sni_watcher_present(bus):
        from .sni import SniTray  # only then: a module the pystray trays never need

        try:
            return SniTray(bus, menu, look, line)
        except Exception as err:
            log.warning("tray: the StatusNotifierItem could not start (%s); trying pystray", err)
    present, what = tray_host_present(bus)
    if not present:
        log.warning("tray: %s; running without a tray icon (notifications and the "
                    "glutewake command still work)", what)
        return None
    try:
        return PystrayTray(menu, look, line)
    except Exception as err:
        log.warning("tray: pystray cannot start here (%s: %s); running without a tray icon",
                    type(err).__name__, err)
        return None
