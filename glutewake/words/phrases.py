"""Every sentence glutewake shows about its state, rendered from the typed events in one place:
status lines, reminder texts, replies to commands, journal details and the daily count.

Nothing else builds these sentences, and nothing ever parses one back. Every sentence is looked
up in the language in force when it is rendered (glutewake.i18n); the few constant ones that
other modules read as names (ANSWER_HINT, STOPPING, ...) are looked up whenever they are read.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from .. import i18n
from ..core.dose import REST_AFTER_PAIN, STEPS, Dose, Feedback, Outcome, Rated, Why
from ..core.effects import Answer, GuideDone, Guiding, HeadsUp, Remind, Reply, Status
from ..core.events import Hold, Kind, Phase, Reason, Record
from ..core.exercises import Caution, Exercise
from ..core.guide import Part, Side
from ..core.untrusted import escape_markup
from ..core.view import View
from ..i18n import _, ngettext, pgettext
from . import moves
from .times import humanize, weekday, weekday_date

_ENGLISH_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def clock(wall: float, now: float, english: bool = False) -> str:
    """"14:05" today, "tomorrow 07:00", or "Mon 09:00" further out (to the nearest minute).
    `english` for values that scripts read (status --json)."""
    moment = (datetime.fromtimestamp(wall) + timedelta(seconds=30)).replace(second=0,
                                                                             microsecond=0)
    today = datetime.fromtimestamp(now)
    days = (moment.date() - today.date()).days
    time = moment.strftime("%H:%M")
    if days == 0:
        return time
    if not 0 < days < 7:  # beyond the coming week (or before today) a weekday is not enough
        if english:
            return f"{_ENGLISH_DAYS[moment.weekday()]} {moment.date().isoformat()} {time}"
        # TRANSLATORS: a moment more than a week away: "Tue 05 Jan 03:19"
        return _("{date} {time}", date=weekday_date(moment.date()), time=time)
    if english:
        return f"tomorrow {time}" if days == 1 else f"{_ENGLISH_DAYS[moment.weekday()]} {time}"
    if days == 1:
        return _("tomorrow {time}", time=time)
    # TRANSLATORS: a day later this week or beyond and a 24-hour time: "Mon 09:00"
    return _("{weekday} {time}", weekday=weekday(moment.date()), time=time)


def left(seconds: float) -> str:
    """Time to go, one rule everywhere (the status line, the answers, the heads-up): seconds
    under a minute, whole minutes rounded up above ("17 s", "6 min", "1 h 5 min")."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return humanize(math.ceil(seconds))
    return humanize(math.ceil(seconds / 60) * 60)


def minutes(seconds: float, up: bool = False) -> str:
    """Whole minutes, as the status line shows them: it changes at most once a minute.
    Time left is rounded up (29.5 minutes to go is "30 min"), time spent down."""
    if up:
        seconds = math.ceil(seconds / 60) * 60
    # TRANSLATORS: less than a minute
    return _("<1 min") if seconds < 60 else humanize(seconds)


def capital(text: str) -> str:
    """The first letter upper-case: a phrase that starts a line."""
    return f"{text[:1].upper()}{text[1:]}"


def labelled(label: str, text: str) -> str:
    """A label and what it says on one line ("Settings not applied: line 3 ..."), punctuated as
    the language does: French puts a no-break space before the colon."""
    # TRANSLATORS: a label, a colon and its text; French: "{label}\u00a0: {text}"
    return _("{label}: {text}", label=label, text=text)


def in_a_row(parts) -> str:
    """Short texts one after the other on one line, "a; b", punctuated as the language does."""
    # TRANSLATORS: what goes between the parts of a list of problems on one line: "a; b".
    # French puts a no-break space before the semicolon.
    return pgettext("between two parts of a list", "; ").join(parts)


# --- holds -------------------------------------------------------------------------------------

def _hold_names() -> dict[Reason, str]:
    return {Reason.DO_NOT_DISTURB: _("do not disturb"), Reason.FULLSCREEN: _("full-screen window"),
            Reason.PRESENTATION: _("presentation mode"), Reason.OFF_HOURS: _("off hours"),
            Reason.LUNCH: _("lunch"), Reason.MICROPHONE: _("microphone in use"),
            Reason.CAMERA: _("camera in use"), Reason.MEETING: _("in a meeting")}


def hold(what: Hold | None, now: float | None = None) -> str:
    """"do not disturb", "zoom is running", "off hours until 09:00"."""
    if what is None:
        return ""
    if what.reason is Reason.APP:
        text = (_("{program} is running", program=what.source) if what.source else
                _("a program is running"))
    elif what.reason is Reason.MEETING and what.source:
        text = _("in a meeting: {event}", event=what.source)
    elif what.reason in (Reason.MICROPHONE, Reason.CAMERA) and what.source:
        text = _("{device} ({program})", device=_hold_names()[what.reason], program=what.source)
    else:
        text = _hold_names().get(what.reason, what.reason.value.replace("_", " "))
    if what.until is not None and now is not None:
        # TRANSLATORS: {hold} is why reminders wait ("lunch"), {time} when that ends
        text = _("{hold} until {time}", hold=text, time=clock(what.until, now))
    return text


