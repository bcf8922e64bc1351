"""UpdateExpression building, in one tested place.

Conditions and key conditions use boto3's own builders (`boto3.dynamodb.conditions.Attr`/`Key`),
which emit `#n0`/`:v0` placeholders and merge them into the request. Updates are built here with
`#u0`/`:u0` placeholders so the two never collide. Real DynamoDB rejects an expression value or
name that the expressions do not use, and rejects empty maps (moto does not); this builder only
emits what it uses and omits empty maps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def update_args(
    *,
    set_: Mapping[str, Any] | None = None,
    remove: Iterable[str] = (),
    add: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """UpdateItem arguments for top-level attributes: SET a = v, REMOVE b, ADD c n.

    A `None` value in `set_` is turned into a REMOVE, since DynamoDB has no null for our fields.
    """
    names: dict[str, str] = {}
    values: dict[str, Any] = {}

    def name(attr: str) -> str:
        if not attr or "." in attr or "[" in attr:
            raise ValueError(f"top-level attribute names only: {attr!r}")
        for placeholder, existing in names.items():
            if existing == attr:
                return placeholder
        placeholder = f"#u{len(names)}"
        names[placeholder] = attr
        return placeholder

    def value(v: Any) -> str:
        placeholder = f":u{len(values)}"
        values[placeholder] = v
        return placeholder

    set_items = dict(set_ or {})
    removals = list(remove) + [k for k, v in set_items.items() if v is None]
    set_items = {k: v for k, v in set_items.items() if v is not None}
    overlap = set(set_items) & set(removals) | (set(add or {}) & (set(set_items) | set(removals)))
    if overlap:
        raise ValueError(f"an attribute may appear once per update: {sorted(overlap)}")

    clauses = []
    if set_items:
        clauses.append("SET " + ", ".join(f"{name(k)} = {value(v)}" for k, v in set_items.items()))
    if removals:
        clauses.append("REMOVE " + ", ".join(name(k) for k in removals))
    if add:
        clauses.append("ADD " + ", ".join(f"{name(k)} {value(v)}" for k, v in add.items()))
    if not clauses:
        raise ValueError("an update needs at least one SET, REMOVE or ADD")

    args: dict[str, Any] = {"UpdateExpression": " ".join(clauses), "ExpressionAttributeNames": names}
    if values:
        args["ExpressionAttributeValues"] = values
    return args


def chunked(items: list[Any], size: int) -> Iterable[list[Any]]:
    """Split a list into DynamoDB-sized batches (25 writes, 100 reads, 100 transaction items)."""
    if size < 1:
        raise ValueError("size must be positive")
    for start in range(0, len(items), size):
        yield items[start : start + size]


BATCH_WRITE_LIMIT = 25
BATCH_GET_LIMIT = 100
TRANSACTION_LIMIT = 100


def condition_args(condition: Any) -> dict[str, Any]:
    """A boto3 `Attr(...)` condition rendered for a TransactWriteItems entry.

    boto3 renders `Attr` conditions itself only at the top level of a request; inside
    `TransactItems` each entry must carry its own expression, names and values.
    """
    from boto3.dynamodb.conditions import ConditionExpressionBuilder

    built = ConditionExpressionBuilder().build_expression(condition)
    args: dict[str, Any] = {"ConditionExpression": built.condition_expression}
    if built.attribute_name_placeholders:
        args["ExpressionAttributeNames"] = dict(built.attribute_name_placeholders)
    if built.attribute_value_placeholders:
        args["ExpressionAttributeValues"] = dict(built.attribute_value_placeholders)
    return args


def transact_put(table_name: str, item: dict[str, Any], condition: Any = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"TableName": table_name, "Item": item}
    if condition is not None:
        entry.update(condition_args(condition))
    return {"Put": entry}


def transact_update(
    table_name: str,
    key: dict[str, Any],
    *,
    set_: Mapping[str, Any] | None = None,
    remove: Iterable[str] = (),
    add: Mapping[str, Any] | None = None,
    condition: Any = None,
) -> dict[str, Any]:
    """An Update entry for TransactWriteItems, its update and condition placeholders merged."""
    entry: dict[str, Any] = {"TableName": table_name, "Key": key,
                             **update_args(set_=set_, remove=remove, add=add)}
    if condition is not None:
        cond = condition_args(condition)
        entry["ConditionExpression"] = cond["ConditionExpression"]
        entry["ExpressionAttributeNames"].update(cond.get("ExpressionAttributeNames", {}))
        if "ExpressionAttributeValues" in cond:
            entry.setdefault("ExpressionAttributeValues", {}).update(cond["ExpressionAttributeValues"])
    return {"Update": entry}


def transact_condition_check(table_name: str, key: dict[str, Any], condition: Any) -> dict[str, Any]:
    return {"ConditionCheck": {"TableName": table_name, "Key": key, **condition_args(condition)}}


def transact_delete(table_name: str, key: dict[str, Any], condition: Any = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"TableName": table_name, "Key": key}
    if condition is not None:
        entry.update(condition_args(condition))
    return {"Delete": entry}
