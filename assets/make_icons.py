"""Draw the application icon files from the same Pillow drawing as the tray icon.

    .venv/bin/python assets/make_icons.py

Writes assets/glutewake-<size>.png for 16 to 256 px and assets/glutewake.ico (all sizes in one).
"""

from pathlib import Path

from glutewake.desktop.icon import app_icon

SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
HERE = Path(__file__).resolve().parent


def main() -> None:
    for size in SIZES:
        app_icon(size).save(HERE / f"glutewake-{size}.png", optimize=True)
    app_icon(256).save(HERE / "glutewake.ico", sizes=[(s, s) for s in SIZES])
    print(f"wrote {len(SIZES)} PNGs and glutewake.ico to {HERE}")


if __name__ == "__main__":
    main()
