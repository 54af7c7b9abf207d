"""Every sentence glutewake shows about its state, rendered from the typed events in one place:
status lines, reminder texts, replies to commands, journal details and the daily count.

Nothing else builds these sentences, and nothing ever parses one back.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from .coach import Answer, GuideDone, Guiding, HeadsUp, Remind, Reply, Status
from .dose import STEPS, Dose, Why
from .events import Hold, Kind, Phase, Reason, Record
from .guide import Part, Side
from .timespec import humanize


def clock(wall: float, now: float) -> str:
    """"14:05" today, "tomorrow 07:00", or "Mon 09:00" further out (to the nearest minute)."""
    moment = (datetime.fromtimestamp(wall) + timedelta(seconds=30)).replace(second=0,
                                                                             microsecond=0)
    today = datetime.fromtimestamp(now)
    days = (moment.date() - today.date()).days
    if days == 0:
        return moment.strftime("%H:%M")
    if days == 1:
        return moment.strftime("tomorrow %H:%M")
    return moment.strftime("%a %H:%M")


def minutes(seconds: float, up: bool = False) -> str:
    """Whole minutes, as the status line shows them: it changes at most once a minute.
    Time left is rounded up (29.5 minutes to go is "30 min"), time spent down."""
    if up:
        seconds = math.ceil(seconds / 60) * 60
    return "<1 min" if seconds < 60 else humanize(seconds)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# --- holds -------------------------------------------------------------------------------------

_HOLDS = {Reason.DO_NOT_DISTURB: "do not disturb", Reason.FULLSCREEN: "full-screen window",
          Reason.PRESENTATION: "presentation mode", Reason.OFF_HOURS: "off hours",
          Reason.LUNCH: "lunch", Reason.MICROPHONE: "microphone in use",
          Reason.CAMERA: "camera in use", Reason.MEETING: "in a meeting"}


def hold(what: Hold | None, now: float | None = None) -> str:
    """"do not disturb", "zoom is running", "off hours until 09:00"."""
    if what is None:
        return ""
    if what.reason is Reason.APP:
        text = f"{what.source or 'a program'} is running"
    elif what.reason is Reason.MEETING and what.source:
        text = f"in a meeting: {what.source}"
    elif what.reason in (Reason.MICROPHONE, Reason.CAMERA) and what.source:
        text = f"{_HOLDS[what.reason]} ({what.source})"
    else:
        text = _HOLDS.get(what.reason, what.reason.value.replace("_", " "))
    if what.until is not None and now is not None:
        text += f" until {clock(what.until, now)}"
    return text


# --- status ------------------------------------------------------------------------------------

SETTINGS_NOT_APPLIED = "Settings not applied"
EVERY_NOT_CHANGED = "Break interval not changed"


def settings_problem(error) -> str:
    """The body of the notification about a bad save: where, what, and what holds meanwhile."""
    return f"{error.where}: {error.problem}. The last good settings stay in force until it is fixed."


def with_settings_problem(line: str, error) -> str:
    """The tray's line while the settings file has a mistake."""
    return f"{SETTINGS_NOT_APPLIED} ({error.where}) · {line}" if error is not None else line


def source_state(unknown_since: float | None, now: float) -> str:
    """How an idle source answers now: "answering", or "unknown since 10:05"."""
    return "answering" if unknown_since is None else f"unknown since {clock(unknown_since, now)}"


def pause_end(until: float | None, now: float) -> str:
    if until is None or until == math.inf:
        return "until you resume"
    return f"until {clock(until, now)}"


def status_line(status: Status, now: float) -> str:
    """One line for the tray tooltip and `glutewake status`."""
    sitting = minutes(status.sitting)
    if status.phase == Phase.GUIDING:
        return f"Guided break: {status.exercise.name}"
    if status.phase == Phase.PAUSED:
        return f"Paused {pause_end(status.paused_until, now)}"
    if status.phase == Phase.AWAY:
        return f"Away {minutes(status.away_for)}"
    schedule = status.hold is not None and status.hold.reason in (Reason.OFF_HOURS, Reason.LUNCH)
    if schedule:
        what = "break due" if status.phase == Phase.HELD else f"sitting {sitting}"
        text = hold(status.hold, now)
        return f"{text[:1].upper()}{text[1:]} · {what}"
    if status.phase == Phase.HELD:
        since = "" if status.hold_since is None else f" since {clock(status.hold_since, now)}"
        return f"Break due · held{since}: {hold(status.hold, now)}"
    if status.phase == Phase.DUE:
        return f"Break due · sitting {sitting}"
    if status.phase == Phase.SNOOZED:
        return f"Sitting {sitting} · snoozed, reminder in {minutes(status.due_in, up=True)}"
    return f"Sitting {sitting} · break in {minutes(status.due_in, up=True)}"


