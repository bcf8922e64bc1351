"""Staff routes: permits, fees, issuing, inspections and results, reviews and attachment records."""

from __future__ import annotations

from chalice import Blueprint
from pydantic import Field

from chalicelib import bootstrap
from chalicelib.api import guard, permit_views
from chalicelib.api.http import county_today, ok, parse_body, route
from chalicelib.api.schemas import ApiDate, Strict
from chalicelib.domain.accounts import StaffDuty

bp = Blueprint(__name__)


def _detail(permit: object, status: int = 200) -> object:
    return ok(permit_views.staff_permit_detail(permit, bootstrap.clock().now(), county_today()),  # type: ignore[arg-type]
              status)


class PermitFields(Strict):
    contractor_id: str = Field(min_length=1, max_length=64)
    address: str = Field(max_length=200)
    type: str = Field(min_length=1, max_length=40)
    status: str = Field(min_length=1, max_length=40)
    description: str | None = Field(default=None, max_length=2000)
    applied_date: ApiDate | None = None
    issued_date: ApiDate | None = None
    expires_date: ApiDate | None = None
    inspection_types: list[str] | None = Field(default=None, max_length=50)


class NewPermitBody(PermitFields):
    permit_no: str | None = Field(default=None, max_length=20)
    prefix: str | None = Field(default=None, max_length=4)  # extension: a number prefix other than the type's


class PermitPatchBody(Strict):
    contractor_id: str | None = Field(default=None, min_length=1, max_length=64)
    address: str | None = Field(default=None, max_length=200)
    type: str | None = Field(default=None, min_length=1, max_length=40)
    status: str | None = Field(default=None, min_length=1, max_length=40)
    description: str | None = Field(default=None, max_length=2000)
    applied_date: ApiDate | None = None
    issued_date: ApiDate | None = None
    expires_date: ApiDate | None = None
    inspection_types: list[str] | None = Field(default=None, max_length=50)
    parcel_no: str | None = Field(default=None, max_length=40)
    project_no: str | None = Field(default=None, max_length=40)


class FeeBody(Strict):
    description: str = Field(min_length=1, max_length=200)
    amount: str = Field(max_length=32)


class StaffInspectionBody(Strict):
    inspection_type: str = Field(min_length=1, max_length=80)
    date: ApiDate
    time_window: str | None = Field(default=None, max_length=10)
    notes: str = Field(default="", max_length=1000)


class ResultBody(Strict):
    result: str = Field(min_length=1, max_length=20)
    notes: str = Field(default="", max_length=2000)


class StatusBody(Strict):
    status: str = Field(min_length=1, max_length=40)
    comments: str = Field(default="", max_length=2000)


class VoidBody(Strict):
    reason: str = Field(min_length=1, max_length=500)


class AdjustBody(Strict):
    amount: str = Field(max_length=32)
    reason: str = Field(min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=200)


class CorrectionBody(Strict):
    result: str = Field(min_length=1, max_length=20)
    notes: str = Field(max_length=2000)


class ReviewBody(Strict):
    department: str = Field(min_length=1, max_length=80)
    status: str = Field(min_length=1, max_length=40)
    date: ApiDate | None = None
    comments: str = Field(default="", max_length=2000)


class AttachmentBody(Strict):
    name: str = Field(min_length=1, max_length=255)


@route(bp, "/staff/permits", methods=["POST"])
def create_permit() -> object:
    actor = guard.staff(bp.current_request, StaffDuty.PERMITS).principal_id
    body = parse_body(bp.current_request, NewPermitBody)
    fields = body.model_dump(exclude={"permit_no", "prefix"})
    permit = bootstrap.staff_permits(actor).create(fields, body.permit_no, body.prefix)
    return _detail(permit, 201)


@route(bp, "/staff/permits/{permit_no}", methods=["GET"])
def get_permit(permit_no: str) -> object:
    actor = guard.staff(bp.current_request, StaffDuty.VIEW_PERMITS).principal_id
    return _detail(bootstrap.staff_permits(actor).detail(permit_no))


@route(bp, "/staff/permits/{permit_no}", methods=["PATCH"])
def patch_permit(permit_no: str) -> object:
    actor = guard.staff(bp.current_request, StaffDuty.PERMITS).principal_id
    body = parse_body(bp.current_request, PermitPatchBody)
    return _detail(bootstrap.staff_permits(actor).update(permit_no, body.model_dump(exclude_unset=True)))


