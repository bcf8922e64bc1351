# Types and the lock file. Included by the top-level Makefile, which defines VENV and PY.
.PHONY: typecheck lock

## typecheck: mypy over chalicelib and app.py (config in pyproject.toml); part of `make checks`.
typecheck: install
	$(PY) -m mypy chalicelib app.py

## lock: re-pin everything requirements-dev.txt names, with hashes, from PyPI alone (uv in a throwaway venv)
lock:
	rm -rf build/lock-venv && python3 -m venv build/lock-venv && build/lock-venv/bin/pip install --quiet uv
	build/lock-venv/bin/uv pip compile --python-version 3.13 --python-platform linux --generate-hashes \
		--index-url https://pypi.org/simple --no-config --emit-index-url -o requirements-dev.lock requirements-dev.txt
