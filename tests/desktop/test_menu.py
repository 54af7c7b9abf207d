"""The one menu description every tray backend shows."""

from glutewake.app.catalog import builtin
from glutewake.core.coach import Status
from glutewake.core.commands import Done, EndGuide, Pause, Quit, Snooze, Start
from glutewake.core.events import Phase
from glutewake.desktop import menu

calls = []
CONTROLS = menu.Controls(run=calls.append, open_settings=lambda: calls.append("settings"),
                         open_log=lambda: calls.append("log"))


def items_for(phase, done_today=2, goal=0, streak=0):
    status = Status(Phase(phase), 600, 1200, 1 if phase == "due" else 0, None, 0.0, builtin()[1],
                    done_today=done_today, goal=goal)
    return menu.build(menu.View(status, "Sitting 10 min · break in 20 min", (300, 600, 1200),
                                streak), CONTROLS)


def by_label(items):
    return {item.label: item for item in items if not item.separator}


def test_the_menu_has_every_item_in_order():
    labels = [i.label if not i.separator else "-" for i in items_for("sitting")]
    assert labels == ["Sitting 10 min · break in 20 min",
                      "Next: Standing hip drive — 3 × 10–15 s hold per side", "-",
                      "Done — I took my break", "Snooze", "Skip this break",
                      "Rate the last exercise", "Pause", "-",
                      "Today: 2 breaks done", "Open settings", "Open break log", "-",
                      "Quit glutewake"]


def test_a_due_break_offers_the_guide_and_a_running_guide_can_be_stopped():
    calls.clear()
    assert "Start the guided break" not in by_label(items_for("sitting"))
    by_label(items_for("due"))["Start the guided break"].action()
    by_label(items_for("held"))["Start the guided break"].action()
    guiding = by_label(items_for("guiding"))
    assert "Start the guided break" not in guiding
    guiding["Stop the guided break"].action()
    assert calls == [Start(), Start(), EndGuide()]


def test_done_is_the_default_action_and_info_lines_are_disabled():
    items = by_label(items_for("sitting"))
    assert items["Done — I took my break"].default
    assert not items["Sitting 10 min · break in 20 min"].enabled
    assert not items["Today: 2 breaks done"].enabled


def test_skip_only_when_due_or_held_and_resume_only_when_paused():
    assert not by_label(items_for("sitting"))["Skip this break"].enabled
    assert by_label(items_for("due"))["Skip this break"].enabled
    assert by_label(items_for("held"))["Skip this break"].enabled  # the coach takes it then too
    paused = by_label(items_for("paused"))
    assert "Resume reminders" in paused and "Pause" not in paused
    assert not paused["Snooze"].enabled


def test_submenus_call_the_controls_with_their_values():
    calls.clear()
    items = by_label(items_for("due", done_today=1))
    assert "Today: 1 break done" in items
    assert [c.label for c in items["Snooze"].children] == ["5 min", "10 min", "20 min"]
    items["Snooze"].children[1].action()
    assert [c.label for c in items["Pause"].children] == ["30 min", "1 hour", "2 hours",
                                                          "Until tomorrow"]
    items["Pause"].children[3].action()
    items["Done — I took my break"].action()
    by_label(items_for("sitting"))["Quit glutewake"].action()
    assert calls == [Snooze(600), Pause(tomorrow=True), Done(), Quit()]


def test_break_every_offers_the_usual_intervals_with_the_one_in_force_checked():
    chosen = []
    controls = menu.Controls(run=calls.append, open_settings=lambda: None, open_log=lambda: None,
                             set_every=chosen.append)
    status = Status(Phase.SITTING, 600, 1200, 0, None, 0.0, builtin()[1])

    def every_items(every):
        view = menu.View(status, "line", (300,), every=every)
        return by_label(by_label(menu.build(view, controls))["Break every"].children)

    items = every_items(45 * 60)
    assert list(items) == ["20 min", "30 min", "45 min", "1 h", "1 h 30 min"]
    assert [label for label, item in items.items() if item.checked] == ["45 min"]
    items["1 h 30 min"].action()
    assert chosen == [90 * 60]
    odd = every_items(25 * 60)  # a value from the settings file that is none of the choices
    assert list(odd) == ["20 min", "25 min", "30 min", "45 min", "1 h", "1 h 30 min"]
    assert [label for label, item in odd.items() if item.checked] == ["25 min"]
    assert "Break every" not in by_label(items_for("sitting"))  # only when the daemon offers it


def test_setting_text_is_what_the_settings_file_takes():
    from glutewake.core.timespec import parse_duration, setting_text

    for seconds in (45, 60, 1800, 3600, 5400, 3661, 86400):
        assert parse_duration(setting_text(seconds)) == seconds
    assert setting_text(5400) == "1h30m"


def test_show_my_week_follows_the_break_log_when_the_tray_offers_it():
    shown = []
    controls = menu.Controls(run=calls.append, open_settings=lambda: None, open_log=lambda: None,
                             show_week=lambda: shown.append("week"))
    status = Status(Phase("sitting"), 600, 1200, 0, None, 0.0, builtin()[1])
    items = menu.build(menu.View(status, "line", (300,)), controls)
    labels = [i.label for i in items if not i.separator]
    assert labels[labels.index("Open break log") + 1] == "Show my week"
    by_label(items)["Show my week"].action()
    assert shown == ["week"]


def test_the_last_exercise_can_be_rated_too_easy_too_hard_or_pain():
    from glutewake.core.commands import Rate
    from glutewake.core.dose import Feedback

    calls.clear()
    rating = by_label(items_for("sitting"))["Rate the last exercise"]
    assert [c.label for c in rating.children] == ["Too easy", "Too hard", "Pain"]
    for child in rating.children:
        child.action()
    assert calls == [Rate(Feedback.EASY), Rate(Feedback.HARD), Rate(Feedback.PAIN)]
