"""The back office's payments (docs/back-office.md, "Lists"): every payment newest first, a county day's,
the refund-required queue, one payment with its ledger lines, and a day's payments for reconciliation.

Reads only (nothing here changes a payment): Queries of the payment indexes (store/payments.py) and
one BatchGetItem of the companies a page names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from chalicelib.clock import Clock, rfc3339
from chalicelib.domain.accounts import Company
from chalicelib.domain.audit import AuditAction, AuditEntry, subject
from chalicelib.domain.errors import NotFound, StaleRecord
from chalicelib.domain.money import format_money
from chalicelib.domain.payments import Payment

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class PaymentRow:
    payment: Payment
    company: Company | None

    @property
    def company_name(self) -> str:
        return self.company.company_name if self.company else ""


@dataclass(frozen=True)
class PaymentRows:
    rows: list[PaymentRow]
    next_cursor: str | None


class StaffPaymentService:
    def __init__(self, uow: UnitOfWork, clock: Clock, time_zone: ZoneInfo, *, actor: str = "") -> None:
        self.uow = uow
        self.clock = clock
        self.time_zone = time_zone
        self.actor = actor

    def day_range(self, day: date) -> tuple[str, str]:
        """A county day as the instants (RFC 3339 UTC) the payment list is sorted by: [midnight, next midnight)."""
        start = datetime.combine(day, time(0), tzinfo=self.time_zone).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.time_zone).astimezone(UTC)
        return rfc3339(start), rfc3339(end)

    def page(self, limit: int, cursor: str | None = None, *, day: date | None = None,
             refund_required: bool | None = None) -> PaymentRows:
        """A page, newest first: the refund-required queue (`refund_required=True`), or every payment
        (a county `day`'s when given). The day of the queue, and `refund_required=False`, are applied
        to the page read."""
        if refund_required:
            payments, next_cursor = self.uow.payments.refunds_required(limit, cursor)
            if day is not None:
                since, before = self.day_range(day)
                payments = [p for p in payments if since <= rfc3339(p.created_at) < before]
        else:
            bounds: tuple[str | None, str | None] = self.day_range(day) if day is not None else (None, None)
            payments, next_cursor = self.uow.payments.newest(limit, cursor, since=bounds[0], before=bounds[1])
            if refund_required is False:
                payments = [p for p in payments if not p.refund_due]
        return PaymentRows(self._rows(payments), next_cursor)

    def refunds_required(self, limit: int, cursor: str | None = None) -> PaymentRows:
        """The refund-required queue (what GET /staff/today's `refunds_required` shows)."""
        return self.page(limit, cursor, refund_required=True)

    def detail(self, payment_id: str) -> PaymentRow:
        """One payment with every ledger line; 404 when there is none."""
        payment = self.uow.payments.get(payment_id)
        if payment is None:
            raise NotFound(f"No payment {payment_id[:64]}.")
        return PaymentRow(payment, self.uow.accounts.company(payment.contractor_id))

    def record_refund(self, payment_id: str, reference: str) -> PaymentRow:
        """Staff gave back what the payment received and did not apply (in the payment portal): the refund
        is kept on the payment, its entries leave the refund queue, and the audit trail names who, in one
        transaction. 409 `refund-not-due` when nothing is due (e.g. someone recorded it meanwhile)."""
        for _ in range(2):
            payment = self.uow.payments.get(payment_id)
            if payment is None:
                raise NotFound(f"No payment {payment_id[:64]}.")
            before = format_money(payment.refund_amount)
            record = payment.record_refund(self.clock.now(), self.actor, reference)
            self.uow.payments.save(payment)
            self.uow.audit.record(AuditEntry(record.at, self.actor, AuditAction.REFUND_RECORDED,
                                             subject("payment", payment_id), {"refund_amount": before},
                                             {"refunded": format_money(record.amount), "reference": record.reference,
                                              "refund_amount": format_money(payment.refund_amount)}))
            try:
                self.uow.commit()
            except StaleRecord:
                continue  # an approval or another refund landed meanwhile: decide again on what is stored
            return PaymentRow(payment, self.uow.accounts.company(payment.contractor_id))
        raise StaleRecord("The payment kept changing; try again.")

    def of_day(self, day: date) -> list[PaymentRow]:
        """Every payment created on a county day, oldest first (the reconciliation export)."""
        since, before = self.day_range(day)
        return self._rows(list(reversed(self.uow.payments.created_between(since, before))))

    def _rows(self, payments: list[Payment]) -> list[PaymentRow]:
        companies = self.uow.accounts.companies_by_id(p.contractor_id for p in payments) if payments else {}
        return [PaymentRow(p, companies.get(p.contractor_id)) for p in payments]
