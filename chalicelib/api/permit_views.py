"""The JSON shapes of permits, inspections and the dashboard (API.md), made in one place.

Services hand over domain objects (`Permit`, `Inspection`); these functions say how the API shows
them. Money leaves as strings with two decimals; dates as ISO dates; instants as RFC 3339.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chalicelib.clock import rfc3339
from chalicelib.domain.inspections import Inspection, InspectionStatus
from chalicelib.domain.money import format_money
from chalicelib.domain.permits import Permit, RequestEligibility


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def listing(items: list[dict[str, Any]], next_cursor: str | None = None, *, paged: bool = False) -> dict[str, Any]:
    """A list route's answer. The whole list: Part 1's `{"total", "items"}`. A page (asked for with
    `limit`/`cursor`, or with more to come): Part 2's `{"items", "next_cursor"}` (no total: counting
    would cost reading every page)."""
    if not paged and next_cursor is None:
        return {"total": len(items), "items": items}
    return {"items": items, "next_cursor": next_cursor}


def eligibility_view(eligibility: RequestEligibility) -> dict[str, Any]:
    """Whether an inspection may be requested, and if not the 409 the request would get: its `detail`
    as `reason` and its problem `type`, so a screen shows the refusal instead of the form."""
    from chalicelib.api.http import problem_type  # http imports the app's wiring; views stay light

    return {"allowed": eligibility.allowed, "reason": eligibility.reason,
            "type": problem_type(eligibility.slug) if eligibility.slug else None}


def permit_row(permit: Permit, now: datetime, today: date) -> dict[str, Any]:
    """The dashboard's row: what the guide's "My Active Permits" table shows.

    `inspection_request` stays the boolean API.md promises; `inspection_request_detail` says why not."""
    eligibility = permit.request_eligibility(today, now)
    return {
        "permit_no": permit.permit_no, "address": permit.address, "type": permit.type, "status": permit.status.value,
        "inspection_request": eligibility.allowed,
        "inspection_request_detail": eligibility_view(eligibility),
        "fees_due": format_money(permit.fees_due(now)),
        **pending_view(permit, now),
        **place_view(permit),
    }


def place_view(permit: Permit) -> dict[str, Any]:
    """Where the permit is: its parcel and project (null when none) and its point (the parcel's)."""
    return {"parcel_no": permit.parcel_no, "project_no": permit.project_no,
            "lat": None if permit.lat is None else round(permit.lat, 6),
            "lon": None if permit.lon is None else round(permit.lon, 6)}


def pending_view(permit: Permit, now: datetime) -> dict[str, Any]:
    """Fees a payment in progress holds, and until when: FEES DUE alone would read $0.00 for them."""
    until = permit.payment_pending_until(now)
    return {"fees_held": format_money(permit.fees_held(now)),
            "payment_pending_until": rfc3339(until) if until else None}


def search_row(permit: Permit, now: datetime, today: date) -> dict[str, Any]:
    return {**permit_row(permit, now, today), "expires_date": _iso(permit.expires_date), "expired": permit.expired}


def expired_row(permit: Permit, now: datetime) -> dict[str, Any]:
    return {"permit_no": permit.permit_no, "address": permit.address, "type": permit.type,
            "status": permit.status.value, "expired": _iso(permit.expires_date),
            "fees_due": format_money(permit.fees_due(now)), **pending_view(permit, now)}


def inspection_view(insp: Inspection, address: str | None = None, *, staff: bool = False) -> dict[str, Any]:
    """An inspection; lists that span permits (Scheduled) add the permit's `address`. Staff also see who
    recorded the result and when, and the earlier results a correction replaced (`history`)."""
    view: dict[str, Any] = {"inspection_id": insp.inspection_id, "permit_no": insp.permit_no,
                            "inspection_type": insp.inspection_type, "date": insp.date.isoformat(),
                            "time_window": insp.time_window, "status": insp.status.value, "notes": insp.notes,
                            "result_notes": insp.result_notes}
    if address is not None:
        view["address"] = address
    if staff:
        view["recorded_at"] = rfc3339(insp.resulted_at) if insp.resulted_at else None
        view["recorded_by"] = insp.recorded_by or None
        view["history"] = [{"result": h.result.value, "notes": h.notes,
                            "recorded_at": rfc3339(h.recorded_at) if h.recorded_at else None,
                            "recorded_by": h.recorded_by or None} for h in insp.history]
    return view


def permit_detail(permit: Permit, now: datetime, today: date) -> dict[str, Any]:
    return {
        **permit_row(permit, now, today),
        "contractor_id": permit.contractor_id,
        "description": permit.description, "applied_date": _iso(permit.applied_date),
        "issued_date": _iso(permit.issued_date), "expires_date": _iso(permit.expires_date), "expired": permit.expired,
        "fees": [fee_view(f, now) for f in sorted(permit.fees, key=lambda f: f.fee_id)],
        "attachments": [{"attachment_id": a.attachment_id, "name": a.name, "uploaded_at": rfc3339(a.uploaded_at)}
                        for a in sorted(permit.attachments, key=lambda a: (a.uploaded_at, a.attachment_id))],
        "reviews": [review_view(r) for r in sorted(permit.reviews, key=lambda r: (r.date, r.review_id))],
        "inspections": [inspection_view(i) for i in sorted(permit.inspections,
                                                            key=lambda i: (i.date, i.inspection_id))],
        "inspection_types": list(permit.inspection_types),
    }


def fee_view(fee: Any, now: datetime, *, staff: bool = False) -> dict[str, Any]:
    """A fee line. A voided one says so, why, when, and (adjusted) which line replaced it; staff also see who."""
    view = {"fee_id": fee.fee_id, "description": fee.description, "amount": format_money(fee.amount),
            "status": fee.status(now).value}
    if fee.voided:
        view |= {"void_reason": fee.void_reason, "voided_at": rfc3339(fee.voided_at), "replaced_by": fee.replaced_by}
        if staff:
            view["voided_by"] = fee.voided_by
    return view


def staff_permit_detail(permit: Permit, now: datetime, today: date) -> dict[str, Any]:
    """The permit detail as staff see it: the contractor's, plus the status timeline, who voided a fee,
    and who recorded each result (with the results corrections replaced)."""
    return {
        **permit_detail(permit, now, today),
        "fees": [fee_view(f, now, staff=True) for f in sorted(permit.fees, key=lambda f: f.fee_id)],
        "inspections": [inspection_view(i, staff=True) for i in sorted(permit.inspections,
                                                                       key=lambda i: (i.date, i.inspection_id))],
        "timeline": [{"at": rfc3339(step.at), "status": step.status.value, "by": step.by or None,
                      "comments": step.comments} for step in permit.timeline],
    }


def review_view(review: Any) -> dict[str, Any]:
    return {"review_id": review.review_id, "department": review.department, "status": review.status,
            "date": review.date.isoformat(), "comments": review.comments}


def attachment_view(attachment: Any) -> dict[str, Any]:
    return {"attachment_id": attachment.attachment_id, "name": attachment.name,
            "uploaded_at": rfc3339(attachment.uploaded_at)}


def dashboard(contractor_id: str, company_name: str, permits: list[Permit], now: datetime,
              today: date) -> dict[str, Any]:
    """The guide's dashboard: active permits, scheduled inspections, expired permits."""
    by_no = {p.permit_no: p for p in permits}
    ordered = sorted(permits, key=lambda p: p.permit_no)
    scheduled = sorted((i for p in ordered for i in p.inspections if i.status is InspectionStatus.SCHEDULED),
                       key=lambda i: (i.date, i.permit_no, i.inspection_id))
    inspections = [{"inspection_id": i.inspection_id, "rec_no": i.permit_no, "rec_type": "PERMIT",
                    "rec_status": by_no[i.permit_no].status.value, "address": by_no[i.permit_no].address,
                    "inspection": i.inspection_type, "date": i.date.isoformat(),
                    "time_window": i.time_window} for i in scheduled]
    return {
        "contractor": {"contractor_id": contractor_id, "company_name": company_name},
        "active_permits": listing([permit_row(p, now, today) for p in ordered if p.listed_active]),
        "active_inspections": listing(inspections),
        "expired_permits": listing([expired_row(p, now) for p in ordered if p.listed_expired]),
    }
