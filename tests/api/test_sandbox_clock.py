"""The sandbox's time travel: a browser journey reaches an inspection's day through PUT /sandbox/clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib import bootstrap
from chalicelib.clock import SystemClock


def test_the_sandbox_clock_moves_whole_days_ahead_and_back(api):
    try:
        moved = api.call("PUT", "/sandbox/clock", {"days": 3})
        assert moved.status_code == 200 and moved.json_body["days"] == 3
        ahead = bootstrap.clock().now() - datetime.now(UTC)
        assert timedelta(days=3) - timedelta(minutes=1) < ahead <= timedelta(days=3)
        assert api.call("PUT", "/sandbox/clock", {"days": -1}).status_code == 400
        assert api.call("PUT", "/sandbox/clock", {"days": 0}).status_code == 200
        assert isinstance(bootstrap.clock(), SystemClock)
    finally:
        bootstrap.use_clock(SystemClock())


def test_there_is_no_clock_to_move_outside_the_sandbox(api, monkeypatch):
    from chalicelib.config import Settings

    monkeypatch.setattr(Settings, "sandbox_mode", property(lambda self: False))
    assert api.call("PUT", "/sandbox/clock", {"days": 3}).status_code == 404
