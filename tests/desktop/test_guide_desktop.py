"""The guided break on the real test desktop: the reminder carries a picture and a Start
button; Start turns the same notification into the guide, step by step, and the break is logged
as a guided done with its time. Screenshots of two phases stay in the artefacts."""

from __future__ import annotations

from tests.desktop.test_desktop import rows
from tests.support import QUICK_EXERCISE, Running, write_config
from tests.support.desktop import wait_for

QUICK = ('[breaks]\nevery = "3s"\nsnooze = "2s"\nremind_again = "1h"\n\n'
         '[exercises]\ndisabled = {builtin}\n'
         + QUICK_EXERCISE.replace("{", "{{").replace("}", "}}"))


def test_start_in_the_reminder_guides_the_break_in_the_same_notification(desktop):
    from glutewake.app.catalog import builtin

    disabled = "[" + ", ".join(f'"{e.id}"' for e in builtin()) + "]"
    write_config(desktop.env, QUICK.format(builtin=disabled))
    daemon = Running(dict(desktop.env, PYSTRAY_BACKEND="gtk"))
    try:
        daemon.wait_for("glutewake is watching")
        try:
            reminder = desktop.wait_shown(1)[0]
        except AssertionError:
            daemon.stop()
            raise AssertionError("\n".join(daemon.lines)) from None
        assert reminder["summary"].startswith("Time to stand")
        assert "/pictures/neutral.png" in reminder["icon_path"], reminder  # no pose: neutral
        first_id = reminder["id"]
        desktop.press_in_notification("#Start")
        shots = {}
        for phase, words in (("set-1", "set 1 of 2"), ("rest", "Rest")):
            wait_for(lambda words=words: any(words in n["summary"] for n in desktop.shown()),
                     f"the guide at {words!r}", timeout=15)
            shots[phase] = desktop.screenshot(f"guide-{phase}")
        wait_for(lambda: any(n["summary"].startswith("Break logged") for n in desktop.shown()),
                 "the last update: the break logged", timeout=30)
        guided = [n for n in desktop.shown() if n["id"] == first_id]
        summaries = [n["summary"] for n in guided]
        assert any("set 1 of 2" in s for s in summaries)
        assert any("set 2 of 2" in s for s in summaries)
        assert any(s.startswith("Break logged") for s in summaries)  # the last update
        assert all(n["id"] == first_id for n in desktop.shown()), "one notification, updated"
        assert shots["set-1"].size == shots["rest"].size
        # the guide's last step asks how it went: Pain rests the move and says when to see someone
        assert "did it hurt?" in guided[-1]["body"]
        desktop.press_in_notification("#Pain")
        answer = wait_for(lambda: next((n for n in desktop.shown() if "physiotherapist" in
                                        n["body"]), None), "the answer to Pain", timeout=15)
        assert "Quick squeeze is left out of your reminders for a week" in answer["body"]
    finally:
        assert daemon.stop() == 0
    done = rows(desktop.env, "done")
    assert len(done) == 1 and done[0][1] == "quick-squeeze" and "guided" in done[0][3]
    assert [(r[1], r[3]) for r in rows(desktop.env, "feedback")] == [("quick-squeeze", "pain")]
