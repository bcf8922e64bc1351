# Static web site (web/) and browser tests. Included by the top-level Makefile,
# which defines VENV and PY.
.PHONY: web-assets browser test-browser screenshots

NPM ?= npm
NODE ?= node
CHROMIUM ?= /usr/bin/chromium

# npm ci only when the lockfile changed since the last install.
node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --ignore-scripts
	@touch $@

# The USWDS stylesheet is built from its Sass sources (web/sass/), so it is rebuilt when they change.
web/vendor/VERSIONS.txt: node_modules/.package-lock.json scripts/copy_uswds.mjs scripts/build_uswds.mjs \
		$(wildcard web/sass/*.scss)
	$(NODE) scripts/copy_uswds.mjs

## web-assets: build USWDS's stylesheet (only the components used) and copy it and axe-core into web/vendor/
web-assets: web/vendor/VERSIONS.txt

## browser: install Debian's Chromium for the browser tests if it is missing
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		apt-get update && apt-get install -y chromium; \
	fi

## test-browser: run only the browser journeys (starts the whole portal itself)
test-browser: install web-assets browser
	$(PY) -m pytest -m browser tests/browser

## screenshots: refresh the README's pictures in docs/ (make test never writes tracked files)
screenshots: install web-assets browser
	UPDATE_SCREENSHOTS=1 $(PY) -m pytest -m browser -p no:cacheprovider \
		tests/browser/test_01_first_login.py tests/browser/test_02_pay_fees.py tests/browser/test_06_every_page.py
