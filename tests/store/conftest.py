"""Fixtures of the store tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from chalicelib.store.items import DynamoItems, MemoryItems
from chalicelib.store.unit_of_work import UnitOfWork


@pytest.fixture(params=["memory", "moto"])
def new_uow(request: Any) -> Iterator[Callable[[], UnitOfWork]]:
    """A fresh unit of work per call over one store: the dict, or moto's table."""
    if request.param == "memory":
        items: Any = MemoryItems()
    else:
        request.getfixturevalue("aws")
        from chalicelib import bootstrap

        items = DynamoItems(bootstrap.table())
    yield lambda: UnitOfWork(items)