# --- status ------------------------------------------------------------------------------------

def settings_not_applied() -> str:
    return _("Settings not applied")


def every_not_changed() -> str:
    return _("Break interval not changed")


def settings_problem(error) -> str:
    """The body of the notification about a bad save: where, what, and what holds meanwhile."""
    where, what = i18n.where_and_what(error)
    return _("{where}: {problem}. The last good settings stay in force until it is fixed.",
             where=where, problem=what)


def tray_text(view: View) -> str:
    """The tray's line for a status view: the settings file's mistake first, when there is one."""
    return with_settings_problem(tray_line(view.status, view.now), view.settings_error)


def with_settings_problem(line: str, error) -> str:
    """The tray's line while the settings file has a mistake."""
    if error is None:
        return line
    return _("{settings_not_applied} ({where}) · {line}",
             settings_not_applied=settings_not_applied(), where=error.where, line=line)


def source_state(unknown_since: float | None, now: float) -> str:
    """How an idle source answers now: "answering", or "unknown since 10:05". This is the
    idle_state value of `status --json`, which scripts read, so it stays English."""
    if unknown_since is None:
        return "answering"
    return f"unknown since {clock(unknown_since, now, True)}"


def pause_end(until: float | None, now: float) -> str:
    if until is None or until == math.inf:
        return _("until you resume")
    return _("until {time}", time=clock(until, now))


def status_line(status: Status, now: float) -> str:
    """One line for the tray tooltip and `glutewake status`."""
    sitting = minutes(status.sitting)
    if status.phase == Phase.GUIDING:
        return _("Guided break: {exercise}", exercise=moves.shown_name(status.exercise))
    if status.phase == Phase.PAUSED:
        # TRANSLATORS: {until} is "until you resume" or "until 14:30"
        return _("Paused {until}", until=pause_end(status.paused_until, now))
    if status.phase == Phase.AWAY:
        return _("Away {duration}", duration=minutes(status.away_for))
    schedule = status.hold is not None and status.hold.reason in (Reason.OFF_HOURS, Reason.LUNCH)
    if schedule:
        what = (_("break due") if status.phase == Phase.HELD else
                _("sitting {sitting}", sitting=sitting))
        return _("{hold} · {what}", hold=capital(hold(status.hold, now)), what=what)
    if status.phase == Phase.HELD:
        if status.hold_since is None:
            return _("Break due · held: {hold}", hold=hold(status.hold, now))
        return _("Break due · held since {time}: {hold}", time=clock(status.hold_since, now),
                 hold=hold(status.hold, now))
    if status.phase == Phase.DUE:
        return _("Break due · sitting {sitting}", sitting=sitting)
    to_go = left(status.due_in)
    if status.phase == Phase.SNOOZED:
        return _("Sitting {sitting} · snoozed, reminder in {left}", sitting=sitting, left=to_go)
    return _("Sitting {sitting} · break in {left}", sitting=sitting, left=to_go)


def tray_line(status: Status, now: float) -> str:
    """The tray's line: clock times instead of a countdown, so it reads the same for a whole
    stretch and the tray is redrawn only when something happens, not every minute."""
    if status.phase in (Phase.PAUSED, Phase.HELD, Phase.GUIDING) or (
            status.hold is not None and status.hold.reason in (Reason.OFF_HOURS, Reason.LUNCH)):
        return status_line(status, now)
    if status.phase == Phase.AWAY:
        return _("Away since {time}", time=clock(now - status.away_for, now))
    since = clock(now - status.sitting, now)
    if status.phase == Phase.DUE:
        return _("Break due · sitting since {time}", time=since)
    at = clock(now + status.due_in, now)
    if status.phase == Phase.SNOOZED:
        return _("Sitting since {time} · snoozed, reminder at {at}", time=since, at=at)
    return _("Sitting since {time} · break at {at}", time=since, at=at)


# --- the status view, rendered -----------------------------------------------------------------

def _iso(wall: float | None) -> str | None:
    if wall is None or wall == math.inf:
        return None
    return datetime.fromtimestamp(wall).astimezone().isoformat(timespec="seconds")


