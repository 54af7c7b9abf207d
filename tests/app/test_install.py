"""`glutewake install-desktop`: the menu entry, icons and man page land where desktops and man look,
and `--remove` takes exactly them away. Real files and the real XDG tools; only Windows and macOS
are faked (by the platform name). The manual page is checked against the parser and groff."""

from __future__ import annotations

import argparse
import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from glutewake.app import cli, install, manpage
from glutewake.core.errors import UserError
from tests.support import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "assets"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
REGENERATE = "run `python -m glutewake.app.manpage > assets/glutewake.1`"


# --- reading a desktop entry as the spec says ---------------------------------------------------

def read_entry(path: Path) -> configparser.ConfigParser:
    entry = configparser.ConfigParser(interpolation=None, delimiters=("=",),
                                      comment_prefixes=("#",))
    entry.optionxform = str  # keys are case-sensitive
    entry.read(path, encoding="utf-8")
    return entry


def string_value(raw: str) -> str:
    """Undo the string escapes (\\s \\n \\t \\r \\\\); any other escape is an error, as in GLib."""
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\":
            out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[raw[i + 1]])
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def exec_argv(raw: str) -> list[str]:
    """An Exec= value split into arguments by the Desktop Entry spec's quoting rules."""
    text, args, i = string_value(raw), [], 0
    while i < len(text):
        if text[i] == " ":
            i += 1
            continue
        arg = []
        if text[i] == '"':
            i += 1
            while text[i] != '"':
                if text[i] == "\\":
                    assert text[i + 1] in '"`$\\', f"bad escape in {raw!r}"
                    i += 1
                arg.append(text[i])
                i += 1
            i += 1
        else:
            while i < len(text) and text[i] != " ":
                assert text[i] not in '\t\n"\'\\><~|&;$*?#()`', f"unquoted {text[i]!r} in {raw!r}"
                arg.append(text[i])
                i += 1
        args.append("".join(arg).replace("%%", "%"))
    return args


def validate(path: Path) -> None:
    """desktop-file-validate (desktop-file-utils) finds nothing to say."""
    if not shutil.which("desktop-file-validate"):
        skip_or_fail("desktop-file-validate is missing: apt-get install desktop-file-utils")
    checked = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True,
                             timeout=30)
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout


def installed_files(data: Path) -> list[Path]:
    return sorted(p for p in data.rglob("*") if p.is_file())


def expected_files(data: Path) -> list[Path]:
    return sorted([data / "applications" / "glutewake.desktop",
                   data / "man" / "man1" / "glutewake.1",
                   *(data / "icons" / "hicolor" / f"{n}x{n}" / "apps" / "glutewake.png"
                     for n in SIZES)])


# --- install and remove ------------------------------------------------------------------------

def test_install_puts_each_file_in_place_twice_over_and_remove_takes_exactly_those(tmp_path):
    data = tmp_path / "share"
    program = str(tmp_path / "my venv" / "bin" / "glutewake")
    neighbour = data / "applications" / "someone-else.desktop"
    neighbour.parent.mkdir(parents=True)
    neighbour.write_text("[Desktop Entry]\nType=Application\nName=x\nExec=x\n")
    target = install.Target(data)

    said = target.install([program])
    first = {p: p.read_bytes() for p in installed_files(data)}
    target.install([program])  # idempotent: the same files with the same bytes
    assert {p: p.read_bytes() for p in installed_files(data)} == first
    assert sorted(set(first) - {neighbour}) == expected_files(data)
    assert not list(data.rglob(".*.tmp"))
    assert said[0].startswith(f"Menu entry: {data / 'applications' / 'glutewake.desktop'}")

    entry_path = data / "applications" / "glutewake.desktop"
    validate(entry_path)
    entry = read_entry(entry_path)
    main = entry["Desktop Entry"]
    assert exec_argv(main["Exec"]) == [program, "run"]
    assert string_value(main["TryExec"]) == program
    assert main["Icon"] == "glutewake" and main["Terminal"] == "false"
    assert "Utility;" in main["Categories"] and "break;" in main["Keywords"]
    actions = {name: exec_argv(entry[f"Desktop Action {name}"]["Exec"])
               for name in main["Actions"].strip(";").split(";")}
    assert actions == {"done": [program, "done"], "snooze": [program, "snooze"],
                       "pause": [program, "pause", "1h"]}
    for action in actions.values():  # each is a command the CLI takes
        assert cli.build_parser().parse_args(action[1:]).command == action[1]
    for size in SIZES:
        icon = data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "glutewake.png"
        assert icon.read_bytes() == (ASSETS / f"glutewake-{size}.png").read_bytes()
        assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert icon.stat().st_mode & 0o777 == 0o644  # shared data, not glutewake's private files
    assert ((data / "man" / "man1" / "glutewake.1").read_bytes()
            == (ASSETS / "glutewake.1").read_bytes())

    assert target.remove() == [f"Removed {len(expected_files(data))} files: the menu entry, icons "
                               f"and manual page under {data}"]
    assert installed_files(data) == [neighbour]
    assert sorted(p.relative_to(data).as_posix() for p in data.rglob("*")) == [
        "applications", "applications/someone-else.desktop"]  # emptied folders go too
    assert target.remove()[0].startswith("Nothing to remove")


