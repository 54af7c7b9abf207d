"""The shape of the code, checked: no import cycles (lazy imports count), a pure core, adapters
that never import each other back, and no SQL that matches on journal text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "glutewake"


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imports(name: str, path: Path, source: str | None = None) -> set[str]:
    """Every module `name` imports, anywhere in the file (functions included); `source` stands
    in for the file's text."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8") if source is None else source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    edges = {}
    for name, path in mods.items():
        targets = set()
        for target in imports(name, path):
            while target and target not in mods:
                target = target.rpartition(".")[0]
            if target and target not in (name, "glutewake"):
                targets.add(target)
        edges[name] = targets
    return edges


def test_no_import_cycles_anywhere():
    edges = graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


# What the core never imports: threads, clocks, I/O, the adapters, and the language in force
# (gettext's global catalog and the locale: the core hands over Text values, glutewake/core/text.py,
# and glutewake.i18n says them where they are shown).
IMPURE = ("threading", "time", "sqlite3", "socket", "subprocess", "apscheduler", "pystray",
          "plyer", "jeepney", "PIL", "glutewake.app", "glutewake.store", "glutewake.desktop",
          "glutewake.words", "glutewake.i18n", "gettext", "locale")


def impurities(name: str, path: Path, source: str | None = None) -> list[str]:
    """What makes the core module `name` impure: a forbidden import or a clock read."""
    found = [f"{name} imports {target}" for target in sorted(imports(name, path, source))
             if any(target == f or target.startswith(f + ".") for f in IMPURE)]
    text = path.read_text("utf-8") if source is None else source
    if re.search(r"\b(time\.time|datetime\.now|date\.today|monotonic)\(", text):
        found.append(f"{name} reads a clock")
    return found


def test_the_core_is_pure():
    for name, path in modules().items():
        if name.startswith("glutewake.core"):
            assert not impurities(name, path)


@pytest.mark.parametrize("source, found", [
    ("from ..i18n import _\n", "imports glutewake.i18n"),
    ("from .. import i18n\n", "imports glutewake.i18n"),
    ("import gettext\n", "imports gettext"),
    ("def f():\n    import locale\n", "imports locale"),
    ("from ..words.phrases import detail\n", "imports glutewake.words"),
    ("from datetime import datetime\nnow = datetime.now()\n", "reads a clock"),
])
def test_the_purity_rule_fires(source, found):
    path = PACKAGE / "core" / "example.py"
    problems = impurities("glutewake.core.example", path, source)
    assert any(found in problem for problem in problems), problems
    assert not impurities("glutewake.core.example", path, "from .text import _\n")


def test_the_words_reach_only_the_core_and_the_language():
    """glutewake/words renders the core's values: the app, the store and the adapters use it,
    never the other way round."""
    for name, path in modules().items():
        if name.startswith("glutewake.words"):
            bad = [t for t in imports(name, path)
                   if t.startswith(("glutewake.app", "glutewake.store", "glutewake.desktop"))]
            assert not bad, f"{name} imports {bad}"


def test_the_core_reads_and_writes_no_files():
    """Files are the app's: the core parses the bytes and tables it is handed (the settings file,
    the exercise catalog). So no os, shutil, stat, tempfile or importlib.resources, pathlib only
    for pure paths, and no open(), read_text() or the like."""
    forbidden = ("os", "shutil", "stat", "tempfile", "io", "glob", "fcntl", "mmap",
                 "importlib.resources", "importlib")
    calls = re.compile(r"(?<![\w.])open\(|\.(read_text|write_text|read_bytes|write_bytes|open|"
                       r"mkdir|unlink|exists|is_file|iterdir|stat)\(")
    for name, path in modules().items():
        if not name.startswith("glutewake.core"):
            continue
        targets = imports(name, path)
        for target in targets:
            assert not any(target == f or target.startswith(f + ".") for f in forbidden), \
                f"{name} imports {target}"
        from_pathlib = {t for t in targets if t.startswith("pathlib.")}
        assert all(t.startswith("pathlib.Pure") for t in from_pathlib) and (
            from_pathlib or "pathlib" not in targets), f"{name} imports pathlib's file paths"
        found = calls.search(path.read_text("utf-8"))
        assert found is None, f"{name} touches a file: {found[0] if found else ''}"


def test_adapters_do_not_reach_into_the_app_or_the_store():
    for name, path in modules().items():
        if name.startswith("glutewake.desktop"):
            bad = [t for t in imports(name, path)
                   if t.startswith(("glutewake.app", "glutewake.store"))]
            assert not bad, f"{name} imports {bad}"


def test_no_sql_matches_on_journal_text():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text("utf-8")
        assert not re.search(r"\bLIKE\b|\bGLOB\b|instr\(", text), f"{path} matches on text"


def test_only_the_daemon_and_the_cli_know_the_coach_machine():
    """Adapters and ports see effects and the status value (core.effects), never the machine."""
    allowed = ("glutewake.core.coach", "glutewake.app.daemon", "glutewake.app.cli")
    for name, path in modules().items():
        if name in allowed or name.startswith("glutewake.app.cli."):  # the cli is a package
            continue
        assert "glutewake.core.coach" not in imports(name, path), f"{name} imports the coach"


def test_threads_start_in_one_place():
    """glutewake/threads.py starts every thread, under a name from the daemon's table."""
    for name, path in modules().items():
        if name == "glutewake.threads":
            continue
        text = path.read_text("utf-8")
        assert not re.search(r"threading\.(Thread|Timer)\(", text), f"{name} starts a thread"


def test_the_cli_imports_at_the_top_but_where_it_says_why():
    """A command module loads what it needs at its top (`main` imports the one module its command
    needs); an import inside a function is a deliberate saving, said in a comment on its line or
    the line above."""
    for path in sorted((PACKAGE / "app" / "cli").glob("*.py")):
        lines = path.read_text("utf-8").splitlines()
        for function in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    said = ("#" in lines[node.lineno - 1]
                            or lines[node.lineno - 2].strip()[:1] == "#")
                    assert said, f"{path.name}:{node.lineno} imports inside a function unexplained"


def test_the_tests_mirror_the_package():
    """tests/ holds a folder per part of the package (core, store, words, app, desktop,
    pictures), the shared helpers in tests/support, and at its top only the tests that span the
    whole package."""
    tests = Path(__file__).resolve().parent
    folders = {p.name for p in tests.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    parts = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert folders - {"support"} <= parts, folders - parts
    assert {"core", "store", "app", "desktop"} <= folders
    spanning = {"test_architecture.py", "test_glossary.py", "test_i18n.py", "test_packaging.py"}
    assert {p.name for p in tests.glob("test_*.py")} == spanning
    helpers = {p.name for p in tests.glob("*.py")} - spanning - {"__init__.py", "conftest.py"}
    assert not helpers, f"helpers belong in tests/support: {helpers}"