def status_json(view: View) -> dict:
    """`glutewake status --json`: the documented fields (README), values English where scripts
    read them, plus what waybar and i3status-rust read (`text`, `tooltip`, `class`, `state`)."""
    status, now = view.status, view.now
    held = status.hold
    line = status_line(status, now)
    return {
        "running": True, "pid": view.pid, "line": line, "phase": status.phase.value,
        "sitting": round(status.sitting), "due_in": round(status.due_in),
        "next_due": _iso(view.next_due),
        "hold": None if held is None else {
            "reason": held.reason.value, "source": held.source, "text": hold(held, now),
            "since": _iso(status.hold_since), "until": _iso(held.until)},
        "paused_until": _iso(status.paused_until), "exercise": moves.summary(status.exercise),
        "exercise_id": status.exercise.id, "done_today": status.done_today, "goal": status.goal,
        "idle_source": view.idle_source,
        "idle_state": "none" if view.idle_source == "none" else source_state(
            view.idle_unknown_since, now),
        "inhibitor": view.inhibitor, "notifier": view.notifier,
        "notifier_state": "missing" if view.notifier_missing else "ok",
        "detector_problems": list(view.detector_problems), "tray": view.tray,
        "settings_error": "" if view.settings_error is None else
        f"{view.settings_error.where}: {view.settings_error.what}",
        "config": view.config, "journal": view.journal, "journal_waiting": view.journal_waiting,
        "journal_problem": view.journal_problem, "log": view.log,
        "devices": [{"id": other.id, "name": other.name, "seen": _iso(other.seen)}
                    for other in view.devices],
        "sync_problems": list(view.sync_problems), "remote_break": _iso(view.remote_break),
        "remote_input": _iso(view.remote_input),
        # what status bars read; waybar takes the tooltip as Pango markup (its "escape" setting
        # covers only the text), so it is escaped
        "text": line, "class": status.phase.value,
        "tooltip": escape_markup(moves.summary(status.exercise)),
        "state": "Warning" if status.phase == Phase.DUE else "Idle",
    }


def status_text(view: View) -> list[str]:
    """`glutewake status` for people, in the language in force here."""
    status, now = view.status, view.now
    lines = [_("glutewake is running (pid {pid})", pid=view.pid)]
    if view.settings_error is not None:
        lines.append(_("Settings not applied: {error}. The last good settings stay in force "
                       "until it is fixed.", error=f"{view.settings_error.where}: "
                                                   f"{view.settings_error.what}"))
    lines += [status_line(status, now),
              _("Next exercise: {exercise}", exercise=moves.summary(status.exercise)),
              today(status.done_today, status.goal)]
    if view.idle_unknown_since is None or view.idle_source == "none":
        lines.append(_("Idle detection: {source}", source=part_name(view.idle_source)))
    else:
        lines.append(_("Idle detection: {source} ({state})", source=part_name(view.idle_source),
                       state=_("unknown since {time}",
                               time=clock(view.idle_unknown_since, now))))
    if view.inhibitor:
        lines.append(_("Idle inhibited by: {inhibitor}", inhibitor=view.inhibitor))
    if view.notifier_missing:
        lines.append(_("Notifications: {notifier} (missing: no notification server on the "
                       "session bus now)", notifier=part_name(view.notifier)))
    else:
        lines.append(_("Notifications: {notifier}", notifier=part_name(view.notifier)))
    lines += [_("Detector problem: {problem}", problem=p) for p in view.detector_problems]
    lines += [_("Tray: {tray}", tray=part_name(view.tray)),
              _("Settings: {file}", file=view.config)]
    if view.journal_waiting:
        lines.append(ngettext(
            "Journal: {file} ({count} event kept safe, not written yet: {problem})",
            "Journal: {file} ({count} events kept safe, not written yet: {problem})",
            view.journal_waiting, file=view.journal, count=view.journal_waiting,
            problem=view.journal_problem))
    else:
        lines.append(_("Journal: {file}", file=view.journal))
    lines.append(_("Log: {file}", file=view.log))
    if view.devices:
        # TRANSLATORS: followed by "laptop: 12 min ago · office: 2 h ago"
        lines.append(_("Other computers: {devices}", devices=" · ".join(
            seen(other.name, other.seen, now) for other in view.devices)))
    lines += [_("Sync problem: {problem}", problem=p) for p in view.sync_problems]
    return lines


def today(done: int, goal: int, streak: int = 0) -> str:
    """"Today: 4 of 6 breaks · streak 3 days", or "Today: 1 break done" without a goal."""
    if not goal:
        return ngettext("Today: {done} break done", "Today: {done} breaks done", done, done=done)
    # TRANSLATORS: the plural follows the goal: "Today: 0 of 1 break", "Today: 2 of 6 breaks"
    line = ngettext("Today: {done} of {goal} break", "Today: {done} of {goal} breaks", goal,
                    done=done, goal=goal)
    if streak:
        line = ngettext("{today} · streak {days} day", "{today} · streak {days} days", streak,
                        today=line, days=streak)
    return line


# --- reminders ---------------------------------------------------------------------------------

def reminder_title(remind: Remind) -> str:
    sitting = humanize(remind.sitting)
    if remind.before is not None:
        start, end = remind.before.start, remind.before.end
        # TRANSLATORS: a long meeting starts soon: "Meeting 14:00–15:30: a good moment to ..."
        return _("Meeting {start}–{end}: a good moment to stand now",
                 start=clock(start, start), end=clock(end, start))
    if remind.after is not None:
        if remind.after.reason is Reason.MEETING:
            return _("The meeting is over — a good moment to stand ({sitting} sitting)",
                     sitting=sitting)
        return _("The call is over — a good moment to stand ({sitting} sitting)", sitting=sitting)
    return _("Time to stand — {sitting} sitting", sitting=sitting)


