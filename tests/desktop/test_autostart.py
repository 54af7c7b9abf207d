"""Start at login: real on Linux (the entry starts the daemon), faked OS calls elsewhere."""

import configparser
import plistlib
import shlex
import subprocess
import sys
from pathlib import Path

from glutewake.desktop.autostart import LaunchAgent, WindowsRun, XdgAutostart, command, desktop_exec
from tests.support import Running, glutewake, stray_module


def test_cli_enable_status_disable_and_the_entry_starts_glutewake(home, tmp_path):
    assert "Start at login: off" in glutewake(home, "autostart", "status").stdout
    enabled = glutewake(home, "autostart", "enable")
    assert enabled.returncode == 0 and "will start at login" in enabled.stdout
    entry_path = f"{home['XDG_CONFIG_HOME']}/autostart/glutewake.desktop"
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(entry_path)
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Name"] == "glutewake"
    argv = shlex.split(entry["Exec"])
    assert argv == [str(Path(sys.executable).with_name("glutewake")), "run"]  # the script
    assert "Start at login: on" in glutewake(home, "autostart", "status").stdout
    marker = stray_module(tmp_path)  # the desktop starts it in the home folder
    daemon = Running(home, argv=argv, cwd=tmp_path)  # exactly what the desktop runs at login
    try:
        daemon.wait_for("glutewake is watching")
        assert "glutewake is running" in glutewake(home, "status").stdout
    finally:
        assert daemon.stop() == 0
    assert not marker.exists()
    assert "removed" in glutewake(home, "autostart", "disable").stdout
    assert "Start at login: off" in glutewake(home, "autostart", "status").stdout
    again = glutewake(home, "autostart", "disable")
    assert again.returncode == 0 and "already off" in again.stdout and "removed" not in again.stdout


def test_the_entry_names_an_icon_that_exists_and_warns_about_a_source_checkout(home):
    enabled = glutewake(home, "autostart", "enable")
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(f"{home['XDG_CONFIG_HOME']}/autostart/glutewake.desktop")
    icon = parser["Desktop Entry"]["Icon"]
    assert Path(icon).is_absolute() and Path(icon).is_file(), icon
    # this test suite runs glutewake from the checkout's venv: the answer says so
    assert "Note: it starts the glutewake of the source checkout" in enabled.stdout
    assert str(Path(__file__).resolve().parents[2]) in enabled.stdout


def test_an_installed_glutewake_gets_no_checkout_note(tmp_path):
    from glutewake.desktop.autostart import checkout_of

    assert checkout_of(tmp_path / "venv" / "bin" / "glutewake") is None
    assert checkout_of(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "glutewake")


def test_without_a_script_the_entry_runs_the_interpreter_isolated(tmp_path):
    python = tmp_path / "bin" / "python3"  # an interpreter with no glutewake script beside it
    assert command(python, "linux") == [str(python), "-P", "-m", "glutewake", "run"]
    assert command(python, "win32") == [str(python), "-P", "-m", "glutewake", "run"]
    python.parent.mkdir()
    (tmp_path / "bin" / "pythonw.exe").write_bytes(b"")
    assert command(python, "win32")[:2] == [str(tmp_path / "bin" / "pythonw.exe"), "-P"]


def test_exec_quoting_follows_the_desktop_entry_spec(tmp_path):
    line = desktop_exec(["/opt/my apps/py$thon", "-m", "glutewake", "run", "50%"])
    # \$ by the Exec quoting, its backslash doubled by the string rules
    assert line == '"/opt/my apps/py\\\\$thon" -m glutewake run 50%%'
    entry = XdgAutostart(tmp_path)
    entry.enable()
    assert entry.path == tmp_path / "autostart" / "glutewake.desktop" and entry.enabled()


class FakeWinreg:
    """The calls winreg offers, over a dict: HKCU keys -> {name: value}."""

    HKEY_CURRENT_USER, REG_SZ, KEY_SET_VALUE = "HKCU", 1, 2

    def __init__(self):
        self.keys: dict[str, dict[str, str]] = {}

    class _Key:
        def __init__(self, values):
            self.values = values

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def CreateKey(self, root, path):
        return self._Key(self.keys.setdefault(f"{root}\\{path}", {}))

    def OpenKey(self, root, path, reserved=0, access=0):
        if f"{root}\\{path}" not in self.keys:
            raise FileNotFoundError(path)
        return self._Key(self.keys[f"{root}\\{path}"])

    def QueryValueEx(self, key, name):
        if name not in key.values:
            raise FileNotFoundError(name)
        return key.values[name], self.REG_SZ

    def SetValueEx(self, key, name, reserved, kind, value):
        assert kind == self.REG_SZ
        key.values[name] = value

    def DeleteValue(self, key, name):
        if name not in key.values:
            raise FileNotFoundError(name)
        del key.values[name]


def test_windows_run_value():
    registry = FakeWinreg()
    run = WindowsRun(registry)
    assert not run.enabled()
    run.enable()
    value = registry.keys["HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"]["glutewake"]
    assert value == subprocess.list2cmdline(command()) and run.enabled()
    assert "no longer start" in run.disable()
    assert not run.enabled()
    assert "already off" in run.disable()  # twice is fine, and says so


def test_macos_launch_agent(tmp_path):
    agent = LaunchAgent(tmp_path)
    agent.enable()
    plist = plistlib.loads(agent.path.read_bytes())
    assert agent.path == tmp_path / "Library/LaunchAgents/io.github.glutewake.plist"
    assert plist["ProgramArguments"] == command() and plist["RunAtLoad"] is True
    agent.disable()
    assert not agent.enabled()
