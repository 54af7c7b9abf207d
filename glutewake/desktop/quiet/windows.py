"""Windows: SHQueryUserNotificationState says when a full-screen app, a presentation or quiet
hours (Focus Assist's automatic rules) ask notifications to wait."""

from __future__ import annotations

import ctypes

REASONS = {
    2: "full-screen app",  # QUNS_BUSY
    3: "full-screen game or video",  # QUNS_RUNNING_D3D_FULL_SCREEN
    4: "presentation mode",  # QUNS_PRESENTATION_MODE
    6: "quiet hours",  # QUNS_QUIET_TIME
    7: "full-screen app",  # QUNS_APP
}


class NotificationState:
    kind = "dnd"
    name = "Windows notification state"

    def __init__(self, shell32=None) -> None:
        self._shell32 = shell32 or ctypes.windll.shell32  # type: ignore[attr-defined]

    def reason(self) -> str | None:
        state = ctypes.c_int(0)
        result = self._shell32.SHQueryUserNotificationState(ctypes.byref(state))
        if result != 0:
            raise OSError(f"SHQueryUserNotificationState failed ({result:#x})")
        return REASONS.get(state.value)
