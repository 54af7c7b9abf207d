"""A real headless Chromium (Debian's `chromium`) for the history page: the DOM it builds, its
console messages, and screenshots of one section at a time (report.html#timeline shows only
that section)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0")
PAPER = (252, 252, 250)  # the page's background (--paper in store/history_page.py)


def chromium() -> str | None:
    return shutil.which("chromium")


def run(address: str, *args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    """One Chromium run on a file:// address with a profile of its own, thrown away after."""
    with tempfile.TemporaryDirectory(prefix="glutewake-chromium-") as profile:
        return subprocess.run([chromium() or "chromium", *FLAGS, f"--user-data-dir={profile}",
                               *args, address], capture_output=True, text=True, timeout=timeout)


def console(stderr: str) -> list[str]:
    """The page's console messages (errors, refused loads) from Chromium's log."""
    return [line for line in stderr.splitlines() if ":CONSOLE:" in line]


def dump_dom(page: Path) -> tuple[str, list[str]]:
    """(the DOM as Chromium built it, the page's console messages)."""
    done = run(page.as_uri(), "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, console(done.stderr)


def screenshot(page: Path, section: str, width: int, target: Path, height: int = 2400
               ) -> tuple[int, int]:
    """One section alone at `width` px, cropped below its end and reduced to a small palette
    PNG at `target`; returns its size."""
    from PIL import Image, ImageChops

    raw = target.with_suffix(".raw.png")
    done = run(f"{page.as_uri()}#{section}", f"--screenshot={raw}",
               f"--window-size={width},{height}")
    assert done.returncode == 0 and raw.exists(), done.stderr[-2000:]
    image = Image.open(raw).convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, PAPER)).getbbox()
    assert box is not None, f"{section} at {width} px is blank"
    image = image.crop((0, 0, image.width, min(image.height, box[3] + 12)))
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    raw.unlink()
    return image.size


class Numbers(HTMLParser):
    """Every number the page marks for scripts: (scope, which, key) -> value, where scope and
    which come from the nearest element above with data-scope (day and its date, week and its
    dates, exercise, device, totals, this_week, week_before)."""

    def __init__(self):
        super().__init__()
        self.found: dict[tuple[str, str, str], list[str]] = {}
        self._scopes: list[tuple[str, tuple[str, str] | None]] = []

    def handle_starttag(self, tag, attrs):
        data = dict(attrs)
        if "data-scope" in data:
            which = data.get("data-date") or data.get("data-exercise") or data.get(
                "data-device") or "/".join(filter(None, (data.get("data-from"),
                                                         data.get("data-to"))))
            self._scopes.append((tag, (data["data-scope"], which)))
        else:
            self._scopes.append((tag, None))
        if "data-key" in data:
            scope = next((s for _t, s in reversed(self._scopes) if s is not None), ("", ""))
            self.found.setdefault((*scope, data["data-key"]), []).append(data["data-value"])

    def handle_endtag(self, tag):
        while self._scopes:
            if self._scopes.pop()[0] == tag:
                break


def numbers(dom: str) -> dict[tuple[str, str, str], list[str]]:
    parser = Numbers()
    parser.feed(dom)
    return parser.found
