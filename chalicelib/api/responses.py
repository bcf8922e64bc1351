"""Response models: the JSON every route answers (API.md Part 1), for the OpenAPI document and tests.

The views build plain dicts (permit_views.py, payment_views.py, ...); these models describe them, and
tests validate the views' output against them, so the request path pays nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

Money = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["65.00"])]


class Model(BaseModel):
    pass


class Page[ItemT](Model):
    """A list route's answer: Part 1's `{total, items}`, or a page of Part 2 with its `next_cursor`."""

    total: int | None = None
    items: list[ItemT]
    next_cursor: str | None = None


class Health(Model):
    status: str


class DirectoryEntry(Model):
    contractor_id: str
    company_name: str


class DirectoryList(Page[DirectoryEntry]):
    pass


class SignedIn(Model):
    token: str
    expires_at: datetime
    role: str
    must_complete_setup: bool


class Accepted(Model):
    status: str


class ResetVerified(Model):
    reset_token: str
    security_question: str


class Profile(Model):
    company_name: str
    license_no: str
    address: str
    city: str
    state: str
    zip: str
    email: str
    phone: str
    cell_phone: str
    fax: str
    security_question: str | None = None


class InspectionRequestDetail(Model):
    """Whether an inspection may be requested now; if not, the 409 a request would get."""

    allowed: bool
    reason: str = Field(description="The 409's `detail`; empty when allowed")
    type: str | None = Field(default=None, description="The 409's problem `type`; null when allowed")


class PermitRow(Model):
    permit_no: str
    address: str
    type: str
    status: str
    inspection_request: bool
    inspection_request_detail: InspectionRequestDetail
    fees_due: Money
    fees_held: Money = "0.00"  # held by a payment in progress: not in fees_due, not paid either
    payment_pending_until: datetime | None = None  # when that payment's hold ends
    parcel_no: str | None = None
    project_no: str | None = None
    lat: float | None = None
    lon: float | None = None


class SearchRow(PermitRow):
    expires_date: date | None = None
    expired: bool


class ExpiredRow(Model):
    permit_no: str
    address: str
    type: str
    status: str
    expired: date | None = None
    fees_due: Money
    fees_held: Money = "0.00"
    payment_pending_until: datetime | None = None


class Inspection(Model):
    inspection_id: str
    permit_no: str
    inspection_type: str
    date: date
    time_window: str | None = None
    status: str
    notes: str | None = None
    result_notes: str | None = None


class RecordedResult(Model):
    """A result a correction replaced, as it was recorded."""

    result: str
    notes: str
    recorded_at: datetime | None = None
    recorded_by: str | None = None


class StaffInspection(Inspection):
    """An inspection as staff see it: who recorded its result, and the results corrections replaced."""

    recorded_at: datetime | None = None
    recorded_by: str | None = None
    history: list[RecordedResult] = []


class Fee(Model):
    fee_id: str
    description: str
    amount: Money
    status: str  # DUE, PENDING (held by a payment in progress), PAID or VOIDED
    void_reason: str | None = None  # a voided fee: why, when, and (adjusted) the line that replaced it
    voided_at: datetime | None = None
    replaced_by: str | None = None
    voided_by: str | None = None  # staff views only


class Review(Model):
    review_id: str
    department: str
    status: str
    date: date
    comments: str | None = None


class Attachment(Model):
    attachment_id: str
    name: str
    uploaded_at: datetime


class PermitDetail(PermitRow):
    contractor_id: str
    description: str | None = None
    applied_date: date | None = None
    issued_date: date | None = None
    expires_date: date | None = None
    expired: bool
    fees: list[Fee]
    attachments: list[Attachment]
    reviews: list[Review]
    inspections: list[Inspection]
    inspection_types: list[str]


class StatusStep(Model):
    at: datetime
    status: str
    by: str | None = None
    comments: str


class StaffPermitDetail(PermitDetail):
    """The permit detail staff see: the contractor's, plus its status timeline and who did what."""

    inspections: list[StaffInspection]  # type: ignore[assignment]
    timeline: list[StatusStep]


class DashboardInspection(Model):
    inspection_id: str
    rec_no: str
    rec_type: str
    rec_status: str
    address: str
    inspection: str
    date: date
    time_window: str | None = None


