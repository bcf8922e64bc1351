"""The item store: the one narrow port between the repositories and DynamoDB.

Repositories speak in items (dicts with `PK`/`SK` and index attributes), conditions and write
actions; two implementations carry them out:

- `DynamoItems`: the portal's table through boto3 (conditions rendered with boto3's builders,
  several actions as one `TransactWriteItems`);
- `MemoryItems`: a dict with the same key schema, indexes and transaction semantics, for the
  service tests (milliseconds, no moto). It keeps DynamoDB's rules that matter to our code: numbers
  come back as `Decimal`, floats are refused, every condition of a transaction is checked before
  anything is written, and one transaction touches an item once.

Conditions are a small tree (`Cond`) rather than boto3's `Attr`, so that both can evaluate them.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from chalicelib.domain.errors import TemporarilyUnavailable

Item = dict[str, Any]
Key = dict[str, str]

TRANSACTION_LIMIT = 100
"""DynamoDB's limit on actions in one TransactWriteItems."""
TRANSACTION_BYTES = 4 * 1024 * 1024
"""DynamoDB's limit on one transaction's total size."""
BATCH_GET_LIMIT = 100
BATCH_WRITE_LIMIT = 25

#: The table's indexes: name → (partition attribute, sort attribute).
INDEXES: Mapping[str, tuple[str, str]] = {"GSI1": ("GSI1PK", "GSI1SK"), "GSI2": ("GSI2PK", "GSI2SK"),
                                          "GSI3": ("GSI3PK", "GSI3SK"), "GSI4": ("GSI4PK", "GSI4SK"),
                                          "GSI5": ("GSI5PK", "GSI5SK")}


# --- conditions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cond:
    """A condition on one item's attributes: `op` over `attr` and `value`, or `and`/`or` of `parts`."""

    op: str
    attr: str = ""
    value: Any = None
    parts: tuple[Cond, ...] = ()

    def __and__(self, other: Cond) -> Cond:
        return Cond("and", parts=(self, other))

    def __or__(self, other: Cond) -> Cond:
        return Cond("or", parts=(self, other))


def exists(attr: str) -> Cond:
    return Cond("exists", attr)


def not_exists(attr: str) -> Cond:
    return Cond("not_exists", attr)


def eq(attr: str, value: Any) -> Cond:
    return Cond("eq", attr, value)


def ne(attr: str, value: Any) -> Cond:
    return Cond("ne", attr, value)


def lt(attr: str, value: Any) -> Cond:
    return Cond("lt", attr, value)


def lte(attr: str, value: Any) -> Cond:
    return Cond("lte", attr, value)


def absent() -> Cond:
    """The item does not exist (a Put that creates, never overwrites)."""
    return not_exists("PK")


def present() -> Cond:
    """The item exists (an Update that never creates)."""
    return exists("PK")


def at_version(version: int) -> Cond:
    """Optimistic concurrency: the item is still at the version it was read at (0: never versioned)."""
    return eq("version", version) if version else not_exists("version") | eq("version", 0)


# --- write actions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Put:
    item: Item
    cond: Cond | None = None

    @property
    def key(self) -> Key:
        return {"PK": self.item["PK"], "SK": self.item["SK"]}


@dataclass(frozen=True)
class Update:
    """SET `set` (a None value is a REMOVE), REMOVE `remove`, ADD `add` (numbers) on one item."""

    key: Key
    set: Mapping[str, Any] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    add: Mapping[str, Any] = field(default_factory=dict)
    cond: Cond | None = None


@dataclass(frozen=True)
class Delete:
    key: Key
    cond: Cond | None = None


@dataclass(frozen=True)
class Check:
    key: Key
    cond: Cond


Action = Put | Update | Delete | Check


class ConditionFailed(Exception):
    """A write's condition did not hold (or a transaction conflicted); nothing was written.

    `reasons`: one code per action of a transaction, in order ("ConditionalCheckFailed", "None",
    "TransactionConflict"), when known.
    """

    def __init__(self, reasons: list[str] | None = None) -> None:
        self.reasons = reasons or []
        super().__init__(", ".join(self.reasons) or "condition failed")

    @property
    def conflicted(self) -> bool:
        """Another transaction was working on an item: worth trying the same write again."""
        return "TransactionConflict" in self.reasons and "ConditionalCheckFailed" not in self.reasons