@pytest.mark.parametrize("program", [
    "/opt/my apps/bin/glutewake",
    '/home/a"b/$HOME/`x`/back\\slash/50%/glutewake',
    "/srv/tab\there/glutewake",
])
def test_exec_lines_survive_awkward_install_paths(tmp_path, program):
    target = install.Target(tmp_path)
    target.install([program])
    entry_path = tmp_path / "applications" / "glutewake.desktop"
    validate(entry_path)
    main = read_entry(entry_path)["Desktop Entry"]
    assert exec_argv(main["Exec"]) == [program, "run"]
    assert string_value(main["TryExec"]) == program


def test_the_shipped_entry_is_valid_and_names_the_program_plainly():
    validate(ASSETS / "glutewake.desktop")
    main = read_entry(ASSETS / "glutewake.desktop")["Desktop Entry"]
    assert exec_argv(main["Exec"]) == ["glutewake", "run"] and main["TryExec"] == "glutewake"


def test_the_program_is_the_script_running_else_the_one_beside_python(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script, python = bin_dir / "glutewake", bin_dir / "python3"
    python.write_text("")
    linked = tmp_path / "local-bin" / "glutewake"  # like pipx's link in ~/.local/bin
    linked.parent.mkdir()
    assert install.program("bin/python3", str(python)) == [str(python), "-m", "glutewake"]
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    linked.symlink_to(script)
    assert install.program(str(linked), str(python)) == [str(linked)]  # the link, not its target
    assert install.program("/usr/lib/python3/glutewake/__main__.py", str(python)) == [str(script)]
    monkeypatch.chdir(tmp_path)
    assert install.program("local-bin/glutewake", str(python)) == [str(linked)]


def test_data_home_follows_xdg_and_ignores_a_relative_value(tmp_path):
    home = Path.home()
    assert install.data_home({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path
    assert install.data_home({"XDG_DATA_HOME": "relative/share"}) == home / ".local" / "share"
    assert install.data_home({}) == home / ".local" / "share"


def test_a_folder_that_cannot_be_written_is_one_line_naming_it(tmp_path):
    (tmp_path / "applications").write_text("a file where a folder should be")
    with pytest.raises(UserError) as caught:
        install.Target(tmp_path).install(["/usr/bin/glutewake"])
    message = str(caught.value)
    assert "\n" not in message and str(tmp_path / "applications" / "glutewake.desktop") in message
    assert "XDG_DATA_HOME" in message


def test_cli_main_installs_under_xdg_data_home_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert install.main(argparse.Namespace(remove=False), platform="linux") == 0
    printed = capsys.readouterr().out
    assert installed_files(tmp_path) == expected_files(tmp_path)
    assert "Menu entry:" in printed and "--remove" in printed
    assert install.main(argparse.Namespace(remove=True), platform="linux") == 0
    assert installed_files(tmp_path) == [] and "Removed" in capsys.readouterr().out


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_other_systems_get_one_line_pointing_at_autostart(platform, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    for remove in (False, True):
        assert install.main(argparse.Namespace(remove=remove), platform=platform) == 0
        printed = capsys.readouterr().out
        assert printed.count("\n") == 1 and "glutewake autostart enable" in printed
    assert list(tmp_path.iterdir()) == []


def test_existing_caches_are_refreshed_and_none_are_created(tmp_path):
    for tool in ("update-desktop-database", "gtk-update-icon-cache"):
        if not shutil.which(tool):
            skip_or_fail(f"{tool} is missing: apt-get install desktop-file-utils "
                         "libgtk-3-bin")
    bare = install.Target(tmp_path / "bare")
    bare.install(["/usr/bin/glutewake"])
    assert not (bare.applications / "mimeinfo.cache").exists()
    assert not (bare.hicolor / "icon-theme.cache").exists()

    target = install.Target(tmp_path / "cached")
    target.applications.mkdir(parents=True)
    (target.applications / "mimeinfo.cache").write_text("stale\n")
    other = target.hicolor / "48x48" / "apps" / "other-app.png"  # a cache lists what is there
    other.parent.mkdir(parents=True)
    shutil.copy(ASSETS / "glutewake-48.png", other)
    subprocess.run(["gtk-update-icon-cache", "-q", "-t", "-f", str(target.hicolor)], check=True,
                   timeout=30)
    assert b"glutewake" not in (target.hicolor / "icon-theme.cache").read_bytes()
    target.install(["/usr/bin/glutewake"])
    assert (target.applications / "mimeinfo.cache").read_text().startswith("[MIME Cache]")
    assert b"glutewake" in (target.hicolor / "icon-theme.cache").read_bytes()
    target.remove()
    assert b"glutewake" not in (target.hicolor / "icon-theme.cache").read_bytes()
    assert other.exists() and (target.applications / "mimeinfo.cache").exists()


def test_the_man_hint_follows_what_manpath_searches(tmp_path, monkeypatch):
    if not shutil.which("manpath"):
        skip_or_fail("manpath is missing: apt-get install man-db")
    (tmp_path / ".local" / "bin").mkdir(parents=True)
    man_root = tmp_path / ".local" / "share" / "man"
    man_root.mkdir(parents=True)
    monkeypatch.delenv("MANPATH", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PATH", f"{tmp_path / '.local' / 'bin'}:/usr/bin:/bin")
    assert install.man_hint(man_root) == "`man glutewake`"  # man-db's PATH rule finds it
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    hint = install.man_hint(man_root)
    assert f'export MANPATH="{man_root}:"' in hint and f"man -l {man_root}/man1/glutewake.1" in hint


# --- the manual page ----------------------------------------------------------------------------

def test_the_man_page_is_the_one_the_parser_makes():
    env = dict(os.environ, LANGUAGE="C", COLUMNS="40")  # width must not matter
    made = subprocess.run([sys.executable, "-m", "glutewake.app.manpage"], capture_output=True,
                          text=True, env=env, timeout=60, cwd=ROOT)
    assert made.returncode == 0, made.stderr
    shipped = (ASSETS / "glutewake.1").read_text("ascii")
    assert made.stdout == shipped, f"assets/glutewake.1 is stale: {REGENERATE}"


def rendered(page: Path) -> str:
    if not shutil.which("groff"):
        skip_or_fail("groff is missing: apt-get install groff-base")
    result = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-rLL=200n", str(page)],
                            capture_output=True, timeout=60, env=dict(os.environ, LC_ALL="C.UTF-8"))
    assert result.returncode == 0 and result.stderr == b"", result.stderr.decode()
    text = re.sub(r".\x08", "", result.stdout.decode("utf-8"))  # grotty's overstruck bold
    return text.replace("\u2010", "-").replace("\u2212", "-")


def test_the_man_page_renders_cleanly_and_covers_every_command_and_option():
    text = rendered(ASSETS / "glutewake.1")
    for heading in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "FILES", "ENVIRONMENT",
                    "EXIT STATUS", "SEE ALSO"):
        assert f"\n{heading}\n" in text
    parser = cli.build_parser()
    for name, _, sub in manpage.subcommands(parser):
        nested = list(manpage.subcommands(sub)) or [(None, None, sub)]
        for action_name, _, leaf in nested:
            words = " ".join(w for w in ("glutewake", name, action_name) if w)
            assert words in text, f"{words} is missing from the man page: {REGENERATE}"
            for action in leaf._actions:
                for flag in action.option_strings:
                    if flag not in ("-h", "--help"):
                        assert flag in text, f"{words} {flag} is missing: {REGENERATE}"
    for code in (cli.EXIT_REFUSED, cli.EXIT_USAGE):
        assert f"\n       {code}  " in text
    if shutil.which("man"):  # what a user types, with man-db's own checks
        shown = subprocess.run(["man", "-l", "--warnings", str(ASSETS / "glutewake.1")],
                               capture_output=True, text=True, timeout=60,
                               env=dict(os.environ, MANPAGER="cat", MANWIDTH="80"))
        assert shown.returncode == 0 and shown.stderr == "", shown.stderr
        assert "install-desktop" in shown.stdout


def test_roff_escapes_leave_nothing_for_troff_to_obey():
    assert manpage.roff(".start\n'quote") == "\\&.start\n\\&'quote"
    assert manpage.roff("a\\b -x — ü") == "a\\eb \\-x \\[u2014] \\[u00FC]"
    assert manpage.prose("run `glutewake done` now") == "run \\fBglutewake done\\fR now"