def reminder_body(remind: Remind) -> str:
    exercise, amount = remind.exercise, remind.exercise.amount(remind.dose)
    return (f"{moves.summary(exercise, amount)} · {moves.minutes_text(exercise, amount)}\n"
            f"{moves.shown_cue(exercise)}")


def reminder_lesson(remind: Remind) -> str:
    """The whole lesson at the person's dose: what, how long, the numbered steps, the cue, the
    safety line, the cautions, and the easier and harder ways."""
    return lesson(remind.exercise, remind.exercise.amount(remind.dose))


def lesson(exercise: Exercise, dose: int | None = None) -> str:
    """An exercise in full (at `dose`, or its range), its cautions in words."""
    return moves.full_text(exercise, dose, [caution(c) for c in exercise.cautions])


def caution(what: Caution) -> str:
    """A caution in words: who should take care, and how."""
    return {
        Caution.LYING_ON_BACK: lambda: _("If you are pregnant, avoid long holds lying on your "
                                         "back from about week 20; ask your midwife or doctor "
                                         "for another way."),
        Caution.BALANCE: lambda: _("If you are pregnant, keep a hand on the desk or wall the "
                                   "whole time; balance shifts as the bump grows."),
        Caution.FOOTWEAR: lambda: _("Do it in flat shoes, socks or bare feet, never in heeled "
                                    "shoes."),
        Caution.DEEP_HIP_BEND: lambda: _("With a hip replacement, a deep hip bend with the leg "
                                         "crossed or turned can strain the new joint; only with "
                                         "your surgeon's or physiotherapist's go-ahead."),
        Caution.HARD_SQUEEZE: lambda: _("With high blood pressure, keep breathing all through "
                                        "and stay below full force; holding your breath while "
                                        "squeezing raises blood pressure."),
    }[what]()


def heads_up_title(note: HeadsUp) -> str:
    return _("Break in {left}", left=left(note.due_in))


def heads_up_body(note: HeadsUp) -> str:
    return _("Next up: {exercise}", exercise=moves.summary(note.exercise))


def reminder_nudge(remind: Remind) -> str:
    """A repeat of a reminder whose lesson is on the screen already: one line."""
    if remind.count > 1 and remind.limit > 1:  # a repeat; after a snooze it starts afresh
        return _("Still due: {exercise} · reminder {count} of {limit}",
                 exercise=moves.shown_name(remind.exercise), count=remind.count,
                 limit=remind.limit)
    return _("Still due: {exercise}", exercise=moves.shown_name(remind.exercise))


def answer_hint() -> str:
    # TRANSLATORS: the command words stay English: they are what the person types
    return _("Answer with: glutewake done | snooze | skip")


def answer_hint_no_buttons() -> str:
    return _("Answer from the tray or with: glutewake done | snooze | skip")


# --- replies -----------------------------------------------------------------------------------

def answer(reply: Answer, now: float) -> str:
    """What a command's reply says."""
    kind, seconds = reply.reply, humanize(reply.seconds or 0)
    to_go = left(reply.seconds or 0)  # time left rounds as the status line does
    if kind is Reply.LOGGED:
        # TRANSLATORS: what was logged when the break had no exercise
        name = moves.shown_name(reply.exercise) if reply.exercise else _("break")
        if reply.early:
            text = _("Early break logged: {exercise}. Next break after {duration} of sitting.",
                     exercise=name, duration=seconds)
        else:
            text = _("Break logged: {exercise}. Next break after {duration} of sitting.",
                     exercise=name, duration=seconds)
        if reply.goal:
            text = _("{text} {done} of {goal} today.", text=text, done=reply.done_today,
                     goal=reply.goal)
        if reply.rating is not None and reply.exercise is not None:
            text += "\n" + rating(reply.rating, reply.exercise)
        return text
    if kind is Reply.SNOOZED:
        if reply.early:
            return _("Next break put off: next reminder after {duration} more sitting.",
                     duration=to_go)
        return _("Snoozed: next reminder after {duration} more sitting.", duration=to_go)
    if kind is Reply.SKIPPED:
        return _("Break skipped. The next one comes after {duration} of sitting.",
                 duration=seconds)
    if kind is Reply.PAUSED:
        return _("Reminders paused {until}.", until=pause_end(reply.until, now))
    if kind is Reply.RESUMED:
        if not reply.seconds:
            return _("Reminders are back on; a break is due now.")
        return _("Reminders are back on; next break in {duration}.", duration=to_go)
    if kind is Reply.STARTING:
        return _("glutewake is still starting; try again in a moment")
    if kind is Reply.NOTHING_TO_SNOOZE:
        return _("Reminders are paused, so there is nothing to snooze; `glutewake resume` turns "
                 "them back on.")
    if kind is Reply.NOTHING_TO_SKIP:
        return _("No break is due, so there is nothing to skip; the next one is in {duration}. "
                 "To put it off, use snooze.", duration=to_go)
    if kind is Reply.PAUSE_IN_PAST:
        return _("That pause would end at {time}, which is past; pick a later time.",
                 time=clock(reply.until or now, now))
    if kind is Reply.NOT_PAUSED:
        return _("Reminders are not paused, so there is nothing to resume.")
    if kind is Reply.STOPPED:
        return _("glutewake stopped.")
    if kind is Reply.APPLIED:
        return _("Settings applied.")
    if kind is Reply.RATED:
        if reply.exercise and reply.rating:
            return rating(reply.rating, reply.exercise)
        step = (reply.dose or 0) + 1
        return _("Noted: that exercise will be at dose {step} of {steps} next time.", step=step,
                 steps=STEPS)
    if kind is Reply.GUIDING:
        return _("Guided break started: {exercise}, about {duration}. Follow the notification.",
                 exercise=name_of(reply), duration=minutes(reply.seconds or 0, up=True))
    if kind is Reply.ALREADY_GUIDING:
        return _("A guided break of {exercise} is under way already.", exercise=name_of(reply))
    if kind is Reply.NOT_GUIDING:
        return _("No guided break is under way.")
    if kind is Reply.PARTIAL:
        return _("Guided break stopped after {duration}: logged as a partial break of "
                 "{exercise}, not a full one.", duration=seconds, exercise=name_of(reply))
    if kind is Reply.UNKNOWN_EXERCISE:
        return _("That exercise is not in the catalog; `glutewake exercises` lists them.")
    if kind is Reply.ENDED_ALREADY:
        return _("This guided break of {exercise} was ended and logged already.",
                 exercise=name_of(reply))
    if kind is Reply.NOTHING_TO_RATE:
        return _("No break was logged since glutewake started, so there is nothing to rate; "
                 "`glutewake done --easy` logs one and rates it.")
    raise KeyError(kind)


