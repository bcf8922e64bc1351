"""The unit of work: the repositories of one operation, and the one commit that writes its changes.

A service loads aggregates through `uow.permits`, `uow.payments`, `uow.accounts`, ...; calls their
methods (the county's rules); hands them back (`uow.permits.save(permit)`), which turns the change
into write actions; and calls `uow.commit()`. The commit writes every action of the operation as
one conditional `TransactWriteItems` (a single write when there is one), within DynamoDB's limits
(100 actions, 4 MB: past them the operation is refused, `TooManyChanges`, never split in half).

Concurrency is optimistic: every aggregate root carries a `version`; a save is conditioned on the
version it was read at and increments it, and every change to any part of an aggregate (a fee, an
inspection) rewrites its root. Two operations on one aggregate therefore cannot both land: the
second gets `StaleRecord` (409 `changed-meanwhile`) and nothing of it is written. A transaction
that merely collided with another in flight (`TransactionConflict`) is retried a few times.

The same class runs over DynamoDB (`DynamoItems`) and over a dict (`MemoryItems`, the service tests).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from chalicelib.domain.errors import StaleRecord, TooManyChanges
from chalicelib.store.items import (
    TRANSACTION_BYTES,
    TRANSACTION_LIMIT,
    Action,
    ConditionFailed,
    Delete,
    Item,
    ItemStore,
    Put,
    Update,
    absent,
    action_key,
    action_size,
    at_version,
)

if TYPE_CHECKING:
    from chalicelib.store.accounts import AccountRepository
    from chalicelib.store.activity import ActivityRepository
    from chalicelib.store.audit import AuditRepository
    from chalicelib.store.map_index import MapIndex
    from chalicelib.store.notices import NoticeRepository
    from chalicelib.store.payments import CartRepository, PaymentRepository
    from chalicelib.store.permits import PermitRepository
    from chalicelib.store.projects import ProjectRepository
    from chalicelib.store.properties import PropertyRepository

CONFLICT_RETRIES = 3
"""Attempts of one commit that collided with another transaction in flight (not a failed condition)."""

ItemKey = tuple[str, str]


def item_key(item: Item) -> ItemKey:
    return str(item["PK"]), str(item["SK"])


def _comparable(item: Item, *, without: Iterable[str] = ()) -> Item:
    from chalicelib.store.items import _normalise

    skip = set(without)
    return {k: _normalise(v) for k, v in item.items() if k not in skip and v is not None}


def aggregate_changes(before: dict[ItemKey, Item], after: list[Item], root: ItemKey) -> list[Action]:
    """The actions that turn an aggregate's items as read (`before`) into `after`.

    New items are created (never overwriting), changed ones replaced, vanished ones deleted; the root
    is rewritten at the next version, conditioned on the one read, whenever anything changed — the
    only condition needed, since nobody changes a part of the aggregate without its root.
    """
    wanted = {item_key(i): i for i in after}
    actions: list[Action] = []
    for key, item in wanted.items():
        if key == root:
            continue
        old = before.get(key)
        if old is None or _comparable(old) != _comparable(item):
            actions.append(Put(item))
    actions += [Delete({"PK": k[0], "SK": k[1]}) for k in before if k not in wanted and k != root]
    root_item = dict(wanted[root])
    old_root = before.get(root)
    if old_root is None:
        root_item["version"] = 1
        return [Put(root_item, absent()), *actions]
    version = int(old_root.get("version", 0) or 0)
    old, new = _comparable(old_root, without=("version",)), _comparable(root_item, without=("version",))
    if not actions and old == new:
        return []
    # The root is updated in place (only what changed), so its write is as small as the change.
    changed = {k: root_item[k] for k, v in new.items() if old.get(k) != v}
    gone = tuple(k for k in old if k not in new and k not in ("PK", "SK"))
    return [Update(item_key_dict(root), set={**changed, "version": version + 1}, remove=gone,
                   cond=at_version(version)), *actions]


def item_key_dict(key: ItemKey) -> dict[str, str]:
    return {"PK": key[0], "SK": key[1]}


def _check_fits(actions: list[Action], extra: int = 0) -> None:
    count = len(actions) + extra
    if count > TRANSACTION_LIMIT:
        raise TooManyChanges(f"This would change {count} records at once; at most {TRANSACTION_LIMIT} can "
                             "change together. Do it in smaller parts.")
    if sum(action_size(a) for a in actions) > TRANSACTION_BYTES:
        raise TooManyChanges("This would write more than 4 MB at once. Do it in smaller parts.")


class UnitOfWork:
    """One operation's repositories and pending writes. Not shared between requests or threads."""

    def __init__(self, items: ItemStore) -> None:
        self.items = items
        self._pending: list[Action] = []
        self.loaded: dict[Any, dict[ItemKey, Item]] = {}
        """Items as read, per aggregate (repository's key), so a save writes only what changed."""

    # --- repositories (imported lazily: each pulls in its mapping module) ---------------------

    @cached_property
    def permits(self) -> PermitRepository:
        from chalicelib.store.permits import PermitRepository

        return PermitRepository(self)

    @cached_property
    def payments(self) -> PaymentRepository:
        from chalicelib.store.payments import PaymentRepository

        return PaymentRepository(self)

    @cached_property
    def cart(self) -> CartRepository:
        from chalicelib.store.payments import CartRepository

        return CartRepository(self)

    @cached_property
    def accounts(self) -> AccountRepository:
        from chalicelib.store.accounts import AccountRepository

        return AccountRepository(self)

    @cached_property
    def audit(self) -> AuditRepository:
        from chalicelib.store.audit import AuditRepository

        return AuditRepository(self)

    @cached_property
    def activity(self) -> ActivityRepository:
        from chalicelib.store.activity import ActivityRepository

        return ActivityRepository(self)

    @cached_property
    def notices(self) -> NoticeRepository:
        from chalicelib.store.notices import NoticeRepository

        return NoticeRepository(self)

    @cached_property
    def properties(self) -> PropertyRepository:
        from chalicelib.store.properties import PropertyRepository

        return PropertyRepository(self)

    @cached_property
    def map(self) -> MapIndex:
        from chalicelib.store.map_index import MapIndex

        return MapIndex(self)

    @cached_property
    def projects(self) -> ProjectRepository:
        from chalicelib.store.projects import ProjectRepository

        return ProjectRepository(self)

    # --- writes --------------------------------------------------------------------------------

    def add(self, *actions: Action) -> None:
        self._pending.extend(actions)

    @property
    def pending(self) -> int:
        return len(self._pending)

    def rollback(self) -> None:
        self._pending.clear()

    def check_fits(self, extra: int = 0) -> None:
        """TooManyChanges when the pending writes (plus `extra` still to come) cannot be one transaction."""
        _check_fits(self._pending, extra)

    def commit_unless_stale(self) -> bool:
        """`commit`, answering False (nothing written) instead of raising when what was read changed:
        for callers that leave such a record to a later run, or take a conflict as "already there"."""
        try:
            self.commit()
        except StaleRecord:
            return False
        return True

    def commit(self) -> None:
        """Write every pending action together, or none: StaleRecord when a condition fails."""
        actions, self._pending = self._pending, []
        if not actions:
            return
        _check_fits(actions)
        keys = [action_key(a) for a in actions]
        if len(set(keys)) != len(keys):  # DynamoDB refuses two actions on one item in a transaction
            raise ValueError(f"one operation writes an item twice: {sorted(k for k in keys if keys.count(k) > 1)}")
        for attempt in range(CONFLICT_RETRIES):
            try:
                self.items.write(actions)
                break
            except ConditionFailed as failed:
                if failed.conflicted and attempt + 1 < CONFLICT_RETRIES:
                    time.sleep(0.02 * 2**attempt)
                    continue
                error = StaleRecord("The record changed while this request was working on it; nothing was "
                                    "changed. Read it again and retry.")
                error.reasons = failed.reasons  # type: ignore[attr-defined]
                raise error from None
