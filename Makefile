# `make run` sets up .venv and starts glutewake; `make test` sets up and runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint soak gtk bench clean

run: $(VENV)/.runtime gtk
	$(BIN)/glutewake run

# -rfEs: the summary names failures, errors and why each skipped test could not run here.
test:
	@bash .ci/desktop-packages.sh
	@$(MAKE) --no-print-directory $(VENV)/.test gtk
	@$(MAKE) --no-print-directory lint
	@$(BIN)/python -m pytest -rfEs; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure"; exit 1; fi; \
	  exit $$rc

# Types and lint, as pyproject.toml's [tool.mypy] and [tool.ruff] say: mypy strict on the core
# and the store and the rest checked with its annotations; ruff's pycodestyle, pyflakes, bugbear,
# pyupgrade and import-order rules over the code, the tests and the benches.
lint: $(VENV)/.test
	@$(BIN)/python -m mypy
	@$(BIN)/python -m ruff check

# A 20-minute run with second-long intervals and a scripted person (GLUTEWAKE_SOAK_MINUTES).
soak:
	@bash .ci/desktop-packages.sh
	@$(MAKE) --no-print-directory $(VENV)/.test gtk
	$(BIN)/python -m pytest -m soak -s tests/app/test_soak.py

$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.runtime
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# PyGObject gives pystray its gtk and appindicator backends (the tray menu on X11); it builds
# against Debian's libgirepository1.0-dev and libcairo2-dev (3.51+ would need girepository-2.0).
gtk: $(VENV)/.runtime
	@if [ -f $(VENV)/.gtk ]; then exit 0; fi; \
	if pkg-config --exists gobject-introspection-1.0 cairo 2>/dev/null; then \
	  echo "installing PyGObject into $(VENV) (about 30 s)"; \
	  $(BIN)/python -m pip install -q 'pygobject<3.51' && touch $(VENV)/.gtk; \
	else echo "PyGObject skipped: no libgirepository1.0-dev/libcairo2-dev (the tray has no menu on X11 without it)"; fi

# Footprint against Workrave and Safe Eyes (with wakeups per thread of each glutewake), reactions,
# growth over a long day, stats speed, sync (merging another computer's 150,000 events; wakeups
# with sync on and off), the fault table (breaks acknowledged against breaks
# found in the journal, per fault: lost and doubled must be 0), longer fuzzing of the wire
# format, the settings and the calendar pipeline, and what a calendar whose one event repeats
# every second costs. Needs the desktop packages, and workrave and safeeyes
# (installed here when root). FOOTPRINT passes options on: make bench FOOTPRINT="--only sni".
FOOTPRINT ?=
bench: $(VENV)/.test
	@bash .ci/desktop-packages.sh
	@if [ "$$(id -u)" = 0 ] && ! command -v workrave >/dev/null; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq workrave safeeyes >/dev/null; fi
	$(BIN)/python -m compileall -q glutewake
	$(BIN)/python -m bench.footprint $(FOOTPRINT)
	$(BIN)/python -m bench.responsiveness
	$(BIN)/python -m bench.stats_speed
	$(BIN)/python -m bench.sync_merge
	$(BIN)/python -m bench.faults
	$(BIN)/python -m bench.fuzz_inputs
	$(BIN)/python -m bench.hostile_calendar
	$(BIN)/python -m bench.fuzz_calendar

# The message catalogs: glutewake.pot from the code and the exercises, every
# glutewake/locale/LANG/LC_MESSAGES/glutewake.po brought in line with it, then compiled to .mo
# (builds and editable installs compile them too; see glutewake/locale/README.md).
.PHONY: translations
translations: $(VENV)/.test
	$(BIN)/python -m glutewake.locale.catalogs extract
	$(BIN)/python -m glutewake.locale.catalogs update
	$(BIN)/python -m glutewake.locale.catalogs compile

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis artifacts
