"""The OpenAPI 3.1 document, generated from the Chalice app's own routes and the pydantic request and
response models. `python -m chalicelib.api.openapi > docs/openapi.json` (`make openapi`) writes it;
`GET /openapi.json` serves it."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel

from chalicelib.api import responses as r
from chalicelib.api import schemas as s
from chalicelib.payments import signature, stripe

PROBLEM_JSON = "application/problem+json"
REF = "#/components/schemas/{model}"


def _models() -> dict[tuple[str, str], tuple[type[BaseModel] | None, type[BaseModel] | None, int, str]]:
    """(method, path) → (request model, response model, success status, auth: public|contractor|staff|any)."""
    from chalicelib.api.cart import CartAdd, NoFields
    from chalicelib.api.checkout import CheckoutRequest
    from chalicelib.api.company import CompanyInvitationAcceptBody, NewUserBody, NotificationsBody, UserPatchBody
    from chalicelib.api.jobs import FlagExpiredBody
    from chalicelib.api.permits import InspectionRequestBody
    from chalicelib.api.projects import NewProjectBody
    from chalicelib.api.sandbox import ClockShift
    from chalicelib.api.sandbox_payments import SandboxOutcome
    from chalicelib.api.staff_accounts import NewPinBody
    from chalicelib.api.staff_payments import RefundBody
    from chalicelib.api.staff_permits import (
        AdjustBody,
        AttachmentBody,
        CorrectionBody,
        FeeBody,
        NewPermitBody,
        PermitPatchBody,
        ResultBody,
        ReviewBody,
        StaffInspectionBody,
        StatusBody,
        VoidBody,
    )
    from chalicelib.api.staff_users import InvitationAcceptBody, NewStaffBody, StaffPasswordBody, StaffPatchBody

    return {
        ("GET", "/health"): (None, r.Health, 200, "public"),
        ("GET", "/openapi.json"): (None, r.OpenApiDocument, 200, "public"),
        ("GET", "/contractors"): (None, r.DirectoryList, 200, "public"),
        ("GET", "/meta/rules"): (None, r.MetaRules, 200, "public"),
        ("GET", "/meta/common-passwords"): (None, r.CommonPasswords, 200, "public"),
        ("POST", "/auth/login"): (s.LoginRequest, r.SignedIn, 200, "public"),
        ("POST", "/auth/staff-login"): (s.StaffLoginRequest, r.SignedIn, 200, "public"),
        ("POST", "/auth/setup"): (s.SetupRequest, r.SignedIn, 200, "any"),
        ("POST", "/auth/logout"): (None, None, 204, "any"),
        ("POST", "/auth/password-reset/start"): (s.ResetStartRequest, r.Accepted, 202, "public"),
        ("POST", "/auth/password-reset/verify"): (s.ResetVerifyRequest, r.ResetVerified, 200, "public"),
        ("POST", "/auth/password-reset"): (s.ResetRequest, None, 204, "public"),
        ("GET", "/profile"): (None, r.Profile, 200, "contractor"),
        ("PUT", "/profile"): (s.ProfileUpdate, r.Profile, 200, "contractor"),
        ("PUT", "/profile/password"): (s.PasswordChange, None, 204, "contractor"),
        ("PUT", "/profile/security-question"): (s.SecurityQuestionChange, None, 204, "contractor"),
        ("GET", "/dashboard"): (None, r.Dashboard, 200, "contractor"),
        ("GET", "/permits"): (None, r.SearchPage, 200, "contractor"),
        ("GET", "/permits/{permit_no}"): (None, r.PermitDetail, 200, "contractor"),
        ("POST", "/permits/{permit_no}/inspections"): (InspectionRequestBody, r.Inspection, 201, "contractor"),
        ("GET", "/inspections/scheduled"): (None, r.InspectionPage, 200, "contractor"),
        ("DELETE", "/inspections/{inspection_id}"): (None, None, 204, "contractor"),
        ("GET", "/cart"): (None, r.Cart, 200, "contractor"),
        ("POST", "/cart/items"): (CartAdd, r.Cart, 200, "contractor"),
        ("DELETE", "/cart/items/{permit_no}"): (None, r.Cart, 200, "contractor"),
        ("POST", "/cart/pay-all"): (NoFields, r.Cart, 200, "contractor"),
        ("GET", "/checkout/payment-methods"): (None, r.PaymentMethods, 200, "public"),
        ("GET", "/checkout/summary"): (None, r.Summary, 200, "contractor"),
        ("POST", "/checkout"): (CheckoutRequest, r.CheckoutStarted, 201, "contractor"),
        ("GET", "/payments"): (None, r.PaymentPage, 200, "contractor"),
        ("GET", "/payments/{payment_id}"): (None, r.Payment, 200, "contractor"),
        ("POST", "/payments/callback"): (r.PaymentCallbackBody, r.CallbackResult, 200, "public"),
        ("POST", "/payments/stripe/webhook"): (r.StripeEventBody, r.CallbackResult, 200, "public"),
        ("GET", "/sandbox/outbox"): (None, r.OutboxList, 200, "public"),
        ("PUT", "/sandbox/clock"): (ClockShift, r.SandboxClock, 200, "public"),
        ("POST", "/sandbox/payments/{payment_id}"): (SandboxOutcome, r.Payment, 200, "contractor"),
        ("POST", "/staff/contractors"): (s.NewContractorRequest, r.NewContractorCreated, 201, "staff"),
        ("POST", "/staff/contractors/{contractor_id}/pin"): (NewPinBody, r.NewPin, 200, "staff"),
        ("POST", "/staff/permits"): (NewPermitBody, r.StaffPermitDetail, 201, "staff"),
        ("GET", "/staff/permits/{permit_no}"): (None, r.StaffPermitDetail, 200, "staff"),
        ("PATCH", "/staff/permits/{permit_no}"): (PermitPatchBody, r.StaffPermitDetail, 200, "staff"),
        ("POST", "/staff/permits/{permit_no}/fees"): (FeeBody, r.Fee, 201, "staff"),
        ("POST", "/staff/permits/{permit_no}/issue"): (None, r.StaffPermitDetail, 200, "staff"),
        ("POST", "/staff/permits/{permit_no}/inspections"): (StaffInspectionBody, r.Inspection, 201, "staff"),
        ("POST", "/staff/inspections/{inspection_id}/result"): (ResultBody, r.StaffInspection, 200, "staff"),
        ("POST", "/staff/permits/{permit_no}/reviews"): (ReviewBody, r.Review, 201, "staff"),
        ("POST", "/staff/permits/{permit_no}/attachments"): (AttachmentBody, r.Attachment, 201, "staff"),
        ("POST", "/staff/jobs/flag-expired"): (FlagExpiredBody, r.JobResult, 200, "staff"),
        ("GET", "/staff/audit"): (None, r.AuditPage, 200, "staff"),
        ("GET", "/staff/me"): (None, r.StaffMe, 200, "staff"),
        ("GET", "/staff/users"): (None, r.StaffAccountPage, 200, "staff"),
        ("POST", "/staff/users"): (NewStaffBody, r.StaffAccount, 201, "staff"),
        ("POST", "/staff/users/{username}/invitation"): (None, r.StaffAccount, 200, "staff"),
        ("PATCH", "/staff/users/{username}"): (StaffPatchBody, r.StaffAccount, 200, "staff"),
        ("PUT", "/staff/me/password"): (StaffPasswordBody, None, 204, "staff"),
        ("POST", "/auth/staff-invitations/accept"): (InvitationAcceptBody, r.SignedIn, 200, "public"),
        ("GET", "/me"): (None, r.Me, 200, "contractor"),
        ("PUT", "/me/notifications"): (NotificationsBody, r.Me, 200, "contractor"),
        ("GET", "/company/users"): (None, r.CompanyUserPage, 200, "contractor"),
        ("POST", "/company/users"): (NewUserBody, r.CompanyUser, 201, "contractor"),
        ("POST", "/company/users/{user_id}/invitation"): (None, r.CompanyUser, 200, "contractor"),
        ("PATCH", "/company/users/{user_id}"): (UserPatchBody, r.CompanyUser, 200, "contractor"),
        ("POST", "/auth/invitations/accept"): (CompanyInvitationAcceptBody, r.SignedIn, 200, "public"),
        ("GET", "/company/activity"): (None, r.ActivityPage, 200, "contractor"),
        ("POST", "/staff/permits/{permit_no}/status"): (StatusBody, r.StaffPermitDetail, 200, "staff"),
        ("POST", "/staff/permits/{permit_no}/fees/{fee_id}/void"): (VoidBody, r.Fee, 200, "staff"),
        ("POST", "/staff/permits/{permit_no}/fees/{fee_id}/adjust"): (AdjustBody, r.Fee, 201, "staff"),
        ("POST", "/staff/inspections/{inspection_id}/correction"): (CorrectionBody, r.StaffInspection, 200, "staff"),
        ("GET", "/staff/contractors"): (None, r.StaffContractorPage, 200, "staff"),
        ("GET", "/staff/contractors/{contractor_id}"): (None, r.StaffContractorDetail, 200, "staff"),
        ("GET", "/staff/permits"): (None, r.StaffPermitPage, 200, "staff"),
        ("GET", "/staff/inspections"): (None, r.StaffDayInspections, 200, "staff"),
        ("GET", "/staff/today"): (None, r.StaffToday, 200, "staff"),
        ("GET", "/staff/notices"): (None, r.StaffNoticePage, 200, "staff"),
        ("POST", "/staff/notices/{notice_id}/read"): (None, r.StaffNotice, 200, "staff"),
        ("GET", "/staff/payments"): (None, r.StaffPaymentPage, 200, "staff"),
        ("GET", "/staff/payments/{payment_id}"): (None, r.StaffPaymentDetail, 200, "staff"),
        ("POST", "/staff/payments/{payment_id}/refund"): (RefundBody, r.StaffPaymentDetail, 200, "staff"),
        ("GET", "/staff/payments/export"): (None, None, 200, "staff"),  # text/csv
        ("GET", "/properties"): (None, r.PropertyPage, 200, "any"),
        ("GET", "/properties/{parcel_no}"): (None, r.PropertyDetail, 200, "any"),
        ("GET", "/geocode"): (None, r.AddressPoints, 200, "any"),
        ("GET", "/geocode/nearest"): (None, r.NearestParcel, 200, "any"),
        ("POST", "/staff/properties/import"): (r.FeatureCollectionBody, r.ImportResult, 200, "staff"),
        ("GET", "/projects"): (None, r.ProjectPage, 200, "contractor"),
        ("GET", "/projects/{project_no}"): (None, r.ProjectDetail, 200, "contractor"),
        ("POST", "/staff/projects"): (NewProjectBody, r.ProjectDetail, 201, "staff"),
        ("POST", "/cart/projects/{project_no}"): (None, r.Cart, 200, "contractor"),
        ("GET", "/map/features"): (None, r.MapFeatureCollection, 200, "any"),
        ("GET", "/map/streets"): (None, r.StreetCollection, 200, "any"),
        ("GET", "/map/config"): (None, r.MapConfig, 200, "public"),
    }


SIGNED = {
    "/payments/callback": signature.SIGNATURE_HEADER,
    "/payments/stripe/webhook": stripe.SIGNATURE_HEADER,
}
"""Routes authenticated by an HMAC signature of the raw body (`t=<unix>,v1=<hex>`), not a bearer token."""

QUERY = {
    "/contractors": ["limit", "cursor"],
    "/permits": ["q", "status", "limit", "cursor"],
    "/inspections/scheduled": ["limit", "cursor"],
    "/payments": ["limit", "cursor"],
    "/checkout/summary": ["payment_method"],
    "/sandbox/outbox": ["to"],
    "/staff/users": ["limit", "cursor"],
    "/company/activity": ["limit", "cursor"],
    "/staff/contractors": ["q", "limit", "cursor"],
    "/staff/contractors/{contractor_id}": ["limit", "cursor"],
    "/staff/permits": ["q", "status", "limit", "cursor"],
    "/staff/inspections": ["date"],
    "/staff/notices": ["unread", "limit", "cursor"],
    "/staff/payments": ["refund_required", "date", "limit", "cursor"],
    "/staff/payments/export": ["date"],
    "/properties": ["q", "limit", "cursor"],
    "/geocode": ["q"],
    "/geocode/nearest": ["lat", "lon"],
    "/projects": ["q", "limit", "cursor"],
    "/map/features": ["layer", "bbox"],
    "/map/streets": ["bbox"],
}


def routes() -> list[tuple[str, str]]:
    """Every (method, path) the Chalice app registers, OPTIONS (CORS) aside."""
    from app import app

    return sorted((m, path) for path, by_method in app.routes.items() for m in by_method if m != "OPTIONS")


def _schema(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=REF, mode="validation")
    components.update(schema.pop("$defs", {}))
    components[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {PROBLEM_JSON: {"schema": {"$ref": REF.format(model="Problem")}}}}


def document() -> dict[str, Any]:
    table = _models()
    components: dict[str, Any] = {}
    _schema(r.Problem, components)
    paths: dict[str, Any] = {}
    for method, path in routes():
        request, response, status, auth = table.get((method, path), (None, None, 200, "public"))
        op: dict[str, Any] = {"operationId": f"{method.lower()}_" + re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_"),
                              "responses": {}}
        params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
                  for n in re.findall(r"{(\w+)}", path)]
        params += [{"name": n, "in": "query", "required": False, "schema": {"type": "string", "maxLength": 200}}
                   for n in QUERY.get(path, [])]
        if path in SIGNED:
            params.append({"name": SIGNED[path], "in": "header", "required": True,
                           "description": "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\">",
                           "schema": {"type": "string", "maxLength": 512}})
        if params:
            op["parameters"] = params
        if request is not None:
            op["requestBody"] = {"required": False,
                                 "content": {"application/json": {"schema": _schema(request, components)}}}
        elif method in ("POST", "PUT", "PATCH") and (method, path) not in table:
            op["requestBody"] = {"required": False, "content": {"application/json": {"schema": {}}}}
        if response is None:
            op["responses"][str(status)] = {"description": "Done; no body."}
        else:
            op["responses"][str(status)] = {"description": "Success.", "content": {
                "application/json": {"schema": _schema(response, components)}}}
        if auth == "public":
            op["security"] = []
        # Every route may answer a problem: bad input, auth, not found, conflict, size, throttling,
        # unavailable. 4XX covers the rest (405/415 from the framework), all as problem details.
        for code, text in (("400", "Invalid input."), ("401", "Not signed in."), ("403", "Not allowed."),
                           ("404", "Not found."), ("409", "Conflict."), ("413", "Body too large."),
                           ("429", "Too many attempts."), ("503", "Temporarily unavailable."),
                           ("4XX", "Another client error.")):
            op["responses"][code] = _problem(text)
        paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Contractor Portal API", "version": "1.0.0",
                 "description": "Generated from the Chalice routes and pydantic models (chalicelib/api/openapi.py)."},
        "paths": paths,
        "components": {"schemas": dict(sorted(components.items())),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render())