@dataclass(frozen=True)
class Page:
    items: list[Item]
    next_key: Key | None


class ItemStore(Protocol):
    """What a repository needs from the table."""

    def get(self, key: Key, consistent: bool = True) -> Item | None: ...

    def get_many(self, keys: list[Key], consistent: bool = True) -> list[Item]: ...

    def query(self, pk: str, *, index: str | None = None, sk_prefix: str | None = None,
              sk_below: str | None = None, sk_from: str | None = None, forward: bool = True,
              limit: int | None = None, start: Key | None = None, consistent: bool = False) -> Page: ...

    def update(self, action: Update, return_new: bool = False) -> Item | None: ...

    def update_returning_item(self, action: Update) -> Item: ...

    def write(self, actions: list[Action]) -> None: ...

    def put_many(self, items: list[Item]) -> None: ...

    def delete_many(self, keys: list[Key]) -> None: ...


def _one_range(*bounds: str | None) -> None:
    if sum(b is not None for b in bounds) > 1:
        raise ValueError("a query takes one sort-key condition: a prefix, an upper or a lower bound")


def query_all(store: ItemStore, pk: str, **kwargs: Any) -> list[Item]:
    """Every page of a query (one request while the result fits in DynamoDB's 1 MB page)."""
    items: list[Item] = []
    start: Key | None = None
    while True:
        page = store.query(pk, start=start, **kwargs)
        items.extend(page.items)
        if page.next_key is None:
            return items
        start = page.next_key


def query_pages(store: ItemStore, pk: str, **kwargs: Any) -> Iterator[Item]:
    """The items of a query, page by page, for callers that may stop early (the daily job)."""
    start: Key | None = None
    while True:
        page = store.query(pk, start=start, **kwargs)
        yield from page.items
        if page.next_key is None:
            return
        start = page.next_key


def chunked(items: list[Any], size: int) -> Iterable[list[Any]]:
    if size < 1:
        raise ValueError("size must be positive")
    for begin in range(0, len(items), size):
        yield items[begin : begin + size]


def item_size(item: Mapping[str, Any]) -> int:
    """An upper estimate of an item's size as DynamoDB counts it (names + values, UTF-8)."""
    total = 0
    for name, value in item.items():
        total += len(name.encode()) + _value_size(value)
    return total


