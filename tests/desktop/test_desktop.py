"""`glutewake run` on a real X desktop: tray icon in trayer, notifications in dunst, X idle time.

Screenshots land in artifacts/desktop/ for a person to look at.
"""

import time
from pathlib import Path

import pytest

from glutewake.app.catalog import builtin
from glutewake.desktop.icon import ALERT, CALM
from tests.support import Running, glutewake, journal_path, write_config
from tests.support.desktop import forge_notification_signals, share, wait_for

pytestmark = pytest.mark.desktop

STANDING = {e.name for e in builtin() if e.posture == "standing"}


def start(desktop, config: str, *args: str) -> Running:
    write_config(desktop.env, config)
    env = dict(desktop.env, PYSTRAY_BACKEND="gtk")
    daemon = Running(env, *args)
    daemon.wait_for("glutewake is watching")
    return daemon


def status_text(env) -> str:
    return glutewake(env, "status").stdout


def rows(env, kind=None):
    """(kind, exercise, sitting, detail as `glutewake log` words it) for each journal row."""
    from glutewake.store.journal import Journal
    from glutewake.words.phrases import detail

    if not journal_path(env).exists():
        return []
    journal = Journal(journal_path(env), check=False)
    try:
        return [(r.kind.value, r.exercise, r.sitting, detail(r))
                for r in (event.record for event in journal.events())
                if kind is None or r.kind == kind]
    finally:
        journal.close()


def test_icon_docks_and_its_ring_fills_then_turns_to_the_alert_when_due(desktop):
    daemon = start(desktop, '[breaks]\nevery = "8s"\nsnooze = "5s"\n')
    try:
        box = desktop.tray_icon()
        early = share(desktop.screenshot("tray-start"), box, CALM[:3])
        # the regular looks (every GLUTEWAKE_TICK) redraw the ring while you sit; it turns
        # orange in the last sixth (after 6.7 of 8 s), so the green grows well before that
        later = desktop.screenshot_when(
            "tray-sitting", lambda shot: share(shot, box, CALM[:3]) > early + 0.05,
            "the green arc to grow", timeout=6)
        assert share(later, box, ALERT[:3]) < 0.01
        desktop.wait_shown(1)
        # the tray redraw is asynchronous in the GTK loop
        desktop.screenshot_when("tray-due", lambda shot: share(shot, box, ALERT[:3]) > 0.25,
                                "a red disc in the tray", timeout=5)
        assert "Break due" in desktop.run("xwininfo", "-root", "-tree").stdout  # the title
    finally:
        assert daemon.stop() == 0


def test_reminder_reaches_dunst_with_a_standing_exercise_and_buttons(desktop):
    daemon = start(desktop, '[breaks]\nevery = "3s"\nsnooze = "2s"\n')
    try:
        shown = desktop.wait_shown(1)[0]
        assert shown["summary"].startswith("Time to stand — ")
        assert any(shown["body"].startswith(name + " — ") for name in STANDING), shown
        desktop.screenshot("notification")
        desktop.press_in_notification("NOTHING")  # just list the actions dunst offers
        offered = (desktop.folder / "dmenu-offered.txt").read_text()
        assert "#Done" in offered and "#Snooze 2 s" in offered and "#Show the exercise" in offered
    finally:
        assert daemon.stop() == 0


def test_snooze_button_in_the_notification_defers_the_next_reminder(desktop):
    daemon = start(desktop, '[breaks]\nevery = "3s"\nsnooze = "3s"\nremind_again = "1h"\n')
    try:
        desktop.wait_shown(1)
        desktop.press_in_notification("#Snooze")
        wait_for(lambda: rows(desktop.env, "snoozed"), "the snooze in the journal")
        snoozed_at = time.monotonic()
        wait_for(lambda: desktop.run("dunstctl", "count", "displayed").stdout.strip() == "0",
                 "the answered notification to close")
        desktop.wait_shown(2, timeout=15)
        waited = time.monotonic() - snoozed_at
        assert 2.5 <= waited <= 8, waited  # 3 s of sitting, then the next look
        assert [r[0] for r in rows(desktop.env)].count("reminded") == 2
    finally:
        assert daemon.stop() == 0


