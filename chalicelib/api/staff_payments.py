"""The back office's payments (duty `payments`): the list and the refund queue, one payment with its
lines, and a county day's payments as CSV for reconciliation with the payment portal's report."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from chalice import Blueprint, Response
from pydantic import Field

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import county_today, ok, parse_body, query_day, route
from chalicelib.api.paging import page_params
from chalicelib.api.schemas import Strict
from chalicelib.api.staff_notices import flag
from chalicelib.clock import rfc3339
from chalicelib.domain.accounts import StaffDuty
from chalicelib.domain.money import format_money
from chalicelib.services.staff_payments import PaymentRow

bp = Blueprint(__name__)


def payment_row(row: PaymentRow, now: datetime) -> dict[str, Any]:
    """A payment as the back office lists it (docs/back-office.md), plus its convenience fee and
    transaction id."""
    payment = row.payment
    view: dict[str, Any] = {
        "payment_id": payment.payment_id, "receipt_no": payment.receipt_no, "contractor_id": payment.contractor_id,
        "company_name": row.company_name, "status": payment.effective_status(now).value,
        "total_fees": format_money(payment.total_fees), "total_due": format_money(payment.total_due),
        "convenience_fee": format_money(payment.convenience_fee), "payment_method": payment.payment_method.value,
        "created_at": rfc3339(payment.created_at), "paid_at": rfc3339(payment.paid_at) if payment.paid_at else None,
        "transaction_id": payment.transaction_id, "permit_nos": payment.permit_nos,
        "refund_required": payment.refund_due,
    }
    if payment.refund_due:
        view["refund_amount"] = format_money(payment.refund_amount)
    if payment.refunds:
        view["refunds"] = [{"at": rfc3339(r.at), "by": r.by, "reference": r.reference,
                            "amount": format_money(r.amount)} for r in payment.refunds]
    return view


def payment_detail(row: PaymentRow, now: datetime) -> dict[str, Any]:
    """The row with every ledger line and the approvals kept for refund."""
    payment = row.payment
    return {
        **payment_row(row, now),
        "lines": [{"fee_id": line.fee_id, "permit_no": line.permit_no, "address": line.address,
                   "description": line.description, "amount": format_money(line.amount)} for line in payment.lines],
        "convenience_label": payment.convenience_label,
        "expires_at": rfc3339(payment.expires_at),
        "ended_at": rfc3339(payment.ended_at) if payment.ended_at else None,
        "unapplied_transactions": [{"transaction_id": u.transaction_id, "amount": format_money(u.amount),
                                    "received_at": rfc3339(u.received_at)} for u in payment.unapplied],
    }


@route(bp, "/staff/payments", methods=["GET"])
def list_payments() -> object:
    guard.staff(bp.current_request, StaffDuty.PAYMENTS)
    query: Mapping[str, str] = bp.current_request.query_params or {}
    limit, cursor = page_params(query)
    refund_required = flag(query, "refund_required") if "refund_required" in query else None
    page = bootstrap.staff_payments().page(limit, cursor, day=query_day(query), refund_required=refund_required)
    now = bootstrap.clock().now()
    return ok({"items": [payment_row(r, now) for r in page.rows], "next_cursor": page.next_cursor})


CSV_COLUMNS = ("receipt_no", "payment_id", "created_at", "paid_at", "contractor_id", "company_name", "permit_nos",
               "payment_method", "total_fees", "convenience_fee", "total_due", "status", "transaction_id",
               "refund_required", "refund_amount")


def _cell(value: object) -> str:
    """Text a spreadsheet shows as it is: a value starting = + - @ (a formula) is quoted with '."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _local(at: datetime | None, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if at else ""


def payments_csv(rows: list[PaymentRow], now: datetime, zone: ZoneInfo) -> str:
    """One line per payment: money exact (two decimals, from Decimal), times on the county's clock."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        view = payment_row(row, now)
        view.update(created_at=_local(row.payment.created_at, zone), paid_at=_local(row.payment.paid_at, zone),
                    permit_nos=" ".join(row.payment.permit_nos),
                    refund_required="yes" if row.payment.refund_due else "no")
        writer.writerow([_cell(view.get(column)) for column in CSV_COLUMNS])
    return out.getvalue()


@route(bp, "/staff/payments/export", methods=["GET"])
def export_payments() -> object:
    guard.staff(bp.current_request, StaffDuty.PAYMENTS)
    query: Mapping[str, str] = bp.current_request.query_params or {}
    service = bootstrap.staff_payments()
    day = query_day(query) or county_today()
    body = payments_csv(service.of_day(day), bootstrap.clock().now(), service.time_zone)
    return Response(body=body, status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="payments-{day.isoformat()}.csv"',
        "Cache-Control": "no-store"})


@route(bp, "/staff/payments/{payment_id}", methods=["GET"])
def get_payment(payment_id: str) -> object:
    guard.staff(bp.current_request, StaffDuty.PAYMENTS)
    return ok(payment_detail(bootstrap.staff_payments().detail(payment_id), bootstrap.clock().now()))


class RefundBody(Strict):
    reference: str = Field(min_length=1, max_length=80)  # the payment portal's refund reference


@route(bp, "/staff/payments/{payment_id}/refund", methods=["POST"])
def record_refund(payment_id: str) -> object:
    """A supervisor records the refund given back through the payment portal (duty `refunds`)."""
    actor = guard.staff(bp.current_request, StaffDuty.REFUNDS).principal_id
    body = parse_body(bp.current_request, RefundBody)
    row = bootstrap.staff_payments(actor).record_refund(payment_id, body.reference)
    return ok(payment_detail(row, bootstrap.clock().now()))
