"""The in-memory item store behaves as DynamoDB does for everything the repositories use.

Each test runs twice: on `DynamoItems` over moto (held to AWS's rules by tests/aws_rules.py) and on
`MemoryItems`, the service tests' store. If the two ever disagree, the fast tests would prove nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chalicelib.domain.errors import StaleRecord, TooManyChanges
from chalicelib.store.items import (
    Check,
    ConditionFailed,
    Delete,
    DynamoItems,
    MemoryItems,
    Put,
    Update,
    absent,
    at_version,
    eq,
    exists,
    lt,
    not_exists,
    present,
    query_all,
)
from chalicelib.store.unit_of_work import UnitOfWork, aggregate_changes


@pytest.fixture(params=["dynamodb", "memory"])
def store(request: Any) -> Any:
    if request.param == "memory":
        return MemoryItems()
    request.getfixturevalue("aws")
    from chalicelib import bootstrap

    return DynamoItems(bootstrap.table())


def item(pk: str, sk: str, **attrs: Any) -> dict[str, Any]:
    return {"PK": pk, "SK": sk, **attrs}


def test_a_put_on_absent_creates_once(store: Any) -> None:
    store.write([Put(item("A", "1", n=1), absent())])
    with pytest.raises(ConditionFailed):
        store.write([Put(item("A", "1", n=2), absent())])
    assert store.get({"PK": "A", "SK": "1"})["n"] == Decimal(1)  # numbers come back as Decimal


def test_a_transaction_writes_all_or_nothing(store: Any) -> None:
    store.write([Put(item("A", "1", version=1))])
    with pytest.raises(ConditionFailed) as failed:
        store.write([Put(item("A", "2")), Put(item("A", "1", version=2), at_version(5))])
    assert failed.value.reasons == ["None", "ConditionalCheckFailed"]
    assert store.get({"PK": "A", "SK": "2"}) is None
    with pytest.raises(ConditionFailed):
        store.write([Put(item("A", "2")), Check({"PK": "A", "SK": "9"}, present())])
    store.write([Put(item("A", "2")), Put(item("A", "1", version=2), at_version(1)),
                 Check({"PK": "A", "SK": "9"}, absent())])
    assert store.get({"PK": "A", "SK": "1"})["version"] == 2


def test_an_unversioned_item_is_at_version_zero(store: Any) -> None:
    store.write([Put(item("A", "1"))])
    store.write([Put(item("A", "1", version=1), at_version(0))])
    with pytest.raises(ConditionFailed):
        store.write([Put(item("A", "1", version=1), at_version(0))])


def test_updates_set_remove_add_and_return_what_they_set(store: Any) -> None:
    store.write([Put(item("A", "1", gone="x", kept="y"))])
    new = store.update(Update({"PK": "A", "SK": "1"}, set={"name": "n"}, remove=("gone",), add={"count": 2}),
                       return_new=True)
    assert new == {"name": "n", "count": 2}
    got = store.get({"PK": "A", "SK": "1"})
    assert "gone" not in got and got["kept"] == "y"
    with pytest.raises(ConditionFailed):
        store.update(Update({"PK": "A", "SK": "1"}, add={"count": 1}, cond=lt("count", 2)))
    store.update(Update({"PK": "B", "SK": "1"}, add={"count": 1}, cond=not_exists("count") | lt("count", 1)))
    assert store.get({"PK": "B", "SK": "1"})["count"] == 1


def test_deletes_and_conditions_on_missing_attributes(store: Any) -> None:
    store.write([Put(item("A", "1", status="DUE"))])
    with pytest.raises(ConditionFailed):
        store.write([Delete({"PK": "A", "SK": "1"}, eq("status", "PAID"))])
    with pytest.raises(ConditionFailed):
        store.write([Delete({"PK": "A", "SK": "1"}, exists("held_by"))])
    store.write([Delete({"PK": "A", "SK": "1"}, eq("status", "DUE") & not_exists("held_by"))])
    assert store.get({"PK": "A", "SK": "1"}) is None


def test_queries_by_prefix_bound_index_order_and_pages(store: Any) -> None:
    store.put_many([item("P", f"K#{n:02d}", GSI1PK="G", GSI1SK=f"S#{n:02d}") for n in range(1, 8)]
                   + [item("P", "OTHER", GSI1PK="G", GSI1SK="T#1"), item("Q", "K#01")])
    assert [i["SK"] for i in query_all(store, "P", sk_prefix="K#")] == [f"K#{n:02d}" for n in range(1, 8)]
    assert [i["SK"] for i in query_all(store, "P", sk_below="K#03")] == ["K#01", "K#02"]
    assert [i["GSI1SK"] for i in query_all(store, "G", index="GSI1", sk_prefix="S#", forward=False)][:2] == [
        "S#07", "S#06"]
    first = store.query("G", index="GSI1", sk_prefix="S#", limit=3)
    assert [i["GSI1SK"] for i in first.items] == ["S#01", "S#02", "S#03"] and first.next_key
    second = store.query("G", index="GSI1", sk_prefix="S#", limit=3, start=first.next_key)
    assert [i["GSI1SK"] for i in second.items] == ["S#04", "S#05", "S#06"]


def test_floats_are_refused_as_dynamodb_refuses_them(store: Any) -> None:
    with pytest.raises(TypeError):
        store.write([Put(item("A", "1", amount=1.5))])


def test_the_unit_of_work_commits_together_and_reports_a_stale_read(store: Any) -> None:
    store.write([Put(item("A", "ROOT", version=1, name="a"))])
    uow = UnitOfWork(store)
    before = {("A", "ROOT"): store.get({"PK": "A", "SK": "ROOT"})}
    uow.add(*aggregate_changes(before, [item("A", "ROOT", name="b"), item("A", "PART", x="1")], ("A", "ROOT")))
    store.write([Put(item("A", "ROOT", version=2, name="c"))])  # someone else got there first
    with pytest.raises(StaleRecord):
        uow.commit()
    assert store.get({"PK": "A", "SK": "PART"}) is None and store.get({"PK": "A", "SK": "ROOT"})["name"] == "c"


def test_the_unit_of_work_refuses_more_than_one_transaction_holds(store: Any) -> None:
    uow = UnitOfWork(store)
    uow.add(*[Put(item("A", f"{n:03d}")) for n in range(101)])
    with pytest.raises(TooManyChanges):
        uow.commit()
    assert store.get({"PK": "A", "SK": "000"}) is None


def test_an_unchanged_aggregate_writes_nothing() -> None:
    root = item("A", "ROOT", version=3, name="a", amount=Decimal("1.00"))
    assert aggregate_changes({("A", "ROOT"): root}, [item("A", "ROOT", version=3, name="a", amount=Decimal("1.00"))],
                             ("A", "ROOT")) == []
