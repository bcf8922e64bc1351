"""moto's CloudFormation creates the table from the real definition in infra/template.json."""

from __future__ import annotations

import json

import boto3
from moto import mock_aws

from localdev.table import TABLE_RESOURCE, table_resource


def test_stack_creates_the_table_with_its_indexes():
    resource = json.loads(json.dumps(table_resource()))
    template = {"AWSTemplateFormatVersion": "2010-09-09",
                "Parameters": {"TableName": {"Type": "String"}},
                "Resources": {TABLE_RESOURCE: resource}}
    with mock_aws():
        cfn = boto3.client("cloudformation", region_name="us-west-2")
        cfn.create_stack(StackName="smoke", TemplateBody=json.dumps(template),
                         Parameters=[{"ParameterKey": "TableName", "ParameterValue": "portal-smoke"}])
        table = boto3.client("dynamodb", region_name="us-west-2").describe_table(TableName="portal-smoke")["Table"]
        indexes = {i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]]
                   for i in table["GlobalSecondaryIndexes"]}
        assert indexes == {"GSI1": ["GSI1PK", "GSI1SK"], "GSI2": ["GSI2PK", "GSI2SK"],
                           "GSI3": ["GSI3PK", "GSI3SK"], "GSI4": ["GSI4PK", "GSI4SK"],
                           "GSI5": ["GSI5PK", "GSI5SK"]}
        assert {k["AttributeName"] for k in table["KeySchema"]} == {"PK", "SK"}
