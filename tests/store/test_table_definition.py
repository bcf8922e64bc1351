"""The table's one definition (PortalTable in infra/template.json): the properties the design relies on."""

from __future__ import annotations

from localdev.table import table_properties


def test_on_demand_with_point_in_time_recovery_and_ttl():
    props = table_properties()
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}


def test_keys_and_indexes_match_the_store(aws):
    from localdev.table import create_table

    description = aws.describe_table(TableName="contractor-portal-local")["Table"]
    assert {k["AttributeName"]: k["KeyType"] for k in description["KeySchema"]} == {"PK": "HASH", "SK": "RANGE"}
    indexes = {i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]]
               for i in description["GlobalSecondaryIndexes"]}
    assert indexes == {"GSI1": ["GSI1PK", "GSI1SK"], "GSI2": ["GSI2PK", "GSI2SK"],
                       "GSI3": ["GSI3PK", "GSI3SK"], "GSI4": ["GSI4PK", "GSI4SK"],
                       "GSI5": ["GSI5PK", "GSI5SK"]}
    ttl = aws.describe_time_to_live(TableName="contractor-portal-local")["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "ttl"
    assert create_table(aws, "contractor-portal-local") is False  # idempotent