class ContractorRef(Model):
    contractor_id: str
    company_name: str


class PermitRowList(Model):
    total: int
    items: list[PermitRow]


class DashboardInspectionList(Model):
    total: int
    items: list[DashboardInspection]


class ExpiredRowList(Model):
    total: int
    items: list[ExpiredRow]


class Dashboard(Model):
    contractor: ContractorRef
    active_permits: PermitRowList
    active_inspections: DashboardInspectionList
    expired_permits: ExpiredRowList


class SearchPage(Page[SearchRow]):
    pass


class ScheduledInspection(Inspection):
    address: str


class InspectionPage(Page[ScheduledInspection]):
    pass


class CartFee(Model):
    fee_id: str
    description: str
    amount: Money


class CartPermit(Model):
    permit_no: str
    address: str
    fees: list[CartFee]
    subtotal: Money


class PendingPayment(Model):
    """A payment in progress: its fees are held (not in the cart) until `expires_at`."""

    payment_id: str
    permit_nos: list[str]
    total_due: Money
    expires_at: datetime


class Cart(Model):
    items: list[CartPermit]
    total_fees: Money
    pending_payments: list[PendingPayment] = []


class ConvenienceFee(Model):
    label: str
    amount: Money


class Summary(Model):
    items: list[CartPermit]
    total_fees: Money
    payment_method: str
    convenience_fee: ConvenienceFee
    total_due: Money


class CheckoutStarted(Summary):
    payment_id: str
    status: str
    redirect_url: str
    expires_at: datetime
    created_at: datetime


class PaymentMethodOption(Model):
    payment_method: str
    label: str


class PaymentMethods(Model):
    total: int
    items: list[PaymentMethodOption]
    convenience_fee_label: str


class UnappliedTransaction(Model):
    transaction_id: str
    amount: Money


class Payment(Model):
    payment_id: str
    receipt_no: str  # the short number printed on the receipt, e.g. K7QM2-XD9TB
    receipt_available: bool  # approved (PAID): the only payments with a receipt
    status: str
    payment_method: str
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None = None
    transaction_id: str | None = None
    items: list[CartPermit]
    total_fees: Money
    convenience_fee: ConvenienceFee
    total_due: Money
    applied: bool
    refund_required: bool
    unapplied_transactions: list[UnappliedTransaction]


class PaymentPage(Page[Payment]):
    pass


class PaymentCallbackBody(Model):
    """What the payment portal posts to /payments/callback, signed in X-Payment-Signature. The route reads
    the raw bytes (the signature covers them) with chalicelib/payments/provider.py's strict parser; this
    model documents that body."""

    model_config = {"extra": "forbid"}
    payment_id: str
    outcome: Literal["approved", "declined", "cancelled"]
    transaction_id: str | None
    amount: str  # dollars and cents as a string, e.g. "176.80": never a JSON number


class StripeEventBody(Model):
    """A Stripe event as Stripe posts it to /payments/stripe/webhook, signed in Stripe-Signature; only
    checkout.session.* events report an outcome (chalicelib/payments/stripe.py), the rest are ignored."""

    id: str | None = None
    type: str
    data: dict[str, object]


class CallbackResult(Model):
    payment_id: str | None = None
    status: str | None = None
    refund_required: bool | None = None
    ignored: bool | None = None


class OutboxList(Model):
    total: int
    items: list[dict[str, object]]


class Letter(Model):
    """The PIN letter: what the contractor needs to sign in the first time, printed or mailed."""

    subject: str
    body: str


class NewContractorCreated(Model):
    contractor_id: str
    pin: str
    letter: Letter


class NewPin(Model):
    pin: str
    letter: Letter
    mailed_to: str | None = None  # with `mail_letter`: the address on file it was sent to


class JobResult(Model):
    flagged: int
    reminded: int


class OpenApiDocument(Model):
    openapi: str


class ProblemField(Model):
    field: str
    message: str


