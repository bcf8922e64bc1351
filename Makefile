# The two commands: `make run` starts the portal on loopback; `make test` runs every test.
# Both set up what they need (virtual environment, packages, site assets, browser) on a fresh machine.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Lambda runs python3.13: develop, test and package under it (pyenv's, or one on PATH).
PYTHON313 ?= $(shell command -v python3.13 2>/dev/null || ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13*/bin/python3.13 2>/dev/null | tail -n 1)
STAMP := $(VENV)/.installed-$(shell cat requirements-dev.lock | sha1sum | cut -c1-12)

.PHONY: install run demo-reset test test-fast lint checks bench clean

install: $(STAMP)

$(STAMP): requirements-dev.lock
	@if [ -z "$(PYTHON313)" ]; then echo "Python 3.13 is needed (Lambda's python3.13 runtime): install it, e.g. 'pyenv install 3.13'"; exit 1; fi
	@[ -x $(PY) ] && $(PY) -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null || { rm -rf $(VENV); $(PYTHON313) -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@rm -f $(VENV)/.installed-*; touch $@

-include mk/web.mk
# mk/deploy.mk: package, deploy, deploy-site, cfn-lint. mk/quality.mk: typecheck. mk/api.mk: the OpenAPI fuzz.
-include mk/deploy.mk mk/quality.mk mk/api.mk

run: install $(if $(wildcard mk/web.mk),web-assets)
	$(PY) scripts/run_local.py

# While `make run` runs: drop the local table and seed the guide's demo data again (local emulator only).
demo-reset: install
	$(PY) scripts/reset_demo.py

# The tests that need no browser run in parallel (pytest-xdist), one worker per core, each test handed
# to whichever worker is free; PYTEST_WORKERS=0 runs them in this one process, in order (e.g. for --pdb).
# The browser journeys then run on their own, in one process: they share one started portal and build
# on each other's state in file order (tests/browser/conftest.py refuses to be split over workers).
# Both halves always run; `make test` fails if either failed.
PYTEST_WORKERS ?= auto
XDIST = -n $(PYTEST_WORKERS) $(if $(filter 0,$(PYTEST_WORKERS)),,--dist worksteal)

test: install $(if $(wildcard mk/web.mk),web-assets browser)
	status=0; \
	$(MAKE) --no-print-directory checks || status=$$?; \
	$(PY) -m pytest -m "not browser and not fuzz" $(XDIST) || status=$$?; \
	$(PY) -m pytest -m browser || status=$$?; \
	$(PY) -m pytest -m fuzz || status=$$?; \
	exit $$status

# What CI enforces besides the tests: lint, types, and the deployable template.
checks: lint typecheck cfn-lint

test-fast: install
	$(PY) -m pytest -m "not browser and not fuzz" $(XDIST)

lint: install
	$(PY) -m ruff check .

bench: install package
	$(PY) -m bench

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache node_modules web/vendor web/config.js