@route(bp, "/staff/permits/{permit_no}/fees", methods=["POST"])
def add_fee(permit_no: str) -> object:
    actor = guard.staff(bp.current_request, StaffDuty.FEES).principal_id
    body = parse_body(bp.current_request, FeeBody)
    fee = bootstrap.staff_permits(actor).add_fee(permit_no, body.description, body.amount)
    return ok(permit_views.fee_view(fee, bootstrap.clock().now(), staff=True), 201)


@route(bp, "/staff/permits/{permit_no}/issue", methods=["POST"])
def issue_permit(permit_no: str) -> object:
    actor = guard.staff(bp.current_request, StaffDuty.PERMITS).principal_id
    return _detail(bootstrap.staff_permits(actor).issue(permit_no))


@route(bp, "/staff/permits/{permit_no}/inspections", methods=["POST"])
def schedule_inspection(permit_no: str) -> object:
    actor = guard.staff(bp.current_request, StaffDuty.INSPECTIONS).principal_id
    body = parse_body(bp.current_request, StaffInspectionBody)
    booked = bootstrap.staff_permits(actor).schedule(permit_no, body.inspection_type, body.date, body.time_window,
                                                body.notes)
    return ok(permit_views.inspection_view(booked), 201)


@route(bp, "/staff/inspections/{inspection_id}/result", methods=["POST"])
def record_result(inspection_id: str) -> object:
    actor = guard.staff(bp.current_request, StaffDuty.INSPECTIONS).principal_id
    body = parse_body(bp.current_request, ResultBody)
    return ok(permit_views.inspection_view(bootstrap.staff_permits(actor).record_result(inspection_id, body.result,
                                                                               body.notes), staff=True))


@route(bp, "/staff/permits/{permit_no}/reviews", methods=["POST"])
def add_review(permit_no: str) -> object:
    actor = guard.staff(bp.current_request, StaffDuty.PERMITS).principal_id
    body = parse_body(bp.current_request, ReviewBody)
    review = bootstrap.staff_permits(actor).add_review(permit_no, body.department, body.status, body.date,
                                                       body.comments)
    return ok(permit_views.review_view(review), 201)


@route(bp, "/staff/permits/{permit_no}/attachments", methods=["POST"])
def add_attachment(permit_no: str) -> object:
    actor = guard.staff(bp.current_request, StaffDuty.PERMITS).principal_id
    body = parse_body(bp.current_request, AttachmentBody)
    return ok(permit_views.attachment_view(bootstrap.staff_permits(actor).add_attachment(permit_no, body.name)), 201)


@route(bp, "/staff/permits/{permit_no}/status", methods=["POST"])
def change_status(permit_no: str) -> object:
    actor = guard.staff(bp.current_request, StaffDuty.PERMITS).principal_id
    body = parse_body(bp.current_request, StatusBody)
    return _detail(bootstrap.staff_permits(actor).change_status(permit_no, body.status, body.comments))


@route(bp, "/staff/permits/{permit_no}/fees/{fee_id}/void", methods=["POST"])
def void_fee(permit_no: str, fee_id: str) -> object:
    actor = guard.staff(bp.current_request, StaffDuty.VOIDS).principal_id
    body = parse_body(bp.current_request, VoidBody)
    fee = bootstrap.staff_permits(actor).void_fee(permit_no, fee_id, body.reason)
    return ok(permit_views.fee_view(fee, bootstrap.clock().now(), staff=True))


@route(bp, "/staff/permits/{permit_no}/fees/{fee_id}/adjust", methods=["POST"])
def adjust_fee(permit_no: str, fee_id: str) -> object:
    actor = guard.staff(bp.current_request, StaffDuty.VOIDS).principal_id
    body = parse_body(bp.current_request, AdjustBody)
    fee = bootstrap.staff_permits(actor).adjust_fee(permit_no, fee_id, body.amount, body.reason, body.description)
    return ok(permit_views.fee_view(fee, bootstrap.clock().now(), staff=True), 201)


@route(bp, "/staff/inspections/{inspection_id}/correction", methods=["POST"])
def correct_result(inspection_id: str) -> object:
    actor = guard.staff(bp.current_request, StaffDuty.INSPECTIONS).principal_id
    body = parse_body(bp.current_request, CorrectionBody)
    corrected = bootstrap.staff_permits(actor).correct_result(inspection_id, body.result, body.notes)
    return ok(permit_views.inspection_view(corrected, staff=True))
