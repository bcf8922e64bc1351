"""Request checks for rules real DynamoDB enforces and moto does not, on every request the app makes.

`check_request` looks at one serialized DynamoDB request and returns what real DynamoDB would refuse
(or what the design forbids): reserved words used bare in an expression, expression names or values
that are not used (or used but not given), empty maps, one item twice in a transaction or a batch,
more than 100 transaction items / 25 batch writes / 100 batch reads, a consistent read on a GSI, and
any Scan by the portal (tests may scan to look).
`install(client)` raises AssertionError from a botocore `before-call` hook on the first one.
"""

from __future__ import annotations

import json
import re
import traceback
from pathlib import Path
from typing import Any

_EXPRESSIONS = ("ProjectionExpression", "KeyConditionExpression", "FilterExpression", "ConditionExpression",
                "UpdateExpression")
_GRAMMAR = {"SET", "REMOVE", "ADD", "DELETE", "AND", "OR", "NOT", "BETWEEN", "IN", "ATTRIBUTE_EXISTS",
            "ATTRIBUTE_NOT_EXISTS", "ATTRIBUTE_TYPE", "BEGINS_WITH", "CONTAINS", "SIZE", "IF_NOT_EXISTS",
            "LIST_APPEND"}


def _reserved() -> set[str]:
    import moto.dynamodb.parsing as parsing

    return set(Path(parsing.__file__).with_name("reserved_keywords.txt").read_text().split())


RESERVED = _reserved()


def _body(params: dict[str, Any]) -> dict[str, Any]:
    raw = params.get("body") or b"{}"
    return json.loads(raw.decode() if isinstance(raw, bytes) else raw)


def _key_of(entry: dict[str, Any]) -> tuple[str, str, str]:
    key = entry.get("Key") or {k: entry["Item"][k] for k in ("PK", "SK")}
    return entry["TableName"], json.dumps(key["PK"], sort_keys=True), json.dumps(key["SK"], sort_keys=True)


def _check_expressions(request: dict[str, Any], where: str) -> list[str]:
    problems = []
    text = " ".join(request[e] for e in _EXPRESSIONS if e in request)
    names, values = request.get("ExpressionAttributeNames"), request.get("ExpressionAttributeValues")
    for label, given in (("ExpressionAttributeNames", names), ("ExpressionAttributeValues", values)):
        if given is not None and not given:
            problems.append(f"{where}: empty {label}")
    used_names, used_values = set(re.findall(r"#\w+", text)), set(re.findall(r":\w+", text))
    for unused in sorted(set(names or {}) - used_names):
        problems.append(f"{where}: ExpressionAttributeNames {unused} unused")
    for unused in sorted(set(values or {}) - used_values):
        problems.append(f"{where}: ExpressionAttributeValues {unused} unused")
    for missing in sorted(used_names - set(names or {})):
        problems.append(f"{where}: {missing} used but not in ExpressionAttributeNames")
    for missing in sorted(used_values - set(values or {})):
        problems.append(f"{where}: {missing} used but not in ExpressionAttributeValues")
    for expression in _EXPRESSIONS:
        bare = re.sub(r"[#:]\w+", " ", request.get(expression, ""))
        for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", bare):
            if word.upper() in RESERVED and word.upper() not in _GRAMMAR:
                problems.append(f"{where}: reserved word {word!r} used bare in {expression}")
    return problems


def _from_the_app() -> bool:
    """Whether the portal's own code (not a test inspecting the table) is making the request."""
    return any("/chalicelib/" in frame.filename or frame.filename.endswith("/app.py")
               for frame in traceback.extract_stack())


def check_request(operation: str, body: dict[str, Any], from_app: bool = True) -> list[str]:
    problems: list[str] = []
    if operation == "Scan":
        return ["Scan: the portal never scans"] if from_app else []
    if operation == "Query" and body.get("IndexName") and body.get("ConsistentRead"):
        problems.append("Query: ConsistentRead on a global secondary index")
    if operation == "TransactWriteItems":
        items = body["TransactItems"]
        if not 0 < len(items) <= 100:
            problems.append(f"TransactWriteItems: {len(items)} items")
        seen = set()
        for index, item in enumerate(items):
            ((kind, entry),) = item.items()
            problems += _check_expressions(entry, f"TransactWriteItems[{index}] {kind}")
            key = _key_of(entry)
            if key in seen:
                problems.append(f"TransactWriteItems: one item twice {key}")
            seen.add(key)
    elif operation == "BatchWriteItem":
        for table, requests in body["RequestItems"].items():
            if not 0 < len(requests) <= 25:
                problems.append(f"BatchWriteItem: {len(requests)} requests")
            keys = [_key_of({"TableName": table, **(r.get("PutRequest") or r["DeleteRequest"])}) for r in requests]
            if len(set(keys)) != len(keys):
                problems.append("BatchWriteItem: one key twice")
    elif operation == "BatchGetItem":
        for table, request in body["RequestItems"].items():
            keys = [_key_of({"TableName": table, "Key": k}) for k in request["Keys"]]
            if not 0 < len(keys) <= 100:
                problems.append(f"BatchGetItem: {len(keys)} keys")
            if len(set(keys)) != len(keys):
                problems.append("BatchGetItem: one key twice")
            problems += _check_expressions(request, "BatchGetItem")
    else:
        problems += _check_expressions(body, operation)
    return problems


def _hook(params: dict[str, Any], model: Any, **_: Any) -> None:
    problems = check_request(model.name, _body(params), from_app=model.name != "Scan" or _from_the_app())
    if problems:
        raise AssertionError("real DynamoDB would refuse this request: " + "; ".join(problems))


def install(client: Any) -> None:
    client.meta.events.register("before-call.dynamodb", _hook, unique_id="aws-rules")


def uninstall(client: Any) -> None:
    client.meta.events.unregister("before-call.dynamodb", unique_id="aws-rules")