def rating(rated: Rated, exercise: Exercise) -> str:
    """What a rating did: the dose from now on, the other way at the ends of the range, and
    after pain, a week's rest, the easier way and when to see someone."""
    numbers = dict(exercise=moves.shown_name(exercise), step=rated.dose.step + 1, steps=STEPS)
    if rated.said is Feedback.PAIN:
        lines = [_("Noted: {exercise} is left out of your reminders for a week, and comes back "
                   "at dose {step} of {steps}.", **numbers)]
        if exercise.easier:
            lines.append(_("When it is back, try the easier way first: {easier}",
                           easier=_(exercise.easier)))
        lines.append(see_someone())
        return "\n".join(lines)
    if rated.outcome is Outcome.NOT_COUNTED:
        return _("Noted. A break logged early, without a reminder or the guide, does not move "
                 "the dose up: {exercise} stays at dose {step} of {steps}.", **numbers)
    if rated.outcome is Outcome.TOP:  # the harder way is the next step, when there is one
        text = _("{exercise} is at the top of its range already (dose {step} of {steps}).",
                 **numbers)
        return _("{text} For more, do the harder way: {harder}", text=text,
                 harder=_(exercise.harder)) if exercise.harder else text
    if rated.outcome is Outcome.BOTTOM:  # and at the other end, the easier way
        text = _("{exercise} is at the start of its range already (dose {step} of {steps}).",
                 **numbers)
        return _("{text} For less, do the easier way: {easier}", text=text,
                 easier=_(exercise.easier)) if exercise.easier else text
    return _("Noted: {exercise} will be at dose {step} of {steps} next time.", **numbers)


def resting(hurt: float, now: float) -> str:
    """Why a move that hurt is left out, for `glutewake exercises`."""
    return _("you said it hurt ({when}); suggested again from {again}",
             when=clock(hurt, now), again=clock(hurt + REST_AFTER_PAIN, now))


def health_notice_title() -> str:
    return _("Before you exercise")


def health_notice() -> str:
    """Who should ask a professional first, and what a move should and should not feel like:
    told at the first start and with the first reminder, and in `exercises`, the README and the
    manual page."""
    return "\n".join([
        _("glutewake suggests simple exercises; it does not replace advice from a doctor or "
          "physiotherapist."),
        _("Ask one first if you have had surgery or an injury recently, have a hip or knee "
          "replacement, are pregnant, or have pain that runs down a leg, or numbness."),
        _("A muscle working and a light burn are expected. Joint pain, sharp pain or dizziness "
          "are not: stop, and answer \"Pain\" so the move rests for a week."),
        _("[coach] cautions in the settings leaves out the moves that do not suit a pregnancy, a "
          "hip replacement or high blood pressure."),
    ])


def rating_title() -> str:
    """The title over the answer to a rating from the tray or a notification button."""
    return _("How the exercise felt")


def see_someone() -> str:
    """When pain is worth a professional's look."""
    return _("If the pain lasts or comes back, see a doctor or physiotherapist.")


def name_of(reply: Answer) -> str:
    return moves.shown_name(reply.exercise) if reply.exercise else _("the exercise")


# --- the guided break --------------------------------------------------------------------------