def test_done_from_the_tray_menu_is_journaled(desktop):
    daemon = start(desktop, '[breaks]\nevery = "3s"\nsnooze = "2s"\nremind_again = "1h"\n')
    try:
        desktop.wait_shown(1)
        desktop.tray_menu(["Down", "Return"])  # the first item you can pick: "Done"
        wait_for(lambda: rows(desktop.env, "done"), "a done row")
        assert "early" not in rows(desktop.env, "done")[0][3]  # answered a reminder
        wait_for(lambda: desktop.run("dunstctl", "count", "displayed").stdout.strip() == "0",
                 "the reminder to be taken down")
    finally:
        assert daemon.stop() == 0


def test_menu_screenshot_shows_the_items(desktop):
    daemon = start(desktop, '[breaks]\nevery = "1h"\nsnooze = "2s"\n')
    try:
        desktop.tray_menu([])
        shot = desktop.screenshot("tray-menu")
        x, y, w, h = desktop.tray_icon()
        # the menu opens below the icon: a light area far larger than the icon
        assert share(shot, (x - 300, y + h + 5, 300, 200), (255, 255, 255), tolerance=90) > 0.5
        desktop.run("xdotool", "key", "Escape")
    finally:
        assert daemon.stop() == 0


def test_quit_from_the_tray_menu_ends_cleanly(desktop):
    daemon = start(desktop, '[breaks]\nevery = "1h"\nsnooze = "2s"\n')
    desktop.tray_menu(["Up", "Return"])  # the last item: "Quit glutewake"
    assert daemon.proc.wait(10) == 0
    assert rows(desktop.env)[-1][0] == "stopped"
    runtime = desktop.env["XDG_RUNTIME_DIR"] + "/glutewake"
    import os

    assert os.listdir(runtime) == []
    assert "Traceback" not in "\n".join(daemon.lines)


def test_no_input_beyond_natural_break_is_a_natural_break_without_reminders(desktop):
    daemon = start(desktop, '[breaks]\nevery = "20s"\nnatural_break = "4s"\nsnooze = "2s"\n')
    try:
        for _ in range(4):  # at the desk for a few seconds
            desktop.move_mouse()
            time.sleep(0.5)
        # then away, no input at all, until the break is journaled (4 s away, and a look)
        wait_for(lambda: rows(desktop.env, "natural_break"), "the natural break", 12)
        desktop.move_mouse()  # back
        wait_for(lambda: "Sitting" in glutewake(desktop.env, "status").stdout,
                 "the status to say you sit again", 5)
        status = glutewake(desktop.env, "status").stdout
        assert "Idle detection: X11 screensaver extension" in status
        assert "Sitting" in status
        assert not rows(desktop.env, "reminded")
        assert len(rows(desktop.env, "natural_break")) == 1
        assert 1.5 <= rows(desktop.env, "natural_break")[0][2] <= 4.5  # the stretch before leaving
    finally:
        assert daemon.stop() == 0


def test_daemon_survives_dunst_dying_and_uses_it_again_when_back(desktop):
    daemon = start(desktop, '[breaks]\nevery = "2s"\nsnooze = "2s"\nremind_again = "1h"\n')
    try:
        desktop.wait_shown(1)
        desktop.kill_dunst()
        assert glutewake(desktop.env, "done").returncode == 0  # withdrawing from a dead server
        daemon.wait_for("trying the next way", timeout=15)
        assert daemon.proc.poll() is None
        assert glutewake(desktop.env, "done").returncode == 0
        desktop.start_dunst()
        before = len(desktop.shown())
        desktop.wait_shown(before + 1, timeout=15)  # the next reminder reaches the new dunst
        assert "Traceback" not in "\n".join(daemon.lines)
    finally:
        assert daemon.stop() == 0


