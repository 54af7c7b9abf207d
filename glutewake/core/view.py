"""The one status view: everything a status shows, as typed facts.

The daemon builds a `View` at each `status` request; the tray line, `glutewake status` (text and
`--json`) and the D-Bus properties are all rendered from it (`phrases.status_text`,
`phrases.status_json`, `desktop.service.values`). It travels over the control channel as JSON
(`to_wire`/`from_wire`), so the command line renders it in its own language, whatever language
the daemon speaks. The answer to a command travels the same way (`answer_to_wire`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from .dose import Dose, Feedback, Outcome, Rated, Why
from .effects import Answer, Reply, Status
from .events import Hold, Phase, Reason
from .exercises import Caution, Exercise

Wire = dict[str, Any]  # a value as JSON carries it over the control channel


@dataclass(frozen=True)
class Problem:
    """A part that cannot do its work now: where (a settings file and key, a detector), what."""

    where: str
    what: str


@dataclass(frozen=True)
class Other:
    """Another computer in the synced folder ([sync])."""

    id: str
    name: str
    seen: float | None = None  # wall time it last wrote there


@dataclass(frozen=True)
class View:
    status: Status  # the coach's value: phase, sitting, due, hold, the next exercise, today
    now: float  # wall time the view was taken
    pid: int
    idle_source: str  # its name, or "none"
    idle_unknown_since: float | None = None  # wall time the idle source stopped answering
    inhibitor: str | None = None  # who keeps the desktop from idling (a film), if anyone
    notifier: str = "console"
    notifier_missing: bool = False  # no notification server on the session bus now
    detector_problems: tuple[str, ...] = ()  # a line for each detector that cannot read now
    tray: str = "none"
    settings_error: Problem | None = None  # the settings file's mistake; last good ones in force
    config: str = ""
    journal: str = ""
    journal_waiting: int = 0  # breaks kept safe, not in the journal yet
    journal_problem: str = ""
    log: str = ""
    devices: tuple[Other, ...] = ()  # the other computers in the synced folder
    sync_problems: tuple[str, ...] = ()  # a line for each thing sync cannot do now
    remote_break: float | None = None  # the latest break on another computer (wall time)
    remote_input: float | None = None  # the latest input on another computer (wall time)

    @property
    def next_due(self) -> float | None:
        """Wall time the next reminder is due at this rate of sitting; None when nothing runs
        towards it (paused, away, guiding)."""
        if self.status.phase in (Phase.PAUSED, Phase.AWAY, Phase.GUIDING):
            return None
        return self.now + self.status.due_in

    # --- over the control channel ---

    def to_wire(self) -> Wire:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "status"}
        data["detector_problems"] = list(self.detector_problems)
        data["devices"] = [asdict(device) for device in self.devices]
        data["sync_problems"] = list(self.sync_problems)
        data["settings_error"] = None if self.settings_error is None else asdict(
            self.settings_error)
        return {"view": data, "coach": status_to_wire(self.status)}

    @classmethod
    def from_wire(cls, data: Wire) -> View:
        """The inverse of to_wire; TypeError, KeyError or ValueError on anything else."""
        view = dict(data["view"])
        view["detector_problems"] = tuple(str(p) for p in view["detector_problems"])
        view["devices"] = tuple(Other(**device) for device in view.get("devices", ()))
        view["sync_problems"] = tuple(str(p) for p in view.get("sync_problems", ()))
        error = view.get("settings_error")
        view["settings_error"] = None if error is None else Problem(str(error["where"]),
                                                                    str(error["what"]))
        return cls(status=status_from_wire(data["coach"]), **view)


def exercise_to_wire(exercise: Exercise) -> Wire:
    return asdict(exercise)


def exercise_from_wire(data: Wire) -> Exercise:
    given: Wire = {key: tuple(value) if isinstance(value, list) else value
                   for key, value in data.items()}
    exercise = Exercise(**given)
    return replace(exercise, cautions=tuple(map(Caution, exercise.cautions)))


def _hold_to_wire(hold: Hold | None) -> Wire | None:
    return None if hold is None else {"reason": hold.reason.value, "source": hold.source,
                                      "until": hold.until}


def _hold_from_wire(data: Wire | None) -> Hold | None:
    return None if data is None else Hold(Reason(data["reason"]), data["source"], data["until"])


def status_to_wire(status: Status) -> Wire:
    data = {f.name: getattr(status, f.name) for f in fields(status)}
    data.update(phase=status.phase.value, exercise=exercise_to_wire(status.exercise),
                hold=_hold_to_wire(status.hold),
                paused_until=None if status.paused_until is None else (
                    "inf" if status.paused_until == math.inf else status.paused_until))
    return data


def status_from_wire(data: Wire) -> Status:
    data = dict(data)
    until = data["paused_until"]
    data.update(phase=Phase(data["phase"]), exercise=exercise_from_wire(data["exercise"]),
                hold=_hold_from_wire(data["hold"]),
                paused_until=math.inf if until == "inf" else until)
    return Status(**data)


def answer_to_wire(answer: Answer) -> Wire:
    data = {f.name: getattr(answer, f.name) for f in fields(answer)}
    data.update(reply=answer.reply.value, exercise=None if answer.exercise is None else
                exercise_to_wire(answer.exercise),
                rating=None if answer.rating is None else asdict(answer.rating))
    return data


def answer_from_wire(data: Wire) -> Answer:
    data = dict(data)
    rating = data.get("rating")
    data.update(reply=Reply(data["reply"]), exercise=None if data["exercise"] is None else
                exercise_from_wire(data["exercise"]),
                rating=None if rating is None else Rated(
                    Feedback(rating["said"]), Dose(rating["dose"]["step"], rating["dose"]["done"],
                                                   Why(rating["dose"]["why"])),
                    Outcome(rating["outcome"])))
    return Answer(**data)
