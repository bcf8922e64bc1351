"""Create the portal's table from infra/template.json, the one definition of it.

Tests (moto in-process), `make run` (moto's server) and a developer's own DynamoDB endpoint all
get the table from the `PortalTable` resource of the deployable stack's template, so a key or index
added there reaches all three and the deployment.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().parent.parent / "infra" / "template.json"
TABLE_RESOURCE = "PortalTable"


def table_resource() -> dict[str, Any]:
    """The table's CloudFormation resource (Type, policies and Properties) as infra/template.json has it."""
    template = json.loads(TEMPLATE.read_text())
    return template["Resources"][TABLE_RESOURCE]


def table_properties() -> dict[str, Any]:
    return table_resource()["Properties"]


def create_table(client: Any, table_name: str) -> bool:
    """Create the table (and turn on TTL) unless it exists. Returns True when it was created."""
    if table_name in client.list_tables().get("TableNames", []):
        return False
    props = table_properties()
    client.create_table(
        TableName=table_name,
        BillingMode=props["BillingMode"],
        AttributeDefinitions=props["AttributeDefinitions"],
        KeySchema=props["KeySchema"],
        GlobalSecondaryIndexes=props["GlobalSecondaryIndexes"],
    )
    client.get_waiter("table_exists").wait(TableName=table_name)
    ttl = props["TimeToLiveSpecification"]
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": ttl["Enabled"]},
    )
    return True