def where(step, exercise: Exercise) -> str:
    """ "set 2 of 3", with the side named as the exercise's steps name it: "set 2 of 3,
    standing on your left leg", "set 1 of 3, back to the left"."""
    numbers = dict(set=step.set, sets=step.sets)
    if step.side is None:
        return _("set {set} of {sets}", **numbers)
    right = step.side is Side.RIGHT
    if exercise.side == "direction":  # the first way out, then the way back
        out = right == (exercise.first_side == "right")
        return {(True, True): lambda: _("set {set} of {sets}, to the right", **numbers),
                (True, False): lambda: _("set {set} of {sets}, to the left", **numbers),
                (False, True): lambda: _("set {set} of {sets}, back to the right", **numbers),
                (False, False): lambda: _("set {set} of {sets}, back to the left", **numbers),
                }[out, right]()
    named = {
        "standing": (lambda: _("set {set} of {sets}, standing on your right leg", **numbers),
                     lambda: _("set {set} of {sets}, standing on your left leg", **numbers)),
        "working": (lambda: _("set {set} of {sets}, right leg working", **numbers),
                    lambda: _("set {set} of {sets}, left leg working", **numbers)),
        "forward": (lambda: _("set {set} of {sets}, right foot forward", **numbers),
                    lambda: _("set {set} of {sets}, left foot forward", **numbers)),
        "back": (lambda: _("set {set} of {sets}, right foot back", **numbers),
                 lambda: _("set {set} of {sets}, left foot back", **numbers)),
        # TRANSLATORS: a bird dog's side is its leg's: the left arm reaches with the right leg
        "arm-and-leg": (lambda: _("set {set} of {sets}, left arm and right leg", **numbers),
                        lambda: _("set {set} of {sets}, right arm and left leg", **numbers)),
    }.get(exercise.side, (lambda: _("set {set} of {sets}, right side", **numbers),
                          lambda: _("set {set} of {sets}, left side", **numbers)))
    return named[0 if right else 1]()


def guide_title(note: Guiding) -> str:
    step = note.where.step
    if step is None:
        return _("{exercise}: done", exercise=moves.shown_name(note.exercise))
    if step.part == Part.REST:
        return _("Rest · next: {where}", where=where(step, note.exercise))
    return _("{exercise} · {where}", exercise=moves.shown_name(note.exercise),
             where=where(step, note.exercise))


def guide_body(note: Guiding) -> str:
    step, place = note.where.step, note.where
    if step is None:
        return ""
    left = humanize(place.left)
    if step.part == Part.REST:
        now = _("Shake it out, breathe. {left} left", left=left)
    elif step.reps and note.exercise.side == "direction":
        now = ngettext("{reps} slow step · {left} left", "{reps} slow steps · {left} left",
                       step.reps, reps=step.reps, left=left)
    elif step.reps:
        now = ngettext("{reps} slow rep · {left} left", "{reps} slow reps · {left} left",
                       step.reps, reps=step.reps, left=left)
    else:
        now = _("Hold · {left} left", left=left)
    lines = [now, _("About {left} left in this break", left=minutes(place.total_left, up=True))]
    if note.paused:
        lines.append(_("Paused: it goes on when you are back at the desk."))
    return "\n".join(lines)


def guide_done_title(note: GuideDone) -> str:
    return _("Break logged: well done")


def guide_done_body(note: GuideDone) -> str:
    return _("{exercise}, {duration} guided. Next break after {next} of sitting. Too easy, too "
             "hard, or did it hurt? Say so below.", exercise=moves.shown_name(note.exercise),
             duration=humanize(note.seconds), next=humanize(note.next_in))


# --- the journal -------------------------------------------------------------------------------

def kind_name(kind: Kind) -> str:
    """What happened, for the kind column of `glutewake log` (the CSV keeps the English)."""
    # TRANSLATORS: the kinds of journal events in `glutewake log`: short, one word if possible
    return {
        Kind.STARTED: lambda: pgettext("journal event", "started"),
        Kind.REMINDED: lambda: pgettext("journal event", "reminded"),
        Kind.HELD: lambda: pgettext("journal event", "held"),
        Kind.DONE: lambda: pgettext("journal event", "done"),
        Kind.SNOOZED: lambda: pgettext("journal event", "snoozed"),
        Kind.SKIPPED: lambda: pgettext("journal event", "skipped"),
        Kind.NATURAL_BREAK: lambda: pgettext("journal event", "natural_break"),
        Kind.PAUSED: lambda: pgettext("journal event", "paused"),
        Kind.RESUMED: lambda: pgettext("journal event", "resumed"),
        Kind.STOPPED: lambda: pgettext("journal event", "stopped"),
        Kind.LEVEL_UP: lambda: pgettext("journal event", "level_up"),
        Kind.FEEDBACK: lambda: pgettext("journal event", "feedback"),
        Kind.PARTIAL: lambda: pgettext("journal event", "partial"),
        Kind.AWAY: lambda: pgettext("journal event", "away"),
    }.get(kind, lambda: str(kind))()


def not_written_yet() -> str:
    """Marks an event of `glutewake log` that was acknowledged and waits in a spill file."""
    # TRANSLATORS: in `glutewake log`, after an event the journal could not take yet
    return _("waiting to be written")