class Problem(Model):
    """RFC 9457 problem details, with the portal's per-field `errors`."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemField] | None = None
    #: After a wrong password, PIN, secret answer or reset code: failures left before the lock-out.
    attempts_left: int | None = None


class CommonPasswords(Model):
    """The passwords the policy refuses, lower-cased (compared case-insensitively)."""

    passwords: list[str]


class MetaRules(Model):
    password: dict[str, object]
    staff_password: dict[str, object]
    inspections: dict[str, object]
    permits: dict[str, object]
    staff_roles: list[dict[str, object]]
    company_roles: list[dict[str, object]]
    notifications: list[dict[str, str]]
    invitation_hours: int
    payment_methods: list[dict[str, str]]
    convenience_fee_label: str
    hold_minutes: int
    reset_code_minutes: int
    upload: dict[str, object]
    time_zone: str
    county: dict[str, object]
    map: dict[str, object]


# --- the back office ---------------------------------------------------------------------------


class AuditRecord(Model):
    at: datetime
    by: str
    action: str
    subject: str
    before: dict[str, object] | None = None
    after: dict[str, object] | None = None


class AuditPage(Page[AuditRecord]):
    pass


class StaffMe(Model):
    username: str
    name: str
    email: str
    role: Literal["clerk", "inspector", "supervisor"]
    duties: list[str]


class StaffAccount(Model):
    """A staff account (docs/back-office.md, "Staff accounts")."""

    username: str
    name: str
    email: str
    role: Literal["clerk", "inspector", "supervisor"]
    status: Literal["INVITED", "ACTIVE", "DISABLED"]
    invited_at: datetime | None = None
    last_sign_in_at: datetime | None = None


class StaffAccountPage(Page[StaffAccount]):
    pass


# --- a company's users ------------------------------------------------------------------------


class CompanyUser(Model):
    """A company's user as its admins see them (API.md Part 2, "Companies and their users")."""

    user_id: str
    email: str
    name: str
    role: Literal["admin", "office", "field"]
    status: Literal["INVITED", "ACTIVE", "DISABLED"]
    first_admin: bool
    invited_at: datetime | None = None
    last_sign_in_at: datetime | None = None


class CompanyUserPage(Page[CompanyUser]):
    pass


class Notifications(Model):
    inspection_results: bool
    payments: bool
    expiry_reminders: bool
    application_updates: bool


class Me(Model):
    """`GET /me`: the signed-in user; `may` lists what their role may do (the site shows only that)."""

    user_id: str
    email: str
    name: str
    role: Literal["admin", "office", "field"]
    contractor_id: str
    company_name: str
    first_admin: bool
    security_question: str
    notifications: Notifications
    may: list[str]


class ActivityEntry(Model):
    at: datetime
    user_id: str
    user_email: str
    user_name: str
    action: str
    subject: str
    detail: str


class ActivityPage(Page[ActivityEntry]):
    pass


class SandboxClock(Model):
    now: datetime
    days: int


# --- the back office's lists (docs/back-office.md "Lists"; chalicelib/api/staff_lists.py) -------------


class StaffContractorRow(Model):
    contractor_id: str
    company_name: str
    license_no: str
    email: str
    phone: str
    setup_done: bool


class StaffContractorPage(Page[StaffContractorRow]):
    pass


class StaffPermitRow(Model):
    permit_no: str
    address: str
    type: str
    status: str
    contractor_id: str
    company_name: str
    fees_due: Money
    applied_date: date | None = None
    issued_date: date | None = None
    expires_date: date | None = None
    expired: bool


class StaffPermitPage(Page[StaffPermitRow]):
    pass


class StaffContractorDetail(StaffContractorRow):
    address: str
    city: str
    state: str
    zip: str
    permits: list[StaffPermitRow]
    permits_next_cursor: str | None = None  # ?cursor= on this route pages the permits


class StaffDayInspection(Inspection):
    address: str
    company_name: str


class StaffDayInspections(Model):
    date: date
    items: list[StaffDayInspection]


# --- the back office: notices and payments (docs/back-office.md) ------------------------------------


class StaffNotice(Model):
    notice_id: str
    at: datetime
    kind: Literal["inspection-requested", "inspection-cancelled", "payment", "application-submitted"]
    summary: str
    details: str
    contractor_id: str
    read: bool
    permit_no: str | None = None
    payment_id: str | None = None
    inspection_id: str | None = None
    read_at: datetime | None = None
    read_by: str | None = None


class StaffNoticePage(Page[StaffNotice]):
    pass


