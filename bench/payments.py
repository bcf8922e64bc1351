"""Cart, checkout and the payment callback: DynamoDB requests per call."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bench.counting import Row, call, counting, portal

PASSWORD = "Build2Last"
GUIDE_FEES = (("MECHANICAL PERMIT", "96.00"), ("PLAN REVIEW FEE BALANCE", "65.08"), ("BUILDING PERMIT FEE", "650.75"),
              ("PLANNING", "35.00"), ("RES/GAR/ADD PARTIAL PLAN REVIEW FEE", "130.15"),
              ("FIRE DISTRICT INSPECTION FEE", "47.00"))



def _seed_permit(table: Any, contractor_id: str, permit_no: str, fees: Any) -> None:
    from chalicelib.domain.fee_lines import FeeLine
    from chalicelib.store.fees import fee_item

    table.put_item(Item={"PK": f"PERMIT#{permit_no}", "SK": "PERMIT", "GSI1PK": f"CONTRACTOR#{contractor_id}",
                         "GSI1SK": f"PERMIT#{permit_no}", "permit_no": permit_no, "contractor_id": contractor_id,
                         "address": "1968 E DODD RD", "type": "RESIDENTIAL", "status": "READY TO ISSUE"})
    for index, (description, amount) in enumerate(fees):
        line = FeeLine(f"{permit_no}-F{index:02d}", permit_no, contractor_id, description, Decimal(amount))
        table.put_item(Item=fee_item(line, datetime(2026, 11, 1, tzinfo=UTC)))


def run() -> list[Row]:
    from chalicelib import bootstrap
    from chalicelib.payments.provider import build_callback_body
    from chalicelib.payments.signature import sign
    from chalicelib.services.accounts import NewContractor

    rows = []
    with portal() as (client, table, clock):
        accounts = bootstrap.accounts()
        contractor_id, pin = accounts.register_contractor(NewContractor("RICH CONTRACTOR", "AEC0119", "r@example.com"))
        token = call(client, "POST", "/auth/login", {"contractor_id": contractor_id, "password": pin})["token"]
        token = call(client, "POST", "/auth/setup", {
            "security_question": "CAR", "secret_answer": "Corvette", "secret_answer_confirm": "Corvette",
            "password": PASSWORD, "password_confirm": PASSWORD}, token)["token"]
        _seed_permit(table, contractor_id, "RES16-0688", GUIDE_FEES)
        for i in range(9):  # a busier contractor: ten permits with fees
            _seed_permit(table, contractor_id, f"RES16-07{i:02d}", [("BUILDING PERMIT FEE", "65.00")])

        with counting(table) as tally:
            call(client, "POST", "/cart/items", {"permit_no": "RES16-0688"}, token)
        rows.append(Row("payments", "POST /cart/items", tally,
                        goal="session + permit Query + Put + cart reads + newest payments (in progress)"))
        with counting(table) as tally:
            call(client, "GET", "/cart", token=token)
        rows.append(Row("payments", "GET /cart", tally,
                        goal="session GetItem + cart Query + GSI1 Query + newest payments (in progress)"))
        with counting(table) as tally:
            call(client, "GET", "/checkout/summary?payment_method=credit_card", token=token)
        rows.append(Row("payments", "GET /checkout/summary (6 fees)", tally, goal="session GetItem + at most 2 reads"))
        with counting(table) as tally:
            payment = call(client, "POST", "/checkout", {"payment_method": "credit_card"}, token)
        rows.append(Row("payments", "POST /checkout (6 fees)", tally, goal="session GetItem + 2 reads + 1 transaction"))

        raw = build_callback_body(payment["payment_id"], "approved", "TX-BENCH", Decimal(payment["total_due"]))
        header = sign(bootstrap.settings().payment_webhook_secret, raw, int(clock.now().timestamp()))
        with counting(table) as tally:
            call(client, "POST", "/payments/callback", raw=raw, headers={"X-Payment-Signature": header})
        rows.append(Row("payments", "POST /payments/callback (approved, 6 fees)", tally,
                        goal="1 read + 1 transaction; then mail: account, permit, users Queries, 2 outbox Puts"))
        with counting(table) as tally:
            call(client, "POST", "/payments/callback", raw=raw, headers={"X-Payment-Signature": header})
        rows.append(Row("payments", "POST /payments/callback (replay)", tally, goal="1 read, no write"))

        with counting(table) as tally:
            call(client, "POST", "/cart/pay-all", token=token)
        rows.append(Row("payments", "POST /cart/pay-all (9 permits due)", tally,
                        goal="session + GSI1 Query + batch write + cart Query + newest payments"))
        with counting(table) as tally:
            payment = call(client, "POST", "/checkout", {"payment_method": "echeck"}, token)
        rows.append(Row("payments", "POST /checkout (9 permits)", tally,
                        goal="session GetItem + 2 reads + 1 transaction"))
        raw = build_callback_body(payment["payment_id"], "declined", None, Decimal(payment["total_due"]))
        header = sign(bootstrap.settings().payment_webhook_secret, raw, int(clock.now().timestamp()))
        with counting(table) as tally:
            call(client, "POST", "/payments/callback", raw=raw, headers={"X-Payment-Signature": header})
        rows.append(Row("payments", "POST /payments/callback (declined)", tally, goal="1 read + 1 transaction"))
        with counting(table) as tally:
            call(client, "GET", "/payments", token=token)
        rows.append(Row("payments", "GET /payments", tally, goal="session GetItem + 1 Query on GSI1"))
        with counting(table) as tally:
            call(client, "GET", f"/payments/{payment['payment_id']}", token=token)
        rows.append(Row("payments", "GET /payments/{id}", tally, goal="session GetItem + 1 Query"))
    return rows