def _value_size(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int | Decimal):
        return 21
    if isinstance(value, bytes):
        return len(value)
    if isinstance(value, Mapping):
        return 3 + sum(len(str(k).encode()) + _value_size(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return 3 + sum(_value_size(v) + 1 for v in value)
    return len(str(value).encode())


def action_size(action: Action) -> int:
    if isinstance(action, Put):
        return item_size(action.item)
    if isinstance(action, Update):
        return item_size(action.key) + item_size(dict(action.set)) + item_size(dict(action.add))
    return item_size(action.key)


def action_key(action: Action) -> tuple[str, str]:
    key = action.key
    return key["PK"], key["SK"]


# --- DynamoDB ------------------------------------------------------------------------------------


def _attr_condition(cond: Cond) -> Any:
    from boto3.dynamodb.conditions import Attr

    if cond.op == "and":
        result = _attr_condition(cond.parts[0])
        for part in cond.parts[1:]:
            result = result & _attr_condition(part)
        return result
    if cond.op == "or":
        result = _attr_condition(cond.parts[0])
        for part in cond.parts[1:]:
            result = result | _attr_condition(part)
        return result
    attr = Attr(cond.attr)
    if cond.op == "exists":
        return attr.exists()
    if cond.op == "not_exists":
        return attr.not_exists()
    return getattr(attr, cond.op)(cond.value)


def _condition_args(cond: Cond) -> dict[str, Any]:
    from boto3.dynamodb.conditions import ConditionExpressionBuilder

    built = ConditionExpressionBuilder().build_expression(_attr_condition(cond))
    args: dict[str, Any] = {"ConditionExpression": built.condition_expression}
    if built.attribute_name_placeholders:
        args["ExpressionAttributeNames"] = dict(built.attribute_name_placeholders)
    if built.attribute_value_placeholders:
        args["ExpressionAttributeValues"] = dict(built.attribute_value_placeholders)
    return args


def _update_args(action: Update) -> dict[str, Any]:
    from chalicelib.store.expressions import update_args

    return update_args(set_=action.set, remove=action.remove, add=action.add)


def _merge(args: dict[str, Any], cond: Cond | None) -> dict[str, Any]:
    if cond is None:
        return args
    built = _condition_args(cond)
    args["ConditionExpression"] = built["ConditionExpression"]
    args.setdefault("ExpressionAttributeNames", {}).update(built.get("ExpressionAttributeNames", {}))
    if "ExpressionAttributeValues" in built:
        args.setdefault("ExpressionAttributeValues", {}).update(built["ExpressionAttributeValues"])
    if not args.get("ExpressionAttributeNames"):
        args.pop("ExpressionAttributeNames", None)
    return args


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


_REFUSALS = ("ConditionalCheckFailedException", "TransactionCanceledException", "TransactionConflictException")


class DynamoItems:
    """The portal's DynamoDB table."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.client = table.meta.client
        self.name = table.name

    def get(self, key: Key, consistent: bool = True) -> Item | None:
        return self.table.get_item(Key=key, ConsistentRead=consistent).get("Item")

    def get_many(self, keys: list[Key], consistent: bool = True) -> list[Item]:
        found: list[Item] = []
        for chunk in chunked(keys, BATCH_GET_LIMIT):
            request: dict[str, Any] = {self.name: {"Keys": chunk, "ConsistentRead": consistent}}
            for attempt in range(8):
                response = self.client.batch_get_item(RequestItems=request)
                found.extend(response.get("Responses", {}).get(self.name, []))
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
                time.sleep(min(0.05 * 2**attempt, 1.0))
            else:  # DynamoDB throttling the batch: a 503 the client may retry, not a 500
                raise TemporarilyUnavailable("The records are busy right now; try again in a moment.", 2)
        return found

    def query(self, pk: str, *, index: str | None = None, sk_prefix: str | None = None,
              sk_below: str | None = None, sk_from: str | None = None, forward: bool = True,
              limit: int | None = None, start: Key | None = None, consistent: bool = False) -> Page:
        from boto3.dynamodb.conditions import Key as KeyCond

        pk_name, sk_name = INDEXES[index] if index else ("PK", "SK")
        _one_range(sk_prefix, sk_below, sk_from)
        condition = KeyCond(pk_name).eq(pk)
        if sk_prefix is not None:
            condition = condition & KeyCond(sk_name).begins_with(sk_prefix)
        elif sk_below is not None:
            condition = condition & KeyCond(sk_name).lt(sk_below)
        elif sk_from is not None:
            condition = condition & KeyCond(sk_name).gte(sk_from)
        kwargs: dict[str, Any] = {"KeyConditionExpression": condition, "ScanIndexForward": forward}
        if index:
            kwargs["IndexName"] = index
        elif consistent:
            kwargs["ConsistentRead"] = True
        if limit is not None:
            kwargs["Limit"] = limit
        if start is not None:
            kwargs["ExclusiveStartKey"] = start
        response = self.table.query(**kwargs)
        return Page(response.get("Items", []), response.get("LastEvaluatedKey"))

    def update(self, action: Update, return_new: bool = False) -> Item | None:
        args = _merge(_update_args(action), action.cond)
        if return_new:
            args["ReturnValues"] = "UPDATED_NEW"
        try:
            response = self.table.update_item(Key=action.key, **args)
        except Exception as error:
            if _error_code(error) in _REFUSALS:
                raise ConditionFailed(["ConditionalCheckFailed"]) from error
            raise
        return response.get("Attributes") if return_new else None

    def update_returning_item(self, action: Update) -> Item:
        """One UpdateItem that answers with the whole item as written (ReturnValues ALL_NEW): a sign-in
        counts its attempt and reads the account in one request."""
        args = {**_merge(_update_args(action), action.cond), "ReturnValues": "ALL_NEW"}
        try:
            response = self.table.update_item(Key=action.key, **args)
        except Exception as error:
            if _error_code(error) in _REFUSALS:
                raise ConditionFailed(["ConditionalCheckFailed"]) from error
            raise
        return dict(response.get("Attributes") or {})

    def write(self, actions: list[Action]) -> None:
        if not actions:
            return
        try:
            if len(actions) == 1:
                self._single(actions[0])
            else:
                self.client.transact_write_items(TransactItems=[self._entry(a) for a in actions])
        except Exception as error:
            code = _error_code(error)
            if code not in _REFUSALS:
                raise
            if code == "ConditionalCheckFailedException":
                raise ConditionFailed(["ConditionalCheckFailed"]) from error
            if code == "TransactionConflictException":
                raise ConditionFailed(["TransactionConflict"]) from error
            reasons = [str(r.get("Code") or "None") for r in getattr(error, "response", {}).get(
                "CancellationReasons", []) or []]
            from chalicelib.store import dynamo

            if dynamo.is_transient(error):
                raise
            raise ConditionFailed(reasons) from error

    def _single(self, action: Action) -> None:
        if isinstance(action, Put):
            self.table.put_item(Item=action.item, **(_condition_args(action.cond) if action.cond else {}))
        elif isinstance(action, Update):
            self.update(action)
        elif isinstance(action, Delete):
            self.table.delete_item(Key=action.key, **(_condition_args(action.cond) if action.cond else {}))
        else:  # a lone ConditionCheck: a consistent read and the same test
            if not evaluate(action.cond, self.get(action.key)):
                raise ConditionFailed(["ConditionalCheckFailed"])

    def _entry(self, action: Action) -> dict[str, Any]:
        if isinstance(action, Put):
            entry: dict[str, Any] = {"TableName": self.name, "Item": action.item}
            return {"Put": _merge(entry, action.cond)}
        if isinstance(action, Update):
            return {"Update": _merge({"TableName": self.name, "Key": action.key, **_update_args(action)}, action.cond)}
        if isinstance(action, Delete):
            return {"Delete": _merge({"TableName": self.name, "Key": action.key}, action.cond)}
        return {"ConditionCheck": _merge({"TableName": self.name, "Key": action.key}, action.cond)}

    def put_many(self, items: list[Item]) -> None:
        with self.table.batch_writer() as writer:
            for item in items:
                writer.put_item(Item=item)

    def delete_many(self, keys: list[Key]) -> None:
        with self.table.batch_writer() as writer:
            for key in keys:
                writer.delete_item(Key=key)


# --- in memory -----------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None


def evaluate(cond: Cond | None, item: Item | None) -> bool:
    """Whether `cond` holds for `item` (None: no such item), as DynamoDB decides it."""
    if cond is None:
        return True
    if cond.op == "and":
        return all(evaluate(part, item) for part in cond.parts)
    if cond.op == "or":
        return any(evaluate(part, item) for part in cond.parts)
    value = (item or {}).get(cond.attr)
    if cond.op == "exists":
        return not _missing(value)
    if cond.op == "not_exists":
        return _missing(value)
    if _missing(value):
        return cond.op == "ne"
    other = _normalise(cond.value)
    if cond.op == "eq":
        return bool(value == other)
    if cond.op == "ne":
        return bool(value != other)
    if value is None or other is None or (
            type(value) is not type(other) and not (isinstance(value, Decimal) and isinstance(other, Decimal))):
        return False  # DynamoDB compares numbers with numbers and strings with strings only
    if cond.op == "lt":
        return bool(value < other)
    if cond.op == "lte":
        return bool(value <= other)
    raise ValueError(f"unknown condition {cond.op}")


def _normalise(value: Any) -> Any:
    """What DynamoDB stores: numbers as Decimal, no floats, no empty key strings."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        raise TypeError("Float types are not supported. Use Decimal types instead.")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Mapping):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    return value


class MemoryItems:
    """The table in a dict, for service tests: same keys, indexes, conditions and transactions."""

    name = "memory"

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Item] = {}
        self.requests: list[str] = []
        """Each request's operation name, as a test may count them."""

    # reads

    def get(self, key: Key, consistent: bool = True) -> Item | None:
        self.requests.append("GetItem")
        found = self.items.get((key["PK"], key["SK"]))
        return copy.deepcopy(found) if found is not None else None

    def get_many(self, keys: list[Key], consistent: bool = True) -> list[Item]:
        self.requests.append("BatchGetItem")
        return [copy.deepcopy(self.items[(k["PK"], k["SK"])]) for k in keys if (k["PK"], k["SK"]) in self.items]

    def query(self, pk: str, *, index: str | None = None, sk_prefix: str | None = None,
              sk_below: str | None = None, sk_from: str | None = None, forward: bool = True,
              limit: int | None = None, start: Key | None = None, consistent: bool = False) -> Page:
        self.requests.append("Query")
        pk_name, sk_name = INDEXES[index] if index else ("PK", "SK")
        _one_range(sk_prefix, sk_below, sk_from)
        found = []
        for item in self.items.values():
            if item.get(pk_name) != pk or sk_name not in item:
                continue
            sk = item[sk_name]
            if sk_prefix is not None and not sk.startswith(sk_prefix):
                continue
            if sk_below is not None and not sk < sk_below:
                continue
            if sk_from is not None and sk < sk_from:
                continue
            found.append(item)
        found.sort(key=lambda i: (i[sk_name], i["PK"], i["SK"]), reverse=not forward)
        if start is not None:
            marker = (start.get(sk_name, ""), start["PK"], start["SK"])
            found = [i for i in found if ((i[sk_name], i["PK"], i["SK"]) > marker if forward
                                          else (i[sk_name], i["PK"], i["SK"]) < marker)]
        next_key = None
        if limit is not None and len(found) > limit:
            found = found[:limit]
            last = found[-1]
            next_key = {"PK": last["PK"], "SK": last["SK"]}
            if index:
                next_key[pk_name], next_key[sk_name] = last[pk_name], last[sk_name]
        return Page([copy.deepcopy(i) for i in found], next_key)

    # writes

    def update(self, action: Update, return_new: bool = False) -> Item | None:
        self.requests.append("UpdateItem")
        current = self.items.get(action_key(action))
        if not evaluate(action.cond, current):
            raise ConditionFailed(["ConditionalCheckFailed"])
        changed = self._apply_update(action, current)
        self.items[action_key(action)] = changed
        if return_new:
            names = [k for k, v in action.set.items() if v is not None] + list(action.add)
            return {n: copy.deepcopy(changed[n]) for n in names if n in changed}
        return None

    def update_returning_item(self, action: Update) -> Item:
        self.update(action)
        return copy.deepcopy(self.items[action_key(action)])

    def write(self, actions: list[Action]) -> None:
        if not actions:
            return
        self.requests.append("TransactWriteItems" if len(actions) > 1 else type(actions[0]).__name__ + "Item")
        if len(actions) > TRANSACTION_LIMIT:
            raise ValueError(f"a transaction holds at most {TRANSACTION_LIMIT} actions, not {len(actions)}")
        touched = [action_key(a) for a in actions]
        if len(set(touched)) != len(touched):
            raise ValueError("a transaction cannot include more than one action on the same item")
        reasons = ["None" if evaluate(getattr(a, "cond", None), self.items.get(action_key(a)))
                   else "ConditionalCheckFailed" for a in actions]
        if "ConditionalCheckFailed" in reasons:
            raise ConditionFailed(reasons if len(actions) > 1 else ["ConditionalCheckFailed"])
        for action in actions:
            where = action_key(action)
            if isinstance(action, Put):
                self.items[where] = _normalise(copy.deepcopy(action.item))
            elif isinstance(action, Update):
                self.items[where] = self._apply_update(action, self.items.get(where))
            elif isinstance(action, Delete):
                self.items.pop(where, None)

    def put_many(self, items: list[Item]) -> None:
        self.requests.append("BatchWriteItem")
        for item in items:
            self.items[(item["PK"], item["SK"])] = _normalise(copy.deepcopy(item))

    def delete_many(self, keys: list[Key]) -> None:
        self.requests.append("BatchWriteItem")
        for key in keys:
            self.items.pop((key["PK"], key["SK"]), None)

    @staticmethod
    def _apply_update(action: Update, current: Item | None) -> Item:
        item = copy.deepcopy(current) if current is not None else dict(action.key)
        for name, value in action.set.items():
            if value is None:
                item.pop(name, None)
            else:
                item[name] = _normalise(copy.deepcopy(value))
        for name in action.remove:
            item.pop(name, None)
        for name, amount in action.add.items():
            item[name] = item.get(name, Decimal(0)) + _normalise(amount)
        return item
