# Two commands do all set-up on a fresh machine (Python 3.11 + pip):
#   make course   create .venv if missing, install (and .ci/system-packages), build the whole course into course/_build
#   make test     create .venv if missing, install, run the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.govlib-installed
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST_ARGS ?=

.PHONY: course test lab check lock bench clean-build

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

course: $(STAMP)
	.ci/system-packages
	$(BIN)/govlib data check
	$(BIN)/govlib build -j $(JOBS)

test: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

check: $(STAMP)
	$(BIN)/govlib data check

# Re-pin the tested versions after changing dependencies in pyproject.toml.
lock: $(STAMP)
	{ echo "# Versions CI tested (pip freeze of .venv). Regenerate with: make lock"; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^-e' | sort -f; } > constraints.txt

bench: $(STAMP)
	$(BIN)/python benchmarks/build_speed.py

clean-build:
	rm -rf course/_build