def tray_line(status: Status, now: float) -> str:
    """The tray's line: clock times instead of a countdown, so it reads the same for a whole
    stretch and the tray is redrawn only when something happens, not every minute."""
    if status.phase in (Phase.PAUSED, Phase.HELD, Phase.GUIDING) or (
            status.hold is not None and status.hold.reason in (Reason.OFF_HOURS, Reason.LUNCH)):
        return status_line(status, now)
    if status.phase == Phase.AWAY:
        return f"Away since {clock(now - status.away_for, now)}"
    since = f"sitting since {clock(now - status.sitting, now)}"
    if status.phase == Phase.DUE:
        return f"Break due · {since}"
    at = clock(now + status.due_in, now)
    if status.phase == Phase.SNOOZED:
        return f"{since[:1].upper()}{since[1:]} · snoozed, reminder at {at}"
    return f"{since[:1].upper()}{since[1:]} · break at {at}"


def today(done: int, goal: int, streak: int = 0) -> str:
    """"Today: 4 of 6 breaks · streak 3 days", or "Today: 1 break done" without a goal."""
    if not goal:
        return f"Today: {plural(done, 'break')} done"
    line = f"Today: {done} of {plural(goal, 'break')}"
    if streak:
        line += f" · streak {plural(streak, 'day')}"
    return line


# --- reminders ---------------------------------------------------------------------------------

def reminder_title(remind: Remind) -> str:
    if remind.after is not None:
        what = "meeting" if remind.after.reason is Reason.MEETING else "call"
        return f"The {what} is over — a good moment to stand ({humanize(remind.sitting)} sitting)"
    return f"Time to stand — {humanize(remind.sitting)} sitting"


def reminder_body(remind: Remind) -> str:
    exercise, amount = remind.exercise, remind.exercise.amount(remind.dose)
    return f"{exercise.summary_for(amount)} · {exercise.minutes_text(amount)}\n{exercise.cue}"


def reminder_lesson(remind: Remind) -> str:
    """The whole lesson at the person's dose: what, how long, the numbered steps, the cue, the
    safety line, and the easier and harder ways."""
    return remind.exercise.full_text(remind.exercise.amount(remind.dose))


def heads_up_title(note: HeadsUp) -> str:
    return f"Break in {humanize(note.due_in)}"


def heads_up_body(note: HeadsUp) -> str:
    return f"Next up: {note.exercise.summary}"


ANSWER_HINT = "Answer with: glutewake done | snooze | skip"
ANSWER_HINT_NO_BUTTONS = "Answer from the tray or with: glutewake done | snooze | skip"


# --- replies -----------------------------------------------------------------------------------

def answer(reply: Answer, now: float) -> str:
    """What a command's reply says."""
    kind, seconds = reply.reply, humanize(reply.seconds or 0)
    if kind is Reply.LOGGED:
        name = reply.exercise.name if reply.exercise else "break"
        text = (f"{'Early break' if reply.early else 'Break'} logged: {name}. "
                f"Next break after {seconds} of sitting.")
        if reply.goal:
            text += f" {reply.done_today} of {reply.goal} today."
        return text
    if kind is Reply.SNOOZED:
        what = "Next break put off" if reply.early else "Snoozed"
        return f"{what}: next reminder after {seconds} more sitting."
    if kind is Reply.SKIPPED:
        return f"Break skipped. The next one comes after {seconds} of sitting."
    if kind is Reply.PAUSED:
        return f"Reminders paused {pause_end(reply.until, now)}."
    if kind is Reply.RESUMED:
        when = "a break is due now" if not reply.seconds else f"next break in {seconds}"
        return f"Reminders are back on; {when}."
    return {
        Reply.STARTING: "glutewake is still starting; try again in a moment",
        Reply.NOTHING_TO_SNOOZE: "Reminders are paused, so there is nothing to snooze; "
                                 "`glutewake resume` turns them back on.",
        Reply.NOTHING_TO_SKIP: "No break is due, so there is nothing to skip; the next one is "
                               f"in {seconds}. To put it off, use snooze.",
        Reply.PAUSE_IN_PAST: f"That pause would end at {clock(reply.until or now, now)}, which "
                             "is past; pick a later time.",
        Reply.NOT_PAUSED: "Reminders are not paused, so there is nothing to resume.",
        Reply.STOPPED: "glutewake stopped.",
        Reply.APPLIED: "Settings applied.",
        Reply.RATED: f"Noted: {reply.exercise.name if reply.exercise else 'that exercise'} "
                     f"will be at dose {(reply.dose or 0) + 1} of {STEPS} next time.",
        Reply.GUIDING: f"Guided break started: {name_of(reply)}, about "
                       f"{minutes(reply.seconds or 0, up=True)}. Follow the notification.",
        Reply.ALREADY_GUIDING: f"A guided break of {name_of(reply)} is under way already.",
        Reply.NOT_GUIDING: "No guided break is under way.",
        Reply.PARTIAL: f"Guided break stopped after {seconds}: logged as a partial break of "
                       f"{name_of(reply)}, not a full one.",
        Reply.UNKNOWN_EXERCISE: "That exercise is not in the catalog; `glutewake exercises` "
                                "lists them.",
        Reply.NOTHING_TO_RATE: "No break was logged since glutewake started, so there is "
                               "nothing to rate; `glutewake done --easy` logs one and rates it.",
    }[kind]


