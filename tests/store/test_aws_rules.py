"""The request checker `tests/aws_rules.py` (installed on the app's client by the `aws` fixture) catches
what real DynamoDB refuses and moto accepts."""

from __future__ import annotations

from tests.aws_rules import check_request


def _update(**extra):
    return {"TableName": "t", "Key": {"PK": {"S": "A"}, "SK": {"S": "B"}}, **extra}


def test_a_reserved_word_used_bare_is_caught():
    assert check_request("Query", {"KeyConditionExpression": "PK = :p", "ProjectionExpression": "PK, status",
                                   "ExpressionAttributeValues": {":p": {"S": "x"}}}) == [
        "Query: reserved word 'status' used bare in ProjectionExpression"]
    assert check_request("UpdateItem", _update(UpdateExpression="SET #s = :v", ExpressionAttributeNames={
        "#s": "status"}, ExpressionAttributeValues={":v": {"S": "x"}})) == []


def test_unused_empty_and_missing_placeholders_are_caught():
    problems = check_request("UpdateItem", _update(
        UpdateExpression="SET #a = :a, #b = :b", ExpressionAttributeNames={"#a": "a", "#c": "c"},
        ExpressionAttributeValues={":a": {"N": "1"}}))
    assert problems == ["UpdateItem: ExpressionAttributeNames #c unused",
                        "UpdateItem: #b used but not in ExpressionAttributeNames",
                        "UpdateItem: :b used but not in ExpressionAttributeValues"]
    assert check_request("DeleteItem", _update(ExpressionAttributeValues={})) == [
        "DeleteItem: empty ExpressionAttributeValues"]


def test_one_item_twice_in_a_transaction_or_a_batch_is_caught():
    put = {"Put": {"TableName": "t", "Item": {"PK": {"S": "A"}, "SK": {"S": "B"}, "x": {"N": "1"}}}}
    check = {"ConditionCheck": {**_update(), "ConditionExpression": "attribute_exists(PK)"}}
    assert check_request("TransactWriteItems", {"TransactItems": [put, check]})[-1].startswith(
        "TransactWriteItems: one item twice")
    key = {"PK": {"S": "A"}, "SK": {"S": "B"}}
    assert check_request("BatchGetItem", {"RequestItems": {"t": {"Keys": [key, key]}}}) == [
        "BatchGetItem: one key twice"]
    deletes = [{"DeleteRequest": {"Key": key}}] * 26
    assert check_request("BatchWriteItem", {"RequestItems": {"t": deletes}}) == [
        "BatchWriteItem: 26 requests", "BatchWriteItem: one key twice"]


def test_a_consistent_read_on_a_gsi_and_a_scan_by_the_app_are_caught():
    assert check_request("Query", {"IndexName": "GSI1", "ConsistentRead": True,
                                   "KeyConditionExpression": "GSI1PK = :p",
                                   "ExpressionAttributeValues": {":p": {"S": "x"}}}) == [
        "Query: ConsistentRead on a global secondary index"]
    assert check_request("Scan", {"TableName": "t"}) == ["Scan: the portal never scans"]
    assert check_request("Scan", {"TableName": "t"}, from_app=False) == []
