# The OpenAPI document: `make openapi` rewrites docs/openapi.json from the routes and models
# (tests/api/test_openapi.py fails when it is stale). The fuzz pass is `pytest -m fuzz` in `make test`.
.PHONY: openapi fuzz

openapi: install
	$(PY) -m chalicelib.api.openapi > docs/openapi.json

fuzz: install
	$(PY) -m pytest -m fuzz
