"""`make import-parcels FILE=parcels.geojson` / `make import-streets FILE=streets.geojson`: a county GIS export
(a GeoJSON FeatureCollection, WGS84) into the table, through the same service as POST /staff/properties/import
but with no 6 MB limit. Idempotent: parcels (or streets) already there unchanged are not written again.

The table is the environment's (TABLE_NAME, AWS credentials or AWS_ENDPOINT_URL_DYNAMODB locally). Prints the
counts and each rejected feature's index and reason; exits 1 when the collection itself is malformed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="a GeoJSON FeatureCollection")
    parser.add_argument("--streets", action="store_true", help="street centre lines (LineStrings with name)")
    args = parser.parse_args(argv)

    from chalicelib import bootstrap
    from chalicelib.domain.errors import PortalError

    try:
        collection = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"cannot read {args.file}: {error}", file=sys.stderr)
        return 1
    service = bootstrap.properties()
    try:
        result = service.import_streets(collection) if args.streets else service.import_parcels(collection)
    except PortalError as error:
        print(f"not imported: {error.detail}", file=sys.stderr)
        return 1
    print(f"imported {result.imported}, updated {result.updated}, unchanged {result.unchanged}, "
          f"rejected {len(result.rejected)}")
    for rejected in result.rejected:
        print(f"  feature {rejected.index}: {rejected.reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
