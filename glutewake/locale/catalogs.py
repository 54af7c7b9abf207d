"""The message catalogs, kept in step with the code and the exercise catalog.

    python -m glutewake.locale.catalogs extract    # glutewake.pot from the code and exercises.toml
    python -m glutewake.locale.catalogs update     # every shipped .po follows the template
    python -m glutewake.locale.catalogs compile    # every .po to its .mo (fuzzy entries left out)
    python -m glutewake.locale.catalogs init LANG  # a new LANG/LC_MESSAGES/glutewake.po

`make translations` runs extract, update and compile. Babel does the work; it is needed here, at
build time and in the tests, never by a running glutewake. This module imports nothing of
glutewake, so the build hook can load it from the source tree by its path.
"""

from __future__ import annotations

import io
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent  # glutewake/locale
PACKAGE = HERE.parent
ROOT = PACKAGE.parent
DOMAIN = "glutewake"
TEMPLATE = HERE / f"{DOMAIN}.pot"
EXERCISES = PACKAGE / "core" / "exercises.toml"
COMMENT_TAG = "TRANSLATORS:"
HEADER = ("# Translations template for glutewake.\n"
          "# Made by `python -m glutewake.locale.catalogs extract`: do not edit it by hand.\n"
          "# glutewake/locale/README.md says how to add a language.\n#")

# What each shown field of an exercise is, for the translator's comment.
_FIELDS = {
    "name": "its name",
    "targets": "",  # the same muscle in many moves: one comment for all
    "steps": "step {n}",
    "cue": "the one cue shown with every reminder",
    "safety": "its safety line",
    "easier": "the easier way",
    "harder": "the harder way",
    "unit": "the words after the number, as in \"3 × 10 {text}\"",
}


def exercise_messages(path: Path = EXERCISES) -> Iterator[tuple[int, str, list[str]]]:
    """(line, text, comments) for every text of the built-in exercises a person reads."""
    source = path.read_text("utf-8")
    lines = source.splitlines()
    for table in tomllib.loads(source)["exercise"]:
        ident = table["id"]
        start = next(n for n, line in enumerate(lines) if line.strip() == f'id = "{ident}"')
        for field, what in _FIELDS.items():
            value = table.get(field)
            if value is None:
                continue
            for n, text in enumerate(value if isinstance(value, list) else [value], 1):
                quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
                found = next((k for k in range(start, len(lines)) if quoted in lines[k]), start)
                comment = (f"exercise {ident}: " + what.format(n=n, text=text) if what else
                           'a muscle an exercise works, listed after "Works:"')
                yield found + 1, text, [comment]


def python_messages(package: Path = PACKAGE):
    """(path, line, message, comments, context) from every module, as Babel finds them."""
    from babel.messages.extract import extract_from_dir

    def wanted(folder: str) -> bool:
        return Path(folder).name not in ("__pycache__", "locale", "protocols")

    for filename, line, message, comments, context in extract_from_dir(
            package, comment_tags=(COMMENT_TAG,), strip_comment_tags=True,
            directory_filter=wanted):
        yield f"{package.name}/{filename}", line, message, comments, context


def version() -> str:
    text = (PACKAGE / "__init__.py").read_text("utf-8")
    found = re.search(r'__version__ = "([^"]+)"', text)
    return found[1] if found else "0"


def template(package: Path = PACKAGE):
    """The template catalog: the exercises first, then the code, each with where it is used."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(domain=DOMAIN, project="glutewake", version=version(), header_comment=HEADER,
                      copyright_holder="the glutewake authors", charset="utf-8", fuzzy=False)
    place = f"{package.name}/core/exercises.toml"
    for line, text, comments in exercise_messages(package / "core" / "exercises.toml"):
        catalog.add(text, locations=[(place, line)], auto_comments=comments)
    for filename, line, message, comments, context in python_messages(package):
        catalog.add(message, locations=[(filename, line)], auto_comments=comments,
                    context=context)
    return catalog


def _po_bytes(catalog, **options) -> bytes:
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    write_po(out, catalog, width=100, **options)
    return out.getvalue()


def _without_dates(data: bytes) -> bytes:
    return re.sub(rb'"(POT-Creation|PO-Revision)-Date: [^"]*"\n', b"", data)


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write unless only the dates would change, so an extract with nothing new leaves no diff."""
    if path.exists() and _without_dates(path.read_bytes()) == _without_dates(data):
        return False
    path.write_bytes(data)
    return True


def extract(target: Path = TEMPLATE, package: Path = PACKAGE) -> int:
    """Write the template; returns how many messages it has."""
    catalog = template(package)
    _write_if_changed(target, _po_bytes(catalog))
    return len(catalog)


def translations(base: Path = HERE) -> list[tuple[str, Path]]:
    """(language, .po file) for every language that has one."""
    return sorted((po.parent.parent.name, po) for po in base.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read(path: Path, lang: str | None = None):
    from babel.messages.pofile import read_po

    with open(path, "rb") as source:
        return read_po(source, locale=lang, domain=DOMAIN)


def update(base: Path = HERE, target: Path = TEMPLATE) -> list[Path]:
    """Bring every .po in line with the template: new texts added empty (or as fuzzy guesses
    from similar ones), gone ones kept as obsolete entries at the end."""
    pot = read(target)
    changed = []
    for lang, po in translations(base):
        catalog = read(po, lang)
        catalog.update(pot, update_header_comment=False)
        if _write_if_changed(po, _po_bytes(catalog)):
            changed.append(po)
    return changed


def init(lang: str, base: Path = HERE, target: Path = TEMPLATE) -> Path:
    """A new, empty catalog for `lang` from the template."""
    from babel.messages.catalog import Catalog

    po = base / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po.exists():
        raise SystemExit(f"{po} exists already; `update` brings it in line with the template")
    pot = read(target)
    catalog = Catalog(locale=lang, domain=DOMAIN, project="glutewake", version=version(),
                      charset="utf-8", fuzzy=False)
    catalog.update(pot)
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_bytes(_po_bytes(catalog))
    return po


def compile_all(base: Path = HERE, out: Path | None = None) -> list[Path]:
    """Every LANG/LC_MESSAGES/glutewake.po under `base` compiled to a .mo under `out` (default:
    next to it). Fuzzy entries are left out, so a guess is never shown. No .po: nothing to do."""
    from babel.messages.mofile import write_mo

    written = []
    for lang, po in translations(base):
        mo = (out or base) / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        mo.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        write_mo(buffer, read(po, lang), use_fuzzy=False)
        if not mo.exists() or mo.read_bytes() != buffer.getvalue():
            mo.write_bytes(buffer.getvalue())
        written.append(mo)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    action = args[0] if args else ""
    if action == "extract":
        print(f"{TEMPLATE.relative_to(ROOT)}: {extract()} messages")
    elif action == "update":
        for po in update():
            print(f"updated {po.relative_to(ROOT)}")
    elif action == "compile":
        for mo in compile_all():
            print(f"compiled {mo.relative_to(ROOT)}")
    elif action == "init" and len(args) == 2:
        print(f"created {init(args[1]).relative_to(ROOT)}; translate it, then `make translations`")
    else:
        print("usage: python -m glutewake.locale.catalogs extract | update | compile | init LANG",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
