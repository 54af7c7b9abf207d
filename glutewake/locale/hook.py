"""The hatch build hook that compiles the translations (pyproject.toml names this file).

A wheel gets every LANG/LC_MESSAGES/glutewake.mo compiled from its .po into a temporary folder
and added to the wheel; an editable install gets them compiled next to the .po files, where the
source tree is imported from (they are build output: git ignores them). No .po at all is fine:
the wheel then speaks English only. Babel comes from [build-system] requires; glutewake itself
is not importable while it is being built, so catalogs.py is loaded by its path.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _catalogs(root: str):
    path = Path(root) / "glutewake" / "locale" / "catalogs.py"
    spec = importlib.util.spec_from_file_location("_glutewake_catalogs", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


class TranslationsHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        catalogs = _catalogs(self.root)
        if version == "editable":
            written = catalogs.compile_all()
            self.app.display_info(f"glutewake: compiled {len(written)} catalog(s) in place")
            return
        self._built = Path(tempfile.mkdtemp(prefix="glutewake-mo-"))
        written = catalogs.compile_all(out=self._built)
        for mo in written:
            target = mo.relative_to(self._built).as_posix()
            build_data["force_include"][str(mo)] = f"glutewake/locale/{target}"
        self.app.display_info(f"glutewake: {len(written)} compiled catalog(s) in the wheel")

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        built = getattr(self, "_built", None)
        if built is not None:
            shutil.rmtree(built, ignore_errors=True)