def test_a_forged_done_from_another_program_is_ignored_and_the_servers_own_counts(desktop):
    """Any connection can send what looks like the server's ActionInvoked; only the owner of
    org.freedesktop.Notifications is believed."""
    from glutewake.desktop.service import NAME

    daemon = start(desktop, '[breaks]\nevery = "3s"\nsnooze = "3s"\nremind_again = "1h"\n',
                   "--no-tray")
    bus = desktop.env["DBUS_SESSION_BUS_ADDRESS"]
    try:
        ident = int(desktop.wait_shown(1)[0]["id"])
        forge_notification_signals(bus, ident)  # to every connection that listens
        forge_notification_signals(bus, ident, to=desktop.name_owner(NAME))  # to the daemon
        # dunst's own Snooze comes after the forgeries: once it is in, they have been judged
        desktop.press_in_notification("#Snooze")
        wait_for(lambda: rows(desktop.env, "snoozed"), "the real snooze in the journal")
        assert not rows(desktop.env, "done")
        daemon.wait_for("ignored ActionInvoked from :")
        # the next reminder's Done, pressed in dunst, is the one break
        desktop.wait_shown(2, timeout=15)
        desktop.press_in_notification("#Done")
        wait_for(lambda: rows(desktop.env, "done"), "the real done in the journal")
        assert len(rows(desktop.env, "done")) == 1
    finally:
        assert daemon.stop() == 0


def test_a_repeated_reminder_replaces_the_last_and_the_cli_closes_it(desktop):
    daemon = start(desktop, '[breaks]\nevery = "2s"\nsnooze = "2s"\nremind_again = "2s"\n'
                            'max_reminders = 2\n')
    try:
        first, second = desktop.wait_shown(2)[:2]
        assert first["id"] == second["id"]  # replaced, not stacked
        assert desktop.run("dunstctl", "count", "displayed").stdout.strip() == "1"
        assert glutewake(desktop.env, "done").returncode == 0
        wait_for(lambda: desktop.run("dunstctl", "count", "displayed").stdout.strip() == "0",
                 "the CLI's done to close the notification")
    finally:
        assert daemon.stop() == 0


def test_no_tray_keeps_notifications_and_status_names_the_parts(desktop):
    daemon = start(desktop, '[breaks]\nevery = "2s"\nsnooze = "2s"\n', "--no-tray")
    try:
        desktop.wait_shown(1)
        status = glutewake(desktop.env, "status").stdout
        assert "Tray: none" in status
        assert "Notifications: desktop notifications (D-Bus)" in status
        assert "Log: " in status and status.split("Log: ")[1].strip().endswith("glutewake.log")
        with pytest.raises(AssertionError, match="icon in the tray"):
            desktop.tray_icon(timeout=2)  # nothing docked
    finally:
        assert daemon.stop() == 0


def test_open_settings_creates_the_commented_file_and_hands_it_to_the_desktop(desktop, tmp_path):
    opener = tmp_path / "bin" / "xdg-open"
    opener.parent.mkdir()
    opener.write_text(f'#!/bin/sh\necho "$1" >> {tmp_path}/opened.txt\n'
                      f'echo "GDK_GL=$GDK_GL" > {tmp_path}/opener-env.txt\n')
    opener.chmod(0o755)
    desktop.env["PATH"] = f"{opener.parent}:{desktop.env['PATH']}"
    config = write_config(desktop.env, "")
    config.unlink()
    daemon = start(desktop, '[breaks]\nevery = "1h"\nsnooze = "2s"\n')
    config.unlink()  # the user has no settings file yet
    try:
        # sensitive items, in order: Done, Snooze, Rate the last exercise, Pause, Start at
        # login, Break every, Open settings, ...
        desktop.tray_menu(["Down"] * 7 + ["Return"])
        wait_for(lambda: (tmp_path / "opened.txt").exists(), "the file to be opened")
        assert (tmp_path / "opened.txt").read_text().strip() == str(config)
        assert config.read_text().startswith("# glutewake settings")
        # the editor gets the user's environment, not the switch that keeps OpenGL out of ours
        assert (tmp_path / "opener-env.txt").read_text().strip() == "GDK_GL="
    finally:
        assert daemon.stop() == 0


def test_the_gtk_tray_loads_neither_opengl_nor_openssl(desktop):
    daemon = start(desktop, '[breaks]\nevery = "1h"\n')
    try:
        desktop.tray_icon()
        maps = (Path("/proc") / str(daemon.proc.pid) / "maps").read_text()
        assert "libgtk-3" in maps  # the gtk backend really is up
        # GTK would map the OpenGL driver (Mesa's software one: 50 MB here) to rank visuals, and
        # asyncio would map OpenSSL: the daemon draws no GL and opens no network connection
        for library in ("libGL", "libLLVM", "_dri.so", "libssl", "libcrypto"):
            assert library not in maps, library
    finally:
        assert daemon.stop() == 0