class StaffRefund(Model):
    at: datetime
    by: str
    reference: str
    amount: Money


class StaffPaymentRow(Model):
    payment_id: str
    receipt_no: str
    contractor_id: str
    company_name: str
    status: str
    total_fees: Money
    total_due: Money
    convenience_fee: Money
    payment_method: str
    created_at: datetime
    paid_at: datetime | None
    transaction_id: str | None
    permit_nos: list[str]
    refund_required: bool
    refund_amount: Money | None = None
    refunds: list[StaffRefund] | None = None  # the refunds recorded (supervisors, POST .../refund)


class StaffToday(Model):
    date: date
    inspections: list[StaffDayInspection] | None = None  # left out without the inspections duty
    awaiting_issue: list[StaffPermitRow] | None = None  # left out without the permits duty
    refunds_required: list[StaffPaymentRow] | None = None  # left out without the payments duty
    unread_notices: int

class StaffPaymentPage(Page[StaffPaymentRow]):
    pass


class StaffPaymentLine(Model):
    fee_id: str
    permit_no: str
    address: str
    description: str
    amount: Money


class StaffUnappliedTransaction(Model):
    transaction_id: str
    amount: Money
    received_at: datetime


class StaffPaymentDetail(StaffPaymentRow):
    lines: list[StaffPaymentLine]
    convenience_label: str
    expires_at: datetime
    ended_at: datetime | None
    unapplied_transactions: list[StaffUnappliedTransaction]


# --- properties, projects and the map ------------------------------------------------------------


class PropertyRow(Model):
    parcel_no: str
    address: str = Field(description="The county's written form, upper case (\"1968 E DODD RD\")")
    city: str
    state: str
    zip: str
    lat: float
    lon: float


class PropertyPage(Page[PropertyRow]):
    pass


class PropertyDetail(PropertyRow):
    geometry: dict[str, object] | None = Field(default=None, description="GeoJSON Polygon or MultiPolygon, WGS84")
    permits: list[PermitRow]


class AddressPoint(Model):
    address: str
    parcel_no: str
    lat: float
    lon: float


class AddressPoints(Model):
    items: list[AddressPoint]


class NearestParcel(AddressPoint):
    distance_m: float


class FeatureCollectionBody(Model):
    """A county GIS export: features with Polygon/MultiPolygon/Point geometry and properties parcel_no,
    address, city, state, zip (up to 6 MB; larger through `make import-parcels FILE=...`)."""

    type: Literal["FeatureCollection"]
    features: list[dict[str, object]]


class ImportRejected(Model):
    index: int
    reason: str


class ImportResult(Model):
    imported: int
    updated: int
    unchanged: int
    rejected: list[ImportRejected]


class ProjectRow(Model):
    project_no: str
    name: str
    status: Literal["ACTIVE", "CLOSED"]
    parcel_no: str | None = None
    lat: float | None = None
    lon: float | None = None


class ProjectListRow(ProjectRow):
    fees_due: Money


class ProjectPage(Page[ProjectListRow]):
    pass


class ProjectDetail(ProjectListRow):
    permits: list[PermitRow]


class PointGeometry(Model):
    type: Literal["Point"]
    coordinates: list[float]


class MapFeatureProperties(Model):
    layer: Literal["permits", "inspections", "projects", "properties"]
    id: str
    label: str
    address: str
    status: str | None = None
    link: str = Field(description="The site page that opens the record, relative")


class MapFeature(Model):
    type: Literal["Feature"]
    id: str
    geometry: PointGeometry
    properties: MapFeatureProperties


class MapFeatureCollection(Model):
    type: Literal["FeatureCollection"]
    features: list[MapFeature]
    truncated: bool


class StreetProperties(Model):
    name: str


class StreetFeature(Model):
    type: Literal["Feature"]
    id: str
    geometry: dict[str, object]
    properties: StreetProperties


class StreetCollection(Model):
    type: Literal["FeatureCollection"]
    features: list[StreetFeature]


class Basemap(Model):
    kind: Literal["none", "xyz", "pmtiles"]
    url: str | None = None
    attribution: str | None = None


class MapConfig(Model):
    center: list[float]
    zoom: int
    basemap: Basemap
