# Two commands do all set-up on a fresh machine (Python 3.11 + pip):
#   make course   create .venv if missing, install (and .ci/system-packages), build the whole course into course/_build
#   make test     create .venv if missing, install (and .ci/system-packages), run the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.govlib-installed
HUB_STAMP := $(VENV)/.govlib-hub-installed
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST_ARGS ?=

.PHONY: course test lab check lock bench clean-build wheel hub bench-hub

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

course: $(STAMP)
	.ci/system-packages
	$(BIN)/govlib data check
	$(BIN)/govlib build -j $(JOBS)

# the test suite includes the live hub test (tests/test_hub_live.py), so it installs the hub too
test: $(HUB_STAMP)
	.ci/system-packages
	$(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS)

# JupyterLab with the course's own configuration (jupyter/): lessons open as notebooks, Chinese
# interface.  JUPYTER_CONFIG_DIR keeps it away from the user's ~/.jupyter settings.
lab: $(STAMP)
	JUPYTER_CONFIG_DIR=$(CURDIR)/jupyter $(BIN)/jupyter lab --notebook-dir=notebooks \
	  $(if $(filter 0,$(shell id -u)),--allow-root)

check: $(STAMP)
	$(BIN)/govlib data check

# Re-pin the tested versions after changing dependencies in pyproject.toml.
lock: $(STAMP)
	{ echo "# Versions CI tested (pip freeze of .venv). Regenerate with: make lock"; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^-e' | sort -f; } > constraints.txt

bench: $(STAMP)
	$(BIN)/python benchmarks/build_speed.py

# The installable package: dist/govlib-<version>-py3-none-any.whl, with the register, syllabus and
# lessons inside (setup.py copies them into govlib/_bundle; see govlib/paths.py).
wheel: $(STAMP)
	$(BIN)/python -m pip wheel --no-deps -q -w dist .

# A class on this machine: JupyterHub + configurable-http-proxy (npm, into deploy/jupyterhub only).
# Write the roster first (GOVLIB_HUB_DIR/roster.csv: 姓名,角色), run as root: see deploy/jupyterhub/jupyterhub_config.py
$(HUB_STAMP): $(STAMP) deploy/jupyterhub/package-lock.json
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,hub]'
	@if command -v npm >/dev/null 2>&1; then \
	  cd deploy/jupyterhub && npm ci --no-audit --no-fund --loglevel=error; \
	else echo "缺少 npm：无法安装 configurable-http-proxy，课堂服务器（hub）的测试将跳过。" >&2; fi
	@touch $@

hub: $(HUB_STAMP)
	$(BIN)/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

# Classroom load test: N students log in at once and run a lesson to its first check().
bench-hub: $(HUB_STAMP)
	$(BIN)/python benchmarks/hub_classroom.py

clean-build:
	rm -rf course/_build
