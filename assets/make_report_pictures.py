"""Screenshots of the history page for the README, taken the way the browser test takes them.

    .venv/bin/python assets/make_report_pictures.py

Generates a journal (bench/fake_journal.py, two computers as sync will record them) in a
private home, writes the page with the real `glutewake report`, and has a headless Chromium
(Debian's chromium) shoot each section alone at 1200 and 400 px into
assets/report-<section>-<width>.png (64-colour PNGs, cropped below the section).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # bench/ and tests/ from the source checkout

from bench.fake_journal import generate  # noqa: E402
from tests.app.test_report_page import FIRST, LAST, SECTIONS, two_computers  # noqa: E402
from tests.support import browser  # noqa: E402


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="glutewake-pictures-"))
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
               XDG_STATE_HOME=str(home / "state"), LANGUAGE="en", LANG="C.UTF-8")
    journal = home / "data" / "glutewake" / "journal.sqlite3"
    journal.parent.mkdir(parents=True)
    generate(journal, years=0.2, seed=7, last=LAST, every=1800)
    two_computers(journal)
    page = home / "report.html"
    subprocess.run([sys.executable, "-m", "glutewake", "report", "--no-open", "--output",
                    str(page), "--from", FIRST.isoformat(), "--to", LAST.isoformat()],
                   env=env, check=True)
    for section in SECTIONS:
        for width in (1200, 400):
            target = HERE / f"report-{section}-{width}.png"
            size = browser.screenshot(page, section, width, target)
            print(f"{target.name}: {size[0]} x {size[1]}, {target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
