"""`GET /meta/rules`: every rule and figure a client needs, from the settings that enforce them;
`GET /meta/common-passwords`: the list the password policy refuses, so a page can check it first.

The web site reads these instead of restating them, so a county that changes PASSWORD_MIN_LENGTH or
INSPECTION_REQUEST_CUTOFF in its stage configuration changes the screens too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.http import ok, route
from chalicelib.domain import map as map_rules

if TYPE_CHECKING:
    from chalicelib.domain.passwords import PasswordPolicy

bp = Blueprint(__name__)

#: Documents an application may carry (Apply / New Permit): the browser uploads straight to S3.
UPLOAD_MAX_BYTES = 25 * 1024 * 1024
UPLOAD_CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png")


def password_checklist(policy: PasswordPolicy) -> list[dict[str, str]]:
    """The guide's rule texts, each named by what a screen checks as the user types.

    `PasswordPolicy.rules()` lists them in this order: the lengths, the letter-and-number rule
    (when both are required), the common-password rule, then the case-sensitivity note.
    `not_common` is only judged by the API; `case_sensitive` is a note, not a check.
    """
    ids = ["min_length", "max_length"]
    if policy.require_letter and policy.require_digit:
        ids.append("letter_and_number")
    if policy.reject_common:
        ids.append("not_common")
    ids.append("case_sensitive")
    texts = policy.rules()
    if len(texts) != len(ids):  # the policy's list changed shape: name nothing rather than mislabel
        return [{"rule": "other", "text": text} for text in texts]
    return [{"rule": rule, "text": text} for rule, text in zip(ids, texts, strict=True)]


def password_rules(policy: PasswordPolicy) -> dict[str, Any]:
    requires = [name for name, on in (("letter", policy.require_letter), ("number", policy.require_digit)) if on]
    return {"min_length": policy.min_length, "max_length": policy.max_length, "requires": requires,
            "rejects_common": policy.reject_common, "case_sensitive": True, "rules": policy.rules(),
            "checklist": password_checklist(policy), "common_passwords": "/meta/common-passwords"}


def rules() -> dict[str, Any]:
    from chalicelib.domain.accounts import (
        NOTIFICATION_LABELS,
        ROLE_LABELS,
        USER_INVITATION_VALID,
        NotificationKind,
        StaffDuty,
        StaffRole,
        UserRole,
        company_duties,
        staff_may,
    )
    from chalicelib.domain.fees import PaymentMethod, base_name
    from chalicelib.domain.inspections import RECORDABLE_RESULTS, InspectionStatus, TimeWindow
    from chalicelib.domain.payments import HOLD
    from chalicelib.domain.permits import TRANSITIONS, PermitStatus, known_permit_types
    from chalicelib.services.accounts import AuthConfig
    from chalicelib.services.permits import PermitConfig

    s = bootstrap.settings()
    auth = AuthConfig.from_settings(s)
    policy, staff_policy = auth.password_policy, auth.staff_password_policy
    calendar = PermitConfig.from_settings(s).calendar
    schedule = bootstrap.fee_schedule(s)
    now = bootstrap.clock().now()
    earliest, latest = calendar.earliest_request_date(now), calendar.latest_request_date(now)
    return {
        "password": password_rules(policy),
        # The back office's: the same rules with a longer minimum (STAFF_PASSWORD_MIN_LENGTH).
        "staff_password": password_rules(staff_policy),
        "inspections": {
            "request_cutoff": calendar.request_cutoff.strftime("%H:%M"),
            "cancel_cutoff": calendar.cancel_cutoff.strftime("%H:%M"),
            "max_days_ahead": calendar.horizon_days,
            "time_windows": [w.value for w in TimeWindow],
            # The dates a request made now may ask for: business days from the earliest to the latest.
            "earliest_date": earliest.isoformat(), "latest_date": latest.isoformat(),
            "request_dates": calendar.request_dates(now),
            # The results staff may record (and correct to): the back office's choices.
            "results": [s.value for s in InspectionStatus if s in RECORDABLE_RESULTS],
        },
        # The back office's choices: every status, where each may move, and the types with a numbering.
        "permits": {
            "statuses": [s.value for s in PermitStatus],
            "moves": {s.value: sorted(n.value for n in TRANSITIONS.get(s, frozenset()) if n is not s)
                      for s in PermitStatus},
            "types": known_permit_types(),
        },
        # The back office's staff roles and what each may do (STAFF_DUTIES, the one role check).
        "staff_roles": [{"role": r.value, "duties": sorted(d.value for d in StaffDuty if staff_may(r, d))}
                        for r in StaffRole],
        # A company's user roles and what each may do (COMPANY_DUTIES, the one role check), and what a
        # user may ask to be e-mailed about.
        "company_roles": [{"role": r.value, "label": ROLE_LABELS[r], "may": [d.value for d in company_duties(r.value)]}
                          for r in UserRole],
        "notifications": [{"key": k.value, "label": NOTIFICATION_LABELS[k]} for k in NotificationKind],
        "invitation_hours": int(USER_INVITATION_VALID.total_seconds() // 3600),
        "payment_methods": [{"method": m.value, "name": base_name(PaymentMethod(m)), "label": schedule.method_label(m)}
                            for m in schedule.methods],
        "convenience_fee_label": schedule.label,
        "hold_minutes": int(HOLD.total_seconds() // 60),
        "reset_code_minutes": s.reset_code_minutes,
        "session_idle_minutes": s.session_idle_minutes,
        "lockout_minutes": s.lockout_minutes,
        "max_failed_attempts": s.max_failed_attempts,
        "upload": {"max_bytes": UPLOAD_MAX_BYTES, "content_types": list(UPLOAD_CONTENT_TYPES)},
        "time_zone": s.time_zone.key,
        # Receipts print who the county is (COUNTY_NAME, COUNTY_ADDRESS) and its clock.
        "county": {"name": s.county_name, "address": list(s.county_address), "time_zone": s.time_zone.key},
        # The map's layers (the site's layer control) and the limits GET /map/features holds to.
        "map": {"layers": list(map_rules.LAYERS), "max_bbox_degrees": map_rules.MAX_BBOX_DEGREES,
                "max_features": map_rules.MAX_FEATURES},
    }


@route(bp, "/meta/rules", methods=["GET"])
def meta_rules() -> object:
    # Figures change only with a deployment, but the request dates change daily: a short cache.
    return ok(rules(), headers={"Cache-Control": "public, max-age=300"})


#: The list changes only with a deployment; the ETag lets a browser revalidate it cheaply after that.
COMMON_PASSWORDS_CACHE = "public, max-age=3600"


@lru_cache(maxsize=2)
def common_passwords_body(rejects_common: bool) -> tuple[str, str]:
    """The JSON body and its strong ETag: the policy's own list (lower-cased; the policy compares
    case-insensitively), empty when the county has turned the rule off."""
    from chalicelib.domain.passwords import common_passwords

    body = json.dumps({"passwords": sorted(common_passwords()) if rejects_common else []})
    return body, '"' + hashlib.sha256(body.encode("utf-8")).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/ is ignored; * matches anything."""
    if not if_none_match:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


@route(bp, "/meta/common-passwords", methods=["GET"])
def meta_common_passwords() -> object:
    from chalicelib.services.accounts import AuthConfig

    policy = AuthConfig.from_settings(bootstrap.settings()).password_policy
    body, etag = common_passwords_body(policy.reject_common)
    headers: dict[str, str | list[str]] = {"ETag": etag, "Cache-Control": COMMON_PASSWORDS_CACHE}
    request_headers: Mapping[str, str] = bp.current_request.headers or {}
    if etag_matches(request_headers.get("if-none-match"), etag):
        return Response(body="", status_code=304, headers=headers)
    return Response(body=body, status_code=200, headers={"Content-Type": "application/json", **headers})
