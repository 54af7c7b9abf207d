"""glutewake speaking German, French and Spanish on the real test desktop: the tray menu as a
StatusNotifierItem host reads it over dbusmenu, the gtk menu in trayer (photographed), and the
reminder dunst shows.

The catalogs are compiled from the .po files now (into a temp folder that GLUTEWAKE_LOCALE_DIR
points at), so the tests check the translations as they stand, and every expected text comes
from the same catalog: a message still in English fails with its English named.
"""

from __future__ import annotations

import gettext
import re

import pytest

from glutewake.app.catalog import builtin
from glutewake.i18n import DOMAIN, LOCALE_DIR_VARIABLE
from tests.desktop.test_sni import Host, labels, our_item
from tests.support import Running, glutewake, skip_or_fail, write_config
from tests.support.desktop import Desktop, require, share, wait_for

pytestmark = pytest.mark.desktop

# The tray menu's fixed items, in English, as glutewake/desktop/menu.py words them.
MENU = ("Done — I took my break", "Snooze", "Skip this break", "Pause", "Break every",
        "Open settings", "Open break log", "Quit glutewake")
PAUSES = ("30 min", "1 hour", "2 hours", "Until tomorrow")
REMINDER_TITLE = "Time to stand — {sitting} sitting"
QUIET = '[breaks]\nevery = "1h"\nsnooze = "2s"\n'
DUE_SOON = '[breaks]\nevery = "2s"\nsnooze = "2s"\nremind_again = "1h"\n'


@pytest.fixture(scope="module")
def locale_dir(tmp_path_factory):
    """Every shipped .po compiled as it is now, into a folder of this test run."""
    try:
        from glutewake.locale import catalogs
    except ImportError as err:
        skip_or_fail(f"cannot compile the catalogs ({err}); install the dev requirements")
    out = tmp_path_factory.mktemp("locale")
    try:
        compiled = {mo.parent.parent.name for mo in catalogs.compile_all(out=out)}
    except ImportError as err:  # Babel
        skip_or_fail(f"cannot compile the catalogs ({err}); install the dev requirements")
    missing = {"de", "fr", "es"} - compiled
    assert not missing, f"no glutewake/locale/<lang>/LC_MESSAGES/glutewake.po for {missing}"
    return out


class Speech:
    """One language's catalog, read the way glutewake reads it."""

    def __init__(self, folder, lang: str):
        self.lang = lang
        self.catalog = gettext.translation(DOMAIN, localedir=folder, languages=[lang])

    def __call__(self, english: str) -> str:
        """The translation of `english`; a failure naming it when the catalog keeps it English."""
        text = self.catalog.gettext(english)
        assert text != english, f"the {self.lang} catalog leaves {english!r} in English"
        return text

    def plural(self, singular: str, plural: str, count: int, **values) -> str:
        return self.catalog.ngettext(singular, plural, count).format(**values)

    def pattern(self, english: str) -> re.Pattern:
        """The translated template with its {fields} open, to match a filled-in text."""
        parts = re.split(r"\{[^{}]*\}", self(english))
        return re.compile("(.+?)".join(re.escape(part) for part in parts), re.S)


def speaking(env: dict, folder, language: str) -> dict:
    """`env` asking for `language` through LANGUAGE (it comes before LANG, which the home
    fixture keeps at C.UTF-8 so that dunst and GTK draw UTF-8), with this run's catalogs."""
    return dict(env, **{LOCALE_DIR_VARIABLE: str(folder), "LANGUAGE": language})


def start(env: dict, config: str, *args: str) -> Running:
    """`glutewake run`, waited for by asking it (its first line is in the language chosen)."""
    write_config(env, config)
    daemon = Running(env, *args)
    wait_for(lambda: glutewake(env, "status").returncode == 0 or daemon.proc.poll() is not None,
             "the daemon to answer", timeout=15, every=0.2)
    assert daemon.proc.poll() is None, "\n".join(daemon.lines)
    return daemon


def menu_of(host: Host, name: str) -> tuple[list[str], dict[str, list[str]]]:
    """The top labels of the menu and the labels under each item that has a submenu."""
    _, root = host.layout(name)
    below = {child[1]["label"][1]: labels(child) for _, child in root[2]
             if child[1].get("children-display") == ("s", "submenu")}
    return labels(root), below


def check_menu(top: list[str], below: dict, speech: Speech) -> None:
    for english in MENU:
        assert speech(english) in top, (english, speech(english), top)
        assert english not in top, f"{english!r} is still English in the {speech.lang} menu"
    assert speech.pattern("Sitting since {time} · break at {at}").fullmatch(top[0]), top[0]
    assert speech.pattern("Next: {exercise}").fullmatch(top[1]), top[1]
    assert speech.plural("Today: {done} of {goal} break", "Today: {done} of {goal} breaks", 6,
                         done=0, goal=6) in top, top
    pause = below[speech("Pause")]
    assert pause == [speech.catalog.gettext(label) for label in PAUSES], pause
    assert speech("Until tomorrow") in pause




