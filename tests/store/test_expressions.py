"""The one place update expressions are built: only used placeholders, DynamoDB's limits respected."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.store.expressions import update_args
from chalicelib.store.items import DynamoItems, Update, chunked, eq, not_exists


class _Table:
    name = "t"

    class meta:
        client: Any = None


def test_set_remove_add_with_placeholders_for_every_name():
    args = update_args(set_={"status": "PAID", "note": None}, remove=["held_by"], add={"count": 1})
    assert args["UpdateExpression"] == "SET #u0 = :u0 REMOVE #u1, #u2 ADD #u3 :u1"
    assert args["ExpressionAttributeNames"] == {"#u0": "status", "#u1": "held_by", "#u2": "note", "#u3": "count"}
    assert args["ExpressionAttributeValues"] == {":u0": "PAID", ":u1": 1}


def test_remove_only_has_no_value_map():
    args = update_args(remove=["a"])
    assert "ExpressionAttributeValues" not in args


def test_refuses_empty_nested_and_duplicate_updates():
    with pytest.raises(ValueError):
        update_args()
    with pytest.raises(ValueError):
        update_args(set_={"a.b": 1})
    with pytest.raises(ValueError):
        update_args(set_={"a": 1}, remove=["a"])


def test_transaction_entries_merge_condition_placeholders_without_collisions():
    entry = DynamoItems(_Table())._entry(Update({"PK": "x", "SK": "y"}, set={"status": "PAID"},
                                                cond=eq("status", "DUE") & not_exists("held_by")))["Update"]
    expr = entry["UpdateExpression"] + " " + entry["ConditionExpression"]
    for placeholder in list(entry["ExpressionAttributeNames"]) + list(entry["ExpressionAttributeValues"]):
        assert placeholder in expr  # every placeholder sent is used (real DynamoDB insists)
    assert set(entry["ExpressionAttributeValues"].values()) == {"PAID", "DUE"}


def test_transaction_update_is_accepted_by_dynamodb(table):
    table.put_item(Item={"PK": "P", "SK": "S", "status": "DUE"})
    entry = DynamoItems(table)._entry(Update({"PK": "P", "SK": "S"}, set={"status": "PAID"}, cond=eq("status", "DUE")))
    table.meta.client.transact_write_items(TransactItems=[entry])
    assert table.get_item(Key={"PK": "P", "SK": "S"})["Item"]["status"] == "PAID"


def test_chunks_respect_batch_sizes():
    assert [len(c) for c in chunked(list(range(60)), 25)] == [25, 25, 10]
    with pytest.raises(ValueError):
        list(chunked([1], 0))
