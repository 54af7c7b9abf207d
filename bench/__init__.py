"""Benchmarks: they print figures; tests assert behaviour. `make bench` runs them all."""

import os

# Measure glutewake as users run it: with compiled bytecode cached (pip compiles it at install),
# whatever this shell says.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