def detail(record: Record) -> str:
    """The short detail column of `glutewake log` and the CSV export, from the fields."""
    kind = record.kind
    if kind is Kind.REMINDED:
        text = _("reminder {number}", number=record.reminder or 1)
        if record.reason is Reason.MEETING and record.duration is None and record.until:
            return _("{reminder}, before a meeting at {time}", reminder=text,
                     time=clock(record.until, record.wall))
        if record.reason is not None:
            what = Hold(record.reason, record.source)
            text = _("{reminder}, held {duration}: {hold}", reminder=text,
                     duration=humanize(record.duration or 0), hold=hold(what))
        return text
    if kind is Kind.HELD and record.reason is not None:
        return hold(Hold(record.reason, record.source))
    if kind is Kind.DONE:
        words = [_("early") if record.early else "", _("guided") if record.guided else "",
                 "" if record.dose is None else
                 _("dose {step} of {steps}", step=record.dose + 1, steps=STEPS)]
        return ", ".join(w for w in words if w)
    if kind is Kind.PARTIAL:
        return _("stopped after {duration}", duration=humanize(record.duration or 0))
    if kind is Kind.FEEDBACK:
        said = {Feedback.EASY: lambda: _("too easy"), Feedback.HARD: lambda: _("too hard"),
                # TRANSLATORS: a rating in `glutewake log`: the exercise hurt
                Feedback.PAIN: lambda: _("pain")}
        return said[Feedback(record.feedback)]() if record.feedback in said else ""
    if kind is Kind.SNOOZED:
        return humanize(record.duration or 0)
    if kind is Kind.NATURAL_BREAK:
        began = record.wall - (record.duration or 0)
        return _("away since {time}", time=clock(began, record.wall))
    if kind is Kind.AWAY:
        duration = record.duration or 0
        # TRANSLATORS: an absence in `glutewake log`: "1 h 5 min, 12:02–13:07"
        return _("{duration}, {start}–{end}", duration=humanize(duration),
                 start=clock(record.wall - duration, record.wall),
                 end=clock(record.wall, record.wall))
    if kind is Kind.PAUSED:
        return pause_end(record.until, record.wall)
    if kind is Kind.RESUMED:
        return _("pause ended") if record.reason is Reason.TIMER else _("by you")
    if kind is Kind.LEVEL_UP:
        return _("level {level} unlocked", level=record.level)
    return ""


def dose(what: Dose) -> str:
    """Why the dose is where it is, for `glutewake exercises show`."""
    step = _("dose {step} of {steps}", step=what.step + 1, steps=STEPS)
    reason = {
        Why.START: lambda: _("{dose}: everyone starts at the low end", dose=step),
        Why.EARNED: lambda: _("{dose}: moved up after breaks done at the step below", dose=step),
        Why.EASY: lambda: _("{dose}: moved up because you said it was too easy", dose=step),
        Why.HARD: lambda: _("{dose}: moved down because you said it was too hard", dose=step),
        Why.PAIN: lambda: _("{dose}: moved down because you said it hurt", dose=step),
        Why.LAPSE: lambda: _("{dose}: stepped back a step for each week without breaks",
                             dose=step),
        Why.TOP: lambda: _("{dose}: the top of the range", dose=step),
    }[what.why]()
    if what.step == STEPS - 1 or what.why is Why.LAPSE:
        return reason
    return _("{reason} ({done} done at this step)", reason=reason, done=what.done)


def level_up(level: int) -> str:
    if level == 2:
        return _("level 2 unlocked: the integration exercises (frog pumps, single-leg Romanian "
                 "deadlift, ...) now join your rotation")
    return _("level {level} in force", level=level)


def stopping() -> str:
    return _("glutewake is stopping.")


# --- what the running glutewake says (glutewake/app/runner.py and daemon.py) -------------------

def watching(every: float) -> str:
    """The first line of `glutewake run`."""
    return _("glutewake is watching your sitting time; a break is due after {every} of sitting. "
             "Ctrl-C stops it.", every=humanize(every))


def shown_on_desktop_with_tray() -> str:
    return _("Reminders appear as desktop notifications with buttons, and the tray icon shows "
             "your stretch.")


def shown_on_desktop() -> str:
    return _("Reminders appear as desktop notifications with buttons.")


def shown_here(reason: str) -> str:
    """Console mode, and why: "--console" asked for, or "no display"."""
    if reason == "no display":
        return _("Reminders are printed here: there is no desktop (neither DISPLAY nor "
                 "WAYLAND_DISPLAY is set).")
    return _("Reminders are printed here (--console).")


def answer_from(command: str) -> str:
    # TRANSLATORS: {command} is how to type glutewake, a name or a path; the words after it stay
    return _("Answer from another terminal: {command} done | snooze | skip | status",
             command=command)


def settings_at(path, command: str) -> str:
    return _("Settings: {path} (`{command} config edit` opens them)", path=path, command=command)


def stopped() -> str:
    """The last line of `glutewake run`."""
    return _("glutewake stopped.")


def already_running(pid) -> str:
    return _("glutewake is already running (pid {pid}); use `glutewake status` or "
             "`glutewake quit`", pid=pid)