def test_xorg_backend_click_confirms_the_break(desktop):
    write_config(desktop.env, '[breaks]\nevery = "2s"\nsnooze = "2s"\nremind_again = "1h"\n')
    daemon = Running(dict(desktop.env, PYSTRAY_BACKEND="xorg"))
    try:
        daemon.wait_for("install PyGObject for the full menu")  # said once, as a warning
        desktop.wait_shown(1)
        x, y, w, h = desktop.tray_icon()
        desktop.run("xdotool", "mousemove", str(x + w // 2), str(y + h // 2), "click", "1")
        wait_for(lambda: rows(desktop.env, "done"), "the click to confirm the break")
    finally:
        assert daemon.stop() == 0


def test_a_full_screen_window_holds_the_reminder_until_it_leaves_full_screen(desktop):
    daemon = start(desktop, '[breaks]\nevery = "4s"\nsnooze = "2s"\nremind_again = "1h"\n')
    screen = desktop.fullscreen_window()
    try:
        # due after 4 s, in full screen: held, not shown
        wait_for(lambda: rows(desktop.env, "held"), "the reminder to be held", 10)
        assert desktop.shown() == []
        assert "· held since " in status_text(desktop.env)
        assert ": full-screen window" in status_text(desktop.env)
        assert rows(desktop.env, "held")[0][3] == "full-screen window"
        desktop.screenshot("held-fullscreen")
        screen.leave()
        left = time.monotonic()
        desktop.wait_shown(1, timeout=10)
        assert time.monotonic() - left < 5  # fires within 5 s of leaving full screen
        detail = rows(desktop.env, "reminded")[0][3]
        assert detail.startswith("reminder 1, held ") and detail.endswith("full-screen window")
    finally:
        screen.close()
        assert daemon.stop() == 0


def test_dunst_paused_is_do_not_disturb(desktop):
    desktop.run("dunstctl", "set-paused", "true")
    daemon = start(desktop, '[breaks]\nevery = "3s"\nsnooze = "2s"\nremind_again = "1h"\n')
    try:
        wait_for(lambda: rows(desktop.env, "held"), "the reminder to be held", 10)
        assert rows(desktop.env, "held")[0][3] == "do not disturb"
        assert not rows(desktop.env, "reminded")
        desktop.run("dunstctl", "set-paused", "false")
        wait_for(lambda: rows(desktop.env, "reminded"), "the held reminder to fire", 6)
        desktop.wait_shown(1)
    finally:
        assert daemon.stop() == 0


def counted_calls(bus) -> list[str]:
    """The methods `bus` calls from now on, by name."""
    calls: list[str] = []
    real = bus.call
    bus.call = lambda address, method, *args, **kwargs: (
        calls.append(method) or real(address, method, *args, **kwargs))
    return calls


def test_dunst_paused_is_kept_from_its_signals_not_asked_at_each_check(desktop, monkeypatch):
    """Before, every check asked dunst (a round trip, two wakeups); now its PropertiesChanged
    signal keeps the flag, and a new dunst is asked again."""
    from glutewake.core.events import Hold, Reason
    from glutewake.desktop.bus import Bus
    from glutewake.desktop.quiet.notification_server import DunstPaused

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    bus = Bus("SESSION")
    try:
        calls = counted_calls(bus)
        detector = DunstPaused(bus)
        assert detector.hold() is None  # asked twice: before and after it listens
        asked = calls.count("Get")
        for _ in range(20):
            assert detector.hold() is None
        assert calls.count("Get") == asked == 2
        desktop.run("dunstctl", "set-paused", "true")
        wait_for(lambda: detector.hold() == Hold(Reason.DO_NOT_DISTURB), "the paused signal")
        desktop.run("dunstctl", "set-paused", "false")
        wait_for(lambda: detector.hold() is None, "the resumed signal")
        desktop.run("dunstctl", "set-paused", "true")
        wait_for(lambda: detector.hold() == Hold(Reason.DO_NOT_DISTURB), "paused again")
        assert calls.count("Get") == 2
        desktop.kill_dunst()
        desktop.start_dunst()  # a new dunst starts unpaused: its flag is asked, not assumed
        wait_for(lambda: detector.hold() is None, "the new dunst's flag")
        assert calls.count("Get") == 3
    finally:
        bus.close()


def test_the_notification_server_is_known_present_without_asking_the_bus(desktop, monkeypatch):
    """`glutewake status` says whether the server is there: from the bus's signals, not a
    NameHasOwner call for every view as before."""
    from glutewake.desktop.bus import Bus
    from glutewake.desktop.notify import FreedesktopNotifier

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    bus = Bus("SESSION")
    try:
        notifier = FreedesktopNotifier(bus, "", lambda: 0, lambda: 60, lambda key: None)
        wait_for(notifier.available, "the server's owner to be known")
        calls = counted_calls(bus)
        assert all(notifier.available() for _ in range(20))
        desktop.kill_dunst()
        wait_for(lambda: not notifier.available(), "dunst gone")
        desktop.start_dunst()
        wait_for(notifier.available, "dunst back")
        assert "NameHasOwner" not in calls
    finally:
        bus.close()


def test_quiet_can_be_switched_off(desktop):
    desktop.run("dunstctl", "set-paused", "true")
    daemon = start(desktop, '[breaks]\nevery = "2s"\nsnooze = "2s"\n'
                            '[quiet]\ndo_not_disturb = false\n')
    try:
        wait_for(lambda: rows(desktop.env, "reminded"), "a reminder despite dunst being paused")
        assert not rows(desktop.env, "held")
    finally:
        assert daemon.stop() == 0


def zone_where_it_is_now(clock: str) -> str:
    """A POSIX TZ whose local time is `clock` ("HH:MM:SS") at this moment: work hours can end
    a few seconds from now on the real clock, without waiting for a minute to turn."""
    hours, minutes, seconds = map(int, clock.split(":"))
    east = round((hours * 3600 + minutes * 60 + seconds - time.time()) % 86400)  # local - UTC
    if east > 43200:
        east -= 86400
    west = -east  # POSIX TZ offsets count hours west of Greenwich
    h, rest = divmod(abs(west), 3600)
    return f"GLW{'-' if west < 0 else '+'}{h}:{rest // 60:02}:{rest % 60:02}"


def test_a_schedule_that_ends_seconds_from_now_stops_reminders(desktop):
    desktop.env["TZ"] = zone_where_it_is_now("12:00:51")  # work ends at 12:01, in 9 s
    daemon = start(desktop, '[breaks]\nevery = "3s"\nsnooze = "2s"\nremind_again = "2s"\n'
                            'max_reminders = 20\n[schedule]\nenabled = true\n'
                            'days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]\n'
                            'start = "00:00"\nend = "12:01"\n')
    try:
        desktop.wait_shown(1)  # during work hours reminders come
        off = "Off hours until tomorrow 00:00"
        wait_for(lambda: off in glutewake(desktop.env, "status").stdout,
                 "the status to say off hours once 12:01 has passed", 20)
        after_end = len(rows(desktop.env, "reminded"))
        time.sleep(6.5)  # three remind_again periods: nothing more
        assert len(rows(desktop.env, "reminded")) == after_end
    finally:
        assert daemon.stop() == 0


def test_heads_up_comes_first_with_a_snooze_button(desktop):
    daemon = start(desktop, '[breaks]\nevery = "6s"\nsnooze = "3s"\nheads_up = "3s"\n'
                            'remind_again = "1h"\n')
    try:
        first = desktop.wait_shown(1)[0]
        assert first["summary"] == "Break in 3 s" and first["body"].startswith("Next up: ")
        desktop.press_in_notification("NOTHING")
        offered = (desktop.folder / "dmenu-offered.txt").read_text()
        assert "#Snooze 3 s" in offered and "#Done" not in offered
        second = desktop.wait_shown(2)[1]
        assert second["summary"].startswith("Time to stand") and second["id"] == first["id"]
    finally:
        assert daemon.stop() == 0


def test_autostart_entry_starts_glutewake_on_the_desktop_and_the_tray_checkbox_follows(desktop):
    import configparser
    import shlex

    assert glutewake(desktop.env, "autostart", "enable").returncode == 0
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(f"{desktop.env['XDG_CONFIG_HOME']}/autostart/glutewake.desktop")
    write_config(desktop.env, '[breaks]\nevery = "1h"\nsnooze = "2s"\n')
    daemon = Running(dict(desktop.env, PYSTRAY_BACKEND="gtk"),
                     argv=shlex.split(parser["Desktop Entry"]["Exec"]))
    try:
        daemon.wait_for("glutewake is watching")
        desktop.tray_icon()  # the login-started daemon docks in the tray
        # sensitive items: Done, Snooze, Rate the last exercise, Pause, Start at login, ...
        desktop.tray_menu(["Down"] * 5 + ["Return"])
        wait_for(lambda: "off" in glutewake(desktop.env, "autostart", "status").stdout,
                 "the checkbox to turn autostart off")
    finally:
        assert daemon.stop() == 0


GTK_RELABEL = """
import threading, time
from glutewake.desktop.icon import Look
from glutewake.desktop.menu import SEPARATOR, Item
from glutewake.desktop.tray import PystrayTray

state = {"line": "Sitting 1 min", "today": "Today: 0 breaks done"}
menu = lambda: (Item(state["line"], enabled=False), SEPARATOR,
                Item(state["today"], enabled=False), Item("Quit", lambda: None))
tray = PystrayTray(menu, Look("sitting", 1), state["line"])
assert tray.backend == "gtk", tray.backend

def in_gtk(read):
    from gi.repository import GLib
    box, ready = [], threading.Event()
    GLib.idle_add(lambda: (box.append(read()), ready.set()) and False)
    ready.wait(5)
    return box[0]

def menu_now():
    time.sleep(0.5)  # the painter, then the GTK loop
    return in_gtk(lambda: (id(tray._icon._menu_handle),
                           [child.get_label() for child in tray._icon._menu_handle.get_children()]))

def script():
    first = menu_now()
    state["line"] = "Sitting 2 min"
    tray.update(Look("sitting", 1), state["line"])
    relabelled = menu_now()
    state["line"], state["today"] = "Sitting 3 min", "Today: 1 break done"
    tray.update(Look("sitting", 2), state["line"])
    rebuilt = menu_now()
    print("RESULT", first[0] == relabelled[0], relabelled[1][0], relabelled[0] != rebuilt[0],
          rebuilt[1][0], rebuilt[1][2], flush=True)
    tray.stop()

tray.run(ready=lambda: threading.Thread(target=script).start())
"""


def test_gtk_menu_sets_a_new_status_line_in_place_and_rebuilds_for_anything_else(desktop):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", GTK_RELABEL], capture_output=True, text=True,
                            env=dict(desktop.env, PYSTRAY_BACKEND="gtk"), timeout=60)
    line = [text for text in result.stdout.splitlines() if text.startswith("RESULT")]
    assert line, result.stdout + result.stderr
    # same Gtk.Menu, new label | a new Gtk.Menu once another item changed, with both new labels
    assert line[0].split(" ", 1)[1] == ("True Sitting 2 min True Sitting 3 min "
                                        "Today: 1 break done"), line


def test_status_names_the_real_state_of_the_notification_server_and_idle_source(desktop):
    """Status says what is there now, not what was chosen at start: dunst gone shows as missing,
    and back as ok."""
    import json

    daemon = start(desktop, '[breaks]\nevery = "1h"\n', "--no-tray")
    try:
        first = json.loads(glutewake(desktop.env, "status", "--json").stdout)
        assert first["notifier"] == "desktop notifications (D-Bus)"
        assert first["notifier_state"] == "ok"
        assert first["idle_source"] == "X11 screensaver extension"
        assert first["idle_state"] == "answering"
        desktop.kill_dunst()
        wait_for(lambda: json.loads(glutewake(desktop.env, "status", "--json").stdout)[
            "notifier_state"] == "missing", "status to name the notification server missing")
        text = glutewake(desktop.env, "status").stdout
        assert "missing: no notification server on the session bus" in text
        desktop.start_dunst()
        wait_for(lambda: json.loads(glutewake(desktop.env, "status", "--json").stdout)[
            "notifier_state"] == "ok", "status to see the server back")
    finally:
        assert daemon.stop() == 0
