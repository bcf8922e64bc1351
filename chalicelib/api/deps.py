"""Wiring: the store, clock, notifier and services a request uses, built from the settings.

The only place that knows how the pieces fit; tests swap the clock with `use_clock`.
"""

from __future__ import annotations

from typing import Any

from chalicelib.clock import Clock, SystemClock
from chalicelib.config import Settings, get_settings
from chalicelib.notifier import Notifier, OutboxNotifier, SesNotifier
from chalicelib.services.accounts import AccountService, AuthConfig
from chalicelib.services.profile import ProfileService
from chalicelib.store import dynamo
from chalicelib.store.accounts import AccountStore
from chalicelib.store.outbox import OutboxStore

_clock: Clock = SystemClock()


def use_clock(clock: Clock) -> None:
    """Tests travel in time through this."""
    global _clock
    _clock = clock


def clock() -> Clock:
    return _clock


def settings() -> Settings:
    return get_settings()


def table(s: Settings | None = None) -> Any:
    s = s or settings()
    return dynamo.table(s.table_name, s.dynamodb_endpoint, s.region)


def notifier(s: Settings | None = None) -> Notifier:
    s = s or settings()
    if s.notifier == "ses":
        import boto3

        return SesNotifier(boto3.client("ses", region_name=s.region), s.mail_from)
    return OutboxNotifier(OutboxStore(table(s)), clock())


def accounts() -> AccountService:
    s = settings()
    return AccountService(AccountStore(table(s)), clock(), notifier(s), AuthConfig.from_settings(s))


def profiles() -> ProfileService:
    return ProfileService(AccountStore(table()), clock())


def outbox() -> OutboxStore:
    return OutboxStore(table())
