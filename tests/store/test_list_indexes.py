"""The back office's list indexes in the store (in memory, DynamoDB's rules): the refund queue's pages,
and the index entries every save of a permit keeps in step."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from chalicelib.domain.fee_lines import FeeLine
from chalicelib.domain.fees import PaymentMethod
from chalicelib.domain.inspections import Inspection
from chalicelib.domain.payments import Payment, PaymentLine, PaymentStatus, UnappliedApproval
from chalicelib.domain.permits import Permit, PermitStatus
from chalicelib.store.items import MemoryItems
from chalicelib.store.unit_of_work import UnitOfWork

NOW = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)


def _id(n: int) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()[:32]  # its first bits are the receipt number


def _payment(n: int, *, refund: bool = False, late: bool = False) -> Payment:
    created = NOW + timedelta(minutes=n)
    return Payment(_id(n), "c-1", PaymentMethod.CREDIT_CARD, Decimal("10.00"), Decimal("0.30"), "fee",
                   Decimal("10.30"), created, created + timedelta(minutes=30),
                   status=PaymentStatus.PAID if refund else PaymentStatus.DECLINED,
                   lines=[PaymentLine(f"F{n}", "RES26-0001", "1 MAIN ST", "FEE", Decimal("10.00"))],
                   refund_required=refund,
                   unapplied=[UnappliedApproval(f"TX-{n}", Decimal("10.30"), created)] if late else [])


def test_the_refund_queue_pages_newest_first_and_leaves_out_payments_that_paid_their_fees():
    store = MemoryItems()
    uow = UnitOfWork(store)
    for n in range(1, 8):  # 1, 4, 7 paid their fees; the others are to be refunded
        uow.payments.save(_payment(n, refund=n % 3 == 2, late=n % 3 == 0))
    uow.commit()
    seen, cursor, pages = [], None, 0
    while True:
        payments, cursor = UnitOfWork(store).payments.refunds_required(2, cursor)
        seen += [p.payment_id for p in payments]
        pages += 1
        if cursor is None:
            break
    assert seen == [_id(6), _id(5), _id(3), _id(2)] and pages == 2
    first, _ = UnitOfWork(store).payments.refunds_required(1)
    assert first[0].refund_amount == Decimal("10.30") and first[0].unapplied[0].transaction_id == "TX-6"


def test_a_status_change_moves_the_root_and_its_fees_and_an_address_change_moves_the_inspections():
    store = MemoryItems()
    uow = UnitOfWork(store)
    permit = Permit("RES26-0001", "c-1", "1 Main St.", "RESIDENTIAL", PermitStatus.SUBMITTED,
                    inspection_types=["FOOTING"])
    permit.fees.append(FeeLine("RES26-0001-F001", "RES26-0001", "c-1", "FEE", Decimal("5.00")))
    permit.inspections.append(Inspection("RES26-0001-aa", "RES26-0001", "c-1", "FOOTING", date(2026, 11, 25),
                                         time_window="PM"))
    uow.permits.save(permit)
    uow.commit()
    assert [(i["GSI4PK"], i["GSI4SK"]) for i in store.query("PERMITS#SUBMITTED", index="GSI4").items] == [
        ("PERMITS#SUBMITTED", "1 MAIN ST#RES26-0001"),
        ("PERMITS#SUBMITTED", "1 MAIN ST#RES26-0001#FEE#RES26-0001-F001")]
    day_key = store.query("INSPECTIONS#2026-11-25", index="GSI2").items[0]["GSI2SK"]
    assert day_key == "1 MAIN ST#1#RES26-0001#RES26-0001-aa"  # PM is the second window of the day
    work = UnitOfWork(store)
    again = work.permits.get("RES26-0001")
    again.change_status(PermitStatus.IN_REVIEW, date(2026, 11, 24), NOW)
    again.address = "9 N 4th St"
    work.permits.save(again)
    work.commit()
    assert store.query("PERMITS#SUBMITTED", index="GSI4").items == []
    assert len(store.query("PERMITS#IN REVIEW", index="GSI4", sk_prefix="9 N 4TH").items) == 2
    (day,) = UnitOfWork(store).permits.inspections_on(date(2026, 11, 25))
    assert day[1] == "9 N 4th St" and day[0].inspection_id == "RES26-0001-aa"