def name_of(reply: Answer) -> str:
    return reply.exercise.name if reply.exercise else "the exercise"


# --- the guided break --------------------------------------------------------------------------

_SIDES = {Side.RIGHT: "right side", Side.LEFT: "left side"}


def where(step) -> str:
    """ "set 2 of 3, left side" """
    text = f"set {step.set} of {step.sets}"
    return f"{text}, {_SIDES[step.side]}" if step.side else text


def guide_title(note: Guiding) -> str:
    step = note.where.step
    if step is None:
        return f"{note.exercise.name}: done"
    if step.part == Part.REST:
        return f"Rest · next: {where(step)}"
    return f"{note.exercise.name} · {where(step)}"


def guide_body(note: Guiding) -> str:
    step, place = note.where.step, note.where
    if step is None:
        return ""
    if step.part == Part.REST:
        now = f"Shake it out, breathe. {humanize(place.left)} left"
    elif step.reps:
        now = f"{step.reps} slow reps · {humanize(place.left)} left"
    else:
        now = f"Hold · {humanize(place.left)} left"
    lines = [now, f"About {minutes(place.total_left, up=True)} left in this break"]
    if note.paused:
        lines.append("Paused: it goes on when you are back at the desk.")
    return "\n".join(lines)


def guide_done_title(note: GuideDone) -> str:
    return "Break logged: well done"


def guide_done_body(note: GuideDone) -> str:
    return (f"{note.exercise.name}, {humanize(note.seconds)} guided. Next break after "
            f"{humanize(note.next_in)} of sitting. Too easy or too hard? Say so below.")


# --- the journal -------------------------------------------------------------------------------

def detail(record: Record) -> str:
    """The short detail column of `glutewake log` and the CSV export, from the fields."""
    kind = record.kind
    if kind is Kind.REMINDED:
        text = f"reminder {record.reminder or 1}"
        if record.reason is not None:
            what = Hold(record.reason, record.source)
            text += f", held {humanize(record.duration or 0)}: {hold(what)}"
        return text
    if kind is Kind.HELD and record.reason is not None:
        return hold(Hold(record.reason, record.source))
    if kind is Kind.DONE:
        words = ["early" if record.early else "", "guided" if record.guided else "",
                 "" if record.dose is None else f"dose {record.dose + 1} of {STEPS}"]
        return ", ".join(w for w in words if w)
    if kind is Kind.PARTIAL:
        return f"stopped after {humanize(record.duration or 0)}"
    if kind is Kind.FEEDBACK:
        return {"easy": "too easy", "hard": "too hard"}.get(record.feedback or "", "")
    if kind is Kind.SNOOZED:
        return humanize(record.duration or 0)
    if kind is Kind.NATURAL_BREAK:
        return f"away {humanize(record.duration or 0)}"
    if kind is Kind.PAUSED:
        return pause_end(record.until, record.wall)
    if kind is Kind.RESUMED:
        return "pause ended" if record.reason is Reason.TIMER else "by you"
    if kind is Kind.LEVEL_UP:
        return f"level {record.level} unlocked"
    return ""


def dose(what: Dose) -> str:
    """Why the dose is where it is, for `glutewake exercises show`."""
    step = f"dose {what.step + 1} of {STEPS}"
    return {
        Why.START: f"{step}: everyone starts at the low end",
        Why.EARNED: f"{step}: moved up after breaks done at the step below",
        Why.EASY: f"{step}: moved up because you said it was too easy",
        Why.HARD: f"{step}: moved down because you said it was too hard",
        Why.LAPSE: f"{step}: stepped back after a week without breaks",
        Why.TOP: f"{step}: the top of the range",
    }[what.why] + ("" if what.step == STEPS - 1 or what.why is Why.LAPSE else
                   f" ({what.done} done at this step)")


def level_up(level: int) -> str:
    if level == 2:
        return ("level 2 unlocked: the integration exercises (frog pumps, single-leg Romanian "
                "deadlift, ...) now join your rotation")
    return f"level {level} in force"


STOPPING = "glutewake is stopping."
SETTINGS_CHECKED = "settings checked"
