"""The wheel carries the defaults and the catalog, and works outside the source tree."""

import subprocess
import sys
import zipfile


def test_wheel_ships_default_config_and_catalog(tmp_path):
    root = __import__("pathlib").Path(__file__).resolve().parents[1]
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(tmp_path), str(root)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("glutewake-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "glutewake/core/default.toml" in names and "glutewake/core/exercises.toml" in names
    packaged = zipfile.ZipFile(wheel).read("glutewake/core/default.toml")
    assert packaged == (root / "config" / "default.toml").read_bytes()
    assert any(name.endswith("entry_points.txt") for name in names)
