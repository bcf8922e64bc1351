# The OpenAPI document: `make openapi` rewrites docs/openapi.json from the routes and models
# (tests/api/test_openapi.py fails when it is stale). The fuzz pass is `pytest -m fuzz` in `make test`.
.PHONY: openapi fuzz

openapi: install
	$(PY) -m chalicelib.api.openapi > docs/openapi.json

fuzz: install
	$(PY) -m pytest -m fuzz

# A county GIS export into the table (TABLE_NAME and AWS credentials from the environment, or the local
# emulator's AWS_ENDPOINT_URL_DYNAMODB): the same service as POST /staff/properties/import, no 6 MB limit.
.PHONY: import-parcels import-streets
import-parcels: install
	@[ -n "$(FILE)" ] || { echo 'usage: make import-parcels FILE=parcels.geojson'; exit 1; }
	$(PY) scripts/import_parcels.py "$(FILE)"

import-streets: install
	@[ -n "$(FILE)" ] || { echo 'usage: make import-streets FILE=streets.geojson'; exit 1; }
	$(PY) scripts/import_parcels.py --streets "$(FILE)"