@pytest.fixture
def bare_desktop(tmp_path, home):
    """X, a session bus and dunst; no tray."""
    require(("Xvfb", "dbus-daemon", "dunst", "dunstctl", "import"), gtk=False)
    session = Desktop(tmp_path, home).start(tray="none")
    yield session
    session.stop()


def test_the_tray_menu_read_over_dbusmenu_is_german(sni_desktop, locale_dir):
    german = Speech(locale_dir, "de")
    env = speaking(sni_desktop.env, locale_dir, "de")
    daemon = start(env, QUIET)
    try:
        host = Host(sni_desktop)
        name = our_item(host)
        check_menu(*menu_of(host, name), german)
        _, (_, _, title, tip) = host.properties(name)["ToolTip"]
        assert title == "glutewake"
        assert german.pattern("Sitting since {time} · break at {at}").fullmatch(tip), tip
    finally:
        assert daemon.stop() == 0


def test_the_gtk_tray_menu_opens_in_german_in_trayer(desktop, locale_dir):
    env = dict(speaking(desktop.env, locale_dir, "de"), PYSTRAY_BACKEND="gtk")
    daemon = start(env, QUIET)
    try:
        x, y, w, h = desktop.tray_icon()
        below = (x - 300, y + h + 5, 300, 200)  # where the menu opens, under the icon
        before = desktop.screenshot("tray-before-menu-de")
        assert share(before, below, (255, 255, 255), tolerance=90) < 0.2
        desktop.tray_menu([])
        desktop.screenshot_when(
            "tray-menu-de", lambda shot: share(shot, below, (255, 255, 255), tolerance=90) > 0.5,
            "the German menu under the icon")
        status = glutewake(env, "status").stdout  # the CLI too
        assert Speech(locale_dir, "de").pattern("Tray: {tray}").search(status), status
        desktop.run("xdotool", "key", "Escape")
    finally:
        assert daemon.stop() == 0


def check_reminder(shown: dict, speech: Speech) -> None:
    assert speech.pattern(REMINDER_TITLE).fullmatch(shown["summary"]), shown["summary"]
    assert not shown["summary"].startswith("Time to stand"), shown["summary"]
    lines = shown["body"].split("\n")
    moves = [move for move in builtin()
             if lines[0].startswith(speech.catalog.gettext(move.name) + " — ")]
    assert moves, f"the reminder's first line names no {speech.lang} exercise: {lines[0]!r}"
    move = moves[0]  # a name may be the same in both languages; its cue is a sentence
    assert speech(move.cue) in lines, (move.cue, lines)
    assert move.cue not in lines
    assert speech.pattern("about {minutes} min").search(lines[0]), lines[0]
    assert " about " not in lines[0], lines[0]


def test_a_french_reminder_in_dunst(bare_desktop, locale_dir):
    desktop = bare_desktop
    before = desktop.screenshot("reminder-fr-before")
    env = speaking(desktop.env, locale_dir, "fr")
    daemon = start(env, DUE_SOON, "--no-tray")
    try:
        shown = desktop.wait_shown(1)[0]
        check_reminder(shown, Speech(locale_dir, "fr"))
        corner = (1024 - 320, 45, 320, 120)  # dunst's place: top right, 10x50 from the corner
        assert share(before, corner, (0, 0, 0), tolerance=10) > 0.99
        desktop.screenshot_when(
            "reminder-fr", lambda shot: share(shot, corner, (0, 0, 0), tolerance=10) < 0.5,
            "the French notification on the screen")
    finally:
        assert daemon.stop() == 0


def test_ui_language_in_the_settings_file_beats_language_for_reminder_and_menu(sni_desktop,
                                                                                  locale_dir):
    spanish, german = Speech(locale_dir, "es"), Speech(locale_dir, "de")
    env = speaking(sni_desktop.env, locale_dir, "de")
    daemon = start(env, '[ui]\nlanguage = "es"\n' + DUE_SOON)
    try:
        shown = sni_desktop.wait_shown(1)[0]
        check_reminder(shown, spanish)
        assert not german.pattern(REMINDER_TITLE).fullmatch(shown["summary"]), shown["summary"]
        host = Host(sni_desktop)
        top, _ = menu_of(host, our_item(host))
        assert spanish.pattern("Now: {exercise}").fullmatch(top[1]), top[1]  # the break is due
        for english in MENU:
            assert spanish(english) in top, (english, top)
            if german(english) != spanish(english):
                assert german(english) not in top, (english, top)
    finally:
        assert daemon.stop() == 0
