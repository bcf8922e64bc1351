"""UpdateExpression building, in one tested place (used by `items.DynamoItems`).

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
