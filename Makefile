# Every target builds its own virtual environment, so a fresh clone needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo test test-fast test-stress check format bench clean

# The package is compiled here, as pip compiles an installed wheel: with an editable install
# (and PYTHONDONTWRITEBYTECODE set) every `ic` would compile it again, ~0.1 s a start.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

## Open the console on a demo incident in a throwaway home directory.
run: $(STAMP)
	$(BIN)/ic demo

## The whole test suite (what CI runs).
test: $(STAMP)
	$(BIN)/python -m pytest -n auto -q

## Quick feedback while working: everything but the slow, tmux and load tests, in parallel.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n auto -q -m "not slow and not tmux and not load and not stress"

## The console's Pilot flows 20 times in a row while two CPU-bound processes compete (slow).
test-stress: $(STAMP)
	IC_STRESS_RUNS=20 $(BIN)/python -m pytest -q -s -m stress

## Formatting, lint and strict typing.
check: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

## Every benchmark, one table of figures (never a pass/fail).
bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
