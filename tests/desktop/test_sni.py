"""The StatusNotifierItem tray: protocol checks with jeepney as the host, and a real SNI host
(status-notifier-watcher + gtk-sni-tray-standalone) on Xvfb, driven like a person would."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jeepney import DBusAddress, MatchRule, MessageType, new_method_call
from jeepney.io.blocking import open_dbus_connection

from glutewake.desktop.icon import ALERT, CALM
from tests.desktop.test_desktop import rows
from tests.support import Running, glutewake, write_config
from tests.support.desktop import share, wait_for

pytestmark = pytest.mark.desktop

WATCHER = DBusAddress("/StatusNotifierWatcher", bus_name="org.kde.StatusNotifierWatcher",
                      interface="org.freedesktop.DBus.Properties")


class Host:
    """What a tray host does over D-Bus, done with jeepney."""

    def __init__(self, desktop):
        self.conn = open_dbus_connection(desktop.env["DBUS_SESSION_BUS_ADDRESS"])

    def call(self, address, method, signature=None, body=()):
        reply = self.conn.send_and_get_reply(new_method_call(address, method, signature, body),
                                             timeout=5)
        assert reply.header.message_type == MessageType.method_return, reply.body
        return reply.body

    def subscribe(self, rule: MatchRule) -> None:
        self.call(DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                              interface="org.freedesktop.DBus"), "AddMatch", "s", (rule.serialise(),))

    def registered(self) -> list[str]:
        return self.call(WATCHER, "Get", "ss", ("org.kde.StatusNotifierWatcher",
                                                "RegisteredStatusNotifierItems"))[0][1]

    def item(self, name, interface="org.freedesktop.DBus.Properties"):
        return DBusAddress("/StatusNotifierItem", bus_name=name, interface=interface)

    def menu(self, name, interface="com.canonical.dbusmenu"):
        return DBusAddress("/MenuBar", bus_name=name, interface=interface)

    def properties(self, name) -> dict:
        return self.call(self.item(name), "GetAll", "s", ("org.kde.StatusNotifierItem",))[0]

    def layout(self, name):
        return self.call(self.menu(name), "GetLayout", "iias", (0, -1, []))

    def click(self, name, label_path: list[str]) -> None:
        """Open the menu and click an item the way a host does: AboutToShow, then Event."""
        _, root = self.layout(name)
        node = root
        for label in label_path:
            self.call(self.menu(name), "AboutToShow", "i", (node[0],))
            node = next(child for _, child in node[2] if child[1].get("label", ("", ""))[1] == label)
        self.call(self.menu(name), "Event", "isvu", (node[0], "clicked", ("i", 0), int(time.time())))


def start(desktop, config):
    write_config(desktop.env, config)
    daemon = Running(desktop.env)
    daemon.wait_for("glutewake is watching")
    return daemon


def our_item(host) -> str:
    wait_for(lambda: any(n.startswith("org.kde.StatusNotifierItem-") for n in host.registered()),
             "glutewake's item to register")
    return next(n for n in host.registered() if n.startswith("org.kde.StatusNotifierItem-"))


def labels(node):
    return [child[1].get("label", ("s", "-"))[1] if child[1].get("type", ("", ""))[1] != "separator"
            else "-" for _, child in node[2]]


def test_item_properties_have_the_right_types_and_network_order_pixmaps(sni_desktop):
    daemon = start(sni_desktop, '[breaks]\nevery = "1h"\nsnooze = "2s"\n')
    try:
        host = Host(sni_desktop)
        props = host.properties(our_item(host))
        assert props["Id"] == ("s", "glutewake") and props["Category"] == ("s", "ApplicationStatus")
        assert props["Status"] == ("s", "Active") and props["ItemIsMenu"] == ("b", False)
        assert props["Menu"] == ("o", "/MenuBar")
        signature, icons = props["IconPixmap"]
        assert signature == "a(iiay)" and [(w, h) for w, h, _ in icons] == [(22, 22), (32, 32),
                                                                           (48, 48)]
        for width, height, data in icons:
            assert len(data) == width * height * 4
            assert data[0] == 0  # top-left corner: alpha first, transparent
        tip_signature, (_, _, title, text) = props["ToolTip"]
        assert tip_signature == "(sa(iiay)ss)" and title == "glutewake"
        assert text.startswith("Sitting")
        maps = Path(f"/proc/{daemon.proc.pid}/maps").read_text()
        assert "gtk" not in maps  # no GTK loaded
        assert "PIL/_imaging" not in maps  # nor Pillow: the pixmaps are drawn ahead
    finally:
        assert daemon.stop() == 0


def test_due_means_needs_attention_and_a_red_pixmap(sni_desktop):
    daemon = start(sni_desktop, '[breaks]\nevery = "2s"\nsnooze = "2s"\n')
    try:
        host = Host(sni_desktop)
        name = our_item(host)
        sni_desktop.wait_shown(1)
        wait_for(lambda: host.properties(name)["Status"] == ("s", "NeedsAttention"), "attention")
        _, icons = host.properties(name)["IconPixmap"]
        width, _, data = icons[1]
        middle = (width // 2 * width + width // 2 - 3) * 4  # left of the exclamation mark
        alpha, *rgb = data[middle:middle + 4]  # network order: A, R, G, B
        assert alpha == 255 and sum(abs(a - b) for a, b in zip(rgb, ALERT[:3], strict=True)) < 30
    finally:
        assert daemon.stop() == 0


def test_layout_is_the_documented_structure(sni_desktop):
    daemon = start(sni_desktop, '[breaks]\nevery = "1h"\nsnooze = "2s"\n'
                                'snooze_choices = ["1m", "2m"]\n')
    try:
        host = Host(sni_desktop)
        revision, root = host.layout(our_item(host))
        assert isinstance(revision, int) and root[0] == 0
        assert root[1]["children-display"] == ("s", "submenu")
        assert all(signature == "(ia{sv}av)" for signature, _ in root[2])
        assert labels(root)[0].startswith("Sitting since ")
        assert labels(root)[1:] == [
            "Next: Single-leg stand — 2 × 30–50 s hold per side", "-", "Done — I took my break",
            "Snooze", "Skip this break", "Rate the last exercise", "Pause", "-",
            "Today: 0 of 6 breaks", "Start at login",
            "Break every", "Open settings",
            "Open break log", "Show my week", "-", "Quit glutewake"]
        snooze = next(child for _, child in root[2] if child[1].get("label") == ("s", "Snooze"))
        assert snooze[1]["children-display"] == ("s", "submenu")
        assert labels(snooze) == ["1 min", "2 min"]
        skip = next(child for _, child in root[2] if child[1].get("label") == ("s", "Skip this break"))
        assert skip[1]["enabled"] == ("b", False)
        login = next(child for _, child in root[2] if child[1].get("label") == ("s", "Start at login"))
        assert login[1]["toggle-type"] == ("s", "checkmark") and login[1]["toggle-state"] == ("i", 0)
        ids = [child[0] for _, child in root[2]]
        group = host.call(host.menu(our_item(host)), "GetGroupProperties", "aias", (ids[:2], ["label"]))[0]
        assert [i for i, _ in group] == ids[:2] and set(group[0][1]) == {"label"}
    finally:
        assert daemon.stop() == 0


def test_layout_revisions_increase_with_changes(sni_desktop):
    daemon = start(sni_desktop, '[breaks]\nevery = "1h"\nsnooze = "2s"\n')
    try:
        host = Host(sni_desktop)
        name = our_item(host)
        first, _ = host.layout(name)
        rule = MatchRule(type="signal", interface="com.canonical.dbusmenu", member="LayoutUpdated")
        host.subscribe(rule)
        with host.conn.filter(rule, bufsize=20) as updates:
            assert glutewake(sni_desktop.env, "pause", "30m").returncode == 0
            revision, parent = host.conn.recv_until_filtered(updates, timeout=5).body
            assert revision > first and parent == 0
            assert glutewake(sni_desktop.env, "resume").returncode == 0
            later, _ = host.conn.recv_until_filtered(updates, timeout=5).body
            assert later > revision
        assert host.layout(name)[0] == later
        assert "Resume reminders" not in labels(host.layout(name)[1])
    finally:
        assert daemon.stop() == 0


def test_menu_clicks_as_a_host_makes_them_snooze_and_confirm(sni_desktop):
    daemon = start(sni_desktop, '[breaks]\nevery = "2s"\nsnooze = "2s"\nremind_again = "1h"\n'
                                'snooze_choices = ["2s"]\n')
    try:
        host = Host(sni_desktop)
        name = our_item(host)
        sni_desktop.wait_shown(1)
        host.click(name, ["Snooze", "2 s"])
        wait_for(lambda: rows(sni_desktop.env, "snoozed"), "the snooze in the journal")
        sni_desktop.wait_shown(2)
        host.click(name, ["Done — I took my break"])
        wait_for(lambda: rows(sni_desktop.env, "done"), "the done in the journal")
        host.call(host.item(name, "org.kde.StatusNotifierItem"), "Activate", "ii", (0, 0))
        wait_for(lambda: len(rows(sni_desktop.env, "done")) == 2, "Activate to log an early break")
        assert rows(sni_desktop.env, "done")[1][3].startswith("early")
        host.click(name, ["Rate the last exercise", "Pain"])
        wait_for(lambda: rows(sni_desktop.env, "feedback"), "the pain in the journal")
        assert rows(sni_desktop.env, "feedback")[0][3] == "pain"
        told = wait_for(lambda: next((n for n in sni_desktop.shown() if "physiotherapist" in
                                      n["body"]), None), "the answer shown")
        assert told["summary"] == "How the exercise felt"
    finally:
        assert daemon.stop() == 0


def test_a_restarted_watcher_gets_a_fresh_registration(sni_desktop):
    daemon = start(sni_desktop, '[breaks]\nevery = "1h"\nsnooze = "2s"\n')
    try:
        host = Host(sni_desktop)
        name = our_item(host)
        sni_desktop.kill_watcher()
        wait_for(lambda: "org.kde.StatusNotifierWatcher" not in sni_desktop.bus_names(), "gone")
        sni_desktop.start_watcher()
        wait_for(lambda: name in Host(sni_desktop).registered(), "the item to register again")
        assert daemon.proc.poll() is None
    finally:
        assert daemon.stop() == 0


@pytest.fixture(scope="session")
def plain_install(tmp_path_factory):
    """glutewake from `pip install .` into a fresh venv: no PyGObject, no editable tree."""
    folder = tmp_path_factory.mktemp("plain")
    # a venv without a pip of its own (ensurepip takes seconds): this pip installs into it
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder / "venv")],
                   check=True)
    python = folder / "venv" / "bin" / "python"
    pip = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                          str(Path(__file__).resolve().parents[2])],
                         capture_output=True, text=True, timeout=600)
    assert pip.returncode == 0, pip.stderr
    assert subprocess.run([str(python), "-c", "import gi"], capture_output=True).returncode != 0
    return folder / "venv" / "bin" / "glutewake"


def test_plain_pip_install_shows_the_icon_and_menu_on_a_real_sni_host(sni_desktop, plain_install):
    write_config(sni_desktop.env, '[breaks]\nevery = "8s"\nsnooze = "2s"\nremind_again = "1h"\n')
    daemon = Running.command(sni_desktop.env, [str(plain_install), "run"])
    try:
        daemon.wait_for("glutewake is watching")
        host = Host(sni_desktop)
        our_item(host)
        icon = (4, 4, 24, 24)  # the first item in gtk-sni-tray's panel at the top left
        time.sleep(1.0)
        start_shot = sni_desktop.screenshot("sni-tray-start")
        assert share(start_shot, icon, ALERT[:3]) < 0.01
        # the regular looks (every GLUTEWAKE_TICK) grow the green ring while you sit; it turns
        # orange in the last sixth (after 6.7 of 8 s)
        sni_desktop.screenshot_when(
            "sni-tray-sitting", lambda shot: share(shot, icon, CALM[:3]) > 0.05,
            "the green arc in the host's panel", timeout=6)
        sni_desktop.wait_shown(1, timeout=20)
        sni_desktop.screenshot_when(
            "sni-tray-due", lambda shot: share(shot, icon, ALERT[:3]) > 0.25,
            "a red disc in the host's panel", timeout=5)
        sni_desktop.run("xdotool", "mousemove", "16", "16", "click", "3")
        time.sleep(1.0)
        sni_desktop.screenshot("sni-tray-menu")
        sni_desktop.run("xdotool", "key", "--delay", "150", "Down", "Return")  # "Done"
        wait_for(lambda: rows(sni_desktop.env, "done"), "the host's menu to confirm the break")
        status = glutewake(sni_desktop.env, "status").stdout
        assert "Tray: StatusNotifierItem (D-Bus)" in status
    finally:
        assert daemon.stop() == 0


def test_a_changed_label_is_sent_as_properties_not_a_new_layout(sni_desktop):
    daemon = start(sni_desktop, '[breaks]\nevery = "1h"\nsnooze = "2s"\n')
    try:
        host = Host(sni_desktop)
        name = our_item(host)
        revision, _ = host.layout(name)
        rule = MatchRule(type="signal", interface="com.canonical.dbusmenu")
        host.subscribe(rule)
        with host.conn.filter(rule, bufsize=20) as signals:
            assert glutewake(sni_desktop.env, "snooze", "20m").returncode == 0
            message = host.conn.recv_until_filtered(signals, timeout=5)
        from jeepney import HeaderFields

        assert message.header.fields[HeaderFields.member] == "ItemsPropertiesUpdated"
        updated, removed = message.body
        labels = [props["label"][1] for _, props in updated if "label" in props]
        assert any("snoozed" in label for label in labels) and removed == []
        assert host.layout(name)[0] == revision  # same shape, same revision
    finally:
        assert daemon.stop() == 0


def test_break_every_from_the_tray_edits_the_settings_file_in_place_and_applies_at_once(sni_desktop):
    text = ('# my own notes stay\n[breaks]\n# an hour is plenty\nevery = "1h"  # was 30m\n'
            'snooze = "2s"\n')
    daemon = start(sni_desktop, text)
    try:
        host = Host(sni_desktop)
        name = our_item(host)
        _, root = host.layout(name)
        every = next(child for _, child in root[2] if child[1].get("label") == ("s", "Break every"))
        assert labels(every) == ["20 min", "30 min", "45 min", "1 h", "1 h 30 min"]
        checked = [child[1]["label"][1] for _, child in every[2]
                   if child[1].get("toggle-state") == ("i", 1)]
        assert checked == ["1 h"]
        host.click(name, ["Break every", "45 min"])
        path = Path(sni_desktop.env["XDG_CONFIG_HOME"]) / "glutewake" / "config.toml"
        wait_for(lambda: 'every = "45m"' in path.read_text(), "the settings file to change")
        assert path.read_text() == text.replace('"1h"', '"45m"')
        assert path.with_name("config.toml.bak").read_text() == text

        def now_checked():
            _, root = host.layout(name)
            every = next(c for _, c in root[2] if c[1].get("label") == ("s", "Break every"))
            return [c[1]["label"][1] for _, c in every[2] if c[1].get("toggle-state") == ("i", 1)]

        wait_for(lambda: now_checked() == ["45 min"], "the menu to check 45 min")
        status = json.loads(glutewake(sni_desktop.env, "status", "--json").stdout)
        assert status["settings_error"] == "" and status["due_in"] <= 45 * 60
    finally:
        assert daemon.stop() == 0


def test_a_bad_save_is_told_once_by_notification_tray_line_icon_and_status_until_fixed(sni_desktop):
    from glutewake.desktop.icon import WARM

    daemon = start(sni_desktop, '[breaks]\nevery = "1h"\nsnooze = "2s"\n')
    try:
        host = Host(sni_desktop)
        name = our_item(host)
        before = len(sni_desktop.shown())
        path = Path(sni_desktop.env["XDG_CONFIG_HOME"]) / "glutewake" / "config.toml"
        path.write_text('[breaks]\nevery = "often"\nsnooze = "2s"\n')

        def tooltip() -> str:
            return host.properties(name)["ToolTip"][1][3]

        wait_for(lambda: tooltip().startswith("Settings not applied"), "the tray line to say so")
        [told] = sni_desktop.wait_shown(before + 1)[before:]
        assert told["summary"] == "Settings not applied"
        assert str(path) in told["body"] and "[breaks] every" in told["body"]
        _, icons = host.properties(name)["IconPixmap"]
        width, _, data = icons[-1]
        corner = ((width - width // 8) * width + width - width // 8) * 4  # inside the badge
        alpha, *rgb = data[corner:corner + 4]
        assert alpha > 200 and sum(abs(a - b) for a, b in zip(rgb, WARM[:3], strict=True)) < 40
        status = json.loads(glutewake(sni_desktop.env, "status", "--json").stdout)
        assert "[breaks] every" in status["settings_error"]
        time.sleep(3)  # more looks (GLUTEWAKE_TICK=1): the same bad save is not told again
        assert len(sni_desktop.shown()) == before + 1
        path.write_text('[breaks]\nevery = "50m"\nsnooze = "2s"\n')
        wait_for(lambda: tooltip().startswith("Sitting"), "the tray line to recover")
        status = json.loads(glutewake(sni_desktop.env, "status", "--json").stdout)
        assert status["settings_error"] == "" and status["due_in"] <= 50 * 60
    finally:
        assert daemon.stop() == 0


def test_show_my_week_from_the_tray_writes_the_page_and_opens_it(sni_desktop, tmp_path):
    from datetime import date

    folder = tmp_path / "opener"
    folder.mkdir()
    said = tmp_path / "opened.txt"
    (folder / "xdg-open").write_text(f'#!/bin/sh\necho "$1" >> {said}\n')
    (folder / "xdg-open").chmod(0o755)
    write_config(sni_desktop.env, '[breaks]\nevery = "1h"\n')
    daemon = Running(dict(sni_desktop.env, PATH=f"{folder}:{sni_desktop.env['PATH']}"))
    try:
        daemon.wait_for("glutewake is watching")
        host = Host(sni_desktop)
        host.click(our_item(host), ["Show my week"])
        opened = wait_for(lambda: said.exists() and said.read_text().split(), "the page opened")
        page = Path(sni_desktop.env["XDG_CACHE_HOME"]) / "glutewake" / "report.html"
        assert opened == [str(page)]
        assert f'data-date="{date.today().isoformat()}"' in page.read_text("utf-8")
    finally:
        assert daemon.stop() == 0
