"""Windows: SHQueryUserNotificationState says when a full-screen app, a presentation or quiet
hours (Focus Assist's automatic rules) ask notifications to wait."""

from __future__ import annotations

import ctypes

from ...core.events import Hold, Reason
from ...i18n import N_, _
from . import Detector

HOLDS = {
    2: Hold(Reason.FULLSCREEN),  # QUNS_BUSY: a full-screen app
    3: Hold(Reason.FULLSCREEN),  # QUNS_RUNNING_D3D_FULL_SCREEN: a game or video
    4: Hold(Reason.PRESENTATION),  # QUNS_PRESENTATION_MODE
    6: Hold(Reason.DO_NOT_DISTURB),  # QUNS_QUIET_TIME: Focus Assist's quiet hours
    7: Hold(Reason.FULLSCREEN),  # QUNS_APP
}


class NotificationState(Detector):
    # TRANSLATORS: a detector's name in `glutewake status`: whether Windows asks
    # notifications to wait (full screen, presentation, Focus Assist)
    name = N_("Windows notification state")

    def __init__(self, shell32=None) -> None:
        self._shell32 = shell32 or ctypes.windll.shell32  # type: ignore[attr-defined]

    def hold(self) -> Hold | None:
        state = ctypes.c_int(0)
        result = self._shell32.SHQueryUserNotificationState(ctypes.byref(state))
        if result != 0:
            raise OSError(_("SHQueryUserNotificationState failed ({code})", code=hex(result)))
        return HOLDS.get(state.value)
