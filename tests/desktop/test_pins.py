"""glutewake reaches into a few libraries' private parts (pystray's backend windows and menus,
Pillow's plugin loading, python-xlib's extension list, jeepney's serial counter). pyproject.toml
pins the versions where those parts are known to exist; these tests fail, naming the attribute
and the pin, when the installed library no longer has one of them."""

import ast
import importlib.metadata
import importlib.util
import inspect
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def pin(distribution: str) -> str:
    """The requirement pyproject.toml states for a distribution, e.g. "pystray==0.19.5"."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for line in project["dependencies"]:
        requirement = Requirement(line)
        if requirement.name.lower() == distribution.lower():
            return f"{requirement.name}{requirement.specifier}"
    raise AssertionError(f"pyproject.toml does not list {distribution}")


def installed(distribution: str) -> str:
    return f"{distribution} {importlib.metadata.version(distribution)}"


def missing(what: str, used_by: str, distribution: str) -> str:
    return (f"{used_by} relies on {what}, which the installed {installed(distribution)} no longer "
            f"has; glutewake is pinned to {pin(distribution)} in pyproject.toml. Install that "
            f"version, or adapt {used_by} to the new library and move the pin.")


def source_of(package: str, module: str) -> str:
    """A module's source without importing it: pystray chooses (and may fail to load) its
    backend when the package is imported, and its xorg module opens the display on import."""
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.origin, f"{package} is not installed"
    return (Path(spec.origin).parent / f"{module.replace('.', '/')}.py").read_text()


def assigned_on_self(source: str, class_name: str) -> set[str]:
    """The attributes a class's methods assign on `self`."""
    tree = ast.parse(source)
    found = set()
    for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
        if cls.name != class_name:
            continue
        for node in ast.walk(cls):
            targets = node.targets if isinstance(node, ast.Assign) else (
                [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else [])
            for target in targets:
                if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                        and target.value.id == "self"):
                    found.add(target.attr)
    return found


@pytest.mark.parametrize("distribution", ["pystray", "Pillow", "python-xlib", "jeepney"])
def test_the_installed_versions_are_the_pinned_ones(distribution):
    if distribution in ("python-xlib", "jeepney") and not sys.platform.startswith("linux"):
        pytest.skip("a Linux-only dependency")
    version = importlib.metadata.version(distribution)
    assert Requirement(pin(distribution)).specifier.contains(version, prereleases=True), (
        f"{installed(distribution)} is installed, but pyproject.toml pins {pin(distribution)}: "
        f"the tests here check the private parts glutewake uses against the installed version, "
        f"so move the pin once they pass (or install the pinned version)")


@pytest.mark.parametrize("attribute", ["_window", "_display"])
def test_pystray_xorg_icon_keeps_its_window_and_display(attribute):
    # tray.py: PystrayTray._fix_xorg_clicks changes the event mask of icon._window and flushes
    # icon._display, or clicks never arrive; PystrayTray.stop closes icon._display's socket when
    # the loop does not end by itself.
    assert attribute in assigned_on_self(source_of("pystray", "_xorg"), "Icon"), missing(
        f"pystray._xorg.Icon.{attribute}", "glutewake/desktop/tray.py (_fix_xorg_clicks)",
        "pystray")


@pytest.mark.parametrize("attribute", ["_status_icon", "_menu_handle"])
def test_pystray_gtk_icon_keeps_its_status_icon_and_menu(attribute):
    # tray.py: _set_tooltip calls icon._status_icon.set_tooltip_text; _relabel_status_line
    # relabels the first entry of icon._menu_handle, the Gtk.Menu pystray built.
    assert attribute in assigned_on_self(source_of("pystray", "_gtk"), "Icon"), missing(
        f"pystray._gtk.Icon.{attribute}", "glutewake/desktop/tray.py (gtk tooltip and status "
        "line)", "pystray")


def test_pystray_gtk_menu_handle_is_a_gtk_menu():
    tree = ast.parse(source_of("pystray", "_util.gtk"))
    create = next((node for node in ast.walk(tree)
                   if isinstance(node, ast.FunctionDef) and node.name == "_create_menu"), None)
    assert create is not None and "Gtk.Menu" in ast.unparse(create), missing(
        "pystray._util.gtk.GtkIcon._create_menu building a Gtk.Menu (its entries are relabelled "
        "through get_children())", "glutewake/desktop/tray.py (_relabel_status_line)", "pystray")


def test_pillow_initialized_still_gates_the_plugin_imports():
    # icon.py sets Image._initialized = 1 after importing the PNG plugin, so that saving a PNG
    # does not make preinit() import the BMP, GIF, JPEG and PPM plugins (3 MB resident).
    probe = (
        "import io, sys\n"
        "from PIL import Image, PngImagePlugin\n"
        "assert isinstance(getattr(Image, '_initialized', None), int), 'no Image._initialized'\n"
        "Image._initialized = 1\n"
        "Image.new('RGBA', (4, 4)).save(io.BytesIO(), 'PNG')\n"
        "print(' '.join(sorted(m for m in sys.modules if m.endswith('ImagePlugin'))))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, missing("PIL.Image._initialized",
                                           "glutewake/desktop/icon.py", "Pillow") + result.stderr
    assert result.stdout.split() == ["PIL.PngImagePlugin"], missing(
        f"PIL.Image._initialized stopping preinit() (it loaded {result.stdout.strip()})",
        "glutewake/desktop/icon.py", "Pillow")


def test_python_xlib_reads_its_extension_list_when_a_display_opens():
    # x11.py trims Xlib.ext.__extensions__ to MIT-SCREEN-SAVER before opening the display.
    import Xlib.display
    from Xlib import ext

    pairs = getattr(ext, "__extensions__", None)
    assert isinstance(pairs, list) and ("MIT-SCREEN-SAVER", "screensaver") in pairs, missing(
        "Xlib.ext.__extensions__ (a list of (name, module) pairs)", "glutewake/desktop/x11.py",
        "python-xlib")
    assert "ext.__extensions__" in inspect.getsource(Xlib.display), missing(
        "Xlib.display reading ext.__extensions__ as it connects", "glutewake/desktop/x11.py",
        "python-xlib")


def test_jeepney_connections_count_serials_in_outgoing_serial():
    # bus.py numbers its messages from conn.outgoing_serial, the counter jeepney's Hello used.
    from jeepney.io.threading import DBusConnection

    sources = [inspect.getsource(cls) for cls in DBusConnection.__mro__
               if cls.__module__.startswith("jeepney")]
    assert any("self.outgoing_serial = count(" in source for source in sources), missing(
        "jeepney.io.threading.DBusConnection.outgoing_serial", "glutewake/desktop/bus.py",
        "jeepney")
