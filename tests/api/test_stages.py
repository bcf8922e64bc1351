"""What each stage may do: the sandbox conveniences exist only where no real mail or money moves."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

STAGES = json.loads((Path(__file__).resolve().parents[2] / ".chalice" / "config.json").read_text())["stages"]


def test_only_the_local_stage_keeps_mail_in_the_sandbox_outbox():
    assert STAGES["local"]["environment_variables"]["NOTIFIER"] == "sandbox"
    for deployed in ("dev", "prod"):
        assert STAGES[deployed]["environment_variables"]["NOTIFIER"] == "ses", deployed


def test_production_never_runs_the_sandbox_payment_portal():
    assert STAGES["prod"]["environment_variables"]["PAYMENT_PROVIDER"] != "sandbox"


def test_deployed_stages_have_least_privilege_policies_with_no_scan():
    root = Path(__file__).resolve().parents[2] / ".chalice"
    for deployed in ("dev", "prod"):
        policy = json.loads((root / STAGES[deployed]["iam_policy_file"]).read_text())
        actions = {a for s in policy["Statement"] for a in s["Action"]}
        assert "dynamodb:Scan" not in actions and "dynamodb:*" not in actions
        assert "ses:SendEmail" in actions


def test_without_a_payment_portal_checkout_is_503_and_the_sandbox_route_404(api, contractor, table, monkeypatch):
    from chalicelib import bootstrap
    from chalicelib.config import get_settings
    from tests.conftest import seed_permit

    seed_permit(table, contractor["contractor_id"], "RES16-0688")
    assert api.post("/cart/items", {"permit_no": "RES16-0688"}, contractor["token"]).status_code == 200
    monkeypatch.setattr(bootstrap, "settings", lambda: replace(get_settings(), payment_provider="none"))
    response = api.post("/checkout", {"payment_method": "credit_card"}, contractor["token"])
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "not set up" in response.json_body["detail"]
    assert api.get("/cart", contractor["token"]).json_body["total_fees"] == "1023.98"  # nothing held
    assert api.post("/sandbox/payments/anything", {"outcome": "approved"}, contractor["token"]).status_code == 404
