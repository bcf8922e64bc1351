"""`make demo-reset`: put the running local portal's demo data back as `make run` seeded it.

After trying the daily job with a future `as_of`, paying fees or cancelling inspections, the guide's
dashboard for RICH CONTRACTOR is no longer the guide's. This drops the local table, creates it again
from infra/template.json and seeds the demo data (localdev.seed), while `make run` keeps running: the
emulator, the API and the site stay up, and the next page load shows the guide's figures again.

Only the local emulator is touched: an endpoint that is not on this machine is refused, so the command
cannot empty a deployed table. Staff PIN and password are printed as `make run` prints them; every
session that existed is gone with the table.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def main() -> int:
    from scripts.run_local import stage_environment

    env = stage_environment()
    for name, value in env.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-west-2")
    os.environ.setdefault("AWS_REGION", os.environ["AWS_DEFAULT_REGION"])
    endpoint = os.environ.setdefault(
        "AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{os.environ.get('DYNAMODB_PORT', '8001')}")
    if urlsplit(endpoint).hostname not in LOOPBACK:
        print(f"refusing to reset {endpoint}: only the local emulator of `make run` is reset", file=sys.stderr)
        return 2

    import boto3
    import botocore.exceptions

    from chalicelib.clock import SystemClock
    from localdev.seed import seed_demo
    from localdev.table import create_table

    table = os.environ["TABLE_NAME"]
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=os.environ["AWS_REGION"])
    try:
        if table in client.list_tables().get("TableNames", []):
            client.delete_table(TableName=table)
            client.get_waiter("table_not_exists").wait(TableName=table)
    except botocore.exceptions.EndpointConnectionError:
        print(f"nothing is listening at {endpoint}: start the portal with `make run` first", file=sys.stderr)
        return 1
    create_table(client, table)
    report = seed_demo(SystemClock())
    print(f"demo data restored in {table} at {endpoint}")
    print(f"  staff:  admin / {report.staff_password}  (the demo supervisor, at /staff/index.html)")
    for company, pin in report.pins.items():
        print(f"  contractor {company}: first-login PIN {pin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
