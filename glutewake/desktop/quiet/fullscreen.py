"""The active window is full screen (X11 `_NET_WM_STATE_FULLSCREEN`): a film, slides, a game."""

from __future__ import annotations

from ...core.events import Hold, Reason
from ...i18n import N_
from . import Detector


class FullScreen(Detector):
    name = N_("full-screen window (X11)")

    def __init__(self) -> None:
        from ..x11 import shared_display

        self._display = shared_display()
        self._root = self._display.screen().root
        self._active = self._display.intern_atom("_NET_ACTIVE_WINDOW")
        self._state = self._display.intern_atom("_NET_WM_STATE")
        self._full = self._display.intern_atom("_NET_WM_STATE_FULLSCREEN")

    def _active_window(self):
        from Xlib import X

        prop = self._root.get_full_property(self._active, X.AnyPropertyType)
        if prop is not None and prop.value and prop.value[0]:
            return self._display.create_resource_object("window", prop.value[0])
        focus = self._display.get_input_focus().focus  # no window manager: the input focus
        return None if isinstance(focus, int) else focus

    def hold(self) -> Hold | None:
        from Xlib import Xatom

        window = self._active_window()
        while window is not None and window.id != self._root.id:
            prop = window.get_full_property(self._state, Xatom.ATOM)
            if prop is not None and self._full in prop.value:
                return Hold(Reason.FULLSCREEN)
            window = window.query_tree().parent  # focus may sit on a child of the top window
        return None