def start_at_login() -> str:
    """The tray's check box for autostart."""
    return _("Start at login")


def log_not_written(path, error: str) -> str:
    return _("cannot write {path} ({error}); `glutewake log` prints the journal", path=path,
             error=error)


def cannot_open(path, problem: str) -> str:
    return _("cannot open {path} ({problem}); open it yourself", path=path, problem=problem)


def defaults_in_use(error) -> str:
    """A bad settings file when glutewake starts."""
    return _("{error} (using the default settings until this is fixed)", error=i18n.problem(error))


def last_good_kept(error) -> str:
    """A bad settings file saved while glutewake runs."""
    return _("{error} (keeping the last good settings)", error=i18n.problem(error))


def settings_unreadable(error: Exception) -> str:
    """A settings file that failed in a way no check foresaw."""
    return _("could not be read ({error}); check it with `glutewake config check`",
             error=type(error).__name__)


def settings_reloaded(path) -> str:
    return _("settings reloaded from {path}", path=path)


def notification_failed(way: str, error) -> str:
    return _("notification failed ({way}: {error})", way=part_name(way), error=error)


def part_name(name: str | None) -> str:
    """The name of a part glutewake uses (an idle source, a notifier, a tray, a detector) as a
    person reads it. The names stay English where scripts read them (`status --json`, the D-Bus
    properties, the log); the adapters mark the ones made of words with N_, and those are
    translated here ("console", "desktop notifications (D-Bus)"); product and protocol names
    ("logind", "pystray gtk") are not in the catalog and come back as they are."""
    if not name or name == "none":
        # TRANSLATORS: no idle source, notifier or tray at all
        return _("none")
    return _(name)


# --- other computers ([sync]) ----------------------------------------------------------------

def seen(name: str, when: float | None, now: float) -> str:
    """Another computer and how fresh its data is: "laptop: 12 min ago"."""
    if when is None:
        # TRANSLATORS: another computer in the synced folder that has not written yet
        return _("{name}: nothing yet", name=name)
    if now - when < 60:
        return _("{name}: just now", name=name)
    return _("{name}: {duration} ago", name=name, duration=humanize(now - when))


def clock_ahead(name: str, seconds: float) -> str:
    return _("{name}: its clock runs {duration} ahead of this one; its times count as now at "
             "the latest (set its clock right)", name=name,
             duration=humanize(round(seconds / 60) * 60))  # what was measured, less the delay


def settings_checked() -> str:
    return _("settings checked")



# --- the sitting pattern ------------------------------------------------------------------------

def decimal(value: float) -> str:
    """One decimal, with the language's decimal mark: "2.1", "2,1"."""
    # TRANSLATORS: the decimal mark in a number like 2.5 (German, French, Spanish: a comma)
    return f"{value:.1f}".replace(".", pgettext("decimal mark", "."))


def percent(share: float) -> str:
    """A share from 0 to 1 as a whole percentage: "35%"."""
    # TRANSLATORS: a whole percentage; French and German put a no-break space before %
    return _("{percent}%", percent=round(share * 100))


def trend_lines(now, before) -> list[str]:
    """A week's sitting pattern against the week before, a line per measure ("Longest bout:
    41 min, down from 58 min"); `now` and `before` are store.pattern.Measures. Up and down say
    which way a number went, nothing more."""
    if not now.bouts:
        return []
    had = before.bouts > 0
    rows = ((_("Longest bout"), now.longest_bout_seconds, before.longest_bout_seconds, humanize),
            (_("Sitting in bouts of 30 min or more"), now.share_30, before.share_30, percent),
            (_("Breaks per sitting hour"), now.breaks_per_hour, before.breaks_per_hour, decimal))
    lines = []
    for label, value, old, shown in rows:
        text = shown(value)
        if not had or old is None:
            lines.append(labelled(label, text))
        elif shown(old) == text:
            lines.append(labelled(label, _("{value}, as the week before", value=text)))
        elif value < old:
            lines.append(labelled(label, _("{value}, down from {before}", value=text,
                                           before=shown(old))))
        else:
            lines.append(labelled(label, _("{value}, up from {before}", value=text,
                                           before=shown(old))))
    return lines


def weekly_summary_title() -> str:
    return _("Your sitting last week")


def weekly_summary_body(first, last, now, before) -> str:
    """The weekly summary notification: the week's dates, then its trend lines."""
    return "\n".join([_("{first} to {last}", first=weekday_date(first),
                        last=weekday_date(last)), *trend_lines(now, before)])

_CONSTANTS = {"SETTINGS_NOT_APPLIED": settings_not_applied, "EVERY_NOT_CHANGED": every_not_changed,
              "ANSWER_HINT": answer_hint, "ANSWER_HINT_NO_BUTTONS": answer_hint_no_buttons,
              "STOPPING": stopping, "SETTINGS_CHECKED": settings_checked}


def __getattr__(name: str) -> str:
    """The constant sentences other modules read by name, in the language in force now."""
    if name in _CONSTANTS:
        return _CONSTANTS[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
