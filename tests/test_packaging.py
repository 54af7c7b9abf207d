"""The sdist and wheel build offline, pass `twine check`, carry the defaults, the catalog and the
desktop files, rebuild from the sdist alone, and install into a fresh venv whose `glutewake`
puts itself on the desktop and takes itself off again."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.app.test_install import (
    SIZES,
    exec_argv,
    expected_files,
    read_entry,
    string_value,
    validate,
)
from tests.support import skip_or_fail

ROOT = Path(__file__).resolve().parents[1]
SHARED = ["glutewake/share/glutewake.desktop", "glutewake/share/glutewake.1",
          *(f"glutewake/share/glutewake-{n}.png" for n in SIZES)]


def build(source: Path, out: Path, *kinds: str) -> subprocess.CompletedProcess:
    """`python -m build` without a package index: the backend comes from this venv."""
    if importlib.util.find_spec("hatchling") is None:
        skip_or_fail("hatchling is not installed in this venv (offline builds need it from the "
                     "test extras: pip install hatchling)")
    return subprocess.run([sys.executable, "-m", "build", "--no-isolation", *kinds, "--outdir",
                           str(out), str(source)], capture_output=True, text=True, timeout=300,
                          cwd=out.parent)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("dist") / "dist"
    made = build(ROOT, out, "--sdist", "--wheel")
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    return next(out.glob("glutewake-*.whl")), next(out.glob("glutewake-*.tar.gz"))


def test_twine_check_passes(built):
    checked = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, built)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    metadata = zipfile.ZipFile(built[0]).read(
        next(n for n in zipfile.ZipFile(built[0]).namelist() if n.endswith("METADATA"))).decode()
    assert "Description-Content-Type: text/markdown" in metadata
    assert "make run" in metadata.split("\n\n", 1)[1]  # the README is the long description


def test_wheel_ships_defaults_catalog_and_desktop_files(built):
    wheel = zipfile.ZipFile(built[0])
    names = wheel.namelist()
    assert "glutewake/core/default.toml" in names and "glutewake/core/exercises.toml" in names
    assert (wheel.read("glutewake/core/default.toml")
            == (ROOT / "config" / "default.toml").read_bytes())
    assert any(name.endswith("entry_points.txt") for name in names)
    for name in SHARED:
        assert wheel.read(name) == (ROOT / "assets" / Path(name).name).read_bytes(), name
    shipped_icons = {p.name for p in (ROOT / "assets").glob("glutewake-*.png")}
    assert shipped_icons == {Path(n).name for n in SHARED if n.endswith(".png")}, (
        "an icon size in assets/ is not in pyproject.toml's force-include")


def test_the_sdist_alone_rebuilds_the_same_wheel(built, tmp_path):
    with tarfile.open(built[1]) as sdist:
        sdist.extractall(tmp_path, filter="data")
    unpacked = next(tmp_path.glob("glutewake-*"))
    for needed in ("pyproject.toml", "README.md", "Makefile", "config/default.toml",
                   "assets/glutewake.1", "assets/glutewake.desktop", "tests/app/test_install.py"):
        assert (unpacked / needed).is_file(), needed
    again = build(unpacked, tmp_path / "again", "--wheel")
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    rebuilt = zipfile.ZipFile(next((tmp_path / "again").glob("*.whl")))
    original = zipfile.ZipFile(built[0])
    assert sorted(rebuilt.namelist()) == sorted(original.namelist())
    for name in original.namelist():
        if not name.endswith("RECORD"):
            assert rebuilt.read(name) == original.read(name), name


def fresh_venv(where: Path, wheel: Path) -> Path:
    """A new venv with the wheel installed and no package index: the dependencies are borrowed
    from this venv through a .pth line (which adds that folder, not its own .pth files, so the
    source checkout's editable glutewake stays out)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True,
                   timeout=120)
    python = where / "bin" / "python"
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                                "--no-deps", "--no-index", "-q", str(wheel)],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "borrowed-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return where / "bin" / "glutewake"


def test_the_wheel_in_a_fresh_venv_installs_and_removes_its_desktop_files(built, tmp_path):
    program = fresh_venv(tmp_path / "venv", built[0])
    env = {"PATH": f"{program.parent}:/usr/bin:/bin", "HOME": str(tmp_path / "home"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "LANG": "C.UTF-8"}
    (tmp_path / "home").mkdir()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(program), *args], capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=60)

    where = subprocess.run([str(program.with_name("python")), "-c",
                            "import glutewake; print(glutewake.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert where.stdout.startswith(str(tmp_path / "venv")), where.stdout + where.stderr
    helped = run("--help")
    assert helped.returncode == 0, helped.stderr
    assert "install-desktop" in helped.stdout, (
        "glutewake has no install-desktop command: glutewake/app/cli/parser.py declares it, as "
        "glutewake/app/install.py's docstring says")

    done = run("install-desktop")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    data = tmp_path / "data"
    assert sorted(p for p in data.rglob("*") if p.is_file()) == expected_files(data)
    entry_path = data / "applications" / "glutewake.desktop"
    validate(entry_path)
    main = read_entry(entry_path)["Desktop Entry"]
    argv = exec_argv(main["Exec"])
    assert argv == [str(program), "run"] and string_value(main["TryExec"]) == str(program)
    started = subprocess.run([argv[0], "--version"], capture_output=True, text=True, env=env,
                             timeout=60)  # what the menu starts is a working glutewake
    assert started.returncode == 0 and started.stdout.startswith("glutewake "), started.stderr
    man = data / "man" / "man1" / "glutewake.1"
    assert man.read_bytes() == (ROOT / "assets" / "glutewake.1").read_bytes()
    if shutil.which("man"):
        shown = subprocess.run(["man", "-l", str(man)], capture_output=True, text=True, timeout=60,
                               env=dict(env, MANPAGER="cat", MANWIDTH="80"))
        assert "install-desktop" in shown.stdout, shown.stderr

    removed = run("install-desktop", "--remove")
    assert removed.returncode == 0 and "Removed" in removed.stdout, removed.stderr
    assert not [p for p in data.rglob("*") if p.is_file()]
    assert os.access(program, os.X_OK)  # only the desktop files went
